"""The command line's JSON Lines and CSV records, byte for byte.

They are written by the SDK's converter (`_serde.unstructure`); these records were
written by the command line's own serialiser before it went, and must not change.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from telnyx_wireless_async import SimCard
from telnyx_wireless_async._serde import structure_cards
from telnyx_wireless_async.cli._output import make_writer
from telnyx_wireless_async.cli._records import card_to_json

SAMPLES = Path(__file__).parent / "samples"


def odd_card() -> SimCard:
    """The documented card with a timestamp out of UTC's range, microseconds, and more."""
    raw: dict[str, Any] = json.loads((SAMPLES / "list_sim_cards.json").read_text())["data"][0]
    raw["created_at"] = "9999-12-31T23:00:00-05:00"  # in UTC: the year 10000
    raw["updated_at"] = "2018-02-02T22:25:27.123456+01:00"
    raw["resources_with_in_progress_actions"] = [{"id": "r1", "steps": [1, {"n": None}]}]
    raw["status"]["reason"] = "ünicode"
    raw["sim_card_group"] = {"id": "g", "name": "Fleet", "data_limit": {"amount": "1.50"}}
    raw["sim_card_group"]["data_limit"]["unit"] = "GB"
    (card,) = structure_cards([raw])
    return card


def written(fmt: str, card: SimCard) -> str:
    out = io.StringIO()
    make_writer(fmt, out, include_group=True).write(card)
    return out.getvalue()


JSON_LINE = (
    '{"id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58","record_type":"sim_card",'
    '"status":{"value":"enabled","reason":"\\u00fcnicode"},"type":"physical",'
    '"iccid":"89310410106543789301","imsi":"081932214823362973","msisdn":"+13109976224",'
    '"sim_card_group_id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58",'
    '"tags":["personal","customers","active-customers"],'
    '"data_limit":{"amount":"2048.0","unit":"MB"},'
    '"current_billing_period_consumed_data":{"amount":"2049.0","unit":"MB"},'
    '"actions_in_progress":true,"created_at":"9999-12-31T23:00:00.000-05:00",'
    '"updated_at":"2018-02-02T21:25:27.123456Z","esim_installation_status":"released",'
    '"version":"4.3","resources_with_in_progress_actions":[{"id":"r1","steps":[1,{"n":null}]}],'
    '"eid":null,"authorized_imeis":["106516771852751","534051870479563","508821468377961"],'
    '"voice_enabled":null,"sim_card_group":{"id":"g","record_type":null,"name":"Fleet",'
    '"default":null,"data_limit":{"amount":"1.50","unit":"GB"},"consumed_data":null,'
    '"private_wireless_gateway_id":null,"wireless_blocklist_id":null,"created_at":null,'
    '"updated_at":null}}\n'
)

CSV_ROW = (
    "6a09cdc3-8948-47f0-aa62-74ac943d6c58,89310410106543789301,+13109976224,"
    "081932214823362973,physical,enabled,personal;customers;active-customers,"
    "6a09cdc3-8948-47f0-aa62-74ac943d6c58,2048.0,MB,2049.0,MB,true,,released,,4.3,"
    "106516771852751;534051870479563;508821468377961,9999-12-31T23:00:00.000-05:00,"
    "2018-02-02T21:25:27.123456Z,Fleet\n"
)


def test_a_json_line_is_unchanged_byte_for_byte() -> None:
    assert written("jsonl", odd_card()) == JSON_LINE


def test_a_csv_row_is_unchanged_byte_for_byte() -> None:
    header, row = written("csv", odd_card()).splitlines(keepends=True)
    assert header.startswith("id,iccid,msisdn,")
    assert header.endswith(",sim_card_group.name\n")
    assert row == CSV_ROW


def test_a_card_without_its_group_leaves_the_group_out() -> None:
    record = card_to_json(SimCard(id="a"))
    assert "sim_card_group" not in record
    assert record["eid"] is None
    # Every other field is null but id and the two lists, written empty.
    assert written("jsonl", SimCard(id="a")).count(":null") == len(record) - 3
