"""SIM card operations: paths and parameters only; the session does the HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypedDict, Unpack
from uuid import UUID

from telnyx_wireless_async._action_requests import check_started_action, start_action
from telnyx_wireless_async._bulk import ProgressCallback
from telnyx_wireless_async._bulk_actions import BulkActionLedger, CardInput, act_on_many
from telnyx_wireless_async._code_validation import (
    ChunkVerdicts,
    account_for_validations,
    validate_in_chunks,
)
from telnyx_wireless_async._listing import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_PREFETCH,
    MAX_PREFETCH,
    Listing,
)
from telnyx_wireless_async._not_given import NOT_GIVEN, NotGiven
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
from telnyx_wireless_async._retry import RetryOutcome, RetryPolicy
from telnyx_wireless_async._serde import structure_page_in_steps
from telnyx_wireless_async._validation import (
    MAX_PAGE_SIZE,
    check_bool,
    check_enum,
    check_int_range,
    check_registration_codes,
    check_seconds,
    check_str_list,
    check_uuid,
)
from telnyx_wireless_async.models import (
    BulkActionResult,
    CodeValidationResult,
    DataAmount,
    RegistrationResult,
    RegistrationStatus,
    SimCard,
    SimCardAction,
    SimCardActionType,
    SimCardDetails,
    SimCardPage,
    SimCardStatusFilter,
    SortOrder,
)
from telnyx_wireless_async.resources._base import Resource, data_parser, path_id
from telnyx_wireless_async.resources._data_limit import data_limit_body
from telnyx_wireless_async.resources.sim_card_actions import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    Clock,
    Sleep,
)

__all__ = ["SIM_CARD_FILTERS", "SimCardFilters", "SimCards"]

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
VALIDATE_PATH = "/sim_cards/actions/validate_registration_codes"


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

    # -- one card --------------------------------------------------------------------------

    def _card_path(self, sim_card_id: str | UUID) -> str:
        return f"{LIST_PATH}/{path_id('sim_card_id', sim_card_id)}"

    async def get(
        self,
        sim_card_id: str | UUID,
        *,
        include_sim_card_group: bool = False,
        include_pin_puk_codes: bool = False,
    ) -> SimCardDetails:
        """Fetch one SIM card in full.

        Args:
            sim_card_id: The card's id.
            include_sim_card_group: Ask for the card's group too (the spec has no
                field for it; a server that sends ``sim_card_group`` fills it).
            include_pin_puk_codes: Ask for the PIN and PUK codes, in
                ``pin_puk_codes``. They are secrets: redacted in every ``repr``, and an
                error about any answer, whatever its status, shows none of its body.

        Raises:
            TypeError, ValueError: A bad argument, before anything is sent.
            NotFoundError: No such card (on a server that answers 404).
            TelnyxError: The request failed after its retries.
        """
        path = self._card_path(sim_card_id)
        params = {
            key: "true"
            for key, wanted in (
                (
                    "include_sim_card_group",
                    check_bool("include_sim_card_group", include_sim_card_group),
                ),
                (
                    "include_pin_puk_codes",
                    check_bool("include_pin_puk_codes", include_pin_puk_codes),
                ),
            )
            if wanted
        }
        return await self._get(
            path, cast_to=SimCardDetails, params=params, sensitive=include_pin_puk_codes
        )

    async def update(
        self,
        sim_card_id: str | UUID,
        *,
        tags: Iterable[str] | NotGiven = NOT_GIVEN,
        sim_card_group_id: str | UUID | NotGiven = NOT_GIVEN,
        data_limit: DataAmount | Mapping[str, object] | NotGiven = NOT_GIVEN,
        authorized_imeis: Iterable[str] | NotGiven | None = NOT_GIVEN,
    ) -> SimCardDetails:
        """Change a SIM card's tags, group, data limit or authorized IMEIs.

        Only the fields given are sent (a PATCH); the others stay as they are.

        Args:
            sim_card_id: The card's id.
            tags: The card's new tags, replacing the old ones: a list of strings
                (empty clears them).
            sim_card_group_id: Move the card to this group (a UUID).
            data_limit: The card's own data limit: a `DataAmount`, or a mapping
                ``{"amount": Decimal("2048") or "2048.0", "unit": "MB" or "GB"}``.
            authorized_imeis: The IMEIs allowed to use the card, replacing the old
                list; None clears it (sends null), which is not the same as leaving
                it out.

        Returns:
            The card as the API has it after the change.

        Raises:
            TypeError, ValueError: A bad argument, or none given, before anything is sent.
            TelnyxError: The API refused the change, or the request failed after its retries.
        """
        path = self._card_path(sim_card_id)
        body: dict[str, object] = {}
        if not isinstance(tags, NotGiven):
            body["tags"] = check_str_list("tags", tags)
        if not isinstance(sim_card_group_id, NotGiven):
            body["sim_card_group_id"] = check_uuid("sim_card_group_id", sim_card_group_id)
        if not isinstance(data_limit, NotGiven):
            body["data_limit"] = data_limit_body("data_limit", data_limit)
        if not isinstance(authorized_imeis, NotGiven):
            body["authorized_imeis"] = (
                None
                if authorized_imeis is None
                else check_str_list("authorized_imeis", authorized_imeis)
            )
        if not body:
            raise ValueError(
                "update needs at least one of tags, sim_card_group_id, data_limit, authorized_imeis"
            )
        # The answer is the spec's SIMCard, whose schema holds the PIN and PUK codes.
        return await self._patch(path, body=body, cast_to=SimCardDetails, sensitive_success=True)

    async def delete(self, sim_card_id: str | UUID, *, report_lost: bool = False) -> SimCardDetails:
        """Delete a SIM card: it is disabled (status ``disabling`` meanwhile) and removed.

        To use the card again it must be registered again.

        Args:
            sim_card_id: The card's id.
            report_lost: Delete a disabled eSIM that cannot be uninstalled from its
                device. Irreversible: the eSIM cannot be registered again.

        Returns:
            The card as the API answered the deletion.

        Raises:
            TypeError, ValueError: A bad argument, before anything is sent.
            TelnyxError: The API refused, or the request failed after its retries.
        """
        path = self._card_path(sim_card_id)
        params = {"report_lost": "true"} if check_bool("report_lost", report_lost) else {}
        return await self._delete(
            path, cast_to=SimCardDetails, params=params, sensitive_success=True
        )

    async def enable(self, sim_card_id: str | UUID) -> SimCardAction:
        """Start enabling a SIM card; the card must be in a group (else a 422).

        The API answers with the `SimCardAction` it started; follow it with
        ``session.sim_card_actions.wait(action)``. If an attempt's answer is lost, the
        action it may have started is looked up and returned rather than a second
        one started (see `_action_requests`).

        Raises:
            TypeError, ValueError: `sim_card_id` is not a UUID, before anything is sent.
            UnprocessableEntityError: The API refused (the card is in no group, say).
            APIResponseValidationError: Every answer was unreadable, or not the action
                asked for (no id, another card or another type), and no action started
                by the call was found.
            TelnyxError: The request failed after its retries.
        """
        return await self._act(sim_card_id, SimCardActionType.ENABLE)

    async def disable(self, sim_card_id: str | UUID) -> SimCardAction:
        """Start disabling a SIM card; returns the `SimCardAction` started, as `enable` does."""
        return await self._act(sim_card_id, SimCardActionType.DISABLE)

    async def set_standby(self, sim_card_id: str | UUID) -> SimCardAction:
        """Start putting a SIM card in standby; it must be in a group. As `enable` does."""
        return await self._act(sim_card_id, SimCardActionType.SET_STANDBY)

    async def _act(self, sim_card_id: str | UUID, action_type: SimCardActionType) -> SimCardAction:
        card = check_uuid("sim_card_id", sim_card_id)
        path = f"{self._card_path(card)}/actions/{action_type.value}"
        structure = data_parser(SimCardAction)

        async def parse(payload: Any) -> SimCardAction:
            action: SimCardAction = await structure(payload)
            return check_started_action(action, sim_card_id=card, action_type=action_type)

        async def post(once: RetryPolicy) -> SimCardAction:
            return await self._post(path, parse=parse, retry=once)

        async def card_status() -> str | None:
            status = (await self.get(card)).status
            return None if status is None or status.value is None else str(status.value)

        return await start_action(
            self._session.sim_card_actions,
            post,
            sim_card_id=card,
            action_type=action_type,
            policy=self._session.retry_policy,
            card_status=card_status,
        )

    # -- many cards ----------------------------------------------------------------------------

    async def enable_many(
        self,
        cards: CardInput,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109  # the wait's budget
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_progress: ProgressCallback | None = None,
        ledger: BulkActionLedger | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> BulkActionResult:
        """Enable many SIM cards, and (by default) wait until each action has finished.

        The cards are collected first (a listing is walked to its end, keeping ids
        only), so a filter the action moves cards out of cannot make any card be
        missed. Then one action per card is started, at most `concurrency` at once, and
        the actions are waited for together: each poll round lists actions in bulk
        rather than fetching each one. Every unique card comes back in exactly one
        group of the `BulkActionResult`: completed, already enabled, failed (with the
        reason), unknown (with the reason and the last status seen), or, with
        ``wait=False``, started (with its action id). Cards do not raise; call
        ``result.raise_for_failures()`` for an exception.

        A card counts as already enabled when the card object given shows it enabled
        (no request is sent for it), or when the API refuses the action and the card,
        looked up, is enabled with no action running.

        Args:
            cards: Ids (str or UUID) or cards (anything with an ``id``), any iterable
                or async iterable, such as ``sim_cards.list(tags=["spare"])``; not one
                string. Duplicates are acted on once and listed in ``duplicates``.
            concurrency: The most requests in flight at once, 1 to 64.
            wait: Wait for the actions to finish; False returns once each is started.
            timeout: The most seconds to wait once every action is started, more than 0.
            poll_interval: Seconds between the first poll rounds, growing by half each
                round up to `max_poll_interval`, with jitter.
            max_poll_interval: The longest pause between two poll rounds.
            on_progress: Called as ``on_progress(cards_done, cards_total)`` as cards
                get their outcome (with ``wait=False``: as their action starts).
            ledger: Collects outcomes as they come, so that they survive cancellation.
            clock: A monotonic clock (tests pass a fake one).
            sleep: Sleeps between poll rounds (tests pass one that moves the fake clock).

        Returns:
            The ledger of every unique card.

        Raises:
            TypeError, ValueError: A bad argument or card (naming it and its place),
                before any action is started.
            AuthenticationError, PermissionDeniedError: The API refused a request as it
                would refuse any: no further card is started, the requests in flight
                finish, and `ledger`, if given, holds every card's outcome.
            APIConnectionError: No request got any HTTP answer: the API cannot be reached.
            TelnyxError: A poll round failed with an error other than a transient one.
        """
        return await self._act_many(
            SimCardActionType.ENABLE,
            cards,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
            ledger=ledger,
            clock=clock,
            sleep=sleep,
        )

    async def disable_many(
        self,
        cards: CardInput,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109  # the wait's budget
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_progress: ProgressCallback | None = None,
        ledger: BulkActionLedger | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> BulkActionResult:
        """Disable many SIM cards, and wait for each action; as `enable_many` does."""
        return await self._act_many(
            SimCardActionType.DISABLE,
            cards,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
            ledger=ledger,
            clock=clock,
            sleep=sleep,
        )

    async def set_standby_many(
        self,
        cards: CardInput,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109  # the wait's budget
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_progress: ProgressCallback | None = None,
        ledger: BulkActionLedger | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> BulkActionResult:
        """Put many SIM cards in standby, and wait for each action; as `enable_many` does."""
        return await self._act_many(
            SimCardActionType.SET_STANDBY,
            cards,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
            ledger=ledger,
            clock=clock,
            sleep=sleep,
        )

    async def _act_many(
        self,
        action_type: SimCardActionType,
        cards: CardInput,
        *,
        concurrency: int,
        wait: bool,
        timeout: float,  # noqa: ASYNC109
        poll_interval: float,
        max_poll_interval: float,
        on_progress: ProgressCallback | None,
        ledger: BulkActionLedger | None,
        clock: Clock,
        sleep: Sleep,
    ) -> BulkActionResult:
        check_int_range("concurrency", concurrency, low=1, high=MAX_CONCURRENCY)
        check_bool("wait", wait)
        check_seconds("timeout", timeout)
        check_seconds("poll_interval", poll_interval)
        check_seconds("max_poll_interval", max_poll_interval)
        if max_poll_interval < poll_interval:
            raise ValueError(
                f"max_poll_interval ({max_poll_interval!r} s) must not be below"
                f" poll_interval ({poll_interval!r} s)"
            )
        if on_progress is not None and not callable(on_progress):
            raise TypeError(f"on_progress must be callable, got {on_progress!r}")
        if ledger is not None and not isinstance(ledger, BulkActionLedger):
            raise TypeError(f"ledger must be a BulkActionLedger, got {ledger!r}")
        if not callable(clock) or not callable(sleep):
            raise TypeError(f"clock and sleep must be callable, got {clock!r} and {sleep!r}")

        async def start(card_id: str) -> SimCardAction:
            return await self._act(card_id, action_type)

        async def get_card(card_id: str) -> SimCardDetails:
            return await self.get(card_id)

        return await act_on_many(
            cards,
            action_type,
            start=start,
            get_card=get_card,
            actions=self._session.sim_card_actions,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            clock=clock,
            sleep=sleep,
            on_progress=on_progress,
            ledger=ledger if ledger is not None else BulkActionLedger(),
        )

    # -- registration codes ------------------------------------------------------------------

    async def validate_registration_codes(
        self,
        registration_codes: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
    ) -> CodeValidationResult:
        """Ask the API which registration codes are valid: a dry run of `register`.

        The codes are checked as `register` checks them, then sent in chunks of
        `chunk_size` with at most `concurrency` requests in flight. Every unique code
        comes back valid, invalid with the API's detail, or unknown with the reason
        (its request failed after its retries, or the answer did not mention it).

        Args:
            registration_codes: 10-digit codes: a list or any iterable, not one string.
                Duplicates are sent once and listed in ``result.duplicates``.
            chunk_size: Codes per request, 1 to 1,000 (default 250).
            concurrency: The most requests in flight at once, 1 to 64.
            on_progress: Called as ``on_progress(codes_done, codes_total)``.

        Returns:
            A `CodeValidationResult` accounting for every unique code.

        Raises:
            TypeError, ValueError: A bad argument, before anything is sent.
            APIStatusError: The API refused a request as a whole (a 401, say): no
                further chunk is sent, and the error is raised once those in flight end.
        """
        codes, duplicates = check_registration_codes("registration_codes", registration_codes)
        check_int_range("chunk_size", chunk_size, low=1, high=MAX_CHUNK_SIZE)
        check_int_range("concurrency", concurrency, low=1, high=MAX_CONCURRENCY)
        if on_progress is not None and not callable(on_progress):
            raise TypeError(f"on_progress must be callable, got {on_progress!r}")

        async def post(chunk: Sequence[str]) -> ChunkVerdicts:
            async def parse(payload: Any) -> ChunkVerdicts:
                return account_for_validations(chunk, payload)

            return await self._post(
                VALIDATE_PATH,
                body={"registration_codes": list(chunk)},
                parse=parse,
                label=f"{len(chunk)} codes from {chunk[0]}",
            )

        return await validate_in_chunks(
            post,
            list(codes),
            duplicates=duplicates,
            chunk_size=chunk_size,
            concurrency=concurrency,
            on_progress=on_progress,
        )
