"""``telnyx-wireless validate FILE``: which registration codes could be registered, a dry run.

The file is read as ``register`` reads it (`read_codes`), and the codes go to
``sim_cards.validate_registration_codes``, which accounts for every unique code: valid,
invalid with the API's detail, or unknown with the reason. The report lists the invalid and
unknown codes (the valid ones, usually the most, only with ``--format jsonl``), and the exit
status says whether every code is valid (0) or not (4).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from telnyx_wireless_async import AsyncSession, CodeValidationResult
from telnyx_wireless_async.cli._codes_file import read_codes
from telnyx_wireless_async.cli._errors import ExitCode
from telnyx_wireless_async.cli._progress import ProgressBar
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.cli._wording import plural

__all__ = ["report_lines", "run", "verdicts"]


def verdicts(codes: Sequence[str], result: CodeValidationResult) -> list[dict[str, str]]:
    """Return one JSON object per unique code of `codes`, in file order, with its outcome.

    Each has ``code`` and ``outcome`` (``valid``, ``invalid`` or ``unknown``), and
    ``detail`` (the API's words) for an invalid code or ``reason`` for an unknown one.
    """
    outcome: dict[str, dict[str, str]] = {}
    for code in result.valid:
        outcome[code] = {"code": code, "outcome": "valid"}
    for verdict in result.invalid:
        code = verdict.registration_code or ""
        outcome[code] = {"code": code, "outcome": "invalid", "detail": verdict.invalid_detail or ""}
    for unknown in result.unknown:
        code = unknown.registration_code
        outcome[code] = {"code": code, "outcome": "unknown", "reason": unknown.reason}
    return [outcome[code] for code in dict.fromkeys(codes) if code in outcome]


def report_lines(source: str, codes: Sequence[str], result: CodeValidationResult) -> list[str]:
    """Return the report for people: the counts, then every invalid and unknown code."""
    unique = len(set(codes))
    repeats = len(codes) - unique
    skipped = f" (and {plural(repeats, 'repeated line')}, skipped)" if repeats else ""
    lines = [f"{source}: {plural(unique, 'registration code')}{skipped}"]
    lines += [
        f"  {'valid':<10}{len(result.valid):>9,}",
        f"  {'invalid':<10}{len(result.invalid):>9,}",
        f"  {'unknown':<10}{len(result.unknown):>9,}"
        + ("   run the same command again to ask again" if result.unknown else ""),
    ]
    if result.invalid:
        lines.append("invalid:")
        lines += [
            f"  {v.registration_code}  {printable(v.invalid_detail or '(no detail)')}"
            for v in result.invalid
        ]
    if result.unknown:
        lines.append("unknown:")
        lines += [f"  {u.registration_code}  {printable(u.reason)}" for u in result.unknown]
    return lines


async def _validate(
    session: AsyncSession, codes: Sequence[str], args: argparse.Namespace, bar: ProgressBar
) -> CodeValidationResult:
    async with session:
        return await session.sim_cards.validate_registration_codes(
            codes,
            chunk_size=args.chunk_size,
            concurrency=args.concurrency,
            on_progress=bar.update,
        )


def run(args: argparse.Namespace) -> int:
    """Validate the codes in ``args.file`` and print the report; return the exit status."""
    codes = read_codes(args.file, column=args.column).codes
    session = open_session(args)
    bar = ProgressBar("validating", len(set(codes)), unit="codes")
    try:
        result = asyncio.run(_validate(session, codes, args, bar))
    finally:
        bar.close()
    if args.format == "jsonl":
        for verdict in verdicts(codes, result):
            sys.stdout.write(json.dumps(verdict, separators=(",", ":")) + "\n")
    else:
        source = "standard input" if args.file == "-" else printable(args.file)
        for line in report_lines(source, codes, result):
            print(line)
    return ExitCode.OK if result.ok else ExitCode.PARTIAL
