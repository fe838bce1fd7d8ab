"""``telnyx-wireless sims``: stream the inventory to a table, JSON Lines or CSV."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
from collections.abc import Iterator
from contextlib import aclosing
from typing import TextIO

from telnyx_wireless_async import AsyncSession, SortOrder
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._output import CardWriter, make_writer
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.resources.sim_cards import SimCardFilters

__all__ = ["card_filters", "run"]

_SORTS = {"asc": SortOrder.CONSUMED_DATA_ASC, "desc": SortOrder.CONSUMED_DATA_DESC}


def card_filters(args: argparse.Namespace) -> SimCardFilters:
    """Return the filters that select cards (empty when none is given).

    They are ``--tag``, ``--iccid``, ``--msisdn``, ``--status`` and ``--group``.
    """
    filters: SimCardFilters = {}
    if args.tags:
        filters["tags"] = args.tags
    if args.iccid is not None:
        filters["iccid"] = args.iccid
    if args.msisdn is not None:
        filters["msisdn"] = args.msisdn
    if args.statuses:
        filters["status"] = args.statuses
    if args.group is not None:
        filters["sim_card_group_id"] = args.group
    return filters


def _filters(args: argparse.Namespace) -> SimCardFilters:
    filters = card_filters(args)
    if args.include_group:
        filters["include_sim_card_group"] = True
    if args.sort is not None:
        filters["sort"] = _SORTS[args.sort]
    return filters


@contextlib.contextmanager
def _destination(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    with stream:
        yield stream


async def _stream(session: AsyncSession, args: argparse.Namespace, stream: TextIO, fmt: str) -> int:
    limit: int | None = args.limit
    page_size: int = args.page_size if limit is None else min(args.page_size, limit)
    prefetch: int = args.concurrency
    if limit is not None:
        # No point fetching ahead pages past the limit.
        prefetch = max(1, min(prefetch, math.ceil(limit / page_size) - 1))
    try:
        cards = session.sim_cards.stream(page_size=page_size, prefetch=prefetch, **_filters(args))
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None

    # The writer (and its header) waits for the first answer, so an API error prints nothing.
    writer: CardWriter | None = None
    count = 0
    async with session, aclosing(cards):
        async for card in cards:
            if writer is None:
                writer = make_writer(fmt, stream, include_group=args.include_group)
            writer.write(card)
            count += 1
            if count == limit:
                break
    if writer is None:
        make_writer(fmt, stream, include_group=args.include_group)
    return count


def run(args: argparse.Namespace) -> int:
    """Stream the matching cards to the chosen destination; return the exit status."""
    session = open_session(args)
    with _destination(args.output) as stream:
        fmt = args.format or ("table" if stream.isatty() else "jsonl")
        count = asyncio.run(_stream(session, args, stream, fmt))
        stream.flush()
    if fmt == "table" and sys.stderr.isatty():
        sys.stderr.write(f"{count:,} SIM card{'s' if count != 1 else ''}\n")
    return ExitCode.OK
