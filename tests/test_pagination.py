"""sim_cards.stream and sim_cards.pages: order, concurrency, back-pressure, cleanup, and
servers that lie, all over real HTTP."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from typing import Any

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    InternalServerError,
    PaginationError,
    RetryPolicy,
    SimCard,
)
from telnyx_wireless_async.testing import EmulatorState, Fault, FaultProfile, registration_code
from telnyx_wireless_async.testing._inventory import CardQuery

from .conftest import API_KEY, no_other_tasks, raw_json

INVENTORY = 1000


async def list_all(session: AsyncSession, page_size: int = 250, **filters: Any) -> list[SimCard]:
    """Every matching card, walked by hand with list(): the reference for stream()."""
    cards: list[SimCard] = []
    number = 1
    while True:
        page = await session.sim_cards.list(page_number=number, page_size=page_size, **filters)
        cards.extend(page.data)
        if number >= page.meta.total_pages:
            return cards
        number += 1


async def collect(session: AsyncSession, **options: Any) -> list[SimCard]:
    return [card async for card in session.sim_cards.stream(**options)]


async def stream_into(cards: list[SimCard], stream: AsyncIterator[SimCard]) -> None:
    """Append each card of `stream` to `cards`, so a test sees what came before an error."""
    async for card in stream:
        cards.append(card)


def ids(cards: list[SimCard]) -> list[str | None]:
    return [card.id for card in cards]


async def raw_page(session: AsyncSession, number: int, size: int) -> dict[str, Any]:
    params = {"page[number]": str(number), "page[size]": str(size)}
    return await session.request("GET", "/sim_cards", params=params, parse=raw_json)


async def settle() -> None:
    """Let finalizers of abandoned async generators run (they are scheduled as tasks)."""
    for _ in range(100):
        if no_other_tasks():
            return
        await asyncio.sleep(0.01)


async def test_stream_yields_every_card_once_in_order(session: AsyncSession) -> None:
    reference = await list_all(session)
    streamed = await collect(session, page_size=37, prefetch=5)
    assert len(streamed) == INVENTORY
    assert ids(streamed) == ids(reference)


@pytest.mark.parametrize(
    "filters",
    [
        {"status": ["enabled", "disabled"]},
        {"tags": ["customers"]},
        {"iccid": "11"},
        {"sort": "-current_billing_period_consumed_data.amount"},
        {"sort": "current_billing_period_consumed_data.amount", "status": "standby"},
        {"include_sim_card_group": True},
    ],
)
async def test_stream_with_each_filter_matches_list(
    session: AsyncSession, filters: dict[str, Any]
) -> None:
    reference = await list_all(session, **filters)
    streamed = await collect(session, page_size=25, prefetch=8, **filters)
    assert 0 < len(streamed) == len(reference)
    assert streamed == reference


async def test_group_filter_streams_that_group_only(session: AsyncSession) -> None:
    first = (await session.sim_cards.list(page_size=1)).data[0]
    group = first.sim_card_group_id
    assert group is not None
    streamed = await collect(session, page_size=10, sim_card_group_id=group)
    assert streamed == await list_all(session, sim_card_group_id=group)
    assert {card.sim_card_group_id for card in streamed} == {group}


async def test_prefetch_1_and_16_give_identical_sequences(session: AsyncSession) -> None:
    one = await collect(session, page_size=20, prefetch=1)
    sixteen = await collect(session, page_size=20, prefetch=16)
    assert one == sixteen
    assert len(one) == INVENTORY


@pytest.mark.parametrize("prefetch", [1, 4, 16])
async def test_server_sees_at_most_prefetch_requests_at_once(
    session: AsyncSession, state: EmulatorState, prefetch: int
) -> None:
    # The latency grows with prefetch, so that launching the requests of one round takes
    # far less than one answer even on a loaded machine under coverage's tracing.
    state.latency = 0.02 * prefetch
    streamed = await collect(session, page_size=20, prefetch=prefetch)  # 50 pages
    assert len(streamed) == INVENTORY
    assert state.max_in_flight == prefetch


async def test_pages_yields_pages_in_order(session: AsyncSession) -> None:
    numbers = [page.meta.page_number async for page in session.sim_cards.pages(page_size=90)]
    assert numbers == list(range(1, 13))


async def test_empty_listing_yields_nothing(session: AsyncSession, state: EmulatorState) -> None:
    assert await collect(session, iccid="no-such-iccid") == []
    assert len(state.requests) == 1


async def test_slow_consumer_holds_back_the_fetching(
    session: AsyncSession, state: EmulatorState
) -> None:
    prefetch, size = 3, 10
    seen = 0
    async for _ in session.sim_cards.stream(page_size=size, prefetch=prefetch):
        seen += 1
        if seen % size == 0:
            await asyncio.sleep(0.005)  # a slow consumer, once a page
        pages_consumed = -(-seen // size)
        # Requested so far: what was consumed, plus at most `prefetch` ahead.
        assert len(state.requests) <= pages_consumed + prefetch
    assert seen == INVENTORY


async def test_break_cancels_in_flight_requests(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.latency = 0.05
    async with aclosing(session.sim_cards.stream(page_size=10, prefetch=8)) as cards:
        count = 0
        async for _ in cards:
            count += 1
            if count == 11:  # page 2's first card: pages 3 to 10 are in flight
                break
    assert no_other_tasks()
    # Page 1, then 2 to 9; page 10 is queued as page 2 is taken, and may be cancelled unsent.
    assert 9 <= len(state.requests) <= 10


async def test_break_without_aclosing_also_cleans_up(session: AsyncSession) -> None:
    count = 0
    async for _ in session.sim_cards.stream(page_size=10, prefetch=8):
        count += 1
        if count == 15:
            break
    await settle()
    assert no_other_tasks()


async def test_exception_in_consumer_cancels_requests(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.latency = 0.02

    async def consume() -> None:
        async with aclosing(session.sim_cards.stream(page_size=10, prefetch=8)) as cards:
            async for _ in cards:
                raise RuntimeError("consumer failed")

    with pytest.raises(RuntimeError, match="consumer failed"):
        await consume()
    assert no_other_tasks()


async def test_cancelling_the_consumer_task_leaves_no_tasks(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.latency = 0.02
    started = asyncio.Event()

    async def consume() -> None:
        async with aclosing(session.sim_cards.stream(page_size=10, prefetch=8)) as cards:
            async for _ in cards:
                started.set()

    task = asyncio.create_task(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert no_other_tasks()


async def test_failed_page_raises_after_earlier_pages(base_url: str, state: EmulatorState) -> None:
    policy = RetryPolicy(wait=False, max_attempts=3)
    yielded: list[SimCard] = []

    async def consume(session: AsyncSession) -> None:
        async for card in session.sim_cards.stream(page_size=50, prefetch=1):
            yielded.append(card)
            if len(yielded) == 100:
                # Page 3 is requested once the consumer moves on: every try fails.
                state.add_fault(Fault(status=500, times=3))

    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(InternalServerError) as caught:
            await consume(session)
        reference = await list_all(session, page_size=50)
    assert caught.value.status == 500
    assert str(caught.value).startswith("GET /sim_cards (page 3): HTTP 500")
    assert yielded == reference[:100]  # pages 1 and 2, each card once
    assert len(state.requests) == 2 + 3 + 20  # two pages, three failed tries, the reference


async def test_page_failing_then_recovering_is_retried_transparently(
    session: AsyncSession, state: EmulatorState
) -> None:
    # Three failures in a row, less than the four tries a request gets.
    state.add_fault(Fault(status=503, times=3))
    streamed = await collect(session, page_size=100, prefetch=4)
    assert ids(streamed) == ids(await list_all(session))


async def script_pages(state: EmulatorState, *bodies: dict[str, Any]) -> None:
    for body in bodies:
        state.add_fault(Fault(status=200, body=body))


async def test_page_number_mismatch_is_caught(session: AsyncSession, state: EmulatorState) -> None:
    one, two = await raw_page(session, 1, 100), await raw_page(session, 2, 100)
    two["meta"]["page_number"] = 3
    await script_pages(state, one, two)
    with pytest.raises(PaginationError, match="asked for page 2"):
        await collect(session, page_size=100, prefetch=1)


async def test_same_page_twice_is_caught(session: AsyncSession, state: EmulatorState) -> None:
    one = await raw_page(session, 1, 100)
    again = json.loads(json.dumps(one))
    again["meta"]["page_number"] = 2
    await script_pages(state, one, again)
    yielded: list[SimCard] = []

    async def consume() -> None:
        async for card in session.sim_cards.stream(page_size=100, prefetch=1):
            yielded.append(card)

    with pytest.raises(PaginationError, match="repeats"):
        await consume()
    assert len(yielded) == 100
    assert len(set(ids(yielded))) == 100


async def test_meta_that_does_not_add_up_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    one = await raw_page(session, 1, 100)
    one["meta"]["total_pages"] = 1_000_000
    await script_pages(state, one)
    with pytest.raises(PaginationError, match="does not add up"):
        await collect(session, page_size=100)


async def test_empty_page_before_the_last_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    one, two = await raw_page(session, 1, 100), await raw_page(session, 2, 100)
    two["data"] = []
    await script_pages(state, one, two, two)  # asked again, it is empty again
    with pytest.raises(PaginationError, match=r"page 2 holds 0 cards, twice; .* means 100"):
        await collect(session, page_size=100, prefetch=1)


async def test_missing_meta_is_a_validation_error(
    session: AsyncSession, state: EmulatorState
) -> None:
    from telnyx_wireless_async import APIResponseValidationError

    one = await raw_page(session, 1, 100)
    del one["meta"]
    state.add_fault(Fault(status=200, body=one, times=4))  # every try
    with pytest.raises(APIResponseValidationError, match="meta"):
        await collect(session, page_size=100)


async def test_oversized_page_is_caught(session: AsyncSession, state: EmulatorState) -> None:
    big = await raw_page(session, 1, 20)
    big["meta"] = {"page_number": 1, "page_size": 10, "total_pages": 100, "total_results": 1000}
    await script_pages(state, big)
    with pytest.raises(PaginationError, match="more than the page size"):
        await collect(session, page_size=10)


async def test_pages_that_overlap_while_the_count_stands_still_are_an_error(
    session: AsyncSession, state: EmulatorState
) -> None:
    # Page 2 starts with page 1's last card, yet no card was added: one was skipped.
    one, two = await raw_page(session, 1, 100), await raw_page(session, 2, 100)
    two["data"] = [one["data"][-1], *two["data"][:-1]]
    await script_pages(state, one, two)
    yielded: list[SimCard] = []
    with pytest.raises(PaginationError, match="the pages overlap"):
        await stream_into(yielded, session.sim_cards.stream(page_size=100, prefetch=1))
    assert len(yielded) == 100  # page 1; the error comes at page 2's first card


async def test_a_page_repeating_one_far_back_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    pages = [await raw_page(session, n, 50) for n in range(1, 12)]
    again = json.loads(json.dumps(pages[0]))
    again["meta"]["page_number"] = 12
    await script_pages(state, *pages, again)
    with pytest.raises(PaginationError, match="page 12 repeats page 1"):
        await collect(session, page_size=50, prefetch=1)


async def test_a_page_repeating_an_earlier_one_after_too_few_additions_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    # One card more cannot shift page 1 two pages on.
    one, two = await raw_page(session, 1, 250), await raw_page(session, 2, 250)
    three = json.loads(json.dumps(one))
    three["meta"] |= {"page_number": 3, "total_results": 1001, "total_pages": 5}
    await script_pages(state, one, two, three)
    with pytest.raises(PaginationError, match="page 3 repeats page 1"):
        await collect(session, page_size=250, prefetch=1)


# -- an inventory that changes during the walk ----------------------------------------------


def grow_on_every_listing(
    monkeypatch: pytest.MonkeyPatch, state: EmulatorState, per_listing: int
) -> None:
    """Register `per_listing` new cards as each listing is answered: a fleet growing mid-walk.

    New cards have used no data, so an ascending sort puts them first and pushes every
    other card on.
    """
    inventory = state.inventory
    select = inventory.select
    numbers = itertools.count(900_000)

    def growing_select(query: CardQuery) -> Sequence[int]:
        for _ in range(per_listing):
            inventory.register(registration_code(next(numbers)))
        return select(query)

    monkeypatch.setattr(inventory, "select", growing_select)


@pytest.mark.parametrize("prefetch", [1, 4])
@pytest.mark.parametrize(
    "sort",
    [
        None,
        "current_billing_period_consumed_data.amount",
        "-current_billing_period_consumed_data.amount",
    ],
)
async def test_every_card_there_all_along_comes_once_while_cards_are_added(
    session: AsyncSession,
    state: EmulatorState,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    sort: str | None,
    prefetch: int,
) -> None:
    caplog.set_level(logging.INFO, logger="telnyx_wireless_async")
    there_all_along = set(ids(await list_all(session)))
    grow_on_every_listing(monkeypatch, state, per_listing=30)
    # Answers come back out of order, so neighbouring pages see different counts.
    state.fault_profile = FaultProfile(seed=3, latency_jitter=0.02)
    options = {"sort": sort} if sort else {}

    streamed = ids(await collect(session, page_size=100, prefetch=prefetch, **options))

    assert len(streamed) == len(set(streamed)), "a card came twice"
    assert there_all_along - set(streamed) == set(), "a card that was there all along is missing"
    assert len(streamed) > INVENTORY  # some of the new cards too
    messages = [record.getMessage() for record in caplog.records]
    assert sum("changed during the walk" in message for message in messages) == 1
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_page_answered_with_fewer_cards_is_fetched_again_and_a_fall_warned_once(
    session: AsyncSession, state: EmulatorState, caplog: pytest.LogCaptureFixture
) -> None:
    one, two = await raw_page(session, 1, 100), await raw_page(session, 2, 100)
    two["meta"]["total_results"] = 950  # still 10 pages of 100
    await script_pages(state, one, two, two)  # page 2 again says the same
    state.requests.clear()

    streamed = await collect(session, page_size=100, prefetch=1)

    page_numbers = [dict(request.query)["page[number]"] for request in state.requests]
    assert page_numbers == ["1", "2", "2", *map(str, range(3, 11))]
    assert len(streamed) == INVENTORY
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "may have been missed" in warnings[0]


async def test_a_page_past_the_end_of_a_shrunk_inventory_ends_the_walk(
    session: AsyncSession, state: EmulatorState
) -> None:
    one, two = await raw_page(session, 1, 100), await raw_page(session, 2, 100)
    one["meta"].update(total_results=300, total_pages=3)
    two["meta"].update(total_results=300, total_pages=3)
    three = {"data": [], "meta": {"page_number": 3, "page_size": 100, "total_pages": 2,
                                  "total_results": 200}}  # fmt: skip
    await script_pages(state, one, two, three, three)

    streamed = await collect(session, page_size=100, prefetch=1)

    assert ids(streamed) == ids(await list_all(session, page_size=100))[:200]


async def test_a_card_pushed_along_page_after_page_comes_once(
    session: AsyncSession, state: EmulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 90 new cards before every page of 100: each card is on about ten pages in a row, and
    # the walk, ten cards nearer its end with each page, takes about a hundred.
    there_all_along = set(ids(await list_all(session)))
    grow_on_every_listing(monkeypatch, state, per_listing=90)
    sort = "current_billing_period_consumed_data.amount"
    streamed = ids(await collect(session, page_size=100, prefetch=1, sort=sort))
    assert len(streamed) == len(set(streamed)), "a card came twice"
    assert there_all_along - set(streamed) == set()


@pytest.mark.parametrize("added", [700, 1000, 2500])
async def test_cards_pushed_many_pages_on_at_once_come_once(
    session: AsyncSession,
    state: EmulatorState,
    monkeypatch: pytest.MonkeyPatch,
    added: int,
) -> None:
    # A bulk registration lands between pages 3 and 4 and pushes every card `added` on.
    there_all_along = set(ids(await list_all(session)))
    inventory = state.inventory
    select = inventory.select
    listings = itertools.count(1)

    def select_after_a_bulk_registration(query: CardQuery) -> Sequence[int]:
        if next(listings) == 4:
            for n in range(added):
                inventory.register(registration_code(900_000 + n))
        return select(query)

    monkeypatch.setattr(inventory, "select", select_after_a_bulk_registration)
    sort = "current_billing_period_consumed_data.amount"
    streamed = ids(await collect(session, page_size=100, prefetch=1, sort=sort))
    assert len(streamed) == len(set(streamed)), "a card came twice"
    assert there_all_along - set(streamed) == set()


async def test_an_inventory_growing_as_fast_as_it_is_walked_ends_it_with_an_error(
    session: AsyncSession, state: EmulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page of new cards at the end of the listing for every page walked: no end in sight.
    grow_on_every_listing(monkeypatch, state, per_listing=100)
    with pytest.raises(PaginationError, match="grows as fast as it is walked: 17 pages"):
        await collect(session, page_size=100, prefetch=2)
    listings = [r for r in state.requests if r.path.endswith("/sim_cards")]
    assert len(listings) <= 1 + 1 + 17 + 2  # page 1, one to start from, 17 more, and in flight


async def test_an_empty_first_page_that_counts_cards_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    one = await raw_page(session, 1, 100)
    one["data"] = []
    await script_pages(state, one, one)
    with pytest.raises(
        PaginationError, match=r"page 1 holds 0 cards, twice; its meta \(1000 cards"
    ):
        await collect(session, page_size=100)


async def test_a_page_shorter_than_its_meta_says_is_fetched_again(
    session: AsyncSession, state: EmulatorState
) -> None:
    # 1,000 cards in pages of 250; page 2 comes with 10 cards once, then whole.
    one, two = await raw_page(session, 1, 250), await raw_page(session, 2, 250)
    short = json.loads(json.dumps(two))
    short["data"] = short["data"][:10]
    await script_pages(state, one, short)
    start = len(state.requests)
    streamed = await collect(session, page_size=250, prefetch=1)
    asked = [dict(r.query)["page[number]"] for r in state.requests[start:]]
    assert asked == ["1", "2", "2", "3", "4"]
    assert ids(streamed) == ids(await list_all(session))


async def test_a_page_that_stays_shorter_than_its_meta_says_is_an_error(
    session: AsyncSession, state: EmulatorState
) -> None:
    one, two = await raw_page(session, 1, 250), await raw_page(session, 2, 250)
    two["data"] = two["data"][:10]
    await script_pages(state, one, two, two)
    yielded: list[SimCard] = []
    with pytest.raises(PaginationError, match=r"page 2 holds 10 cards, twice; .* means 250"):
        await stream_into(yielded, session.sim_cards.stream(page_size=250, prefetch=1))
    assert len(yielded) == 250  # page 1's cards, and nothing passed off as the rest


async def test_a_last_page_longer_than_the_remainder_is_an_error(
    session: AsyncSession, state: EmulatorState
) -> None:
    # 1,000 cards in pages of 150: the last page, the 7th, holds 100, not 150.
    pages = [await raw_page(session, n, 150) for n in range(1, 8)]
    padded = {"data": pages[0]["data"], "meta": pages[6]["meta"]}
    await script_pages(state, *pages[:6], padded, padded)
    with pytest.raises(PaginationError, match=r"page 7 holds 150 cards, twice; .* means 100"):
        await collect(session, page_size=150, prefetch=1)


async def test_a_page_repeating_an_earlier_page_not_just_the_last_is_caught(
    session: AsyncSession, state: EmulatorState
) -> None:
    one, two = await raw_page(session, 1, 250), await raw_page(session, 2, 250)
    three = json.loads(json.dumps(one))
    three["meta"]["page_number"] = 3
    await script_pages(state, one, two, three)
    yielded: list[SimCard] = []
    with pytest.raises(PaginationError, match="page 3 repeats page 1"):
        await stream_into(yielded, session.sim_cards.stream(page_size=250, prefetch=1))
    assert len(yielded) == 500


async def test_a_page_with_far_more_cards_than_asked_is_refused_before_building_them(
    session: AsyncSession, state: EmulatorState
) -> None:
    # 100,000 entries that are not even cards: refused by their number, not built.
    meta = {"page_number": 1, "page_size": 10, "total_pages": 1, "total_results": 10}
    state.add_fault(Fault(status=200, body={"data": [0] * 100_000, "meta": meta}))
    with pytest.raises(PaginationError, match="holds 100000 cards, more than the page size 10"):
        await session.sim_cards.list(page_size=10)
    assert len(state.requests) == 1  # not retried
