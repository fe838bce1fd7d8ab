"""The retry policy; the only module that imports backoff.

What is retried: connection errors and timeouts, the statuses 408, 429 and 5xx, and
a success whose body cannot be read (cut short or not the documented JSON, as a
faulty proxy may send it), unless it is over the session's size cap. Every other
4xx means the request itself is wrong and is never retried.

How long we wait: exponential backoff with full jitter (a random delay between 0
and ``initial_delay * 2**n``, capped at ``max_delay``), unless the server said how
long to wait (``Retry-After`` or ``x-ratelimit-reset``): then exactly that, capped
at ``max_server_delay``. Retries stop after ``max_attempts`` tries in all, or when
the next try would start ``max_time`` seconds or more after the first (on the
monotonic clock), whichever comes first; the last error is then raised at once.

What the attempts came to: `call_with_retries` records, in a `RetryOutcome` the caller
may pass, how many attempts were made, whether any of them may have been processed
by the server although it failed (a timeout, a dropped connection, a 5xx), and whether
any got an HTTP answer. A caller sending a request that is not idempotent (a bulk
registration) reads it to account for what a lost attempt may have done.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import TypeVar, cast

import backoff
from attrs import Attribute, define, field, frozen
from attrs.validators import is_callable, optional

from telnyx_wireless_async._validation import check_bool, check_int_range, check_seconds
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ResponseTooLargeError,
    TelnyxError,
)

__all__ = [
    "RetryEvent",
    "RetryOutcome",
    "RetryPolicy",
    "call_with_retries",
    "is_retryable",
    "may_have_been_processed",
]

T = TypeVar("T")

logger = logging.getLogger(__name__)

_RETRYABLE_STATUSES = frozenset({408, 429})


@frozen(kw_only=True)
class RetryEvent:
    """One decision to retry, as passed to `RetryPolicy.on_retry`.

    Attributes:
        attempt: The number of the attempt that just failed (1 for the first).
        delay: Seconds the policy decided to wait before the next attempt (not waited
            when the policy's ``wait`` is False).
        error: The error that attempt raised.
    """

    attempt: int
    delay: float
    error: TelnyxError


def _attempts(_: object, attribute: Attribute[int], value: object) -> None:
    check_int_range(attribute.name, value, low=1)


def _flag(_: object, attribute: Attribute[bool], value: object) -> None:
    check_bool(attribute.name, value)


def _seconds(_: object, attribute: Attribute[float], value: object) -> None:
    check_seconds(attribute.name, value, allow_zero=True)


def _positive_seconds(_: object, attribute: Attribute[float], value: object) -> None:
    check_seconds(attribute.name, value)


@frozen(kw_only=True)
class RetryPolicy:
    """How failed requests are retried.

    Attributes:
        max_attempts: Tries in all, the first included; 1 turns retries off.
        max_time: Seconds after the first try past which no retry, and no wait for
            the rate limit, starts: a call ends within ``max_time`` plus one
            attempt's ``timeout``.
        initial_delay: Upper bound of the first backoff delay, in seconds.
        max_delay: Upper bound of any backoff delay, in seconds.
        max_server_delay: The longest ``Retry-After`` or ``x-ratelimit-reset`` honoured;
            a longer one is cut to this.
        wait: False makes every wait zero, between retries and in the session's
            rate-limit pauses, while attempts are still counted and requests still
            paced: the switch for tests that must not sleep. The waits not slept still
            count against ``max_time``, so the call gives up where it would have. Pacing itself is
            ``AsyncSession(pace_requests=...)``.
        on_retry: Called with a `RetryEvent` before each wait, e.g. for metrics. An
            exception it raises ends the call with that exception.
    """

    max_attempts: int = field(default=4, validator=_attempts)
    max_time: float = field(default=60.0, validator=_positive_seconds)
    initial_delay: float = field(default=0.5, validator=_seconds)
    max_delay: float = field(default=8.0, validator=_seconds)
    max_server_delay: float = field(default=60.0, validator=_seconds)
    wait: bool = field(default=True, validator=_flag)
    on_retry: Callable[[RetryEvent], None] | None = field(
        default=None, validator=optional(is_callable())
    )

    def __attrs_post_init__(self) -> None:
        if self.initial_delay > self.max_delay:
            raise ValueError(
                f"initial_delay ({self.initial_delay!r} s) must not exceed"
                f" max_delay ({self.max_delay!r} s)"
            )

    def delay(self, attempt: int, error: TelnyxError) -> float:
        """Return the seconds to wait after failed attempt number `attempt` (1-based)."""
        hint = error.retry_after if isinstance(error, APIStatusError) else None
        if hint is not None:
            return min(hint, self.max_server_delay)
        ceiling = min(self.max_delay, self.initial_delay * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


def is_retryable(error: BaseException) -> bool:
    """Tell whether `error` is worth another try of the same request."""
    if isinstance(error, ResponseTooLargeError):
        return False  # the same request would bring the same body
    if isinstance(error, APIConnectionError | APIResponseValidationError):
        return True
    if isinstance(error, APIStatusError):
        return error.status in _RETRYABLE_STATUSES or error.status >= 500
    return False


def may_have_been_processed(error: TelnyxError) -> bool:
    """Tell whether the server may have acted on a request that failed with `error`."""
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIStatusError):
        # 408 and 429 say the request was not processed; other 4xx refuse it outright.
        return error.status >= 500
    return True


@define
class RetryOutcome:
    """What the attempts of one call came to, recorded by `call_with_retries` as each ends.

    Attributes:
        attempts: Attempts made, the first included.
        maybe_processed: Some attempt failed in a way that leaves open whether the
            server acted on it (`may_have_been_processed`): a retry of a request that
            is not idempotent may meet that attempt's effect.
        answered: Some attempt got an HTTP answer: it ended in anything but an
            `APIConnectionError`.
    """

    attempts: int = 0
    maybe_processed: bool = False
    answered: bool = False

    def failed(self, error: TelnyxError) -> None:
        """Record an attempt that failed with `error`."""
        self.maybe_processed = self.maybe_processed or may_have_been_processed(error)
        self.answered = self.answered or not isinstance(error, APIConnectionError)


class _Retrying:
    """One call's retry decisions: backoff counts the tries, this keeps the deadline.

    backoff measures ``max_time`` with the wall clock and only before an attempt, so a
    retry could start past it and a long server delay could hold the call far beyond
    it. Here the decision is taken in `gives_up`, on the monotonic `clock`: a retry
    whose wait would end at or past the deadline is not made, and the last error is
    raised at once. The wait generator then hands backoff the delay decided there.
    """

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self.clock = clock
        self.deadline = clock() + policy.max_time
        self.attempt = 0
        self.delay = 0.0
        # With wait=False the delays are not slept but still count against max_time, as
        # if they had been: the policy gives up where it would in production.
        self.skipped = 0.0

    def gives_up(self, error: Exception) -> bool:
        if not isinstance(error, TelnyxError) or not is_retryable(error):
            return True
        self.delay = self.policy.delay(self.attempt, error)
        if self.clock() + self.skipped + self.delay >= self.deadline:
            logger.info(
                "giving up after %s (attempt %d): a retry would start past max_time (%s s)",
                error,
                self.attempt,
                self.policy.max_time,
            )
            return True
        return False

    def waits(self) -> Generator[float, TelnyxError, None]:
        """Backoff's wait generator: it sends in each error and sleeps what we yield."""
        error = yield  # type: ignore[misc]  # primed by backoff with send(None)
        while True:
            policy = self.policy
            logger.info("retrying after %s (attempt %d) in %.2f s", error, self.attempt, self.delay)
            if policy.on_retry is not None:
                policy.on_retry(RetryEvent(attempt=self.attempt, delay=self.delay, error=error))
            if not policy.wait:
                self.skipped += self.delay
            error = yield self.delay if policy.wait else 0.0


async def call_with_retries(
    policy: RetryPolicy,
    send: Callable[[float], Awaitable[T]],
    *,
    clock: Callable[[], float] = time.monotonic,
    outcome: RetryOutcome | None = None,
) -> T:
    """Await ``send(deadline)``, retrying it under `policy`; the last error is raised.

    `deadline` is the `clock` reading ``policy.max_time`` after the call began: no
    retry starts at or past it, and `send` must not start waiting (for the rate
    limit, say) past it either. So a call ends within ``max_time`` plus one
    attempt's timeout.

    Args:
        policy: How to retry.
        send: Makes one attempt.
        clock: The monotonic clock the deadline is kept on.
        outcome: Records each attempt as it ends, the last included, so that it holds
            what they came to whether the call returns or raises.
    """
    retrying = _Retrying(policy, clock)
    record = outcome if outcome is not None else RetryOutcome()

    # backoff picks its async path only for a coroutine function, so wrap `send` in one.
    async def attempt() -> T:
        retrying.attempt += 1
        record.attempts += 1
        try:
            result = await send(retrying.deadline)
        except TelnyxError as error:
            record.failed(error)
            raise
        record.answered = True
        return result

    wrapped = backoff.on_exception(
        # backoff's stubs type wait generators as receiving None; ours receives the error.
        cast("Callable[..., Generator[float, None, None]]", retrying.waits),
        TelnyxError,
        max_tries=policy.max_attempts,
        max_time=None,  # measured by `retrying` on the monotonic clock instead
        giveup=retrying.gives_up,
        jitter=None,  # full jitter is applied in RetryPolicy.delay, never to a server's hint
        logger=None,
    )(attempt)
    return await wrapped()
