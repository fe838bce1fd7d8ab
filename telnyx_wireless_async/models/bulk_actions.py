"""Enabling, disabling or setting standby many SIM cards at once: what became of each card."""

from __future__ import annotations

from attrs import frozen

from telnyx_wireless_async.errors import BulkActionError
from telnyx_wireless_async.models.api_errors import ErrorDetail
from telnyx_wireless_async.models.sim_card_actions import SimCardActionType

__all__ = ["BulkActionResult", "CardActionOutcome"]


@frozen(kw_only=True)
class CardActionOutcome:
    """What became of one card in an ``enable_many``, ``disable_many`` or ``set_standby_many``.

    Attributes:
        sim_card_id: The card, a canonical (lower-case) UUID string.
        action_id: The SIM card action started on it, if one is known to have started.
        status: The action's status as last seen (``completed``, ``failed``,
            ``interrupted``, ``in-progress``); for a card already in the target state,
            that state; None when nothing was learnt.
        reason: Why: the action's ``status.reason``, the API's refusal, or why the
            outcome is not known.
        error: The API's error, when the API refused to start the action.
        sent: False when this call certainly started no action on the card: its request
            was never sent (the call stopped first).
    """

    sim_card_id: str
    action_id: str | None = None
    status: str | None = None
    reason: str | None = None
    error: ErrorDetail | None = None
    sent: bool = True


@frozen(kw_only=True)
class BulkActionResult:
    """The ledger of a bulk action: every unique card given, in exactly one group.

    With ``wait=True`` a card is `completed`, `already`, `failed` or `unknown`; with
    ``wait=False`` a card whose action was started is in `started` instead (its action
    may yet fail).

    Attributes:
        action_type: The action applied: enable, disable or set_standby.
        completed: Cards whose action completed, each with its action id.
        started: Cards whose action was started and not waited for (``wait=False``).
        already: Cards already in the target state: the card given said so (then no
            request was sent), or the API refused the action and the card, looked up,
            is in that state. Not failures.
        failed: Cards the API refused to act on (with its error), or whose action
            failed or was interrupted (with the action's reason).
        unknown: Cards whose outcome is not known, with the reason and the last status
            seen: a request failed after its retries, the wait timed out, or the call
            stopped.
        duplicates: Card ids given more than once (each was acted on once).
    """

    action_type: SimCardActionType
    completed: tuple[CardActionOutcome, ...] = ()
    started: tuple[CardActionOutcome, ...] = ()
    already: tuple[CardActionOutcome, ...] = ()
    failed: tuple[CardActionOutcome, ...] = ()
    unknown: tuple[CardActionOutcome, ...] = ()
    duplicates: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no card failed and every card's outcome is known."""
        return not self.failed and not self.unknown

    @property
    def total(self) -> int:
        """The number of unique cards accounted for."""
        return sum(
            len(group)
            for group in (self.completed, self.started, self.already, self.failed, self.unknown)
        )

    def __repr__(self) -> str:
        # Counts, not contents: the ledger of 10,000 cards is megabytes.
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("completed", "started", "already", "failed", "unknown", "duplicates")
        )
        return f"<BulkActionResult {self.action_type.value} {counts}>"

    def raise_for_failures(self) -> None:
        """Raise one `BulkActionError` when `ok` is False.

        Raises:
            BulkActionError: Some card failed or has no known outcome; its ``result``
                is this ledger.
        """
        if not self.ok:
            raise BulkActionError(self)
