"""Error bodies as the Telnyx API writes them: ``{"errors": [wireless_Error, ...]}``."""

from __future__ import annotations

import http
from typing import Any

from aiohttp import web

__all__ = [
    "ACTION_IN_PROGRESS",
    "ALREADY_IN_STATUS",
    "ALREADY_REGISTERED",
    "AUTHENTICATION_FAILED",
    "BAD_REQUEST",
    "GROUP_IN_USE",
    "INVALID_CODE",
    "INVALID_JSON",
    "MISSING_PARAMETER",
    "NOT_FOUND",
    "NO_GROUP",
    "READ_ONLY_FIELD",
    "TOO_MANY_REQUESTS",
    "UNEXPECTED",
    "UNKNOWN_GROUP",
    "ApiError",
    "error",
    "error_response",
    "status_error",
]

# Codes and titles from Telnyx's published API error catalogue.
AUTHENTICATION_FAILED = ("10009", "Authentication failed")
NOT_FOUND = ("10005", "Resource not found")
BAD_REQUEST = ("10015", "Bad Request")
MISSING_PARAMETER = ("10004", "Missing required parameter")
INVALID_JSON = ("10023", "Invalid JSON")
UNEXPECTED = ("10007", "Unexpected error")
INVALID_CODE = ("10006", "Invalid registration code")
ALREADY_REGISTERED = ("10012", "SIM card already registered")
TOO_MANY_REQUESTS = ("10011", "Too many requests")

# The emulator's own codes for refusals the spec leaves unnamed (lifecycle-notes §3.5: "No
# specific Telnyx error codes are given"). Clients must not rely on them; they are distinct so
# that tests can tell the refusals apart.
ACTION_IN_PROGRESS = ("10031", "SIM card action in progress")
ALREADY_IN_STATUS = ("10032", "SIM card already in the requested status")
NO_GROUP = ("10033", "SIM card not in a SIM card group")
UNKNOWN_GROUP = ("10034", "SIM card group not found")
GROUP_IN_USE = ("10035", "SIM card group cannot be deleted")
READ_ONLY_FIELD = ("10036", "Field cannot be updated")

# What an error answer says when nothing more specific is known: (code, title, detail).
_STATUS_ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("10015", "Bad Request", "The request was not well-formed."),
    401: ("10009", "Authentication failed", "The authentication headers were missing or invalid."),
    403: ("10010", "Authorization failed", "You are not permitted to perform this action."),
    404: ("10005", "Resource not found", "The requested resource or URL does not exist."),
    408: ("10008", "Request timeout", "The request timed out."),
    422: ("10015", "Bad Request", "The request could not be processed."),
    429: ("10011", "Too many requests", "Too many requests were made; slow down and retry later."),
    500: ("10007", "Unexpected error", "Something went wrong on the server."),
    504: ("10008", "Request timeout", "The request timed out."),
}


class ApiError(Exception):
    """Raised by request handling to answer with an errors body instead of a result."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors


def status_error(status: int) -> tuple[str, str, str]:
    """Return ``(code, title, detail)`` of a generic error answer with this status."""
    known = _STATUS_ERRORS.get(status)
    if known is not None:
        return known
    try:
        title = http.HTTPStatus(status).phrase
    except ValueError:
        title = "Unexpected error"
    return UNEXPECTED[0], title, f"The server answered with HTTP {status}."


def error(
    code_and_title: tuple[str, str],
    detail: str,
    *,
    parameter: str | None = None,
    pointer: str | None = None,
) -> dict[str, Any]:
    """Build one ``wireless_Error``."""
    code, title = code_and_title
    built: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    if parameter is not None:
        built["source"] = {"parameter": parameter}
    elif pointer is not None:
        built["source"] = {"pointer": pointer}
    return built


def error_response(status: int, errors: list[dict[str, Any]]) -> web.Response:
    """Answer ``status`` with a ``wireless_Errors`` body."""
    return web.json_response({"errors": errors}, status=status)
