"""SIM card actions (``/sim_card_actions``): look actions up, list them, wait for one to finish."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypedDict, Unpack
from uuid import UUID

from telnyx_wireless_async._listing import DEFAULT_PREFETCH, Listing
from telnyx_wireless_async._polling import jittered, poll_step
from telnyx_wireless_async._query import (
    Param,
    enum_value,
    filter_param,
    filter_params,
    uuid_text,
)
from telnyx_wireless_async._retry import is_retryable
from telnyx_wireless_async._validation import check_seconds
from telnyx_wireless_async.errors import ActionTimeoutError, APIStatusError, TelnyxError
from telnyx_wireless_async.models import (
    SimCardAction,
    SimCardActionStatusFilter,
    SimCardActionType,
)
from telnyx_wireless_async.resources._base import Resource, path_id

__all__ = ["SIM_CARD_ACTION_FILTERS", "SimCardActionFilters", "SimCardActions"]

logger = logging.getLogger(__name__)

LIST_PATH = "/sim_card_actions"

# Waiting: the spec gives no expected duration, only that transitions "may take a
# period of time". Five minutes covers a slow network operator; polls start every two
# seconds and slow down to one every thirty, so a long wait costs a few dozen requests.
DEFAULT_TIMEOUT = 300.0
DEFAULT_POLL_INTERVAL = 2.0
DEFAULT_MAX_POLL_INTERVAL = 30.0

Clock = Callable[[], float]
"""A monotonic clock in seconds, ``time.monotonic`` by default."""

Sleep = Callable[[float], Awaitable[None]]
"""Sleeps the given seconds, ``asyncio.sleep`` by default."""


class SimCardActionFilters(TypedDict, total=False):
    """The filters of `SimCardActions.list`; each takes one value (the spec's Q11).

    Attributes:
        action_type: Only actions of this `SimCardActionType`.
        status: Only actions in this `SimCardActionStatusFilter` state; the API
            cannot filter on ``interrupted``.
        sim_card_id: Only the actions of this card (a UUID).
        bulk_sim_card_action_id: Only the actions a bulk action generated (a UUID).
    """

    action_type: str
    status: str
    sim_card_id: str | UUID
    bulk_sim_card_action_id: str | UUID


SIM_CARD_ACTION_FILTERS: Mapping[str, Param] = {
    "action_type": filter_param("action_type", enum_value(SimCardActionType)),
    "status": filter_param("status", enum_value(SimCardActionStatusFilter)),
    "sim_card_id": filter_param("sim_card_id", uuid_text),
    "bulk_sim_card_action_id": filter_param("bulk_sim_card_action_id", uuid_text),
}
"""How each of `SimCardActionFilters` goes on the wire."""


class SimCardActions(Resource):
    """SIM card actions, reached as ``session.sim_card_actions``."""

    async def get(self, action_id: str | UUID) -> SimCardAction:
        """Fetch one SIM card action by its id.

        Raises:
            TypeError, ValueError: A malformed id, before anything is sent.
            NotFoundError: No such action (on a server that answers 404).
            TelnyxError: The request failed after its retries.
        """
        path = f"{LIST_PATH}/{path_id('action_id', action_id)}"
        return await self._get(path, cast_to=SimCardAction)

    def list(
        self,
        *,
        page_number: int = 1,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardActionFilters],
    ) -> Listing[SimCardAction]:
        """List SIM card actions: await for a page, ``async for`` for every action.

        Args:
            page_number: The page to fetch when awaited, from 1.
            page_size: Actions per page, 1 to 250: by default 20 for one page, 250
                when iterating.
            prefetch: The most page requests in flight while iterating.
            **filters: Any of `SimCardActionFilters`: ``action_type``, ``status``,
                ``sim_card_id``, ``bulk_sim_card_action_id``, one value each.

        Returns:
            A `Listing` of `SimCardAction`, as ``sim_cards.list`` returns.

        Raises:
            TypeError, ValueError: A bad option (a list where one value belongs, an
                unknown status), raised by this call before anything is sent.
        """
        return self._list(
            LIST_PATH,
            cast_to=SimCardAction,
            params=filter_params(SIM_CARD_ACTION_FILTERS, filters),
            page_number=page_number,
            page_size=page_size,
            prefetch=prefetch,
            noun="actions",
        )

    async def wait(
        self,
        action: SimCardAction | str | UUID,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109  # the wait's budget, with a last poll
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> SimCardAction:
        """Poll a SIM card action until it is completed, failed or interrupted, and return it.

        A failed or interrupted action is returned, not raised: read its ``status``.
        Polls start `poll_interval` apart and grow by half each time up to
        `max_poll_interval`, each with random jitter, so that many waiters do not poll
        in step. Every poll goes through the session: its rate-limit pacing and
        retries apply, and a poll refused for the rate limit after its retries delays
        the next one by the server's hint rather than ending the wait.

        Args:
            action: The action (as enable, disable or set_standby returned it), or its id.
                An action already finished is returned as it is, with no request.
            timeout: The most seconds to wait, more than 0.
            poll_interval: Seconds before the first poll of an action given as an
                object, and the base of the backoff between polls, more than 0.
            max_poll_interval: The longest pause between two polls.
            clock: A monotonic clock (tests pass a fake one).
            sleep: Sleeps between polls (tests pass one that moves the fake clock).

        Returns:
            The action, finished.

        Raises:
            TypeError, ValueError: A bad argument (``timeout <= 0``, a malformed id),
                before anything is sent.
            ActionTimeoutError: Still not finished after `timeout` seconds; its
                ``action`` is the last one seen.
            TelnyxError: A poll failed for good with an error other than a transient
                one (a 404 for an unknown id, a 401).
        """
        check_seconds("timeout", timeout)
        check_seconds("poll_interval", poll_interval)
        check_seconds("max_poll_interval", max_poll_interval)
        if max_poll_interval < poll_interval:
            raise ValueError(
                f"max_poll_interval ({max_poll_interval!r} s) must not be below"
                f" poll_interval ({poll_interval!r} s)"
            )
        if not callable(clock) or not callable(sleep):
            raise TypeError(f"clock and sleep must be callable, got {clock!r} and {sleep!r}")
        last: SimCardAction | None
        if isinstance(action, SimCardAction):
            if action.id is None:
                raise ValueError(f"action has no id, so it cannot be looked up: {action!r}")
            action_id = path_id("action", action.id)
            last = action
            if action.finished:
                return action
        else:
            path_id("action", action)
            action_id = str(action)
            last = None
        deadline = clock() + timeout
        polls = 0
        # An action object was just seen: wait before the first poll. An id: look now.
        pause = jittered(poll_interval) if last is not None else 0.0
        while True:
            left = deadline - clock()
            final = pause >= left  # the last poll, at the deadline
            if final:
                pause = max(left, 0.0)
            if pause > 0:
                await sleep(pause)
            polls += 1
            hint: float | None = None
            try:
                last = await self.get(action_id)
            except TelnyxError as error:
                if not is_retryable(error):
                    raise
                if isinstance(error, APIStatusError):
                    hint = error.retry_after
                logger.info("polling action %s failed, will poll again: %s", action_id, error)
            if last is not None and last.finished:
                return last
            if final or clock() >= deadline:
                break
            base = poll_step(poll_interval, max_poll_interval, polls)
            pause = max(jittered(base), hint or 0.0)
        if last is None:
            # Not one poll got an answer in time: nothing to report but the id.
            last = SimCardAction(id=action_id)
        state = last.status.value if last.status is not None else None
        raise ActionTimeoutError(
            f"SIM card action {action_id} was not finished after {timeout:g} s"
            f" ({polls} polls; last status {state!s})",
            action=last,
            timeout=timeout,
        )
