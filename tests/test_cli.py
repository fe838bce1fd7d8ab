"""The command line against the emulator served by the test's event loop.

Most cases run `main` in this process (`cli`), on a thread of its own so the test's loop keeps
serving the emulator, with its own stdin, stdout, stderr and environment: starting an
interpreter per case cost the suite most of its time. Where the process is what is tested (an
exit status through ``sys.exit``, a pipe, a signal, a reader that goes away, a fresh import)
the case runs ``python -m telnyx_wireless_async`` as a child (`start`, `cli_process`).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import io
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import aiohttp
import pytest

from telnyx_wireless_async import (
    AsyncSession,
    RetryPolicy,
    SimCardStatusFilter,
    SimCardStatusValue,
)
from telnyx_wireless_async._validation import MAX_PAGE_SIZE
from telnyx_wireless_async.cli import ExitCode, main
from telnyx_wireless_async.cli._codes_file import read_codes
from telnyx_wireless_async.cli._errors import UsageError
from telnyx_wireless_async.cli._ledger_file import LedgerEntry, LedgerFile, load_ledger
from telnyx_wireless_async.cli._parser import build_parser
from telnyx_wireless_async.cli._progress import ProgressBar
from telnyx_wireless_async.cli._records import card_to_json
from telnyx_wireless_async.resources.sim_cards import MAX_CHUNK_SIZE, MAX_CONCURRENCY
from telnyx_wireless_async.testing import EmulatorState, Fault, registration_code
from telnyx_wireless_async.testing.__main__ import main as serve_emulator

from .conftest import API_KEY

REGISTER_PATH = "/v2/actions/register/sim_cards"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.splitlines()


def child_env(base_url: str | None, api_key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELNYX_")}
    if base_url is not None:
        env["TELNYX_BASE_URL"] = base_url
    if api_key is not None:
        env["TELNYX_API_KEY"] = api_key
    return env


async def start(
    *args: str,
    base_url: str | None = None,
    api_key: str | None = API_KEY,
    stdin: bool = False,
    stdout: int = asyncio.subprocess.PIPE,
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "telnyx_wireless_async",
        *args,
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
        env=child_env(base_url, api_key),
    )


async def cli_process(
    *args: str,
    base_url: str | None = None,
    api_key: str | None = API_KEY,
    stdin: str | None = None,
) -> Run:
    """Run ``python -m telnyx_wireless_async *args`` as a child process, to its end."""
    process = await start(*args, base_url=base_url, api_key=api_key, stdin=stdin is not None)
    data = stdin.encode() if stdin is not None else None
    out, err = await asyncio.wait_for(process.communicate(data), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


class OneThreadsStream(io.TextIOWrapper):
    """A standard stream for the thread that runs `main`, encoded as a pipe's would be.

    What other threads write (the emulator's log lines, on the test's thread) goes on to
    `others`, as it would if the command line were a child process.
    """

    def __init__(self, data: bytes, others: TextIO, *, errors: str = "strict") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", errors=errors, write_through=True)
        self.others = others
        self.owner = threading.get_ident()

    def write(self, text: str) -> int:
        if threading.get_ident() != self.owner:
            return self.others.write(text)
        return super().write(text)

    def written(self) -> str:
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode()


@contextlib.contextmanager
def environment(base_url: str | None, api_key: str | None) -> Iterator[None]:
    """Set ``os.environ`` to what `child_env` gives a child, and put it back after."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(child_env(base_url, api_key))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


_IN_PROCESS = threading.Lock()
_PACKAGE_LOGGER = logging.getLogger("telnyx_wireless_async")


def run_main(argv: Sequence[str], stdin: bytes) -> Run:
    """Run `main` on this thread with its own standard streams, as a child would see them.

    Its retries do not sleep, as the `session` fixture's do not.

    Afterwards the process is as before: streams, the package logger `main` configures, and
    the objects `main` froze out of the collector's reach.
    """
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_logger = list(_PACKAGE_LOGGER.handlers), _PACKAGE_LOGGER.level
    sys.stdin = OneThreadsStream(stdin, sys.stdin)
    sys.stdout = out = OneThreadsStream(b"", saved_streams[1])
    sys.stderr = err = OneThreadsStream(b"", saved_streams[2], errors="backslashreplace")
    try:
        try:
            status = main(argv, retry=RetryPolicy(wait=False))
        except SystemExit as exc:  # argparse's usage errors and --help: None or a status
            status = int(exc.code or 0)
        out.flush()
        err.flush()
        return Run(int(status), out.written(), err.written())
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        _PACKAGE_LOGGER.handlers[:] = saved_logger[0]
        _PACKAGE_LOGGER.setLevel(saved_logger[1])
        gc.unfreeze()


async def cli(
    *args: str,
    base_url: str | None = None,
    api_key: str | None = API_KEY,
    stdin: str | None = None,
) -> Run:
    """Run ``telnyx-wireless *args`` in this process, while the test's loop serves the emulator.

    The environment is a child's (see `child_env`); standard input is `stdin` as a pipe's
    bytes, or empty like ``/dev/null``. One run at a time: the streams are the process's.
    """
    assert _IN_PROCESS.acquire(blocking=False), "cli() runs one command line at a time"
    try:
        with environment(base_url, api_key):
            data = stdin.encode() if stdin is not None else b""
            return await asyncio.to_thread(run_main, args, data)
    finally:
        _IN_PROCESS.release()


def assert_one_error_line(run: Run, status: int) -> str:
    assert run.status == status, run
    assert len(run.error_lines) == 1, run.stderr
    assert run.error_lines[0].startswith("telnyx-wireless: error: "), run.stderr
    assert "Traceback" not in run.stderr
    return run.error_lines[0]


def corrupt(code: str) -> str:
    """The same code with a wrong check digit: 10 digits, but not a valid code."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def ledger_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def codes_file(directory: Path, codes: Sequence[str]) -> Path:
    """Write `codes` one per line to ``codes.txt`` in `directory`, and return its path."""
    file = directory / "codes.txt"
    file.write_text("\n".join(codes) + "\n")
    return file


def registrations(state: EmulatorState) -> list[str]:
    return [r.path for r in state.requests if r.path == REGISTER_PATH]


# -- sims ---------------------------------------------------------------------------------------


async def test_sims_writes_json_lines_when_not_on_a_terminal(base_url: str) -> None:
    run = await cli("sims", base_url=base_url)
    assert run.status == 0, run
    assert run.stderr == ""
    cards = [json.loads(line) for line in run.lines]
    assert len(cards) == 1000
    assert len({card["id"] for card in cards}) == 1000
    first = cards[0]
    # The API's own shape: amounts as strings, timestamps in UTC with Z, enums as values.
    assert isinstance(first["data_limit"]["amount"], str)
    assert first["created_at"].endswith("Z")
    assert first["status"]["value"] in {status.value for status in SimCardStatusValue}


async def test_sims_filters_and_sort(base_url: str, session: AsyncSession) -> None:
    statuses, tags = ["enabled", "standby"], ["iot"]
    expected = await session.sim_cards.list(status=statuses, tags=tags, page_size=1)
    run = await cli(
        "sims",
        "--status",
        "enabled",
        "--status=standby",
        "--tag",
        "iot",
        "--sort",
        "desc",
        "--page-size",
        "7",
        "--format",
        "jsonl",
        base_url=base_url,
    )
    assert run.status == 0, run
    cards = [json.loads(line) for line in run.lines]
    assert len(cards) == expected.meta.total_results > 0
    assert all(card["status"]["value"] in statuses for card in cards)
    assert all("iot" in card["tags"] for card in cards)
    used = [Decimal(c["current_billing_period_consumed_data"]["amount"]) for c in cards]
    assert used == sorted(used, reverse=True)


async def test_sims_csv_to_a_file(base_url: str, session: AsyncSession, tmp_path: Path) -> None:
    expected = await session.sim_cards.list(status=["disabled"], page_size=1)
    out = tmp_path / "cards.csv"
    run = await cli(
        "sims",
        "--format",
        "csv",
        "--status",
        "disabled",
        "--include-group",
        "--output",
        str(out),
        base_url=base_url,
    )
    assert run.status == 0, run
    assert run.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == expected.meta.total_results > 0
    assert {row["status.value"] for row in rows} == {"disabled"}
    assert all(row["iccid"] and row["id"] for row in rows)
    assert all(row["sim_card_group.name"] for row in rows)


async def test_sims_table_prints_a_header_and_one_line_per_card(
    base_url: str, session: AsyncSession
) -> None:
    expected = await session.sim_cards.list(status=["standby"], page_size=1)
    run = await cli("sims", "--format", "table", "--status", "standby", base_url=base_url)
    assert run.status == 0, run
    header, *rows = run.lines
    assert header.split()[:3] == ["ICCID", "MSISDN", "STATUS"]
    assert len(rows) == expected.meta.total_results > 0
    assert all(row.split()[2] == "standby" for row in rows)
    # Fixed widths: the status column starts at the same place on every line.
    column = header.index("STATUS")
    assert all(row[column:].startswith("standby") for row in rows)


async def test_sims_limit_and_global_options_after_the_command(base_url: str) -> None:
    run = await cli(
        "sims", "--limit", "7", "--base-url", base_url, "--api-key", API_KEY, api_key=None
    )
    assert run.status == 0, run
    assert len(run.lines) == 7


async def test_sims_empty_result_prints_only_the_header(base_url: str) -> None:
    run = await cli("sims", "--format", "csv", "--iccid", "no-such-iccid", base_url=base_url)
    assert run.status == 0, run
    assert len(run.lines) == 1
    assert run.lines[0].startswith("id,iccid,")


async def test_sims_stops_quietly_when_the_reader_goes_away(base_url: str) -> None:
    read_end, write_end = os.pipe()
    process = await start("sims", base_url=base_url, stdout=write_end)
    os.close(write_end)
    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(None, os.read, read_end, 4096)
    os.close(read_end)  # like `| head`: stop reading after the first lines
    assert first.startswith(b'{"id":')
    assert process.stderr is not None
    err = await asyncio.wait_for(process.stderr.read(), timeout=30)
    assert await process.wait() == 0
    assert err == b""


# -- register -----------------------------------------------------------------------------------


async def test_register_mixed_file_writes_a_correct_ledger(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    valid = [registration_code(n) for n in range(1, 41)]
    invalid = [corrupt(registration_code(n)) for n in range(100, 105)]
    in_use = [registration_code(n) for n in range(200, 203)]
    await session.sim_cards.register(in_use)
    state.registered_codes.clear()
    file = tmp_path / "codes.txt"
    file.write_text(
        "# SIM cards for the spring batch\n\n"
        + "\n".join(valid[:20] + invalid + in_use)
        + "\n  \n"
        + "\n".join(valid[20:] + valid[:3])  # three repeats
        + "\n"
    )

    run = await cli("register", str(file), "--chunk-size", "7", base_url=base_url)

    assert run.status == ExitCode.PARTIAL, run
    assert run.stderr == ""
    assert "repeated line" in run.stdout
    ledger = ledger_lines(tmp_path / "codes.txt.ledger.jsonl")
    outcomes = {entry["code"]: entry for entry in ledger}
    assert len(ledger) == len(outcomes) == 48  # one line per unique code
    assert all(outcomes[code]["outcome"] == "registered" for code in valid)
    for code in invalid:
        assert outcomes[code]["outcome"] == "failed"
        assert outcomes[code]["permanent"] is True
        assert outcomes[code]["error"] == {
            "code": "10006",
            "title": "Invalid registration code",
            "detail": f"'{code}' is not a valid registration code.",
        }
    for code in in_use:
        assert outcomes[code]["outcome"] == "failed"
        assert "already registered" in str(outcomes[code]["error"]).lower()
    assert sorted(state.registered_codes) == sorted(valid)

    # A second run finds everything settled and sends nothing.
    sent = len(registrations(state))
    again = await cli("register", str(file), base_url=base_url)
    assert again.status == ExitCode.PARTIAL, again
    assert "Nothing to send" in again.stdout
    assert len(registrations(state)) == sent
    assert ledger_lines(tmp_path / "codes.txt.ledger.jsonl") == ledger


async def test_register_csv_column_from_standard_input(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(1, 6)]
    text = "name,activation\n" + "".join(f"sim {i},{code}\n" for i, code in enumerate(codes))
    ledger = tmp_path / "stdin.jsonl"
    # A child process, whose standard input is a pipe and whose status comes through sys.exit.
    run = await cli_process(
        "register",
        "-",
        "--column",
        "activation",
        "--ledger",
        str(ledger),
        "--tag",
        "spring",
        "--status",
        "standby",
        base_url=base_url,
        stdin=text,
    )
    assert run.status == 0, run
    assert [entry["outcome"] for entry in ledger_lines(ledger)] == ["registered"] * 5
    assert state.registered_codes == codes
    body = json.loads(state.requests[-1].body)
    assert body["tags"] == ["spring"]
    assert body["status"] == "standby"


async def test_interrupted_register_resumes_and_registers_every_code_once(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    valid = [registration_code(n) for n in range(1, 1201)]
    invalid = [corrupt(registration_code(n)) for n in range(5000, 5010)]
    file = codes_file(tmp_path, valid[:600] + invalid + valid[600:])
    ledger = tmp_path / "codes.txt.ledger.jsonl"

    state.latency = 0.05
    process = await start(
        "register", str(file), "--chunk-size", "40", "--concurrency", "2", base_url=base_url
    )
    # Kill it (no chance to clean up) once a few chunks have been recorded.
    for _ in range(400):
        await asyncio.sleep(0.02)
        if ledger.exists() and ledger.read_text().count('"registered"') >= 120:
            break
    process.kill()
    await process.communicate()
    assert process.returncode != 0
    recorded = {entry["code"]: entry["outcome"] for entry in ledger_lines(ledger)}
    assert list(recorded.values()).count("registered") < len(valid), "killed too late"

    state.latency = 0.0
    run = await cli("register", str(file), "--chunk-size", "40", base_url=base_url)

    assert run.status == ExitCode.PARTIAL, run  # the invalid codes
    assert "resuming from" in run.stdout
    assert len(state.registered_codes) == len(set(state.registered_codes))
    assert sorted(state.registered_codes) == sorted(valid)
    final = ledger_lines(ledger)
    assert len(final) == len(valid) + len(invalid)
    outcomes = {entry["code"]: entry["outcome"] for entry in final}
    assert {outcomes[code] for code in valid} == {"registered"}
    assert {outcomes[code] for code in invalid} == {"failed"}


async def test_resume_credits_codes_an_interrupted_run_registered(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(1, 51)]
    file = codes_file(tmp_path, codes)
    # An earlier run sent codes[:30]; the server registered the first 20; then it was killed
    # before recording any answer, and in the middle of writing a line.
    await session.sim_cards.register(codes[:20])
    state.registered_codes.clear()
    sent = [
        json.dumps({"code": code, "outcome": "unknown", "sent": True, "reason": "sent", "at": ""})
        for code in codes[:30]
    ]
    ledger = tmp_path / "codes.txt.ledger.jsonl"
    ledger.write_text("\n".join(sent) + '\n{"code":"00000')

    run = await cli("register", str(file), base_url=base_url)

    assert run.status == 0, run
    assert "20 of them by an earlier, interrupted run" in run.stdout
    final = {entry["code"]: entry for entry in ledger_lines(ledger)}
    assert len(final) == 50
    assert all(final[code]["outcome"] == "registered" for code in codes)
    assert [code for code in codes if final[code].get("earlier_run")] == codes[:20]
    assert sorted(state.registered_codes) == codes[20:]


async def test_register_marks_codes_found_registered_on_a_retry(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(1, 11)]
    for code in codes[:4]:
        state.inventory.register(code)  # by someone else, before this run
    file = codes_file(tmp_path, codes)
    # The first answer is a 503: the retry cannot tell those four from its own lost success.
    state.add_fault(Fault(status=503, method="POST", headers={"Retry-After": "0"}))

    run = await cli("register", str(file), base_url=base_url)

    # Registered, but not confirmed as this run's doing: not a success.
    assert run.status == ExitCode.PARTIAL, run
    assert "4 found already registered on a retry, perhaps before this run" in run.stdout
    final = {entry["code"]: entry for entry in ledger_lines(tmp_path / "codes.txt.ledger.jsonl")}
    assert all(final[code]["outcome"] == "registered" for code in codes)
    assert [code for code in codes if final[code].get("on_retry")] == codes[:4]


async def test_register_stops_when_the_api_refuses_whole_requests(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    codes = [registration_code(n) for n in range(1, 101)]
    file = codes_file(tmp_path, codes)
    state.add_fault(Fault(status=403, method="POST", path="/actions/register/sim_cards", times=99))

    run = await cli("register", str(file), "--chunk-size", "10", base_url=base_url)

    line = assert_one_error_line(run, ExitCode.API)
    assert "may not do this" in line
    assert "HTTP 403" in line
    assert len(registrations(state)) < 10  # it stopped, rather than send every chunk
    state.clear_faults()
    again = await cli("register", str(file), "--chunk-size", "10", base_url=base_url)
    # Codes refused with their whole request are sent again.
    assert again.status == 0, again
    assert sorted(state.registered_codes) == codes


async def test_register_resends_codes_of_a_request_refused_with_a_pointer_past_the_chunk(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    # An error pointing at no code of the chunk refuses the request, not its codes.
    codes = [registration_code(n) for n in range(1, 7)]
    file = codes_file(tmp_path, codes)
    error = {
        "code": "10015",
        "title": "Bad Request",
        "source": {"pointer": "/registration_codes/9"},
    }
    state.add_fault(Fault(status=422, method="POST", body={"errors": [error]}))
    options = ("--chunk-size", "3", "--concurrency", "1")

    first = await cli("register", str(file), *options, base_url=base_url)
    again = await cli("register", str(file), *options, base_url=base_url)

    assert first.status == ExitCode.API, first
    assert again.status == 0, again
    assert sorted(state.registered_codes) == codes


# -- errors -------------------------------------------------------------------------------------


async def test_a_base_url_without_v2_gets_a_hint(base_url: str) -> None:
    # A child process: the API error's status comes through sys.exit.
    run = await cli_process("sims", base_url=base_url.removesuffix("/v2"))
    line = assert_one_error_line(run, ExitCode.API)
    assert "HTTP 404" in line
    assert "the API root ends in /v2" in line


async def test_wrong_api_key_is_an_api_error_and_the_key_is_never_printed(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    key = "KEY-wrong-and-secret-42"
    file = tmp_path / "codes.txt"
    file.write_text(registration_code(1) + "\n")
    sims = await cli("sims", base_url=base_url, api_key=key)
    register = await cli("register", str(file), "--api-key", key, base_url=base_url, api_key=None)
    for run in (sims, register):
        line = assert_one_error_line(run, ExitCode.API)
        assert "API key" in line
        assert key not in run.stdout + run.stderr
    assert not (tmp_path / "codes.txt.ledger.jsonl").exists()
    assert registrations(state) == []


async def test_unreachable_api_is_an_api_error() -> None:
    run = await cli("sims", "--base-url", "http://127.0.0.1:9/v2", "--timeout", "2")
    assert "127.0.0.1:9" in assert_one_error_line(run, ExitCode.API)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "empty.txt").write_text("# nothing here\n\n")
    (tmp_path / "bad.txt").write_text(f"{registration_code(1)}\n12345\n")
    bad_lines = [registration_code(1), *(f"bad{n}" for n in range(2, 9))]
    (tmp_path / "many_bad.txt").write_text("\n".join(bad_lines) + "\n")
    (tmp_path / "bad.csv").write_text("code,name\n12,a\n0000000018,b\nx,c\n")
    (tmp_path / "nocolumn.csv").write_text("name,iccid\nx,1\n")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "codes.txt").write_text(registration_code(1) + "\n")
    (tmp_path / "broken.jsonl").write_text("not json\n{}\n")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "required: COMMAND"),
        (["frobnicate"], "invalid choice"),
        (["sims", "--format", "xml"], "--format"),
        (["sims", "--page-size", "0"], "between 1 and 250"),
        (["--concurrency", "65", "sims"], "between 1 and 64"),
        (["sims", "--group", " "], "--group: must not be blank"),
        (["sims", "--status", "asleep"], "invalid status"),
        (["sims", "--timeout", "-1"], "seconds"),
        (["sims", "--output", "{dir}/no/such/dir/out.jsonl"], "cannot write"),
        (["register", "{dir}/missing.txt"], "cannot read"),
        (["register", "{dir}/empty.txt"], "no registration codes"),
        (["register", "{dir}/bad.txt"], "bad.txt:2: '12345'"),
        (
            ["register", "{dir}/many_bad.txt"],
            "many_bad.txt: 7 lines are not registration codes (10 digits): line 2: 'bad2';"
            " line 3: 'bad3'; line 4: 'bad4'; line 5: 'bad5'; line 6: 'bad6'; and 2 more",
        ),
        (["register", "{dir}/bad.csv"], "bad.csv: 2 lines are not registration codes"),
        (["register", "{dir}/nocolumn.csv"], "--column"),
        (["register", "{dir}/binary.txt"], "UTF-8"),
        (["register", "{dir}/codes.txt", "--ledger", "{dir}/broken.jsonl"], "broken.jsonl:1"),
        (["register", "-"], "--ledger"),
        (["register", "{dir}/codes.txt", "--chunk-size", "1001"], "between 1 and 1000"),
        (["emulator", "--port=0", "--size=100000001"], "--size: must be between 0 and 100000000"),
        (["emulator", "--port=0", "--size=-5"], "--size: must be between 0 and 100000000, got -5"),
        (["emulator", "--port=70000"], "--port: must be between 0 and 65535, got 70000"),
        (["emulator", "--port=0", "--latency=nan"], "--latency: must be zero or more"),
        (["emulator", "--port=0", "--latency=-1"], "--latency: must be zero or more"),
        (["emulator", "--port=0", "--seed=x"], "--seed: invalid int value: 'x'"),
    ],
)
async def test_usage_errors_are_one_line_and_exit_2(
    files: Path, args: Sequence[str], message: str
) -> None:
    run = await cli(*(arg.format(dir=files) for arg in args), stdin="")
    line = assert_one_error_line(run, ExitCode.USAGE)
    assert message in line
    assert run.stdout == ""


async def test_a_usage_error_is_one_line_and_exit_2_from_a_child_process(files: Path) -> None:
    # As the cases above, but through the interpreter: argparse's exit and one of our own.
    for args, message in [
        (["sims", "--page-size", "0"], "between 1 and 250"),
        (["register", str(files / "empty.txt")], "no registration codes"),
    ]:
        run = await cli_process(*args, stdin="")
        assert message in assert_one_error_line(run, ExitCode.USAGE)
        assert run.stdout == ""


async def test_no_api_key_is_a_usage_error(files: Path) -> None:
    run = await cli("register", str(files / "codes.txt"), api_key=None)
    assert "TELNYX_API_KEY" in assert_one_error_line(run, ExitCode.USAGE)


def test_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for status in ("0 ", "2 ", "3 ", "4 "):
        assert f"\n  {status}" in out


# -- emulator and demo --------------------------------------------------------------------------


async def test_demo_runs_and_says_what_happened() -> None:
    run = await cli("demo", "--size", "600", "--codes", "120", "--latency", "0", api_key=None)
    assert run.status == 0, run
    assert run.stderr == ""  # no progress bar off a terminal
    assert "codes registered" in run.stdout
    assert "codes refused: Invalid registration code" in run.stdout
    assert "SIM cards streamed" in run.stdout
    registered = next(line for line in run.lines if "codes registered" in line)
    assert registered.split()[-1] == "120"


async def test_demo_counts_in_words() -> None:
    run = await cli(
        "demo", "--size", "100", "--codes", "10", "--latency", "0", "--concurrency", "1",
        "--page-size", "250", api_key=None,
    )  # fmt: skip
    assert run.status == 0, run
    assert "1 request in flight" in run.stdout
    assert "1 page fetched ahead" in run.stdout
    assert "SIM cards streamed (1 page)" in run.stdout


async def test_emulator_command_serves_the_api() -> None:
    process = await start("emulator", "--port", "0", "--size", "25", api_key=None)
    try:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        url = first.decode().split()[-1]
        assert url.startswith("http://127.0.0.1:")
        run = await cli("sims", base_url=url, api_key="test-api-key")
        assert run.status == 0, run
        assert len(run.lines) == 25
    finally:
        process.terminate()
        await process.communicate()
    assert process.returncode == 0


# Both command lines that serve the emulator, as arguments after the interpreter.
EMULATOR_COMMANDS = {
    "telnyx-wireless emulator": ("-m", "telnyx_wireless_async", "emulator"),
    "python -m telnyx_wireless_async.testing": ("-m", "telnyx_wireless_async.testing"),
}


async def start_emulator(
    command: str, *args: str, api_key: str | None
) -> asyncio.subprocess.Process:
    """Start one of `EMULATOR_COMMANDS`, with ``TELNYX_API_KEY`` set to `api_key` unless None."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *EMULATOR_COMMANDS[command],
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=child_env(None, api_key),
    )


async def status_with_key(url: str, key: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{url}/sim_cards", headers={"Authorization": f"Bearer {key}"}) as response,
    ):
        return response.status


@pytest.mark.parametrize("command", EMULATOR_COMMANDS)
@pytest.mark.parametrize(
    ("flag", "environment", "accepted", "source"),
    [
        pytest.param(
            None, None, "test-api-key", "API key: test-api-key (the default", id="default"
        ),
        pytest.param(
            None, "env-secret-1", "env-secret-1", "API key: the key in $TELNYX_API_KEY", id="env"
        ),
        pytest.param(
            "flag-secret-2",
            "env-secret-1",
            "flag-secret-2",
            "API key: the key given by --api-key",
            id="flag",
        ),
        pytest.param(
            "", "env-secret-1", "env-secret-1", "API key: the key in $TELNYX_API_KEY", id="blank"
        ),
    ],
)
async def test_both_emulator_commands_take_the_same_key_and_say_whence(
    command: str, flag: str | None, environment: str | None, accepted: str, source: str
) -> None:
    options = ("--port=0", "--size=3") + (() if flag is None else (f"--api-key={flag}",))
    process = await start_emulator(command, *options, api_key=environment)
    try:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        url = first.decode().split()[-1]
        assert await status_with_key(url, accepted) == 200
        for other in {"test-api-key", "env-secret-1", "flag-secret-2"} - {accepted}:
            assert await status_with_key(url, other) == 401
    finally:
        process.terminate()
        rest, errors = await process.communicate()
    assert process.returncode == 0, errors
    assert source in rest.decode().splitlines()[-1]
    output = first + rest + errors
    assert b"env-secret-1" not in output
    assert b"flag-secret-2" not in output


@pytest.mark.parametrize(
    ("command", "prog"),
    [
        ("telnyx-wireless emulator", "telnyx-wireless"),
        ("python -m telnyx_wireless_async.testing", "python -m telnyx_wireless_async.testing"),
    ],
)
async def test_a_busy_port_is_one_line_naming_it_and_exit_2(command: str, prog: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await start_emulator(command, f"--port={port}", api_key=None)
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == ExitCode.USAGE, err
    assert out == b""
    [line] = err.decode().splitlines()
    assert line.startswith(f"{prog}: error: cannot listen on 127.0.0.1:{port}: "), line


@pytest.mark.parametrize("command", EMULATOR_COMMANDS)
async def test_both_emulator_commands_inject_faults(command: str) -> None:
    options = ("--port=0", "--size=3", "--error-rate=1", "--error-statuses=418")
    process = await start_emulator(command, *options, api_key=None)
    try:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert await status_with_key(first.decode().split()[-1], "test-api-key") == 418
    finally:
        process.terminate()
        await process.communicate()
    assert process.returncode == 0


@pytest.mark.parametrize(
    "mistake",
    [
        "--port=70000",
        "--size=-5",
        "--latency=nan",
        "--latency=inf",
        "--max-codes-per-request=0",
        "--error-rate=1.5",
        "--error-statuses=200",
        "--retry-after=-3",
        "--rate-limit=0",
        "--rate-limit-window=0",
    ],
)
def test_both_emulator_commands_refuse_a_bad_option_in_the_same_words(
    capsys: pytest.CaptureFixture[str], mistake: str
) -> None:
    def refusal(run: Callable[[list[str]], int], argv: list[str], prog: str) -> str:
        with pytest.raises(SystemExit) as exit_info:
            run(argv)
        assert exit_info.value.code == ExitCode.USAGE
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(f"{prog}: error: argument "), line
        return line.removeprefix(f"{prog}: error: ").partition(" (see ")[0]

    ours = refusal(main, ["emulator", "--port=0", mistake], "telnyx-wireless")
    theirs = refusal(
        serve_emulator, ["--port=0", mistake], "python -m telnyx_wireless_async.testing"
    )
    assert ours == theirs
    assert mistake.partition("=")[2] in ours


def test_emulator_fault_rates_over_1_are_a_usage_error() -> None:
    from telnyx_wireless_async.cli._emulator import run

    args = build_parser().parse_args(
        ["emulator", "--port=0", "--drop-before-rate=0.6", "--drop-after-rate=0.6"]
    )
    with pytest.raises(UsageError, match=r"add up to 1\.2;"):
        run(args)


def test_building_the_parser_leaves_aiohttp_unloaded() -> None:
    # Every command line pays for what the parser imports; only `emulator` serves with aiohttp.
    code = (
        "import sys; from telnyx_wireless_async.cli._parser import build_parser; build_parser(); "
        "print(sorted(name for name in sys.modules if name.startswith('aiohttp')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- the pieces, in process ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "highest"),
    [
        (["sims", "--page-size"], MAX_PAGE_SIZE),
        (["sims", "--concurrency"], MAX_CONCURRENCY),
        (["register", "codes.txt", "--chunk-size"], MAX_CHUNK_SIZE),
    ],
)
def test_options_take_what_the_sdk_takes(
    capsys: pytest.CaptureFixture[str], argv: list[str], highest: int
) -> None:
    parser = build_parser()
    assert highest in vars(parser.parse_args([*argv, str(highest)])).values()
    for refused in (0, highest + 1):
        with pytest.raises(SystemExit):
            parser.parse_args([*argv, str(refused)])
        assert f"must be between 1 and {highest}, got {refused}" in capsys.readouterr().err
    statuses = parser.parse_args(["sims", *(f"--status={s.value}" for s in SimCardStatusFilter)])
    assert statuses.statuses == list(SimCardStatusFilter)


def test_read_codes_plain_and_csv(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("\ufeff# comment\n0000000018\n\n  0000000026  \n")
    assert read_codes(str(plain)).codes == ("0000000018", "0000000026")
    headed = tmp_path / "headed.csv"
    headed.write_text("iccid,Registration_Code\n89,0000000018\n89,\n")
    assert read_codes(str(headed)).codes == ("0000000018",)
    single = tmp_path / "single.csv"
    single.write_text("code\n0000000018\n")
    assert read_codes(str(single)).column == "code"


def test_ledger_survives_a_line_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text(
        '{"code":"0000000018","outcome":"unknown","sent":true,"reason":"x","at":""}\n'
        '{"code":"0000000018","outcome":"registered","at":""}\n'
        '{"code":"00000000'
    )
    assert load_ledger(str(path))["0000000018"].outcome == "registered"
    file = LedgerFile(str(path))
    file.append([LedgerEntry(code="0000000026", outcome="registered", at="")])
    file.close()
    assert [line["code"] for line in ledger_lines(path)] == ["0000000018"] * 2 + ["0000000026"]
    path.write_text('not json\n{"code":"0000000018","outcome":"registered","at":""}\n')
    with pytest.raises(UsageError, match=r"ledger.jsonl:1"):
        load_ledger(str(path))


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_draws_only_on_a_terminal() -> None:
    ticks = iter(range(100))
    quiet, loud = FakeTerminal(tty=False), FakeTerminal(tty=True)
    for stream in (quiet, loud):
        bar = ProgressBar("registering", 200, unit="codes", stream=stream, clock=lambda: 0.0)
        bar.update(100, 200)
        bar.close()
    assert quiet.getvalue() == ""
    assert "100/200 codes" in loud.getvalue()
    assert loud.getvalue().endswith("\n")
    bar = ProgressBar("x", 10, unit="codes", enabled=True, clock=lambda: float(next(ticks)))
    line = bar.render(now=2.0, columns=80)
    assert line.startswith("x [")
    assert len(line) <= 80


async def test_card_to_json_matches_the_wire(session: AsyncSession) -> None:
    page = await session.sim_cards.list(page_size=1)
    record = card_to_json(page.data[0])
    assert json.loads(json.dumps(record)) == record
    assert isinstance(record["tags"], list)
    assert record["updated_at"].endswith("Z")
