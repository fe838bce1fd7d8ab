"""The aiohttp application that answers like the Telnyx Wireless SIM-card API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from ._errors import (
    ALREADY_REGISTERED,
    BAD_REQUEST,
    INVALID_CODE,
    INVALID_JSON,
    MISSING_PARAMETER,
    ApiError,
    error,
)
from ._inventory import (
    FILTER_STATUSES,
    REGISTRATION_STATUSES,
    SORT_CONSUMED_DATA_ASC,
    SORT_CONSUMED_DATA_DESC,
    CardQuery,
    is_valid_registration_code,
)
from ._middleware import CONTROL_PREFIX, emulation_middleware
from ._state import EmulatorState

__all__ = ["BASE_PATH", "STATE_KEY", "STATS_PATH", "create_app"]

BASE_PATH = "/v2"
"""Path prefix of every route, as in ``https://api.telnyx.com/v2``."""

STATS_PATH = CONTROL_PREFIX + "stats"
"""Test-only endpoint serving `EmulatorStats.as_json` (no auth, no faults, not counted)."""

STATE_KEY = web.AppKey("telnyx_wireless_emulator_state", EmulatorState)
"""Where ``create_app`` keeps the state in the application."""

_DEFAULT_PAGE_SIZE = 20
_MAX_PAGE_SIZE = 250
# More pages than the largest inventory fills at one card a page; a bound keeps the page
# number a plain integer in ``meta`` and in the arithmetic that slices the listing.
_MAX_PAGE_NUMBER = 2**31 - 1

# The lowest limit `sys.set_int_max_str_digits` accepts: int() never refuses a number this long,
# whatever the process set, and never spends long converting one.
_MAX_JSON_INTEGER_DIGITS = 640

_INTEGER = re.compile(r"-?[0-9]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def create_app(state: EmulatorState) -> web.Application:
    """Build the emulator's aiohttp application around ``state``.

    Besides the API under `BASE_PATH`, it serves ``GET /_emulator/stats``: the state's
    `EmulatorStats` as JSON, for a test driving an emulator that runs as a separate process.
    That endpoint needs no API key and is never delayed, faulted, rate-limited, recorded or
    counted.

    Args:
        state: The account to serve; tests keep a reference to inspect and script it.

    Returns:
        An application ready for ``AppRunner`` or ``aiohttp.test_utils.TestServer``.
    """
    app = web.Application(middlewares=[emulation_middleware(state)])
    app[STATE_KEY] = state
    app.router.add_get(f"{BASE_PATH}/sim_cards", _list_sim_cards, allow_head=False)
    app.router.add_post(f"{BASE_PATH}/actions/register/sim_cards", _register_sim_cards)
    app.router.add_get(STATS_PATH, _stats, allow_head=False)
    return app


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].stats.as_json())


# -- GET /sim_cards -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Listing:
    """A parsed ``GET /sim_cards`` query."""

    query: CardQuery
    page_number: int
    page_size: int
    include_group: bool


async def _list_sim_cards(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    listing = _parse_listing(request.query)
    indexes = inventory.select(listing.query)
    total_results = len(indexes)
    start = (listing.page_number - 1) * listing.page_size
    page = indexes[start : start + listing.page_size]
    data = b",".join(inventory.card_json(i, include_group=listing.include_group) for i in page)
    meta = {
        "page_number": listing.page_number,
        "page_size": listing.page_size,
        "total_pages": -(-total_results // listing.page_size),
        "total_results": total_results,
    }
    body = b'{"data":[' + data + b'],"meta":' + json.dumps(meta).encode() + b"}"
    return web.Response(body=body, content_type="application/json")


def _parse_listing(params: MultiMapping[str]) -> _Listing:
    """Validate the wire query parameters; unknown ones are ignored, as the real API does."""
    statuses = []
    for key, value in _array_parameter(params, "filter[status]"):
        if value not in FILTER_STATUSES:
            expected = ", ".join(FILTER_STATUSES)
            raise _bad_parameter(key, f"Invalid status '{value}'; expected one of: {expected}.")
        statuses.append(value)
    group_id = params.get("filter[sim_card_group_id]")
    if group_id is not None:
        if not _UUID.fullmatch(group_id):
            detail = f"Invalid SIM card group ID '{group_id}'; it must be a UUID."
            raise _bad_parameter("filter[sim_card_group_id]", detail)
        group_id = group_id.lower()
    sort = params.get("sort")
    if sort is not None and sort not in (SORT_CONSUMED_DATA_ASC, SORT_CONSUMED_DATA_DESC):
        detail = (
            f"Invalid sort '{sort}'; expected '{SORT_CONSUMED_DATA_ASC}' "
            f"or '{SORT_CONSUMED_DATA_DESC}'."
        )
        raise _bad_parameter("sort", detail)
    include_group = params.get("include_sim_card_group", "false")
    if include_group not in ("true", "false"):
        detail = f"Invalid value '{include_group}'; expected 'true' or 'false'."
        raise _bad_parameter("include_sim_card_group", detail)
    return _Listing(
        query=CardQuery(
            tags=frozenset(value for _, value in _array_parameter(params, "filter[tags]")),
            iccid=params.get("filter[iccid]"),
            msisdn=params.get("filter[msisdn]"),
            statuses=frozenset(statuses),
            sim_card_group_id=group_id,
            sort=sort,
        ),
        page_number=_integer_parameter(params, "page[number]", 1, 1, _MAX_PAGE_NUMBER),
        page_size=_integer_parameter(params, "page[size]", _DEFAULT_PAGE_SIZE, 1, _MAX_PAGE_SIZE),
        include_group=include_group == "true",
    )


def _array_parameter(params: MultiMapping[str], name: str) -> list[tuple[str, str]]:
    """Collect an array from ``name=a,b`` and ``name[]=a&name[]=b`` alike, as (key, item) pairs."""
    items: list[tuple[str, str]] = []
    for key in (name, f"{name}[]"):
        for value in params.getall(key, []):
            items.extend((key, item) for item in value.split(",") if item)
    return items


def _integer_parameter(
    params: MultiMapping[str], name: str, default: int, minimum: int, maximum: int
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    bounds = f"between {minimum} and {maximum}"
    # A strict pattern, because int() would also take ' 5', '+5' and '1_0'.
    if not _INTEGER.fullmatch(raw):
        detail = f"Invalid value '{_shorten(raw)}'; it must be an integer {bounds}."
        raise _bad_parameter(name, detail)
    # Digits are counted before int() sees them: it refuses more than 4300, with a message
    # about Python rather than the request, and leading zeros count towards that.
    digits = raw.removeprefix("-").lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        raise _bad_parameter(name, f"Invalid value '{_shorten(raw)}'; it must be {bounds}.")
    value = -int(digits) if raw.startswith("-") else int(digits)
    if not minimum <= value <= maximum:
        raise _bad_parameter(name, f"Invalid value '{_shorten(raw)}'; it must be {bounds}.")
    return value


def _bad_parameter(parameter: str, detail: str) -> ApiError:
    return ApiError(400, [error(BAD_REQUEST, detail, parameter=parameter)])


# -- POST /actions/register/sim_cards -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RegistrationRequest:
    """A validated ``SIMCardRegistration`` body."""

    codes: list[str]
    status: str
    tags: list[str]
    sim_card_group_id: str | None


async def _register_sim_cards(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    registration = _parse_registration(await request.read(), state.max_codes_per_request)
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for position, code in enumerate(registration.codes):
        # Pointers index the request list, so callers can map each failure to its code.
        pointer = f"/registration_codes/{position}"
        if not is_valid_registration_code(code):
            detail = f"'{code}' is not a valid registration code."
            errors.append(error(INVALID_CODE, detail, pointer=pointer))
            state.stats.invalid_codes[code] += 1
        elif state.inventory.is_registered(code):
            detail = f"Registration code '{code}' has already been used."
            errors.append(error(ALREADY_REGISTERED, detail, pointer=pointer))
            state.stats.already_registered[code] += 1
        else:
            card = state.inventory.register(
                code,
                status=registration.status,
                tags=registration.tags,
                sim_card_group_id=registration.sim_card_group_id,
            )
            state.registered_codes.append(code)
            state.stats.registrations[code] += 1
            data.append(card)
    return web.json_response({"data": data, "errors": errors}, status=202)


def _parse_registration(body: bytes, max_codes: int) -> _RegistrationRequest:
    """Validate a ``SIMCardRegistration`` body, reporting every problem at once."""
    payload = _decode_json(body)
    if not isinstance(payload, dict):
        detail = f"The body must be a JSON object, got {_json(payload)}."
        raise ApiError(422, [error(BAD_REQUEST, detail, pointer="")])

    errors: list[dict[str, Any]] = []
    codes: list[str] | None = None
    raw_codes = payload.get("registration_codes")
    if "registration_codes" not in payload:
        detail = "registration_codes is required."
        errors.append(error(MISSING_PARAMETER, detail, pointer="/registration_codes"))
    elif isinstance(raw_codes, list) and not raw_codes:
        detail = "registration_codes must hold at least one code, got []."
        errors.append(error(BAD_REQUEST, detail, pointer="/registration_codes"))
    elif isinstance(raw_codes, list) and len(raw_codes) > max_codes:
        detail = (
            f"{len(raw_codes)} registration codes were given; at most {max_codes} are accepted."
        )
        errors.append(error(BAD_REQUEST, detail, pointer="/registration_codes"))
    else:
        codes = _string_list(payload, "registration_codes", errors)

    status = payload.get("status", "enabled")
    if status not in REGISTRATION_STATUSES:
        expected = ", ".join(REGISTRATION_STATUSES)
        detail = f"Invalid status {_json(status)}; expected one of: {expected}."
        errors.append(error(BAD_REQUEST, detail, pointer="/status"))

    group_id = payload.get("sim_card_group_id")
    if "sim_card_group_id" in payload and not (
        isinstance(group_id, str) and _UUID.fullmatch(group_id)
    ):
        detail = f"Invalid SIM card group ID {_json(group_id)}; it must be a UUID."
        errors.append(error(BAD_REQUEST, detail, pointer="/sim_card_group_id"))

    tags = _string_list(payload, "tags", errors) if "tags" in payload else []

    if errors or codes is None or tags is None:
        # Both lists are None only when an error explaining why was recorded.
        raise ApiError(422, errors)
    return _RegistrationRequest(
        codes=codes,
        status=status,
        tags=tags,
        sim_card_group_id=group_id.lower() if isinstance(group_id, str) else None,
    )


def _decode_json(body: bytes) -> Any:
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


def _string_list(
    payload: dict[str, Any], member: str, errors: list[dict[str, Any]]
) -> list[str] | None:
    """Return ``payload[member]`` if it is a list of strings, else record why not."""
    if member not in payload:
        return None
    value = payload[member]
    if not isinstance(value, list):
        detail = f"{member} must be an array of strings, got {_json(value)}."
        errors.append(error(BAD_REQUEST, detail, pointer=f"/{member}"))
        return None
    valid = True
    for position, item in enumerate(value):
        if not isinstance(item, str):
            detail = f"{member}[{position}] must be a string, got {_json(item)}."
            errors.append(error(BAD_REQUEST, detail, pointer=f"/{member}/{position}"))
            valid = False
    return value if valid else None


def _json(value: object) -> str:
    """Render a request value for an error detail, shortened so details stay readable."""
    return _shorten(json.dumps(value))


def _shorten(text: str) -> str:
    """Cut ``text`` to at most 80 characters for an error detail."""
    return text if len(text) <= 80 else text[:77] + "..."
