"""The transport seam: one request out, one whole response back; the core's only aiohttp import.

`AsyncSession` builds a `Request` (method, URL, query, headers, body, timeout) and hands it to
an `AsyncTransport`, which answers with a `Response` (status, headers, body) or raises an
`APIConnectionError` (no usable HTTP response), `APITimeoutError` or `ResponseTooLargeError`.
Retries, pacing, deciphering and building models stay in the session, above the seam, so a
transport that answers from memory (`telnyx_wireless_async.testing.MockTransport`) exercises
all of them with no socket.

`AiohttpTransport` is the production transport. aiohttp's exceptions carry the request, its
headers and so the API key in their ``repr``: none is chained to ours or put in a message,
which names the class and what ``str`` says, with the key struck out in case the server
echoed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from attrs import field, frozen

from telnyx_wireless_async.errors import (
    APIConnectionError,
    APITimeoutError,
    ResponseTooLargeError,
)

if TYPE_CHECKING:
    # aiohttp is imported when the first request goes out: it takes most of the
    # package's import time (its connector builds TLS contexts on import).
    import aiohttp

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "AiohttpTransport",
    "AsyncTransport",
    "Request",
    "Response",
    "check_http_session",
    "describe",
    "response_too_large",
]

# A 250-card page is about 200 KB of JSON; a body a hundred times larger than the
# largest the API sends is a fault, or an attack (a small gzip body that inflates to GBs).
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024


@frozen(kw_only=True)
class Request:
    """One HTTP request, as the session hands it to a transport.

    Attributes:
        method: The HTTP method, upper case.
        url: The absolute URL, without the query.
        params: Query parameters, in wire form (``{"page[number]": "2"}``).
        headers: Request headers, ``Authorization`` included.
        content: The JSON body, serialised; None for no body.
        timeout: Seconds the whole exchange may take.
        label: What is asked (``"GET /sim_cards (page 3)"``), to start error messages.
    """

    method: str
    url: str
    params: Mapping[str, str] = field(factory=dict)
    headers: Mapping[str, str] = field(factory=dict, repr=False)  # holds the key
    content: bytes | None = None
    timeout: float = 30.0
    label: str = ""


@frozen(kw_only=True)
class Response:
    """One HTTP response, read whole.

    Attributes:
        status: The HTTP status code.
        headers: Response headers; look them up case-insensitively when given a
            ``multidict.CIMultiDictProxy`` (the aiohttp transport does), exactly otherwise.
        content: The body, decoded of any transfer or content encoding.
    """

    status: int
    headers: Mapping[str, str] = field(factory=dict)
    content: bytes = b""


@runtime_checkable
class AsyncTransport(Protocol):
    """What `AsyncSession` sends requests through."""

    async def handle_request(self, request: Request) -> Response:
        """Send `request` and return its whole response.

        Raises:
            APIConnectionError: No usable HTTP response (`APITimeoutError` when it timed
                out); ``request_sent=False`` only when the server certainly did not see it.
            ResponseTooLargeError: The body is over the transport's cap.
        """
        ...

    async def aclose(self) -> None:
        """Release what the transport holds (connections); it is not used again."""
        ...


def check_http_session(http_session: object) -> None:
    """Refuse anything but an aiohttp session to borrow.

    Raises:
        TypeError: `http_session` is not an `aiohttp.ClientSession`.
    """
    import aiohttp

    if not isinstance(http_session, aiohttp.ClientSession):
        raise TypeError(f"http_session must be an aiohttp.ClientSession, got {http_session!r}")


def describe(exc: BaseException) -> str:
    """Describe an aiohttp exception by its class and ``str``, never its ``repr``.

    An `aiohttp.ClientResponseError`'s ``str`` names the URL, which is ours; its
    ``repr`` holds the request's headers, the API key among them.
    """
    import aiohttp

    if isinstance(exc, aiohttp.ClientResponseError):
        text = f"{exc.status}, {exc.message}" if exc.status else exc.message
    else:
        text = str(exc)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _strike_key(text: str, request: Request) -> str:
    """Strike the request's credential out of `text`: a server may echo it into an error."""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    secret = credential or scheme
    return text.replace(secret, "<redacted>") if secret else text


class AiohttpTransport:
    """Sends requests through an aiohttp session: the one the SDK uses in production.

    Args:
        http_session: An aiohttp session to borrow; None creates one, closed by `aclose`.
            A borrowed session's ``raise_for_status`` is overridden and redirects are
            never followed, whatever its settings.
        max_response_size: The most bytes a response body may hold once decoded.
    """

    def __init__(
        self, http_session: aiohttp.ClientSession | None = None, *, max_response_size: int
    ) -> None:
        import aiohttp

        self._http = http_session if http_session is not None else aiohttp.ClientSession()
        self._owns_http = http_session is None
        self._max_response_size = max_response_size

    async def aclose(self) -> None:
        """Close the aiohttp session if this transport created it."""
        if self._owns_http:
            await self._http.close()

    async def handle_request(self, request: Request) -> Response:
        """Send one attempt and read its whole answer; aiohttp's errors become ours."""
        import aiohttp  # already imported by __init__: a lookup, not an import

        asked = request.label or f"{request.method} {request.url}"
        failure: APIConnectionError
        try:
            async with self._http.request(
                request.method,
                request.url,
                params=request.params,
                data=request.content,
                headers=request.headers,
                timeout=aiohttp.ClientTimeout(total=request.timeout),
                # Whatever a borrowed session says: a 4xx is an answer to decipher, and a
                # redirect is never followed (a 303 would replay a POST as a GET, a 307
                # would send it, key and all, to another origin).
                raise_for_status=False,
                allow_redirects=False,
            ) as response:
                body = await self._read_body(response, asked)
                return Response(status=response.status, headers=response.headers, content=body)
        except aiohttp.ConnectionTimeoutError:
            failure = APITimeoutError(
                f"{asked}: connecting timed out after {request.timeout} s", request_sent=False
            )
        except TimeoutError:
            failure = APITimeoutError(f"{asked} timed out after {request.timeout} s")
        except aiohttp.ClientConnectorError as exc:
            message = _strike_key(f"{asked}: could not connect: {exc}", request)
            failure = APIConnectionError(message, request_sent=False)
        except aiohttp.ClientError as exc:
            failure = APIConnectionError(_strike_key(f"{asked} failed: {describe(exc)}", request))
        # Raised here, outside the except clauses, so that neither __cause__ nor
        # __context__ holds aiohttp's exception.
        raise failure

    async def _read_body(self, response: aiohttp.ClientResponse, asked: str) -> bytes:
        """Read a decoded body, refusing one over ``max_response_size``."""
        limit = self._max_response_size
        length = response.content_length
        if length is not None and length > limit:
            raise self._too_large(response.status, asked, f"says {length:,} bytes")
        if length is not None and "Content-Encoding" not in response.headers:
            return await response.read()  # exactly `length` bytes: no more can come
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                raise self._too_large(response.status, asked, f"holds over {size:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, status: int, asked: str, size: str) -> ResponseTooLargeError:
        return response_too_large(status, asked, size, self._max_response_size)


def response_too_large(status: int, asked: str, size: str, limit: int) -> ResponseTooLargeError:
    """Build the error for a body over ``max_response_size``; `size` says what was seen."""
    return ResponseTooLargeError(
        f"{asked}: HTTP {status} body {size} decoded, over max_response_size ({limit:,} bytes)",
        status=status,
        body=b"",
    )
