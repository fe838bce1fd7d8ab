"""Starting a SIM card action (enable, disable, set standby) once, whatever the retries.

The POST that starts an action is not idempotent, and the spec says nothing of
idempotency keys: an attempt whose answer was lost (a timeout, a dropped connection, a
5xx, an answer that cannot be read) may have started the action, and a blind retry
would start a second one, or be refused because the first is in progress. So
`start_action` retries under the session's policy, and:

- before a retry that follows an attempt that may have been processed, it looks the
  card's actions of that type up; one the lost attempt started is returned, and no
  retry is sent;
- when such a retry is refused with a 4xx (an action in progress, say), it looks again,
  under the same rule, and returns the action found; only when none qualifies is the
  refusal raised.

Which action the lost attempt started: the API does not say, and a lost attempt may
have started nothing (a 503 from a proxy), so an earlier action of that type on the
card must not be taken for it. `find_started_action` lists the card's actions of that
type created since `LOOKBACK` seconds before the first attempt (a pre-filter that
keeps old history out; the server's clock may differ from ours), and:

- one still in progress is ours: a card takes one action at a time, so it is the
  newest, and a POST of ours could not have started beside it (the latest such is
  returned);
- a finished one is accepted only if it completed and the card, fetched once, is now
  in the action's target status (enabled, disabled, standby): the card is where the
  call wanted it, whichever action put it there (the latest completed one is
  returned). The card is fetched only on this path;
- a failed or interrupted one is never accepted: it may be an earlier attempt's, made
  before this call (one the caller is retrying after fixing its cause), so the POST is
  sent again rather than that failure reported as this call's.

An answer to the POST is checked against the request (`check_started_action`): one
with no action id, or naming another card or another type, is an
`APIResponseValidationError`, retried as a lost answer is.

The filters are checked on each action again, for a server that ignores them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import attrs

from telnyx_wireless_async._retry import (
    RetryOutcome,
    RetryPolicy,
    call_with_retries,
    is_retryable,
)
from telnyx_wireless_async._serde import ModelError
from telnyx_wireless_async.errors import APIStatusError
from telnyx_wireless_async.models import (
    SimCardAction,
    SimCardActionStatusValue,
    SimCardActionType,
)

if TYPE_CHECKING:
    from telnyx_wireless_async.resources.sim_card_actions import SimCardActions

__all__ = [
    "ACTION_TARGETS",
    "LOOKBACK",
    "CardStatus",
    "PostOnce",
    "check_started_action",
    "find_started_action",
    "start_action",
]

logger = logging.getLogger(__name__)

LOOKBACK = 60.0
"""Seconds before the first attempt an action it started may be stamped, for clock skew."""

ACTION_TARGETS: Mapping[SimCardActionType, str] = {
    SimCardActionType.ENABLE: "enabled",
    SimCardActionType.DISABLE: "disabled",
    SimCardActionType.SET_STANDBY: "standby",
}
"""The card status each action leads to."""

PostOnce = Callable[[RetryPolicy], Awaitable[SimCardAction]]
"""Sends the POST once, under the policy given (one attempt)."""

CardStatus = Callable[[], Awaitable[str | None]]
"""Fetches the card once and returns its status value (None when it has none)."""


def check_started_action(
    action: SimCardAction, *, sim_card_id: str, action_type: SimCardActionType
) -> SimCardAction:
    """Return the action a POST answered with, if it is the one asked for.

    It must have an id that is a UUID (every action id is one, and one that is not could
    not be looked up), and its card and type, where given, must be those asked for.

    Raises:
        ModelError: It is not (the session raises `APIResponseValidationError`: the
            attempt may have started an action, and the lookup looks for it).
    """
    if not isinstance(action.id, str) or not action.id.strip():
        raise ModelError("$.data.id: the action started has no id")
    try:
        UUID(action.id)
    except ValueError:
        raise ModelError(f"$.data.id: the action's id is not a UUID: {_short(action.id)}") from None
    if action.sim_card_id is not None and action.sim_card_id.lower() != sim_card_id:
        raise ModelError(
            f"$.data.sim_card_id: the action is for {_short(action.sim_card_id)},"
            f" not for the card asked for, {sim_card_id}"
        )
    if action.action_type is not None and action.action_type != action_type:
        raise ModelError(
            f"$.data.action_type: the action is {_short(str(action.action_type))},"
            f" not {action_type.value} as asked"
        )
    return action


def _short(value: str) -> str:
    """Quote a value the server sent, cut to a few dozen characters."""
    return repr(value if len(value) <= 40 else value[:40] + "...")


async def find_started_action(
    actions: SimCardActions,
    sim_card_id: str,
    action_type: SimCardActionType,
    since: datetime,
    card_status: CardStatus,
) -> SimCardAction | None:
    """Return the action of `action_type` a lost attempt on the card started, if any.

    Among the card's actions of that type created since `since`: the latest one in
    progress; else the latest completed one, if the card (fetched once, by
    `card_status`) is in the action's target status; else None. A failed or
    interrupted action is never returned.
    """
    running: list[SimCardAction] = []
    completed: list[SimCardAction] = []
    listing = actions.list(sim_card_id=sim_card_id, action_type=action_type.value)
    async for action in listing:
        if not (
            action.id
            and action.sim_card_id is not None
            and action.sim_card_id.lower() == sim_card_id
            and action.action_type == action_type
            and action.created_at is not None
            and action.created_at >= since
        ):
            continue
        if not action.finished:
            running.append(action)
        elif action.status is not None and action.status.value == (
            SimCardActionStatusValue.COMPLETED
        ):
            completed.append(action)

    def created(action: SimCardAction) -> datetime:
        return action.created_at or since  # never None here: filtered above

    if running:
        return max(running, key=created)
    if completed and await card_status() == ACTION_TARGETS[action_type]:
        return max(completed, key=created)
    return None


async def start_action(
    actions: SimCardActions,
    post: PostOnce,
    *,
    sim_card_id: str,
    action_type: SimCardActionType,
    policy: RetryPolicy,
    card_status: CardStatus,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SimCardAction:
    """Start an action with retries, returning the one a lost attempt started, if any.

    Args:
        actions: Where to look the card's actions up.
        post: Sends the POST once.
        sim_card_id: The card, a canonical UUID string.
        action_type: The type of action the POST starts.
        policy: The session's retry policy, applied around each attempt and lookup.
        card_status: Fetches the card's status, when a lookup finds only finished actions.
        now: The wall clock, to date the first attempt.

    Raises:
        TelnyxError: The POST failed after its retries, or was refused, and no action
            started by an earlier attempt was found.
    """
    since = now() - timedelta(seconds=LOOKBACK)
    once = attrs.evolve(policy, max_attempts=1, on_retry=None)
    outcome = RetryOutcome()

    async def lookup(why: str) -> SimCardAction | None:
        found = await find_started_action(actions, sim_card_id, action_type, since, card_status)
        if found is not None:
            logger.info(
                "%s action on SIM card %s: %s; returning action %s (%s)",
                action_type.value,
                sim_card_id,
                why,
                found.id,
                "completed, the card in its target status" if found.finished else "in progress",
            )
        return found

    async def attempt(_deadline: float) -> SimCardAction:
        if outcome.maybe_processed:
            found = await lookup("an earlier attempt may have been processed")
            if found is not None:
                return found
        try:
            return await post(once)
        except APIStatusError as error:
            refused = 400 <= error.status < 500 and not is_retryable(error)
            if refused and outcome.maybe_processed:
                found = await lookup(f"the retry was refused ({error.status})")
                if found is not None:
                    return found
            raise

    return await call_with_retries(policy, attempt, outcome=outcome)
