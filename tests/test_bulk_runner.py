"""The generic chunk runner, `_bulk.run_in_chunks`, on plain items: no HTTP, no registration."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from telnyx_wireless_async._bulk import run_in_chunks

from .conftest import no_other_tasks


class Recorder:
    """A `run_chunk` that notes each chunk and how many ran at once; pausing yields to the loop."""

    def __init__(self, *, stop_at: int | None = None, raise_at: int | None = None) -> None:
        self.chunks: list[list[int]] = []
        self.finished: list[list[int]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.stop_at = stop_at
        self.raise_at = raise_at

    async def __call__(self, chunk: Sequence[int]) -> Exception | None:
        self.chunks.append(list(chunk))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(3):
                await asyncio.sleep(0)
            if chunk[0] == self.raise_at:
                raise RuntimeError(f"chunk from {chunk[0]} broke")
        finally:
            self.in_flight -= 1
        self.finished.append(list(chunk))
        return LookupError(f"stop at {chunk[0]}") if chunk[0] == self.stop_at else None


async def test_every_item_once_in_chunks_with_bounded_concurrency() -> None:
    run = Recorder()
    progress: list[tuple[int, int]] = []
    items = list(range(100))
    await run_in_chunks(
        items,
        run,
        chunk_size=7,
        concurrency=3,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert run.chunks == [items[i : i + 7] for i in range(0, 100, 7)]  # taken in order
    assert sorted(item for chunk in run.finished for item in chunk) == items
    assert run.most_in_flight == 3
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert progress[-1] == (100, 100)
    assert len(progress) == 15


async def test_no_items_run_no_chunk() -> None:
    run = Recorder()
    await run_in_chunks([], run, chunk_size=5, concurrency=4)
    assert run.chunks == []


async def test_a_stopping_error_lets_the_chunks_in_flight_finish_and_starts_no_more() -> None:
    run = Recorder(stop_at=0)
    with pytest.raises(LookupError, match="stop at 0"):
        await run_in_chunks(list(range(100)), run, chunk_size=10, concurrency=3)
    # Chunks 0, 10 and 20 were in flight: all finish; none starts after the error.
    assert run.chunks == [[*range(n, n + 10)] for n in (0, 10, 20)]
    assert run.finished == run.chunks
    assert no_other_tasks()


async def test_an_exception_from_a_chunk_ends_the_call_and_cancels_the_others() -> None:
    run = Recorder(raise_at=10)
    with pytest.raises(RuntimeError, match="chunk from 10 broke"):
        await run_in_chunks(list(range(100)), run, chunk_size=10, concurrency=3)
    assert run.in_flight == 0  # every chunk in flight was cancelled and waited for
    assert [chunk[0] for chunk in run.chunks[:3]] == [0, 10, 20]
    assert no_other_tasks()


async def test_cancelling_the_call_waits_for_the_chunks_in_flight() -> None:
    started = asyncio.Event()
    cleaned_up: list[int] = []

    async def run(chunk: Sequence[int]) -> Exception | None:
        started.set()
        try:
            await asyncio.Event().wait()  # never set: only cancellation ends it
        finally:
            await asyncio.sleep(0)  # clean-up that itself awaits
            cleaned_up.append(chunk[0])
        return None  # pragma: no cover

    task = asyncio.ensure_future(run_in_chunks(list(range(40)), run, chunk_size=5, concurrency=4))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(cleaned_up) == [0, 5, 10, 15]
    assert no_other_tasks()


async def test_a_failing_progress_callback_is_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def on_progress(done: int, total: int) -> None:
        raise ValueError(f"display broke at {done}")

    caplog.set_level(logging.DEBUG, logger="telnyx_wireless_async")
    run = Recorder()
    await run_in_chunks(list(range(30)), run, chunk_size=10, concurrency=1, on_progress=on_progress)
    assert len(run.finished) == 3  # the call went on
    records = [r for r in caplog.records if "on_progress raised" in r.getMessage()]
    first, *again = records
    assert (first.levelno, len(again)) == (logging.WARNING, 2)
    assert first.exc_info is not None
    assert "display broke at 10" in str(first.exc_info[1])
    assert all(r.levelno == logging.DEBUG and r.exc_info is None for r in again)
    assert "display broke at 30" in again[-1].getMessage()
