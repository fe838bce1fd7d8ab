"""The SIM card routes: ``GET /sim_cards`` and ``POST /actions/register/sim_cards``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from .._errors import (
    ALREADY_REGISTERED,
    BAD_REQUEST,
    INVALID_CODE,
    MISSING_PARAMETER,
    ApiError,
    error,
)
from .._inventory import (
    FILTER_STATUSES,
    REGISTRATION_STATUSES,
    SORT_CONSUMED_DATA_ASC,
    SORT_CONSUMED_DATA_DESC,
    CardQuery,
    is_valid_registration_code,
)
from .._request import (
    STATE_KEY,
    UUID_PATTERN,
    array_parameter,
    bad_parameter,
    decode_json,
    integer_parameter,
    json_text,
    string_list,
)

__all__ = ["add_routes"]

_DEFAULT_PAGE_SIZE = 20
_MAX_PAGE_SIZE = 250
# More pages than the largest inventory fills at one card a page; a bound keeps the page
# number a plain integer in ``meta`` and in the arithmetic that slices the listing.
_MAX_PAGE_NUMBER = 2**31 - 1


def add_routes(router: web.UrlDispatcher, base_path: str) -> None:
    """Add this module's routes under `base_path` (``/v2``)."""
    router.add_get(f"{base_path}/sim_cards", _list_sim_cards, allow_head=False)
    router.add_post(f"{base_path}/actions/register/sim_cards", _register_sim_cards)


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
    for key, value in array_parameter(params, "filter[status]"):
        if value not in FILTER_STATUSES:
            expected = ", ".join(FILTER_STATUSES)
            raise bad_parameter(key, f"Invalid status '{value}'; expected one of: {expected}.")
        statuses.append(value)
    group_id = params.get("filter[sim_card_group_id]")
    if group_id is not None:
        if not UUID_PATTERN.fullmatch(group_id):
            detail = f"Invalid SIM card group ID '{group_id}'; it must be a UUID."
            raise bad_parameter("filter[sim_card_group_id]", detail)
        group_id = group_id.lower()
    sort = params.get("sort")
    if sort is not None and sort not in (SORT_CONSUMED_DATA_ASC, SORT_CONSUMED_DATA_DESC):
        detail = (
            f"Invalid sort '{sort}'; expected '{SORT_CONSUMED_DATA_ASC}' "
            f"or '{SORT_CONSUMED_DATA_DESC}'."
        )
        raise bad_parameter("sort", detail)
    include_group = params.get("include_sim_card_group", "false")
    if include_group not in ("true", "false"):
        detail = f"Invalid value '{include_group}'; expected 'true' or 'false'."
        raise bad_parameter("include_sim_card_group", detail)
    return _Listing(
        query=CardQuery(
            tags=frozenset(value for _, value in array_parameter(params, "filter[tags]")),
            iccid=params.get("filter[iccid]"),
            msisdn=params.get("filter[msisdn]"),
            statuses=frozenset(statuses),
            sim_card_group_id=group_id,
            sort=sort,
        ),
        page_number=integer_parameter(params, "page[number]", 1, 1, _MAX_PAGE_NUMBER),
        page_size=integer_parameter(params, "page[size]", _DEFAULT_PAGE_SIZE, 1, _MAX_PAGE_SIZE),
        include_group=include_group == "true",
    )


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
    payload = decode_json(body)
    if not isinstance(payload, dict):
        detail = f"The body must be a JSON object, got {json_text(payload)}."
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
        codes = string_list(payload, "registration_codes", errors)

    status = payload.get("status", "enabled")
    if status not in REGISTRATION_STATUSES:
        expected = ", ".join(REGISTRATION_STATUSES)
        detail = f"Invalid status {json_text(status)}; expected one of: {expected}."
        errors.append(error(BAD_REQUEST, detail, pointer="/status"))

    group_id = payload.get("sim_card_group_id")
    if "sim_card_group_id" in payload and not (
        isinstance(group_id, str) and UUID_PATTERN.fullmatch(group_id)
    ):
        detail = f"Invalid SIM card group ID {json_text(group_id)}; it must be a UUID."
        errors.append(error(BAD_REQUEST, detail, pointer="/sim_card_group_id"))

    tags = string_list(payload, "tags", errors) if "tags" in payload else []

    if errors or codes is None or tags is None:
        # Both lists are None only when an error explaining why was recorded.
        raise ApiError(422, errors)
    return _RegistrationRequest(
        codes=codes,
        status=status,
        tags=tags,
        sim_card_group_id=group_id.lower() if isinstance(group_id, str) else None,
    )
