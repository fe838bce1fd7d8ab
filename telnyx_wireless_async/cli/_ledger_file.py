"""The ledger file: what became of each registration code, as JSON Lines.

One JSON object per line, for example::

    {"code":"0000000018","outcome":"registered","at":"2025-05-01T12:00:00.000Z"}
    {"code":"0000000026","outcome":"registered","earlier_run":true,"at":"..."}
    {"code":"0000000042","outcome":"registered","on_retry":true,"at":"..."}
    {"code":"1234567890","outcome":"failed","permanent":true,"error":{"code":"10006",
        "title":"Invalid registration code","detail":"..."},"at":"..."}
    {"code":"0000000034","outcome":"unknown","sent":true,"reason":"...","at":"..."}

(each object on one line). While a run is in progress, lines are only appended: a code is
first recorded as unknown (sent, no answer yet) just before its chunk is sent, then with its
outcome once the answer arrives, so the file stays true if the process is killed at any point.
The last line for a code is what counts. A run that finishes rewrites the file with one line
per code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, Literal

from attrs import frozen

from telnyx_wireless_async.cli._errors import UsageError

__all__ = ["LedgerEntry", "LedgerFile", "Outcome", "load_ledger", "now"]

Outcome = Literal["registered", "failed", "unknown"]


def now() -> str:
    """Return the current time as the API writes it: UTC, milliseconds, ``Z``."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


@frozen(kw_only=True)
class LedgerEntry:
    """What became of one code.

    Attributes:
        code: The registration code.
        outcome: ``registered``, ``failed`` or ``unknown``.
        at: When it was recorded.
        earlier_run: Registered by an earlier run that was interrupted before it could
            record it: the code, sent by that run, was found already registered when resent.
        on_retry: Found already registered when this run retried a request whose first
            answer was lost (a timeout, a dropped connection, a 5xx): most likely that lost
            attempt registered it, but it may have been registered before.
        error: For ``failed``: the API's error ``code``, ``title`` and ``detail``.
        permanent: For ``failed``: the API refused this code itself (invalid, or already
            registered), so sending it again will not help. False when the API refused the
            whole request (a bad key, say): such codes are sent again on the next run.
        reason: For ``unknown``: why the outcome is not known.
        sent: For ``unknown``: False when the code was certainly never sent.
    """

    code: str
    outcome: Outcome
    at: str
    earlier_run: bool = False
    on_retry: bool = False
    error: Mapping[str, str | None] | None = None
    permanent: bool = False
    reason: str | None = None
    sent: bool = True

    def to_json(self) -> dict[str, Any]:
        """Return the entry as the JSON object of its ledger line."""
        record: dict[str, Any] = {"code": self.code, "outcome": self.outcome}
        if self.outcome == "registered" and self.earlier_run:
            record["earlier_run"] = True
        elif self.outcome == "registered" and self.on_retry:
            record["on_retry"] = True
        elif self.outcome == "failed":
            record["permanent"] = self.permanent
            record["error"] = dict(self.error or {})
        elif self.outcome == "unknown":
            record["sent"] = self.sent
            record["reason"] = self.reason
        record["at"] = self.at
        return record

    @classmethod
    def from_json(cls, record: object) -> LedgerEntry:
        """Build an entry from a ledger line's object.

        Raises:
            ValueError: It is not a ledger entry.
        """
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        code, outcome = record.get("code"), record.get("outcome")
        if not isinstance(code, str) or outcome not in ("registered", "failed", "unknown"):
            raise ValueError("no code and outcome")
        error = record.get("error")
        return cls(
            code=code,
            outcome=outcome,
            at=str(record.get("at", "")),
            earlier_run=record.get("earlier_run") is True,
            on_retry=record.get("on_retry") is True,
            error=error if isinstance(error, dict) else None,
            permanent=record.get("permanent") is True,
            reason=record.get("reason") if isinstance(record.get("reason"), str) else None,
            sent=record.get("sent") is not False,
        )


_LINE_START = '{"code":"'
"""How every line `LedgerFile` writes starts."""


def _is_cut_short(line: str) -> bool:
    """Tell whether `line`, the last and without a newline, can be a line cut short."""
    return line.startswith(_LINE_START) or _LINE_START.startswith(line)


def _parse_line(line: str) -> LedgerEntry:
    """Return the entry of a ledger line.

    Raises:
        ValueError: It is not one, however it fails: bad JSON, JSON nested too deep for
            the parser, or JSON that is not a ledger entry.
    """
    try:
        record = json.loads(line)
    except RecursionError:
        raise ValueError("nested too deep") from None
    return LedgerEntry.from_json(record)


def load_ledger(path: str) -> dict[str, LedgerEntry]:
    """Read a ledger: each code's latest entry, in the order codes first appear.

    A missing file is an empty ledger. A last line cut short (the process was killed while
    writing it: a start of a ledger line, without its newline) is ignored.

    Raises:
        UsageError: The file cannot be read, or a line is not a ledger entry.
    """
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise UsageError(f"cannot read the ledger {path}: {reason or exc}") from None
    lines = text.split("\n")
    entries: dict[str, LedgerEntry] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = _parse_line(line)
        except ValueError:
            if number == len(lines) and _is_cut_short(line):  # no newline: a write cut short
                continue
            raise UsageError(
                f"{path}:{number}: not a ledger line; is this a ledger written by "
                "telnyx-wireless register?"
            ) from None
        entries[entry.code] = entry
    return entries


def _drop_cut_short_line(path: str) -> None:
    """Cut off a last line without its newline: a write the process was killed in."""
    try:
        file = open(path, "r+b")  # noqa: SIM115
    except FileNotFoundError:
        return
    with file:
        size = file.seek(0, os.SEEK_END)
        if size == 0:
            return
        file.seek(size - 1)
        if file.read(1) == b"\n":
            return
        end = size
        while end > 0:
            start = max(0, end - 65536)
            file.seek(start)
            newline = file.read(end - start).rfind(b"\n")
            if newline >= 0:
                file.truncate(start + newline + 1)
                return
            end = start
        file.truncate(0)


def _line(entry: LedgerEntry) -> str:
    return json.dumps(entry.to_json(), separators=(",", ":")) + "\n"


class LedgerFile:
    """A ledger open for appending; each `append` reaches the operating system at once.

    Data handed to the operating system survives the process being killed, so `append`
    flushes but does not sync to disk; `rewrite` syncs before it replaces the file.
    """

    def __init__(self, path: str) -> None:
        """Open `path` for appending, creating it if needed.

        Raises:
            UsageError: The file cannot be opened for writing.
        """
        self.path = path
        try:
            _drop_cut_short_line(path)
            self._file: BinaryIO = open(path, "ab")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write the ledger {path}: {exc.strerror or exc}") from None

    def append(self, entries: Iterable[LedgerEntry]) -> None:
        """Append `entries` and hand them to the operating system."""
        self._file.write("".join(_line(entry) for entry in entries).encode())
        self._file.flush()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def rewrite(self, entries: Iterable[LedgerEntry]) -> None:
        """Replace the whole file with `entries`, one line each, atomically."""
        self.close()
        temporary = f"{self.path}.tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            file.writelines(_line(entry) for entry in entries)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
