"""Disable 10,000 SIM cards and wait for every action: ours against the official SDK.

The emulator runs in its own process at 25 ms latency, its actions taking 2 s. Each
client runs in a fresh child process, on its own enabled cards:

- ``disable_many``: ``session.sim_cards.disable_many(ids)`` on all 10,000 cards;
- the official SDK's async client, ``asyncio.gather`` bounded to 8 by a semaphore, each
  task disabling its card then polling the action until done (as people write it);
- the official SDK's sync client in a plain loop: disable, then poll until done.

The last two would take 40 minutes and hours on 10,000 cards, so they run on a sample,
and their per-card figures are extrapolated to 10,000: the table says which rows are.
Requests are counted by the emulator (``/_emulator/stats``). The memory figure compares
the id set that ``disable_many`` keeps with the cards it was given (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    API_KEY,
    cpu_seconds,
    emulator_process,
    machine,
    markdown_table,
    run_child,
)

POLL = 0.5  # the official clients' pause between two polls of one action


def enabled_ids(url: str, count: int) -> list[str]:
    ids: list[str] = []
    number = 1
    while len(ids) < count:
        request = urllib.request.Request(
            f"{url}/sim_cards?filter%5Bstatus%5D%5B%5D=enabled"
            f"&page%5Bnumber%5D={number}&page%5Bsize%5D=250",
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
        with urllib.request.urlopen(request) as response:
            page = json.load(response)["data"]
        if not page:
            raise RuntimeError(f"only {len(ids)} enabled cards")
        ids += [card["id"] for card in page]
        number += 1
    return ids[:count]


def requests_served(url: str) -> int:
    with urllib.request.urlopen(url.removesuffix("/v2") + "/_emulator/stats") as response:
        return int(json.load(response)["requests"])


async def ours(url: str, ids: list[str]) -> dict[str, Any]:
    from telnyx_wireless_async import AsyncSession

    async with AsyncSession(API_KEY, base_url=url) as session:
        result = await session.sim_cards.disable_many(ids)
    return {"completed": len(result.completed), "other": len(ids) - len(result.completed)}


async def official_gather(url: str, ids: list[str]) -> dict[str, Any]:
    import telnyx

    semaphore = asyncio.Semaphore(8)
    async with telnyx.AsyncTelnyx(api_key=API_KEY, base_url=url) as client:

        async def one(card_id: str) -> str | None:
            async with semaphore:
                action = (await client.sim_cards.actions.disable(card_id)).data
                while action.status is not None and action.status.value == "in-progress":
                    await asyncio.sleep(POLL)
                    assert action.id is not None
                    action = (await client.sim_cards.actions.retrieve(action.id)).data
                return action.status.value if action.status is not None else None

        states = await asyncio.gather(*(one(card_id) for card_id in ids))
    done = sum(1 for s in states if s == "completed")
    return {"completed": done, "other": len(ids) - done}


def official_loop(url: str, ids: list[str]) -> dict[str, Any]:
    import telnyx

    done = 0
    with telnyx.Telnyx(api_key=API_KEY, base_url=url) as client:
        for card_id in ids:
            action = client.sim_cards.actions.disable(card_id).data
            while action.status is not None and action.status.value == "in-progress":
                time.sleep(POLL)
                assert action.id is not None
                action = client.sim_cards.actions.retrieve(action.id).data
            done += action.status is not None and action.status.value == "completed"
    return {"completed": done, "other": len(ids) - done}


def child(args: argparse.Namespace) -> None:
    ids = json.loads(Path(args.ids).read_text())
    import telnyx  # noqa: F401  # imports done before the clock starts

    import telnyx_wireless_async  # noqa: F401

    cpu, start = cpu_seconds(), time.perf_counter()
    if args.mode == "ours":
        out = asyncio.run(ours(args.url, ids))
    elif args.mode == "gather":
        out = asyncio.run(official_gather(args.url, ids))
    else:
        out = official_loop(args.url, ids)
    out.update(wall=time.perf_counter() - start, cpu=cpu_seconds() - cpu)
    print(json.dumps(out))


def id_memory(count: int) -> tuple[float, float]:
    """KB held by `count` SimCard objects, and by the id dict disable_many keeps of them."""
    from telnyx_wireless_async._bulk_actions import collect_cards
    from telnyx_wireless_async._serde import structure_cards
    from telnyx_wireless_async.testing._inventory import Inventory

    inventory = Inventory(size=count, seed=0)
    payload = [inventory.card(i) for i in range(count)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cards = structure_cards(payload)
    cards_kb = (tracemalloc.get_traced_memory()[0] - before) / 1024
    before = tracemalloc.get_traced_memory()[0]
    kept = asyncio.run(collect_cards(cards, "disabled"))
    ids_kb = (tracemalloc.get_traced_memory()[0] - before) / 1024
    tracemalloc.stop()
    assert len(kept[0]) + len(kept[2]) == count
    return cards_kb, ids_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--gather-sample", type=int, default=160)
    parser.add_argument("--loop-sample", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.025)
    parser.add_argument("--action-seconds", type=float, default=2.0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    runs = [
        ("disable_many (ours)", "ours", args.cards),
        ("official async, gather bounded to 8", "gather", args.gather_sample),
        ("official sync, plain loop", "loop", args.loop_sample),
    ]
    needed = sum(count for _, _, count in runs)
    size = int(needed / 0.35) + 1000  # about 37% of synthetic cards are enabled
    extra = ["--action-seconds", str(args.action_seconds)]
    rows = []
    figures: dict[str, dict[str, Any]] = {}
    ids_file = Path("/tmp") / f"bulk_disable_ids_{id(args)}.json"
    with emulator_process(size=size, latency=args.latency, extra=extra) as emulator:
        url = emulator.url
        pool = enabled_ids(url, needed)
        offset = 0
        for label, mode, count in runs:
            ids = pool[offset : offset + count]
            offset += count
            ids_file.write_text(json.dumps(ids))
            before = requests_served(url)
            r = run_child("bulk_disable.py", "--url", url, "--mode", mode, "--ids", str(ids_file))
            sent = requests_served(url) - before
            r["requests"] = sent
            figures[mode] = r
            scale = args.cards / count
            measured = f"{count:,} cards" + ("" if count == args.cards else " (sample)")
            rows.append(
                [
                    label,
                    measured,
                    f"{r['completed']:,}",
                    f"{r['wall']:.1f}",
                    f"{r['wall'] * scale:,.0f}" + ("" if scale == 1 else " (extrapolated)"),
                    f"{sent / count:.2f}",
                    f"{r['cpu'] * 1e6 / count:,.0f}",
                    f"{r['cpu'] * scale:.1f}" + ("" if scale == 1 else " (extrapolated)"),
                ]
            )
    ids_file.unlink(missing_ok=True)
    cards_kb, ids_kb = id_memory(args.cards)
    header = [
        "client", "measured on", "completed", "wall s", f"wall s for {args.cards:,}",
        "requests per card", "client CPU µs/card", f"client CPU s for {args.cards:,}",
    ]  # fmt: skip
    print(
        f"Disable {args.cards:,} SIM cards and wait for each action; emulator at"
        f" {args.latency * 1000:.0f} ms latency, actions {args.action_seconds:g} s; {machine()}\n"
    )
    print(markdown_table(header, rows))
    per_card = {mode: f["wall"] / n for (_, mode, n), f in zip(runs, figures.values(), strict=True)}
    print(
        f"\nSpeed-up of disable_many: {per_card['loop'] / per_card['ours']:,.0f}x the plain"
        f" loop, {per_card['gather'] / per_card['ours']:,.0f}x the bounded gather (per card)."
    )
    print(
        f"Memory for {args.cards:,} cards: the SimCard objects {cards_kb:,.0f} KB; the id dict"
        f" disable_many keeps of them {ids_kb:,.0f} KB ({cards_kb / ids_kb:.1f}x less)."
    )


if __name__ == "__main__":
    main()
