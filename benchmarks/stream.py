"""Stream SIM cards from the emulator with and without concurrent page prefetch.

Usage: python benchmarks/stream.py [--cards 100000] [--latency 0.025] [--memory]

Prints a Markdown table: wall time, SIMs/s, client CPU seconds, peak RSS and the
longest event-loop stall, for prefetch=1 (one page after another) and the default.
With --memory it also streams 10,000 and 1,000,000 cards (no added latency) to show
that peak RSS does not grow with the inventory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from functools import partial

from _harness import (
    API_KEY,
    emulator_process,
    machine,
    markdown_table,
    measured,
    run_child,
    warm_up,
)

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.resources.sim_cards import DEFAULT_PREFETCH


async def stream(url: str, prefetch: int, page_size: int) -> int:
    count = 0
    async with AsyncSession(API_KEY, base_url=url, timeout=120) as telnyx:
        async for _card in telnyx.sim_cards.stream(page_size=page_size, prefetch=prefetch):
            count += 1
    return count


def child(args: argparse.Namespace) -> None:
    result = asyncio.run(measured(partial(stream, args.url, args.prefetch, args.page_size)))
    print(json.dumps(result))


def measure(
    cards: int, latency: float, prefetches: list[int], page_size: int, *, warm: bool = True
) -> list[list[object]]:
    rows: list[list[object]] = []
    with emulator_process(size=cards, latency=latency) as emulator:
        url = emulator.url
        if warm:
            warm_up(url, page_size=page_size)
        for prefetch in prefetches:
            r = run_child(
                "stream.py",
                "--url",
                url,
                "--prefetch",
                str(prefetch),
                "--page-size",
                str(page_size),
            )
            assert r["items"] == cards, r
            rows.append(
                [
                    f"{cards:,}",
                    f"{latency * 1000:.0f} ms",
                    prefetch,
                    f"{r['wall']:.2f}",
                    f"{r['items'] / r['wall']:,.0f}",
                    f"{r['cpu']:.2f}",
                    f"{r['rss']:.0f}",
                    f"{r['stall_ms']:.1f}",
                    f"{r['stall_no_gc_ms']:.1f}",
                ]
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--prefetch", type=int, default=DEFAULT_PREFETCH)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.025)
    parser.add_argument("--memory", action="store_true", help="also compare 10k and 1M cards")
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    header = [
        "cards", "latency", "prefetch", "wall s", "SIMs/s", "client CPU s", "peak RSS MB",
        "longest loop stall ms", "longest stall without GC ms",
    ]  # fmt: skip
    rows = measure(args.cards, args.latency, [1, DEFAULT_PREFETCH], args.page_size)
    print(f"Streaming, page size {args.page_size}; {machine()}\n")
    print(markdown_table(header, rows))
    speedup = float(str(rows[0][3])) / float(str(rows[1][3]))
    print(f"\nprefetch={DEFAULT_PREFETCH} is {speedup:.1f}x faster than prefetch=1")
    if args.memory:
        memory_rows = [
            # Cold: memory, not speed, is compared here, and warming a million cards would
            # only take long.
            *measure(10_000, 0.0, [DEFAULT_PREFETCH], args.page_size, warm=False),
            *measure(1_000_000, 0.0, [DEFAULT_PREFETCH], args.page_size, warm=False),
        ]
        print("\nMemory: peak RSS must not grow with the inventory\n")
        print(markdown_table(header, memory_rows))
        growth = float(str(memory_rows[1][6])) - float(str(memory_rows[0][6]))
        print(f"\npeak RSS, 1,000,000 cards minus 10,000 cards: {growth:+.0f} MB")


if __name__ == "__main__":
    main()
