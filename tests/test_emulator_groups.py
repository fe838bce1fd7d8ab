"""The emulator's SIM card groups, over real HTTP with a plain aiohttp client (never the SDK).

Counts and ICCIDs are checked against the card listing, not the emulator's own bookkeeping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async.testing import EmulatorState, Fault, create_app
from telnyx_wireless_async.testing import registration_code as code

from .conftest import FakeClock

KEY = "groups-test-key"
SIZE = 150
UNKNOWN_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
Json = dict[str, Any]


class Api:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.headers = {"Authorization": f"Bearer {KEY}"}

    async def call(
        self, method: str, path: str, *, params: Any = None, payload: object = None
    ) -> tuple[int, Json]:
        async with self.http.request(
            method, self.base + path, params=params, json=payload, headers=self.headers
        ) as response:
            return response.status, await response.json()

    async def ok(self, method: str, path: str, **kwargs: Any) -> Json:
        status, body = await self.call(method, path, **kwargs)
        assert status == 200, (status, body)
        return body

    async def groups(self, **params: str) -> list[Json]:
        data: list[Json] = (await self.ok("GET", "/sim_card_groups", params=params))["data"]
        return data

    async def cards(self) -> list[Json]:
        body = await self.ok("GET", "/sim_cards", params={"page[size]": "250"})
        data: list[Json] = body["data"]
        return data


@pytest.fixture
def groups_state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(api_key=KEY, inventory_size=SIZE, seed=9, clock=clock)


@pytest.fixture
async def api(groups_state: EmulatorState) -> AsyncIterator[Api]:
    async with (
        TestServer(create_app(groups_state), host="127.0.0.1") as server,
        aiohttp.ClientSession() as http,
    ):
        yield Api(http, str(server.make_url("/v2")))


def codes_of(body: Json) -> list[str]:
    return [problem["code"] for problem in body["errors"]]


async def test_groups_list_with_the_counts_the_cards_show(api: Api) -> None:
    groups = await api.groups()
    counts = Counter(card["sim_card_group_id"] for card in await api.cards())
    assert {group["id"]: group["sim_card_count"] for group in groups} == {
        group["id"]: counts[group["id"]] for group in groups
    }
    assert [group["default"] for group in groups] == [True, False, False, False]
    assert {group["record_type"] for group in groups} == {"sim_card_group"}
    assert all(group["private_wireless_gateway_id"] is None for group in groups)


async def test_create_get_update_and_delete_a_group(api: Api) -> None:
    created = await api.ok(
        "POST",
        "/sim_card_groups",
        payload={"name": "Trackers", "data_limit": {"amount": "5", "unit": "GB"}},
    )
    group = created["data"]
    assert group["name"] == "Trackers"
    assert group["default"] is False
    assert group["data_limit"] == {"amount": "5", "unit": "GB"}
    assert (await api.ok("GET", f"/sim_card_groups/{group['id'].upper()}"))["data"] == group
    listed = {g["id"]: g for g in await api.groups()}
    assert listed[group["id"]]["sim_card_count"] == 0
    assert [g["id"] for g in await api.groups(**{"filter[name]": "Trackers"})] == [group["id"]]
    assert await api.groups(**{"filter[name]": "trackers"}) == []

    updated = (
        await api.ok("PATCH", f"/sim_card_groups/{group['id']}", payload={"name": "Meters"})
    )["data"]
    assert updated["name"] == "Meters"
    assert updated["data_limit"] == group["data_limit"]
    deleted = (await api.ok("DELETE", f"/sim_card_groups/{group['id']}"))["data"]
    assert deleted == updated
    assert (await api.call("GET", f"/sim_card_groups/{group['id']}"))[0] == 404
    assert group["id"] not in [g["id"] for g in await api.groups()]


async def test_cards_join_groups_and_counts_and_iccids_follow(api: Api) -> None:
    group = (await api.ok("POST", "/sim_card_groups", payload={"name": "Fleet"}))["data"]
    status, body = await api.call(
        "POST",
        "/actions/register/sim_cards",
        payload={"registration_codes": [code(1), code(2)], "sim_card_group_id": group["id"]},
    )
    assert status == 202
    registered = body["data"]
    default = (await api.groups())[0]
    status, body = await api.call(
        "POST", "/actions/register/sim_cards", payload={"registration_codes": [code(3)]}
    )
    assert body["data"][0]["sim_card_group_id"] == default["id"]

    moved = (await api.cards())[0]
    await api.ok("PATCH", f"/sim_cards/{moved['id']}", payload={"sim_card_group_id": group["id"]})
    counts = {g["id"]: g["sim_card_count"] for g in await api.groups()}
    assert counts[group["id"]] == 3
    detail = await api.ok(
        "GET", f"/sim_card_groups/{group['id']}", params={"include_iccids": "true"}
    )
    assert detail["data"]["iccids"] == [moved["iccid"], *[card["iccid"] for card in registered]]
    plain = await api.ok("GET", f"/sim_card_groups/{group['id']}")
    assert "iccids" not in plain["data"]

    # A group that holds cards cannot go; once they are moved or deleted, it can.
    status, body = await api.call("DELETE", f"/sim_card_groups/{group['id']}")
    assert (status, codes_of(body)) == (422, ["10035"])
    await api.ok("PATCH", f"/sim_cards/{moved['id']}", payload={"sim_card_group_id": default["id"]})
    for card in registered:
        await api.ok("DELETE", f"/sim_cards/{card['id']}")
    assert {g["id"]: g["sim_card_count"] for g in await api.groups()}[group["id"]] == 0
    await api.ok("DELETE", f"/sim_card_groups/{group['id']}")
    # And then registering into it is a 422.
    status, body = await api.call(
        "POST",
        "/actions/register/sim_cards",
        payload={"registration_codes": [code(4)], "sim_card_group_id": group["id"]},
    )
    assert (status, codes_of(body)) == (422, ["10034"])


async def test_the_default_group_cannot_be_deleted(api: Api, groups_state: EmulatorState) -> None:
    default = groups_state.inventory.default_group_id
    for card in await api.cards():
        if card["sim_card_group_id"] == default:
            other = groups_state.inventory.group_ids[1]
            await api.ok("PATCH", f"/sim_cards/{card['id']}", payload={"sim_card_group_id": other})
    assert (await api.groups())[0]["sim_card_count"] == 0
    status, body = await api.call("DELETE", f"/sim_card_groups/{default}")
    assert (status, codes_of(body)) == (422, ["10035"])
    assert "default" in body["errors"][0]["detail"]


async def test_renaming_a_group_shows_in_embedded_groups(api: Api) -> None:
    card = (await api.cards())[0]
    await api.ok(
        "GET", "/sim_cards", params={"include_sim_card_group": "true"}
    )  # cached renders must not survive the rename
    await api.ok("PATCH", f"/sim_card_groups/{card['sim_card_group_id']}", payload={"name": "New"})
    listed = await api.ok(
        "GET", "/sim_cards", params={"include_sim_card_group": "true", "page[size]": "1"}
    )
    assert listed["data"][0]["sim_card_group"]["name"] == "New"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/sim_card_groups/{UNKNOWN_ID}"),
        ("PATCH", f"/sim_card_groups/{UNKNOWN_ID}"),
        ("DELETE", f"/sim_card_groups/{UNKNOWN_ID}"),
        ("GET", "/sim_card_groups/not-a-uuid"),
        ("GET", f"/sim_card_group_actions/{UNKNOWN_ID}"),
    ],
)
async def test_unknown_groups_and_group_actions_are_a_404(api: Api, method: str, path: str) -> None:
    status, body = await api.call(method, path, payload={} if method == "PATCH" else None)
    assert (status, codes_of(body)) == (404, ["10005"])


@pytest.mark.parametrize(
    ("payload", "pointers"),
    [
        ({}, ["/name"]),
        ({"name": ""}, ["/name"]),
        ({"name": 3}, ["/name"]),
        ({"name": "x", "default": True}, ["/default"]),
        ({"name": "x", "data_limit": {"amount": "1", "unit": "PB"}}, ["/data_limit/unit"]),
    ],
)
async def test_create_refuses_bad_bodies(api: Api, payload: Json, pointers: list[str]) -> None:
    before = await api.groups()
    status, body = await api.call("POST", "/sim_card_groups", payload=payload)
    assert status == 422
    assert [problem["source"]["pointer"] for problem in body["errors"]] == pointers
    assert await api.groups() == before


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/sim_card_groups", "filter[private_wireless_gateway_id]", "gw"),
        ("/sim_card_groups", "filter[wireless_blocklist_id]", "bl"),
        ("/sim_card_groups", "page[size]", "0"),
        ("/sim_card_group_actions", "filter[sim_card_group_id]", "g"),
        ("/sim_card_group_actions", "filter[status]", "interrupted"),
        ("/sim_card_group_actions", "filter[type]", "reboot"),
        ("/sim_card_group_actions", "page[number]", "0"),
    ],
)
async def test_bad_group_filters_are_a_400(api: Api, path: str, name: str, value: str) -> None:
    status, body = await api.call("GET", path, params={name: value})
    assert status == 400
    assert body["errors"][0]["source"] == {"parameter": name}


async def test_group_actions_list_is_empty_but_paged(api: Api) -> None:
    body = await api.ok(
        "GET",
        "/sim_card_group_actions",
        params={"filter[status]": "completed", "filter[type]": "set_wireless_blocklist"},
    )
    assert body == {
        "data": [],
        "meta": {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0},
    }


async def test_group_filters_by_gateway_and_blocklist_match_nothing(api: Api) -> None:
    assert await api.groups(**{"filter[private_wireless_gateway_id]": UNKNOWN_ID}) == []
    assert await api.groups(**{"filter[wireless_blocklist_id]": UNKNOWN_ID}) == []


async def test_a_fault_after_processing_creates_the_group_anyway(
    api: Api, groups_state: EmulatorState
) -> None:
    groups_state.add_fault(
        Fault(method="POST", path="/sim_card_groups", drop_connection=True, after_processing=True)
    )
    with pytest.raises(aiohttp.ClientError):
        await api.call("POST", "/sim_card_groups", payload={"name": "Lost answer"})
    assert [g["name"] for g in await api.groups(**{"filter[name]": "Lost answer"})] == [
        "Lost answer"
    ]
