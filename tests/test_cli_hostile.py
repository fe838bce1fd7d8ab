"""The command line against hostile files and servers (issue #13), run as in `test_cli`.

Two runs on one ledger, control characters in what the server sends, timestamps at the
bounds of `datetime`, a ledger that is the codes file, byte order marks and deep nesting.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from telnyx_wireless_async.cli import ExitCode
from telnyx_wireless_async.testing import EmulatorState, Fault, registration_code

from .conftest import API_KEY
from .test_cli import (
    Run,
    assert_one_error_line,
    child_env,
    cli,
    codes_file,
    ledger_lines,
    registrations,
    start,
)

# What must never reach a terminal raw: C0 and C1 controls (a newline ends a line, nothing
# else), the bidi controls, and the line and paragraph separators.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)

HOSTILE = (
    "\x1b]0;pwned\x07",  # sets the terminal's title
    "\x1b[2J",  # clears the screen
    "over\rwritten",
    "\x9b31m",  # a C1 control sequence introducer
    "\u202eevil",  # right-to-left override
    "nul\x00tab\tnewline\n",
)


def assert_no_raw_controls(text: str) -> None:
    found = RAW_CONTROL.findall(text)
    assert not found, f"raw control characters reached the terminal: {found!r} in {text!r}"


def page_of(cards: list[dict[str, Any]]) -> dict[str, Any]:
    meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": len(cards)}
    return {"data": cards, "meta": meta}


def serve_page(state: EmulatorState, cards: list[dict[str, Any]]) -> None:
    """Answer the next listing request with one page holding exactly `cards`."""
    state.add_fault(Fault(status=200, method="GET", path="/sim_cards", body=page_of(cards)))


# -- 3. one run at a time per ledger ------------------------------------------------------------


async def test_register_refuses_a_ledger_another_process_holds(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(1, 6)]
    file = codes_file(tmp_path, codes)
    ledger = tmp_path / "codes.txt.ledger.jsonl"
    ledger.write_text(json.dumps({"code": codes[0], "outcome": "registered", "at": ""}) + "\n")
    before = ledger.read_bytes()
    fcntl = pytest.importorskip("fcntl")
    with ledger.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = await cli("register", str(file), base_url=base_url)

    line = assert_one_error_line(run, ExitCode.USAGE)
    assert str(ledger) in line
    assert "in use" in line
    assert run.stdout == ""
    assert ledger.read_bytes() == before
    assert state.requests == []


async def test_a_second_register_run_on_the_same_ledger_refuses_to_start(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    pytest.importorskip("fcntl")  # and SIGSTOP
    codes = [registration_code(n) for n in range(1, 301)]
    file = codes_file(tmp_path, codes)
    ledger = tmp_path / "codes.txt.ledger.jsonl"
    state.latency = 0.05
    options = ("--chunk-size", "10", "--concurrency", "1")
    first = await start("register", str(file), *options, base_url=base_url)
    for _ in range(500):
        await asyncio.sleep(0.02)
        if ledger.exists() and ledger.read_text().count('"registered"') >= 20:
            break
    # Paused part way through, the first run cannot finish before the second has tried.
    first.send_signal(signal.SIGSTOP)
    try:
        second = await cli("register", str(file), *options, base_url=base_url)
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = await asyncio.wait_for(first.communicate(), timeout=60)

    line = assert_one_error_line(second, ExitCode.USAGE)
    assert "in use" in line
    assert first.returncode == ExitCode.OK, err.decode()
    final = ledger_lines(ledger)
    assert [entry["code"] for entry in final] == codes
    assert {entry["outcome"] for entry in final} == {"registered"}
    assert sorted(state.registered_codes) == codes

    # And the ledger stays good: a third run finds every code settled.
    state.latency = 0.0
    sent = len(registrations(state))
    third = await cli("register", str(file), base_url=base_url)
    assert third.status == ExitCode.OK, third
    assert "Nothing to send" in third.stdout
    assert len(registrations(state)) == sent


async def test_register_rewrites_the_ledger_through_a_temporary_file_of_its_own(
    base_url: str, tmp_path: Path
) -> None:
    file = codes_file(tmp_path, [registration_code(n) for n in range(1, 4)])
    # Another writer's temporary file, where an older version put its own.
    other = tmp_path / "codes.txt.ledger.jsonl.tmp"
    other.write_text("not ours\n")

    run = await cli("register", str(file), base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert other.read_text() == "not ours\n"
    assert sorted(os.listdir(tmp_path)) == [
        "codes.txt",
        "codes.txt.ledger.jsonl",
        "codes.txt.ledger.jsonl.tmp",
    ]
    assert [entry["outcome"] for entry in ledger_lines(tmp_path / "codes.txt.ledger.jsonl")] == [
        "registered"
    ] * 3


async def test_register_without_flock_locks_with_a_lock_file(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    # As on a platform without fcntl: importing it fails.
    code = "import sys; sys.modules['fcntl'] = None; from telnyx_wireless_async.cli import main; "
    code += "sys.exit(main())"
    file = codes_file(tmp_path, [registration_code(1)])
    lock = tmp_path / "codes.txt.ledger.jsonl.lock"

    async def run_without_fcntl() -> Run:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, "register", str(file),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env(base_url, API_KEY),
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        return Run(process.returncode, out.decode(), err.decode())

    lock.write_text("")
    refused = await run_without_fcntl()
    line = assert_one_error_line(refused, ExitCode.USAGE)
    assert str(lock) in line
    assert state.requests == []
    assert not (tmp_path / "codes.txt.ledger.jsonl").exists()

    lock.unlink()
    done = await run_without_fcntl()
    assert done.status == ExitCode.OK, done
    assert not lock.exists()
    assert ledger_lines(tmp_path / "codes.txt.ledger.jsonl")[0]["outcome"] == "registered"


# -- 9. server text on a terminal ---------------------------------------------------------------


def hostile_card(state: EmulatorState) -> dict[str, Any]:
    card = state.inventory.card(0, include_group=True)
    card["tags"] = list(HOSTILE)
    card["msisdn"] = "+1\x1b[31m555"
    card["imsi"] = "310\r260"  # a carriage return alone in a cell
    card["iccid"] = "89\u202e01"
    card["status"]["value"] = "\x1b[5mblinking"
    card["type"] = "\x07bell"
    card["data_limit"]["unit"] = "G\x1b[8mB"
    card["sim_card_group"]["name"] = "group\x1b]8;;http://evil/\x1b\\"
    return card


async def test_sims_table_escapes_control_characters_from_the_server(
    base_url: str, state: EmulatorState
) -> None:
    serve_page(state, [hostile_card(state)])

    run = await cli("sims", "--format", "table", "--include-group", base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert_no_raw_controls(run.stdout)
    assert len(run.lines) == 2  # the header and the card, whatever the tags hold
    row = run.lines[1]
    assert "\\x1b]0;pwned\\x07" in row
    assert "\\x1b[2J" in row
    assert "over\\x0dwritten" in row
    assert "\\x9b31m" in row
    assert "\\u202eevil" in row
    assert "nul\\x00tab\\x09newline\\x0a" in row
    for shown in ("+1\\x1b[31m555", "89\\u202e01", "\\x1b[5mblinking", "\\x07bell", "G\\x1b[8mB"):
        assert shown in row
    assert "group\\x1b]8;;http://evil/\\x1b\\" in row


async def test_sims_machine_formats_keep_control_characters_exact_and_valid(
    base_url: str, state: EmulatorState
) -> None:
    card = hostile_card(state)
    serve_page(state, [card])
    jsonl = await cli("sims", "--format", "jsonl", base_url=base_url)
    serve_page(state, [card])
    csv_run = await cli("sims", "--format", "csv", "--include-group", base_url=base_url)

    assert jsonl.status == csv_run.status == ExitCode.OK, (jsonl, csv_run)
    (record,) = [json.loads(line) for line in jsonl.stdout.split("\n") if line]
    assert record["tags"] == list(HOSTILE)
    assert record["msisdn"] == card["msisdn"]
    assert record["imsi"] == card["imsi"]
    # Valid CSV: one header, one row, every cell exactly as the server sent it.
    header, *rows = list(csv.reader(io.StringIO(csv_run.stdout, newline="")))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["tags"] == ";".join(HOSTILE)
    assert row["imsi"] == card["imsi"]
    assert row["sim_card_group.name"] == card["sim_card_group"]["name"]


async def test_error_lines_escape_control_characters_from_the_server(
    base_url: str, state: EmulatorState
) -> None:
    error = {
        "code": "10015",
        "title": "\x1b]0;pwned\x07Bad request",
        "detail": "\x1b[2J\u202esdrawkcab\r\x9b1A detail",
    }
    state.add_fault(Fault(status=400, method="GET", body={"errors": [error]}))

    run = await cli("sims", base_url=base_url)

    line = assert_one_error_line(run, ExitCode.API)
    assert_no_raw_controls(run.stderr)
    assert "\\x1b]0;pwned\\x07Bad request" in line
    assert "\\x1b[2J\\u202esdrawkcab" in line


async def test_debug_output_escapes_control_characters_from_the_server(
    base_url: str, state: EmulatorState
) -> None:
    retried = {"code": "10009", "title": "\x1b]0;retry\x07", "detail": "\u202eagain"}
    refused = {"code": "10015", "title": "\x1b[2JBad request", "detail": "\x9b1A\x1b[K"}
    state.add_fault(
        Fault(status=503, method="GET", headers={"Retry-After": "0"}, body={"errors": [retried]})
    )
    state.add_fault(Fault(status=400, method="GET", body={"errors": [refused]}))

    run = await cli("sims", "--debug", base_url=base_url)

    assert run.status == ExitCode.API, run
    assert_no_raw_controls(run.stderr)
    assert "Traceback" in run.stderr
    assert "\\x1b]0;retry\\x07" in run.stderr  # the retry, logged
    assert run.error_lines[-1].startswith("telnyx-wireless: error: ")
    assert "\\x1b[2JBad request: \\x9b1A\\x1b[K" in run.error_lines[-1]


async def test_register_summary_escapes_control_characters_in_error_titles(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    file = codes_file(tmp_path, [registration_code(1)])
    error = {
        "code": "10006",
        "title": "\x1b[2JRefused\u202e",
        "detail": "\x1b]0;pwned\x07",
        "source": {"pointer": "/registration_codes/0"},
    }
    state.add_fault(Fault(status=422, method="POST", body={"errors": [error]}))

    run = await cli("register", str(file), base_url=base_url)

    assert run.status == ExitCode.PARTIAL, run
    assert_no_raw_controls(run.stdout + run.stderr)
    assert "\\x1b[2JRefused\\u202e: 1" in run.stdout
    # The ledger keeps the API's words exactly.
    (entry,) = ledger_lines(tmp_path / "codes.txt.ledger.jsonl")
    assert entry["error"] == {k: error[k] for k in ("code", "title", "detail")}


# -- 12. timestamps at datetime's bounds --------------------------------------------------------


async def test_sims_prints_cards_whose_timestamps_have_no_utc_equivalent(
    base_url: str, state: EmulatorState
) -> None:
    late, early = state.inventory.card(1), state.inventory.card(2)
    late["created_at"] = "9999-12-31T23:00:00-05:00"  # in UTC: year 10000
    early["updated_at"] = "0001-01-01T00:30:00+01:00"  # in UTC: year 0
    cards = [late, early]

    runs = {}
    for fmt in ("jsonl", "csv", "table"):
        serve_page(state, cards)
        runs[fmt] = await cli("sims", "--format", fmt, base_url=base_url)

    for fmt, run in runs.items():
        assert run.status == ExitCode.OK, (fmt, run)
        assert run.stderr == ""
    records = [json.loads(line) for line in runs["jsonl"].lines]
    assert [record["iccid"] for record in records] == [late["iccid"], early["iccid"]]
    # The same instant, with the server's offset kept.
    assert records[0]["created_at"] == "9999-12-31T23:00:00.000-05:00"
    assert records[1]["updated_at"] == "0001-01-01T00:30:00.000+01:00"
    for record, card, field in (
        (records[0], late, "created_at"),
        (records[1], early, "updated_at"),
    ):
        assert datetime.fromisoformat(record[field]) == datetime.fromisoformat(card[field])
    rows = list(csv.DictReader(io.StringIO(runs["csv"].stdout, newline="")))
    assert rows[0]["created_at"] == "9999-12-31T23:00:00.000-05:00"
    assert rows[1]["updated_at"] == "0001-01-01T00:30:00.000+01:00"
    assert [line.split()[0] for line in runs["table"].lines[1:]] == [
        late["iccid"],
        early["iccid"],
    ]


# -- 13. the ledger must not be the codes file --------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink", "hardlink"])
async def test_register_refuses_the_codes_file_as_its_ledger(
    base_url: str, state: EmulatorState, tmp_path: Path, spelling: str
) -> None:
    file = tmp_path / "codes.txt"
    # No newline at the end: read as a ledger, that line looks cut short and would be dropped.
    file.write_text(registration_code(1))
    (tmp_path / "sub").mkdir()
    if spelling == "same":
        ledger = str(file)
    elif spelling == "dotted":
        ledger = str(tmp_path / "sub" / ".." / "." / "codes.txt")
    elif spelling == "symlink":
        ledger = str(tmp_path / "link.jsonl")
        os.symlink(file, ledger)
    else:
        ledger = str(tmp_path / "hard.jsonl")
        os.link(file, ledger)

    run = await cli("register", str(file), "--ledger", ledger, base_url=base_url)

    line = assert_one_error_line(run, ExitCode.USAGE)
    assert "codes file" in line
    assert file.read_text() == registration_code(1)
    assert state.requests == []


# -- 14. byte order marks, deep nesting and other hostile input files ---------------------------


@pytest.mark.parametrize("header", ["", "registration_code\n"])
async def test_register_accepts_a_byte_order_mark_on_standard_input(
    base_url: str, state: EmulatorState, tmp_path: Path, header: str
) -> None:
    codes = [registration_code(n) for n in range(1, 4)]
    ledger = tmp_path / "stdin.jsonl"
    text = "\ufeff" + header + "\r\n".join(codes) + "\r\n"

    run = await cli("register", "-", "--ledger", str(ledger), base_url=base_url, stdin=text)

    assert run.status == ExitCode.OK, run
    assert state.registered_codes == codes


@pytest.mark.parametrize(
    ("text", "line_number"),
    [
        ("[" * 100_000 + "\n", 1),
        ("[" * 100_000, 1),  # not a line cut short: no line this program writes starts so
        ('{"code":"0000000018","outcome":"registered","at":""}\n{"code":' + "[" * 100_000, 2),
        ('{"code":"0000000018","outcome":"registered","at":""}\n' + '{"a":' * 50_000 + "\n", 2),
    ],
    # Short ids: pytest 8.2 (the floor) puts the whole id in PYTEST_CURRENT_TEST, and a 100 kB
    # one makes the environment too large to start the command line's process.
    ids=["nested-line", "nested-no-newline", "nested-second-line", "nested-objects"],
)
async def test_register_reports_a_deeply_nested_ledger_line_as_a_usage_error(
    base_url: str, state: EmulatorState, tmp_path: Path, text: str, line_number: int
) -> None:
    file = codes_file(tmp_path, [registration_code(1)])
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(text)

    run = await cli("register", str(file), "--ledger", str(ledger), base_url=base_url)

    line = assert_one_error_line(run, ExitCode.USAGE)
    assert f"{ledger}:{line_number}: not a ledger line" in line
    assert ledger.read_text() == text
    assert state.requests == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Longer than the csv module takes in one field.
        ("code\n" + '"' + "1" * 200_000 + '"\n', "codes.txt:2: "),
        # A form feed is not a line break: line numbers are those an editor shows.
        (f"{registration_code(1)}\f\n12345\n", "codes.txt:2: '12345'"),
    ],
    ids=["csv-field-over-the-limit", "form-feed"],  # short: see the nested ledger test above
)
async def test_register_reports_hostile_codes_files_as_usage_errors(
    base_url: str, state: EmulatorState, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "codes.txt"
    file.write_text(content)

    run = await cli("register", str(file), base_url=base_url)

    line = assert_one_error_line(run, ExitCode.USAGE)
    assert message in line
    assert len(line) < 300  # the offending text is shortened, not printed whole
    assert state.requests == []
