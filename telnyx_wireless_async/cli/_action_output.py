"""Per-card outcomes of ``enable``, ``disable`` and ``standby`` as a table, JSON Lines or CSV.

Each row is the JSON object of a ledger entry (see `ActionLedgerEntry.to_json`), or, for a
dry run, what would be done: ``outcome`` is then ``would_act``, ``already``, ``settled`` (the
ledger settles the card) or ``not_found``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any, Protocol, TextIO

from telnyx_wireless_async.cli._records import csv_row
from telnyx_wireless_async.cli._terminal import printable

__all__ = ["CSV_COLUMNS", "OutcomeWriter", "make_outcome_writer"]

CSV_COLUMNS: tuple[str, ...] = (
    "sim_card_id",
    "action",
    "outcome",
    "status",
    "action_id",
    "reason",
    "error.code",
    "error.title",
    "error.detail",
    "permanent",
    "at",
)
"""CSV columns, named by their path in the JSON object of a row."""


class OutcomeWriter(Protocol):
    """Writes one row per card."""

    def write(self, record: Mapping[str, Any]) -> None:
        """Write one card's row."""


class _JsonLines:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, record: Mapping[str, Any]) -> None:
        self._stream.write(json.dumps(record, separators=(",", ":")) + "\n")


class _Csv:
    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        # As the cards' CSV: a lone "\r" in a cell gets the row quoted throughout.
        self._quoting = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._writer.writerow(CSV_COLUMNS)

    def write(self, record: Mapping[str, Any]) -> None:
        row = csv_row(record, CSV_COLUMNS)
        (self._quoting if "\r" in "".join(row) else self._writer).writerow(row)


class _Table:
    _COLUMNS = (("SIM CARD ID", 36), ("OUTCOME", 9), ("STATUS", 19))

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._line([heading for heading, _ in self._COLUMNS], "REASON")

    def _line(self, cells: list[str], reason: str) -> None:
        fixed = "  ".join(
            f"{printable(cell):<{width}}"
            for cell, (_, width) in zip(cells, self._COLUMNS, strict=True)
        )
        self._stream.write(f"{fixed}  {printable(reason)}".rstrip() + "\n")

    def write(self, record: Mapping[str, Any]) -> None:
        cells = [str(record.get(name) or "") for name in ("sim_card_id", "outcome", "status")]
        self._line(cells, str(record.get("reason") or ""))


def make_outcome_writer(fmt: str, stream: TextIO) -> OutcomeWriter:
    """Return the writer for `fmt` (``table``, ``jsonl`` or ``csv``) on `stream`."""
    if fmt == "table":
        return _Table(stream)
    if fmt == "csv":
        return _Csv(stream)
    if fmt == "jsonl":
        return _JsonLines(stream)
    raise ValueError(f"unknown format {fmt!r}; expected table, jsonl or csv")
