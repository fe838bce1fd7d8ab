"""A `SimCard` as plain data: the API's JSON shape for JSON Lines, flat columns for CSV."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.models import DataAmount, SimCard

__all__ = ["CSV_COLUMNS", "CSV_GROUP_COLUMNS", "card_to_json", "csv_row", "format_amount"]

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "iccid",
    "msisdn",
    "imsi",
    "type",
    "status.value",
    "tags",
    "sim_card_group_id",
    "data_limit.amount",
    "data_limit.unit",
    "current_billing_period_consumed_data.amount",
    "current_billing_period_consumed_data.unit",
    "actions_in_progress",
    "voice_enabled",
    "esim_installation_status",
    "eid",
    "version",
    "authorized_imeis",
    "created_at",
    "updated_at",
)
"""CSV columns, named by their path in the API's JSON. Lists are joined with ``;``."""

CSV_GROUP_COLUMNS: tuple[str, ...] = ("sim_card_group.name",)
"""Added to `CSV_COLUMNS` when the cards come with their group."""


def card_to_json(card: SimCard) -> dict[str, Any]:
    """Return the card as the API's JSON object: wire names, amounts and timestamps as strings.

    The SDK's converter writes it (`unstructure`), as it writes request bodies: the
    command line has no rules of its own for amounts, timestamps or enums.
    """
    record: dict[str, Any] = unstructure(card)
    return record


def _lookup(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for name in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    if isinstance(value, Mapping):  # an action's settings, say: JSON, not Python's repr
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def csv_row(record: Mapping[str, Any], columns: tuple[str, ...]) -> list[str]:
    """Return the cells of one CSV row from a `card_to_json` record."""
    return [_cell(_lookup(record, column)) for column in columns]


def format_amount(amount: DataAmount | None) -> str:
    """Write an amount of data for people, e.g. ``191.7 MB``; empty when unknown."""
    if amount is None or amount.amount is None:
        return ""
    unit = amount.unit.value if isinstance(amount.unit, enum.Enum) else amount.unit
    return f"{amount.amount} {unit or ''}".strip()
