"""SIM card actions: started by enable, disable and set_standby, finished by the state's clock.

An action is stored once and indexed by card, type, status and bulk action, so a listing
filtered on any of them reads its own few actions rather than scanning all of them. Actions
finish lazily: each is due ``duration`` seconds after it started, and `ActionStore.settle`
finishes every due one when the state is next read (the middleware calls it before each
request). Ten thousand pending actions therefore cost nothing until someone looks, and then
one heap pop each.

The rules it applies are the emulator's choices where the spec is silent; the route module
`_routes.sim_card_actions` writes them down.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ._inventory import Inventory, _derived_uuid

__all__ = [
    "ACTION_FILTER_STATUSES",
    "ACTION_TARGETS",
    "ACTION_TYPES",
    "ActionQuery",
    "ActionStore",
    "SimCardAction",
]

ACTION_TARGETS: dict[str, tuple[str, str]] = {
    "enable": ("enabling", "enabled"),
    "disable": ("disabling", "disabled"),
    "set_standby": ("setting_standby", "standby"),
}
"""Per action a route can start: the card's status while it runs, and once it completed."""

ACTION_TYPES: tuple[str, ...] = (
    "enable",
    "enable_standby_sim_card",
    "disable",
    "set_standby",
    "remove_public_ip",
    "set_public_ip",
)
"""Values ``filter[action_type]`` accepts."""

ACTION_FILTER_STATUSES: tuple[str, ...] = ("in-progress", "completed", "failed")
"""Values ``filter[status]`` accepts: the spec leaves ``interrupted`` out (its Q3)."""

_REASONS = {
    "in-progress": "The action is in progress.",
    "completed": "The action completed.",
}
DATA_LIMIT_REASON = "The data limit was exceeded."
"""Why an action on a card in ``data_limit_exceeded`` fails (the spec's own example)."""
UNAUTHORIZED_IMEI_REASON = (
    "The SIM card is used from an IMEI that is not authorized; change its authorized_imeis first."
)
"""Why an action on a card used from an unauthorized IMEI fails."""
RANDOM_FAILURE_REASON = "The network did not confirm the change in time; try again."
"""Why an action drawn to fail by the failure rate fails."""


@dataclass(slots=True)
class SimCardAction:
    """One SIM card action, as stored; `as_json` gives the ``SIMCardAction`` object."""

    id: str
    sequence: int
    card_index: int
    sim_card_id: str
    action_type: str
    previous_status: str
    due: float
    fails: bool
    created_at: str
    status: str = "in-progress"
    reason: str = _REASONS["in-progress"]
    updated_at: str = ""
    bulk_sim_card_action_id: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Return the action as the API writes it."""
        return {
            "id": self.id,
            "record_type": "sim_card_action",
            "sim_card_id": self.sim_card_id,
            "action_type": self.action_type,
            "status": {"value": self.status, "reason": self.reason},
            "settings": dict(self.settings),
            "created_at": self.created_at,
            "updated_at": self.updated_at or self.created_at,
        }


@dataclass(frozen=True, slots=True)
class ActionQuery:
    """Filters of ``GET /sim_card_actions``; the default selects every action, oldest first."""

    action_type: str | None = None
    status: str | None = None
    card_index: int | None = None
    bulk_sim_card_action_id: str | None = None
    nothing: bool = False  # a sim_card_id that names no card matches no action


class ActionStore:
    """Every SIM card action of the account, indexed, finishing on the state's clock."""

    def __init__(
        self,
        inventory: Inventory,
        *,
        clock: Callable[[], float],
        duration: float,
        failure_rate: float,
        seed: int,
    ) -> None:
        """Create an empty store.

        Args:
            inventory: The cards the actions change.
            clock: Monotonic seconds; read only while an action is pending or being started.
            duration: Seconds from an action's start to its end.
            failure_rate: Fraction of actions that fail for no reason of the card's, drawn
                from a random sequence seeded by ``seed``, one number per action started.
            seed: Seed of the failure draws and of the action IDs.
        """
        self._inventory = inventory
        self._clock = clock
        self.duration = duration
        self.failure_rate = failure_rate
        self._seed = seed
        self._random = random.Random(seed ^ 0xAC7)
        self._actions: list[SimCardAction] = []
        self._by_id: dict[str, SimCardAction] = {}
        self._by_card: dict[int, list[SimCardAction]] = {}
        self._by_type: dict[str, list[SimCardAction]] = {}
        self._by_bulk: dict[str, list[SimCardAction]] = {}
        # Per status, the actions in it keyed by sequence number (dicts keep insertion order
        # and delete in O(1)); sorted when a listing needs creation order.
        self._by_status: dict[str, dict[int, SimCardAction]] = {}
        self._pending: list[tuple[float, int, SimCardAction]] = []
        self._in_progress: dict[int, SimCardAction] = {}  # card index -> its running action
        self._selections: dict[tuple[ActionQuery, int], Sequence[SimCardAction]] = {}
        self._version = 0
        self._clock_origin: float | None = None
        self._time_origin = datetime.now(UTC)

    def __len__(self) -> int:
        return len(self._actions)

    @property
    def pending(self) -> int:
        """Number of actions still in progress, as of the last `settle`."""
        return len(self._pending)

    def timestamp(self, moment: float | None = None) -> str:
        """Return the API timestamp of a clock reading (now if None).

        Timestamps count the clock's seconds from the wall-clock time the store was made,
        so a fake clock gives timestamps that move only when it does.
        """
        now = self._clock() if moment is None else moment
        if self._clock_origin is None:
            self._clock_origin = now
        at = self._time_origin + timedelta(seconds=now - self._clock_origin)
        return at.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"

    def running(self, card_index: int) -> SimCardAction | None:
        """Return the action in progress on a card, if any (call `settle` first)."""
        return self._in_progress.get(card_index)

    def get(self, action_id: str) -> SimCardAction | None:
        """Return the action with this ID (any case), or None."""
        return self._by_id.get(action_id.lower())

    def start(self, card_index: int, action_type: str) -> SimCardAction:
        """Start an action on a card that has none running, and move the card to its transit.

        The caller has checked that the action is allowed (`_routes.sim_card_actions`).
        """
        transit, _ = ACTION_TARGETS[action_type]
        now = self._clock()
        # Drawn for every action, whatever the rate, so one action's fate never shifts another's.
        fails = self._random.random() < self.failure_rate
        sequence = len(self._actions)
        created_at = self.timestamp(now)
        action = SimCardAction(
            id=_derived_uuid(self._seed, "sim_card_action", sequence),
            sequence=sequence,
            card_index=card_index,
            sim_card_id=self._inventory.card_id(card_index),
            action_type=action_type,
            previous_status=self._inventory.status_of(card_index),
            due=now + self.duration,
            fails=fails,
            created_at=created_at,
            updated_at=created_at,
        )
        self._actions.append(action)
        self._by_id[action.id] = action
        self._by_card.setdefault(card_index, []).append(action)
        self._by_type.setdefault(action_type, []).append(action)
        self._by_status.setdefault(action.status, {})[sequence] = action
        self._in_progress[card_index] = action
        heapq.heappush(self._pending, (action.due, sequence, action))
        self._inventory.change(
            card_index, status=transit, actions_in_progress=True, updated_at=created_at
        )
        self._version += 1
        return action

    def settle(self) -> int:
        """Finish every action due by now; return how many finished.

        An action fails if the card was in ``data_limit_exceeded`` when it started, if the card
        is used from an unauthorized IMEI when it is due (a PATCH of ``authorized_imeis`` in
        the meantime saves it), or if it was drawn to fail;
        the card then returns to the status it had. Otherwise the card takes the action's
        target status. The clock is not read while nothing is pending.
        """
        if not self._pending:
            return 0
        now = self._clock()
        finished = 0
        while self._pending and self._pending[0][0] <= now:
            _, _, action = heapq.heappop(self._pending)
            self._finish(action)
            finished += 1
        if finished:
            self._version += 1
        return finished

    def _finish(self, action: SimCardAction) -> None:
        inventory = self._inventory
        index = action.card_index
        reason: str | None = None
        if action.previous_status == "data_limit_exceeded":
            reason = DATA_LIMIT_REASON
        elif inventory.is_imei_unauthorized(index):
            reason = UNAUTHORIZED_IMEI_REASON
        elif action.fails:
            reason = RANDOM_FAILURE_REASON
        del self._by_status[action.status][action.sequence]
        action.status = "completed" if reason is None else "failed"
        action.reason = reason or _REASONS["completed"]
        action.updated_at = self.timestamp(action.due)
        self._by_status.setdefault(action.status, {})[action.sequence] = action
        del self._in_progress[index]
        _, target = ACTION_TARGETS[action.action_type]
        inventory.change(
            index,
            status=target if reason is None else action.previous_status,
            actions_in_progress=False,
            updated_at=action.updated_at,
        )

    def select(self, query: ActionQuery) -> Sequence[SimCardAction]:
        """Return the actions matching ``query``, oldest first.

        The smallest index among the filters given is read and the others are checked on its
        actions; the result is kept until an action starts or finishes, so walking the pages
        of a listing costs one selection.
        """
        key = (query, self._version)
        selection = self._selections.get(key)
        if selection is not None:
            return selection
        if query.nothing:
            selection = []
        else:
            candidates: list[Collection[SimCardAction]] = [self._actions]
            if query.card_index is not None:
                candidates.append(self._by_card.get(query.card_index, []))
            if query.action_type is not None:
                candidates.append(self._by_type.get(query.action_type, []))
            if query.bulk_sim_card_action_id is not None:
                candidates.append(self._by_bulk.get(query.bulk_sim_card_action_id, []))
            if query.status is not None:
                candidates.append(self._by_status.get(query.status, {}).values())
            smallest = min(candidates, key=len)
            selection = [action for action in smallest if _matches(action, query)]
            # Only the status index is not in creation order: actions enter it as they finish.
            selection.sort(key=lambda action: action.sequence)
        if len(self._selections) >= 8:
            del self._selections[next(iter(self._selections))]
        self._selections[key] = selection
        return selection


def _matches(action: SimCardAction, query: ActionQuery) -> bool:
    return (
        (query.card_index is None or action.card_index == query.card_index)
        and (query.action_type is None or action.action_type == query.action_type)
        and (query.status is None or action.status == query.status)
        and (
            query.bulk_sim_card_action_id is None
            or action.bulk_sim_card_action_id == query.bulk_sim_card_action_id
        )
    )
