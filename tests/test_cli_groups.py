"""``groups list|show|create|update|delete``, and ``--group`` by ID or name on sims and register.

In this process (`cli`) against the emulator, except the confirmation of ``groups delete``,
which needs a terminal on standard input: that case runs the command line as a child whose
standard input is a pseudo-terminal.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import pty
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from telnyx_wireless_async import AsyncSession, DataAmount, SimCardGroup
from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli import ExitCode
from telnyx_wireless_async.testing import EmulatorState, registration_code

from .conftest import API_KEY
from .test_cli import REGISTER_PATH, Run, assert_one_error_line, child_env, cli, codes_file

GROUPS_PATH = "/v2/sim_card_groups"


async def all_groups(session: AsyncSession) -> list[SimCardGroup]:
    return [group async for group in session.sim_card_groups.list()]


async def group_named(session: AsyncSession, name: str) -> SimCardGroup:
    (group,) = [group for group in await all_groups(session) if group.name == name]
    return group


def changes(state: EmulatorState) -> list[str]:
    """The method and path of every request that could change something."""
    return [
        f"{r.method} {r.path}" for r in state.requests if r.method in {"POST", "PATCH", "DELETE"}
    ]


# -- list ---------------------------------------------------------------------------------------


async def test_groups_list_writes_every_group_with_its_card_count(
    base_url: str, session: AsyncSession
) -> None:
    run = await cli("groups", "list", base_url=base_url)
    assert run.status == ExitCode.OK, run
    assert run.stderr == ""
    listed = [json.loads(line) for line in run.lines]
    assert listed == [unstructure(group) for group in await all_groups(session)]
    assert len(listed) == 4
    assert sum(group["sim_card_count"] for group in listed) == 1000
    assert [group["default"] for group in listed] == [True, False, False, False]


async def test_groups_list_table_csv_name_and_limit(
    base_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    groups = await all_groups(session)
    table = await cli("groups", "list", "--format", "table", base_url=base_url)
    assert table.status == ExitCode.OK, table
    header, *rows = table.lines
    assert header.split() == ["ID", "DEFAULT", "CARDS", "LIMIT", "USED", "NAME"]
    assert [row.split()[0] for row in rows] == [group.id for group in groups]
    assert rows[0].split()[1] == "yes"
    assert rows[1].endswith(f"  {groups[1].name}")
    cards = header.index("CARDS") + len("CARDS")
    assert [int(row[:cards].split()[-1]) for row in rows[1:]] == [
        group.sim_card_count for group in groups[1:]
    ]

    out = tmp_path / "groups.csv"
    written = await cli("groups", "list", "--format", "csv", "-o", str(out), base_url=base_url)
    assert written.status == ExitCode.OK, written
    records = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["name"] for r in records] == [group.name for group in groups]
    assert [r["default"] for r in records] == ["true", "false", "false", "false"]
    assert all(r["sim_card_count"].isdigit() and r["data_limit.unit"] for r in records)

    named = await cli("groups", "list", "--name", "Smart meters", base_url=base_url)
    assert [json.loads(line)["name"] for line in named.lines] == ["Smart meters"]
    limited = await cli("groups", "list", "--limit", "2", base_url=base_url)
    assert len(limited.lines) == 2


# -- show ---------------------------------------------------------------------------------------


async def test_groups_show_by_name_or_id_gives_the_same_group(
    base_url: str, session: AsyncSession, state: EmulatorState
) -> None:
    group = await group_named(session, "Smart meters")
    by_name = await cli("groups", "show", "Smart meters", base_url=base_url)
    by_id = await cli("groups", "show", str(group.id), base_url=base_url)
    for run in (by_name, by_id):
        assert run.status == ExitCode.OK, run
        assert json.loads(run.stdout) == unstructure(group)  # the card count included
    text = await cli("groups", "show", str(group.id), "--format", "text", base_url=base_url)
    fields = {label: value.strip() for label, _, value in (ln.partition(":") for ln in text.lines)}
    assert fields["name"] == "Smart meters"
    assert fields["default"] == "no"
    assert fields["SIM cards"] == f"{group.sim_card_count:,}"
    assert "ICCIDs" not in fields
    assert "include_iccids" not in str(state.requests)


async def test_groups_show_iccids(
    base_url: str, session: AsyncSession, state: EmulatorState
) -> None:
    group = await group_named(session, "Staff phones")
    iccids = state.inventory.group_iccids(str(group.id))
    as_json = await cli("groups", "show", "Staff phones", "--iccids", base_url=base_url)
    assert as_json.status == ExitCode.OK, as_json
    shown = json.loads(as_json.stdout)
    assert shown["iccids"] == iccids
    assert shown["sim_card_count"] == len(iccids) > 0
    text = await cli(
        "groups", "show", "Staff phones", "--iccids", "--format", "text", base_url=base_url
    )
    start = next(n for n, line in enumerate(text.lines) if line.startswith("ICCIDs:"))
    assert [line.split()[-1] for line in text.lines[start:]] == iccids


async def test_a_name_shared_by_groups_or_unknown_is_a_usage_error_naming_them(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    twins = [await session.sim_card_groups.create("Twins") for _ in range(2)]
    before = changes(state)
    codes = codes_file(tmp_path, [registration_code(1)])
    for args in (
        ["groups", "show", "Twins"],
        ["groups", "update", "Twins", "--name", "One"],
        ["groups", "delete", "Twins", "--yes"],
        ["sims", "--group", "Twins"],
        ["register", str(codes), "--group", "Twins"],
    ):
        run = await cli(*args, base_url=base_url)
        line = assert_one_error_line(run, ExitCode.USAGE)
        assert "2 SIM card groups are named 'Twins'" in line
        assert all(str(group.id) in line for group in twins)
        assert run.stdout == ""
    unknown = await cli("sims", "--group", "Nobody", base_url=base_url)
    assert "--group: no SIM card group is named 'Nobody'" in assert_one_error_line(
        unknown, ExitCode.USAGE
    )
    no_id = "00000000-0000-4000-8000-000000000000"
    missing = await cli("groups", "show", no_id, base_url=base_url)
    assert f"no SIM card group has the ID '{no_id}'" in assert_one_error_line(
        missing, ExitCode.USAGE
    )
    assert changes(state) == before
    assert not (tmp_path / "codes.txt.ledger.jsonl").exists()


# -- create and update --------------------------------------------------------------------------


async def test_groups_create_with_a_data_limit(base_url: str, session: AsyncSession) -> None:
    run = await cli("groups", "create", "Sensors", "--data-limit", "1.5gb", base_url=base_url)
    assert run.status == ExitCode.OK, run
    created = json.loads(run.stdout)
    assert created["name"] == "Sensors"
    assert created["data_limit"] == {"amount": "1.5", "unit": "GB"}
    stored = await session.sim_card_groups.get(created["id"])
    assert stored.data_limit == DataAmount(amount=Decimal("1.5"), unit="GB")

    text = await cli("groups", "create", "Plain", "--format", "text", base_url=base_url)
    assert text.status == ExitCode.OK, text
    fields = {label: value.strip() for label, _, value in (ln.partition(":") for ln in text.lines)}
    assert fields["name"] == "Plain"
    assert fields["data limit"] == "2048.0 MB"  # the emulator's default


async def test_groups_update_by_name(base_url: str, session: AsyncSession) -> None:
    group = await session.sim_card_groups.create("Old name")
    run = await cli(
        "groups",
        "update",
        "Old name",
        "--name",
        "New name",
        "--data-limit",
        "4 GB",
        base_url=base_url,
    )
    assert run.status == ExitCode.OK, run
    assert json.loads(run.stdout)["name"] == "New name"
    stored = await session.sim_card_groups.get(str(group.id))
    assert stored.name == "New name"
    assert stored.data_limit == DataAmount(amount=Decimal("4"), unit="GB")
    renamed = await cli("groups", "update", str(group.id), "--name", "Newest", base_url=base_url)
    assert renamed.status == ExitCode.OK, renamed
    assert (await session.sim_card_groups.get(str(group.id))).name == "Newest"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "X", "--data-limit", "2048"], "expected an amount and a unit, MB or GB"),
        (["create", "X", "--data-limit", "5TB"], "got '5TB'"),
        (["create", "X", "--data-limit=-1MB"], "got '-1MB'"),
        (["create", "  "], "must not be blank"),
        (["update", "Default"], "needs --name or --data-limit"),
        (["update", "Default", "--name", ""], "must not be blank"),
        (["show"], "the following arguments are required: GROUP"),
        (["delete", "Default"], "give --yes"),
        ([], "required: SUBCOMMAND"),
    ],
)
async def test_groups_usage_errors_send_nothing(
    base_url: str, state: EmulatorState, args: list[str], message: str
) -> None:
    run = await cli("groups", *args, base_url=base_url)
    assert message in assert_one_error_line(run, ExitCode.USAGE)
    assert state.requests == []


# -- delete -------------------------------------------------------------------------------------


async def test_groups_delete_with_yes(
    base_url: str, session: AsyncSession, state: EmulatorState
) -> None:
    group = await session.sim_card_groups.create("Doomed")
    run = await cli("groups", "delete", "Doomed", "--yes", "--format", "text", base_url=base_url)
    assert run.status == ExitCode.OK, run
    assert run.stdout == f"deleted SIM card group 'Doomed' ({group.id})\n"
    assert "Doomed" not in [g.name for g in await all_groups(session)]
    assert changes(state)[-1] == f"DELETE {GROUPS_PATH}/{group.id}"
    json_run = await cli(
        "groups",
        "delete",
        "-y",
        str((await session.sim_card_groups.create("Doomed too")).id),
        base_url=base_url,
    )
    assert json.loads(json_run.stdout)["name"] == "Doomed too"


async def test_groups_the_api_refuses_to_delete_are_api_errors(
    base_url: str, session: AsyncSession
) -> None:
    for name in ("Default", "Fleet trackers"):  # the default group; a group holding cards
        run = await cli("groups", "delete", name, "--yes", base_url=base_url)
        assert "the API answered with an error" in assert_one_error_line(run, ExitCode.API)
    assert len(await all_groups(session)) == 4


async def delete_on_a_terminal(base_url: str, group: str, answer: str) -> Run:
    """Run ``groups delete GROUP`` as a child whose standard input is a terminal; answer it."""
    terminal, child_end = pty.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "telnyx_wireless_async",
            "groups",
            "delete",
            group,
            "--format",
            "text",
            stdin=child_end,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env(base_url, API_KEY),
        )
    finally:
        os.close(child_end)
    try:
        os.write(terminal, answer.encode())
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        os.close(terminal)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


async def test_groups_delete_asks_on_a_terminal(base_url: str, session: AsyncSession) -> None:
    group = await session.sim_card_groups.create("Maybe")
    declined = await delete_on_a_terminal(base_url, "Maybe", "n\n")
    assert declined.status == ExitCode.OK, declined
    assert declined.stderr.startswith(f"delete SIM card group 'Maybe' ({group.id})? [y/N] ")
    assert declined.stderr.endswith("telnyx-wireless: not deleted\n")
    assert declined.stdout == ""
    assert "Maybe" in [g.name for g in await all_groups(session)]

    accepted = await delete_on_a_terminal(base_url, "Maybe", "yes\n")
    assert accepted.status == ExitCode.OK, accepted
    assert accepted.stdout == f"deleted SIM card group 'Maybe' ({group.id})\n"
    assert "Maybe" not in [g.name for g in await all_groups(session)]


# -- --group on sims and register ---------------------------------------------------------------


async def test_sims_group_by_name_or_id(base_url: str, session: AsyncSession) -> None:
    group = await group_named(session, "Fleet trackers")
    by_name = await cli("sims", "--group", "Fleet trackers", base_url=base_url)
    by_id = await cli("sims", "--group", str(group.id), base_url=base_url)
    assert by_name.status == by_id.status == ExitCode.OK
    cards = [json.loads(line) for line in by_name.lines]
    assert len(cards) == group.sim_card_count
    assert {card["sim_card_group_id"] for card in cards} == {group.id}
    assert by_id.stdout == by_name.stdout


async def test_register_into_a_group_by_name(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    group = await session.sim_card_groups.create("Spring batch")
    codes = [registration_code(n) for n in range(1, 4)]
    run = await cli(
        "register", str(codes_file(tmp_path, codes)), "--group", "Spring batch", base_url=base_url
    )
    assert run.status == ExitCode.OK, run
    bodies = [json.loads(r.body) for r in state.requests if r.path == REGISTER_PATH]
    assert bodies == [{"registration_codes": codes, "sim_card_group_id": group.id}]
    cards = [card async for card in session.sim_cards.list(sim_card_group_id=str(group.id))]
    assert len(cards) == 3
