"""``telnyx-wireless enable|disable|standby``: one action on many cards, resumably.

Selection is by ID (``--id``, ``--ids-file``) or by the ``sims`` filters, never both and
never nothing. A filter is drained to the cards' IDs (IDs only in memory) before anything
is acted on; cards the listing shows in the target state are recorded ``already`` and not
sent, as ``enable_many`` does for the cards it is given.

Resuming rests on the ledger (see `_action_ledger`), with register's rules: a rerun does
not send the cards the ledger settles (completed, already, started; failed for good unless
``--retry-failed``). A card recorded started, or unknown with an action id, has that action
looked up (and, unless ``--no-wait``, waited for) rather than a new one started; any other
unknown card is sent again, which is safe: a card already in the target state comes back
``already``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import aclosing
from typing import TextIO

from attrs import evolve, frozen

from telnyx_wireless_async import (
    ActionTimeoutError,
    AsyncSession,
    SimCardAction,
    SimCardActionStatusValue,
)
from telnyx_wireless_async._validation import check_uuid
from telnyx_wireless_async.cli._action_ledger import (
    ACTION_LEDGER,
    ActionLedgerEntry,
    ActionLedgerFile,
    ActionOutcome,
    RecordingActionLedger,
)
from telnyx_wireless_async.cli._action_output import make_outcome_writer
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._ledger_file import now, read_ledger
from telnyx_wireless_async.cli._progress import ProgressBar
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._sims import card_filters, resolve_group_filter
from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.cli._wording import plural
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
)
from telnyx_wireless_async.resources.sim_card_actions import DEFAULT_MAX_POLL_INTERVAL
from telnyx_wireless_async.resources.sim_cards import SimCardFilters

__all__ = ["Plan", "make_plan", "run"]

_DONE = ("completed", "already")
"""Outcomes that need nothing more: with ``--no-wait``, ``started`` too."""


def _settles(entry: ActionLedgerEntry | None, *, retry_failed: bool) -> bool:
    """Tell whether a recorded entry settles its card: no request, no lookup."""
    if entry is None:
        return False
    return entry.outcome in _DONE or (
        entry.outcome == "failed" and entry.permanent and not retry_failed
    )


@frozen(kw_only=True)
class Selection:
    """The cards selected, before the ledger is consulted.

    Attributes:
        ids: The unique card ids, in the order given or listed.
        repeats: How many ids repeated an earlier one.
        already: The ids the listing showed in the target state (by filter only).
        by_filter: Whether the cards were selected by filter.
    """

    ids: tuple[str, ...]
    repeats: int
    already: frozenset[str]
    by_filter: bool


@frozen(kw_only=True)
class Plan:
    """What a run will do, given the selection and what the ledger already records.

    Attributes:
        ids: Every card selected, in order.
        to_send: Cards to start the action on.
        to_check: Cards whose recorded action is looked up instead, with its id.
        already: Cards the listing showed in the target state: recorded, not sent.
        settled: Cards the ledger settles, with their entry.
        resent: Cards an earlier run sent without recording the answer.
        resumed: Whether the ledger recorded any of the cards before this run.
    """

    ids: tuple[str, ...]
    to_send: tuple[str, ...]
    to_check: Mapping[str, str]
    already: frozenset[str]
    settled: Mapping[str, ActionLedgerEntry]
    resent: frozenset[str]
    resumed: bool


def make_plan(
    selection: Selection, ledger: Mapping[str, ActionLedgerEntry], *, retry_failed: bool
) -> Plan:
    """Decide what to do with each selected card, resuming from `ledger`."""
    settled: dict[str, ActionLedgerEntry] = {}
    to_check: dict[str, str] = {}
    to_send: list[str] = []
    resent: set[str] = set()
    already: set[str] = set()
    for card_id in selection.ids:
        entry = ledger.get(card_id)
        if entry is not None and _settles(entry, retry_failed=retry_failed):
            settled[card_id] = entry
        elif entry is not None and entry.outcome in ("started", "unknown") and entry.action_id:
            to_check[card_id] = entry.action_id
        elif card_id in selection.already:
            already.add(card_id)
        else:
            to_send.append(card_id)
            if entry is not None and entry.outcome == "unknown" and entry.sent:
                resent.add(card_id)
    return Plan(
        ids=selection.ids,
        to_send=tuple(to_send),
        to_check=to_check,
        already=frozenset(already),
        settled=settled,
        resent=frozenset(resent),
        resumed=any(card_id in ledger for card_id in selection.ids),
    )


# -- selecting ---------------------------------------------------------------------------------


def _read_ids(path: str) -> list[str]:
    """Read one id per line from `path` (- for standard input), checking each.

    Raises:
        UsageError: The file cannot be read, holds no id, or a line is not a SIM card id.
    """
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig") as file:
                text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise UsageError(f"cannot read {name}: {reason or exc}") from None
    ids: list[str] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        try:
            ids.append(check_uuid("id", item))
        except (TypeError, ValueError):
            shown = item if len(item) <= 60 else item[:60] + "..."
            raise UsageError(f"{name}:{number}: not a SIM card ID: {shown!r}") from None
    if not ids:
        raise UsageError(f"{name} holds no SIM card ID")
    return ids


def _given_ids(args: argparse.Namespace) -> list[str] | None:
    """Return the ids given with --id and --ids-file; None when selecting by filter."""
    if not args.ids and args.ids_file is None:
        return None
    ids = list(args.ids or [])
    if args.ids_file is not None:
        ids.extend(_read_ids(args.ids_file))
    return ids


def _check_selection(args: argparse.Namespace) -> SimCardFilters:
    """Return the filters, after making sure the cards are selected one way, exactly."""
    filters = card_filters(args)
    by_id = bool(args.ids) or args.ids_file is not None
    if by_id and filters:
        raise UsageError("select cards by ID (--id, --ids-file) or by filter, not both")
    if not by_id and not filters:
        raise UsageError(
            "no cards selected: give --id, --ids-file, or a filter such as --tag or --status"
        )
    return filters


async def _drain(
    session: AsyncSession, filters: SimCardFilters, args: argparse.Namespace
) -> Selection:
    """Read every matching card's id (ids only) before anything is acted on."""
    ids: dict[str, None] = {}
    already: set[str] = set()
    filters = await resolve_group_filter(session, filters)
    cards = session.sim_cards.stream(page_size=args.page_size, prefetch=args.concurrency, **filters)
    async with aclosing(cards):
        async for card in cards:
            if card.id is None:
                continue
            card_id = card.id.lower()
            ids[card_id] = None
            status = card.status.value if card.status is not None else None
            if status is not None and str(getattr(status, "value", status)) == args.target:
                already.add(card_id)
    return Selection(ids=tuple(ids), repeats=0, already=frozenset(already), by_filter=True)


def _selection_of(ids: Sequence[str]) -> Selection:
    unique = tuple(dict.fromkeys(ids))
    return Selection(
        ids=unique, repeats=len(ids) - len(unique), already=frozenset(), by_filter=False
    )


# -- the ledger file ---------------------------------------------------------------------------


def _ledger_path(args: argparse.Namespace) -> str | None:
    if args.ledger is not None:
        path = str(args.ledger)
        if args.ids_file not in (None, "-") and _same_file(args.ids_file, path):
            raise UsageError(
                f"--ledger {path} is the IDs file {args.ids_file}; name another file for the ledger"
            )
        return path
    if args.ids_file not in (None, "-"):
        return f"{args.ids_file}.{args.command}.ledger.jsonl"
    return None


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def _check_ledger_action(path: str, recorded: Mapping[str, ActionLedgerEntry], action: str) -> None:
    others = sorted({entry.action for entry in recorded.values()} - {action})
    if others:
        raise UsageError(
            f"the ledger {path} records the {others[0]} action, not {action}; name another --ledger"
        )


# -- confirming --------------------------------------------------------------------------------


def _on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _confirm(args: argparse.Namespace, plan: Plan) -> None:
    """Ask on the terminal before acting on cards selected by filter.

    Raises:
        UsageError: Not confirmed.
    """
    count = len(plan.to_send) + len(plan.to_check)
    extra = f" ({len(plan.already):,} {args.target} already)" if plan.already else ""
    sys.stderr.write(f"{args.command} {plural(count, 'SIM card')}{extra}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was sent")


# -- progress ----------------------------------------------------------------------------------


class TwoPhaseProgress:
    """A bar while the actions are started, then (when waiting) one while they finish.

    Both count cards; like `ProgressBar`, nothing is drawn off a terminal.
    """

    def __init__(
        self,
        command: str,
        total: int,
        *,
        wait: bool,
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Prepare the bars of `total` cards; `stream` and `enabled` as `ProgressBar`'s."""
        self._command = command
        self._total = total
        self._wait = wait
        self._stream = stream
        self._enabled = enabled
        self._bar = self._new_bar("starting")
        self._waiting = False
        self._done = 0

    def _new_bar(self, phase: str) -> ProgressBar:
        return ProgressBar(
            f"{self._command}: {phase}",
            self._total,
            unit="cards",
            stream=self._stream,
            enabled=self._enabled,
        )

    def answered(self, count: int) -> None:
        """Note that `count` cards have had their request answered; switch bars after the last."""
        if self._waiting:
            return
        self._bar.update(count)
        if self._wait and count >= self._total:
            self._bar.close()
            self._waiting = True
            self._bar = self._new_bar("waiting")
            self._bar.update(self._done)

    def done(self, count: int, total: int) -> None:
        """Note that `count` of `total` cards have their outcome (fits ``on_progress``)."""
        self._done = count
        if self._waiting:
            self._bar.update(count, total)

    def close(self) -> None:
        """Draw the final state and end the line."""
        self._bar.close()


# -- acting ------------------------------------------------------------------------------------


def _finished_kind(action: SimCardAction) -> ActionOutcome:
    completed = action.status is not None and (
        action.status.value == SimCardActionStatusValue.COMPLETED
    )
    return "completed" if completed else "failed"


def _action_entry(
    args: argparse.Namespace,
    card_id: str,
    action: SimCardAction,
    outcome: ActionOutcome,
    reason: str | None,
) -> ActionLedgerEntry:
    status = action.status
    return ActionLedgerEntry(
        sim_card_id=card_id,
        action=args.action,
        outcome=outcome,
        at=now(),
        action_id=action.id,
        status=str(status.value) if status is not None and status.value is not None else None,
        reason=reason if reason is not None else (status.reason if status is not None else None),
        permanent=outcome == "failed",
    )


async def _check_recorded_actions(
    session: AsyncSession,
    to_check: Mapping[str, str],
    args: argparse.Namespace,
    ledger: RecordingActionLedger,
) -> None:
    """Look up the actions an earlier run started, and (unless --no-wait) wait for them."""
    semaphore = asyncio.Semaphore(args.concurrency)
    wait = not args.no_wait

    async def check(card_id: str, action_id: str) -> None:
        async with semaphore:
            try:
                action = await session.sim_card_actions.get(action_id)
            except NotFoundError as error:
                reason = f"its action {action_id} could not be found: {error}"
                ledger.write(
                    [
                        ActionLedgerEntry(
                            sim_card_id=card_id,
                            action=args.action,
                            outcome="unknown",
                            at=now(),
                            action_id=action_id,
                            reason=reason,
                        )
                    ]
                )
                return
        if not action.finished and wait:
            try:
                action = await session.sim_card_actions.wait(
                    action,
                    timeout=args.wait_timeout,
                    poll_interval=args.poll_interval,
                    max_poll_interval=max(args.poll_interval, DEFAULT_MAX_POLL_INTERVAL),
                )
            except ActionTimeoutError as error:
                reason = f"its action was not seen finished after {args.wait_timeout:g} s"
                ledger.write([_action_entry(args, card_id, error.action, "unknown", reason)])
                return
        if action.finished:
            ledger.write([_action_entry(args, card_id, action, _finished_kind(action), None)])
        else:
            ledger.write([_action_entry(args, card_id, action, "started", None)])

    await asyncio.gather(*(check(card_id, action_id) for card_id, action_id in to_check.items()))


async def _act(
    session: AsyncSession,
    plan: Plan,
    args: argparse.Namespace,
    ledger: RecordingActionLedger,
    progress: TwoPhaseProgress,
    *,
    check_key: bool,
) -> None:
    async with session:
        if check_key:
            # One cheap request first: a bad key or URL then fails before any card is sent.
            await session.sim_cards.list(page_size=1)
        reason = f"the listing showed it {args.target} already; nothing was sent"
        ledger.write(
            [
                ActionLedgerEntry(
                    sim_card_id=card_id,
                    action=args.action,
                    outcome="already",
                    at=now(),
                    status=args.target,
                    reason=reason,
                )
                for card_id in plan.ids
                if card_id in plan.already
            ]
        )
        if plan.to_check:
            await _check_recorded_actions(session, plan.to_check, args, ledger)
        if not plan.to_send:
            return
        many = {
            "enable": session.sim_cards.enable_many,
            "disable": session.sim_cards.disable_many,
            "set_standby": session.sim_cards.set_standby_many,
        }[args.action]
        await many(
            plan.to_send,
            concurrency=args.concurrency,
            wait=not args.no_wait,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, DEFAULT_MAX_POLL_INTERVAL),
            on_progress=progress.done,
            ledger=ledger,
        )


# -- the dry run -------------------------------------------------------------------------------


def _dry_row(
    args: argparse.Namespace, card_id: str, outcome: str, status: str | None, reason: str
) -> dict[str, str]:
    row = {"sim_card_id": card_id, "action": args.action, "outcome": outcome}
    if status is not None:
        row["status"] = status
    row["reason"] = reason
    return row


def _status_text(card: object) -> str | None:
    value = getattr(getattr(card, "status", None), "value", None)
    return None if value is None else str(getattr(value, "value", value))


async def _dry_run(
    session: AsyncSession,
    args: argparse.Namespace,
    filters: SimCardFilters,
    given: Sequence[str] | None,
    recorded: Mapping[str, ActionLedgerEntry],
) -> collections.Counter[str]:
    """List what a run would do, sending no action; return the count per outcome."""
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    writer = make_outcome_writer(fmt, sys.stdout)
    counts: collections.Counter[str] = collections.Counter()

    def judge(card_id: str, status: str | None) -> dict[str, str]:
        entry = recorded.get(card_id)
        if _settles(entry, retry_failed=args.retry_failed):
            assert entry is not None
            return _dry_row(
                args, card_id, "settled", status, f"the ledger records it {entry.outcome}"
            )
        if status == args.target:
            return _dry_row(args, card_id, "already", status, f"{args.target} already")
        return _dry_row(args, card_id, "would_act", status, f"would start {args.action}")

    async with session:
        if given is None:
            filters = await resolve_group_filter(session, filters)
            cards = session.sim_cards.stream(
                page_size=args.page_size, prefetch=args.concurrency, **filters
            )
            async with aclosing(cards):
                async for card in cards:
                    if card.id is not None:
                        row = judge(card.id.lower(), _status_text(card))
                        counts[row["outcome"]] += 1
                        writer.write(row)
            return counts
        semaphore = asyncio.Semaphore(args.concurrency)

        async def look_up(card_id: str) -> dict[str, str]:
            if _settles(recorded.get(card_id), retry_failed=args.retry_failed):
                return judge(card_id, None)
            async with semaphore:
                try:
                    card = await session.sim_cards.get(card_id)
                except NotFoundError:
                    return _dry_row(args, card_id, "not_found", None, "no such SIM card")
            return judge(card_id, _status_text(card))

        for row in await asyncio.gather(*(look_up(card_id) for card_id in dict.fromkeys(given))):
            counts[row["outcome"]] += 1
            writer.write(row)
    return counts


def _dry_summary(args: argparse.Namespace, counts: collections.Counter[str]) -> str:
    notes = [
        f"{counts['already']:,} {args.target} already" if counts["already"] else "",
        f"{counts['settled']:,} settled by the ledger" if counts["settled"] else "",
        f"{counts['not_found']:,} not found" if counts["not_found"] else "",
    ]
    detail = "; ".join(note for note in notes if note)
    return (
        f"dry run: would {args.command} {plural(counts['would_act'], 'SIM card')}"
        + (f" ({detail})" if detail else "")
        + "; nothing was sent\n"
    )


# -- the run -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Act on the selected cards, resuming from the ledger if any; return the exit status."""
    filters = _check_selection(args)
    given = _given_ids(args)
    if given is None and not (args.dry_run or args.yes or _on_a_terminal()):
        raise UsageError(
            "selecting cards by filter needs --yes when not run on a terminal "
            "(or --dry-run to list them first); nothing was sent"
        )
    ledger_path = _ledger_path(args)
    if args.dry_run:
        recorded = read_ledger(ledger_path, ACTION_LEDGER) if ledger_path is not None else {}
        if ledger_path is not None:
            _check_ledger_action(ledger_path, recorded, args.action)
        counts = asyncio.run(_dry_run(open_session(args), args, filters, given, recorded))
        sys.stdout.flush()
        sys.stderr.write(_dry_summary(args, counts))
        return ExitCode.OK
    # Locked from before it is read until the end: another run on it stops at once.
    file = ActionLedgerFile(ledger_path) if ledger_path is not None else None
    recording: RecordingActionLedger | None = None
    try:
        recorded = file.recorded if file is not None else {}
        if file is not None:
            _check_ledger_action(file.path, recorded, args.action)
        if given is not None:
            selection = _selection_of(given)
        else:
            selection = asyncio.run(_drain_with(open_session(args), filters, args))
        plan = make_plan(selection, recorded, retry_failed=args.retry_failed)
        if selection.by_filter and not args.yes and (plan.to_send or plan.to_check):
            _confirm(args, plan)
        progress = TwoPhaseProgress(args.command, len(plan.to_send), wait=not args.no_wait)
        recording = RecordingActionLedger(
            file, args.action, resent=plan.resent, on_answer=progress.answered
        )
        return _run(args, selection, plan, file, recording, progress)
    finally:
        if file is not None:
            # A ledger this run created and recorded nothing in would only puzzle the next run.
            file.close(remove=file.created and (recording is None or not recording.entries))


async def _drain_with(
    session: AsyncSession, filters: SimCardFilters, args: argparse.Namespace
) -> Selection:
    async with session:
        return await _drain(session, filters, args)


def _run(
    args: argparse.Namespace,
    selection: Selection,
    plan: Plan,
    file: ActionLedgerFile | None,
    recording: RecordingActionLedger,
    progress: TwoPhaseProgress,
) -> int:
    """Carry `plan` out, rewrite the ledger, write the outcomes and the summary."""
    start = time.perf_counter()
    refused: APIStatusError | APIConnectionError | None = None
    interrupted = False
    try:
        if plan.to_send or plan.to_check or plan.already:
            session = open_session(args)
            asyncio.run(
                _act(session, plan, args, recording, progress, check_key=not selection.by_filter)
            )
    except (APIStatusError, APIConnectionError) as exc:
        if not recording.entries:
            raise
        # The API refused a request as a whole, or could not be reached: the SDK started no
        # more actions; the ledger and the summary say what became of those it sent.
        refused = exc
        if isinstance(exc, AuthenticationError | PermissionDeniedError):
            # Refused as every card would be: not the card's fault, so tried again next run.
            recording.write(
                [
                    evolve(entry, permanent=False)
                    for entry in recording.entries.values()
                    if entry.outcome == "failed" and entry.action_id is None
                ]
            )
    except KeyboardInterrupt:
        if not recording.entries or file is None:
            raise
        interrupted = True
    finally:
        seconds = time.perf_counter() - start
        progress.close()
    if interrupted:
        assert file is not None
        sys.stderr.write(
            f"telnyx-wireless: interrupted; {printable(file.path)} records what was done: "
            "run the same command again to resume\n"
        )
        return ExitCode.INTERRUPTED

    recorded = file.recorded if file is not None else {}
    final = {**recorded, **recording.entries}
    rows = [final.get(card_id) or _never_sent(args, card_id) for card_id in plan.ids]
    if file is not None:
        listed = set(plan.ids)
        file.rewrite(
            [final[c] for c in plan.ids if c in final]
            + [entry for card_id, entry in final.items() if card_id not in listed]
        )
    fmt = args.format or ("table" if sys.stdout.isatty() else "jsonl")
    writer = make_outcome_writer(fmt, sys.stdout)
    for row in rows:
        writer.write(row.to_json())
    sys.stdout.flush()
    this_run = [recording.entries[c] for c in plan.ids if c in recording.entries]
    for line in _summary(args, selection, plan, this_run, rows, seconds, file):
        sys.stderr.write(line + "\n")
    if refused is not None:
        raise refused  # after the summary: the command line says what the API refused
    done = _DONE + (("started",) if args.no_wait else ())
    return ExitCode.OK if all(row.outcome in done for row in rows) else ExitCode.PARTIAL


def _never_sent(args: argparse.Namespace, card_id: str) -> ActionLedgerEntry:
    return ActionLedgerEntry(
        sim_card_id=card_id,
        action=args.action,
        outcome="unknown",
        at=now(),
        reason="the run stopped before its request was sent",
        sent=False,
    )


def _summary(
    args: argparse.Namespace,
    selection: Selection,
    plan: Plan,
    this_run: Sequence[ActionLedgerEntry],
    rows: Sequence[ActionLedgerEntry],
    seconds: float,
    file: ActionLedgerFile | None,
) -> Iterator[str]:
    """Say what this run did and, when it resumed an earlier one, where the ledger stands."""
    how = "by filter" if selection.by_filter else "by ID"
    repeats = (
        f" (and {plural(selection.repeats, 'repeated ID')}, skipped)" if selection.repeats else ""
    )
    yield f"{args.command}: {plural(len(plan.ids), 'SIM card')} selected {how}{repeats}"
    ledger_path = printable(file.path) if file is not None else None
    resumed = plan.resumed
    if resumed:
        yield (
            f"resuming from {ledger_path}: {len(plan.settled):,} settled already, "
            f"{len(plan.to_check):,} actions to look up, {len(plan.to_send):,} to send"
        )
    now_counts = collections.Counter[str](entry.outcome for entry in this_run)
    all_counts = collections.Counter[str](entry.outcome for entry in rows)
    yield f"  {'':<12}{'this run':>9}" + (f"{'in all':>9}" if resumed else "")
    reasons = collections.Counter(
        printable(str((entry.error or {}).get("title") or entry.reason or "?"))
        for entry in rows
        if entry.outcome == "failed"
    )
    notes = {
        "completed": "",
        "already": f"{args.target} already: not failures",
        "failed": ", ".join(f"{reason}: {count:,}" for reason, count in reasons.most_common(3))
        + (", ..." if len(reasons) > 3 else ""),
        "unknown": "run the same command again to resume" if all_counts["unknown"] else "",
        "started": "not waited for (--no-wait)" if args.no_wait else "not seen finished",
    }
    for outcome, note in notes.items():
        if outcome == "started" and not all_counts[outcome]:
            continue
        row = f"  {outcome:<12}{now_counts[outcome]:>9,}"
        row += f"{all_counts[outcome]:>9,}" if resumed else ""
        yield f"{row}   {note if all_counts[outcome] else ''}".rstrip()
    sent = len(plan.to_send)
    done = f"Sent {plural(sent, 'action')} in {seconds:.2f} s." if sent else "Nothing to send."
    yield done + (f" Ledger: {ledger_path}" if ledger_path is not None else "")
