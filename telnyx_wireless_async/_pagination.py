"""Page walking with bounded concurrent prefetch, in-order yield and loop guards.

Page 1 is fetched alone: its ``meta.total_pages`` says how many pages follow. Then up
to ``prefetch`` page requests run at once, and pages are yielded strictly in page
order. A page is only requested when an earlier one has been handed to the
consumer, so a slow consumer holds back the fetching: at most ``prefetch`` pages
are in flight or waiting, whatever the size of the inventory.

The server is not trusted blindly. Page 1's meta must add up; each page must say it
is the page asked for, hold no more cards than the page size, not be empty before
the last page, and not repeat the page before it; any of these raises
`PaginationError`. The walk stops at ``total_pages`` from page 1 (it never follows
a count that grows), so it cannot loop forever. A card whose id was on the page
just before (the inventory shifted between two requests) is not yielded twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable

from telnyx_wireless_async.errors import PaginationError
from telnyx_wireless_async.models import SimCard, SimCardPage

__all__ = ["iter_cards", "iter_pages"]

logger = logging.getLogger("telnyx_wireless_async")

FetchPage = Callable[[int], Awaitable[SimCardPage]]


def _check_first(page: SimCardPage) -> None:
    meta = page.meta
    expected = {-(-meta.total_results // meta.page_size)} if meta.page_size > 0 else set()
    if meta.total_results == 0:
        expected.add(1)  # an empty listing may count as one empty page
    if meta.total_results < 0 or meta.total_pages not in expected:
        raise PaginationError(
            f"page 1 says {meta.total_results} results in pages of {meta.page_size}"
            f" make {meta.total_pages} pages; that does not add up"
        )


def _check(page: SimCardPage, number: int, page_size: int) -> None:
    if page.meta.page_number != number:
        raise PaginationError(
            f"asked for page {number}, the server answered with page {page.meta.page_number}"
        )
    if len(page.data) > page_size:
        raise PaginationError(
            f"page {number} holds {len(page.data)} cards, more than the page size {page_size}"
        )


async def iter_pages(
    fetch: FetchPage, *, page_size: int, prefetch: int
) -> AsyncGenerator[SimCardPage, None]:
    """Yield every page in order, with up to `prefetch` page requests in flight.

    Args:
        fetch: Fetches page number N (1-based).
        page_size: The page size asked for, to check pages against.
        prefetch: The most page requests in flight at once (1: one after another).

    Raises:
        PaginationError: The server's pages contradict each other.
        TelnyxError: A page request failed after its retries; the pages before it
            were yielded.
    """
    first = await fetch(1)
    _check(first, 1, page_size)
    _check_first(first)
    yield first
    total_pages = first.meta.total_pages
    if not first.data:
        return

    in_flight: deque[tuple[int, asyncio.Task[SimCardPage]]] = deque()
    next_number = 2

    def refill() -> None:
        nonlocal next_number
        while next_number <= total_pages and len(in_flight) < prefetch:
            in_flight.append((next_number, asyncio.ensure_future(fetch(next_number))))
            next_number += 1

    previous_ids = [card.id for card in first.data]
    try:
        refill()
        while in_flight:
            number, task = in_flight.popleft()
            page = await task
            _check(page, number, page_size)
            ids = [card.id for card in page.data]
            if ids and ids == previous_ids:
                raise PaginationError(f"page {number} repeats page {number - 1}")
            previous_ids = ids
            if page.meta.total_pages != total_pages:
                logger.warning(
                    "total_pages changed from %d to %d during the walk; the inventory changed",
                    total_pages,
                    page.meta.total_pages,
                )
            if not page.data:
                raise PaginationError(
                    f"page {number} of {total_pages} is empty: the server's page count was"
                    " wrong, or the inventory shrank during the walk"
                )
            refill()
            yield page
    finally:
        for _, task in in_flight:
            task.cancel()
        # Wait for the cancelled requests, so no task outlives the walk and no
        # exception goes unretrieved.
        await asyncio.gather(*(task for _, task in in_flight), return_exceptions=True)


async def iter_cards(
    pages: AsyncGenerator[SimCardPage, None],
) -> AsyncGenerator[SimCard, None]:
    """Yield the cards of `pages` in order, skipping a card the page before already held."""
    previous: set[str | None] = set()
    try:
        async for page in pages:
            current: set[str | None] = set()
            for card in page.data:
                if card.id is not None and card.id in previous:
                    logger.warning("card %s appeared on two pages; yielded once", card.id)
                    continue
                current.add(card.id)
                yield card
            previous = current
    finally:
        await pages.aclose()
