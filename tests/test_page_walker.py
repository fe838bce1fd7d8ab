"""The page walker's guards over a MockTransport: no emulator, no socket, no clock.

`FakeListing` answers ``GET /sim_cards`` from a list of card ids that a test may script,
grow or shrink between requests. The same guards run over real HTTP in test_pagination.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any

import pytest
from attrs import frozen

from telnyx_wireless_async import AsyncSession, PageMeta, PaginationError, RetryPolicy
from telnyx_wireless_async._pagination import iter_items, iter_pages
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY, no_other_tasks

BASE = "https://api.example.test/v2"

Body = dict[str, Any]


def body_of(ids: list[str], number: int, size: int) -> Body:
    """The JSON of page `number` of a listing of `ids`, in pages of `size`."""
    total = len(ids)
    cards = [{"id": i, "iccid": f"{n:019d}"} for n, i in enumerate(ids)]
    meta = {"page_number": number, "page_size": size, "total_results": total,
            "total_pages": -(-total // size) if total else 0}  # fmt: skip
    return {"data": cards[(number - 1) * size : number * size], "meta": meta}


class FakeListing:
    """A listing of card ids behind a MockTransport, with scripted answers and a shuffle of timing.

    Args:
        count: Cards in the listing to begin with.
        before_each: Called before each request is answered: to add or remove cards.
        jitter: Most turns of the loop an answer waits, at random (0: answers in order).
    """

    def __init__(
        self,
        count: int,
        *,
        before_each: Callable[[list[str]], None] | None = None,
        jitter: int = 0,
    ) -> None:
        self.ids = [f"card-{n:05d}" for n in range(count)]
        self.before_each = before_each
        self.jitter = jitter
        self.random = random.Random(3)
        self.scripted: list[Body] = []
        self.asked: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    def page(self, number: int, size: int) -> Body:
        return body_of(self.ids, number, size)

    async def __call__(self, request: Request) -> Response:
        number = int(request.params["page[number]"])
        size = int(request.params["page[size]"])
        self.asked.append(number)
        if self.before_each is not None:
            self.before_each(self.ids)
        answer = self.scripted.pop(0) if self.scripted else self.page(number, size)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(1 + self.random.randint(0, self.jitter)):
                await asyncio.sleep(0)
        finally:
            self.in_flight -= 1
        return json_response(answer)

    def session(self) -> AsyncSession:
        policy = RetryPolicy(wait=False)
        return AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(self), retry=policy)


async def walk(
    listing: FakeListing,
    *,
    page_size: int,
    prefetch: int = 1,
    into: list[str | None] | None = None,
) -> list[str | None]:
    """Every card id the walk yields, appended to `into` as they come (what preceded an error)."""
    yielded = [] if into is None else into
    async with listing.session() as session:
        async for card in session.sim_cards.stream(page_size=page_size, prefetch=prefetch):
            yielded.append(card.id)
    return yielded


def copy(body: Body) -> Body:
    return json.loads(json.dumps(body))  # type: ignore[no-any-return]


@pytest.mark.parametrize("prefetch", [1, 3, 8])
async def test_every_card_once_in_order_with_at_most_prefetch_in_flight(prefetch: int) -> None:
    listing = FakeListing(1000, jitter=3)
    assert await walk(listing, page_size=30, prefetch=prefetch) == listing.ids
    assert listing.most_in_flight == prefetch
    assert sorted(listing.asked) == list(range(1, 35))


async def test_an_empty_listing_takes_one_request() -> None:
    listing = FakeListing(0)
    assert await walk(listing, page_size=10) == []
    assert listing.asked == [1]


async def test_a_page_number_mismatch_is_caught() -> None:
    listing = FakeListing(100)
    wrong = copy(listing.page(2, 10))
    wrong["meta"]["page_number"] = 3
    listing.scripted = [listing.page(1, 10), wrong]
    with pytest.raises(PaginationError, match="asked for page 2, the server answered with page 3"):
        await walk(listing, page_size=10)


async def test_meta_that_does_not_add_up_is_caught() -> None:
    listing = FakeListing(100)
    lying = copy(listing.page(1, 10))
    lying["meta"]["total_pages"] = 1_000_000
    listing.scripted = [lying]
    with pytest.raises(PaginationError, match="does not add up"):
        await walk(listing, page_size=10)


async def test_a_page_repeating_a_recent_page_is_caught_after_the_pages_before_it() -> None:
    listing = FakeListing(100)
    again = copy(listing.page(1, 10))
    again["meta"]["page_number"] = 3
    listing.scripted = [listing.page(1, 10), listing.page(2, 10), again]
    yielded: list[str | None] = []
    with pytest.raises(PaginationError, match="page 3 repeats page 1"):
        await walk(listing, page_size=10, into=yielded)
    assert yielded == listing.ids[:20]


async def test_a_short_page_is_fetched_again_once() -> None:
    listing = FakeListing(100)
    short = copy(listing.page(2, 25))
    short["data"] = short["data"][:10]
    listing.scripted = [listing.page(1, 25), short]
    assert await walk(listing, page_size=25) == listing.ids
    assert listing.asked == [1, 2, 2, 3, 4]


async def test_a_page_that_stays_short_is_an_error_after_the_pages_before_it() -> None:
    listing = FakeListing(100)
    short = copy(listing.page(2, 25))
    short["data"] = short["data"][:10]
    listing.scripted = [listing.page(1, 25), short, short]
    yielded: list[str | None] = []
    with pytest.raises(PaginationError, match=r"page 2 holds 10 cards, twice; .* means 25"):
        await walk(listing, page_size=25, into=yielded)
    assert yielded == listing.ids[:25]


async def test_an_empty_first_page_that_counts_cards_is_caught() -> None:
    listing = FakeListing(100)
    empty = copy(listing.page(1, 10))
    empty["data"] = []
    listing.scripted = [empty, empty]
    with pytest.raises(PaginationError, match=r"page 1 holds 0 cards, twice; its meta \(100 cards"):
        await walk(listing, page_size=10)


async def test_a_page_far_larger_than_asked_is_refused_before_building_and_not_retried() -> None:
    meta = {"page_number": 1, "page_size": 10, "total_pages": 1, "total_results": 10}
    listing = FakeListing(0)
    listing.scripted = [{"data": [0] * 100_000, "meta": meta}]
    with pytest.raises(PaginationError, match="holds 100000 cards, more than the page size 10"):
        await walk(listing, page_size=10)
    assert listing.asked == [1]


async def test_a_card_repeated_while_the_count_stands_still_is_an_error() -> None:
    # Page 2 overlaps page 1 by one card and nothing was added: a card was skipped.
    listing = FakeListing(100)
    one, two = listing.page(1, 10), copy(listing.page(2, 10))
    two["data"] = [one["data"][-1], *two["data"][:-1]]
    listing.scripted = [one, two]
    with pytest.raises(PaginationError, match="came again on page 2 while the count stood"):
        await walk(listing, page_size=10)


async def test_a_card_repeated_after_cards_were_added_in_front_is_yielded_once() -> None:
    listing = FakeListing(100)
    one, two = listing.page(1, 10), copy(listing.page(2, 10))
    two["data"] = [one["data"][-1], *two["data"][:-1]]
    two["meta"] = {**two["meta"], "total_results": 101, "total_pages": 11}
    listing.scripted = [one, two]
    streamed = await walk(listing, page_size=10)
    assert len(streamed) == len(set(streamed))


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_cards_added_in_front_during_the_walk_miss_and_repeat_nothing(
    prefetch: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="telnyx_wireless_async")
    added = iter(range(10_000, 100_000))

    def add_in_front(ids: list[str]) -> None:
        ids[:0] = [f"new-{next(added)}" for _ in range(30)]

    listing = FakeListing(1000, before_each=add_in_front, jitter=4)
    there_all_along = set(listing.ids)
    streamed = await walk(listing, page_size=100, prefetch=prefetch)
    assert len(streamed) == len(set(streamed)), "a card came twice"
    assert there_all_along <= set(streamed), "a card that was there all along is missing"
    messages = [record.getMessage() for record in caplog.records]
    assert sum("changed during the walk" in message for message in messages) == 1
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_page_with_a_lower_count_is_fetched_again_and_a_fall_warned_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    listing = FakeListing(1000)
    two = copy(listing.page(2, 100))
    two["meta"]["total_results"] = 950  # still 10 pages of 100
    listing.scripted = [listing.page(1, 100), two, two]
    assert await walk(listing, page_size=100) == listing.ids
    assert listing.asked == [1, 2, 2, *range(3, 11)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cards that moved back across a page boundary may have been missed" in warnings[0]


async def test_an_empty_page_past_the_end_of_a_shrunk_listing_ends_the_walk() -> None:
    listing = FakeListing(300)
    three = body_of(listing.ids[:200], 3, 100)
    listing.scripted = [listing.page(1, 100), listing.page(2, 100), three, three]
    assert await walk(listing, page_size=100) == listing.ids[:200]


async def test_a_listing_growing_as_fast_as_it_is_walked_ends_with_an_error() -> None:
    added = iter(range(10_000, 100_000))

    def add_at_the_end(ids: list[str]) -> None:
        ids.extend(f"new-{next(added)}" for _ in range(100))

    listing = FakeListing(1000, before_each=add_at_the_end)
    with pytest.raises(PaginationError, match="grows as fast as it is walked: 17 pages"):
        await walk(listing, page_size=100, prefetch=2)
    assert len(listing.asked) <= 1 + 1 + 17 + 2


async def test_breaking_off_cancels_the_requests_in_flight() -> None:
    listing = FakeListing(1000, jitter=5)
    async with (
        listing.session() as session,
        aclosing(session.sim_cards.stream(page_size=10, prefetch=8)) as cards,
    ):
        async for card in cards:
            if card.id == listing.ids[15]:
                break
    assert no_other_tasks()
    assert len(listing.asked) <= 1 + 1 + 8


# -- any list endpoint: the walker knows nothing of SIM cards ------------------------------


@frozen
class Group:
    id: str | None
    name: str


@frozen
class GroupPage:
    data: tuple[Group, ...]
    meta: PageMeta


def group_pages(total: int, size: int, *, lying_at: int = 0) -> Callable[[int], Any]:
    async def fetch(number: int) -> GroupPage:
        start = (number - 1) * size
        groups = tuple(Group(f"g{n}", f"group {n}") for n in range(start, min(total, start + size)))
        if number == lying_at:
            groups = groups[:1]
        pages = -(-total // size)
        meta = PageMeta(page_number=number, page_size=size, total_pages=pages, total_results=total)
        return GroupPage(data=groups, meta=meta)

    return fetch


async def test_the_walker_serves_any_item_type() -> None:
    pages: AsyncGenerator[GroupPage, None] = iter_pages(
        group_pages(23, 5), page_size=5, prefetch=3, noun="groups"
    )
    groups = [group async for group in iter_items(pages)]
    assert [group.id for group in groups] == [f"g{n}" for n in range(23)]


async def test_its_messages_name_the_items() -> None:
    pages = iter_pages(group_pages(23, 5, lying_at=2), page_size=5, prefetch=1, noun="groups")
    with pytest.raises(
        PaginationError, match=r"page 2 holds 1 groups, twice; its meta \(23 groups"
    ):
        _ = [group async for group in iter_items(pages)]
