"""SIM card groups end to end: the SDK's groups resources against the emulator over real HTTP.

Create, get (with ICCIDs), update, delete (and its refusals), list (counts, name filter, pages),
resolve by id and by name, the group actions, registration into a named group, and the group
embedded in card listings. Counts are checked against the card listing, read through the SDK.
"""

from __future__ import annotations

import json
from decimal import Decimal
from uuid import UUID

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    DataAmount,
    NotFoundError,
    SimCardGroup,
    UnprocessableEntityError,
)
from telnyx_wireless_async.testing import EmulatorState
from telnyx_wireless_async.testing import registration_code as code

from .conftest import API_KEY, FakeClock

UNKNOWN = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
SIZE = 150


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(api_key=API_KEY, inventory_size=SIZE, seed=9, clock=clock)


async def card_count(session: AsyncSession, group_id: str | None) -> int:
    assert group_id is not None
    page = await session.sim_cards.list(sim_card_group_id=group_id, page_size=1)
    return page.meta.total_results


async def test_list_counts_what_the_card_listing_shows(
    session: AsyncSession, state: EmulatorState
) -> None:
    groups = [group async for group in session.sim_card_groups.list(page_size=2)]
    assert [group.id for group in groups] == list(state.inventory.group_ids)
    assert [group.default for group in groups].count(True) == 1
    assert groups[0].default is True
    for group in groups:
        assert group.sim_card_count == await card_count(session, group.id)
    assert sum(group.sim_card_count or 0 for group in groups) == SIZE
    page = await session.sim_card_groups.list(page_size=2, page_number=2)
    assert [group.id for group in page.data] == [group.id for group in groups[2:4]]
    assert page.meta.total_results == len(groups)
    assert dict(state.requests[-1].query) == {"page[number]": "2", "page[size]": "2"}


async def test_create_get_update_and_delete_a_group(
    session: AsyncSession, state: EmulatorState
) -> None:
    limit = DataAmount(amount=Decimal("512.5"), unit="MB")
    created = await session.sim_card_groups.create("Trucks", data_limit=limit)
    assert json.loads(state.requests[-1].body) == {
        "name": "Trucks",
        "data_limit": {"amount": "512.5", "unit": "MB"},
    }
    assert isinstance(created, SimCardGroup)
    assert created.id is not None
    assert (created.name, created.data_limit, created.default) == ("Trucks", limit, False)

    got = await session.sim_card_groups.get(created.id)
    assert got.id == created.id
    assert got.iccids is None
    empty = await session.sim_card_groups.get(created.id, include_iccids=True)
    assert state.requests[-1].query == [("include_iccids", "true")]
    assert empty.iccids == ()

    renamed = await session.sim_card_groups.update(created.id, name="Vans")
    assert json.loads(state.requests[-1].body) == {"name": "Vans"}
    assert (renamed.name, renamed.data_limit) == ("Vans", limit)
    bigger = DataAmount(amount=Decimal("2"), unit="GB")
    raised = await session.sim_card_groups.update(created.id, data_limit=bigger)
    assert json.loads(state.requests[-1].body) == {"data_limit": {"amount": "2", "unit": "GB"}}
    assert (raised.name, raised.data_limit) == ("Vans", bigger)
    assert (await session.sim_card_groups.get(created.id)).name == "Vans"

    deleted = await session.sim_card_groups.delete(created.id)
    assert deleted.id == created.id
    with pytest.raises(NotFoundError):
        await session.sim_card_groups.get(created.id)
    with pytest.raises(NotFoundError):
        await session.sim_card_groups.update(created.id, name="Again")
    with pytest.raises(NotFoundError):
        await session.sim_card_groups.delete(created.id)
    assert created.id not in [group.id async for group in session.sim_card_groups.list()]


async def test_registration_into_a_named_group_and_its_iccids_and_count(
    session: AsyncSession,
) -> None:
    group = await session.sim_card_groups.create("Meters")
    resolved = await session.sim_card_groups.resolve("Meters")
    assert resolved.id == group.id
    assert resolved.id is not None
    result = await session.sim_cards.register(
        [code(1), code(2)], sim_card_group_id=resolved.id, tags=["meter"]
    )
    assert result.ok
    assert {card.sim_card_group_id for card in result.cards} == {group.id}
    with_iccids = await session.sim_card_groups.get(resolved.id, include_iccids=True)
    assert with_iccids.iccids is not None
    assert sorted(with_iccids.iccids) == sorted(card.iccid or "" for card in result.cards)
    [listed] = (await session.sim_card_groups.list(name="Meters")).data
    assert listed.sim_card_count == 2 == await card_count(session, group.id)
    in_group = [card.id async for card in session.sim_cards.list(sim_card_group_id=resolved.id)]
    assert sorted(in_group, key=str) == sorted((c.id for c in result.cards), key=str)


async def test_registration_into_an_unknown_group_is_refused_typed(
    session: AsyncSession, state: EmulatorState
) -> None:
    with pytest.raises(UnprocessableEntityError):
        await session.sim_cards.register([code(3)], sim_card_group_id=UNKNOWN)
    assert state.registered_codes == []


async def test_a_group_holding_cards_cannot_be_deleted_until_they_move(
    session: AsyncSession,
) -> None:
    group = await session.sim_card_groups.create("Temporary")
    assert group.id is not None
    result = await session.sim_cards.register([code(4)], sim_card_group_id=group.id)
    [card] = result.cards
    assert card.id is not None
    with pytest.raises(UnprocessableEntityError) as caught:
        await session.sim_card_groups.delete(group.id)
    assert caught.value.errors[0].detail
    assert (await session.sim_card_groups.get(group.id)).id == group.id

    default = await session.sim_card_groups.list(page_size=1)
    target = default.data[0].id
    assert target is not None
    await session.sim_cards.update(card.id, sim_card_group_id=target)
    assert (await session.sim_card_groups.delete(group.id)).id == group.id
    assert (await session.sim_cards.get(card.id)).sim_card_group_id == target


async def test_the_default_group_cannot_be_deleted(
    session: AsyncSession, state: EmulatorState
) -> None:
    default = state.inventory.default_group_id
    # Even empty: move its cards out first.
    others = state.inventory.group_ids[1]
    async for card in session.sim_cards.list(sim_card_group_id=default):
        assert card.id is not None
        await session.sim_cards.update(card.id, sim_card_group_id=others)
    assert await card_count(session, default) == 0
    with pytest.raises(UnprocessableEntityError):
        await session.sim_card_groups.delete(default)
    assert (await session.sim_card_groups.get(default)).default is True


async def test_list_by_name_matches_the_whole_name(session: AsyncSession) -> None:
    first = await session.sim_card_groups.create("Pumps")
    await session.sim_card_groups.create("Pumps North")
    named = await session.sim_card_groups.list(name="Pumps")
    assert [group.id for group in named.data] == [first.id]
    assert (await session.sim_card_groups.list(name="Nothing like it")).data == ()


async def test_resolve_by_id_by_uuid_and_by_name(session: AsyncSession) -> None:
    group = await session.sim_card_groups.create("Cranes")
    assert group.id is not None
    assert (await session.sim_card_groups.resolve(group.id)).name == "Cranes"
    assert (await session.sim_card_groups.resolve(group.id.upper())).id == group.id
    assert (await session.sim_card_groups.resolve(UUID(group.id))).id == group.id
    by_name = await session.sim_card_groups.resolve("Cranes")
    assert by_name.id == group.id
    assert by_name.sim_card_count == 0
    with pytest.raises(NotFoundError):
        await session.sim_card_groups.resolve(UNKNOWN)
    with pytest.raises(LookupError, match="no SIM card group is named 'Hoists'"):
        await session.sim_card_groups.resolve("Hoists")
    twin = await session.sim_card_groups.create("Cranes")
    with pytest.raises(LookupError) as caught:
        await session.sim_card_groups.resolve("Cranes")
    assert str(group.id) in str(caught.value)
    assert str(twin.id) in str(caught.value)


async def test_group_actions_list_with_each_filter_and_get(
    session: AsyncSession, state: EmulatorState
) -> None:
    group_id = state.inventory.default_group_id
    assert [a async for a in session.sim_card_group_actions.list()] == []
    page = await session.sim_card_group_actions.list(
        sim_card_group_id=group_id, status="completed", type="set_wireless_blocklist"
    )
    assert page.data == ()
    assert page.meta.total_results == 0
    assert dict(state.requests[-1].query) == {
        "filter[sim_card_group_id]": group_id,
        "filter[status]": "completed",
        "filter[type]": "set_wireless_blocklist",
        "page[number]": "1",
        "page[size]": "20",
    }
    with pytest.raises(NotFoundError):
        await session.sim_card_group_actions.get(UNKNOWN)


async def test_card_listings_and_get_embed_each_cards_group(
    session: AsyncSession, state: EmulatorState
) -> None:
    renamed = state.inventory.group_ids[2]
    await session.sim_card_groups.update(renamed, name="Renamed fleet")
    groups = {group.id: group async for group in session.sim_card_groups.list()}
    seen = set()
    async for card in session.sim_cards.list(include_sim_card_group=True, page_size=50):
        assert card.sim_card_group is not None
        assert card.sim_card_group.id == card.sim_card_group_id
        assert card.sim_card_group.name == groups[card.sim_card_group_id].name
        seen.add(card.sim_card_group_id)
    assert renamed in seen
    assert all(("include_sim_card_group", "true") in r.query for r in state.requests[-3:])
    async for card in session.sim_cards.list(page_size=250):
        assert card.sim_card_group is None
