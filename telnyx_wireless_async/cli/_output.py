"""Writers that put SIM cards on a text stream one at a time: a table, JSON Lines, or CSV.

Each writes its header (if any) when created and every card as it is given, so a stream of a
million cards never holds more than one of them.
"""

from __future__ import annotations

import csv
import enum
import json
from typing import Protocol, TextIO

from telnyx_wireless_async.cli._records import (
    CSV_COLUMNS,
    CSV_GROUP_COLUMNS,
    card_to_json,
    csv_row,
    format_amount,
)
from telnyx_wireless_async.cli._terminal import is_printable, printable
from telnyx_wireless_async.models import SimCard

__all__ = ["FORMATS", "CardWriter", "CsvWriter", "JsonLinesWriter", "TableWriter", "make_writer"]

FORMATS = ("table", "jsonl", "csv")


class CardWriter(Protocol):
    """Writes SIM cards one by one."""

    def write(self, card: SimCard) -> None:
        """Write one card."""


class JsonLinesWriter:
    """One JSON object per line, in the API's own shape (see `card_to_json`)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, card: SimCard) -> None:
        """Write one card as a line of JSON."""
        self._stream.write(json.dumps(card_to_json(card), separators=(",", ":")) + "\n")


class CsvWriter:
    """A header row, then one row per card; columns are named by their JSON path.

    Cells hold exactly what the API sent, control characters included.
    """

    def __init__(self, stream: TextIO, *, include_group: bool = False) -> None:
        self._columns = CSV_COLUMNS + (CSV_GROUP_COLUMNS if include_group else ())
        self._writer = csv.writer(stream, lineterminator="\n")
        # The csv module quotes a cell holding the line terminator, "\n", but not one holding
        # a lone "\r", which readers take for a line break: such rows get every cell quoted.
        self._quoting_writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._writer.writerow(self._columns)

    def write(self, card: SimCard) -> None:
        """Write one card as a CSV row."""
        row = csv_row(card_to_json(card), self._columns)
        writer = self._quoting_writer if "\r" in "".join(row) else self._writer
        writer.writerow(row)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


class TableWriter:
    """Fixed-width columns for people, with the tags last; one line per card, as it comes.

    Control characters in the cards are written as visible escapes (see `printable`).
    """

    # (heading, width, alignment); the last column, tags, takes what it needs.
    _COLUMNS: tuple[tuple[str, int, str], ...] = (
        ("ICCID", 20, "<"),
        ("MSISDN", 13, "<"),
        ("STATUS", 19, "<"),
        ("TYPE", 8, "<"),
        ("USED", 10, ">"),
        ("LIMIT", 9, ">"),
    )
    _GROUP_COLUMN = ("GROUP", 16, "<")

    def __init__(self, stream: TextIO, *, include_group: bool = False) -> None:
        self._stream = stream
        self._include_group = include_group
        self._columns = self._COLUMNS + ((self._GROUP_COLUMN,) if include_group else ())
        self._line([heading for heading, _, _ in self._columns], "TAGS")

    def _line(self, cells: list[str], tags: str) -> None:
        # One check of the whole line in the usual case; the escapes go in before the
        # padding, so the columns still line up.
        if not is_printable("".join(cells) + tags):
            cells, tags = [printable(cell) for cell in cells], printable(tags)
        fixed = "  ".join(
            f"{cell:{align}{width}}"
            for cell, (_, width, align) in zip(cells, self._columns, strict=True)
        )
        self._stream.write(f"{fixed}  {tags}".rstrip() + "\n")

    def write(self, card: SimCard) -> None:
        """Write one card as a table row."""
        cells = [
            _text(card.iccid),
            _text(card.msisdn),
            _text(card.status.value if card.status is not None else None),
            _text(card.type),
            format_amount(card.current_billing_period_consumed_data),
            format_amount(card.data_limit),
        ]
        if self._include_group:
            group = card.sim_card_group
            cells.append(_text(group.name if group is not None else None))
        self._line(cells, ",".join(card.tags))


def make_writer(fmt: str, stream: TextIO, *, include_group: bool) -> CardWriter:
    """Return the writer for format `fmt` (one of `FORMATS`) on `stream`."""
    if fmt == "table":
        return TableWriter(stream, include_group=include_group)
    if fmt == "csv":
        return CsvWriter(stream, include_group=include_group)
    if fmt == "jsonl":
        return JsonLinesWriter(stream)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
