"""The emulator, checked over real HTTP with a plain aiohttp client (never the SDK).

Expectations are derived independently of the emulator's code: filters are re-applied in the test
to the unfiltered listing, Luhn validity is checked with a separate implementation, and so on.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async.testing import (
    Emulator,
    EmulatorState,
    Fault,
    create_app,
    registration_code,
)
from telnyx_wireless_async.testing._inventory import (
    CARD_STATUSES,
    MAX_INVENTORY_SIZE,
    TRANSITIONAL_STATUSES,
    UNAUTHORIZED_IMEI_INTERVAL,
    Inventory,
    is_valid_registration_code,
)

# pytester runs the plugin's own tests in a scratch directory.
pytest_plugins = ["pytester"]

KEY = "emulator-test-key"
SIZE = 240  # one 250-card page holds everything, and UNAUTHORIZED_IMEI_INTERVAL fits 5 times
SEED = 11
SORT = "current_billing_period_consumed_data.amount"
PROJECT_ROOT = Path(__file__).resolve().parents[1]

Params = dict[str, str] | Sequence[tuple[str, str]]
Json = dict[str, Any]


def luhn_valid(number: str) -> bool:
    """Validate a full number (payload + check digit) the textbook way."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def with_wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


class Api:
    """A thin raw-HTTP helper around one emulator."""

    def __init__(self, http: aiohttp.ClientSession, base: str, key: str = KEY) -> None:
        self.http = http
        self.base = base
        self.headers = {"Authorization": f"Bearer {key}"}

    async def page(self, params: Params = ()) -> tuple[int, Json]:
        async with self.http.get(
            f"{self.base}/sim_cards", params=params, headers=self.headers
        ) as response:
            return response.status, await response.json()

    async def page_ok(self, params: Params = ()) -> Json:
        status, body = await self.page(params)
        assert status == 200, body
        return body

    async def everything(self, params: Params = ()) -> list[Json]:
        """Every card matching ``params``, walking pages of 250."""
        cards: list[Json] = []
        number = 1
        while True:
            query = [*_pairs(params), ("page[size]", "250"), ("page[number]", str(number))]
            body = await self.page_ok(query)
            cards.extend(body["data"])
            if number >= body["meta"]["total_pages"]:
                return cards
            number += 1

    async def register(self, payload: object) -> tuple[int, Json]:
        async with self.http.post(
            f"{self.base}/actions/register/sim_cards", json=payload, headers=self.headers
        ) as response:
            return response.status, await response.json()


def _pairs(params: Params) -> list[tuple[str, str]]:
    return list(params.items()) if isinstance(params, dict) else list(params)


@pytest.fixture
def emulator_state() -> EmulatorState:
    return EmulatorState(api_key=KEY, inventory_size=SIZE, seed=SEED)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
async def emulator_server(emulator_state: EmulatorState) -> AsyncIterator[TestServer]:
    test_server = TestServer(create_app(emulator_state), host="127.0.0.1")
    async with test_server:
        yield test_server


@pytest.fixture
def api(http: aiohttp.ClientSession, emulator_server: TestServer) -> Api:
    return Api(http, str(emulator_server.make_url("/v2")))


@pytest.fixture
async def all_cards(api: Api) -> list[Json]:
    cards = await api.everything()
    assert len(cards) == SIZE
    return cards


# -- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-key"},
        {"Authorization": f"Basic {KEY}"},
        {"Authorization": "Bearer"},
        {"Authorization": KEY},
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_requests_without_the_right_key_get_401(
    http: aiohttp.ClientSession, api: Api, headers: dict[str, str], method: str
) -> None:
    path = "/sim_cards" if method == "GET" else "/actions/register/sim_cards"
    payload = {"registration_codes": [registration_code(1)]}
    async with http.request(method, api.base + path, headers=headers, json=payload) as response:
        assert response.status == 401
        assert response.content_type == "application/json"
        text = await response.text()
        body = await response.json()
    assert body["errors"][0]["code"] == "10009"
    assert body["errors"][0]["title"] == "Authentication failed"
    assert body["errors"][0]["detail"]
    assert KEY not in text


async def test_scheme_is_case_insensitive(http: aiohttp.ClientSession, api: Api) -> None:
    async with http.get(
        api.base + "/sim_cards", headers={"Authorization": f"bearer {KEY}"}
    ) as response:
        assert response.status == 200


# -- pagination -----------------------------------------------------------------------------


async def test_default_page_is_the_first_twenty(api: Api, all_cards: list[Json]) -> None:
    body = await api.page_ok()
    assert body["data"] == all_cards[:20]
    assert body["meta"] == {
        "page_number": 1,
        "page_size": 20,
        "total_pages": math.ceil(SIZE / 20),
        "total_results": SIZE,
    }


@pytest.mark.parametrize(
    ("size", "number"), [(1, 1), (1, SIZE), (7, 3), (7, 35), (50, 5), (250, 1)]
)
async def test_pages_slice_the_inventory(
    api: Api, all_cards: list[Json], size: int, number: int
) -> None:
    body = await api.page_ok({"page[size]": str(size), "page[number]": str(number)})
    assert body["data"] == all_cards[(number - 1) * size : number * size]
    assert body["meta"] == {
        "page_number": number,
        "page_size": size,
        "total_pages": math.ceil(SIZE / size),
        "total_results": SIZE,
    }


async def test_page_beyond_the_last_is_empty_with_correct_meta(api: Api) -> None:
    body = await api.page_ok({"page[size]": "100", "page[number]": "9"})
    assert body["data"] == []
    assert body["meta"] == {
        "page_number": 9,
        "page_size": 100,
        "total_pages": math.ceil(SIZE / 100),
        "total_results": SIZE,
    }


async def test_cards_are_unique_and_complete(all_cards: list[Json]) -> None:
    for field in ("id", "iccid", "imsi", "msisdn"):
        assert len({card[field] for card in all_cards}) == SIZE, field


def test_msisdns_stay_unique_up_to_the_largest_inventory() -> None:
    # Nothing is stored per card, so the largest inventory costs nothing until cards are built.
    inventory = Inventory(size=MAX_INVENTORY_SIZE, seed=SEED)
    ten_million = 10**7  # past it, the last seven digits of an MSISDN repeat
    endings = [*range(300), *range(ten_million - 300, ten_million)]
    indexes = [
        ending + ten_million * block
        for ending in endings
        for block in range(MAX_INVENTORY_SIZE // ten_million)
    ]
    assert {ten_million - 1, ten_million, MAX_INVENTORY_SIZE - 1} <= set(indexes)
    msisdns = [inventory.card(index)["msisdn"] for index in indexes]
    assert all(re.fullmatch(r"\+1[0-9]{10}", msisdn) for msisdn in msisdns)
    assert len(set(msisdns)) == len(indexes)


async def test_a_million_cards_page_without_materialising(http: aiohttp.ClientSession) -> None:
    state = EmulatorState(api_key=KEY, inventory_size=1_000_000, seed=SEED)
    async with TestServer(create_app(state), host="127.0.0.1") as server:
        api = Api(http, str(server.make_url("/v2")))
        last = await api.page_ok({"page[size]": "250", "page[number]": "4000"})
    assert last["meta"]["total_pages"] == 4000
    assert last["meta"]["total_results"] == 1_000_000
    assert len(last["data"]) == 250
    assert last["data"][-1]["iccid"] == state.inventory.card(999_999)["iccid"]


# -- filters --------------------------------------------------------------------------------


async def test_tags_filter_requires_all_tags(api: Api, all_cards: list[Json]) -> None:
    multi_tagged = next(card for card in all_cards if len(card["tags"]) >= 2)
    wanted = multi_tagged["tags"][:2]
    expected = [card for card in all_cards if set(wanted) <= set(card["tags"])]
    with_first = [card for card in all_cards if wanted[0] in card["tags"]]
    assert multi_tagged in expected
    assert len(expected) < len(with_first)  # all-of, not any-of
    assert await api.everything({"filter[tags]": ",".join(wanted)}) == expected
    assert await api.everything({"filter[tags]": wanted[0]}) == with_first


async def test_iccid_filter_matches_substrings(api: Api, all_cards: list[Json]) -> None:
    fragment = all_cards[137]["iccid"][12:16]
    expected = [card for card in all_cards if fragment in card["iccid"]]
    assert all_cards[137] in expected
    assert len(expected) < SIZE
    assert await api.everything({"filter[iccid]": fragment}) == expected


async def test_msisdn_filter_matches_substrings(api: Api, all_cards: list[Json]) -> None:
    # A leading "+" must survive URL encoding for this to match anything.
    fragment = all_cards[42]["msisdn"][:5]
    expected = [card for card in all_cards if fragment in card["msisdn"]]
    assert fragment.startswith("+1")
    assert all_cards[42] in expected
    assert len(expected) < SIZE
    assert await api.everything({"filter[msisdn]": fragment}) == expected


@pytest.mark.parametrize(
    "statuses",
    [
        ["enabled"],
        ["disabled"],
        ["standby"],
        ["data_limit_exceeded"],
        ["disabled", "standby"],
        ["enabled", "data_limit_exceeded", "standby"],
    ],
)
async def test_status_filter_matches_any_status(
    api: Api, all_cards: list[Json], statuses: list[str]
) -> None:
    expected = [card for card in all_cards if card["status"]["value"] in statuses]
    assert expected
    assert await api.everything({"filter[status]": ",".join(statuses)}) == expected


async def test_unauthorized_imei_filter_matches_the_flagged_subset(
    api: Api, all_cards: list[Json]
) -> None:
    flagged = [all_cards[i] for i in range(0, SIZE, UNAUTHORIZED_IMEI_INTERVAL)]
    assert await api.everything({"filter[status]": "unauthorized_imei"}) == flagged
    # A card can be used from an unauthorized IMEI only if it has an IMEI allow-list.
    assert all(card["authorized_imeis"] for card in flagged)

    combined = [
        card
        for position, card in enumerate(all_cards)
        if card["status"]["value"] == "disabled" or position % UNAUTHORIZED_IMEI_INTERVAL == 0
    ]
    found = await api.everything({"filter[status]": "disabled,unauthorized_imei"})
    assert found == combined


async def test_group_filter(api: Api, all_cards: list[Json]) -> None:
    group_ids = sorted({card["sim_card_group_id"] for card in all_cards})
    assert len(group_ids) > 1
    for group_id in group_ids:
        expected = [card for card in all_cards if card["sim_card_group_id"] == group_id]
        assert await api.everything({"filter[sim_card_group_id]": group_id}) == expected
        upper = await api.everything({"filter[sim_card_group_id]": group_id.upper()})
        assert upper == expected


async def test_unknown_group_gives_no_pages(api: Api) -> None:
    body = await api.page_ok({"filter[sim_card_group_id]": "00000000-0000-4000-8000-000000000000"})
    assert body["data"] == []
    assert body["meta"]["total_results"] == 0
    assert body["meta"]["total_pages"] == 0


async def test_filters_combine(api: Api, all_cards: list[Json]) -> None:
    group_id = all_cards[0]["sim_card_group_id"]
    expected = [
        card
        for card in all_cards
        if card["sim_card_group_id"] == group_id and card["status"]["value"] == "enabled"
    ]
    params = {"filter[sim_card_group_id]": group_id, "filter[status]": "enabled"}
    assert await api.everything(params) == expected


@pytest.mark.parametrize(
    ("name", "values"),
    [("filter[tags]", ["customers", "test"]), ("filter[status]", ["standby", "disabled"])],
)
async def test_comma_and_repeated_array_forms_agree(api: Api, name: str, values: list[str]) -> None:
    comma = await api.everything({name: ",".join(values)})
    repeated = await api.everything([(f"{name}[]", value) for value in values])
    assert comma == repeated
    assert comma != await api.everything()


async def test_unknown_parameters_are_ignored(api: Api, all_cards: list[Json]) -> None:
    body = await api.page_ok({"filter[colour]": "blue", "page[size]": "250"})
    assert body["data"] == all_cards


# -- sorting --------------------------------------------------------------------------------


def _consumed(card: Json) -> float:
    return float(card["current_billing_period_consumed_data"]["amount"])


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_by_consumed_data(api: Api, all_cards: list[Json], descending: bool) -> None:
    position = {card["id"]: index for index, card in enumerate(all_cards)}
    expected = sorted(
        all_cards,
        key=lambda card: (
            -_consumed(card) if descending else _consumed(card),
            position[card["id"]],
        ),
    )
    assert expected != all_cards
    sort = f"-{SORT}" if descending else SORT
    # Small pages, so ordering must also hold across page boundaries.
    found: list[Json] = []
    for number in range(1, math.ceil(SIZE / 50) + 1):
        body = await api.page_ok({"sort": sort, "page[size]": "50", "page[number]": str(number)})
        found.extend(body["data"])
    assert found == expected


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_ties_keep_inventory_order(api: Api, descending: bool) -> None:
    # Freshly registered cards have consumed nothing, so they tie with each other.
    codes = [registration_code(n) for n in (31, 32, 33, 34)]
    status, _ = await api.register({"registration_codes": codes})
    assert status == 202
    listed = await api.everything()
    amounts = [_consumed(card) for card in listed]
    assert len(set(amounts)) < len(amounts)
    expected = [
        card
        for _, _, card in sorted(
            ((-amount if descending else amount), position, card)
            for position, (amount, card) in enumerate(zip(amounts, listed, strict=True))
        )
    ]
    sort = f"-{SORT}" if descending else SORT
    assert await api.everything({"sort": sort}) == expected


async def test_sort_applies_after_filters(api: Api, all_cards: list[Json]) -> None:
    expected = sorted(
        (card for card in all_cards if card["status"]["value"] == "enabled"),
        key=_consumed,
    )
    assert await api.everything({"filter[status]": "enabled", "sort": SORT}) == expected


# -- invalid parameters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("page[size]", "0"),
        ("page[size]", "251"),
        ("page[size]", "ten"),
        ("page[size]", "2.5"),
        ("page[size]", "+5"),
        ("page[number]", "0"),
        ("page[number]", "-3"),
        ("page[number]", "first"),
        ("filter[status]", "bogus"),
        ("filter[status]", "enabled,registering"),
        ("filter[status][]", "frozen"),
        ("sort", "iccid"),
        ("sort", "+current_billing_period_consumed_data.amount"),
        ("filter[sim_card_group_id]", "not-a-uuid"),
        ("filter[sim_card_group_id]", "47a1c2b0cc7b4ab1bb98b33fb0fc61b9"),
        ("include_sim_card_group", "yes"),
    ],
)
async def test_invalid_parameters_get_400_naming_them(api: Api, parameter: str, value: str) -> None:
    status, body = await api.page({parameter: value})
    assert status == 400
    [error] = body["errors"]
    assert error["source"] == {"parameter": parameter}
    assert error["code"] == "10015"
    bad_item = value.split(",")[-1]
    assert bad_item in error["detail"]


# Python's int() refuses strings of more than 4300 digits, leading zeros included.
_MANY_DIGITS = "9" * 5000


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("page[number]", _MANY_DIGITS),
        ("page[number]", "-" + _MANY_DIGITS),
        ("page[number]", "9" * 4000),
        ("page[number]", str(2**31)),
        ("page[size]", _MANY_DIGITS),
    ],
)
async def test_huge_page_numbers_and_sizes_get_400_naming_them(
    api: Api, parameter: str, value: str
) -> None:
    status, body = await api.page({parameter: value})
    assert status == 400, body
    [error] = body["errors"]
    assert error["source"] == {"parameter": parameter}
    assert error["code"] == "10015"
    assert value[:20] in error["detail"]
    assert len(error["detail"]) < 200


async def test_leading_zeros_do_not_make_a_page_number_huge(
    api: Api, all_cards: list[Json]
) -> None:
    body = await api.page_ok({"page[size]": "7", "page[number]": "0" * 5000 + "2"})
    assert body["data"] == all_cards[7:14]
    assert (body["meta"]["page_number"], body["meta"]["page_size"]) == (2, 7)


# -- include_sim_card_group -----------------------------------------------------------------


async def test_include_sim_card_group(api: Api, all_cards: list[Json]) -> None:
    with_groups = await api.everything({"include_sim_card_group": "true"})
    assert [{k: v for k, v in card.items() if k != "sim_card_group"} for card in with_groups] == (
        all_cards
    )
    groups: dict[str, Json] = {}
    for card in with_groups:
        group = card["sim_card_group"]
        assert group["id"] == card["sim_card_group_id"]
        assert groups.setdefault(group["id"], group) == group  # same group, same object
    assert "sim_card_group" not in all_cards[0]
    assert await api.everything({"include_sim_card_group": "false"}) == all_cards
    assert sum(group["default"] for group in groups.values()) <= 1
    for group in groups.values():
        assert group["record_type"] == "sim_card_group"
        assert set(group) == {
            "id",
            "record_type",
            "name",
            "default",
            "data_limit",
            "consumed_data",
            "private_wireless_gateway_id",
            "wireless_blocklist_id",
            "created_at",
            "updated_at",
        }
        assert group["data_limit"]["unit"] in ("MB", "GB")


# -- card shape -----------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_AMOUNT = re.compile(r"\d+\.\d+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CARD_FIELDS = {
    "id",
    "record_type",
    "status",
    "type",
    "iccid",
    "imsi",
    "msisdn",
    "sim_card_group_id",
    "tags",
    "data_limit",
    "current_billing_period_consumed_data",
    "actions_in_progress",
    "created_at",
    "updated_at",
    "esim_installation_status",
    "version",
    "resources_with_in_progress_actions",
    "eid",
    "authorized_imeis",
    "voice_enabled",
}


def assert_simple_sim_card(card: Json) -> None:
    assert set(card) == _CARD_FIELDS
    assert _UUID.fullmatch(card["id"])
    assert _UUID.fullmatch(card["sim_card_group_id"])
    assert card["record_type"] == "sim_card"
    assert card["status"]["value"] in CARD_STATUSES
    assert card["status"]["reason"]
    assert re.fullmatch(r"\d{19,20}", card["iccid"])
    assert luhn_valid(card["iccid"])
    assert re.fullmatch(r"\d{15}", card["imsi"])
    assert re.fullmatch(r"\+1\d{10}", card["msisdn"])
    assert all(isinstance(tag, str) for tag in card["tags"])
    assert len(card["tags"]) <= 3
    assert _AMOUNT.fullmatch(card["data_limit"]["amount"])
    assert card["data_limit"]["unit"] in ("MB", "GB")
    assert _AMOUNT.fullmatch(card["current_billing_period_consumed_data"]["amount"])
    assert card["current_billing_period_consumed_data"]["unit"] == "MB"
    assert isinstance(card["actions_in_progress"], bool)
    assert _TIMESTAMP.fullmatch(card["created_at"])
    assert _TIMESTAMP.fullmatch(card["updated_at"])
    assert card["updated_at"] >= card["created_at"]
    assert isinstance(card["version"], str)
    assert card["resources_with_in_progress_actions"] == []
    assert isinstance(card["voice_enabled"], bool)
    if card["type"] == "esim":
        assert card["esim_installation_status"] in ("released", "disabled")
        assert isinstance(card["eid"], str)
    else:
        assert card["type"] == "physical"
        assert card["esim_installation_status"] is None
        assert card["eid"] is None
    imeis = card["authorized_imeis"]
    assert imeis is None or all(re.fullmatch(r"\d{15}", imei) for imei in imeis)


async def test_cards_follow_the_schema_and_cover_every_status(
    http: aiohttp.ClientSession,
) -> None:
    state = EmulatorState(api_key=KEY, inventory_size=1000, seed=SEED)
    async with TestServer(create_app(state), host="127.0.0.1") as server:
        cards = await Api(http, str(server.make_url("/v2"))).everything()
    assert len(cards) == 1000
    for card in cards:
        assert_simple_sim_card(card)
    # Every stable status; a transit only while an action started through the API runs.
    assert {card["status"]["value"] for card in cards} == set(CARD_STATUSES) - TRANSITIONAL_STATUSES
    assert not any(card["actions_in_progress"] for card in cards)
    assert {card["type"] for card in cards} == {"physical", "esim"}
    assert {len(card["tags"]) for card in cards} == {0, 1, 2, 3}
    assert len({card["current_billing_period_consumed_data"]["amount"] for card in cards}) > 900


# -- determinism ----------------------------------------------------------------------------


async def _listing(http: aiohttp.ClientSession, seed: int) -> list[Json]:
    state = EmulatorState(api_key=KEY, inventory_size=60, seed=seed)
    async with TestServer(create_app(state), host="127.0.0.1") as server:
        return await Api(http, str(server.make_url("/v2"))).everything(
            {"include_sim_card_group": "true"}
        )


async def test_same_seed_same_cards_other_seed_other_cards(http: aiohttp.ClientSession) -> None:
    first = await _listing(http, seed=5)
    again = await _listing(http, seed=5)
    other = await _listing(http, seed=6)
    assert first == again
    assert {card["id"] for card in first}.isdisjoint(card["id"] for card in other)
    assert [card["iccid"] for card in first] != [card["iccid"] for card in other]
    assert [card["status"] for card in first] != [card["status"] for card in other]


# -- registration codes ---------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 7, 42, 123_456_789, 999_999_999])
def test_registration_code_is_padded_n_plus_luhn_digit(n: int) -> None:
    code = registration_code(n)
    assert len(code) == 10
    assert code[:9] == str(n).zfill(9)
    assert luhn_valid(code)
    assert is_valid_registration_code(code)
    assert not is_valid_registration_code(with_wrong_check_digit(code))


@pytest.mark.parametrize(
    "code",
    ["", "123", "00000000000", "000000000a", "\u0660" * 10, None, 18, ["0000000000"]],
)
def test_malformed_codes_are_invalid(code: object) -> None:
    assert not is_valid_registration_code(code)


@pytest.mark.parametrize("n", [-1, 10**9])
def test_registration_code_rejects_n_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="between"):
        registration_code(n)


# -- registration ---------------------------------------------------------------------------


async def test_registration_reports_each_bad_code_and_lists_the_new_cards(
    api: Api, emulator_state: EmulatorState, all_cards: list[Json]
) -> None:
    earlier, first, second = registration_code(500), registration_code(501), registration_code(502)
    status, body = await api.register({"registration_codes": [earlier]})
    assert status == 202
    assert body["errors"] == []

    group_id = next(card["sim_card_group_id"] for card in all_cards[5:])
    codes = [
        first,  # registers
        "12345",  # too short
        second,  # registers
        first,  # duplicate within this request
        with_wrong_check_digit(registration_code(503)),  # fails the Luhn check
        earlier,  # registered by the earlier request
    ]
    status, body = await api.register(
        {
            "registration_codes": codes,
            "status": "standby",
            "tags": ["lab", "batch-7"],
            "sim_card_group_id": group_id,
        }
    )
    assert status == 202

    by_pointer = {error["source"]["pointer"]: error for error in body["errors"]}
    assert set(by_pointer) == {f"/registration_codes/{i}" for i in (1, 3, 4, 5)}
    for pointer, error in by_pointer.items():
        assert codes[int(pointer.rsplit("/", 1)[1])] in error["detail"]
    invalid = {by_pointer[f"/registration_codes/{i}"]["code"] for i in (1, 4)}
    already = {by_pointer[f"/registration_codes/{i}"]["code"] for i in (3, 5)}
    assert len(invalid) == 1
    assert len(already) == 1
    assert invalid != already
    assert by_pointer["/registration_codes/1"]["title"] == "Invalid registration code"
    assert "already" in by_pointer["/registration_codes/3"]["title"].lower()

    registered = body["data"]
    assert len(registered) == 2
    for card in registered:
        assert_simple_sim_card(card)
        assert card["status"]["value"] == "standby"
        assert card["tags"] == ["lab", "batch-7"]
        assert card["sim_card_group_id"] == group_id
    assert emulator_state.registered_codes == [earlier, first, second]

    listed = await api.everything()
    assert listed[:SIZE] == all_cards
    assert listed[SIZE + 1 :] == registered
    assert len(listed) == SIZE + 3
    assert len({card["iccid"] for card in listed}) == SIZE + 3

    found = await api.everything({"filter[tags]": "lab,batch-7"})
    assert found == registered


async def test_registration_defaults_to_enabled_in_the_default_group(
    api: Api, all_cards: list[Json]
) -> None:
    with_groups = await api.everything({"include_sim_card_group": "true"})
    default_groups = {
        card["sim_card_group"]["id"] for card in with_groups if card["sim_card_group"]["default"]
    }
    assert len(default_groups) == 1

    status, body = await api.register({"registration_codes": [registration_code(9)]})
    assert status == 202
    [card] = body["data"]
    assert card["status"]["value"] == "enabled"
    assert card["tags"] == []
    assert card["sim_card_group_id"] in default_groups
    assert card["type"] == "physical"


async def test_registering_into_a_new_group_lists_it(
    api: Api, emulator_state: EmulatorState
) -> None:
    group_id = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
    emulator_state.inventory.create_group("Trackers", group_id=group_id)
    status, body = await api.register(
        {"registration_codes": [registration_code(3)], "sim_card_group_id": group_id}
    )
    assert status == 202
    found = await api.everything(
        {"filter[sim_card_group_id]": group_id, "include_sim_card_group": "true"}
    )
    assert [card["id"] for card in found] == [body["data"][0]["id"]]
    assert found[0]["sim_card_group"]["id"] == group_id
    assert found[0]["sim_card_group"]["default"] is False


async def test_registering_into_an_unknown_group_is_refused(
    api: Api, emulator_state: EmulatorState
) -> None:
    group_id = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
    status, body = await api.register(
        {"registration_codes": [registration_code(3)], "sim_card_group_id": group_id}
    )
    assert status == 422
    [problem] = body["errors"]
    assert problem["source"] == {"pointer": "/sim_card_group_id"}
    assert group_id in problem["detail"]
    assert emulator_state.registered_codes == []


@pytest.mark.parametrize(
    ("payload", "pointer", "mentions"),
    [
        (b"{not json", "", None),
        (b"", "", None),
        (b'["0000000000"]', "", None),
        (b"{}", "/registration_codes", "registration_codes"),
        (b'{"registration_codes": "0000000000"}', "/registration_codes", "0000000000"),
        (b'{"registration_codes": []}', "/registration_codes", "[]"),
        (
            b'{"registration_codes": ["0000000000", 1234567890]}',
            "/registration_codes/1",
            "1234567890",
        ),
        (b'{"registration_codes": ["0000000000"], "status": "enabling"}', "/status", "enabling"),
        (b'{"registration_codes": ["0000000000"], "status": null}', "/status", "null"),
        (
            b'{"registration_codes": ["0000000000"], "sim_card_group_id": "group-1"}',
            "/sim_card_group_id",
            "group-1",
        ),
        (b'{"registration_codes": ["0000000000"], "tags": "fleet"}', "/tags", "fleet"),
        (b'{"registration_codes": ["0000000000"], "tags": ["ok", false]}', "/tags/1", "false"),
    ],
)
async def test_malformed_registrations_get_422_with_a_pointer(
    http: aiohttp.ClientSession,
    api: Api,
    emulator_state: EmulatorState,
    payload: bytes,
    pointer: str,
    mentions: str | None,
) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    async with http.post(
        f"{api.base}/actions/register/sim_cards", data=payload, headers=headers
    ) as response:
        assert response.status == 422
        body = await response.json()
    pointers = [error["source"]["pointer"] for error in body["errors"]]
    assert pointer in pointers
    if mentions is not None:
        error = body["errors"][pointers.index(pointer)]
        assert mentions in error["detail"]
    assert emulator_state.registered_codes == []


@pytest.mark.parametrize(
    ("payload", "mentions"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b'{"registration_codes": [' + b"[" * 100_000 + b"]}", "nested too deeply"),
        (b'{"registration_codes": [], "tags": ' + b'{"a": ' * 50_000, "nested too deeply"),
        (b'{"registration_codes": [' + b"1" * 5000 + b"]}", "5000 digits"),
        (b'{"registration_codes": [-' + b"9" * 4400 + b"]}", "4400 digits"),
    ],
)
async def test_hostile_bodies_get_422_invalid_json(
    http: aiohttp.ClientSession,
    api: Api,
    emulator_state: EmulatorState,
    payload: bytes,
    mentions: str,
) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    # A stream, because aiohttp warns that a large bytes body blocks the event loop.
    async with http.post(
        f"{api.base}/actions/register/sim_cards", data=io.BytesIO(payload), headers=headers
    ) as response:
        assert response.status == 422, await response.text()
        body = await response.json()
    [error] = body["errors"]
    assert (error["code"], error["title"]) == ("10023", "Invalid JSON")
    assert error["source"] == {"pointer": ""}
    assert mentions in error["detail"]
    assert "sys." not in error["detail"]  # nothing about Python's own limits
    assert emulator_state.registered_codes == []


async def test_a_body_over_the_size_limit_gets_413_with_an_errors_body(
    http: aiohttp.ClientSession, api: Api, emulator_state: EmulatorState
) -> None:
    # aiohttp's default client_max_size is 1 MiB; this body is valid JSON, a code a line.
    codes = [registration_code(n) for n in range(100_000)]
    headers = {**api.headers, "Content-Type": "application/json"}
    async with http.post(
        f"{api.base}/actions/register/sim_cards",
        data=io.BytesIO(json.dumps({"registration_codes": codes}).encode()),
        headers=headers,
    ) as response:
        assert response.status == 413
        body = await response.json()
    [error] = body["errors"]
    assert error["code"] == "10007"
    assert "1048576 bytes" in error["detail"]
    assert emulator_state.registered_codes == []
    assert emulator_state.requests[-1].body == b""
    # The connection it came on is not left in a state that spoils the next request.
    status, _ = await api.register({"registration_codes": codes[:2]})
    assert status == 202
    assert emulator_state.registered_codes == codes[:2]


async def test_too_many_codes_get_422(api: Api, emulator_state: EmulatorState) -> None:
    emulator_state.max_codes_per_request = 3
    codes = [registration_code(n) for n in range(4)]
    status, body = await api.register({"registration_codes": codes})
    assert status == 422
    [error] = body["errors"]
    assert error["source"]["pointer"] == "/registration_codes"
    assert "4" in error["detail"]
    assert emulator_state.registered_codes == []

    status, _ = await api.register({"registration_codes": codes[:3]})
    assert status == 202
    assert emulator_state.registered_codes == codes[:3]


# -- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/sim_cards/abc"),
        ("GET", "/sim_cards"),
        ("DELETE", "/v2/sim_cards"),
        ("GET", "/v2/actions/register/sim_cards"),
        ("POST", "/v2/nothing"),
    ],
)
async def test_other_routes_get_404(
    http: aiohttp.ClientSession, emulator_server: TestServer, method: str, path: str
) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    async with http.request(method, emulator_server.make_url(path), headers=headers) as response:
        assert response.status == 404
        assert response.content_type == "application/json"
        body = await response.json()
    assert body["errors"][0]["code"] == "10005"
    assert body["errors"][0]["title"]


# -- test hooks -----------------------------------------------------------------------------


async def test_requests_are_recorded_and_stamped(
    http: aiohttp.ClientSession, api: Api, emulator_state: EmulatorState
) -> None:
    request_ids = []
    async with http.get(
        f"{api.base}/sim_cards",
        params=[("filter[tags][]", "a"), ("filter[tags][]", "b")],
        headers={**api.headers, "X-Trace": "t-1"},
    ) as response:
        request_ids.append(response.headers["x-request-id"])
    async with http.get(f"{api.base}/sim_cards") as response:  # 401
        request_ids.append(response.headers["x-request-id"])
    async with http.get(f"{api.base}/missing", headers=api.headers) as response:  # 404
        request_ids.append(response.headers["x-request-id"])
    async with http.post(
        f"{api.base}/actions/register/sim_cards", data=b'{"registration_codes": []}'
    ) as response:
        request_ids.append(response.headers["x-request-id"])

    assert len(set(request_ids)) == 4
    listed, unauthenticated, missing, posted = emulator_state.requests
    assert listed.method == "GET"
    assert listed.path == "/v2/sim_cards"
    assert listed.query == [("filter[tags][]", "a"), ("filter[tags][]", "b")]
    assert listed.headers["X-Trace"] == "t-1"
    assert listed.body == b""
    assert "Authorization" not in unauthenticated.headers
    assert missing.path == "/v2/missing"
    assert posted.method == "POST"
    assert posted.body == b'{"registration_codes": []}'


async def test_latency_delays_requests_and_concurrency_is_counted(
    api: Api, emulator_state: EmulatorState
) -> None:
    emulator_state.latency = 0.2
    started = time.perf_counter()
    results = await asyncio.gather(*(api.page({"page[size]": "1"}) for _ in range(5)))
    elapsed = time.perf_counter() - started
    assert [status for status, _ in results] == [200] * 5
    assert elapsed >= 0.2
    assert emulator_state.max_in_flight == 5  # handled concurrently, not one after another
    assert emulator_state.in_flight == 0


async def test_fault_with_status_and_retry_after(
    http: aiohttp.ClientSession, api: Api, emulator_state: EmulatorState
) -> None:
    emulator_state.add_fault(
        Fault(status=429, method="GET", path="/sim_cards", times=2, headers={"Retry-After": "3"})
    )
    status, body = await api.register({"registration_codes": [registration_code(1)]})
    assert status == 202  # the fault is for another route

    for _ in range(2):
        async with http.get(f"{api.base}/sim_cards", headers=api.headers) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "3"
            assert response.content_type == "application/json"
            body = await response.json()
        assert body == {
            "errors": [
                {
                    "code": "10011",
                    "title": "Too many requests",
                    "detail": body["errors"][0]["detail"],
                }
            ]
        }
    status, _ = await api.page()
    assert status == 200
    assert [request.method for request in emulator_state.requests] == ["POST", "GET", "GET", "GET"]


async def test_fault_precedes_authentication_and_can_carry_a_body(
    http: aiohttp.ClientSession, api: Api, emulator_state: EmulatorState
) -> None:
    emulator_state.add_fault(Fault(status=503, body={"message": "maintenance"}))
    emulator_state.add_fault(Fault(status=500))
    async with http.get(f"{api.base}/sim_cards") as response:
        assert response.status == 503
        assert await response.json() == {"message": "maintenance"}
    async with http.get(f"{api.base}/sim_cards") as response:
        assert response.status == 500
        error = (await response.json())["errors"][0]
    assert error["code"] == "10007"
    async with http.get(f"{api.base}/sim_cards") as response:
        assert response.status == 401


async def test_fault_can_send_raw_bytes(
    http: aiohttp.ClientSession, api: Api, emulator_state: EmulatorState
) -> None:
    emulator_state.add_fault(Fault(status=200, body=b'{"data": [tru'))
    emulator_state.add_fault(
        Fault(status=502, body=b"<html>Bad gateway</html>", headers={"Content-Type": "text/html"})
    )
    async with http.get(f"{api.base}/sim_cards", headers=api.headers) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.read() == b'{"data": [tru'
    async with http.get(f"{api.base}/sim_cards", headers=api.headers) as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        assert await response.read() == b"<html>Bad gateway</html>"


async def test_dropped_connection_is_a_client_side_disconnect(
    http: aiohttp.ClientSession,
    api: Api,
    emulator_state: EmulatorState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator_state.add_fault(Fault(method="POST", drop_connection=True))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.register({"registration_codes": [registration_code(1)]})
    assert emulator_state.registered_codes == []

    # aiohttp's client silently retries an idempotent request once after a disconnect, so a
    # GET only surfaces the drop when it happens twice.
    emulator_state.add_fault(Fault(method="GET", drop_connection=True, times=2))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.page()
    assert [request.method for request in emulator_state.requests] == ["POST", "GET", "GET"]

    status, _ = await api.page()
    assert status == 200
    noisy = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert noisy == []


# -- running for real -----------------------------------------------------------------------


async def test_emulator_serves_on_loopback(http: aiohttp.ClientSession) -> None:
    secret = "sk-visible-nowhere-123"
    emulator = Emulator(api_key=secret, inventory_size=30, seed=SEED, max_codes_per_request=2)
    async with emulator:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v2", emulator.url)
        assert emulator.port != 0
        assert emulator.api_key == secret
        assert secret not in repr(emulator)
        assert secret not in repr(emulator.state)
        api = Api(http, emulator.url, key=secret)
        body = await api.page_ok()
        assert body["meta"]["total_results"] == 30
        status, _ = await api.register(
            {"registration_codes": [registration_code(n) for n in range(3)]}
        )
        assert status == 422
        assert len(emulator.state.requests) == 2
        url = emulator.url
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.page()
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.url
    assert url.startswith("http://127.0.0.1:")


async def test_command_line_prints_the_url_and_serves_until_interrupted(
    http: aiohttp.ClientSession,
) -> None:
    secret = "cli-secret-456"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "telnyx_wireless_async.testing",
        "--port",
        "0",
        "--size",
        "12",
        "--api-key",
        secret,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=PROJECT_ROOT,  # so "-m" finds the package even when it is not installed
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        match = re.search(r"http://127\.0\.0\.1:\d+/v2", line)
        assert match, line
        assert secret not in line
        body = await Api(http, match.group(), key=secret).page_ok()
        assert body["meta"]["total_results"] == 12
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    assert secret.encode() not in stdout + stderr


# -- the pytest plugin ----------------------------------------------------------------------

PLUGIN = "telnyx_wireless_async.testing.pytest_plugin"
_PLUGIN_TESTS = """
import asyncio

import pytest

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.testing import Emulator, Fault

{marker}
async def test_session_reaches_the_emulator(telnyx_emulator, telnyx_session):
    assert isinstance(telnyx_emulator, Emulator)
    assert isinstance(telnyx_session, AsyncSession)
    assert telnyx_emulator.url.startswith("http://127.0.0.1:")
    assert telnyx_session.base_url == telnyx_emulator.url
    page = await telnyx_session.sim_cards.list(page_size=3)
    assert page.meta.total_results == {size}
    # Retries never wait: a 30 s Retry-After would otherwise blow the timeout.
    telnyx_emulator.state.add_fault(Fault(status=503, headers={{"Retry-After": "30"}}))
    page = await asyncio.wait_for(telnyx_session.sim_cards.list(page_size=3), timeout=5)
    assert len(page.data) == 3
    assert len(telnyx_emulator.state.requests) == 3

{marker}
async def test_each_test_gets_a_fresh_emulator(telnyx_emulator):
    assert telnyx_emulator.state.requests == []
"""
_INI = """
[pytest]
asyncio_mode = {mode}
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_plugin_enabled_in_conftest(pytester: pytest.Pytester, mode: str) -> None:
    pytester.makeini(_INI.format(mode=mode))
    pytester.makeconftest(f"pytest_plugins = [{PLUGIN!r}]")
    marker = "@pytest.mark.asyncio" if mode == "strict" else ""
    pytester.makepyfile(_PLUGIN_TESTS.format(marker=marker, size=1000))
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


def test_plugin_enabled_on_the_command_line_with_options(pytester: pytest.Pytester) -> None:
    pytester.makeini(_INI.format(mode="auto"))
    pytester.makeconftest(
        """
import pytest

@pytest.fixture
def telnyx_emulator_options():
    return {"inventory_size": 7, "api_key": "plugin-key", "seed": 3}
"""
    )
    pytester.makepyfile(_PLUGIN_TESTS.format(marker="", size=7))
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=2)


def test_plugin_is_not_loaded_unless_asked_for(pytester: pytest.Pytester) -> None:
    pytester.makeini(_INI.format(mode="auto"))
    pytester.makepyfile(_PLUGIN_TESTS.format(marker="", size=1000))
    result = pytester.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*fixture 'telnyx_emulator' not found*"])


def test_plugin_stops_the_emulator_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeini(_INI.format(mode="auto"))
    pytester.makeconftest(f"pytest_plugins = [{PLUGIN!r}]")
    pytester.makepyfile(
        """
import aiohttp
import pytest

urls = []

async def test_remember(telnyx_emulator):
    urls.append(telnyx_emulator.url)

async def test_gone_afterwards():
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(urls[0] + "/sim_cards")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
