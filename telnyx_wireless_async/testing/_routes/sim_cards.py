"""The SIM card routes: list, register, validate codes, and one card's get, update and delete.

Choices where the spec is silent (lifecycle-notes.md):

- ``GET /sim_cards/{id}`` answers the full ``SIMCard``: the listing's fields plus a fake but
  deterministic device (location, IMEI, MCC/MNC, IPs, ``live_data_session``).
  ``include_pin_puk_codes=true`` adds ``pin_puk_codes``: deterministic fake codes, 4-digit
  PINs and 8-digit PUKs. ``include_sim_card_group=true`` adds ``sim_card_group`` (spec Q7).
- An ID that names no card, a deleted one, or is no UUID at all is a 404 with a Telnyx
  ``{"errors": [...]}`` body, on every route taking a card ID.
- ``PATCH`` takes only the writable fields: ``tags`` (strings), ``sim_card_group_id`` (a group
  of the account, else 422 code 10034; null is refused: a card stays in exactly one group),
  ``data_limit`` (``{"amount": "<decimal>", "unit": "MB"|"GB"}``, both required) and
  ``authorized_imeis`` (strings, or null to clear the allow-list). ``status`` may be sent
  only as ``{}`` (its members are read-only); any other field is a 422 (code 10036) naming it.
  Setting ``authorized_imeis`` (even to null) clears the card's unauthorized-IMEI condition.
  Raising ``data_limit`` above what a ``data_limit_exceeded`` card consumed returns it to
  ``enabled``. A PATCH is allowed while an action is in progress. Problems are all reported
  at once, each with its ``source.pointer``.
- ``DELETE`` answers 200 with the card as it leaves: status ``disabling``. From then on the
  card is gone: no listing shows it and its ID is a 404. A card whose action is in progress
  cannot be deleted (422, code 10031). ``report_lost`` must be ``true`` or ``false`` and
  changes nothing else here; a deleted card's code stays used.
- Registration naming a group the account does not have is a 422 (code 10034) for the whole
  request; without one, cards join the default group.
- ``validate_registration_codes`` answers one entry per code given, in order. A code is valid
  if it follows the emulator's code rule (`is_valid_registration_code`) and was not used yet;
  an already registered code is invalid with ``invalid_detail`` "This code has already been
  used." (the spec's example). Without ``registration_codes`` the answer is an empty list;
  more codes than ``max_codes_per_request`` is a 422.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from .._errors import (
    ACTION_IN_PROGRESS,
    ALREADY_REGISTERED,
    BAD_REQUEST,
    INVALID_CODE,
    MISSING_PARAMETER,
    READ_ONLY_FIELD,
    UNKNOWN_GROUP,
    ApiError,
    error,
)
from .._inventory import (
    FILTER_STATUSES,
    REGISTRATION_STATUSES,
    SORT_CONSUMED_DATA_ASC,
    SORT_CONSUMED_DATA_DESC,
    TRANSITIONAL_STATUSES,
    CardQuery,
    Inventory,
    is_valid_registration_code,
)
from .._request import (
    STATE_KEY,
    UUID_PATTERN,
    Page,
    array_parameter,
    bad_parameter,
    boolean_parameter,
    json_object,
    json_text,
    not_found,
    page_parameters,
    page_response,
    string_list,
)
from .._state import EmulatorState

__all__ = ["add_routes", "card_index", "data_limit_tenths", "parse_data_limit"]

_WRITABLE = ("tags", "sim_card_group_id", "data_limit", "authorized_imeis", "status")
_DATA_LIMIT_UNITS = {"MB": 1, "GB": 1024}
_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")


def add_routes(router: web.UrlDispatcher, base_path: str) -> None:
    """Add this module's routes under `base_path` (``/v2``)."""
    router.add_get(f"{base_path}/sim_cards", _list_sim_cards, allow_head=False)
    router.add_post(f"{base_path}/actions/register/sim_cards", _register_sim_cards)
    router.add_post(f"{base_path}/sim_cards/actions/validate_registration_codes", _validate_codes)
    router.add_get(f"{base_path}/sim_cards/{{id}}", _get_sim_card, allow_head=False)
    router.add_patch(f"{base_path}/sim_cards/{{id}}", _update_sim_card)
    router.add_delete(f"{base_path}/sim_cards/{{id}}", _delete_sim_card)


def card_index(inventory: Inventory, request: web.Request) -> int:
    """Return the index of the live card the path's ``{id}`` names, or raise the 404."""
    card_id = request.match_info["id"]
    index = inventory.index_of(card_id)
    if index is None:
        raise not_found("SIM card", card_id)
    return index


# -- GET /sim_cards -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Listing:
    """A parsed ``GET /sim_cards`` query."""

    query: CardQuery
    page: Page
    include_group: bool


async def _list_sim_cards(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    listing = _parse_listing(request.query)
    indexes = inventory.select(listing.query)
    page = listing.page.of(indexes)
    data = [inventory.card_json(i, include_group=listing.include_group) for i in page]
    return page_response(data, listing.page, len(indexes))


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
    include_group = boolean_parameter(params, "include_sim_card_group")
    return _Listing(
        query=CardQuery(
            tags=frozenset(value for _, value in array_parameter(params, "filter[tags]")),
            iccid=params.get("filter[iccid]"),
            msisdn=params.get("filter[msisdn]"),
            statuses=frozenset(statuses),
            sim_card_group_id=group_id,
            sort=sort,
        ),
        page=page_parameters(params),
        include_group=include_group,
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
    group_id = registration.sim_card_group_id
    if group_id is not None and not state.inventory.has_group(group_id):
        raise _unknown_group(group_id)
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
    payload = json_object(body)
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


def _unknown_group(group_id: str) -> ApiError:
    detail = f"No SIM card group with ID '{group_id}' exists."
    return ApiError(422, [error(UNKNOWN_GROUP, detail, pointer="/sim_card_group_id")])


# -- POST /sim_cards/actions/validate_registration_codes ----------------------------------------


async def _validate_codes(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    payload = json_object(await request.read())
    errors: list[dict[str, Any]] = []
    codes = string_list(payload, "registration_codes", errors)
    if errors:
        raise ApiError(422, errors)
    codes = codes or []
    if len(codes) > state.max_codes_per_request:
        detail = (
            f"{len(codes)} registration codes were given; "
            f"at most {state.max_codes_per_request} are accepted."
        )
        raise ApiError(422, [error(BAD_REQUEST, detail, pointer="/registration_codes")])
    data = []
    for code in codes:
        if not is_valid_registration_code(code):
            invalid: str | None = f"'{code}' is not a valid registration code."
        elif state.inventory.is_registered(code):
            invalid = "This code has already been used."
        else:
            invalid = None
        data.append(
            {
                "record_type": "sim_card_registration_code_validation",
                "registration_code": code,
                "valid": invalid is None,
                "invalid_detail": invalid,
            }
        )
    return web.json_response({"data": data})


# -- GET, PATCH and DELETE /sim_cards/{id} ------------------------------------------------------


async def _get_sim_card(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    include_group = boolean_parameter(request.query, "include_sim_card_group")
    include_codes = boolean_parameter(request.query, "include_pin_puk_codes")
    index = card_index(inventory, request)
    card = inventory.card_details(
        index, include_group=include_group, include_pin_puk_codes=include_codes
    )
    return web.json_response({"data": card})


async def _update_sim_card(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    index = card_index(state.inventory, request)
    fields = _parse_update(json_object(await request.read()), state)
    inventory = state.inventory
    if (
        "data_limit" in fields
        and inventory.status_of(index) == "data_limit_exceeded"
        and data_limit_tenths(fields["data_limit"]) > inventory.consumed_mb_tenths(index)
    ):
        # Raised above what it used: the card is back on the network, as Telnyx's docs tell.
        fields["status"] = "enabled"
    if fields:
        fields["updated_at"] = state.actions.timestamp()
        inventory.change(index, **fields)
    return web.json_response({"data": state.inventory.card_details(index)})


def _parse_update(payload: dict[str, Any], state: EmulatorState) -> dict[str, Any]:
    """Turn a PATCH body into the changes to make, reporting every problem at once."""
    errors: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    for name in payload:
        if name not in _WRITABLE:
            detail = (
                f"'{name}' cannot be updated; the writable fields are tags, "
                "sim_card_group_id, data_limit and authorized_imeis."
            )
            errors.append(error(READ_ONLY_FIELD, detail, pointer=f"/{name}"))
    if "status" in payload and payload["status"] != {}:
        detail = (
            f"status cannot be updated (got {json_text(payload['status'])}); "
            "use the enable, disable and set_standby actions."
        )
        errors.append(error(READ_ONLY_FIELD, detail, pointer="/status"))
    if "tags" in payload:
        tags = string_list(payload, "tags", errors)
        if tags is not None:
            fields["tags"] = list(dict.fromkeys(tags))
    if "sim_card_group_id" in payload:
        group_id = payload["sim_card_group_id"]
        if not (isinstance(group_id, str) and UUID_PATTERN.fullmatch(group_id)):
            detail = (
                f"Invalid SIM card group ID {json_text(group_id)}; it must be the UUID of a "
                "group (a SIM card always belongs to one)."
            )
            errors.append(error(BAD_REQUEST, detail, pointer="/sim_card_group_id"))
        elif not state.inventory.has_group(group_id.lower()):
            errors.extend(_unknown_group(group_id).errors)
        else:
            fields["sim_card_group_id"] = group_id.lower()
    if "data_limit" in payload:
        limit = parse_data_limit(payload["data_limit"], errors)
        if limit is not None:
            fields["data_limit"] = limit
    if "authorized_imeis" in payload:
        if payload["authorized_imeis"] is None:
            fields["authorized_imeis"] = None
            fields["_imei_authorized"] = True
        else:
            imeis = string_list(payload, "authorized_imeis", errors)
            if imeis is not None:
                fields["authorized_imeis"] = imeis
                fields["_imei_authorized"] = True
    if errors:
        raise ApiError(422, errors)
    return fields


def parse_data_limit(value: object, errors: list[dict[str, Any]]) -> dict[str, str] | None:
    """Check a ``data_limit`` object: ``{"amount": "<decimal>", "unit": "MB"|"GB"}``."""
    if not isinstance(value, dict):
        detail = f"data_limit must be an object with amount and unit, got {json_text(value)}."
        errors.append(error(BAD_REQUEST, detail, pointer="/data_limit"))
        return None
    valid = True
    amount = value.get("amount")
    if not (isinstance(amount, str) and _DECIMAL.fullmatch(amount)):
        detail = f"data_limit.amount must be a decimal number as a string, got {json_text(amount)}."
        errors.append(error(BAD_REQUEST, detail, pointer="/data_limit/amount"))
        valid = False
    unit = value.get("unit")
    if unit not in _DATA_LIMIT_UNITS:
        detail = f"data_limit.unit must be 'MB' or 'GB', got {json_text(unit)}."
        errors.append(error(BAD_REQUEST, detail, pointer="/data_limit/unit"))
        valid = False
    for name in set(value) - {"amount", "unit"}:
        detail = f"data_limit has no member '{name}'; it takes amount and unit."
        errors.append(error(BAD_REQUEST, detail, pointer=f"/data_limit/{name}"))
        valid = False
    return {"amount": str(amount), "unit": str(unit)} if valid else None


def data_limit_tenths(limit: dict[str, str]) -> int:
    """Return a valid ``data_limit`` in tenths of a MB, as consumed data is counted."""
    return int(float(limit["amount"]) * _DATA_LIMIT_UNITS[limit["unit"]] * 10)


async def _delete_sim_card(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    boolean_parameter(request.query, "report_lost")
    index = card_index(state.inventory, request)
    if state.actions.running(index) or state.inventory.status_of(index) in TRANSITIONAL_STATUSES:
        detail = "The SIM card has an action in progress; delete it once the action has finished."
        raise ApiError(422, [error(ACTION_IN_PROGRESS, detail)])
    at = state.actions.timestamp()
    state.inventory.change(
        index, status="disabling", actions_in_progress=True, updated_at=at, _deleted=True
    )
    return web.json_response({"data": state.inventory.card_details(index)})
