"""`AsyncSession`: configuration, lifecycle, and the one place requests go out."""

from __future__ import annotations

import asyncio
import enum
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

from telnyx_wireless_async._http import (
    NO_ANSWER,
    RateLimit,
    build_headers,
    decipher_response,
    encode_json,
    key_forms,
    mentions_pin_puk_codes,
    parse_rate_limit,
    schema_error,
    strike_key,
)
from telnyx_wireless_async._retry import RetryOutcome, RetryPolicy, call_with_retries
from telnyx_wireless_async._serde import ModelError
from telnyx_wireless_async._throttle import Throttle
from telnyx_wireless_async._transport import (
    DEFAULT_MAX_RESPONSE_SIZE,
    AiohttpTransport,
    AsyncTransport,
    Request,
    Response,
    check_http_session,
)
from telnyx_wireless_async._validation import check_bool, check_int_range, check_seconds
from telnyx_wireless_async.errors import APIResponseValidationError, RateLimitError
from telnyx_wireless_async.resources.sim_card_actions import SimCardActions
from telnyx_wireless_async.resources.sim_card_group_actions import SimCardGroupActions
from telnyx_wireless_async.resources.sim_card_groups import SimCardGroups
from telnyx_wireless_async.resources.sim_cards import SimCards

if TYPE_CHECKING:
    import aiohttp

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_MAX_RESPONSE_SIZE", "AsyncSession", "check_base_url"]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


class AsyncSession:
    """A connection to the Telnyx API: one aiohttp session, auth, timeouts and retries.

    Use it as an async context manager::

        async with AsyncSession() as telnyx:
            page = await telnyx.sim_cards.list(page_size=50)

    Used without ``async with``, it opens on the first request and must be closed
    with `close`. Once closed it refuses further requests.

    Args:
        api_key: The Telnyx API key; defaults to the ``TELNYX_API_KEY`` environment variable.
        base_url: The API root; defaults to ``TELNYX_BASE_URL``, then
            ``https://api.telnyx.com/v2``.
        timeout: Seconds one request (one attempt) may take in all.
        retry: How failed requests are retried.
        http_session: An aiohttp session to borrow instead of creating one; it is not
            closed by this session. Its ``raise_for_status`` is overridden and redirects
            are never followed, whatever its settings.
        max_response_size: The most bytes a response body may hold once decoded
            (32 MiB by default); a larger one raises `ResponseTooLargeError`.
        pace_requests: Hold every request back by the server's rate-limit headers, so
            that concurrent requests stop together at the limit (see `Throttle`); False
            sends each request as soon as it is asked for. Independent of
            ``RetryPolicy.wait``, which only decides whether waits are slept.
        transport: Where requests go instead of aiohttp, e.g.
            `telnyx_wireless_async.testing.MockTransport` in tests; not closed by this
            session. Not with `http_session`.

    Raises:
        ValueError: No API key was given or found, or an argument is out of range.
        TypeError: An argument has the wrong type.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_session: aiohttp.ClientSession | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        transport: AsyncTransport | None = None,
        pace_requests: bool = True,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("TELNYX_API_KEY", "")
        if not isinstance(key, str):
            raise TypeError(f"api_key must be a str, not {type(key).__name__}")
        key = key.strip()
        if not key:
            raise ValueError("no API key: pass api_key=... or set TELNYX_API_KEY")
        if not all("!" <= c <= "~" for c in key):
            # Named without its value: the key must never reach a message.
            raise ValueError(
                "api_key holds a character that cannot go in an HTTP header: a control"
                " character, a space or a non-ASCII character"
            )
        url = base_url or os.environ.get("TELNYX_BASE_URL") or DEFAULT_BASE_URL
        check_base_url(url)
        check_seconds("timeout", timeout)
        check_int_range("max_response_size", max_response_size, low=1024)
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a RetryPolicy, got {retry!r}")
        if transport is not None:
            if http_session is not None:
                raise TypeError("give http_session or transport, not both")
            if not isinstance(transport, AsyncTransport):
                raise TypeError(f"transport must be an AsyncTransport, got {transport!r}")
        if http_session is not None:
            check_http_session(http_session)

        self._key = key  # only to strip it from error messages; never shown
        # The key as it may come back inside a body: as sent, and as JSON would escape it.
        self._key_forms = key_forms(key)
        self._headers = build_headers(key)
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self._max_response_size = max_response_size
        self._base_url = url.rstrip("/")
        self._timeout = float(timeout)
        self._retry = retry if retry is not None else RetryPolicy()
        self._http = http_session
        self._transport = transport
        self._owns_transport = transport is None
        self._pace = check_bool("pace_requests", pace_requests)
        self._state = _State.UNOPENED
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it was opened in
        # Paces every request of the session by the server's rate-limit headers.
        self._throttle = Throttle()
        self._decoding = asyncio.Lock()
        self.sim_cards = SimCards(self)
        """SIM card operations: list, register and validate; get, update, delete; enable,
        disable and set standby."""
        self.sim_card_actions = SimCardActions(self)
        """SIM card actions: get, list, and wait for one to finish."""
        self.sim_card_groups = SimCardGroups(self)
        """SIM card groups: create, get, update, delete, list, and resolve an id or name."""
        self.sim_card_group_actions = SimCardGroupActions(self)
        """SIM card group actions: get and list."""

    def __repr__(self) -> str:
        return (
            f"<AsyncSession base_url={self._base_url!r} api_key='<redacted>' "
            f"state={self._state.value}>"
        )

    @property
    def base_url(self) -> str:
        """The API root requests go to."""
        return self._base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        """How this session retries failed requests."""
        return self._retry

    @property
    def closed(self) -> bool:
        """True once `close` has run."""
        return self._state is _State.CLOSED

    async def __aenter__(self) -> Self:
        if self._state is _State.OPEN:
            # A second `async with` would close it under the first one's feet.
            raise RuntimeError(
                "this AsyncSession is open already: enter it with `async with` once,"
                " before any request"
            )
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _open(self) -> AsyncTransport:
        if self._state is _State.CLOSED:
            raise RuntimeError("this AsyncSession is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            # Its connections belong to the first loop, which may be closed by now.
            raise RuntimeError(
                "this AsyncSession was opened in another event loop (an earlier"
                " asyncio.run(), say); create one AsyncSession per event loop"
            )
        if self._transport is None:
            self._transport = AiohttpTransport(
                self._http, max_response_size=self._max_response_size
            )
        self._state = _State.OPEN
        return self._transport

    async def close(self) -> None:
        """Close the session and what it created: its transport and aiohttp session."""
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        if self._owns_transport and self._transport is not None:
            await self._transport.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[Any], Awaitable[T]],
        params: Mapping[str, str] | None = None,
        json: Any = None,
        retry: RetryPolicy | None = None,
        label: str = "",
        outcome: RetryOutcome | None = None,
        sensitive: bool = False,
        sensitive_success: bool = False,
    ) -> T:
        """Send one API request, with retries, and build its result.

        The escape hatch for an endpoint the resources do not cover yet: it gets the
        session's auth, retries, pacing and typed errors. ``parse`` receives the whole
        decoded body::

            async def keep(payload): return payload
            body = await telnyx.request("GET", "/sim_card_data_usage_notifications", parse=keep)

        Args:
            method: The HTTP method.
            path: The path under the base URL, starting with ``/``.
            parse: Builds the result from the decoded JSON body; raises `ModelError`.
                It is a coroutine so that building many models can yield to the loop.
            params: Query parameters, already in wire form.
            json: A JSON-serialisable request body.
            retry: A retry policy for this request instead of the session's.
            label: What is asked, for error messages (``"page 3"``): they then start
                ``GET /sim_cards (page 3):``.
            outcome: Records what the attempts came to (whether one may have been
                processed, whether one was answered), whether the call returns or raises.
            sensitive: The request asks for secrets (PIN and PUK codes), which any
                answer may echo: an error about an answer, whatever its status, keeps
                nothing of its body (no errors, no body, no detail in the message);
                its status, class and request id remain.
            sensitive_success: Only a 2xx answer may hold secrets (a card answered to
                a PATCH or DELETE): an error about a 2xx body keeps nothing of it, and
                an error answer is shown (unless it names ``pin_puk_codes``, which
                any body, whatever the request, is withheld for).

        Returns:
            What `parse` built from the response.

        Raises:
            TelnyxError: The request failed after its retries (a subclass says how).
            RuntimeError: The session is closed.
        """
        transport = self._open()
        policy = retry or self._retry
        asked = f"{method} {path}" + (f" ({label})" if label else "")  # starts every message
        outgoing = Request(
            method=method,
            url=self._base_url + path,
            params=params or {},
            headers=self._headers if json is None else self._json_headers,
            content=None if json is None else encode_json(json),
            timeout=self._timeout,
            label=asked,
        )

        async def paced_exchange(deadline: float) -> tuple[Response, RateLimit | None]:
            if not self._pace:
                # No pacing: the headers are read only if an error needs its retry hint.
                return await transport.handle_request(outgoing), None
            if not await self._throttle.acquire(deadline=deadline, sleep=policy.wait):
                held = self._throttle.remaining_pause
                why = (
                    f"holds requests back for another {held:.1f} s"
                    if held > 0
                    else "window was spent by other requests until"
                )
                raise RateLimitError(
                    f"{asked}: the API's rate limit {why} past the retry policy's max_time",
                    status=429,
                    retry_after=held or None,
                )
            rate_limit = NO_ANSWER
            try:
                response = await transport.handle_request(outgoing)
                rate_limit = parse_rate_limit(response.status, response.headers, now=time.time())
            finally:
                self._throttle.release(rate_limit, max_pause=policy.max_server_delay)
            return response, rate_limit

        def withhold_success(body: bytes) -> bool:
            return sensitive or sensitive_success or mentions_pin_puk_codes(body)

        async def send(deadline: float) -> T:
            response, rate_limit = await paced_exchange(deadline)
            status, body = response.status, strike_key(response.content, self._key_forms)
            # One body decoded at a time: responses that arrive together would otherwise
            # each take their turn of the loop in the same round, and stall it for the sum.
            async with self._decoding:
                secret = self._key
                try:
                    payload = decipher_response(
                        status,
                        response.headers,
                        body,
                        request=asked,
                        secret=secret,
                        rate_limit=rate_limit,
                        sensitive=sensitive,
                    )
                except APIResponseValidationError:
                    if not withhold_success(body):
                        raise
                    mismatch = _withheld(asked, status, "is not valid JSON")
                else:
                    try:
                        return await parse(payload)
                    except ModelError as error:
                        mismatch = (
                            _withheld(asked, status, "does not match the API's schema")
                            if withhold_success(body)
                            else schema_error(status, body, error, request=asked, secret=secret)
                        )
            # Raised out here: the ModelError, as __context__, holds the server's values.
            raise mismatch

        return await call_with_retries(policy, send, outcome=outcome)


def _withheld(asked: str, status: int, problem: str) -> APIResponseValidationError:
    """Return the error for an unreadable 2xx body that holds secrets, showing none of it."""
    return APIResponseValidationError(
        f"{asked}: HTTP {status} body {problem} (details withheld: it may hold PIN or PUK codes)",
        status=status,
        body=b"",
    )


def check_base_url(url: object) -> None:
    """Refuse a base URL that cannot be the root of an HTTP API, before any request.

    Raises:
        ValueError: It carries credentials, control characters or spaces, a query or
            a fragment, is not http(s), or names no host or a bad port.
    """
    if not isinstance(url, str):
        raise TypeError(f"base_url must be a str, not {type(url).__name__}")
    if "@" in url:
        # Not echoed: whatever stands before the "@" may be a password.
        raise ValueError(
            "base_url must not carry credentials (it holds '@'); the API key authenticates"
        )
    # isprintable() is False for C0/C1 controls, DEL and Unicode line and paragraph separators.
    if " " in url or not url.isprintable():
        raise ValueError(f"base_url holds a control character or a space: {url!r}")
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"base_url must be an http(s) URL, got {url!r}")
    try:
        parsed.port  # noqa: B018  # urlsplit checks the port only when asked for it
    except ValueError:
        raise ValueError(f"base_url has a port out of range: {url!r}") from None
    if parsed.query or parsed.fragment or url.endswith(("?", "#")):
        raise ValueError(f"base_url must have no query or fragment, got {url!r}")
