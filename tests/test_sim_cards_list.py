"""sim_cards.list: each filter, both sorts, pagination meta and argument checks, over HTTP.

Expectations are derived on the client side from the unfiltered inventory, so a
filter the emulator or the SDK gets wrong cannot agree with them by accident.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    DataAmount,
    SimCard,
    SimCardGroup,
    SimCardStatusValue,
)
from telnyx_wireless_async.testing import EmulatorState

INVENTORY = 1000


async def fetch_all(session: AsyncSession, **filters: Any) -> list[SimCard]:
    cards: list[SimCard] = []
    page_number = 1
    while True:
        page = await session.sim_cards.list(page_number=page_number, page_size=250, **filters)
        cards.extend(page.data)
        if page_number >= page.meta.total_pages:
            return cards
        page_number += 1


@pytest.fixture
async def inventory(session: AsyncSession, state: EmulatorState) -> list[SimCard]:
    cards = await fetch_all(session)
    state.requests.clear()
    return cards


def ids(cards: list[SimCard]) -> list[str | None]:
    return [card.id for card in cards]


def wire_query(state: EmulatorState) -> dict[str, str]:
    return dict(state.requests[-1].query)


async def test_pagination_meta_and_pages_partition_the_inventory(session: AsyncSession) -> None:
    size = 30
    first = await session.sim_cards.list(page_size=size)
    assert first.meta.page_number == 1
    assert first.meta.page_size == size
    assert first.meta.total_results == INVENTORY
    assert first.meta.total_pages == math.ceil(INVENTORY / size)
    seen: list[str | None] = []
    for number in range(1, first.meta.total_pages + 1):
        page = await session.sim_cards.list(page_number=number, page_size=size)
        assert page.meta.page_number == number
        seen.extend(ids(list(page.data)))
    assert len(seen) == INVENTORY
    assert len(set(seen)) == INVENTORY
    assert len(page.data) == INVENTORY - size * (first.meta.total_pages - 1)


async def test_page_past_the_end_is_empty(session: AsyncSession) -> None:
    page = await session.sim_cards.list(page_number=99, page_size=250)
    assert page.data == ()
    assert page.meta.total_results == INVENTORY


async def test_cards_are_fully_typed(inventory: list[SimCard]) -> None:
    card = inventory[0]
    assert isinstance(card.status.value if card.status else None, SimCardStatusValue)
    assert card.created_at is not None
    assert card.created_at.tzinfo is not None
    assert isinstance(card.current_billing_period_consumed_data, DataAmount)
    assert isinstance(card.current_billing_period_consumed_data.amount, Decimal)
    assert all(isinstance(tag, str) for c in inventory for tag in c.tags)


async def test_filter_tags_requires_every_tag(
    session: AsyncSession, state: EmulatorState, inventory: list[SimCard]
) -> None:
    pair = Counter(tuple(sorted(c.tags[:2])) for c in inventory if len(c.tags) >= 2)
    wanted = list(pair.most_common(1)[0][0])
    expected = [c for c in inventory if set(wanted) <= set(c.tags)]
    assert 0 < len(expected) < len(inventory)
    assert ids(await fetch_all(session, tags=wanted)) == ids(expected)
    assert wire_query(state)["filter[tags]"] == ",".join(wanted)


async def test_one_tag_may_be_given_as_a_str_as_one_status_may(
    session: AsyncSession, state: EmulatorState, inventory: list[SimCard]
) -> None:
    tag = Counter(t for c in inventory for t in c.tags).most_common(1)[0][0]
    expected = [c for c in inventory if tag in c.tags]
    assert ids(await fetch_all(session, tags=tag)) == ids(expected)
    assert wire_query(state)["filter[tags]"] == tag


async def test_filter_iccid_is_a_partial_match(
    session: AsyncSession, inventory: list[SimCard]
) -> None:
    iccid = inventory[123].iccid
    assert iccid is not None
    fragment = iccid[-6:-2]
    expected = [c for c in inventory if c.iccid and fragment in c.iccid]
    assert ids(await fetch_all(session, iccid=fragment)) == ids(expected)
    assert inventory[123] in expected


async def test_filter_msisdn(session: AsyncSession, inventory: list[SimCard]) -> None:
    msisdn = inventory[7].msisdn
    assert msisdn is not None
    found = await fetch_all(session, msisdn=msisdn)
    assert inventory[7].id in ids(found)
    assert all(c.msisdn and msisdn in c.msisdn for c in found)


async def test_filter_status_matches_any_given_status(
    session: AsyncSession, state: EmulatorState, inventory: list[SimCard]
) -> None:
    wanted = ["enabled", "standby"]
    expected = [c for c in inventory if c.status and c.status.value in wanted]
    assert 0 < len(expected) < len(inventory)
    assert ids(await fetch_all(session, status=wanted)) == ids(expected)
    assert wire_query(state)["filter[status]"] == "enabled,standby"


async def test_filter_status_accepts_a_single_value(
    session: AsyncSession, inventory: list[SimCard]
) -> None:
    expected = [c for c in inventory if c.status and c.status.value == "disabled"]
    assert ids(await fetch_all(session, status="disabled")) == ids(expected)


async def test_filter_status_sends_each_status_once(
    session: AsyncSession, state: EmulatorState
) -> None:
    await session.sim_cards.list(status=["standby", "enabled", "standby"])
    assert wire_query(state)["filter[status]"] == "standby,enabled"


async def test_filter_status_unauthorized_imei(
    session: AsyncSession, inventory: list[SimCard]
) -> None:
    found = await fetch_all(session, status=["unauthorized_imei"])
    assert 0 < len(found) < len(inventory)
    assert set(ids(found)) <= set(ids(inventory))


async def test_filter_sim_card_group_id(session: AsyncSession, inventory: list[SimCard]) -> None:
    group = inventory[0].sim_card_group_id
    assert group is not None
    expected = [c for c in inventory if c.sim_card_group_id == group]
    assert 0 < len(expected) < len(inventory)
    assert ids(await fetch_all(session, sim_card_group_id=group)) == ids(expected)


async def test_include_sim_card_group(session: AsyncSession, inventory: list[SimCard]) -> None:
    page = await session.sim_cards.list(include_sim_card_group=True, page_size=50)
    for card in page.data:
        assert isinstance(card.sim_card_group, SimCardGroup)
        assert card.sim_card_group.id == card.sim_card_group_id
    assert all(c.sim_card_group is None for c in inventory)


@pytest.mark.parametrize(
    ("sort", "descending"),
    [
        ("current_billing_period_consumed_data.amount", False),
        ("-current_billing_period_consumed_data.amount", True),
    ],
)
async def test_sort_by_consumed_data(
    session: AsyncSession, inventory: list[SimCard], sort: str, descending: bool
) -> None:
    def amount(card: SimCard) -> Decimal:
        assert card.current_billing_period_consumed_data is not None
        assert card.current_billing_period_consumed_data.amount is not None
        return card.current_billing_period_consumed_data.amount

    found = await fetch_all(session, sort=sort)
    amounts = [amount(c) for c in found]
    assert amounts == sorted(amounts, reverse=descending)
    assert amounts != [amount(c) for c in inventory]  # the order really changed
    assert sorted(ids(found), key=str) == sorted(ids(inventory), key=str)


async def test_filters_combine(session: AsyncSession, inventory: list[SimCard]) -> None:
    group = inventory[0].sim_card_group_id
    expected = [
        c
        for c in inventory
        if c.sim_card_group_id == group and c.status and c.status.value == "enabled"
    ]
    found = await fetch_all(session, sim_card_group_id=group, status=["enabled"])
    assert ids(found) == ids(expected)


async def test_uuid_object_is_accepted_for_group(
    session: AsyncSession, state: EmulatorState, inventory: list[SimCard]
) -> None:
    group = inventory[0].sim_card_group_id
    assert group is not None
    page = await session.sim_cards.list(sim_card_group_id=uuid.UUID(group))
    assert all(c.sim_card_group_id == group for c in page.data)
