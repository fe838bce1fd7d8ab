"""`Listing`: what a list endpoint returns; awaited, one page; iterated, every item.

The official Telnyx SDK has this shape, so code written for it moves over unchanged::

    page = await telnyx.sim_cards.list(page_size=50)      # one page
    async for card in telnyx.sim_cards.list(status="enabled"):  # every card, in order
        ...
    async for page in telnyx.sim_cards.list().pages():    # every page, in order
        ...

Iterating walks the pages with `_pagination`: bounded concurrent prefetch, in-order
yield, the guards against pages that contradict each other, and the handling of an
inventory that grows during the walk. A listing holds only its options, checked when
it is made: it sends nothing until it is awaited or iterated, and each await or
iteration sends its own requests.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from telnyx_wireless_async._pagination import Identified, iter_items, iter_pages
from telnyx_wireless_async.models import Page

__all__ = ["DEFAULT_PAGE_SIZE", "DEFAULT_PREFETCH", "MAX_PREFETCH", "Listing"]

DEFAULT_PAGE_SIZE = 20
"""Items per page when a listing is awaited: the API's own default."""
# Eight requests in flight hide round-trip latency well (each page is one round trip)
# without crowding a rate limit; past a few dozen, more only adds server load.
DEFAULT_PREFETCH = 8
"""Page requests in flight while a listing is iterated, unless told otherwise."""
MAX_PREFETCH = 64
"""The most page requests a listing may keep in flight."""

T = TypeVar("T", bound=Identified)

FetchPage = Callable[[int, int], Awaitable[Page[T]]]
"""Fetches page number N (1-based) of size S: ``fetch(number, size)``."""


class Listing(Generic[T]):
    """A listing: ``await`` it for one page, ``async for`` over it for every item.

    Made by a resource's ``list()``; its options were checked there.

    Attributes:
        page_number: The page an ``await`` fetches; iterating starts at page 1 and
            refuses another page number (a walk's guards count from page 1).
        page_size: Items per page when awaited.
        walk_page_size: Items per page when iterated: the given page size, else the
            largest the API takes, which costs the fewest requests.
        prefetch: The most page requests in flight while iterating.
        noun: What the items are called in error messages (``"cards"``).
    """

    def __init__(
        self,
        fetch: FetchPage[T],
        *,
        page_number: int,
        page_size: int,
        walk_page_size: int,
        prefetch: int,
        noun: str,
    ) -> None:
        self._fetch = fetch
        self.noun = noun
        self.page_number = page_number
        self.page_size = page_size
        self.walk_page_size = walk_page_size
        self.prefetch = prefetch

    def __repr__(self) -> str:
        return (
            f"<Listing page_number={self.page_number} page_size={self.page_size}"
            f" prefetch={self.prefetch}>"
        )

    def __await__(self) -> Generator[Any, None, Page[T]]:
        """Fetch the one page `page_number`, of `page_size` items."""
        return self._fetch(self.page_number, self.page_size).__await__()

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Walk every page from page 1, in order, fetching ahead concurrently.

        Close the generator (or use `contextlib.aclosing`) to stop early; the requests
        in flight are cancelled. Pages are as the API answered them: while items are
        added during the walk, one can come again on a later page (iterating the
        listing yields it once).

        Raises:
            ValueError: The listing was made with a `page_number` other than 1.
            PaginationError: While iterating, pages that contradict each other.
            TelnyxError: While iterating, a page request that failed after its retries.
        """
        if self.page_number != 1:
            raise ValueError(
                f"page_number={self.page_number} is for awaiting one page; iterating walks"
                " every page from page 1"
            )
        size = self.walk_page_size

        async def fetch(number: int) -> Page[T]:
            return await self._fetch(number, size)

        return iter_pages(fetch, page_size=size, prefetch=self.prefetch, noun=self.noun)

    def __aiter__(self) -> AsyncGenerator[T, None]:
        """Yield every item from page 1 on, in order, each once; raises as `pages` does."""
        return iter_items(self.pages())
