"""`AsyncSession`: configuration, lifecycle, and the one place requests go out."""

from __future__ import annotations

import asyncio
import enum
import os
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

from telnyx_wireless_async._http import (
    build_headers,
    decipher_response,
    rate_limit_pause,
    schema_error,
)
from telnyx_wireless_async._retry import RetryPolicy, call_with_retries
from telnyx_wireless_async._serde import ModelError
from telnyx_wireless_async._throttle import Throttle
from telnyx_wireless_async._validation import check_seconds
from telnyx_wireless_async.errors import APIConnectionError, APITimeoutError
from telnyx_wireless_async.resources.sim_cards import SimCards

if TYPE_CHECKING:
    # aiohttp is imported when the first request goes out: it takes most of the
    # package's import time (its connector builds TLS contexts on import).
    import aiohttp
    from multidict import CIMultiDictProxy

__all__ = ["DEFAULT_BASE_URL", "AsyncSession"]

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
            closed by this session.

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
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("TELNYX_API_KEY", "")
        if not isinstance(key, str):
            raise TypeError(f"api_key must be a str, not {type(key).__name__}")
        key = key.strip()
        if not key:
            raise ValueError("no API key: pass api_key=... or set TELNYX_API_KEY")
        if any(c in key for c in "\r\n"):
            # Named without its value: the key must never reach a message.
            raise ValueError("api_key contains a line break")
        url = base_url or os.environ.get("TELNYX_BASE_URL") or DEFAULT_BASE_URL
        parsed = urlsplit(url)
        if "@" in parsed.netloc:
            # The API key authenticates; and the URL shows up in messages and reprs.
            without = parsed._replace(netloc=parsed.netloc.rpartition("@")[2]).geturl()
            raise ValueError(
                f"base_url must not carry credentials: {without} (the API key authenticates)"
            )
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be an http(s) URL, got {url!r}")
        check_seconds("timeout", timeout)
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a RetryPolicy, got {retry!r}")
        if http_session is not None:
            import aiohttp

            if not isinstance(http_session, aiohttp.ClientSession):
                raise TypeError(
                    f"http_session must be an aiohttp.ClientSession, got {http_session!r}"
                )

        self._headers = build_headers(key)
        self._base_url = url.rstrip("/")
        self._timeout = float(timeout)
        self._retry = retry if retry is not None else RetryPolicy()
        self._http = http_session
        self._owns_http = http_session is None
        self._state = _State.UNOPENED
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it was opened in
        # Paces every request of the session by the server's rate-limit headers.
        self._throttle = Throttle()
        self._decoding = asyncio.Lock()
        self.sim_cards = SimCards(self)
        """SIM card operations: list and register."""

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
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
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
        if self._http is None:
            import aiohttp

            self._http = aiohttp.ClientSession()
        self._state = _State.OPEN
        return self._http

    async def close(self) -> None:
        """Close the session and, if this session created it, the aiohttp session."""
        if self._state is _State.CLOSED:
            return
        self._state = _State.CLOSED
        if self._owns_http and self._http is not None:
            await self._http.close()

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
    ) -> T:
        """Send one API request, with retries, and build its result.

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

        Returns:
            What `parse` built from the response.

        Raises:
            TelnyxError: The request failed after its retries (a subclass says how).
            RuntimeError: The session is closed.
        """
        import aiohttp  # already imported by _open; a lookup, not an import, from here on

        http = self._open()
        url = self._base_url + path
        policy = retry or self._retry
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        asked = f"{method} {path}" + (f" ({label})" if label else "")  # starts every message

        async def exchange() -> tuple[int, CIMultiDictProxy[str], bytes]:
            try:
                async with http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=self._headers,
                    timeout=timeout,
                ) as response:
                    return response.status, response.headers, await response.read()
            except aiohttp.ConnectionTimeoutError as exc:
                raise APITimeoutError(
                    f"{asked}: connecting timed out after {self._timeout} s",
                    request_sent=False,
                ) from exc
            except TimeoutError as exc:
                raise APITimeoutError(f"{asked} timed out after {self._timeout} s") from exc
            except aiohttp.ClientConnectorError as exc:
                raise APIConnectionError(
                    f"{asked}: could not connect: {exc}", request_sent=False
                ) from exc
            except aiohttp.ClientError as exc:
                raise APIConnectionError(f"{asked} failed: {exc!r}") from exc

        async def paced_exchange() -> tuple[int, CIMultiDictProxy[str], bytes]:
            if not policy.wait:
                return await exchange()
            await self._throttle.acquire()
            status: int | None = None
            headers: Mapping[str, str] = {}
            try:
                status, headers, body = await exchange()
            finally:
                pause = rate_limit_pause(status, headers) if status is not None else None
                if pause is not None:
                    pause = min(pause, policy.max_server_delay)
                self._throttle.release(headers, pause)
            return status, headers, body

        async def send() -> T:
            status, headers, body = await paced_exchange()
            # One body decoded at a time: responses that arrive together would otherwise
            # each take their turn of the loop in the same round, and stall it for the sum.
            async with self._decoding:
                payload = decipher_response(status, headers, body, request=asked)
                try:
                    return await parse(payload)
                except ModelError as error:
                    raise schema_error(status, body, error, request=asked) from error

        return await call_with_retries(policy, send)
