"""Pure request building and response deciphering: no I/O, no event loop.

`decipher_response` is the one place that turns ``(status, headers, body)`` into
data or into an exception of the `telnyx_wireless_async.errors` tree, and
`parse_rate_limit` the one place that reads the rate-limit headers, into a `RateLimit`.
"""

from __future__ import annotations

import contextlib
import json
import platform
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from attrs import frozen

from telnyx_wireless_async._serde import ModelError, structure_errors
from telnyx_wireless_async.errors import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from telnyx_wireless_async.models import ErrorDetail

__all__ = [
    "NO_ANSWER",
    "PIN_PUK_FIELD",
    "USER_AGENT",
    "RateLimit",
    "build_headers",
    "decipher_response",
    "encode_json",
    "error_from_response",
    "key_forms",
    "mentions_pin_puk_codes",
    "package_version",
    "parse_rate_limit",
    "schema_error",
    "strike_key",
    "strike_key_from_errors",
]

json_loads: Callable[[bytes], Any] = json.loads
# The optional extra `speedups` parses JSON about twice as fast.
with contextlib.suppress(ImportError):
    from orjson import loads as json_loads  # type: ignore[import-not-found, no-redef, unused-ignore]


def package_version() -> str:
    """Return the installed version of this package."""
    try:
        return version("telnyx-wireless-async")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


USER_AGENT = (
    f"telnyx-wireless-async/{package_version()} "
    f"({platform.python_implementation()} {platform.python_version()})"
)

_STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def encode_json(value: Any) -> bytes:
    """Serialise a request body: compact JSON, UTF-8, non-ASCII kept as it is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def build_headers(api_key: str) -> dict[str, str]:
    """Return the headers every request carries."""
    return {
        "Authorization": f"Bearer {api_key}",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }


@frozen(kw_only=True)
class RateLimit:
    """What one answer's rate-limit headers say, read once (gidgethub's ``sansio.RateLimit``).

    Telnyx stamps ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
    ``x-ratelimit-reset`` (seconds until the window resets) on its answers; a 429 may
    carry ``Retry-After`` too. A value that cannot be read is None: ignored rather
    than trusted. Built by `parse_rate_limit`; the throttle paces the session by it,
    and an error's ``retry_after`` (which the retry delay honours) is its `retry_delay`.

    Attributes:
        limit: Requests allowed per window (``x-ratelimit-limit``), at least 0.
        remaining: Requests left in the window (``x-ratelimit-remaining``), at least 0.
        reset: Seconds until the window resets (``x-ratelimit-reset``), at least 0.
        retry_after: Seconds the server asks to wait (``Retry-After``, as delay-seconds
            or an HTTP date), at least 0.
        rate_limited: The answer was a 429.
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None
    retry_after: float | None = None
    rate_limited: bool = False

    @property
    def retry_delay(self) -> float | None:
        """Seconds a retry of the request should wait, as the server says, or None.

        ``Retry-After`` wins; otherwise, for a 429 only, the reset. The rate-limit
        headers ride on every answer, so on any other error the reset says nothing
        about when to retry.
        """
        if self.retry_after is not None:
            return self.retry_after
        return self.reset if self.rate_limited else None

    @property
    def pause(self) -> float | None:
        """Seconds every request of the session should hold back, or None.

        After a 429, until the reset. After any answer that says no request is left in
        the window (``remaining`` 0), until the reset too: the next request would only
        meet a 429. ``Retry-After`` wins over ``x-ratelimit-reset`` in both cases.
        """
        if self.rate_limited or self.remaining == 0:
            return self.retry_after if self.retry_after is not None else self.reset
        return None


NO_ANSWER = RateLimit()
"""The `RateLimit` of a request that got no answer, or one with no rate-limit headers."""

_RATE_LIMITED_BARE = RateLimit(rate_limited=True)


def _header_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return max(0, int(value.strip()))
    except ValueError:
        return None


def _header_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def _retry_after(value: str | None, now: float) -> float | None:
    """Read ``Retry-After``: delay-seconds, or an HTTP date (with a time zone) less `now`."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def parse_rate_limit(status: int, headers: Mapping[str, str], *, now: float) -> RateLimit:
    """Read an answer's rate-limit headers into a `RateLimit`; pure.

    Args:
        status: The HTTP status (429 marks the answer as `RateLimit.rate_limited`).
        headers: The answer's headers (a case-insensitive mapping from a real transport).
        now: The wall-clock time (``time.time()``) to measure a ``Retry-After`` date from.
    """
    get = headers.get
    limit = get("x-ratelimit-limit")
    remaining = get("x-ratelimit-remaining")
    reset = get("x-ratelimit-reset")
    retry_after = get("Retry-After")
    rate_limited = status == 429
    if limit is None and remaining is None and reset is None and retry_after is None:
        return _RATE_LIMITED_BARE if rate_limited else NO_ANSWER
    return RateLimit(
        limit=_header_int(limit),
        remaining=_header_int(remaining),
        reset=_header_seconds(reset),
        retry_after=_retry_after(retry_after, now),
        rate_limited=rate_limited,
    )


def _parse_error_list(body: bytes, secret: str = "") -> tuple[ErrorDetail, ...]:
    """Parse a ``{"errors": [...]}`` body; a body of another shape yields no errors."""
    try:
        payload = json_loads(body)
    except (ValueError, RecursionError):  # the standard parser recurses per nesting level
        return ()
    if not isinstance(payload, dict) or not isinstance(payload.get("errors"), list):
        return ()
    if secret:
        strike_key_from_errors(payload, secret)
    try:
        return structure_errors(payload["errors"])
    except ModelError:
        return ()


PIN_PUK_FIELD = b"pin_puk_codes"
"""The field that holds a card's PIN and PUK codes: a body that names it may hold them."""

ASKED_FOR_PIN_PUK = "the request asked for PIN and PUK codes"
MENTIONS_PIN_PUK = "the answer mentions pin_puk_codes"


def mentions_pin_puk_codes(body: bytes) -> bool:
    """Tell whether a body names the field of the PIN and PUK codes."""
    return PIN_PUK_FIELD in body


def _about(request: str, message: str) -> str:
    """Start `message` with the request it is about (``"GET /sim_cards (page 3): ..."``)."""
    return f"{request}: {message}" if request else message


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    request: str = "",
    rate_limit: RateLimit | None = None,
    secret: str = "",
    sensitive: bool = False,
) -> APIStatusError:
    """Map a non-2xx response to the exception class for its status.

    `request` (``"GET /sim_cards (page 3)"``, say) starts the message when given. The
    error's ``retry_after`` is the `RateLimit.retry_delay` of `rate_limit`, or of the
    headers read now when it is not given. `secret` (the API key) is struck out of
    what the server sent beyond the body, struck already (`strike_key`): the decoded
    errors and the request id, and so the message.

    When the request asked for PIN and PUK codes (`sensitive`), or the body names
    their field, nothing of the body is kept: no errors, no body, and the message says
    the details were withheld; the status, the class and the request id remain.
    """
    if rate_limit is None:
        rate_limit = parse_rate_limit(status, headers, now=time.time())
    request_id = headers.get("x-request-id")
    if request_id is not None and secret:
        request_id = request_id.replace(secret, "<redacted>")
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    withheld = ASKED_FOR_PIN_PUK if sensitive else None
    if withheld is None and mentions_pin_puk_codes(body):
        withheld = MENTIONS_PIN_PUK
    if withheld is not None:
        # The server may echo the codes anywhere in it: keep none of the body.
        errors: tuple[ErrorDetail, ...] = ()
        summary = f"details withheld: {withheld}"
        body = b""
    else:
        errors = _parse_error_list(body, secret)
        summary = (
            "; ".join(f"{e.title}: {e.detail}" if e.detail else e.title for e in errors)
            or body[:200].decode("utf-8", "replace").strip()
        )
    message = _about(request, f"HTTP {status}" + (f": {summary}" if summary else ""))
    if request_id:
        message += f" (request id {request_id})"
    return cls(
        message,
        status=status,
        errors=errors,
        request_id=request_id,
        retry_after=rate_limit.retry_delay,
        body=body,
    )


def strike_key_from_errors(payload: object, key: str) -> None:
    """Strike `key` out of the decoded ``errors`` of a 2xx body, however it was escaped.

    Their titles and details become failures' reasons and messages; the card data is
    the account's own and stays as it came.
    """
    errors = payload.get("errors") if type(payload) is dict else None
    if type(errors) is not list:
        return
    for error in errors:
        if type(error) is dict:
            for name, value in error.items():
                if type(value) is str and key in value:
                    error[name] = value.replace(key, "<redacted>")


def key_forms(key: str) -> tuple[bytes, ...]:
    """Return the byte strings in which a body may echo `key`: as it is, and JSON-escaped."""
    escaped = json.dumps(key)[1:-1]
    return tuple(
        dict.fromkeys([key.encode(), escaped.encode(), escaped.replace("/", "\\/").encode()])
    )


def strike_key(body: bytes, forms: tuple[bytes, ...]) -> bytes:
    """Strike the key out of a body before anything reads it: data, error or message.

    A server, a proxy or an echo service may send the Authorization header back; out of
    the body, it cannot reach an error's message, a model error's quoted value (cut to
    a few dozen characters, which would defeat striking later) or a ledger file. The
    functions below take bodies struck this way, and strike `secret` only out of what
    decoding may still reveal (other escapes of it, a header).
    """
    for form in forms:
        if form in body:
            body = body.replace(form, b"<redacted>")
    return body


def decipher_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    request: str = "",
    secret: str = "",
    rate_limit: RateLimit | None = None,
    sensitive: bool = False,
) -> Any:
    """Return a response's decoded JSON, or raise the matching error.

    Args:
        status: The HTTP status code.
        headers: The response headers (case-insensitive mapping).
        body: The raw body, the key struck out of it (`strike_key`).
        request: What was asked (``"GET /sim_cards (page 3)"``, say), to start an
            error's message.
        secret: Struck out of what decoding reveals for an error (the API key).
        rate_limit: The headers' `RateLimit`, when the caller has read it already.
        sensitive: The request asked for PIN and PUK codes: a non-2xx error keeps
            nothing of the body (`error_from_response`).

    Returns:
        The decoded JSON of a 2xx body, `secret` struck out of its ``errors``.

    Raises:
        APIStatusError: A non-2xx status, as its subclass for that status.
        APIResponseValidationError: A 2xx body that is not JSON.
    """
    if not 200 <= status < 300:
        raise error_from_response(
            status,
            headers,
            body,
            request=request,
            rate_limit=rate_limit,
            secret=secret,
            sensitive=sensitive,
        )
    try:
        payload = json_loads(body)
    except ValueError as exc:
        reason = str(exc)
    except RecursionError:  # the standard parser recurses once per nesting level
        reason = "it is nested too deeply"
    else:
        if secret:
            strike_key_from_errors(payload, secret)  # a 2xx register answer's errors
        return payload
    # Raised out here: the parser's exception, as __context__, would carry the body.
    snippet = body[:80].decode("utf-8", "replace")
    if secret:
        reason = reason.replace(secret, "<redacted>")
    raise APIResponseValidationError(
        _about(request, f"HTTP {status} body is not valid JSON ({reason}): {snippet!r}"),
        status=status,
        body=body,
    )


def schema_error(
    status: int, body: bytes, error: ModelError, *, request: str = "", secret: str = ""
) -> APIResponseValidationError:
    """Return the error for a 2xx body (the key struck out) whose JSON does not fit the models."""
    reason = str(error).replace(secret, "<redacted>") if secret else str(error)
    return APIResponseValidationError(
        _about(request, f"HTTP {status} body does not match the API's schema: {reason}"),
        status=status,
        body=body,
    )
