"""``telnyx-wireless register``: register the cards behind a file of codes, resumably.

Resuming rests on the ledger (see `_ledger_file`). A run sends every code of the file except
those the ledger settles: registered, or refused by the API for that code (unless
``--retry-failed``). Codes the ledger has as unknown are sent again. If the API then answers
"already registered" for a code an earlier run had sent without recording the answer, that
earlier run registered it: the code is recorded as registered, marked ``earlier_run``.
The API never registers a code twice, so resending cannot double-register. One run at a
time: a second run on a ledger in use stops before it reads it (see `LedgerFile`).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import time
from collections.abc import Mapping, Sequence

from attrs import frozen

from telnyx_wireless_async import (
    AsyncSession,
    RegistrationFailure,
    RegistrationLedger,
    RegistrationResult,
)
from telnyx_wireless_async._registration import is_already_registered, points_at_a_code
from telnyx_wireless_async.cli._codes_file import read_codes
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._groups import resolve_group_id
from telnyx_wireless_async.cli._ledger_file import LedgerEntry, LedgerFile, now
from telnyx_wireless_async.cli._progress import ProgressBar
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.cli._wording import plural
from telnyx_wireless_async.errors import APIConnectionError, APIStatusError

__all__ = ["IN_FLIGHT_REASON", "Plan", "RecordingLedger", "make_plan", "run"]

IN_FLIGHT_REASON = "sent, but the run stopped before its answer was recorded"


@frozen(kw_only=True)
class Plan:
    """What a run will send, given the file and what the ledger already records.

    Attributes:
        codes: The file's unique codes, in file order.
        repeats: How many lines repeated an earlier code.
        to_send: The codes to send.
        settled: The codes not to send, with their ledger entry.
        resent: Codes an earlier run sent without recording the answer.
        resumed: Whether the ledger recorded any of the codes before this run.
    """

    codes: tuple[str, ...]
    repeats: int
    to_send: tuple[str, ...]
    settled: Mapping[str, LedgerEntry]
    resent: frozenset[str]
    resumed: bool


def make_plan(
    codes: Sequence[str], ledger: Mapping[str, LedgerEntry], *, retry_failed: bool
) -> Plan:
    """Decide which codes to send, resuming from `ledger`."""
    unique = tuple(dict.fromkeys(codes))
    settled: dict[str, LedgerEntry] = {}
    for code in unique:
        entry = ledger.get(code)
        if entry is None:
            continue
        if entry.outcome == "registered" or (
            entry.outcome == "failed" and entry.permanent and not retry_failed
        ):
            settled[code] = entry
    resent = frozenset(
        code
        for code in unique
        if code not in settled
        and (entry := ledger.get(code)) is not None
        and entry.outcome == "unknown"
        and entry.sent
    )
    return Plan(
        codes=unique,
        repeats=len(codes) - len(unique),
        to_send=tuple(code for code in unique if code not in settled),
        settled=settled,
        resent=resent,
        resumed=any(code in ledger for code in unique),
    )


def _failure_entry(
    failure: RegistrationFailure, chunk_size: int, resent: frozenset[str], at: str
) -> LedgerEntry:
    """Return the entry of a refused code; refused with its whole request, it is sent again."""
    code, error = failure.registration_code, failure.error
    detail = {"code": error.code, "title": error.title, "detail": error.detail}
    if not points_at_a_code(error, chunk_size):
        return LedgerEntry(code=code, outcome="failed", error=detail, at=at)
    if code in resent and is_already_registered(error):
        return LedgerEntry(code=code, outcome="registered", earlier_run=True, at=at)
    return LedgerEntry(code=code, outcome="failed", permanent=True, error=detail, at=at)


class RecordingLedger(RegistrationLedger):
    """Writes each code to the ledger file just before it is sent, and again on its answer."""

    def __init__(self, file: LedgerFile, *, resent: frozenset[str]) -> None:
        super().__init__()
        self._file = file
        self._resent = resent
        self.entries: dict[str, LedgerEntry] = {}
        """Every entry written, latest per code."""

    def _write(self, entries: list[LedgerEntry]) -> None:
        self._file.append(entries)
        self.entries.update((entry.code, entry) for entry in entries)

    def mark_sent(self, chunk: Sequence[str]) -> None:
        """Record the chunk as sent with no answer yet, before it is sent."""
        at = now()
        self._write(
            [LedgerEntry(code=c, outcome="unknown", reason=IN_FLIGHT_REASON, at=at) for c in chunk]
        )
        super().mark_sent(chunk)

    def record(self, chunk: Sequence[str], outcome: RegistrationResult) -> None:
        """Record the chunk's answer."""
        super().record(chunk, outcome)
        at = now()
        on_retry = set(outcome.already_registered_on_retry)
        entries = [
            LedgerEntry(code=c, outcome="registered", on_retry=c in on_retry, at=at)
            for c in outcome.registered_codes
        ]
        entries.extend(
            _failure_entry(failure, len(chunk), self._resent, at) for failure in outcome.failed
        )
        entries.extend(
            LedgerEntry(
                code=u.registration_code, outcome="unknown", reason=u.reason, sent=u.sent, at=at
            )
            for u in outcome.unknown
        )
        self._write(entries)


async def _register(
    session: AsyncSession,
    codes: Sequence[str],
    args: argparse.Namespace,
    ledger: RecordingLedger,
    bar: ProgressBar,
) -> None:
    async with session:
        # One cheap request first: a bad key or URL then fails before a single code is sent.
        await session.sim_cards.list(page_size=1)
        group_id = None
        if args.group is not None:
            group_id = await resolve_group_id(session, args.group, option="--group")
        # Every option was checked by the parser, and every code by `read_codes`.
        await session.sim_cards.register(
            codes,
            sim_card_group_id=group_id,
            tags=args.tags,
            status=args.status,
            chunk_size=args.chunk_size,
            concurrency=args.concurrency,
            on_progress=bar.update,
            ledger=ledger,
        )


def _ledger_path(args: argparse.Namespace) -> str:
    if args.ledger is not None:
        path = str(args.ledger)
        if args.file != "-" and _same_file(args.file, path):
            # Opening it as the ledger would cut its last line and rewrite it as JSON Lines.
            raise UsageError(
                f"--ledger {path} is the codes file {args.file}; name another file for the ledger"
            )
        return path
    if args.file == "-":
        raise UsageError("reading codes from standard input needs --ledger FILE")
    return f"{args.file}.ledger.jsonl"


def _same_file(first: str, second: str) -> bool:
    """Tell whether two paths name one file: the same spelling, a symlink or a hard link."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one is missing (so not the other), or cannot be looked at
        return os.path.abspath(first) == os.path.abspath(second)


def _summary(
    plan: Plan,
    sent: Sequence[LedgerEntry],
    final: Sequence[LedgerEntry],
    seconds: float,
    ledger_path: str,
) -> list[str]:
    """Say what this run did and, when it resumed an earlier one, where the file stands."""
    this_run = collections.Counter[str](entry.outcome for entry in sent)
    in_all = collections.Counter[str](entry.outcome for entry in final)
    resumed = plan.resumed
    lines = []
    if resumed:
        lines.append(
            f"resuming from {ledger_path}: {len(plan.settled):,} settled already, "
            f"{len(plan.to_send):,} to send"
        )
    lines.append(f"  {'':<12}{'this run':>9}" + (f"{'in all':>9}" if resumed else ""))

    earlier = sum(1 for entry in sent if entry.earlier_run)
    on_retry = sum(1 for entry in sent if entry.on_retry)
    registered_notes = [
        f"{earlier:,} of them by an earlier, interrupted run" if earlier else "",
        f"{on_retry:,} found already registered on a retry, perhaps before this run"
        " (see on_retry in the ledger)"
        if on_retry
        else "",
    ]
    # The API's error titles, or whatever a ledger file says they were.
    reasons = collections.Counter(
        printable(str((entry.error or {}).get("title") or "?"))
        for entry in final
        if entry.outcome == "failed"
    )
    notes = {
        "registered": "; ".join(note for note in registered_notes if note),
        "failed": ", ".join(f"{title}: {count:,}" for title, count in reasons.most_common(3))
        + (", ..." if len(reasons) > 3 else ""),
        "unknown": "run the same command again to resume" if in_all["unknown"] else "",
    }
    for outcome, note in notes.items():
        row = f"  {outcome:<12}{this_run[outcome]:>9,}"
        row += f"{in_all[outcome]:>9,}" if resumed else ""
        lines.append(f"{row}   {note}".rstrip())
    if sent:
        rate = len(sent) / seconds if seconds > 0 else 0.0
        done = f"Sent {plural(len(sent), 'code')} in {seconds:.2f} s ({rate:,.0f} codes/s)."
    else:
        done = "Nothing to send: the ledger settles every code."
    lines.append(f"{done} Ledger: {ledger_path}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Register the codes in ``args.file``, resuming from the ledger; return the exit status."""
    ledger_path = _ledger_path(args)
    codes_file = read_codes(args.file, column=args.column)
    # Locked from before it is read until the end: another run on it stops at once.
    file = LedgerFile(ledger_path)
    ledger: RecordingLedger | None = None
    try:
        plan = make_plan(codes_file.codes, file.recorded, retry_failed=args.retry_failed)
        session = open_session(args) if plan.to_send else None
        ledger = RecordingLedger(file, resent=plan.resent)
        return _run(args, plan, session, file, ledger)
    finally:
        # A ledger this run created and recorded nothing in would only puzzle the next run.
        file.close(remove=file.created and (ledger is None or not ledger.entries))


def _run(
    args: argparse.Namespace,
    plan: Plan,
    session: AsyncSession | None,
    file: LedgerFile,
    ledger: RecordingLedger,
) -> int:
    """Send the codes of `plan`, rewrite the ledger, and print the summary."""
    bar = ProgressBar("registering", len(plan.to_send), unit="codes")
    start = time.perf_counter()
    refused: APIStatusError | APIConnectionError | None = None
    interrupted = False
    try:
        if session is not None:
            asyncio.run(_register(session, plan.to_send, args, ledger, bar))
    except (APIStatusError, APIConnectionError) as exc:
        if not ledger.entries:
            raise
        # The API refused a request as a whole, or could not be reached: the SDK sent no
        # more chunks, and the ledger and the summary say what became of those it sent.
        refused = exc
    except KeyboardInterrupt:
        if not ledger.entries:
            raise
        interrupted = True
    finally:
        seconds = time.perf_counter() - start
        bar.close()
    # A file name may hold control characters too.
    ledger_path = printable(file.path)
    if interrupted:
        sys.stderr.write(
            f"telnyx-wireless: interrupted; {ledger_path} records what was done: "
            "run the same command again to resume\n"
        )
        return ExitCode.INTERRUPTED

    final = {**file.recorded, **ledger.entries}
    in_file = [final[code] for code in plan.codes if code in final]
    listed = set(plan.codes)
    file.rewrite(in_file + [entry for code, entry in final.items() if code not in listed])

    sent = [ledger.entries[code] for code in plan.to_send if code in ledger.entries]
    source = "standard input" if args.file == "-" else printable(args.file)
    repeats = f" (and {plural(plan.repeats, 'repeated line')}, skipped)" if plan.repeats else ""
    print(f"{source}: {plural(len(plan.codes), 'registration code')}{repeats}")
    for line in _summary(plan, sent, in_file, seconds, ledger_path):
        print(line)
    if refused is not None:
        raise refused  # after the summary: the command line says what the API refused
    # A code found already registered on a retry may have been registered before the
    # run, by anyone: registered, but not confirmed as this tool's doing.
    confirmed = sum(1 for entry in in_file if entry.outcome == "registered" and not entry.on_retry)
    return ExitCode.OK if confirmed == len(plan.codes) else ExitCode.PARTIAL
