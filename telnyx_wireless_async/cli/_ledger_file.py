"""Ledger files: what became of each item of a run (a registration code, a card), as JSON Lines.

The file mechanics (locking, appending, the atomic rewrite, a last line cut short) are
`JsonLinesLedger`'s, whatever the entries; a `LedgerFormat` says how a command's entries
are read. `LedgerFile` is the ``register`` ledger, one entry per registration code.

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

Every line of a ledger starts with its key field (``{"code":"`` here), which is how a last
line cut short is told from a line that is not a ledger's at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, Generic, Literal, Protocol, TypeVar

from attrs import frozen

from telnyx_wireless_async.cli._errors import UsageError

__all__ = [
    "REGISTRATION_LEDGER",
    "JsonLinesLedger",
    "LedgerEntry",
    "LedgerFile",
    "LedgerFormat",
    "LedgerRecord",
    "Outcome",
    "load_ledger",
    "now",
    "read_ledger",
]

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

    @property
    def key(self) -> str:
        """The code: what the ledger records one entry per."""
        return self.code

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


class LedgerRecord(Protocol):
    """An entry of a ledger: one per key, written as one JSON object whose first field is it."""

    @property
    def key(self) -> str:
        """What the ledger records one entry per (a code, a card id)."""
        ...

    def to_json(self) -> dict[str, Any]:
        """Return the entry as the JSON object of its line, the key field first."""
        ...


E = TypeVar("E", bound=LedgerRecord)


@frozen(kw_only=True)
class LedgerFormat(Generic[E]):
    """How one command's ledger lines are read.

    Attributes:
        key_field: The JSON field every line starts with, holding the entry's key.
        parse: Builds an entry from a line's JSON value; raises `ValueError` if it is not one.
        writer: The command that writes such ledgers, for messages (``register``).
    """

    key_field: str
    parse: Callable[[object], E]
    writer: str

    @property
    def line_start(self) -> str:
        """How every line of such a ledger starts, e.g. ``{"code":"``."""
        return '{"' + self.key_field + '":"'


REGISTRATION_LEDGER: LedgerFormat[LedgerEntry] = LedgerFormat(
    key_field="code", parse=LedgerEntry.from_json, writer="register"
)
"""The ``register`` ledger: one `LedgerEntry` per registration code."""


def _is_cut_short(line: str, start: str) -> bool:
    """Tell whether `line`, the last and without a newline, can be a line cut short."""
    return line.startswith(start) or start.startswith(line)


def _parse_line(line: str, fmt: LedgerFormat[E]) -> E:
    """Return the entry of a ledger line.

    Raises:
        ValueError: It is not one, however it fails: bad JSON, JSON nested too deep for
            the parser, or JSON that is not a ledger entry.
    """
    try:
        record = json.loads(line)
    except RecursionError:
        raise ValueError("nested too deep") from None
    return fmt.parse(record)


def load_ledger(path: str) -> dict[str, LedgerEntry]:
    """Read a ``register`` ledger: each code's latest entry (see `read_ledger`)."""
    return read_ledger(path, REGISTRATION_LEDGER)


def read_ledger(path: str, fmt: LedgerFormat[E]) -> dict[str, E]:
    """Read a ledger: each key's latest entry, in the order keys first appear.

    A missing file is an empty ledger. A last line cut short (the process was killed while
    writing it: a start of a ledger line, without its newline) is ignored.

    Raises:
        UsageError: The file cannot be read, or a line is not a ledger entry.
    """
    try:
        # utf-8-sig: a ledger an editor saved with a byte order mark reads as it was written.
        with open(path, encoding="utf-8-sig") as file:
            text = file.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise UsageError(f"cannot read the ledger {path}: {reason or exc}") from None
    lines = text.split("\n")
    entries: dict[str, E] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = _parse_line(line, fmt)
        except ValueError:
            if number == len(lines) and _is_cut_short(line, fmt.line_start):  # a write cut short
                continue
            raise UsageError(
                f"{path}:{number}: not a ledger line; is this a ledger written by "
                f"telnyx-wireless {fmt.writer}?"
            ) from None
        entries[entry.key] = entry
    return entries


def _exclusive_lock() -> Callable[[int], None] | None:
    """Return a function that locks a file or raises `BlockingIOError`; None without fcntl."""
    try:
        import fcntl
    except ImportError:
        return None

    def lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    return lock


_lock = _exclusive_lock()

_BINARY = getattr(os, "O_BINARY", 0)  # Windows would translate line ends otherwise

_OPEN_ATTEMPTS = 10
"""Files opened and found replaced by the time they were locked, before giving up."""


def _busy(path: str, writer: str) -> UsageError:
    return UsageError(
        f"the ledger {path} is in use by another run of {writer}; wait for it to finish, "
        "or give this run another --ledger"
    )


def _create_lock_file(path: str, writer: str) -> str:
    """Stand in for `flock` where there is none: create ``LEDGER.lock``, or fail if it exists."""
    lock = f"{path}.lock"
    try:
        os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise UsageError(
            f"the ledger {path} is in use by another run of {writer}: {lock} exists "
            "(if no run is going, a run was killed and left it: remove it)"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot create the lock file {lock}: {exc.strerror or exc}") from None
    return lock


def _is_named(file: BinaryIO, path: str) -> bool:
    """Tell whether `path` still names the open `file`."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(file.fileno())
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _open_locked(path: str, writer: str) -> tuple[BinaryIO, bool]:
    """Open `path` to read and write, creating it if needed, and lock it where `flock` exists.

    Returns:
        The file, and whether it was created.

    Raises:
        UsageError: Another process holds the lock, or the file cannot be locked.
        OSError: The file cannot be opened.
    """
    for _ in range(_OPEN_ATTEMPTS):
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
            created = True
        except FileExistsError:
            try:
                descriptor = os.open(path, os.O_RDWR | _BINARY)
            except FileNotFoundError:  # removed since: create it after all
                continue
            created = False
        file = os.fdopen(descriptor, "r+b")
        if _lock is None:
            return file, created
        try:
            _lock(descriptor)
        except BlockingIOError:
            file.close()
            raise _busy(path, writer) from None
        except OSError as exc:  # e.g. a file system without locks
            file.close()
            raise UsageError(f"cannot lock the ledger {path}: {exc.strerror or exc}") from None
        except BaseException:
            file.close()
            raise
        # The run that held the lock until now may have replaced or removed the file since
        # it was opened here: only a lock on the file the path names keeps other runs out.
        if _is_named(file, path):
            return file, created
        file.close()
    raise _busy(path, writer)


def _end_last_line(file: BinaryIO, fmt: LedgerFormat[Any]) -> None:
    """Make the file end with a newline, so that what is appended starts a line of its own.

    A last line without its newline is a write the process was killed in, cut off here; or
    a whole entry, which gets its newline. Anything else stays, for `load_ledger` to report.
    """
    size = file.seek(0, os.SEEK_END)
    if size == 0:
        return
    file.seek(size - 1)
    if file.read(1) == b"\n":
        return
    start = end = size
    while end > 0:
        start = max(0, end - 65536)
        file.seek(start)
        newline = file.read(end - start).rfind(b"\n")
        if newline >= 0:
            start += newline + 1
            break
        end = start
    file.seek(start)
    line = file.read().decode("utf-8", errors="replace")
    try:
        _parse_line(line, fmt)
    except ValueError:
        if _is_cut_short(line, fmt.line_start):
            file.truncate(start)
        return
    file.write(b"\n")
    file.flush()


def _line(entry: LedgerRecord) -> bytes:
    return (json.dumps(entry.to_json(), separators=(",", ":")) + "\n").encode()


class JsonLinesLedger(Generic[E]):
    """A ledger open for appending, locked; each `append` reaches the operating system at once.

    Data handed to the operating system survives the process being killed, so `append`
    flushes but does not sync to disk; `rewrite` syncs before it replaces the file.

    One run at a time: the ledger is locked until `close`, and a second run on it stops with
    a `UsageError` rather than interleave its lines with the first's. On POSIX the lock is an
    exclusive `flock` of the file itself, which the operating system lets go of however the
    process ends. Without `flock` (Windows) it is a file beside the ledger, ``LEDGER.lock``,
    created exclusively and removed by `close`; a run killed outright leaves it behind, and
    the next run stops and names it, for someone to remove.

    Attributes:
        path: The ledger.
        created: Whether opening it created it.
        recorded: What it recorded when opened (see `read_ledger`).
    """

    def __init__(self, path: str, fmt: LedgerFormat[E]) -> None:
        """Lock `path`, creating it if needed, read it as `fmt`, and make it ready for appending.

        Raises:
            UsageError: Another run holds the ledger, or it cannot be opened, read or locked,
                or a line is not a ledger entry.
        """
        self.path = path
        self._lock_file = _create_lock_file(path, fmt.writer) if _lock is None else None
        self._closed = False
        try:
            self._file, self.created = _open_locked(path, fmt.writer)
        except OSError as exc:
            self._release_lock_file()
            raise UsageError(f"cannot write the ledger {path}: {exc.strerror or exc}") from None
        except BaseException:
            self._release_lock_file()
            raise
        try:
            self.recorded = read_ledger(path, fmt)
            _end_last_line(self._file, fmt)
        except OSError as exc:
            self.close()
            raise UsageError(f"cannot write the ledger {path}: {exc.strerror or exc}") from None
        except BaseException:
            self.close()
            raise

    def append(self, entries: Iterable[E]) -> None:
        """Append `entries` and hand them to the operating system."""
        self._file.seek(0, os.SEEK_END)
        self._file.write(b"".join(_line(entry) for entry in entries))
        self._file.flush()

    def rewrite(self, entries: Iterable[E]) -> None:
        """Replace the whole file with `entries`, one line each, atomically.

        The new file has a name of its own until it replaces the ledger, so no other writer
        can share it, and is locked before it does, so the ledger is never left unlocked.
        """
        # The file the path resolves to is replaced, so a ledger named through a symlink
        # stays a symlink, and runs on the link and on its target still share one lock.
        target = os.path.realpath(self.path)
        directory, name = os.path.split(target)
        descriptor, temporary = tempfile.mkstemp(prefix=f"{name}.", suffix=".tmp", dir=directory)
        new = os.fdopen(descriptor, "r+b")
        try:
            if _lock is not None:
                _lock(descriptor)
            new.writelines(_line(entry) for entry in entries)
            new.flush()
            os.fsync(descriptor)
            # mkstemp makes the file private; the ledger keeps the permissions it had.
            os.chmod(temporary, stat.S_IMODE(os.fstat(self._file.fileno()).st_mode))
            if _lock is None:  # Windows cannot replace a file that is open
                new.close()
                self._file.close()
            os.replace(temporary, target)
        except BaseException:
            new.close()
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise
        self._file.close()
        self._file = new

    def close(self, *, remove: bool = False) -> None:
        """Close the file and let go of the lock; with `remove`, delete the file too."""
        if self._closed:
            return
        self._closed = True
        try:
            # Deleted while still locked where that is allowed, so that no other run can
            # lock it in between and go on appending to a file no longer there.
            if remove and _lock is not None:
                os.remove(self.path)
            self._file.close()
            if remove and _lock is None:
                os.remove(self.path)
        finally:
            self._release_lock_file()

    def _release_lock_file(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._lock_file)
            self._lock_file = None


class LedgerFile(JsonLinesLedger[LedgerEntry]):
    """The ``register`` ledger, open and locked (see `JsonLinesLedger`)."""

    def __init__(self, path: str) -> None:
        """Lock and read the ``register`` ledger at `path` (see `JsonLinesLedger`)."""
        super().__init__(path, REGISTRATION_LEDGER)
