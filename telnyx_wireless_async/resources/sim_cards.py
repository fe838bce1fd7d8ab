"""SIM card operations: paths and parameters only; the session does the HTTP."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypedDict, Unpack
from uuid import UUID

from telnyx_wireless_async._bulk import ProgressCallback
from telnyx_wireless_async._listing import Listing
from telnyx_wireless_async._pagination import refuse_oversized_page
from telnyx_wireless_async._query import (
    Param,
    enum_list,
    enum_value,
    filter_param,
    filter_params,
    flag,
    page_params,
    text,
    text_list,
    uuid_text,
)
from telnyx_wireless_async._registration import (
    RegistrationLedger,
    account_for_codes,
    register_in_chunks,
)
from telnyx_wireless_async._retry import RetryOutcome
from telnyx_wireless_async._serde import structure_page_in_steps
from telnyx_wireless_async._validation import (
    MAX_PAGE_SIZE,
    check_enum,
    check_int_range,
    check_registration_codes,
    check_str_list,
    check_uuid,
)
from telnyx_wireless_async.models import (
    RegistrationResult,
    RegistrationStatus,
    SimCard,
    SimCardPage,
    SimCardStatusFilter,
    SortOrder,
)
from telnyx_wireless_async.resources._base import Resource

__all__ = ["SIM_CARD_FILTERS", "SimCardFilters", "SimCards"]

# The API's own default page size, for one page.
DEFAULT_PAGE_SIZE = 20
# Eight requests in flight hide round-trip latency well (each page is one round trip)
# without crowding a rate limit; past a few dozen, more only adds server load.
DEFAULT_PREFETCH = 8
MAX_PREFETCH = 64

# The API documents no maximum of codes per request. 250 keeps each request small: a
# chunk that fails for good leaves at most 250 codes unknown, and a retry resends
# little; 10,000 codes take 40 requests, five rounds of 8 (benchmarks/register.py:
# 100-code chunks took a third longer at 25 ms latency, 1,000-code chunks no less).
DEFAULT_CHUNK_SIZE = 250
# The emulator's default limit; larger chunks would gain little and risk refusal.
MAX_CHUNK_SIZE = 1000
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64

LIST_PATH = "/sim_cards"
REGISTER_PATH = "/actions/register/sim_cards"


class SimCardFilters(TypedDict, total=False):
    """The filter and sort options shared by `SimCards.list`, `pages` and `stream`.

    Attributes:
        tags: Only cards that carry all of these tags (one str: that one tag).
        iccid: Only cards whose ICCID contains this string.
        msisdn: Only cards whose MSISDN matches this string.
        status: Only cards in any of these states (`SimCardStatusFilter` values).
        sim_card_group_id: Only cards in this group (a UUID).
        include_sim_card_group: Include each card's `SimCardGroup`.
        sort: A `SortOrder` value; ascending unless it starts with ``-``.
    """

    tags: str | Iterable[str]
    iccid: str
    msisdn: str
    status: str | Iterable[str]
    sim_card_group_id: str | UUID
    include_sim_card_group: bool
    sort: str


SIM_CARD_FILTERS: Mapping[str, Param] = {
    "tags": filter_param("tags", text_list),
    "iccid": filter_param("iccid", text),
    "msisdn": filter_param("msisdn", text),
    "status": filter_param("status", enum_list(SimCardStatusFilter)),
    "sim_card_group_id": filter_param("sim_card_group_id", uuid_text),
    "include_sim_card_group": Param("include_sim_card_group", flag),
    "sort": Param("sort", enum_value(SortOrder)),
}
"""How each of `SimCardFilters` goes on the wire."""


class SimCards(Resource):
    """SIM card operations, reached as ``session.sim_cards``."""

    def list(
        self,
        *,
        page_number: int = 1,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardFilters],
    ) -> Listing[SimCard]:
        """List the SIM cards that match the filters: await for a page, iterate for every card.

        ``await sim_cards.list(...)`` fetches one page; ``async for card in
        sim_cards.list(...)`` yields every matching card, in order, with up to
        `prefetch` page requests in flight and no more pages buffered, so memory stays
        bounded by ``prefetch * page_size`` cards; ``.pages()`` walks the pages. Options
        are checked here, before anything is sent.

        Args:
            page_number: The page to fetch when awaited, from 1.
            page_size: Cards per page, 1 to 250: by default 20 for one page (the API's
                default) and 250 when iterating (the fewest requests).
            prefetch: The most page requests in flight while iterating; 1 walks the
                pages one after another.
            **filters: Any of `SimCardFilters`: ``tags``, ``iccid``, ``msisdn``,
                ``status``, ``sim_card_group_id``, ``include_sim_card_group``, ``sort``.

        Returns:
            A `Listing` of `SimCard`.

        Raises:
            TypeError, ValueError: A bad option, raised by this call.
            PaginationError: While iterating, pages that contradict each other.
            TelnyxError: The request failed (while iterating: after the pages before it
                were yielded).
        """
        params = filter_params(SIM_CARD_FILTERS, filters)
        one_page = page_size if page_size is not None else DEFAULT_PAGE_SIZE
        page_params(page_number, one_page)
        check_int_range("prefetch", prefetch, low=1, high=MAX_PREFETCH)
        return Listing(
            partial(self._get_page, params),
            page_number=page_number,
            page_size=one_page,
            walk_page_size=page_size if page_size is not None else MAX_PAGE_SIZE,
            prefetch=prefetch,
            noun="cards",
        )

    async def _get_page(self, params: dict[str, str], number: int, page_size: int) -> SimCardPage:
        """Fetch page `number` of the listing that the wire parameters `params` describe."""

        async def parse(payload: Any) -> SimCardPage:
            refuse_oversized_page(payload, number, page_size, noun="cards")
            return await structure_page_in_steps(payload)

        page = page_params(number, page_size)
        return await self._get(LIST_PATH, parse=parse, params=params | page, label=f"page {number}")

    def pages(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardFilters],
    ) -> AsyncGenerator[SimCardPage, None]:
        """Walk every page of the matching SIM cards: ``list(...).pages()``."""
        filter_params(SIM_CARD_FILTERS, filters)  # refuses page_number: a walk starts at 1
        return self.list(page_size=page_size, prefetch=prefetch, **filters).pages()

    def stream(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        **filters: Unpack[SimCardFilters],
    ) -> AsyncGenerator[SimCard, None]:
        """Yield every matching SIM card across all pages: ``list(...)`` iterated.

        Close the generator (or use `contextlib.aclosing`) to stop early; the requests
        in flight are cancelled.
        """
        filter_params(SIM_CARD_FILTERS, filters)  # refuses page_number: a walk starts at 1
        return self.list(page_size=page_size, prefetch=prefetch, **filters).__aiter__()

    async def register(
        self,
        registration_codes: Iterable[str],
        *,
        sim_card_group_id: str | UUID | None = None,
        tags: str | Iterable[str] | None = None,
        status: str | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        ledger: RegistrationLedger | None = None,
    ) -> RegistrationResult:
        """Register the SIM cards behind any number of registration codes.

        The codes are checked first, then sent in chunks of `chunk_size`, with at most
        `concurrency` requests in flight. Every unique code comes back accounted for:
        registered, failed with the API's error, or unknown with the reason (see
        `RegistrationResult`). Codes the API refuses do not raise; call
        ``result.raise_for_failures()`` for an exception. A request refused as a whole
        (a wrong key, say) stops the call: see Raises.

        Args:
            registration_codes: 10-digit codes: a list or any iterable (a generator
                too), not one string. Duplicates are sent once and listed in
                ``result.duplicates``.
            sim_card_group_id: Put the cards in this group instead of the default one.
            tags: Tags to give the cards (one str: that one tag).
            status: A `RegistrationStatus` to put the cards in (the API's default: enabled).
            chunk_size: Codes per request, 1 to 1,000 (default 250).
            concurrency: The most requests in flight at once, 1 to 64.
            on_progress: Called as ``on_progress(codes_done, codes_total)`` as chunks complete.
            ledger: Collects outcomes as they come, so that they survive cancellation.

        Returns:
            The ledger of every unique code.

        Raises:
            TypeError, ValueError: A bad argument (naming the code and its position),
                before anything is sent.
            APIStatusError: The API refused a request as a whole, with no error pointing
                at a code (`AuthenticationError` for a wrong key, say): no further chunk is
                sent, the chunks in flight finish, and `ledger`, if given, holds the
                outcome of every code.
        """
        codes, duplicates = check_registration_codes("registration_codes", registration_codes)
        body: dict[str, object] = {}
        if sim_card_group_id is not None:
            body["sim_card_group_id"] = check_uuid("sim_card_group_id", sim_card_group_id)
        if tags is not None:
            body["tags"] = check_str_list("tags", [tags] if isinstance(tags, str) else tags)
        if status is not None:
            body["status"] = check_enum("status", status, RegistrationStatus).value
        check_int_range("chunk_size", chunk_size, low=1, high=MAX_CHUNK_SIZE)
        check_int_range("concurrency", concurrency, low=1, high=MAX_CONCURRENCY)
        if on_progress is not None and not callable(on_progress):
            raise TypeError(f"on_progress must be callable, got {on_progress!r}")
        if ledger is not None and not isinstance(ledger, RegistrationLedger):
            raise TypeError(f"ledger must be a RegistrationLedger, got {ledger!r}")

        async def post(chunk: Sequence[str], outcome: RetryOutcome) -> RegistrationResult:
            async def parse(payload: Any) -> RegistrationResult:
                return account_for_codes(chunk, payload)

            return await self._post(
                REGISTER_PATH,
                body={"registration_codes": list(chunk), **body},
                parse=parse,
                label=f"{len(chunk)} codes from {chunk[0]}",
                outcome=outcome,
            )

        return await register_in_chunks(
            post,
            codes,
            duplicates=duplicates,
            chunk_size=chunk_size,
            concurrency=concurrency,
            on_progress=on_progress,
            ledger=ledger if ledger is not None else RegistrationLedger(),
        )
