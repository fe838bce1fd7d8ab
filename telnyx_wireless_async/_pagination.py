"""Page walking for any list endpoint: bounded concurrent prefetch, in-order yield, loop guards.

The walker is generic: a page is anything with ``data`` (a tuple of items) and ``meta``
(a `PageMeta`), an item anything with an ``id`` (the `Page` and `Identified`
protocols); a resource hands `iter_pages` a function that fetches page N, and
`iter_items` walks the items of the pages. Messages name the items by the `noun` given
(``"cards"`` for SIM cards). Below, "cards" stands for any item.

Page 1 is fetched alone: its ``meta.total_pages`` says how many pages follow. Then up
to ``prefetch`` page requests run at once, and pages are yielded strictly in page
order. A page is only requested when an earlier one has been handed to the
consumer, so a slow consumer holds back the fetching: at most ``prefetch`` pages
are in flight or waiting, whatever the size of the inventory.

The server is not trusted blindly. Each page's meta must add up; each page must say it
is the page asked for, hold no more cards than the page size (checked before any card
is built), and hold as many as its own meta implies: full pages before the last, the
remainder on the last. A page that contradicts its meta is fetched again, once, and
raises `PaginationError` if it still does; so does a page that repeats one of the
recent pages while the card count stands still.

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
- Cards pushed back onto a later page come twice; `iter_items` yields them once.

With cards only added, as when codes are registered, every card that existed for the
whole walk is yielded exactly once. The first change of count is logged, once per walk.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

from telnyx_wireless_async.errors import PaginationError
from telnyx_wireless_async.models import PageMeta

__all__ = [
    "FetchPage",
    "Identified",
    "Page",
    "expected_length",
    "fetch_consistent",
    "iter_items",
    "iter_pages",
    "refuse_oversized_page",
]

logger = logging.getLogger(__name__)


class Identified(Protocol):
    """An item of a listing: it has an id (None when the server sent none)."""

    @property
    def id(self) -> str | None: ...


T = TypeVar("T", bound=Identified)
T_co = TypeVar("T_co", bound=Identified, covariant=True)


class Page(Protocol[T_co]):
    """A page of a listing: its items and its `PageMeta` (`SimCardPage` is one)."""

    @property
    def data(self) -> tuple[T_co, ...]: ...

    @property
    def meta(self) -> PageMeta: ...


P = TypeVar("P", bound=Page[Identified])

FetchPage = Callable[[int], Awaitable[P]]
"""Fetches page number N (1-based) of one listing."""


def _check_counts(page: Page[Identified]) -> None:
    meta = page.meta
    expected = {-(-meta.total_results // meta.page_size)} if meta.page_size > 0 else set()
    if meta.total_results == 0:
        expected.add(1)  # an empty listing may count as one empty page
    if meta.total_results < 0 or meta.total_pages not in expected:
        raise PaginationError(
            f"page {meta.page_number} says {meta.total_results} results in pages of"
            f" {meta.page_size} make {meta.total_pages} pages; that does not add up"
        )


def expected_length(meta: PageMeta, number: int) -> int:
    """Return how many items page `number` holds by its own meta.

    Every page before the last is full; the last holds the remainder; a page past the
    last is empty.
    """
    if number < meta.total_pages:
        return meta.page_size
    if number == meta.total_pages:
        return max(0, meta.total_results - (meta.total_pages - 1) * meta.page_size)
    return 0


def refuse_oversized_page(payload: Any, number: int, page_size: int, *, noun: str) -> None:
    """Refuse a page's JSON that holds more items than asked for, before building any.

    A server may send any number of items; building them all only to refuse the page
    would cost memory and CPU in proportion to what it sent.

    Raises:
        PaginationError: ``data`` is an array longer than `page_size`.
    """
    data = payload.get("data") if type(payload) is dict else None
    if type(data) is list and len(data) > page_size:
        raise PaginationError(
            f"page {number} holds {len(data)} {noun}, more than the page size {page_size}"
        )


def _check(page: Page[Identified], number: int, page_size: int, noun: str) -> None:
    if page.meta.page_number != number:
        raise PaginationError(
            f"asked for page {number}, the server answered with page {page.meta.page_number}"
        )
    if len(page.data) > page_size:
        raise PaginationError(
            f"page {number} holds {len(page.data)} {noun}, more than the page size {page_size}"
        )
    _check_counts(page)


async def fetch_consistent(
    fetch: FetchPage[P], number: int, page_size: int, page: P | None = None, *, noun: str
) -> P:
    """Fetch page `number` (unless given it), and once more if it contradicts its own meta.

    A page that holds other than `expected_length` items was cut short, padded, or
    answered from a listing other than the one its meta describes: items would be
    lost or invented. Asked again, a healthy server answers it whole.

    Raises:
        PaginationError: The page contradicts its meta twice, or fails `_check`.
    """
    if page is None:
        page = await fetch(number)
        _check(page, number, page_size, noun)
    if len(page.data) == expected_length(page.meta, number):
        return page
    page = await fetch(number)
    _check(page, number, page_size, noun)
    expected = expected_length(page.meta, number)
    if len(page.data) != expected:
        meta = page.meta
        raise PaginationError(
            f"page {number} holds {len(page.data)} {noun}, twice; its meta"
            f" ({meta.total_results} {noun} in {meta.total_pages} pages of {meta.page_size})"
            f" means {expected}"
        )
    return page


class _RecentPages:
    """Remembers every page of the walk by its item ids, to catch a page served again.

    One hash per page: memory grows with the pages walked, a few bytes each, not with
    the items.
    """

    def __init__(self) -> None:
        self._pages: dict[int, tuple[int, int]] = {}  # hash of the ids -> (number, count)

    def repeats(self, page: Page[Identified], number: int) -> int | None:
        """Return the number of an earlier page that `page` repeats, or None; remember `page`.

        A page comes again as a whole only when enough items were added in front to
        shift it on: a page's worth for each page between the two. Any other repeat is
        a server serving the wrong page.
        """
        if not page.data:
            return None
        key = hash(tuple([item.id for item in page.data]))
        count = page.meta.total_results
        seen = self._pages.get(key)
        if seen is not None and seen[0] != number:
            earlier, earlier_count = seen
            if count - earlier_count < (number - earlier) * page.meta.page_size:
                return earlier
        self._pages[key] = (number, count)
        return None


class _CountChanges:
    """Logs the first change of the item count in a walk, and the first fall, once each."""

    def __init__(self, first: Page[Identified], noun: str) -> None:
        self._first = first.meta.total_results
        self._noun = noun
        self._changed = False
        self._fell = False

    def saw(self, page: Page[Identified]) -> None:
        count = page.meta.total_results
        if count != self._first and not self._changed:
            self._changed = True
            logger.info(
                "the inventory changed during the walk (%d %s at page 1, %d at page %d);"
                " the walk follows it",
                self._first,
                self._noun,
                count,
                page.meta.page_number,
            )

    def fell(self, page: Page[Identified], before: int) -> None:
        if not self._fell:
            self._fell = True
            noun = self._noun
            logger.warning(
                "%s were removed during the walk (%d %s at page %d, %d before it):"
                " %s that moved back across a page boundary may have been missed",
                noun,
                page.meta.total_results,
                noun,
                page.meta.page_number,
                before,
                noun,
            )


async def iter_pages(
    fetch: FetchPage[P], *, page_size: int, prefetch: int, noun: str = "items"
) -> AsyncGenerator[P, None]:
    """Yield every page in order, with up to `prefetch` page requests in flight.

    Args:
        fetch: Fetches page number N (1-based).
        page_size: The page size asked for, to check pages against.
        prefetch: The most page requests in flight at once (1: one after another).
        noun: What the items are called in messages (``"cards"``).

    Raises:
        PaginationError: The server's pages contradict each other.
        TelnyxError: A page request failed after its retries; the pages before it
            were yielded.
    """
    first = await fetch_consistent(fetch, 1, page_size, noun=noun)
    yield first
    if not first.data:
        return
    changes = _CountChanges(first, noun)
    recent = _RecentPages()
    recent.repeats(first, 1)
    # The last page as the latest page says: the walk follows the count as it changes.
    last_number = first.meta.total_pages
    # But not for ever: the pages left to walk must fall now and then. An inventory that
    # grows as fast as it is walked (cards added at its end, say) would be chased for ever.
    pages_left = last_number - 1
    pages_without_progress = 0
    in_flight: deque[tuple[int, asyncio.Task[P]]] = deque()
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
            _check(page, number, page_size, noun)
            page = await fetch_consistent(fetch, number, page_size, page, noun=noun)
            before = previous.meta.total_results
            if page.meta.total_results < before:
                # Answered before items were added that the page before already counts:
                # the items those pushed onto this page's slice would be missed. Again, once;
                # and the pages requested with it, as old as it is, again after it.
                await cancel_in_flight()
                next_number = number + 1
                page = await fetch_consistent(fetch, number, page_size, noun=noun)
                if page.meta.total_results < before:
                    changes.fell(page, before)
            changes.saw(page)
            if not page.data:
                return  # consistent and empty: the inventory shrank past this page
            repeated = recent.repeats(page, number)
            if repeated is not None:
                raise PaginationError(f"page {number} repeats page {repeated}")
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
                    f" {noun} at page 1, {page.meta.total_results} at page {number});"
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
"""Pages whose item ids `iter_items` remembers, and one more per page of items added."""


async def iter_items(pages: AsyncGenerator[Page[T], None]) -> AsyncGenerator[T, None]:
    """Yield the items of `pages` in order, skipping an item one of the recent pages held.

    Items added to the inventory during the walk push later items onto later pages, where
    they come again: after at most one page for every page of items added. So an id is
    remembered until `RECENT_PAGES` pages, and one more for each page of items added so
    far, have gone by without it: memory grows with the items added, not with the
    inventory. An item without an id is always yielded.
    """
    last_page: dict[str, int] = {}  # item id -> the last page, in walk order, it was on
    counts: dict[int, int] = {}  # page number, in walk order -> the item count it gave
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
            count = page.meta.total_results
            counts[number] = count
            ids: list[str] = []
            for item in page.data:
                item_id = item.id
                if item_id is not None:
                    before = last_page.get(item_id)
                    last_page[item_id] = number
                    ids.append(item_id)
                    if before is not None:
                        if counts.get(before) == count:
                            # Nothing was added in front, yet the item moved on: the pages
                            # overlap, so as many items were skipped somewhere.
                            raise PaginationError(
                                f"item {item_id} of page {before} came again on page {number}"
                                f" while the count stood at {count}: the pages overlap, so"
                                " items were skipped; walk again"
                            )
                        logger.debug("item %s came again on a later page", item_id)
                        continue
                yield item
            recent.append(ids)
            remembered = RECENT_PAGES + -(-most_added // max(1, page.meta.page_size))
            while len(recent) > remembered:
                gone = number - len(recent) + 1
                counts.pop(gone, None)
                for item_id in recent.popleft():
                    if last_page.get(item_id) == gone:
                        del last_page[item_id]
    finally:
        await pages.aclose()
