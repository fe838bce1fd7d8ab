"""`MockTransport`: answer the SDK's requests from a function, with no socket and no server."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from telnyx_wireless_async._transport import (
    DEFAULT_MAX_RESPONSE_SIZE,
    Request,
    Response,
    response_too_large,
)
from telnyx_wireless_async._validation import check_int_range
from telnyx_wireless_async.errors import APITimeoutError

__all__ = ["Handler", "MockTransport", "json_response"]

Handler = Callable[[Request], Response | Awaitable[Response]]
"""Answers one request: returns (or awaits to) a `Response`, or raises as a transport does
(`APIConnectionError` for a dropped connection, `APITimeoutError` for a timeout)."""


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Return a `Response` whose body is `data` as JSON."""
    return Response(
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
        content=json.dumps(data).encode(),
    )


class MockTransport:
    """A transport that hands every request to `handler`, for unit tests of client logic.

    Retries, rate-limit pacing, pagination and bulk accounting all run above the
    transport, so they run as in production; only the network is replaced. Use it with
    ``AsyncSession(transport=MockTransport(handler))`` and a ``RetryPolicy(wait=False)``
    so that nothing sleeps::

        def handler(request: Request) -> Response:
            return json_response({"data": [], "meta": {...}})

    Args:
        handler: Called with each `Request`; see `Handler`.
        max_response_size: The most bytes a body may hold, as in production: over it, the
            request fails with `ResponseTooLargeError`.

    As in production, a handler that takes longer than the request's ``timeout`` (the
    session's) is cancelled and the request fails with `APITimeoutError`.
    """

    def __init__(
        self, handler: Handler, *, max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    ) -> None:
        if not callable(handler):
            raise TypeError(f"handler must be callable, got {handler!r}")
        check_int_range("max_response_size", max_response_size, low=1)
        self._handler = handler
        self._max_response_size = max_response_size

    async def handle_request(self, request: Request) -> Response:
        """Return what the handler answers to `request`."""
        asked = request.label or f"{request.method} {request.url}"
        try:
            async with asyncio.timeout(request.timeout):
                answer = self._handler(request)
                if inspect.isawaitable(answer):
                    answer = await answer
        except TimeoutError:
            raise APITimeoutError(f"{asked} timed out after {request.timeout} s") from None
        if not isinstance(answer, Response):
            raise TypeError(f"the handler must return a Response, got {answer!r:.80}")
        if len(answer.content) > self._max_response_size:
            size = f"holds {len(answer.content):,} bytes"
            raise response_too_large(answer.status, asked, size, self._max_response_size)
        # Header names are case-insensitive on the wire, as aiohttp's transport reads them.
        return attrs.evolve(answer, headers=CIMultiDictProxy(CIMultiDict(answer.headers)))

    async def aclose(self) -> None:
        """Nothing to release."""
