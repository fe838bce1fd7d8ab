"""The lifecycle commands against the emulator: ``sim ID``, ``actions`` and ``validate FILE``.

They run in this process (`cli`), as the other command-line cases do; SIM card actions finish
when the emulator's fake clock says so.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from telnyx_wireless_async import AsyncSession, SimCardAction
from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli import ExitCode
from telnyx_wireless_async.testing import EmulatorState, Fault, registration_code

from .conftest import API_KEY, FakeClock
from .test_cli import assert_one_error_line, cli, codes_file, corrupt

DURATION = 5.0
VALIDATE_PATH = "/v2/sim_cards/actions/validate_registration_codes"


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    """The usual 1,000 cards, with actions that finish DURATION seconds on the fake clock."""
    return EmulatorState(
        api_key=API_KEY, inventory_size=1000, seed=0, clock=clock, action_duration=DURATION
    )


async def card_ids(session: AsyncSession, status: str, count: int) -> list[str]:
    page = await session.sim_cards.list(status=[status], page_size=count)
    ids = [card.id for card in page.data if card.id is not None]
    assert len(ids) == count
    return ids


def requests_to(state: EmulatorState, path: str) -> list[list[tuple[str, str]]]:
    """The query of every request the emulator received on `path`."""
    return [request.query for request in state.requests if request.path == path]


# -- sim ----------------------------------------------------------------------------------------


async def test_sim_writes_the_card_as_the_api_spells_it_when_not_on_a_terminal(
    base_url: str, session: AsyncSession, state: EmulatorState
) -> None:
    (card_id,) = await card_ids(session, "enabled", 1)
    run = await cli("sim", card_id, base_url=base_url)
    assert run.status == ExitCode.OK, run
    assert run.stderr == ""
    expected = await session.sim_cards.get(card_id)
    assert json.loads(run.stdout) == unstructure(expected)
    assert json.loads(run.stdout)["pin_puk_codes"] is None
    # Neither the codes nor the group were asked for.
    assert requests_to(state, f"/v2/sim_cards/{card_id}")[0] == []


async def test_sim_as_text_shows_the_card_and_its_group(
    base_url: str, session: AsyncSession, state: EmulatorState
) -> None:
    (card_id,) = await card_ids(session, "enabled", 1)
    card = await session.sim_cards.get(card_id, include_sim_card_group=True)
    assert card.sim_card_group is not None
    assert card.current_imei is not None
    run = await cli("sim", card_id, "--group", "--format", "text", base_url=base_url)
    assert run.status == ExitCode.OK, run
    fields = {label: value.strip() for label, _, value in (ln.partition(":") for ln in run.lines)}
    assert fields["id"] == card_id
    assert fields["ICCID"] == card.iccid
    assert fields["status"].startswith("enabled (")
    assert fields["group"] == card.sim_card_group_id
    assert fields["group name"] == card.sim_card_group.name
    assert fields["current IMEI"] == card.current_imei
    assert not any(label.startswith(("PIN", "PUK")) for label in fields)
    assert ("include_sim_card_group", "true") in requests_to(state, f"/v2/sim_cards/{card_id}")[-1]


async def test_sim_pin_puk_shows_the_codes_only_when_asked(
    base_url: str, session: AsyncSession
) -> None:
    (card_id,) = await card_ids(session, "enabled", 1)
    codes = (await session.sim_cards.get(card_id, include_pin_puk_codes=True)).pin_puk_codes
    assert codes is not None
    text = await cli("sim", card_id, "--pin-puk", "--format", "text", base_url=base_url)
    assert text.status == ExitCode.OK, text
    for label, value in (
        ("PIN1", codes.pin1),
        ("PIN2", codes.pin2),
        ("PUK1", codes.puk1),
        ("PUK2", codes.puk2),
    ):
        assert f"{label}:" in text.stdout
        assert any(
            line.startswith(f"{label}:") and line.endswith(f" {value}") for line in text.lines
        )
    as_json = await cli("sim", card_id, "--pin-puk", base_url=base_url)
    assert json.loads(as_json.stdout)["pin_puk_codes"] == {
        "pin1": codes.pin1,
        "pin2": codes.pin2,
        "puk1": codes.puk1,
        "puk2": codes.puk2,
    }
    plain = await cli("sim", card_id, "--format", "text", base_url=base_url)
    for secret in (codes.puk1, codes.puk2):
        assert secret is not None
        assert secret not in plain.stdout
    assert "PIN1" not in plain.stdout


async def test_sim_escapes_control_characters_on_the_terminal_format_only(
    base_url: str, session: AsyncSession
) -> None:
    (card_id,) = await card_ids(session, "enabled", 1)
    await session.sim_cards.update(card_id, tags=["\x1b]0;owned\x07", "plain"])
    text = await cli("sim", card_id, "--format", "text", base_url=base_url)
    assert "\x1b" not in text.stdout
    assert "\x07" not in text.stdout
    assert "tags:" in text.stdout
    assert "\\x1b]0;owned\\x07, plain" in text.stdout
    as_json = await cli("sim", card_id, "--format", "json", base_url=base_url)
    assert json.loads(as_json.stdout)["tags"] == ["\x1b]0;owned\x07", "plain"]


async def test_sim_errors(base_url: str, state: EmulatorState) -> None:
    malformed = await cli("sim", "not-a-card", base_url=base_url)
    assert "UUID" in assert_one_error_line(malformed, ExitCode.USAGE)
    assert state.requests == []
    unknown = "00000000-0000-4000-8000-000000000000"
    missing = await cli("sim", unknown, base_url=base_url)
    line = assert_one_error_line(missing, ExitCode.API)
    assert "404" in line or "not found" in line.lower()
    assert missing.stdout == ""
    refused = await cli("sim", unknown, base_url=base_url, api_key="wrong-key")
    assert "API key" in assert_one_error_line(refused, ExitCode.API)


# -- actions ------------------------------------------------------------------------------------


async def start_actions(session: AsyncSession, clock: FakeClock) -> list[SimCardAction]:
    """Disable two enabled cards and let those finish; then put one on standby, in progress."""
    first, second, third = await card_ids(session, "enabled", 3)
    done = [await session.sim_cards.disable(first), await session.sim_cards.disable(second)]
    clock.advance(DURATION)
    return [*done, await session.sim_cards.set_standby(third)]


async def test_actions_streams_every_action_as_json_lines(
    base_url: str, session: AsyncSession, clock: FakeClock
) -> None:
    started = await start_actions(session, clock)
    run = await cli("actions", base_url=base_url)
    assert run.status == ExitCode.OK, run
    assert run.stderr == ""
    actions = [json.loads(line) for line in run.lines]
    assert [action["id"] for action in actions] == [action.id for action in started]
    assert [action["status"]["value"] for action in actions] == [
        "completed",
        "completed",
        "in-progress",
    ]
    assert [action["action_type"] for action in actions] == ["disable", "disable", "set_standby"]


async def test_actions_filters_go_to_the_api(
    base_url: str, session: AsyncSession, clock: FakeClock, state: EmulatorState
) -> None:
    started = await start_actions(session, clock)

    async def ids(*args: str) -> list[str]:
        run = await cli("actions", *args, base_url=base_url)
        assert run.status == ExitCode.OK, run
        return [json.loads(line)["id"] for line in run.lines]

    assert await ids("--status", "completed") == [started[0].id, started[1].id]
    assert await ids("--status", "in-progress") == [started[2].id]
    assert await ids("--action-type", "set_standby") == [started[2].id]
    assert await ids("--sim-card-id", str(started[1].sim_card_id)) == [started[1].id]
    assert await ids("--action-type", "disable", "--status", "in-progress") == []
    bulk = "2b7c2b76-93c9-4fd3-9bde-a1c08b1f6c44"
    assert await ids("--bulk-action-id", bulk) == []
    assert ("filter[bulk_sim_card_action_id]", bulk) in requests_to(state, "/v2/sim_card_actions")[
        -1
    ]


async def test_actions_table_csv_and_limit(
    base_url: str, session: AsyncSession, clock: FakeClock, tmp_path: Path
) -> None:
    started = await start_actions(session, clock)
    table = await cli("actions", "--format", "table", base_url=base_url)
    assert table.status == ExitCode.OK, table
    header, *rows = table.lines
    assert header.split()[:5] == ["ID", "SIM", "CARD", "ID", "TYPE"]
    assert len(rows) == 3
    column = header.index("STATUS")
    assert [row[column:].split()[0] for row in rows] == ["completed", "completed", "in-progress"]
    assert rows[2].startswith(str(started[2].id))

    out = tmp_path / "actions.csv"
    written = await cli("actions", "--format", "csv", "-o", str(out), base_url=base_url)
    assert written.status == ExitCode.OK, written
    assert written.stdout == ""
    records = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["id"] for r in records] == [a.id for a in started]
    assert [r["action_type"] for r in records] == ["disable", "disable", "set_standby"]
    assert all(r["created_at"].endswith("Z") and r["sim_card_id"] for r in records)
    assert all(json.loads(r["settings"]) == {} for r in records)

    limited = await cli("actions", "--limit", "2", base_url=base_url)
    assert len(limited.lines) == 2
    empty = await cli("actions", "--format", "csv", "--status", "failed", base_url=base_url)
    assert empty.lines == [
        "id,sim_card_id,action_type,status.value,status.reason,settings,created_at,updated_at"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "interrupted"], "invalid choice: 'interrupted'"),
        (["--action-type", "explode"], "invalid choice: 'explode'"),
        (["--sim-card-id", "card-7"], "UUID"),
        (["--bulk-action-id", "7"], "UUID"),
        (["--limit", "0"], "at least 1"),
    ],
)
async def test_actions_bad_options_are_usage_errors(
    base_url: str, state: EmulatorState, args: list[str], message: str
) -> None:
    run = await cli("actions", *args, base_url=base_url)
    assert message in assert_one_error_line(run, ExitCode.USAGE)
    assert state.requests == []


# -- validate -----------------------------------------------------------------------------------


async def test_validate_reports_valid_invalid_and_repeated_codes(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    used = registration_code(1)
    await session.sim_cards.register([used])
    good = [registration_code(n) for n in (2, 3, 4)]
    bad = corrupt(registration_code(5))
    file = codes_file(tmp_path, [good[0], used, good[1], bad, good[2], good[0]])
    run = await cli("validate", str(file), base_url=base_url)
    assert run.status == ExitCode.PARTIAL, run
    assert run.stderr == ""
    assert run.lines[0] == f"{file}: 5 registration codes (and 1 repeated line, skipped)"
    assert run.lines[1].split() == ["valid", "3"]
    assert run.lines[2].split() == ["invalid", "2"]
    assert run.lines[3].split() == ["unknown", "0"]
    assert run.lines[4] == "invalid:"
    assert run.lines[5] == f"  {used}  This code has already been used."
    assert run.lines[6].startswith(f"  {bad}  ")
    assert len(run.lines[6]) > len(bad) + 6
    assert len(run.lines) == 7
    # Nothing was registered: a dry run.
    assert state.registered_codes == [used]


async def test_validate_as_json_lines_lists_every_code(
    base_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    used = registration_code(1)
    await session.sim_cards.register([used])
    good = registration_code(2)
    file = codes_file(tmp_path, [good, used, good])
    run = await cli("validate", str(file), "--format", "jsonl", base_url=base_url)
    assert run.status == ExitCode.PARTIAL, run
    assert [json.loads(line) for line in run.lines] == [
        {"code": good, "outcome": "valid"},
        {"code": used, "outcome": "invalid", "detail": "This code has already been used."},
    ]


async def test_validate_every_code_valid_from_standard_input_exits_0(
    base_url: str, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(10, 17)]
    run = await cli(
        "validate",
        "-",
        "--chunk-size",
        "3",
        base_url=base_url,
        stdin="registration_code\n" + "\n".join(codes) + "\n",
    )
    assert run.status == ExitCode.OK, run
    assert run.lines[0] == "standard input: 7 registration codes"
    assert run.lines[1].split() == ["valid", "7"]
    assert len(run.lines) == 4
    assert len(requests_to(state, VALIDATE_PATH)) == 3


async def test_validate_codes_without_a_verdict_are_unknown_with_the_reason(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(20, 24)]
    state.add_fault(Fault(status=503, method="POST", path=VALIDATE_PATH, times=99))
    file = codes_file(tmp_path, codes)
    run = await cli("validate", str(file), "--chunk-size", "2", base_url=base_url)
    assert run.status == ExitCode.PARTIAL, run
    assert run.lines[3].split()[:2] == ["unknown", "4"]
    assert run.lines[4] == "unknown:"
    assert [line.split()[0] for line in run.lines[5:]] == codes
    assert all("the request failed after its retries" in line for line in run.lines[5:])
    as_json = await cli("validate", str(file), "--format", "jsonl", base_url=base_url)
    assert {json.loads(line)["outcome"] for line in as_json.lines} == {"unknown"}


async def test_validate_errors(base_url: str, state: EmulatorState, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(f"{registration_code(1)}\n12345\n")
    malformed = await cli("validate", str(bad), base_url=base_url)
    assert "bad.txt:2: '12345'" in assert_one_error_line(malformed, ExitCode.USAGE)
    missing = await cli("validate", str(tmp_path / "missing.txt"), base_url=base_url)
    assert "cannot read" in assert_one_error_line(missing, ExitCode.USAGE)
    assert state.requests == []
    good = codes_file(tmp_path, [registration_code(1)])
    refused = await cli("validate", str(good), base_url=base_url, api_key="wrong-key")
    assert "API key" in assert_one_error_line(refused, ExitCode.API)
    assert refused.stdout == ""
