"""``telnyx-wireless sims``: stream the inventory to a table, JSON Lines or CSV."""

from __future__ import annotations

import argparse
from typing import TextIO

from telnyx_wireless_async import AsyncSession, SortOrder
from telnyx_wireless_async.cli._errors import UsageError
from telnyx_wireless_async.cli._groups import resolve_group_id
from telnyx_wireless_async.cli._output import make_writer
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._writers import paging, run_listing, write_listing
from telnyx_wireless_async.resources.sim_cards import SimCardFilters

__all__ = ["card_filters", "resolve_group_filter", "run"]

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
        # An id or a name: `resolve_group_filter` turns it into the group's id.
        filters["sim_card_group_id"] = args.group
    return filters


async def resolve_group_filter(session: AsyncSession, filters: SimCardFilters) -> SimCardFilters:
    """Return `filters` with ``--group``'s id or name resolved to the group's id.

    Raises:
        UsageError: No group, or more than one, answers to that name.
    """
    group = filters.get("sim_card_group_id")
    if group is None:
        return filters
    group_id = await resolve_group_id(session, str(group), option="--group")
    return {**filters, "sim_card_group_id": group_id}


def _filters(args: argparse.Namespace) -> SimCardFilters:
    filters = card_filters(args)
    if args.include_group:
        filters["include_sim_card_group"] = True
    if args.sort is not None:
        filters["sort"] = _SORTS[args.sort]
    return filters


async def _stream(session: AsyncSession, args: argparse.Namespace, stream: TextIO, fmt: str) -> int:
    page_size, prefetch = paging(args)
    async with session:
        filters = await resolve_group_filter(session, _filters(args))
        try:
            cards = session.sim_cards.stream(page_size=page_size, prefetch=prefetch, **filters)
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
    return run_listing(
        args, lambda stream, fmt: _stream(session, args, stream, fmt), noun="SIM card"
    )
