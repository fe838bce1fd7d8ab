"""``telnyx-wireless enable|disable|standby`` against the emulator, in this process.

The emulator's actions run on a `FakeClock` that moves a little with every request it
reads, so an action takes "five seconds" measured in requests, whatever the machine's
speed; the command polls every millisecond (``--poll-interval``), so nothing sleeps long.
What is asserted is what the emulator saw (requests, final card states) and what the
command wrote (outcomes, ledger, exit status).
"""

from __future__ import annotations

import asyncio
import collections
import io
import json
import os
import signal
import sys
import uuid
from pathlib import Path

import pytest

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.cli import ExitCode
from telnyx_wireless_async.cli._bulk_actions import TwoPhaseProgress
from telnyx_wireless_async.testing import EmulatorState

from .conftest import API_KEY, FakeClock
from .test_cli import Run, child_env, cli, start

LOST = "lost"  # in no synthetic card's tag pool
FAST = ("--poll-interval", "0.001")
DATA_LIMIT_REASON = "The data limit was exceeded."


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock(tick=1.0)


@pytest.fixture
def state(fake: FakeClock) -> EmulatorState:
    """300 cards whose actions take five seconds of a clock that requests move."""
    return EmulatorState(
        api_key=API_KEY, inventory_size=300, seed=7, clock=fake, action_duration=5.0
    )


def cards_in(state: EmulatorState, status: str, count: int) -> list[str]:
    """Ids of `count` cards in `status` (an unauthorized IMEI would fail their actions)."""
    inventory = state.inventory
    found = [
        inventory.card_id(i)
        for i in range(inventory.size)
        if inventory.status_of(i) == status and not inventory.is_imei_unauthorized(i)
    ]
    assert len(found) >= count
    return found[:count]


def tag(state: EmulatorState, ids: list[str]) -> None:
    for card_id in ids:
        index = state.inventory.index_of(card_id)
        assert index is not None
        state.inventory.change(index, tags=[LOST])


def status_of(state: EmulatorState, card_id: str) -> str:
    index = state.inventory.index_of(card_id)
    assert index is not None
    state.settle()
    return state.inventory.status_of(index)


def posts(state: EmulatorState) -> list[str]:
    """The card ids actions were started on, in order."""
    return [
        r.path.split("/")[3] for r in state.requests if r.method == "POST" and "/actions/" in r.path
    ]


def rows(run: Run) -> dict[str, dict[str, object]]:
    return {row["sim_card_id"]: row for row in map(json.loads, run.lines)}


def ledger_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids_args(ids: list[str]) -> list[str]:
    return [arg for card_id in ids for arg in ("--id", card_id)]


# -- selection by ID ---------------------------------------------------------------------------


async def test_disable_by_id_waits_for_each_action(base_url: str, state: EmulatorState) -> None:
    ids = cards_in(state, "enabled", 3)
    run = await cli("disable", *ids_args(ids), *FAST, base_url=base_url)

    assert run.status == ExitCode.OK, run
    outcomes = rows(run)
    assert list(outcomes) == ids
    assert {row["outcome"] for row in outcomes.values()} == {"completed"}
    assert all(row["action_id"] and row["status"] == "completed" for row in outcomes.values())
    assert [status_of(state, card_id) for card_id in ids] == ["disabled"] * 3
    assert posts(state) == ids
    assert "disable: 3 SIM cards selected by ID" in run.stderr
    assert "completed" in run.stderr


async def test_ids_file_with_comments_repeats_and_a_default_ledger(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "disabled", 4)
    file = tmp_path / "ids.txt"
    file.write_text("# the spares\n" + "\n".join(ids) + f"\n\n{ids[0].upper()}\n")

    run = await cli("enable", "--ids-file", str(file), *FAST, base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert list(rows(run)) == ids
    assert "(and 1 repeated ID, skipped)" in run.stderr
    ledger = tmp_path / "ids.txt.enable.ledger.jsonl"
    lines = ledger_lines(ledger)
    assert [line["sim_card_id"] for line in lines] == ids
    assert {line["outcome"] for line in lines} == {"completed"}
    assert {line["action"] for line in lines} == {"enable"}
    assert [status_of(state, card_id) for card_id in ids] == ["enabled"] * 4


async def test_ids_from_standard_input_need_a_ledger_only_if_asked(
    base_url: str, state: EmulatorState
) -> None:
    ids = cards_in(state, "enabled", 2)
    run = await cli(
        "standby", "--ids-file", "-", *FAST, base_url=base_url, stdin="\n".join(ids) + "\n"
    )
    assert run.status == ExitCode.OK, run
    assert [row["outcome"] for row in rows(run).values()] == ["completed"] * 2
    assert [status_of(state, card_id) for card_id in ids] == ["standby"] * 2


async def test_a_card_in_data_limit_exceeded_fails_with_the_reason_and_exit_4(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    good = cards_in(state, "enabled", 2)
    bad = cards_in(state, "data_limit_exceeded", 1)
    ledger = tmp_path / "ledger.jsonl"
    args = ("disable", *ids_args(good + bad), "--ledger", str(ledger), *FAST)

    run = await cli(*args, base_url=base_url)

    assert run.status == ExitCode.PARTIAL, run
    outcomes = rows(run)
    assert outcomes[bad[0]]["outcome"] == "failed"
    assert outcomes[bad[0]]["reason"] == DATA_LIMIT_REASON
    assert outcomes[bad[0]]["permanent"] is True
    assert [outcomes[card_id]["outcome"] for card_id in good] == ["completed"] * 2
    assert f"{DATA_LIMIT_REASON}: 1" in run.stderr

    # A rerun sends nothing: the failure is settled, unless --retry-failed.
    sent = len(posts(state))
    again = await cli(*args, base_url=base_url)
    assert again.status == ExitCode.PARTIAL, again
    assert len(posts(state)) == sent
    assert "Nothing to send." in again.stderr

    retried = await cli(*args, "--retry-failed", base_url=base_url)
    assert retried.status == ExitCode.PARTIAL, retried
    assert posts(state)[sent:] == bad


async def test_a_card_already_in_the_target_state_is_already_not_failed(
    base_url: str, state: EmulatorState
) -> None:
    ids = cards_in(state, "disabled", 2)
    run = await cli("disable", *ids_args(ids), *FAST, base_url=base_url)
    assert run.status == ExitCode.OK, run
    assert {row["outcome"] for row in rows(run).values()} == {"already"}


# -- selection by filter -----------------------------------------------------------------------


async def test_filter_with_yes_acts_on_every_match_and_skips_those_already_there(
    base_url: str, state: EmulatorState
) -> None:
    enabled = cards_in(state, "enabled", 40)
    disabled = cards_in(state, "disabled", 5)
    tag(state, enabled + disabled)

    run = await cli("disable", "--tag", LOST, "--yes", "--page-size", "7", *FAST, base_url=base_url)

    assert run.status == ExitCode.OK, run
    outcomes = rows(run)
    assert {k for k, v in outcomes.items() if v["outcome"] == "completed"} == set(enabled)
    assert {k for k, v in outcomes.items() if v["outcome"] == "already"} == set(disabled)
    # Every match was read before any was acted on; those already there were not sent.
    assert sorted(posts(state)) == sorted(enabled)
    assert all(status_of(state, card_id) == "disabled" for card_id in enabled)
    assert "selected by filter" in run.stderr


async def test_filter_off_a_terminal_without_yes_is_refused_before_any_request(
    base_url: str, state: EmulatorState
) -> None:
    tag(state, cards_in(state, "enabled", 3))
    run = await cli("disable", "--tag", LOST, base_url=base_url)
    assert run.status == ExitCode.USAGE, run
    assert "needs --yes" in run.stderr
    assert state.requests == []


async def test_dry_run_by_filter_lists_what_would_change_and_sends_no_action(
    base_url: str, state: EmulatorState
) -> None:
    enabled = cards_in(state, "enabled", 6)
    standby = cards_in(state, "standby", 2)
    tag(state, enabled + standby)

    run = await cli("standby", "--tag", LOST, "--dry-run", base_url=base_url)

    assert run.status == ExitCode.OK, run
    outcomes = rows(run)
    assert {k for k, v in outcomes.items() if v["outcome"] == "would_act"} == set(enabled)
    assert {k for k, v in outcomes.items() if v["outcome"] == "already"} == set(standby)
    assert "dry run: would standby 6 SIM cards (2 standby already); nothing was sent" in (
        run.stderr
    )
    assert posts(state) == []
    assert all(r.method == "GET" for r in state.requests)
    assert [status_of(state, card_id) for card_id in enabled] == ["enabled"] * 6


async def test_a_group_filter_by_name_selects_that_groups_cards(
    base_url: str, state: EmulatorState
) -> None:
    group = state.inventory.create_group("Lost and found")
    moved = cards_in(state, "enabled", 3)
    for card_id in moved:
        index = state.inventory.index_of(card_id)
        assert index is not None
        state.inventory.change(index, sim_card_group_id=group["id"])

    run = await cli("disable", "--group", "Lost and found", "--dry-run", base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert {k for k, v in rows(run).items() if v["outcome"] == "would_act"} == set(moved)
    listed = [r for r in state.requests if r.path == "/v2/sim_cards"]
    assert ("filter[sim_card_group_id]", group["id"]) in listed[-1].query


async def test_dry_run_by_id_looks_each_card_up(base_url: str, state: EmulatorState) -> None:
    enabled = cards_in(state, "enabled", 2)
    enabled_already = cards_in(state, "disabled", 1)
    missing = str(uuid.UUID(int=12345))

    run = await cli(
        "enable", *ids_args([*enabled, *enabled_already, missing]), "-n", base_url=base_url
    )

    assert run.status == ExitCode.OK, run
    outcomes = {k: v["outcome"] for k, v in rows(run).items()}
    assert outcomes == {
        enabled[0]: "already",
        enabled[1]: "already",
        enabled_already[0]: "would_act",
        missing: "not_found",
    }
    assert posts(state) == []


# -- waiting or not, resuming ------------------------------------------------------------------


async def test_no_wait_lists_each_started_action_then_a_rerun_looks_them_up(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "enabled", 5)
    ledger = tmp_path / "ledger.jsonl"
    args = ("disable", *ids_args(ids), "--ledger", str(ledger), *FAST)

    run = await cli(*args, "--no-wait", base_url=base_url)

    assert run.status == ExitCode.OK, run
    outcomes = rows(run)
    assert {row["outcome"] for row in outcomes.values()} == {"started"}
    action_ids = {row["action_id"] for row in outcomes.values()}
    assert len(action_ids) == 5
    assert None not in action_ids
    assert "not waited for (--no-wait)" in run.stderr

    # Waiting now looks the recorded actions up: no action is started again.
    again = await cli(*args, base_url=base_url)
    assert again.status == ExitCode.OK, again
    assert {row["outcome"] for row in rows(again).values()} == {"completed"}
    assert {row["action_id"] for row in rows(again).values()} == action_ids
    assert posts(state) == ids
    assert "5 actions to look up, 0 to send" in again.stderr


async def test_rerun_after_an_interruption_does_only_what_remains(
    base_url: str, session: AsyncSession, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "enabled", 8)
    done, in_flight, started, rest = ids[0], ids[1], ids[2], ids[3:]
    # What a killed run left: one card completed, one sent with no answer recorded (the
    # server did act on it), one started with its action id, and a line cut short.
    await session.sim_cards.disable(in_flight)
    action = await session.sim_cards.disable(started)
    state.clock.advance(10)  # type: ignore[attr-defined]  # a FakeClock: both finish
    sent_before = len(posts(state))

    def line(card_id: str, outcome: str, **fields: object) -> str:
        record = {"sim_card_id": card_id, "action": "disable", "outcome": outcome, **fields}
        return json.dumps({**record, "at": ""})

    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(
        line(done, "completed", action_id=str(uuid.uuid4()))
        + "\n"
        + line(in_flight, "unknown", sent=True, reason="sent")
        + "\n"
        + line(started, "started", action_id=action.id)
        + "\n"
        + '{"sim_card_id":"'
        + rest[0][:10]
    )

    run = await cli("disable", *ids_args(ids), "--ledger", str(ledger), *FAST, base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert "resuming from" in run.stderr
    # Only the cards not settled were sent; the started one was looked up instead.
    assert posts(state)[sent_before:] == [in_flight, *rest]
    final = {line["sim_card_id"]: line for line in ledger_lines(ledger)}
    assert list(final) == ids
    assert final[done]["outcome"] == "completed"
    assert final[in_flight]["outcome"] == "already"
    assert final[started]["outcome"] == "completed"
    assert final[started]["action_id"] == action.id
    assert {final[card_id]["outcome"] for card_id in rest} == {"completed"}
    assert all(status_of(state, card_id) == "disabled" for card_id in ids[1:])


async def test_wait_timeout_leaves_cards_unknown_with_their_action(
    base_url: str, state: EmulatorState, fake: FakeClock
) -> None:
    fake.tick = 0.0  # time stands still: no action ever finishes
    ids = cards_in(state, "enabled", 2)
    run = await cli("disable", *ids_args(ids), "--wait-timeout", "0.01", *FAST, base_url=base_url)
    assert run.status == ExitCode.PARTIAL, run
    outcomes = rows(run)
    assert {row["outcome"] for row in outcomes.values()} == {"unknown"}
    assert all(row["action_id"] and row["status"] == "in-progress" for row in outcomes.values())
    assert "run the same command again to resume" in run.stderr


# -- errors ------------------------------------------------------------------------------------


async def test_a_refused_key_exits_3_and_never_prints_the_key(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "enabled", 2)
    ledger = tmp_path / "ledger.jsonl"
    wrong = "KEY-wrong-secret-0000"
    run = await cli(
        "disable", *ids_args(ids), "--ledger", str(ledger), base_url=base_url, api_key=wrong
    )
    assert run.status == ExitCode.API, run
    assert "refused the API key" in run.stderr
    assert wrong not in run.stdout + run.stderr
    assert posts(state) == []
    assert not ledger.exists()


async def test_the_key_reaches_no_output_and_no_ledger(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "enabled", 2) + cards_in(state, "data_limit_exceeded", 1)
    ledger = tmp_path / "ledger.jsonl"
    for fmt in ("jsonl", "csv", "table"):
        run = await cli(
            "disable",
            *ids_args(ids),
            "--ledger",
            str(ledger),
            "--retry-failed",
            "--format",
            fmt,
            "--debug",
            *FAST,
            base_url=base_url,
        )
        assert run.status == ExitCode.PARTIAL, run
        assert API_KEY not in run.stdout + run.stderr
    assert API_KEY not in ledger.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", LOST, "--id", str(uuid.UUID(int=1))], "not both"),
        ([], "no cards selected"),
        (["--id", "not-a-uuid"], "argument --id"),
        (["--ids-file", "/nonexistent/ids.txt"], "cannot read /nonexistent/ids.txt"),
        (["--status", "sleeping", "--yes"], "invalid status 'sleeping'"),
        (["--wait-timeout", "0", "--id", str(uuid.UUID(int=1))], "argument --wait-timeout"),
    ],
)
async def test_usage_errors_exit_2_before_any_request(
    base_url: str, state: EmulatorState, args: list[str], message: str
) -> None:
    run = await cli("disable", *args, base_url=base_url)
    assert run.status == ExitCode.USAGE, run
    assert message in run.stderr
    assert state.requests == []


async def test_a_bad_line_in_the_ids_file_is_named(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    file = tmp_path / "ids.txt"
    file.write_text(f"{uuid.UUID(int=1)}\nKEY-oops\n")
    run = await cli("enable", "--ids-file", str(file), base_url=base_url)
    assert run.status == ExitCode.USAGE, run
    assert f"{file}:2: not a SIM card ID: 'KEY-oops'" in run.stderr
    assert state.requests == []


async def test_a_ledger_of_another_action_is_refused(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "disabled", 1)
    ledger = tmp_path / "ledger.jsonl"
    first = await cli("enable", *ids_args(ids), "--ledger", str(ledger), *FAST, base_url=base_url)
    assert first.status == ExitCode.OK, first
    before = len(state.requests)
    run = await cli("disable", *ids_args(ids), "--ledger", str(ledger), base_url=base_url)
    assert run.status == ExitCode.USAGE, run
    assert "records the enable action, not disable" in run.stderr
    assert len(state.requests) == before


async def test_a_register_ledger_is_not_taken_for_an_action_ledger(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text('{"code":"0000000018","outcome":"registered","at":""}\n')
    run = await cli(
        "disable", "--id", str(uuid.UUID(int=1)), "--ledger", str(ledger), base_url=base_url
    )
    assert run.status == ExitCode.USAGE, run
    assert "written by telnyx-wireless enable, disable or standby" in run.stderr


async def test_help_names_every_option() -> None:
    run = await cli("disable", "--help")
    assert run.status == 0
    for option in (
        "--id",
        "--ids-file",
        "--tag",
        "--status",
        "--dry-run",
        "--yes",
        "--no-wait",
        "--wait-timeout",
        "--ledger",
        "--retry-failed",
        "--format",
        "--concurrency",
    ):
        assert option in run.stdout


def test_progress_shows_starting_then_waiting() -> None:
    stream = io.StringIO()
    progress = TwoPhaseProgress("disable", 2, wait=True, stream=stream, enabled=True)
    progress.answered(1)
    progress.answered(2)
    progress.done(2, 2)
    progress.close()
    text = stream.getvalue()
    assert "disable: starting" in text
    assert "disable: waiting" in text


# -- as a process: a terminal, an interruption -------------------------------------------------


async def _read_all(master: int, seen: bytearray, until: bytes | None = None) -> None:
    """Read the terminal's output into `seen` until `until` shows, or the child closes it."""
    while until is None or until not in seen:
        try:
            chunk = await asyncio.wait_for(asyncio.to_thread(os.read, master, 4096), 60)
        except OSError:  # EIO: every process holding the terminal has ended
            return
        if not chunk:
            return
        seen.extend(chunk)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("answer", "status"), [("y", ExitCode.OK), ("n", ExitCode.USAGE)])
async def test_filter_on_a_terminal_asks_before_acting(
    base_url: str, state: EmulatorState, answer: str, status: int
) -> None:
    import pty

    ids = cards_in(state, "enabled", 3)
    tag(state, ids + cards_in(state, "disabled", 1))
    master, slave = pty.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "telnyx_wireless_async",
            "disable",
            "--tag",
            LOST,
            *FAST,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env(base_url, API_KEY),
        )
        os.close(slave)
        seen = bytearray()
        await _read_all(master, seen, until=b"[y/N] ")
        assert b"disable 3 SIM cards (1 disabled already)? [y/N] " in seen
        assert posts(state) == []
        os.write(master, answer.encode() + b"\n")
        await _read_all(master, seen)
        assert await asyncio.wait_for(process.wait(), 60) == status, seen.decode()
    finally:
        os.close(master)
    if answer == "y":
        assert sorted(posts(state)) == sorted(ids)
        assert b"SIM CARD ID" in seen  # a table on a terminal
    else:
        assert posts(state) == []
        assert b"not confirmed; nothing was sent" in seen


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGINT to send")
async def test_interrupted_run_keeps_its_ledger_and_a_rerun_finishes(
    base_url: str, state: EmulatorState, tmp_path: Path
) -> None:
    ids = cards_in(state, "enabled", 100)
    file = tmp_path / "ids.txt"
    file.write_text("\n".join(ids) + "\n")
    ledger = tmp_path / "ids.txt.disable.ledger.jsonl"
    state.latency = 0.02
    process = await start(
        "disable", "--ids-file", str(file), "--concurrency", "2", *FAST, base_url=base_url
    )
    for _ in range(500):
        await asyncio.sleep(0.02)
        if ledger.exists() and ledger.read_text().count('"started"') >= 10:
            break
    process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == ExitCode.INTERRUPTED, err
    assert b"records what was done: run the same command again to resume" in err
    latest = {str(line["sim_card_id"]): line["outcome"] for line in ledger_lines(ledger)}
    assert 10 <= len(latest) < len(ids), "interrupted too late"
    started_before = {card_id for card_id, outcome in latest.items() if outcome == "started"}
    assert started_before

    state.latency = 0.0
    run = await cli("disable", "--ids-file", str(file), *FAST, base_url=base_url)

    assert run.status == ExitCode.OK, run
    assert "resuming from" in run.stderr
    final = ledger_lines(ledger)
    assert [line["sim_card_id"] for line in final] == ids
    assert {line["outcome"] for line in final} <= {"completed", "already"}
    assert all(status_of(state, card_id) == "disabled" for card_id in ids)
    # The cards recorded started were looked up, not sent again.
    times_sent = collections.Counter(posts(state))
    assert {times_sent[card_id] for card_id in started_before} == {1}
    assert set(times_sent) == set(ids)
