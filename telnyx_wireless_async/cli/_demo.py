"""``telnyx-wireless demo``: the SDK's two main jobs against the bundled emulator, timed."""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import time

from attrs import frozen

from telnyx_wireless_async import AsyncSession, RegistrationResult
from telnyx_wireless_async.cli._errors import ExitCode
from telnyx_wireless_async.cli._progress import ProgressBar
from telnyx_wireless_async.cli._wording import plural
from telnyx_wireless_async.testing import Emulator, registration_code

__all__ = ["Batch", "make_batch", "run"]


@frozen(kw_only=True)
class Batch:
    """The codes the demo registers: mostly new, with the mistakes real files have.

    Attributes:
        codes: All of them, shuffled, repeats included.
        new: Valid codes nobody registered yet.
        invalid: Ten digits, but a wrong check digit.
        in_use: Valid codes registered before the demo's run.
        repeats: How many codes appear twice.
    """

    codes: tuple[str, ...]
    new: int
    invalid: int
    in_use: tuple[str, ...]
    repeats: int


def _wrong_check_digit(code: str) -> str:
    return code[:9] + str((int(code[9]) + 1) % 10)


def make_batch(count: int) -> Batch:
    """Build `count` new codes plus a few invalid, already used and repeated ones."""
    new = [registration_code(n) for n in range(1, count + 1)]
    invalid = [
        _wrong_check_digit(registration_code(count + n)) for n in range(1, max(1, count // 60) + 1)
    ]
    in_use = [registration_code(2 * count + n) for n in range(1, max(1, count // 120) + 1)]
    repeats = new[: count // 30]
    codes = new + invalid + in_use + repeats
    random.Random(7).shuffle(codes)
    return Batch(
        codes=tuple(codes),
        new=len(new),
        invalid=len(invalid),
        in_use=tuple(in_use),
        repeats=len(repeats),
    )


@frozen(kw_only=True)
class _Report:
    url: str
    result: RegistrationResult
    register_seconds: float
    cards: int
    pages: int
    stream_seconds: float


async def _run(args: argparse.Namespace, batch: Batch) -> _Report:
    async with Emulator(inventory_size=args.size, latency=args.latency, seed=1) as emulator:
        print(
            f"The emulated API listens on {emulator.url}, with {args.size:,} SIM cards\n"
            f"and {args.latency * 1000:g} ms of latency added to every request.\n",
            flush=True,
        )
        async with AsyncSession(
            emulator.api_key, base_url=emulator.url, timeout=args.timeout
        ) as telnyx:
            # Registered "by someone else" beforehand, so that the API refuses them below.
            await telnyx.sim_cards.register(batch.in_use)

            unique = len(set(batch.codes))
            print(
                f"1. Register {len(batch.codes):,} codes: {batch.new:,} new, {batch.invalid:,} "
                f"with a wrong check digit,\n   {len(batch.in_use):,} already registered, and "
                f"{batch.repeats:,} repeated (sent once); "
                f"{plural(args.concurrency, 'request')} in flight.",
                flush=True,
            )
            bar = ProgressBar("   registering", unique, unit="codes")
            start = time.perf_counter()
            result = await telnyx.sim_cards.register(
                batch.codes, concurrency=args.concurrency, on_progress=bar.update
            )
            register_seconds = time.perf_counter() - start
            bar.close()

            print(
                f"2. Stream the whole inventory, {args.page_size} cards per page, "
                f"{plural(args.concurrency, 'page')} fetched ahead.",
                flush=True,
            )
            bar = ProgressBar("   streaming", 0, unit="SIMs")
            cards = pages = 0
            start = time.perf_counter()
            async for page in telnyx.sim_cards.pages(
                page_size=args.page_size, prefetch=args.concurrency
            ):
                pages += 1
                cards += len(page.data)
                bar.update(cards, page.meta.total_results)
            stream_seconds = time.perf_counter() - start
            bar.close()
        return _Report(
            url=emulator.url,
            result=result,
            register_seconds=register_seconds,
            cards=cards,
            pages=pages,
            stream_seconds=stream_seconds,
        )


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


def _table(report: _Report) -> list[str]:
    result = report.result
    rows: list[tuple[str, str, str, str]] = [("what happened", "count", "time", "rate")]
    rows.append(("codes registered", f"{len(result.registered_codes):,}", "", ""))
    for title, count in collections.Counter(f.error.title for f in result.failed).most_common():
        rows.append((f"codes refused: {title}", f"{count:,}", "", ""))
    rows.append(("codes with unknown outcome", f"{len(result.unknown):,}", "", ""))
    unique = len(result.registered_codes) + len(result.failed) + len(result.unknown)
    rows.append(
        (
            "registration, every code",
            f"{unique:,}",
            f"{report.register_seconds:.2f} s",
            f"{_rate(unique, report.register_seconds)} codes/s",
        )
    )
    rows.append(
        (
            f"SIM cards streamed ({plural(report.pages, 'page')})",
            f"{report.cards:,}",
            f"{report.stream_seconds:.2f} s",
            f"{_rate(report.cards, report.stream_seconds)} SIMs/s",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    what, count, spent, rate = widths
    return [
        f"  {row[0]:<{what}}  {row[1]:>{count}}  {row[2]:>{spent}}  {row[3]:>{rate}}".rstrip()
        for row in rows
    ]


def run(args: argparse.Namespace) -> int:
    """Run the demo and print what happened; return the exit status."""
    print("Telnyx Wireless demo: this SDK against its bundled emulator, in this process.")
    print("Nothing leaves this machine.")
    batch = make_batch(args.codes)
    start = time.perf_counter()
    report = asyncio.run(_run(args, batch))
    total = time.perf_counter() - start
    print()
    for line in _table(report):
        print(line)
    print()
    print(
        f"Every code is accounted for: registered, refused with the API's reason, or unknown.\n"
        f"Done in {total:.1f} s. Next: telnyx-wireless --help"
    )
    return ExitCode.PARTIAL if report.result.unknown else ExitCode.OK
