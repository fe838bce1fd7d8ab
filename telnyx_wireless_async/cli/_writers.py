"""Writing API records other than cards (actions, groups): listings, and one record in full.

A listing is written as the card writers of `_output` write cards: a table for people, with
fixed-width columns and control characters escaped; JSON Lines in the API's own shape; or CSV,
columns named by their JSON path. Each writer writes its header (if any) when created, and
every record as it is given. One record is written as JSON, or as ``label: value`` lines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import enum
import json
import math
import sys
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator, Sequence
from contextlib import aclosing
from typing import Any, Generic, Protocol, TextIO, TypeVar

from attrs import frozen

from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli._errors import ExitCode, UsageError
from telnyx_wireless_async.cli._records import csv_row
from telnyx_wireless_async.cli._terminal import printable

__all__ = [
    "Column",
    "RecordWriter",
    "destination",
    "make_record_writer",
    "paging",
    "record_format",
    "run_listing",
    "text",
    "write_fields",
    "write_json",
    "write_listing",
]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


def text(value: object) -> str:
    """Return a field's value as a table cell: an enum's value, empty for None."""
    if value is None:
        return ""
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


@frozen
class Column(Generic[T]):
    """A table column: its heading, width and alignment (``<`` or ``>``), and its cell."""

    heading: str
    width: int
    align: str
    cell: Callable[[T], str]


class RecordWriter(Protocol[T_contra]):
    """Writes records one by one."""

    def write(self, record: T_contra) -> None:
        """Write one record."""


class _JsonLines:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, record: object) -> None:
        self._stream.write(json.dumps(unstructure(record), separators=(",", ":")) + "\n")


class _Csv:
    def __init__(self, stream: TextIO, columns: tuple[str, ...]) -> None:
        self._columns = columns
        self._writer = csv.writer(stream, lineterminator="\n")
        # As for cards: a lone "\r" in a cell is a line break to readers, unless quoted.
        self._quoting_writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._writer.writerow(columns)

    def write(self, record: object) -> None:
        row = csv_row(unstructure(record), self._columns)
        writer = self._quoting_writer if "\r" in "".join(row) else self._writer
        writer.writerow(row)


class _Table(Generic[T]):
    def __init__(self, stream: TextIO, columns: Sequence[Column[T]]) -> None:
        self._stream = stream
        *self._fixed, self._last = columns
        self._line([column.heading for column in columns])

    def _line(self, cells: list[str]) -> None:
        # The escapes go in before the padding, so the columns still line up.
        cells = [printable(cell) for cell in cells]
        fixed = "  ".join(
            f"{cell:{column.align}{column.width}}"
            for cell, column in zip(cells, self._fixed, strict=False)
        )
        self._stream.write(f"{fixed}  {cells[-1]}".rstrip() + "\n")

    def write(self, record: T) -> None:
        self._line([column.cell(record) for column in (*self._fixed, self._last)])


def make_record_writer(
    fmt: str,
    stream: TextIO,
    *,
    table: Sequence[Column[T]],
    csv_columns: tuple[str, ...],
) -> RecordWriter[T]:
    """Return the writer for format `fmt` (``table``, ``jsonl`` or ``csv``) on `stream`.

    Args:
        fmt: The format.
        stream: Where to write.
        table: The table's columns; the last one takes the width it needs.
        csv_columns: The CSV columns, named by their path in the API's JSON.
    """
    if fmt == "table":
        return _Table(stream, table)
    if fmt == "csv":
        return _Csv(stream, csv_columns)
    if fmt == "jsonl":
        return _JsonLines(stream)
    raise ValueError(f"unknown format {fmt!r}; expected table, jsonl or csv")


@contextlib.contextmanager
def destination(path: str | None) -> Iterator[TextIO]:
    """Yield the stream to write to: standard output for None or ``-``, else the file `path`.

    Raises:
        UsageError: The file cannot be created.
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    with stream:
        yield stream


def paging(args: argparse.Namespace) -> tuple[int, int]:
    """Return the page size and prefetch of a listing, from the global options and ``--limit``.

    No point fetching ahead pages past the limit.
    """
    limit: int | None = args.limit
    page_size: int = args.page_size if limit is None else min(args.page_size, limit)
    prefetch: int = args.concurrency
    if limit is not None:
        prefetch = max(1, min(prefetch, math.ceil(limit / page_size) - 1))
    return page_size, prefetch


async def write_listing(
    items: AsyncGenerator[T, None], new_writer: Callable[[], RecordWriter[T]], limit: int | None
) -> int:
    """Write `items` as they come, at most `limit`; return how many were written.

    The writer (and its header) waits for the first item, so an API error prints nothing;
    an empty listing still gets its header.
    """
    writer: RecordWriter[T] | None = None
    count = 0
    async with aclosing(items):
        async for item in items:
            if writer is None:
                writer = new_writer()
            writer.write(item)
            count += 1
            if count == limit:
                break
    if writer is None:
        new_writer()
    return count


def run_listing(
    args: argparse.Namespace,
    write: Callable[[TextIO, str], Coroutine[Any, Any, int]],
    *,
    noun: str | None,
) -> int:
    """Run a listing command: ``write(stream, fmt)`` to ``--output`` in ``--format``.

    Without ``--format``: a table on a terminal, JSON Lines otherwise. With `noun`, a
    table written to a terminal is followed by the count on standard error.

    Returns:
        The exit status.
    """
    with destination(args.output) as stream:
        fmt = args.format or ("table" if stream.isatty() else "jsonl")
        count = asyncio.run(write(stream, fmt))
        stream.flush()
    if noun is not None and fmt == "table" and sys.stderr.isatty():
        sys.stderr.write(f"{count:,} {noun}{'s' if count != 1 else ''}\n")
    return ExitCode.OK


def record_format(fmt: str | None, stream: TextIO) -> str:
    """Return ``--format`` of a one-record command: as given, else text on a terminal."""
    return fmt or ("text" if stream.isatty() else "json")


def write_json(stream: TextIO, record: object) -> None:
    """Write one record as indented JSON, in the API's own shape."""
    stream.write(json.dumps(unstructure(record), indent=2) + "\n")


def write_fields(stream: TextIO, fields: Sequence[tuple[str, object]]) -> None:
    """Write ``label: value`` lines, values aligned and escaped; None and empty values are left out.

    A list value takes one line per item, the first beside the label.
    """
    shown = [(label, value) for label, value in fields if value is not None and value != ()]
    width = max((len(label) for label, _ in shown), default=0) + 2
    for label, value in shown:
        items = value if isinstance(value, tuple | list) else (value,)
        for number, item in enumerate(items):
            head = f"{label}:" if number == 0 else ""
            stream.write(f"{head:<{width}}{printable(text(item))}".rstrip() + "\n")
