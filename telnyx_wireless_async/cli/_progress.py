"""A one-line progress bar on a terminal; nothing at all anywhere else."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressBar"]


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f}s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class ProgressBar:
    """Draws ``label [#####-----] done/total pct rate ETA``, redrawn at most 10 times a second.

    It draws only when `stream` is a terminal, so pipes, files and tests stay quiet.
    """

    def __init__(
        self,
        label: str,
        total: int,
        *,
        unit: str,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
    ) -> None:
        """Prepare a bar; nothing is drawn until the first `update`.

        Args:
            label: What is being done, e.g. ``registering``.
            total: How many items in all.
            unit: What an item is, for the rate, e.g. ``codes``.
            stream: Where to draw (default: standard error).
            enabled: Draw or not; None draws when `stream` is a terminal.
            clock: Monotonic seconds, for the rate and the redraw interval.
            interval: The least seconds between redraws.
        """
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = self._stream.isatty() if enabled is None else enabled
        self._label = label
        self._unit = unit
        self._total = total
        self._done = 0
        self._clock = clock
        self._interval = interval
        self._start = clock()
        self._drawn_at: float | None = None
        self._width = 0

    def update(self, done: int, total: int | None = None) -> None:
        """Note that `done` items of `total` (unchanged if None) are done; redraw if due.

        Its signature fits ``register(on_progress=...)``.
        """
        self._done = done
        if total is not None:
            self._total = total
        now = self._clock()
        if self.enabled and (self._drawn_at is None or now - self._drawn_at >= self._interval):
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled and self._drawn_at is not None:
            self._draw(self._clock())
            self._stream.write("\n")
            self._stream.flush()

    def render(self, now: float, columns: int) -> str:
        """Return the bar's line as of `now`, fitted to `columns` characters."""
        total = max(self._total, 1)
        fraction = min(self._done / total, 1.0)
        elapsed = now - self._start
        rate = self._done / elapsed if elapsed > 0 else 0.0
        if self._done >= self._total:
            eta = f"in {_duration(elapsed)}"
        elif rate > 0:
            eta = f"ETA {_duration((self._total - self._done) / rate)}"
        else:
            eta = ""
        # Fixed widths, so the bar does not jump about as the numbers grow.
        digits = len(f"{self._total:,}")
        counts = f"{self._done:>{digits},}/{self._total:,} {self._unit}"
        tail = f" {counts} {fraction:>4.0%} {rate:>8,.0f}/s  {eta:<10}"
        room = columns - len(self._label) - len(tail) - 4
        width = max(10, min(40, room))
        filled = round(width * fraction)
        return f"{self._label} [{'#' * filled}{'-' * (width - filled)}]{tail}"

    def _draw(self, now: float) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        line = self.render(now, columns - 1)
        padding = " " * max(0, self._width - len(line))
        self._stream.write(f"\r{line}{padding}")
        self._stream.flush()
        self._width = len(line)
        self._drawn_at = now
