"""Register 10,000 codes against the emulator: one request, chunks one at a time, concurrent chunks.

Usage: python benchmarks/register.py [--codes 10000] [--latency 0.025]

Prints a Markdown table of wall time and codes/s for: all codes in one request
(what the official SDK sends), our chunks with concurrency 1, and our default.
The emulator adds the latency once per request, and its per-code work is the same
in every row, so the table shows what chunking and concurrency buy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from functools import partial

import aiohttp
from _harness import (
    API_KEY,
    emulator_process,
    machine,
    markdown_table,
    measured,
    run_child,
)

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.resources.sim_cards import DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY
from telnyx_wireless_async.testing import registration_code


async def one_request(url: str, codes: list[str]) -> int:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as http:
        response = await http.post(
            f"{url}/actions/register/sim_cards", json={"registration_codes": codes}
        )
        body = await response.json()
        assert response.status == 202, body
        return len(body["data"])


async def chunked(url: str, codes: list[str], concurrency: int) -> int:
    async with AsyncSession(API_KEY, base_url=url, timeout=600) as telnyx:
        result = await telnyx.sim_cards.register(
            codes, chunk_size=DEFAULT_CHUNK_SIZE, concurrency=concurrency
        )
    assert result.ok, result.failed[:3]
    return len(result.registered_codes)


def child(args: argparse.Namespace) -> None:
    codes = [registration_code(args.offset + n) for n in range(args.codes)]
    if args.mode == "one-request":
        job = partial(one_request, args.url, codes)
    else:
        job = partial(chunked, args.url, codes, args.concurrency)
    print(json.dumps(asyncio.run(measured(job))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.025)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    runs = [
        ("one request", "one-request", 1),
        (f"chunks of {DEFAULT_CHUNK_SIZE}, concurrency 1", "chunked", 1),
        (f"chunks of {DEFAULT_CHUNK_SIZE}, concurrency {DEFAULT_CONCURRENCY}", "chunked",
         DEFAULT_CONCURRENCY),
    ]  # fmt: skip
    rows = []
    with emulator_process(size=1_000, latency=args.latency, max_codes=args.codes) as emulator:
        url = emulator.url
        for number, (label, mode, concurrency) in enumerate(runs):
            r = run_child(
                "register.py", "--url", url, "--mode", mode, "--codes", str(args.codes),
                "--concurrency", str(concurrency), "--offset", str(number * args.codes),
            )  # fmt: skip
            assert r["items"] == args.codes, r
            rows.append(
                [label, f"{r['wall']:.2f}", f"{args.codes / r['wall']:,.0f}", f"{r['cpu']:.2f}"]
            )
    print(f"Registering {args.codes:,} codes, {args.latency * 1000:.0f} ms latency; {machine()}\n")
    print(markdown_table(["how", "wall s", "codes/s", "client CPU s"], rows))


if __name__ == "__main__":
    main()
