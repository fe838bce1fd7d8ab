"""The ledger of ``enable``, ``disable`` and ``standby``: what became of each card, as JSON Lines.

One JSON object per line, for example::

    {"sim_card_id":"6a09cdc3-...","action":"disable","outcome":"completed",
        "action_id":"f1b1...","status":"completed","reason":"The action completed.","at":"..."}
    {"sim_card_id":"...","action":"disable","outcome":"already","status":"disabled",...}
    {"sim_card_id":"...","action":"disable","outcome":"failed","permanent":true,
        "action_id":"...","status":"failed","reason":"The data limit was exceeded.",...}
    {"sim_card_id":"...","action":"disable","outcome":"started","action_id":"...",...}
    {"sim_card_id":"...","action":"disable","outcome":"unknown","sent":true,"reason":"...",...}

(each object on one line). The file mechanics are `JsonLinesLedger`'s, as for ``register``:
locked while a run uses it, appended to as the run goes (a card is recorded unknown just
before its request is sent, ``started`` once its action is, and with its outcome once
known), rewritten with one line per card when the run ends. The same objects are the
command's JSON Lines output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from attrs import frozen

from telnyx_wireless_async import CardActionOutcome, SimCardAction
from telnyx_wireless_async._bulk_actions import BulkActionLedger, Kind
from telnyx_wireless_async.cli._ledger_file import JsonLinesLedger, LedgerFormat, now
from telnyx_wireless_async.models.api_errors import ErrorDetail

__all__ = [
    "ACTION_LEDGER",
    "IN_FLIGHT_REASON",
    "ActionLedgerEntry",
    "ActionLedgerFile",
    "ActionOutcome",
    "RecordingActionLedger",
    "entry_of",
]

ActionOutcome = Literal["completed", "started", "already", "failed", "unknown"]

_OUTCOMES: dict[str, ActionOutcome] = {name: name for name in get_args(ActionOutcome)}

IN_FLIGHT_REASON = "sent, but the run stopped before its answer was recorded"


@frozen(kw_only=True)
class ActionLedgerEntry:
    """What became of one card.

    Attributes:
        sim_card_id: The card.
        action: The action asked for: ``enable``, ``disable`` or ``set_standby``.
        outcome: ``completed``, ``already`` (in the target state already), ``failed``,
            ``started`` (its action was started and not waited for, or the run stopped
            while waiting) or ``unknown``.
        at: When it was recorded.
        action_id: The SIM card action started on the card, if one is known.
        status: The action's status as last seen; for ``already``, the card's status.
        reason: Why: the action's reason, the API's refusal, or why the outcome is unknown.
        error: The API's error ``code``, ``title`` and ``detail``, when it refused the card.
        permanent: For ``failed``: trying again will not help until something changes (the
            API refused this card, or its action failed), so a rerun skips it unless
            ``--retry-failed``. False when the API refused every card alike (a bad key) or
            the card was resent after an unrecorded earlier request: a rerun tries again.
        sent: For ``unknown``: False when the card's request was certainly never sent.
    """

    sim_card_id: str
    action: str
    outcome: ActionOutcome
    at: str
    action_id: str | None = None
    status: str | None = None
    reason: str | None = None
    error: Mapping[str, str | None] | None = None
    permanent: bool = False
    sent: bool = True

    @property
    def key(self) -> str:
        """The card id: what the ledger records one entry per."""
        return self.sim_card_id

    def to_json(self) -> dict[str, Any]:
        """Return the entry as the JSON object of its ledger line (and of the JSON output)."""
        record: dict[str, Any] = {
            "sim_card_id": self.sim_card_id,
            "action": self.action,
            "outcome": self.outcome,
        }
        if self.outcome == "failed":
            record["permanent"] = self.permanent
        if self.outcome == "unknown":
            record["sent"] = self.sent
        for name in ("action_id", "status", "reason"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        if self.error is not None:
            record["error"] = dict(self.error)
        record["at"] = self.at
        return record

    @classmethod
    def from_json(cls, record: object) -> ActionLedgerEntry:
        """Build an entry from a ledger line's object.

        Raises:
            ValueError: It is not an entry of this ledger.
        """
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        card_id, action, outcome = (record.get(k) for k in ("sim_card_id", "action", "outcome"))
        if not (isinstance(card_id, str) and isinstance(action, str)):
            raise ValueError("no sim_card_id and action")
        outcome = _OUTCOMES.get(str(outcome))
        if outcome is None:
            raise ValueError("no outcome")

        def text(name: str) -> str | None:
            value = record.get(name)
            return value if isinstance(value, str) else None

        error = record.get("error")
        return cls(
            sim_card_id=card_id,
            action=action,
            outcome=outcome,
            at=str(record.get("at", "")),
            action_id=text("action_id"),
            status=text("status"),
            reason=text("reason"),
            error=error if isinstance(error, dict) else None,
            permanent=record.get("permanent") is True,
            sent=record.get("sent") is not False,
        )


ACTION_LEDGER: LedgerFormat[ActionLedgerEntry] = LedgerFormat(
    key_field="sim_card_id",
    parse=ActionLedgerEntry.from_json,
    writer="enable, disable or standby",
)
"""The ledger of the lifecycle commands: one `ActionLedgerEntry` per card."""


class ActionLedgerFile(JsonLinesLedger[ActionLedgerEntry]):
    """The ledger of ``enable``, ``disable`` or ``standby``, open and locked."""

    def __init__(self, path: str) -> None:
        """Lock and read the ledger at `path` (see `JsonLinesLedger`)."""
        super().__init__(path, ACTION_LEDGER)


def _error_json(error: ErrorDetail | None) -> dict[str, str | None] | None:
    if error is None:
        return None
    return {"code": error.code, "title": error.title, "detail": error.detail}


def entry_of(
    action: str, kind: ActionOutcome, outcome: CardActionOutcome, *, permanent: bool = True
) -> ActionLedgerEntry:
    """Return the ledger entry of an SDK outcome."""
    return ActionLedgerEntry(
        sim_card_id=outcome.sim_card_id,
        action=action,
        outcome=kind,
        at=now(),
        action_id=outcome.action_id,
        status=outcome.status,
        reason=outcome.reason,
        error=_error_json(outcome.error),
        permanent=permanent and kind == "failed",
        sent=outcome.sent,
    )


class RecordingActionLedger(BulkActionLedger):
    """Writes each card to the ledger file (if any) as its request goes and its outcome comes.

    Attributes:
        entries: Every entry recorded, latest per card.
        answered: Cards whose request was answered (action started, or a final outcome).
    """

    def __init__(
        self,
        file: ActionLedgerFile | None,
        action: str,
        *,
        resent: frozenset[str] = frozenset(),
        on_answer: Callable[[int], None] | None = None,
    ) -> None:
        """Record to `file` (None: in memory only).

        Args:
            file: The ledger file, or None.
            action: The action's wire name, written in every entry.
            resent: Cards an earlier run sent without recording the answer: a refusal of
                one of them may be that earlier request's doing, so it is not permanent.
            on_answer: Called with `answered` each time a card's request is answered.
        """
        super().__init__()
        self._file = file
        self._action = action
        self._resent = resent
        self._on_answer = on_answer
        self.entries: dict[str, ActionLedgerEntry] = {}
        self.answered = 0

    def write(self, entries: list[ActionLedgerEntry]) -> None:
        """Append `entries` to the file and note them."""
        if self._file is not None:
            self._file.append(entries)
        self.entries.update((entry.sim_card_id, entry) for entry in entries)

    def _answer(self) -> None:
        self.answered += 1
        if self._on_answer is not None:
            self._on_answer(self.answered)

    def mark_sent(self, sim_card_id: str) -> None:
        """Record the card as sent with no answer yet, before it is sent."""
        entry = ActionLedgerEntry(
            sim_card_id=sim_card_id,
            action=self._action,
            outcome="unknown",
            at=now(),
            reason=IN_FLIGHT_REASON,
        )
        self.write([entry])
        super().mark_sent(sim_card_id)

    def record_started(self, sim_card_id: str, action: SimCardAction) -> None:
        """Record the action started on the card."""
        super().record_started(sim_card_id, action)
        outcome = self.running()[sim_card_id]
        self.write([entry_of(self._action, "started", outcome)])
        self._answer()

    def record(self, kind: Kind, outcome: CardActionOutcome) -> None:
        """Record a card's final outcome."""
        was_running = outcome.sim_card_id in self.running()
        super().record(kind, outcome)
        # A refusal (no action id) of a card resent after an unrecorded request may be
        # that request's action still running: worth another try, not a settled failure.
        permanent = not (outcome.action_id is None and outcome.sim_card_id in self._resent)
        self.write([entry_of(self._action, kind, outcome, permanent=permanent)])
        if not was_running:
            self._answer()
