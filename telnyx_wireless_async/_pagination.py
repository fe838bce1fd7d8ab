"""Page walking with bounded concurrent prefetch, in-order yield and loop guards.

Page 1 is fetched alone: its ``meta.total_pages`` says how many pages follow. Then up
to ``prefetch`` page requests run at once, and pages are yielded strictly in page
order. A page is only requested when an earlier one has been handed to the
consumer, so a slow consumer holds back the fetching: at most ``prefetch`` pages
are in flight or waiting, whatever the size of the inventory.

The server is not trusted blindly. Each page's meta must add up; each page must say it
is the page asked for, hold no more cards than the page size, not be empty before
the last page, and not repeat the page before it while the card count stands still;
any of these raises `PaginationError`.

The inventory may change during the walk: cards are registered while a report runs.
Pages are numbered slices of the listing, so a card added (or removed) before a page's
slice moves every later card one place on (or back). The walk copes as follows:

- It follows the card count as the pages report it, so cards pushed past the last page
  of page 1's count are still fetched. When `STALLED_PAGES` pages in a row bring the
  walk no nearer its end, the inventory grows as fast as it is walked: `PaginationError`.
- A page answered with fewer cards than the page before it may have skipped the cards
  that were pushed from its slice into the slice already fetched: it is fetched again,
  once, and the pages requested with it after it. If the count is still lower, cards
  were removed, and the walk warns that cards may have been missed.
- Cards pushed back onto a later page come twice; `iter_cards` yields them once.

With cards only added, as when codes are registered, every card that existed for the
whole walk is yielded exactly once. The first change of count is logged, once per walk.
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


def _check_counts(page: SimCardPage) -> None:
    meta = page.meta
    expected = {-(-meta.total_results // meta.page_size)} if meta.page_size > 0 else set()
    if meta.total_results == 0:
        expected.add(1)  # an empty listing may count as one empty page
    if meta.total_results < 0 or meta.total_pages not in expected:
        raise PaginationError(
            f"page {meta.page_number} says {meta.total_results} results in pages of"
            f" {meta.page_size} make {meta.total_pages} pages; that does not add up"
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
    _check_counts(page)


class _CountChanges:
    """Logs the first change of the card count in a walk, and the first fall, once each."""

    def __init__(self, first: SimCardPage) -> None:
        self._first = first.meta.total_results
        self._changed = False
        self._fell = False

    def saw(self, page: SimCardPage) -> None:
        count = page.meta.total_results
        if count != self._first and not self._changed:
            self._changed = True
            logger.info(
                "the inventory changed during the walk (%d cards at page 1, %d at page %d);"
                " the walk follows it",
                self._first,
                count,
                page.meta.page_number,
            )

    def fell(self, page: SimCardPage, before: int) -> None:
        if not self._fell:
            self._fell = True
            logger.warning(
                "cards were removed during the walk (%d cards at page %d, %d before it):"
                " cards that moved back across a page boundary may have been missed",
                page.meta.total_results,
                page.meta.page_number,
                before,
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
    if not first.data and first.meta.total_results > 0:
        raise PaginationError(
            f"page 1 is empty, yet says there are {first.meta.total_results} cards"
        )
    yield first
    if not first.data:
        return
    changes = _CountChanges(first)
    # The last page as the latest page says: the walk follows the count as it changes.
    last_number = first.meta.total_pages
    # But not for ever: the pages left to walk must fall now and then. An inventory that
    # grows as fast as it is walked (cards added at its end, say) would be chased for ever.
    pages_left = last_number - 1
    pages_without_progress = 0
    in_flight: deque[tuple[int, asyncio.Task[SimCardPage]]] = deque()
    next_number = 2

    def refill() -> None:
        nonlocal next_number
        while next_number <= last_number and len(in_flight) < prefetch:
            in_flight.append((next_number, asyncio.ensure_future(fetch(next_number))))
            next_number += 1

    async def cancel_in_flight() -> None:
        for _, task in in_flight:
            task.cancel()
        # Wait for the cancelled requests, so no task outlives the walk and no
        # exception goes unretrieved.
        await asyncio.gather(*(task for _, task in in_flight), return_exceptions=True)
        in_flight.clear()

    previous = first
    try:
        refill()
        while in_flight:
            number, task = in_flight.popleft()
            page = await task
            _check(page, number, page_size)
            before = previous.meta.total_results
            if page.meta.total_results < before:
                # Answered before cards were added that the page before already counts:
                # the cards those pushed onto this page's slice would be missed. Again, once;
                # and the pages requested with it, as old as it is, again after it.
                await cancel_in_flight()
                next_number = number + 1
                page = await fetch(number)
                _check(page, number, page_size)
                if page.meta.total_results < before:
                    changes.fell(page, before)
            changes.saw(page)
            if not page.data:
                if number > page.meta.total_pages:
                    return  # the inventory shrank: this page is past its end
                raise PaginationError(
                    f"page {number} of {page.meta.total_pages} is empty: the server's page"
                    " count was wrong"
                )
            if page.data == previous.data and page.meta.total_results == before:
                raise PaginationError(f"page {number} repeats page {number - 1}")
            last_number = page.meta.total_pages
            if last_number - number < pages_left:
                pages_without_progress = 0
            else:
                pages_without_progress += 1
            pages_left = last_number - number
            if pages_without_progress > STALLED_PAGES:
                raise PaginationError(
                    f"the inventory grows as fast as it is walked: {pages_without_progress}"
                    f" pages brought the walk no nearer its end ({first.meta.total_results}"
                    f" cards at page 1, {page.meta.total_results} at page {number});"
                    " walk again once it settles"
                )
            previous = page
            refill()
            yield page
    finally:
        await cancel_in_flight()


STALLED_PAGES = 16
"""Pages a walk may go without getting nearer its end before it gives up."""

RECENT_PAGES = 8
"""Pages whose card ids `iter_cards` remembers, and one more per page of cards added."""


async def iter_cards(
    pages: AsyncGenerator[SimCardPage, None],
) -> AsyncGenerator[SimCard, None]:
    """Yield the cards of `pages` in order, skipping a card one of the recent pages held.

    Cards added to the inventory during the walk push later cards onto later pages, where
    they come again: after at most one page for every page of cards added. So an id is
    remembered until `RECENT_PAGES` pages, and one more for each page of cards added so
    far, have gone by without it: memory grows with the cards added, not with the
    inventory.
    """
    last_page: dict[str, int] = {}  # card id -> the last page, in walk order, it was on
    recent: deque[list[str]] = deque()
    first_count: int | None = None
    most_added = 0
    number = 0
    try:
        async for page in pages:
            number += 1
            if first_count is None:
                first_count = page.meta.total_results
            most_added = max(most_added, page.meta.total_results - first_count)
            ids: list[str] = []
            for card in page.data:
                card_id = card.id
                if card_id is not None:
                    came_before = card_id in last_page
                    last_page[card_id] = number
                    ids.append(card_id)
                    if came_before:
                        logger.debug("card %s came again on a later page", card_id)
                        continue
                yield card
            recent.append(ids)
            remembered = RECENT_PAGES + -(-most_added // max(1, page.meta.page_size))
            while len(recent) > remembered:
                gone = number - len(recent) + 1
                for card_id in recent.popleft():
                    if last_page.get(card_id) == gone:
                        del last_page[card_id]
    finally:
        await pages.aclose()
