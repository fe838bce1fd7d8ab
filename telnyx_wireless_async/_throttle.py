"""Session-wide pacing by the server's rate-limit headers, so concurrent requests stop together.

Telnyx stamps ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
``x-ratelimit-reset`` on its answers. Without pacing, each of N concurrent requests
would meet the limit on its own, retry on its own schedule, and keep the limit
exhausted for all of them: some requests lose every round and run out of tries.

So the session keeps one `Throttle`, fed each answer's `RateLimit` (read once, in
`telnyx_wireless_async._http.parse_rate_limit`):

- after a 429, or an answer saying nothing is left in the window, every request
  waits until the reset (``Retry-After`` or ``x-ratelimit-reset``);
- after that pause, at most ``x-ratelimit-limit`` requests start before an answer
  says how many are left;
- an answer with ``x-ratelimit-remaining: R`` lets at most R minus the requests
  still in flight start before the next answer.

Without those headers it does nothing.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from telnyx_wireless_async._http import RateLimit

__all__ = ["Throttle"]


class Throttle:
    """Holds requests back while the server's rate-limit window is spent."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0
        # Requests that may still start before the next answer; None: no limit known.
        self._budget: int | None = None
        self._limit: int | None = None
        self._in_flight = 0
        self._changed: asyncio.Event | None = None

    @property
    def remaining_pause(self) -> float:
        """Seconds left in the current pause, or 0."""
        return max(0.0, self._until - self._clock())

    def pause(self, seconds: float) -> None:
        """Hold requests back for `seconds` from now (a later deadline wins)."""
        self._until = max(self._until, self._clock() + seconds)
        self._budget = 0

    async def acquire(self, *, deadline: float = math.inf, sleep: bool = True) -> bool:
        """Wait until a request may start, and count it as in flight.

        Args:
            deadline: A reading of the clock past which the request may not wait.
            sleep: False ends a pause at once instead of sleeping through it (tests):
                the window counts as reset, and the budget still applies.

        Returns:
            True once the request may start; False, without counting it, when the
            current pause lasts to `deadline` or past it (at once), or when no answer
            freed the budget before `deadline`.
        """
        while True:
            if (delay := self.remaining_pause) > 0:
                if not sleep:
                    self._until = self._clock()  # over now: the window resets below
                    continue
                if self._clock() + delay >= deadline:
                    return False
                await asyncio.sleep(delay)
                continue
            if self._until:
                # The window has reset: a full window's worth may start.
                self._until = 0.0
                self._budget = self._limit
            if self._budget == 0 and self._in_flight == 0:
                # No answer is coming to tell us more: stop guessing.
                self._budget = None
            if self._budget is None or self._budget > 0:
                if self._budget is not None:
                    self._budget -= 1
                self._in_flight += 1
                return True
            if self._changed is None or self._changed.is_set():
                self._changed = asyncio.Event()
            # Waiting for an answer to free the budget: no later than the deadline either.
            left = deadline - self._clock()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), None if math.isinf(left) else left)
            except TimeoutError:
                return False

    def release(self, rate_limit: RateLimit, *, max_pause: float = math.inf) -> None:
        """Count a request as done and learn from its answer.

        Args:
            rate_limit: What the answer's headers say (`NO_ANSWER` without an answer).
            max_pause: The longest pause honoured; a longer one is cut to this.
        """
        self._in_flight -= 1
        if rate_limit.limit is not None:
            self._limit = rate_limit.limit
        pause = rate_limit.pause
        if pause is not None:
            self.pause(min(pause, max_pause))
        elif rate_limit.remaining is not None and not self._until:
            self._budget = max(0, rate_limit.remaining - self._in_flight)
        if self._changed is not None:
            self._changed.set()
