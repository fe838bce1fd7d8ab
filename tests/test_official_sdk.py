"""The official `telnyx` SDK (Stainless-generated, httpx-based), pointed at the emulator.

If the official SDK sends something the emulator refuses, the emulator is unfaithful: the SDK is
generated from Telnyx's own spec. The tests also pin how the SDK spells its query string
(``page[number]``, comma-joined ``filter[...]`` arrays), so a change there shows up here first.
Retries are off (``max_retries=0``) so that nothing ever sleeps.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, Final

import aiohttp
import pytest
import telnyx

from telnyx_wireless_async.testing import (
    Emulator,
    Fault,
    FaultProfile,
    registration_code,
)

from .conftest import FakeClock

KEY = "official-sdk-key"
SIZE = 120
SORT: Final = "-current_billing_period_consumed_data.amount"


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(api_key=KEY, inventory_size=SIZE, seed=4, clock=FakeClock()) as emu:
        yield emu


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[telnyx.AsyncTelnyx]:
    async with telnyx.AsyncTelnyx(api_key=KEY, base_url=emulator.url, max_retries=0) as sdk:
        yield sdk


async def _raw(emulator: Emulator, query: list[tuple[str, str]]) -> Any:
    """The same listing, asked for over plain HTTP with the wire names."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            emulator.url + "/sim_cards",
            params=query,
            headers={"Authorization": f"Bearer {KEY}"},
        ) as response,
    ):
        assert response.status == 200
        return await response.json()


async def _all_raw(emulator: Emulator) -> list[dict[str, Any]]:
    body = await _raw(emulator, [("page[size]", "250")])
    assert len(body["data"]) == SIZE
    cards: list[dict[str, Any]] = body["data"]
    return cards


async def test_list_with_every_filter_sort_and_page_parameter(
    client: telnyx.AsyncTelnyx, emulator: Emulator
) -> None:
    cards = await _all_raw(emulator)
    matching = [
        card
        for card in cards
        if card["status"]["value"] in ("enabled", "standby") and "customers" in card["tags"]
    ]
    # The group with the most matching cards, so that page 2 of size 3 is not empty.
    [(group, count)] = Counter(card["sim_card_group_id"] for card in matching).most_common(1)
    assert count > 3
    page = await client.sim_cards.list(
        filter={"status": ["enabled", "standby"], "tags": ["customers"]},
        filter_sim_card_group_id=group,
        include_sim_card_group=True,
        page_number=2,
        page_size=3,
        sort=SORT,
    )
    sent = emulator.state.requests[-1]
    assert sorted(sent.query) == sorted(
        [
            ("filter[status]", "enabled,standby"),
            ("filter[tags]", "customers"),
            ("filter[sim_card_group_id]", group),
            ("include_sim_card_group", "true"),
            ("page[number]", "2"),
            ("page[size]", "3"),
            ("sort", SORT),
        ]
    )
    expected = await _raw(emulator, sent.query)
    assert expected["data"]  # the filters leave something on page 2
    assert [card.id for card in page.data] == [card["id"] for card in expected["data"]]
    assert page.meta is not None
    assert page.meta.page_number == 2
    # Extra fields: the SDK's model declares neither, but keeps both.
    assert page.meta.page_size == 3  # type: ignore[attr-defined]
    assert page.meta.total_results == expected["meta"]["total_results"]  # type: ignore[attr-defined]
    first = page.data[0]
    assert first.status is not None
    assert first.status.value in ("enabled", "standby")
    assert first.tags is not None
    assert "customers" in first.tags
    assert first.sim_card_group_id == group
    # Not in the SDK's model (nor the spec's): kept as an extra field.
    kept = first.to_dict()["sim_card_group"]
    assert isinstance(kept, dict)
    assert kept["id"] == group


async def test_list_filters_by_iccid_and_msisdn(
    client: telnyx.AsyncTelnyx, emulator: Emulator
) -> None:
    cards = await _all_raw(emulator)
    card = cards[42]
    for name, fragment in (("iccid", card["iccid"][-5:]), ("msisdn", card["msisdn"][:6])):
        expected = [c["id"] for c in cards if fragment in c[name]]
        assert card["id"] in expected
        assert len(expected) < SIZE
        # A TypedDict key must be written out; the loop is worth more here.
        page = await client.sim_cards.list(filter={name: fragment}, page_size=250)  # type: ignore[arg-type]
        assert [c.id for c in page.data] == expected
    # The "+" of the MSISDN survived the query encoding.
    assert emulator.state.requests[-1].query[0] == ("filter[msisdn]", card["msisdn"][:6])


async def test_auto_pagination_yields_every_card_once_in_order(
    client: telnyx.AsyncTelnyx, emulator: Emulator
) -> None:
    cards = await _all_raw(emulator)
    requests_before = len(emulator.state.requests)
    ids = [card.id async for card in client.sim_cards.list(page_size=7)]
    assert ids == [card["id"] for card in cards]
    asked = [dict(request.query) for request in emulator.state.requests[requests_before:]]
    assert len(asked) == math.ceil(SIZE / 7)
    assert [query.get("page[number]", "1") for query in asked] == [
        str(n) for n in range(1, len(asked) + 1)
    ]


async def test_register_mixed_codes(client: telnyx.AsyncTelnyx, emulator: Emulator) -> None:
    group = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
    emulator.state.inventory.create_group("Official SDK", group_id=group)
    codes = [registration_code(1), "0000000009", registration_code(1), registration_code(2)]
    result = await client.actions.register.create(
        registration_codes=codes, sim_card_group_id=group, status="standby", tags=["sdk"]
    )
    assert json.loads(emulator.state.requests[-1].body) == {
        "registration_codes": codes,
        "sim_card_group_id": group,
        "status": "standby",
        "tags": ["sdk"],
    }
    assert emulator.state.registered_codes == [registration_code(1), registration_code(2)]
    assert result.data is not None
    assert len(result.data) == 2
    assert {card.sim_card_group_id for card in result.data} == {group}
    assert all(card.status is not None and card.status.value == "standby" for card in result.data)
    assert result.errors is not None
    assert [(error.code, error.source and error.source.pointer) for error in result.errors] == [
        ("10006", "/registration_codes/1"),
        ("10012", "/registration_codes/2"),
    ]

    listed = await client.sim_cards.list(filter_sim_card_group_id=group, filter={"tags": ["sdk"]})
    assert [card.id for card in listed.data] == [card.id for card in result.data]


async def test_errors_become_the_sdk_exceptions(
    client: telnyx.AsyncTelnyx, emulator: Emulator
) -> None:
    with pytest.raises(telnyx.BadRequestError) as bad_request:
        await client.sim_cards.list(page_size=251)
    assert bad_request.value.status_code == 400

    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.actions.register.create(registration_codes=[])

    emulator.state.add_fault(Fault(status=503, method="GET"))
    with pytest.raises(telnyx.InternalServerError):
        await client.sim_cards.list()

    async with telnyx.AsyncTelnyx(
        api_key="not-the-key", base_url=emulator.url, max_retries=0
    ) as stranger:
        with pytest.raises(telnyx.AuthenticationError):
            await stranger.sim_cards.list()

    emulator.state.fault_profile = FaultProfile(rate_limit=1, rate_limit_window=30)
    response = await client.sim_cards.with_raw_response.list()
    assert response.headers["x-ratelimit-remaining"] == "0"
    with pytest.raises(telnyx.RateLimitError) as limited:
        await client.actions.register.create(registration_codes=[registration_code(3)])
    assert limited.value.response.headers["x-ratelimit-reset"] == "30"
    assert limited.value.body == {
        "errors": [
            {
                "code": "10011",
                "title": "Too many requests",
                "detail": limited.value.body["errors"][0]["detail"],  # type: ignore[index]
            }
        ]
    }
    assert emulator.state.registered_codes == []


async def test_the_synchronous_client_in_a_thread(emulator: Emulator) -> None:
    def run() -> tuple[list[str | None], int]:
        with telnyx.Telnyx(api_key=KEY, base_url=emulator.url, max_retries=0) as sdk:
            ids = [card.id for card in sdk.sim_cards.list(page_size=50)]
            result = sdk.actions.register.create(registration_codes=[registration_code(8)])
            return ids, len(result.data or [])

    ids, registered = await asyncio.to_thread(run)
    assert len(ids) == SIZE
    assert len(set(ids)) == SIZE
    assert registered == 1
    assert emulator.state.registered_codes == [registration_code(8)]
