"""Starting a SIM card action (enable, disable, set standby) once, whatever the retries.

The POST that starts an action is not idempotent, and the spec says nothing of
idempotency keys: an attempt whose answer was lost (a timeout, a dropped connection, a
5xx) may have started the action, and a blind retry would start a second one, or be
refused because the first is in progress. So `start_action` retries under the
session's policy, and:

- before a retry that follows an attempt that may have been processed, it looks the
  card's actions of that type up; one the lost attempt started is returned, and no
  retry is sent;
- when such a retry is refused with a 4xx (an action in progress, say), it looks again
  and returns the action found; only when none is found is the refusal raised.

Which action the lost attempt started: the API does not say, so `find_started_action`
takes the card's actions of that type created since `LOOKBACK` seconds before the first
attempt (the server's clock may differ from ours), whatever their status (a quick
action may have finished before we look), and prefers one still in progress, then the
latest. The window reaches back before our attempt, so it can hold an earlier action of
that type on the card (enabled, disabled and enabled again within a minute), and ours
came after it; a card takes one action at a time, so an action in progress is the
newest. The filters are checked on each action again, for a server that ignores them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from telnyx_wireless_async._retry import (
    RetryOutcome,
    RetryPolicy,
    call_with_retries,
    is_retryable,
)
from telnyx_wireless_async.errors import APIStatusError
from telnyx_wireless_async.models import SimCardAction, SimCardActionType

if TYPE_CHECKING:
    from telnyx_wireless_async.resources.sim_card_actions import SimCardActions

__all__ = ["LOOKBACK", "PostOnce", "find_started_action", "start_action"]

logger = logging.getLogger(__name__)

LOOKBACK = 60.0
"""Seconds before the first attempt an action it started may be stamped, for clock skew."""

PostOnce = Callable[[RetryPolicy], Awaitable[SimCardAction]]
"""Sends the POST once, under the policy given (one attempt)."""


async def find_started_action(
    actions: SimCardActions,
    sim_card_id: str,
    action_type: SimCardActionType,
    since: datetime,
) -> SimCardAction | None:
    """Return the action of `action_type` on the card most likely started since `since`.

    Prefers an action still in progress, then the latest; None when there is none.
    """
    found: list[SimCardAction] = []
    listing = actions.list(sim_card_id=sim_card_id, action_type=action_type.value)
    async for action in listing:
        if (
            action.sim_card_id is not None
            and action.sim_card_id.lower() == sim_card_id
            and action.action_type == action_type
            and action.created_at is not None
            and action.created_at >= since
        ):
            found.append(action)
    if not found:
        return None
    return max(found, key=lambda a: (not a.finished, a.created_at))


async def start_action(
    actions: SimCardActions,
    post: PostOnce,
    *,
    sim_card_id: str,
    action_type: SimCardActionType,
    policy: RetryPolicy,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SimCardAction:
    """Start an action with retries, returning the one a lost attempt started, if any.

    Args:
        actions: Where to look the card's actions up.
        post: Sends the POST once.
        sim_card_id: The card, a canonical UUID string.
        action_type: The type of action the POST starts.
        policy: The session's retry policy, applied around each attempt and lookup.
        now: The wall clock, to date the first attempt.

    Raises:
        TelnyxError: The POST failed after its retries, or was refused, and no action
            started by an earlier attempt was found.
    """
    since = now() - timedelta(seconds=LOOKBACK)
    once = attrs.evolve(policy, max_attempts=1, on_retry=None)
    outcome = RetryOutcome()

    async def lookup(why: str) -> SimCardAction | None:
        found = await find_started_action(actions, sim_card_id, action_type, since)
        if found is not None:
            logger.info(
                "%s action on SIM card %s: %s; returning action %s, which it started",
                action_type.value,
                sim_card_id,
                why,
                found.id,
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
