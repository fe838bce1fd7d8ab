"""A generic bulk runner: items sent in chunks with bounded concurrency, any operation.

The runner knows nothing of what a chunk does. Its caller hands it `run_chunk`, which
sends one chunk, accounts for every item of it (as `_registration` does for codes), and
returns an error that should stop the whole call, or None. The runner guarantees:

- at most `concurrency` chunks in flight; workers share one iterator of chunks, so no
  chunk is taken twice and none is skipped;
- once a chunk returns a stopping error, no further chunk starts; the chunks in flight
  finish, and the call raises the first such error;
- an exception raised by `run_chunk` itself ends the call with it, the chunks in flight
  cancelled and waited for;
- cancelling the call cancels the chunks in flight and waits for them, so no task
  outlives it;
- ``on_progress(items_done, items_total)`` after each chunk; an exception it raises is
  logged (the first with its traceback, later ones at DEBUG) and the call goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

__all__ = ["ProgressCallback", "RunChunk", "run_in_chunks"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(items_done, items_total)`` each time a chunk completes.

An exception it raises is logged, and the call goes on: a progress display that fails
must not lose the outcome of items the API has acted on.
"""

RunChunk = Callable[[Sequence[T]], Awaitable[Exception | None]]
"""Sends one chunk and accounts for its items; returns an error that should stop the call."""


class _ProgressReporter:
    """Calls `on_progress`, logging what it raises: one traceback, then a line at DEBUG."""

    def __init__(self, on_progress: ProgressCallback | None, total: int) -> None:
        self._on_progress = on_progress
        self._total = total
        self._done = 0
        self._failures = 0

    def chunk_done(self, size: int) -> None:
        self._done += size
        if self._on_progress is None:
            return
        try:
            self._on_progress(self._done, self._total)
        except Exception as exc:
            self._failures += 1
            if self._failures == 1:
                logger.warning(
                    "on_progress raised; the call goes on, and further errors of it"
                    " are logged without their traceback",
                    exc_info=exc,
                )
            else:
                logger.debug("on_progress raised again: %r", exc)


async def run_in_chunks(
    items: Sequence[T],
    run_chunk: RunChunk[T],
    *,
    chunk_size: int,
    concurrency: int,
    on_progress: ProgressCallback | None = None,
) -> None:
    """Run `run_chunk` over `items` in chunks of `chunk_size`, at most `concurrency` at once.

    Args:
        items: What to send, in order; chunks are consecutive slices of it.
        run_chunk: Sends one chunk and accounts for it; returns an error that should
            stop the call, or None.
        chunk_size: Items per chunk.
        concurrency: The most chunks in flight at once.
        on_progress: Called as ``on_progress(items_done, items_total)`` after each chunk.

    Raises:
        Exception: The first error a chunk returned to stop the call, once the chunks
            in flight have finished; or what `run_chunk` raised.
    """
    chunks = iter([items[i : i + chunk_size] for i in range(0, len(items), chunk_size)])
    progress = _ProgressReporter(on_progress, len(items))
    stop: Exception | None = None

    async def worker() -> None:
        nonlocal stop
        # Workers share one iterator: taking the next chunk never awaits, so no two
        # workers can take the same one.
        for chunk in chunks:
            if stop is not None:
                return
            error = await run_chunk(chunk)
            stop = stop or error
            progress.chunk_done(len(chunk))

    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if stop is not None:
        raise stop
