"""``telnyx-wireless groups list|show|create|update|delete``, and naming a group by ID or name.

A group is named on the command line by its ID, or by its name when no other group has that
name (`resolve_group`, the SDK's ``sim_card_groups.resolve``): an unknown name or ID, or a
name several groups share, is a usage error (exit 2) that says which groups have it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from attrs import evolve

from telnyx_wireless_async import AsyncSession, SimCardGroup
from telnyx_wireless_async._not_given import NOT_GIVEN
from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._records import format_amount
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.cli._writers import (
    Column,
    make_record_writer,
    paging,
    record_format,
    run_listing,
    text,
    write_fields,
    write_json,
    write_listing,
)
from telnyx_wireless_async.errors import NotFoundError

__all__ = ["group_fields", "resolve_group", "resolve_group_id", "run"]


async def resolve_group(
    session: AsyncSession, id_or_name: str, *, option: str | None = None
) -> SimCardGroup:
    """Find the group `id_or_name` names, with ``sim_card_groups.resolve``.

    Args:
        session: An open session.
        id_or_name: A group's ID, or a name only one group has.
        option: The option it was given to (``--group``), to name in the error.

    Raises:
        UsageError: No group has that ID or name, or several have that name (their IDs
            are in the message).
    """
    where = f"{option}: " if option else ""
    try:
        return await session.sim_card_groups.resolve(id_or_name)
    except LookupError as exc:
        raise UsageError(f"{where}{exc}") from None
    except NotFoundError:
        raise UsageError(f"{where}no SIM card group has the ID {id_or_name!r}") from None


async def resolve_group_id(
    session: AsyncSession, id_or_name: str, *, option: str | None = None
) -> str:
    """Return the ID of the group `id_or_name` names (see `resolve_group`)."""
    group = await resolve_group(session, id_or_name, option=option)
    if group.id is None:
        raise ValueError(f"the API sent SIM card group {id_or_name!r} without its ID")
    return group.id


def _when(value: object) -> object:
    """Return a timestamp as the API writes it (``2018-02-02T22:25:27.521Z``)."""
    return None if value is None else unstructure(value)


def group_fields(group: SimCardGroup) -> list[tuple[str, object]]:
    """Return the ``label: value`` lines that show `group` to people."""
    default = None if group.default is None else ("yes" if group.default else "no")
    return [
        ("id", group.id),
        ("name", group.name),
        ("default", default),
        ("SIM cards", None if group.sim_card_count is None else f"{group.sim_card_count:,}"),
        ("data limit", format_amount(group.data_limit) or None),
        ("consumed data", format_amount(group.consumed_data) or None),
        ("private wireless gateway", group.private_wireless_gateway_id),
        ("wireless blocklist", group.wireless_blocklist_id),
        ("created", _when(group.created_at)),
        ("updated", _when(group.updated_at)),
        ("ICCIDs", None if group.iccids is None else (group.iccids or ("(none)",))),
    ]


def _print_group(group: SimCardGroup, args: argparse.Namespace, stream: TextIO) -> None:
    if record_format(args.format, stream) == "json":
        write_json(stream, group)
    else:
        write_fields(stream, group_fields(group))


# -- list ---------------------------------------------------------------------------------------

_TABLE: tuple[Column[SimCardGroup], ...] = (
    Column("ID", 36, "<", lambda g: text(g.id)),
    Column("DEFAULT", 7, "<", lambda g: "yes" if g.default else ""),
    Column("CARDS", 9, ">", lambda g: "" if g.sim_card_count is None else f"{g.sim_card_count:,}"),
    Column("LIMIT", 11, ">", lambda g: format_amount(g.data_limit)),
    Column("USED", 11, ">", lambda g: format_amount(g.consumed_data)),
    Column("NAME", 0, "<", lambda g: text(g.name)),
)

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "default",
    "sim_card_count",
    "data_limit.amount",
    "data_limit.unit",
    "consumed_data.amount",
    "consumed_data.unit",
    "private_wireless_gateway_id",
    "wireless_blocklist_id",
    "created_at",
    "updated_at",
)
"""The CSV columns of ``groups list``, named by their path in the API's JSON."""


async def _list(session: AsyncSession, args: argparse.Namespace, stream: TextIO, fmt: str) -> int:
    page_size, prefetch = paging(args)
    filters = {} if args.name is None else {"name": args.name}
    async with session:
        listing = session.sim_card_groups.list(page_size=page_size, prefetch=prefetch, **filters)
        return await write_listing(
            listing.__aiter__(),
            lambda: make_record_writer(fmt, stream, table=_TABLE, csv_columns=CSV_COLUMNS),
            args.limit,
        )


def _run_list(args: argparse.Namespace) -> int:
    session = open_session(args)
    return run_listing(args, lambda stream, fmt: _list(session, args, stream, fmt), noun=None)


# -- show, create, update -----------------------------------------------------------------------


async def _show(session: AsyncSession, args: argparse.Namespace) -> SimCardGroup:
    group = await resolve_group(session, args.group)
    if args.iccids:
        group = evolve(
            await session.sim_card_groups.get(str(group.id), include_iccids=True),
            sim_card_count=group.sim_card_count,
        )
    if group.sim_card_count is None and group.name is not None:
        # Only the listing counts a group's cards: look the group up there by its name.
        async for listed in session.sim_card_groups.list(name=group.name):
            if listed.id == group.id:
                group = evolve(group, sim_card_count=listed.sim_card_count)
                break
    return group


async def _create(session: AsyncSession, args: argparse.Namespace) -> SimCardGroup:
    if args.data_limit is None:
        return await session.sim_card_groups.create(args.name)
    return await session.sim_card_groups.create(args.name, data_limit=args.data_limit)


async def _update(session: AsyncSession, args: argparse.Namespace) -> SimCardGroup:
    group_id = await resolve_group_id(session, args.group)
    return await session.sim_card_groups.update(
        group_id,
        name=NOT_GIVEN if args.name is None else args.name,
        data_limit=NOT_GIVEN if args.data_limit is None else args.data_limit,
    )


def _run_one(
    args: argparse.Namespace,
    action: Callable[[AsyncSession, argparse.Namespace], Awaitable[SimCardGroup]],
) -> int:
    session = open_session(args)

    async def run() -> SimCardGroup:
        async with session:
            return await action(session, args)

    _print_group(asyncio.run(run()), args, sys.stdout)
    return ExitCode.OK


# -- delete -------------------------------------------------------------------------------------


def _confirmed(group: SimCardGroup) -> bool:
    """Ask on the terminal whether to delete `group`; only y or yes is a yes."""
    sys.stderr.write(f"delete SIM card group {printable(repr(group.name))} ({group.id})? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


async def _delete(session: AsyncSession, args: argparse.Namespace) -> SimCardGroup | None:
    group = await resolve_group(session, args.group)
    if not args.yes and not _confirmed(group):
        return None
    return await session.sim_card_groups.delete(str(group.id))


def _run_delete(args: argparse.Namespace) -> int:
    if not args.yes and not sys.stdin.isatty():
        raise UsageError(
            "deleting a group asks for confirmation on a terminal; elsewhere, give --yes"
        )
    session = open_session(args)

    async def run() -> SimCardGroup | None:
        async with session:
            return await _delete(session, args)

    group = asyncio.run(run())
    if group is None:
        sys.stderr.write("telnyx-wireless: not deleted\n")
        return ExitCode.OK
    if record_format(args.format, sys.stdout) == "json":
        write_json(sys.stdout, group)
    else:
        print(f"deleted SIM card group {printable(repr(group.name))} ({printable(str(group.id))})")
    return ExitCode.OK


def run(args: argparse.Namespace) -> int:
    """Run ``groups SUBCOMMAND``; return the exit status."""
    if args.groups_command == "list":
        return _run_list(args)
    if args.groups_command == "show":
        return _run_one(args, _show)
    if args.groups_command == "create":
        return _run_one(args, _create)
    if args.groups_command == "update":
        if args.name is None and args.data_limit is None:
            raise UsageError("groups update needs --name or --data-limit: nothing to change")
        return _run_one(args, _update)
    return _run_delete(args)
