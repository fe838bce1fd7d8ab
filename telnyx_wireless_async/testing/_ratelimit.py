"""A fixed-window request counter, driven by a clock the caller owns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimitStatus", "RateLimiter"]


@dataclass(frozen=True, slots=True)
class RateLimitStatus:
    """Where one request left the rate limit.

    Attributes:
        allowed: False when the request is over the limit and must get a 429.
        limit: Most requests per window.
        remaining: Requests the current window still admits.
        reset: Whole seconds until the window resets, rounded up and at least 1, so a client
            that waits this long never comes back inside the same window.
    """

    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        """Return the ``x-ratelimit-*`` headers Telnyx documents, for this status."""
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }


class RateLimiter:
    """At most ``limit`` requests per fixed window of ``window`` seconds.

    A window opens with the first request admitted after the previous one ended (not on a
    wall-clock boundary), and lasts ``window`` seconds whatever happens inside it. A refused
    request is not counted: in a fixed window that changes nothing but the statistics, and a
    client retrying too early is never locked out beyond the reset it was told.
    """

    def __init__(self, *, limit: int, window: float, clock: Callable[[], float]) -> None:
        """Create a limiter with no window open yet.

        Args:
            limit: Most requests per window, at least 1.
            window: Window length in seconds, more than 0.
            clock: Monotonic seconds, e.g. ``time.monotonic``; tests pass a fake.

        Raises:
            ValueError: If ``limit`` or ``window`` is out of range.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if not window > 0:
            raise ValueError(f"window must be more than 0 seconds, got {window}")
        self._limit = limit
        self._window = window
        self._clock = clock
        self._window_end: float | None = None
        self._count = 0

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self._limit}, window={self._window})"

    def admit(self) -> RateLimitStatus:
        """Count one request if the current window has room for it.

        Returns:
            The status after this request; ``allowed`` is False if it is over the limit.
        """
        now = self._clock()
        if self._window_end is None or now >= self._window_end:
            self._window_end = now + self._window
            self._count = 0
        allowed = self._count < self._limit
        if allowed:
            self._count += 1
        return self._status(now, allowed=allowed)

    def peek(self) -> RateLimitStatus:
        """Return the current status without counting a request."""
        now = self._clock()
        if self._window_end is None or now >= self._window_end:
            return RateLimitStatus(
                allowed=True,
                limit=self._limit,
                remaining=self._limit,
                reset=_whole_seconds(self._window),
            )
        return self._status(now, allowed=self._count < self._limit)

    def _status(self, now: float, *, allowed: bool) -> RateLimitStatus:
        assert self._window_end is not None
        return RateLimitStatus(
            allowed=allowed,
            limit=self._limit,
            remaining=self._limit - self._count,
            reset=_whole_seconds(self._window_end - now),
        )


def _whole_seconds(seconds: float) -> int:
    # Rounded to the microsecond first, so float noise (1.1 - 0.1 > 1) does not add a second.
    return max(1, math.ceil(round(seconds, 6)))
