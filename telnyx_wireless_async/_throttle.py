"""A session-wide pause after a 429, so concurrent requests stop together.

Without it, each of N concurrent requests would meet the rate limit on its own,
retry on its own schedule, and keep the limit exhausted for all of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["Throttle"]


class Throttle:
    """Holds every request of a session back until the server's reset time has passed."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold requests back for `seconds` from now (a later deadline wins)."""
        self._until = max(self._until, self._clock() + seconds)

    @property
    def remaining(self) -> float:
        """Seconds left in the current pause, or 0."""
        return max(0.0, self._until - self._clock())

    async def wait(self) -> None:
        """Return once no pause is in force."""
        # A loop, not an Event: a later 429 may push the deadline while we sleep.
        while (delay := self.remaining) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)
