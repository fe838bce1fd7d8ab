"""The retry policy; the only module that imports backoff.

What is retried: connection errors and timeouts, the statuses 408, 429 and 5xx, and
a success whose body cannot be read (cut short or not the documented JSON, as a
faulty proxy may send it). Every other 4xx means the request itself is wrong and is
never retried.

How long we wait: exponential backoff with full jitter (a random delay between 0
and ``initial_delay * 2**n``, capped at ``max_delay``), unless the server said how
long to wait (``Retry-After`` or ``x-ratelimit-reset``): then exactly that, capped
at ``max_server_delay``. Retries stop after ``max_attempts`` tries in all or once
``max_time`` seconds have passed since the first, whichever comes first; the last
error is then raised.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Generator
from typing import TypeVar, cast

import backoff
from attrs import Attribute, field, frozen
from attrs.validators import is_callable, optional

from telnyx_wireless_async._validation import check_bool, check_int_range, check_seconds
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    TelnyxError,
)

__all__ = ["RetryEvent", "RetryPolicy", "call_with_retries", "is_retryable"]

T = TypeVar("T")

logger = logging.getLogger("telnyx_wireless_async")

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
        max_time: Seconds after the first try past which no retry starts.
        initial_delay: Upper bound of the first backoff delay, in seconds.
        max_delay: Upper bound of any backoff delay, in seconds.
        max_server_delay: The longest ``Retry-After`` or ``x-ratelimit-reset`` honoured;
            a longer one is cut to this.
        wait: False makes every wait zero while still counting attempts (for tests);
            it also turns off the session's pacing by the rate-limit headers.
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
    if isinstance(error, APIConnectionError | APIResponseValidationError):
        return True
    if isinstance(error, APIStatusError):
        return error.status in _RETRYABLE_STATUSES or error.status >= 500
    return False


def _waits(policy: RetryPolicy) -> Generator[float, TelnyxError, None]:
    """Backoff wait generator: backoff sends in each exception and sleeps what we yield."""
    error = yield  # type: ignore[misc]  # primed by backoff with send(None)
    attempt = 1
    while True:
        delay = policy.delay(attempt, error)
        logger.info("retrying after %s (attempt %d) in %.2f s", error, attempt, delay)
        if policy.on_retry is not None:
            policy.on_retry(RetryEvent(attempt=attempt, delay=delay, error=error))
        attempt += 1
        error = yield delay if policy.wait else 0.0


async def call_with_retries(policy: RetryPolicy, send: Callable[[], Awaitable[T]]) -> T:
    """Await ``send()``, retrying it under `policy`; the last error is raised."""

    # backoff picks its async path only for a coroutine function, so wrap `send` in one.
    async def attempt() -> T:
        return await send()

    retrying = backoff.on_exception(
        # backoff's stubs type wait generators as receiving None; ours receives the error.
        cast("Callable[..., Generator[float, None, None]]", _waits),
        TelnyxError,
        max_tries=policy.max_attempts,
        max_time=policy.max_time,
        giveup=lambda error: not is_retryable(error),
        jitter=None,  # full jitter is applied in RetryPolicy.delay, never to a server's hint
        logger=None,
        policy=policy,
    )(attempt)
    return await retrying()
