"""Shared pieces of the benchmarks: the emulator in its own process, child runs, tables.

Each measured run happens in a fresh child process, so that its CPU time and peak RSS
are its own, and the emulator runs in another process, so that serving the cards is
not billed to the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

API_KEY = "bench-key"
ROOT = Path(__file__).resolve().parent.parent


class EmulatorProcess:
    """The emulator running in a process of its own."""

    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid

    def cpu_seconds(self) -> float:
        """User plus system CPU time the emulator has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def emulator_process(
    *,
    size: int,
    latency: float,
    seed: int = 0,
    max_codes: int | None = None,
    extra: Sequence[str] = (),
) -> Iterator[EmulatorProcess]:
    """Run the emulator as a process on 127.0.0.1 and a free port; `extra`: more options."""
    command = [
        sys.executable, "-m", "telnyx_wireless_async.testing",
        "--port", "0", "--size", str(size), "--latency", str(latency),
        "--seed", str(seed), "--api-key", API_KEY,
    ]  # fmt: skip
    if max_codes is not None:
        command += ["--max-codes-per-request", str(max_codes)]
    command += list(extra)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/v2)", line)
        if match is None:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        yield EmulatorProcess(match.group(1), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def warm_up(url: str, *, page_size: int = 250) -> None:
    """Walk every page once, unmeasured, so the emulator has its cards rendered.

    The emulator keeps the JSON of the cards it served; without this, whichever client
    ran first would also pay for building the inventory, and the server, not the
    client, would set the pace.
    """
    import urllib.request

    number, total_pages = 1, 1
    while number <= total_pages:
        request = urllib.request.Request(
            f"{url}/sim_cards?page%5Bnumber%5D={number}&page%5Bsize%5D={page_size}",
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
        with urllib.request.urlopen(request) as response:
            total_pages = json.load(response)["meta"]["total_pages"]
        number += 1


def run_child(script: str, *args: str) -> dict[str, Any]:
    """Run ``python script --child args...`` and return the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).parent / script), "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far."""
    times = os.times()
    return times.user + times.system


class GcMonitor:
    """Count the garbage collector's passes and time the longest, while in the block."""

    def __init__(self) -> None:
        self.passes = 0
        self.longest = 0.0
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
            return
        took = time.perf_counter() - self._start
        self.passes += 1
        self.longest = max(self.longest, took)

    def __enter__(self) -> GcMonitor:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


class LoopStallMonitor:
    """Measure the longest time the event loop was kept from running a 1 ms timer.

    With a `GcMonitor`, also the longest such time during which the garbage collector
    made no pass: the stall that the code on the loop is answerable for.
    """

    def __init__(self, gc_monitor: GcMonitor | None = None, interval: float = 0.001) -> None:
        self.interval = interval
        self.longest = 0.0
        self.longest_without_gc = 0.0
        self._gc = gc_monitor
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            passes = self._gc.passes if self._gc else 0
            start = time.perf_counter()
            await asyncio.sleep(self.interval)
            stall = time.perf_counter() - start - self.interval
            self.longest = max(self.longest, stall)
            if self._gc is not None and self._gc.passes == passes:
                self.longest_without_gc = max(self.longest_without_gc, stall)

    async def __aenter__(self) -> LoopStallMonitor:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def measured(job: Callable[[], Awaitable[int]]) -> dict[str, float]:
    """Run `job` (which returns how many items it handled) and measure it.

    Returns:
        ``items``, ``wall`` and client ``cpu`` seconds, peak ``rss`` in MB, the longest
        event-loop stall in ``stall_ms`` and the longest with no garbage-collector pass
        in ``stall_no_gc_ms``, and the longest collector pass in ``gc_ms``.
    """
    cpu_before = cpu_seconds()
    with GcMonitor() as collector:
        async with LoopStallMonitor(collector) as monitor:
            start = time.perf_counter()
            items = await job()
            wall = time.perf_counter() - start
    return {
        "items": items,
        "wall": wall,
        "cpu": cpu_seconds() - cpu_before,
        "rss": peak_rss_mb(),
        "stall_ms": monitor.longest * 1000,
        "stall_no_gc_ms": monitor.longest_without_gc * 1000,
        "gc_ms": collector.longest * 1000,
    }


def monitor_cost(seconds: float = 2.0) -> float:
    """CPU seconds the stall monitor costs per second of an otherwise idle event loop.

    Its 1 ms timer wakes the loop a thousand times a second; a client that waits longer
    pays for more wake-ups, which its CPU column includes.
    """

    async def idle() -> float:
        before = cpu_seconds()
        async with LoopStallMonitor():
            await asyncio.sleep(seconds)
        return (cpu_seconds() - before) / seconds

    return asyncio.run(idle())


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render rows as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """One line describing the machine the figures come from."""
    import platform

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()}"
    )
