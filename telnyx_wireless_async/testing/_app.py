"""The aiohttp application that answers like the Telnyx Wireless SIM-card API."""

from __future__ import annotations

import asyncio
import hmac
import http
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from ._inventory import (
    FILTER_STATUSES,
    REGISTRATION_STATUSES,
    SORT_CONSUMED_DATA_ASC,
    SORT_CONSUMED_DATA_DESC,
    CardQuery,
    is_valid_registration_code,
)
from ._state import EmulatorState, Fault, RecordedRequest

__all__ = ["BASE_PATH", "STATE_KEY", "create_app"]

BASE_PATH = "/v2"
"""Path prefix of every route, as in ``https://api.telnyx.com/v2``."""

STATE_KEY = web.AppKey("telnyx_wireless_emulator_state", EmulatorState)
"""Where ``create_app`` keeps the state in the application."""

_LOGGER = logging.getLogger(__name__)

_DEFAULT_PAGE_SIZE = 20
_MAX_PAGE_SIZE = 250

_INTEGER = re.compile(r"-?[0-9]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)

# Codes and titles from Telnyx's published API error catalogue.
_AUTHENTICATION_FAILED = ("10009", "Authentication failed")
_NOT_FOUND = ("10005", "Resource not found")
_BAD_REQUEST = ("10015", "Bad Request")
_MISSING_PARAMETER = ("10004", "Missing required parameter")
_INVALID_JSON = ("10023", "Invalid JSON")
_UNEXPECTED = ("10007", "Unexpected error")
_INVALID_CODE = ("10006", "Invalid registration code")
_ALREADY_REGISTERED = ("10012", "SIM card already registered")

# What a scripted fault says when the test gives no body: (code, title, detail).
_FAULT_ERRORS: dict[int, tuple[str, str, str]] = {
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

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _ApiError(Exception):
    """Raised by request parsing to answer with an errors body instead of a result."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors


def create_app(state: EmulatorState) -> web.Application:
    """Build the emulator's aiohttp application around ``state``.

    Args:
        state: The account to serve; tests keep a reference to inspect and script it.

    Returns:
        An application ready for ``AppRunner`` or ``aiohttp.test_utils.TestServer``.
    """
    app = web.Application(middlewares=[_emulation_middleware])
    app[STATE_KEY] = state
    app.router.add_get(f"{BASE_PATH}/sim_cards", _list_sim_cards, allow_head=False)
    app.router.add_post(f"{BASE_PATH}/actions/register/sim_cards", _register_sim_cards)
    return app


# -- cross-cutting behaviour ------------------------------------------------------------------


@web.middleware
async def _emulation_middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Record, delay, fault, authenticate and stamp every request around its route handler."""
    state = request.app[STATE_KEY]
    request_id = state.next_request_id()
    state.in_flight += 1
    state.max_in_flight = max(state.max_in_flight, state.in_flight)
    try:
        response = await _handle(request, handler, state)
    finally:
        state.in_flight -= 1
    response.headers["x-request-id"] = request_id
    return response


async def _handle(
    request: web.Request, handler: _Handler, state: EmulatorState
) -> web.StreamResponse:
    try:
        body = await request.read()
        state.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=list(request.query.items()),
                headers=dict(request.headers),
                body=body,
            )
        )
        if state.latency > 0:
            await asyncio.sleep(state.latency)
        fault = state.take_fault(request.method, request.path)
        if fault is not None:
            return _fault_response(request, fault)
        _authenticate(request, state.api_key)
        return await handler(request)
    except _ApiError as exc:
        return _error_response(exc.status, exc.errors)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            # The real API has no method-specific routes to advertise, so it is all "not found".
            detail = f"No route matches {request.method} {request.path}."
            return _error_response(404, [_error(_NOT_FOUND, detail)])
        code, title, detail = _fault_error(exc.status)
        return _error_response(exc.status, [_error((code, title), detail)])
    except Exception:
        _LOGGER.exception("Emulator failed on %s %s", request.method, request.path)
        return _error_response(500, [_error(_UNEXPECTED, "The emulator failed; see its log.")])


def _authenticate(request: web.Request, api_key: str) -> None:
    header = request.headers.get("Authorization")
    if header is None:
        detail = "The Authorization header is missing; send 'Authorization: Bearer <API key>'."
        raise _ApiError(401, [_error(_AUTHENTICATION_FAILED, detail)])
    scheme, _, token = header.partition(" ")
    # The key is never echoed back: error details end up in client logs.
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(errors="surrogateescape"), api_key.encode(errors="surrogateescape")
    ):
        detail = "The API key in the Authorization header is not valid."
        raise _ApiError(401, [_error(_AUTHENTICATION_FAILED, detail)])


def _fault_response(request: web.Request, fault: Fault) -> web.StreamResponse:
    if fault.drop_connection:
        transport = request.transport
        if transport is not None:
            transport.close()
        # Never reaches the client: aiohttp treats the failed write to the closed transport as
        # a premature client disconnect and logs it at debug level only, so no noise.
        return web.Response(status=fault.status)
    body = fault.body
    response: web.Response
    if isinstance(body, bytes | bytearray):
        response = web.Response(body=bytes(body), status=fault.status)
        response.content_type = "application/json"
    else:
        if body is None:
            code, title, detail = _fault_error(fault.status)
            body = {"errors": [_error((code, title), detail)]}
        response = web.json_response(body, status=fault.status)
    response.headers.update(fault.headers)
    return response


def _fault_error(status: int) -> tuple[str, str, str]:
    known = _FAULT_ERRORS.get(status)
    if known is not None:
        return known
    try:
        title = http.HTTPStatus(status).phrase
    except ValueError:
        title = "Unexpected error"
    return _UNEXPECTED[0], title, f"The server answered with HTTP {status}."


def _error(
    code_and_title: tuple[str, str],
    detail: str,
    *,
    parameter: str | None = None,
    pointer: str | None = None,
) -> dict[str, Any]:
    """Build one ``wireless_Error``."""
    code, title = code_and_title
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    if parameter is not None:
        error["source"] = {"parameter": parameter}
    elif pointer is not None:
        error["source"] = {"pointer": pointer}
    return error


def _error_response(status: int, errors: list[dict[str, Any]]) -> web.Response:
    return web.json_response({"errors": errors}, status=status)


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
    data = [inventory.card(index, include_group=listing.include_group) for index in page]
    meta = {
        "page_number": listing.page_number,
        "page_size": listing.page_size,
        "total_pages": -(-total_results // listing.page_size),
        "total_results": total_results,
    }
    return web.json_response({"data": data, "meta": meta})


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
        page_number=_integer_parameter(params, "page[number]", 1, 1, None),
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
    params: MultiMapping[str], name: str, default: int, minimum: int, maximum: int | None
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    bounds = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
    # A strict pattern, because int() would also take ' 5', '+5' and '1_0'.
    if not _INTEGER.fullmatch(raw):
        raise _bad_parameter(name, f"Invalid value '{raw}'; it must be an integer {bounds}.")
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise _bad_parameter(name, f"Invalid value '{raw}'; it must be {bounds}.")
    return value


def _bad_parameter(parameter: str, detail: str) -> _ApiError:
    return _ApiError(400, [_error(_BAD_REQUEST, detail, parameter=parameter)])


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
            errors.append(_error(_INVALID_CODE, detail, pointer=pointer))
        elif state.inventory.is_registered(code):
            detail = f"Registration code '{code}' has already been used."
            errors.append(_error(_ALREADY_REGISTERED, detail, pointer=pointer))
        else:
            card = state.inventory.register(
                code,
                status=registration.status,
                tags=registration.tags,
                sim_card_group_id=registration.sim_card_group_id,
            )
            state.registered_codes.append(code)
            data.append(card)
    return web.json_response({"data": data, "errors": errors}, status=202)


def _parse_registration(body: bytes, max_codes: int) -> _RegistrationRequest:
    """Validate a ``SIMCardRegistration`` body, reporting every problem at once."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        detail = f"The request body is not valid JSON: {exc}."
        raise _ApiError(422, [_error(_INVALID_JSON, detail, pointer="")]) from exc
    if not isinstance(payload, dict):
        detail = f"The body must be a JSON object, got {_json(payload)}."
        raise _ApiError(422, [_error(_BAD_REQUEST, detail, pointer="")])

    errors: list[dict[str, Any]] = []
    codes: list[str] | None = None
    raw_codes = payload.get("registration_codes")
    if "registration_codes" not in payload:
        detail = "registration_codes is required."
        errors.append(_error(_MISSING_PARAMETER, detail, pointer="/registration_codes"))
    elif isinstance(raw_codes, list) and not raw_codes:
        detail = "registration_codes must hold at least one code, got []."
        errors.append(_error(_BAD_REQUEST, detail, pointer="/registration_codes"))
    elif isinstance(raw_codes, list) and len(raw_codes) > max_codes:
        detail = (
            f"{len(raw_codes)} registration codes were given; at most {max_codes} are accepted."
        )
        errors.append(_error(_BAD_REQUEST, detail, pointer="/registration_codes"))
    else:
        codes = _string_list(payload, "registration_codes", errors)

    status = payload.get("status", "enabled")
    if status not in REGISTRATION_STATUSES:
        expected = ", ".join(REGISTRATION_STATUSES)
        detail = f"Invalid status {_json(status)}; expected one of: {expected}."
        errors.append(_error(_BAD_REQUEST, detail, pointer="/status"))

    group_id = payload.get("sim_card_group_id")
    if "sim_card_group_id" in payload and not (
        isinstance(group_id, str) and _UUID.fullmatch(group_id)
    ):
        detail = f"Invalid SIM card group ID {_json(group_id)}; it must be a UUID."
        errors.append(_error(_BAD_REQUEST, detail, pointer="/sim_card_group_id"))

    tags = _string_list(payload, "tags", errors) if "tags" in payload else []

    if errors or codes is None or tags is None:
        # Both lists are None only when an error explaining why was recorded.
        raise _ApiError(422, errors)
    return _RegistrationRequest(
        codes=codes,
        status=status,
        tags=tags,
        sim_card_group_id=group_id.lower() if isinstance(group_id, str) else None,
    )


def _string_list(
    payload: dict[str, Any], member: str, errors: list[dict[str, Any]]
) -> list[str] | None:
    """Return ``payload[member]`` if it is a list of strings, else record why not."""
    if member not in payload:
        return None
    value = payload[member]
    if not isinstance(value, list):
        detail = f"{member} must be an array of strings, got {_json(value)}."
        errors.append(_error(_BAD_REQUEST, detail, pointer=f"/{member}"))
        return None
    valid = True
    for position, item in enumerate(value):
        if not isinstance(item, str):
            detail = f"{member}[{position}] must be a string, got {_json(item)}."
            errors.append(_error(_BAD_REQUEST, detail, pointer=f"/{member}/{position}"))
            valid = False
    return value if valid else None


def _json(value: object) -> str:
    """Render a request value for an error detail, shortened so details stay readable."""
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
