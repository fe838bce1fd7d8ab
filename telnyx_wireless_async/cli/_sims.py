"""``telnyx-wireless sims``: stream the inventory to a table, JSON Lines or CSV."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from telnyx_wireless_async import AsyncSession, SortOrder
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._groups import resolve_group_id
from telnyx_wireless_async.cli._output import make_writer
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._writers import destination, paging, write_listing
from telnyx_wireless_async.resources.sim_cards import SimCardFilters

__all__ = ["run"]

_SORTS = {"asc": SortOrder.CONSUMED_DATA_ASC, "desc": SortOrder.CONSUMED_DATA_DESC}


def _filters(args: argparse.Namespace, group_id: str | None) -> SimCardFilters:
    filters: SimCardFilters = {}
    if args.tags:
        filters["tags"] = args.tags
    if args.iccid is not None:
        filters["iccid"] = args.iccid
    if args.msisdn is not None:
        filters["msisdn"] = args.msisdn
    if args.statuses:
        filters["status"] = args.statuses
    if group_id is not None:
        filters["sim_card_group_id"] = group_id
    if args.include_group:
        filters["include_sim_card_group"] = True
    if args.sort is not None:
        filters["sort"] = _SORTS[args.sort]
    return filters


async def _stream(session: AsyncSession, args: argparse.Namespace, stream: TextIO, fmt: str) -> int:
    page_size, prefetch = paging(args)
    async with session:
        group_id = None
        if args.group is not None:
            group_id = await resolve_group_id(session, args.group, option="--group")
        try:
            cards = session.sim_cards.stream(
                page_size=page_size, prefetch=prefetch, **_filters(args, group_id)
            )
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        return await write_listing(
            cards,
            lambda: make_writer(fmt, stream, include_group=args.include_group),
            args.limit,
        )


def run(args: argparse.Namespace) -> int:
    """Stream the matching cards to the chosen destination; return the exit status."""
    session = open_session(args)
    with destination(args.output) as stream:
        fmt = args.format or ("table" if stream.isatty() else "jsonl")
        count = asyncio.run(_stream(session, args, stream, fmt))
        stream.flush()
    if fmt == "table" and sys.stderr.isatty():
        sys.stderr.write(f"{count:,} SIM card{'s' if count != 1 else ''}\n")
    return ExitCode.OK
