"""What every resource shares: the session, typed HTTP verbs, and checked path ids.

A resource method says which path, which parameters and what comes back, in a few
lines; the verbs here send it through the session (retries, pacing, errors) and build
the answer's ``data`` into the model asked for with ``cast_to``::

    async def get(self, sim_card_id: str) -> SimCard:
        path = f"/sim_cards/{path_id('sim_card_id', sim_card_id)}"
        return await self._get(path, cast_to=SimCard)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from telnyx_wireless_async._listing import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_PREFETCH,
    MAX_PREFETCH,
    Listing,
)
from telnyx_wireless_async._pagination import Identified, refuse_oversized_page
from telnyx_wireless_async._query import page_params
from telnyx_wireless_async._retry import RetryOutcome, RetryPolicy
from telnyx_wireless_async._serde import ModelError, structurer, unstructure
from telnyx_wireless_async._validation import MAX_PAGE_SIZE, check_int_range, check_uuid
from telnyx_wireless_async.models import Page

if TYPE_CHECKING:
    from telnyx_wireless_async._session import AsyncSession

__all__ = ["Parse", "Resource", "data_parser", "path_id"]

T = TypeVar("T")
ItemT = TypeVar("ItemT", bound=Identified)

Parse = Callable[[Any], Awaitable[T]]
"""Builds a result from a whole decoded body; raises `ModelError` when it does not fit."""


def path_id(name: str, value: object) -> str:
    """Check an id that goes into a path, and return it as the path carries it.

    Every id in the API's paths is a UUID (``format: uuid`` in the spec), so anything
    else is refused here, before a request is sent, rather than answered with a 404.

    Raises:
        TypeError: `value` is not a str or a UUID.
        ValueError: `value` is not a UUID (in any form `uuid.UUID` reads).
    """
    # Canonical: lower-case hex and hyphens only, so nothing in it needs quoting.
    return check_uuid(name, value)


_parsers: dict[Any, Parse[Any]] = {}


def data_parser(cast_to: Any) -> Parse[Any]:
    """Return a parse that builds a response's ``data`` into `cast_to`; one per type."""
    if (known := _parsers.get(cast_to)) is not None:
        return known
    structure = structurer(cast_to)

    async def parse(payload: Any) -> Any:
        if type(payload) is not dict or "data" not in payload:
            raise ModelError("$: expected an object with data")
        try:
            return structure(payload["data"])
        except ModelError as error:
            raise ModelError(str(error).replace("$", "$.data", 1)) from None

    _parsers[cast_to] = parse
    return parse


_page_structurers: dict[Any, Callable[[Any], Any]] = {}


def _page_structurer(item: Any) -> Callable[[Any], Any]:
    """Return the function that builds a ``Page[item]``; one per item type."""
    if (known := _page_structurers.get(item)) is None:
        known = _page_structurers[item] = structurer(Page[item])
    return known


class Resource:
    """Base of the resources reached as session attributes (``session.sim_cards``)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _send(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[T] | None = None,
        parse: Parse[T] | None = None,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        retry: RetryPolicy | None = None,
        label: str = "",
        outcome: RetryOutcome | None = None,
        sensitive: bool = False,
        sensitive_success: bool = False,
    ) -> T:
        if parse is None:
            if cast_to is None:
                raise TypeError("give cast_to or parse")
            parse = data_parser(cast_to)
        return await self._session.request(
            method,
            path,
            parse=parse,
            params=params,
            # Through the converter: Decimal, datetimes, enums and models as the API spells them.
            json=None if body is None else unstructure(body),
            retry=retry,
            label=label,
            outcome=outcome,
            sensitive=sensitive,
            sensitive_success=sensitive_success,
        )

    async def _get(
        self,
        path: str,
        *,
        cast_to: type[T] | None = None,
        parse: Parse[T] | None = None,
        params: Mapping[str, str] | None = None,
        label: str = "",
        retry: RetryPolicy | None = None,
        sensitive: bool = False,
    ) -> T:
        """GET `path` and build its ``data`` into `cast_to` (or the whole body with `parse`).

        `sensitive` marks an answer that holds secrets: see `AsyncSession.request`.
        """
        return await self._send(
            "GET",
            path,
            cast_to=cast_to,
            parse=parse,
            params=params,
            label=label,
            retry=retry,
            sensitive=sensitive,
        )

    async def _post(
        self,
        path: str,
        *,
        body: Any = None,
        cast_to: type[T] | None = None,
        parse: Parse[T] | None = None,
        retry: RetryPolicy | None = None,
        label: str = "",
        outcome: RetryOutcome | None = None,
    ) -> T:
        """POST `body` to `path`.

        `retry` replaces the session's policy for this request; `outcome` records what
        its attempts came to (whether one may have been processed).
        """
        return await self._send(
            "POST",
            path,
            body=body,
            cast_to=cast_to,
            parse=parse,
            retry=retry,
            label=label,
            outcome=outcome,
        )

    async def _patch(
        self,
        path: str,
        *,
        body: Any,
        cast_to: type[T] | None = None,
        label: str = "",
        sensitive_success: bool = False,
    ) -> T:
        """PATCH `path` with `body`, which holds only the fields to change.

        `sensitive_success` marks a 2xx answer that may hold secrets: see
        `AsyncSession.request`.
        """
        return await self._send(
            "PATCH",
            path,
            body=body,
            cast_to=cast_to,
            label=label,
            sensitive_success=sensitive_success,
        )

    async def _delete(
        self,
        path: str,
        *,
        cast_to: type[T] | None = None,
        params: Mapping[str, str] | None = None,
        label: str = "",
        sensitive_success: bool = False,
    ) -> T:
        """DELETE `path`; `sensitive_success` as for `_patch`."""
        return await self._send(
            "DELETE",
            path,
            cast_to=cast_to,
            params=params,
            label=label,
            sensitive_success=sensitive_success,
        )

    def _list(
        self,
        path: str,
        *,
        cast_to: type[ItemT],
        params: Mapping[str, str],
        page_number: int = 1,
        page_size: int | None = None,
        prefetch: int = DEFAULT_PREFETCH,
        noun: str,
    ) -> Listing[ItemT]:
        """Return the `Listing` of list endpoint `path`, whose items are `cast_to`.

        The page options are checked here, before anything is sent; `params` are the
        listing's filters, checked and in wire form (`_query.filter_params`). Awaited,
        the listing fetches page `page_number` of `page_size` items (20 when None, the
        API's default); iterated, pages of `page_size` (250 when None, the fewest
        requests), with up to `prefetch` in flight.

        Raises:
            TypeError, ValueError: A bad page option.
        """
        one_page = page_size if page_size is not None else DEFAULT_PAGE_SIZE
        page_params(page_number, one_page)
        check_int_range("prefetch", prefetch, low=1, high=MAX_PREFETCH)
        structure = _page_structurer(cast_to)
        query = dict(params)

        async def fetch(number: int, size: int) -> Page[ItemT]:
            async def parse(payload: Any) -> Page[ItemT]:
                refuse_oversized_page(payload, number, size, noun=noun)
                return structure(payload)  # type: ignore[no-any-return]

            page = page_params(number, size)
            return await self._get(path, parse=parse, params=query | page, label=f"page {number}")

        return Listing(
            fetch,
            page_number=page_number,
            page_size=one_page,
            walk_page_size=page_size if page_size is not None else MAX_PAGE_SIZE,
            prefetch=prefetch,
            noun=noun,
        )
