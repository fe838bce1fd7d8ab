"""Pure request building and response deciphering: no I/O, no event loop.

`decipher_response` is the one place that turns ``(status, headers, body)`` into
data or into an exception of the `telnyx_wireless_async.errors` tree.
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
    "USER_AGENT",
    "build_headers",
    "decipher_response",
    "encode_json",
    "error_from_response",
    "package_version",
    "rate_limit_pause",
    "retry_after_seconds",
    "schema_error",
    "strike_out",
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


def retry_after_seconds(
    headers: Mapping[str, str], *, rate_limited: bool = True, now: float | None = None
) -> float | None:
    """Read how long the server asks us to wait, in seconds, or None.

    ``Retry-After`` (delay-seconds or an HTTP date) wins; otherwise, for a 429
    (`rate_limited`), ``x-ratelimit-reset``, which Telnyx documents as seconds until
    the limit resets. The rate-limit headers ride on every response, so on any other
    error the reset time says nothing about when to retry. A value that cannot be
    read is ignored rather than trusted.
    """
    now = time.time() if now is None else now
    retry_after = headers.get("Retry-After")
    if retry_after is not None:
        retry_after = retry_after.strip()
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(0.0, when.timestamp() - now)
    reset = headers.get("x-ratelimit-reset") if rate_limited else None
    if reset is not None:
        try:
            return max(0.0, float(reset.strip()))
        except ValueError:
            return None
    return None


def rate_limit_pause(status: int, headers: Mapping[str, str]) -> float | None:
    """Return how long every request should hold back after this response, or None.

    After a 429, until the reset. After any answer that says no request is left in
    the window (``x-ratelimit-remaining: 0``), until the reset too: the next request
    would only meet a 429.
    """
    if status == 429 or headers.get("x-ratelimit-remaining", "").strip() == "0":
        return retry_after_seconds(headers)
    return None


def _parse_error_list(body: bytes) -> tuple[ErrorDetail, ...]:
    """Parse a ``{"errors": [...]}`` body; a body of another shape yields no errors."""
    try:
        payload = json_loads(body)
    except ValueError:
        return ()
    if not isinstance(payload, dict) or not isinstance(payload.get("errors"), list):
        return ()
    try:
        return structure_errors(payload["errors"])
    except ModelError:
        return ()


def _about(request: str, message: str) -> str:
    """Start `message` with the request it is about (``"GET /sim_cards (page 3): ..."``)."""
    return f"{request}: {message}" if request else message


def error_from_response(
    status: int, headers: Mapping[str, str], body: bytes, *, request: str = ""
) -> APIStatusError:
    """Map a non-2xx response to the exception class for its status.

    `request` (``"GET /sim_cards (page 3)"``, say) starts the message when given.
    """
    errors = _parse_error_list(body)
    request_id = headers.get("x-request-id")
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
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
        retry_after=retry_after_seconds(headers, rate_limited=status == 429),
        body=body,
    )


def strike_out(body: bytes, secret: str) -> bytes:
    """Return `body` with `secret` struck out, for an error: a server may echo the key."""
    return body.replace(secret.encode(), b"<redacted>") if secret else body


def decipher_response(
    status: int, headers: Mapping[str, str], body: bytes, *, request: str = "", secret: str = ""
) -> Any:
    """Return a response's decoded JSON, or raise the matching error.

    Args:
        status: The HTTP status code.
        headers: The response headers (case-insensitive mapping).
        body: The raw body.
        request: What was asked (``"GET /sim_cards (page 3)"``, say), to start an
            error's message.
        secret: Struck out of an error's body and message (the API key).

    Returns:
        The decoded JSON of a 2xx body.

    Raises:
        APIStatusError: A non-2xx status, as its subclass for that status.
        APIResponseValidationError: A 2xx body that is not JSON.
    """
    if not 200 <= status < 300:
        raise error_from_response(status, headers, strike_out(body, secret), request=request)
    try:
        return json_loads(body)
    except ValueError as exc:
        reason = str(exc)
    # Raised out here: the parser's exception, as __context__, would carry the body.
    body = strike_out(body, secret)
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
    """Return the error for a 2xx body whose JSON does not fit the models."""
    reason = str(error).replace(secret, "<redacted>") if secret else str(error)
    return APIResponseValidationError(
        _about(request, f"HTTP {status} body does not match the API's schema: {reason}"),
        status=status,
        body=strike_out(body, secret),
    )
