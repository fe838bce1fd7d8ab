"""``telnyx-wireless actions``: stream SIM card actions to a table, JSON Lines or CSV."""

from __future__ import annotations

import argparse
from typing import TextIO

from telnyx_wireless_async import AsyncSession, SimCardAction
from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli._errors import UsageError
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._writers import (
    Column,
    make_record_writer,
    paging,
    run_listing,
    text,
    write_listing,
)
from telnyx_wireless_async.resources.sim_card_actions import SimCardActionFilters

__all__ = ["CSV_COLUMNS", "run"]


def _status(action: SimCardAction) -> str:
    return "" if action.status is None else text(action.status.value)


def _reason(action: SimCardAction) -> str:
    return "" if action.status is None else text(action.status.reason)


def _created(action: SimCardAction) -> str:
    return "" if action.created_at is None else str(unstructure(action.created_at))


_TABLE: tuple[Column[SimCardAction], ...] = (
    Column("ID", 36, "<", lambda a: text(a.id)),
    Column("SIM CARD ID", 36, "<", lambda a: text(a.sim_card_id)),
    Column("TYPE", 23, "<", lambda a: text(a.action_type)),
    Column("STATUS", 11, "<", _status),
    Column("CREATED", 24, "<", _created),
    Column("REASON", 0, "<", _reason),
)

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "sim_card_id",
    "action_type",
    "status.value",
    "status.reason",
    "settings",
    "created_at",
    "updated_at",
)
"""The CSV columns, named by their path in the API's JSON; ``settings`` is a JSON object."""


def _filters(args: argparse.Namespace) -> SimCardActionFilters:
    filters: SimCardActionFilters = {}
    if args.action_type is not None:
        filters["action_type"] = args.action_type
    if args.status is not None:
        filters["status"] = args.status
    if args.sim_card_id is not None:
        filters["sim_card_id"] = args.sim_card_id
    if args.bulk_action_id is not None:
        filters["bulk_sim_card_action_id"] = args.bulk_action_id
    return filters


async def _stream(session: AsyncSession, args: argparse.Namespace, stream: TextIO, fmt: str) -> int:
    page_size, prefetch = paging(args)
    try:
        listing = session.sim_card_actions.list(
            page_size=page_size, prefetch=prefetch, **_filters(args)
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    async with session:
        return await write_listing(
            listing.__aiter__(),
            lambda: make_record_writer(fmt, stream, table=_TABLE, csv_columns=CSV_COLUMNS),
            args.limit,
        )


def run(args: argparse.Namespace) -> int:
    """Stream the matching actions to the chosen destination; return the exit status."""
    session = open_session(args)
    return run_listing(
        args, lambda stream, fmt: _stream(session, args, stream, fmt), noun="SIM card action"
    )
