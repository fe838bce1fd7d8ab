"""Read registration codes from a file: one per line, or one column of a CSV file.

The text is UTF-8, with or without a byte order mark, from a file or standard input alike;
lines end with LF, CRLF or CR. Blank lines and lines whose first non-blank character is
``#`` are skipped. A file whose first remaining line has a comma, or is a known column name,
is CSV with a header row. Every code must be 10 digits; the first that is not stops the
reading with its line number, before anything is sent.
"""

from __future__ import annotations

import csv
import sys
from typing import BinaryIO

from attrs import frozen

from telnyx_wireless_async._validation import is_registration_code
from telnyx_wireless_async.cli._errors import UsageError

__all__ = ["CODE_COLUMNS", "CodesFile", "read_codes"]

CODE_COLUMNS = ("registration_code", "registration_codes", "code", "codes")
"""Column names taken for the codes, in this order, when ``--column`` is not given."""


@frozen(kw_only=True)
class CodesFile:
    """The codes a file holds.

    Attributes:
        codes: Every code, in file order, repeats included.
        column: The CSV column they came from, or None for a plain list.
    """

    codes: tuple[str, ...]
    column: str | None


def _read_text(path: str) -> str:
    """Return the text of `path` with LF line ends and no byte order mark."""
    try:
        if path != "-":
            with open(path, encoding="utf-8-sig") as file:
                return file.read()
        stdin: BinaryIO | None = getattr(sys.stdin, "buffer", None)
        if stdin is None:  # replaced by a text stream, as some callers do
            return sys.stdin.read().removeprefix("\ufeff")
        # The bytes, decoded as a file's are: whatever the locale, a byte order mark goes.
        text = stdin.read().decode("utf-8-sig")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise UsageError(f"{_name(path)} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _name(path: str) -> str:
    return "standard input" if path == "-" else path


def _where(path: str, number: int) -> str:
    return f"standard input, line {number}" if path == "-" else f"{path}:{number}"


_SHOWN_LENGTH = 40
"""The most characters of a bad line quoted in an error."""


def _quoted(text: str) -> str:
    """Quote `text` for an error, shortened: a line may be megabytes long."""
    if len(text) <= _SHOWN_LENGTH:
        return repr(text)
    return f"{text[:_SHOWN_LENGTH]!r}... ({len(text):,} characters)"


_BAD_SHOWN = 5
"""Bad lines named in the error; a file with more says how many more."""


def _checked(path: str, entries: list[tuple[int, str]]) -> tuple[str, ...]:
    """Return the codes of ``(line number, text)`` entries; name the bad ones, all in one error."""
    bad = [(number, text) for number, text in entries if not is_registration_code(text)]
    if len(bad) == 1:
        ((number, text),) = bad
        raise UsageError(
            f"{_where(path, number)}: {_quoted(text)} is not a registration code (10 digits)"
        )
    if bad:
        shown = "; ".join(f"line {number}: {_quoted(text)}" for number, text in bad[:_BAD_SHOWN])
        more = f"; and {len(bad) - _BAD_SHOWN:,} more" if len(bad) > _BAD_SHOWN else ""
        raise UsageError(
            f"{_name(path)}: {len(bad):,} lines are not registration codes (10 digits):"
            f" {shown}{more}"
        )
    return tuple(text for _, text in entries)


def _column_index(path: str, header: list[str], column: str | None) -> int:
    names = [name.strip().lower() for name in header]
    wanted = [column.strip().lower()] if column is not None else list(CODE_COLUMNS)
    for name in wanted:
        if name in names:
            return names.index(name)
    found = ", ".join(repr(name.strip()) for name in header)
    if column is not None:
        raise UsageError(f"{_name(path)} has no column {column!r} (its columns: {found})")
    raise UsageError(
        f"{_name(path)} has no registration_code or code column (its columns: {found}); "
        "name the column with --column"
    )


def read_codes(path: str, *, column: str | None = None) -> CodesFile:
    """Read the codes in `path` (``-`` for standard input).

    Args:
        path: The file.
        column: The CSV column holding the codes; None takes the first of `CODE_COLUMNS`.

    Raises:
        UsageError: The file cannot be read, holds no codes, lacks the column, or holds
            something that is not a 10-digit code.
    """
    # Split at line feeds only: `str.splitlines` also breaks at form feeds and other
    # separators, and the line numbers in errors would not be those an editor shows.
    lines = [
        (number, line.strip())
        for number, line in enumerate(_read_text(path).split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise UsageError(f"{_name(path)} holds no registration codes")

    first = lines[0][1]
    wanted = (column or "").strip().lower()
    is_header = "," in first or (
        not is_registration_code(first) and first.lower() in (*CODE_COLUMNS, wanted)
    )
    if column is not None and not is_header:
        raise UsageError(f"--column {column} was given, but {_name(path)} has no header row")
    if not is_header:
        return CodesFile(codes=_checked(path, lines), column=None)

    rows = csv.reader(text for _, text in lines)
    cells = []
    try:
        header = next(rows)
        index = _column_index(path, header, column)
        for (number, _), row in zip(lines[1:], rows, strict=False):
            cell = row[index].strip() if index < len(row) else ""
            if cell:
                cells.append((number, cell))
    except csv.Error as exc:  # e.g. a field longer than the csv module takes
        number = lines[max(rows.line_num, 1) - 1][0]
        raise UsageError(f"{_where(path, number)}: cannot be read as CSV ({exc})") from None
    if not cells:
        raise UsageError(f"{_name(path)} holds no registration codes in column {header[index]!r}")
    return CodesFile(codes=_checked(path, cells), column=header[index].strip())
