"""`list()` returns a listing: awaited, one page; iterated, every card; as the official SDK."""

from __future__ import annotations

import pytest

from telnyx_wireless_async import AsyncSession, Page
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"
TOTAL = 530


class Listing:
    """A listing of TOTAL cards served by a MockTransport, recording the pages asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, int]] = []

    def __call__(self, request: Request) -> Response:
        number = int(request.params["page[number]"])
        size = int(request.params["page[size]"])
        self.asked.append((number, size))
        start = (number - 1) * size
        cards = [{"id": f"card-{i}"} for i in range(start, min(TOTAL, start + size))]
        meta = {"page_number": number, "page_size": size,
                "total_pages": -(-TOTAL // size), "total_results": TOTAL}  # fmt: skip
        return json_response({"data": cards, "meta": meta})


@pytest.fixture
def served() -> Listing:
    return Listing()


@pytest.fixture
async def session(served: Listing) -> AsyncSession:
    return AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(served))


async def test_awaiting_a_listing_fetches_one_page_of_the_apis_default_size(
    session: AsyncSession, served: Listing
) -> None:
    page = await session.sim_cards.list()
    assert isinstance(page, Page)
    assert [card.id for card in page.data] == [f"card-{i}" for i in range(20)]
    assert served.asked == [(1, 20)]
    third = await session.sim_cards.list(page_number=3, page_size=7)
    assert third.data[0].id == "card-14"


async def test_iterating_a_listing_yields_every_card_in_order_in_the_largest_pages(
    session: AsyncSession, served: Listing
) -> None:
    ids = [card.id async for card in session.sim_cards.list(status="enabled")]
    assert ids == [f"card-{i}" for i in range(TOTAL)]
    assert sorted(served.asked) == [(1, 250), (2, 250), (3, 250)]


async def test_a_given_page_size_serves_both_ways(session: AsyncSession, served: Listing) -> None:
    listing = session.sim_cards.list(page_size=100, prefetch=2)
    assert len((await listing).data) == 100
    assert len([card async for card in listing]) == TOTAL  # a listing may be used again
    assert [size for _, size in served.asked] == [100] * 7


async def test_pages_of_a_listing(session: AsyncSession) -> None:
    sizes = [len(page.data) async for page in session.sim_cards.list(page_size=200).pages()]
    assert sizes == [200, 200, 130]


async def test_a_listing_checks_its_options_when_made(
    session: AsyncSession, served: Listing
) -> None:
    with pytest.raises(ValueError, match="prefetch"):
        session.sim_cards.list(prefetch=0)
    with pytest.raises(ValueError, match="page_size"):
        session.sim_cards.list(page_size=251)
    with pytest.raises(TypeError, match="colour"):
        session.sim_cards.list(colour="red")  # type: ignore[call-arg]
    assert served.asked == []


async def test_iterating_from_another_page_than_the_first_is_refused(
    session: AsyncSession, served: Listing
) -> None:
    listing = session.sim_cards.list(page_number=2)
    with pytest.raises(ValueError, match="page_number=2 is for awaiting one page"):
        async for _ in listing:
            pass
    assert served.asked == []


async def test_stream_and_pages_are_the_listing_iterated(session: AsyncSession) -> None:
    streamed = [card.id async for card in session.sim_cards.stream(page_size=50)]
    listed = [card.id async for card in session.sim_cards.list(page_size=50)]
    assert streamed == listed
    paged = [c.id async for page in session.sim_cards.pages(page_size=50) for c in page.data]
    assert paged == listed
