"""Reading requests the way the API does, for every route: parameters, JSON bodies, errors.

Every route module parses its query and body with these, so a hostile value gets the
same Telnyx error body (400 or 422) whatever the route, never a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from ._errors import BAD_REQUEST, INVALID_JSON, NOT_FOUND, ApiError, error
from ._state import EmulatorState

__all__ = [
    "STATE_KEY",
    "UUID_PATTERN",
    "Page",
    "array_parameter",
    "bad_parameter",
    "boolean_parameter",
    "choice_parameter",
    "decode_json",
    "integer_parameter",
    "json_object",
    "json_text",
    "not_found",
    "page_parameters",
    "page_response",
    "shorten",
    "string_list",
    "uuid_parameter",
]

STATE_KEY = web.AppKey("telnyx_wireless_emulator_state", EmulatorState)
"""Where ``create_app`` keeps the state in the application."""

# The lowest limit `sys.set_int_max_str_digits` accepts: int() never refuses a number this long,
# whatever the process set, and never spends long converting one.
_MAX_JSON_INTEGER_DIGITS = 640

_INTEGER = re.compile(r"-?[0-9]+")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 250
# More pages than the largest inventory fills at one card a page; a bound keeps the page
# number a plain integer in ``meta`` and in the arithmetic that slices the listing.
MAX_PAGE_NUMBER = 2**31 - 1
UUID_PATTERN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
"""A UUID as the API writes ids, in either case."""


def array_parameter(params: MultiMapping[str], name: str) -> list[tuple[str, str]]:
    """Collect an array from ``name=a,b`` and ``name[]=a&name[]=b`` alike, as (key, item) pairs."""
    items: list[tuple[str, str]] = []
    for key in (name, f"{name}[]"):
        for value in params.getall(key, []):
            items.extend((key, item) for item in value.split(",") if item)
    return items


def integer_parameter(
    params: MultiMapping[str], name: str, default: int, minimum: int, maximum: int
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    bounds = f"between {minimum} and {maximum}"
    # A strict pattern, because int() would also take ' 5', '+5' and '1_0'.
    if not _INTEGER.fullmatch(raw):
        detail = f"Invalid value '{shorten(raw)}'; it must be an integer {bounds}."
        raise bad_parameter(name, detail)
    # Digits are counted before int() sees them: it refuses more than 4300, with a message
    # about Python rather than the request, and leading zeros count towards that.
    digits = raw.removeprefix("-").lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        raise bad_parameter(name, f"Invalid value '{shorten(raw)}'; it must be {bounds}.")
    value = -int(digits) if raw.startswith("-") else int(digits)
    if not minimum <= value <= maximum:
        raise bad_parameter(name, f"Invalid value '{shorten(raw)}'; it must be {bounds}.")
    return value


def bad_parameter(parameter: str, detail: str) -> ApiError:
    return ApiError(400, [error(BAD_REQUEST, detail, parameter=parameter)])


def decode_json(body: bytes) -> Any:
    """Decode a request body, answering 422 for anything that is not JSON the emulator reads."""
    try:
        return json.loads(body, parse_int=_json_integer)
    except RecursionError:
        # The decoder recurses once per nested array or object.
        reason = "it is nested too deeply"
    except ValueError as exc:
        reason = str(exc)
    detail = f"The request body is not valid JSON: {reason}."
    raise ApiError(422, [error(INVALID_JSON, detail, pointer="")])


def _json_integer(text: str) -> int:
    # No member of a registration is a number, so a long one is refused rather than converted.
    digits = len(text.removeprefix("-"))
    if digits > _MAX_JSON_INTEGER_DIGITS:
        raise ValueError(f"a number has {digits} digits, more than {_MAX_JSON_INTEGER_DIGITS}")
    return int(text)


def string_list(
    payload: dict[str, Any], member: str, errors: list[dict[str, Any]]
) -> list[str] | None:
    """Return ``payload[member]`` if it is a list of strings, else record why not."""
    if member not in payload:
        return None
    value = payload[member]
    if not isinstance(value, list):
        detail = f"{member} must be an array of strings, got {json_text(value)}."
        errors.append(error(BAD_REQUEST, detail, pointer=f"/{member}"))
        return None
    valid = True
    for position, item in enumerate(value):
        if not isinstance(item, str):
            detail = f"{member}[{position}] must be a string, got {json_text(item)}."
            errors.append(error(BAD_REQUEST, detail, pointer=f"/{member}/{position}"))
            valid = False
    return value if valid else None


def json_text(value: object) -> str:
    """Render a request value for an error detail, shortened so details stay readable."""
    return shorten(json.dumps(value))


def shorten(text: str) -> str:
    """Cut ``text`` to at most 80 characters for an error detail."""
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True, slots=True)
class Page:
    """Which page of a listing a request asks for: ``page[number]`` and ``page[size]``."""

    number: int
    size: int

    def of(self, items: Sequence[Any]) -> Sequence[Any]:
        """Return this page's slice of ``items``."""
        start = (self.number - 1) * self.size
        return items[start : start + self.size]


def page_parameters(params: MultiMapping[str]) -> Page:
    """Read ``page[number]`` (from 1) and ``page[size]`` (1 to 250, default 20) of a list."""
    return Page(
        number=integer_parameter(params, "page[number]", 1, 1, MAX_PAGE_NUMBER),
        size=integer_parameter(params, "page[size]", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )


def page_response(data: Sequence[bytes], page: Page, total_results: int) -> web.Response:
    """Answer a list request: encoded items, and the ``PaginationMeta`` of ``total_results``."""
    meta = {
        "page_number": page.number,
        "page_size": page.size,
        "total_pages": -(-total_results // page.size),
        "total_results": total_results,
    }
    body = b'{"data":[' + b",".join(data) + b'],"meta":' + json.dumps(meta).encode() + b"}"
    return web.Response(body=body, content_type="application/json")


def boolean_parameter(params: MultiMapping[str], name: str) -> bool:
    """Read a ``true``/``false`` query parameter that defaults to false."""
    value = params.get(name, "false")
    if value not in ("true", "false"):
        detail = f"Invalid value '{shorten(value)}'; expected 'true' or 'false'."
        raise bad_parameter(name, detail)
    return value == "true"


def choice_parameter(params: MultiMapping[str], name: str, choices: Sequence[str]) -> str | None:
    """Read a query parameter that takes one of ``choices``, or None when absent."""
    value = params.get(name)
    if value is not None and value not in choices:
        detail = f"Invalid value '{shorten(value)}'; expected one of: {', '.join(choices)}."
        raise bad_parameter(name, detail)
    return value


def uuid_parameter(params: MultiMapping[str], name: str, what: str) -> str | None:
    """Read a query parameter holding a UUID, lower-cased, or None when absent."""
    value = params.get(name)
    if value is None:
        return None
    if not UUID_PATTERN.fullmatch(value):
        raise bad_parameter(name, f"Invalid {what} '{shorten(value)}'; it must be a UUID.")
    return value.lower()


def not_found(what: str, resource_id: str) -> ApiError:
    """Return the 404 for an ID that names nothing, in Telnyx's errors body."""
    detail = f"No {what} with ID '{shorten(resource_id)}' exists."
    return ApiError(404, [error(NOT_FOUND, detail)])


def json_object(body: bytes) -> dict[str, Any]:
    """Decode a request body that must be a JSON object, answering 422 otherwise."""
    payload = decode_json(body)
    if not isinstance(payload, dict):
        detail = f"The body must be a JSON object, got {json_text(payload)}."
        raise ApiError(422, [error(BAD_REQUEST, detail, pointer="")])
    return payload
