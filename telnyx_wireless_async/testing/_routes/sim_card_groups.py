"""SIM card groups: list, create, get, update and delete; and the (empty) group actions.

Choices where the spec is silent (lifecycle-notes.md §2.15-2.21):

- Groups are first-class. Every account has a default group (``default: true``), which cards
  join when registered without ``sim_card_group_id``; every card is in exactly one group.
- ``GET /sim_card_groups`` lists groups oldest first (the default one first), each with its
  live ``sim_card_count``. ``filter[name]`` matches the whole name exactly, case included;
  ``filter[private_wireless_gateway_id]`` and ``filter[wireless_blocklist_id]`` must be
  UUIDs (else 400) and match no group, since no group has either here.
- ``POST /sim_card_groups`` answers **200** (as the spec says) with the new, empty group.
  ``name`` is required, a non-empty string; names need not be unique. ``data_limit`` is
  ``{"amount": "<decimal>", "unit": "MB"|"GB"}`` and defaults to 2048.0 MB. Any other member
  is a 422 naming it.
- ``GET /sim_card_groups/{id}?include_iccids=true`` adds ``iccids``: the ICCIDs of its cards in
  inventory order (the spec has no field for them, Q7).
- ``PATCH`` takes ``name`` and ``data_limit`` as create does, none required.
- ``DELETE`` answers 200 with the group as it was. It refuses, with 422 and code 10035, the
  default group and any group that still holds cards (move them first).
- An unknown or malformed group ID is a 404 on these routes (a 422 in a registration or a
  card's PATCH).
- No route here starts group actions, so ``GET /sim_card_group_actions`` lists none (its
  filters are still checked: ``filter[sim_card_group_id]`` a UUID, ``filter[status]`` one of
  in-progress, completed, failed, ``filter[type]`` one of the four types) and every
  ``/sim_card_group_actions/{id}`` is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .._errors import BAD_REQUEST, GROUP_IN_USE, MISSING_PARAMETER, ApiError, error
from .._inventory import GroupInUseError, Inventory
from .._request import (
    STATE_KEY,
    UUID_PATTERN,
    boolean_parameter,
    choice_parameter,
    json_object,
    json_text,
    not_found,
    page_parameters,
    page_response,
    uuid_parameter,
)
from .._state import EmulatorState
from .sim_cards import parse_data_limit

__all__ = ["add_routes"]

_GROUP_ACTION_STATUSES = ("in-progress", "completed", "failed")
_GROUP_ACTION_TYPES = (
    "set_private_wireless_gateway",
    "remove_private_wireless_gateway",
    "set_wireless_blocklist",
    "remove_wireless_blocklist",
)


def add_routes(router: web.UrlDispatcher, base_path: str) -> None:
    """Add this module's routes under `base_path` (``/v2``)."""
    router.add_get(f"{base_path}/sim_card_groups", _list_groups, allow_head=False)
    router.add_post(f"{base_path}/sim_card_groups", _create_group)
    router.add_get(f"{base_path}/sim_card_groups/{{id}}", _get_group, allow_head=False)
    router.add_patch(f"{base_path}/sim_card_groups/{{id}}", _update_group)
    router.add_delete(f"{base_path}/sim_card_groups/{{id}}", _delete_group)
    router.add_get(f"{base_path}/sim_card_group_actions", _list_group_actions, allow_head=False)
    router.add_get(
        f"{base_path}/sim_card_group_actions/{{id}}", _get_group_action, allow_head=False
    )


def _group_id(inventory: Inventory, request: web.Request) -> str:
    """Return the (lower-case) ID of the group the path names, or raise the 404."""
    group_id = request.match_info["id"]
    if not (UUID_PATTERN.fullmatch(group_id) and inventory.has_group(group_id.lower())):
        raise not_found("SIM card group", group_id)
    return group_id.lower()


async def _list_groups(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    params = request.query
    name = params.get("filter[name]")
    gateway = uuid_parameter(
        params, "filter[private_wireless_gateway_id]", "Private Wireless Gateway ID"
    )
    blocklist = uuid_parameter(params, "filter[wireless_blocklist_id]", "Wireless Blocklist ID")
    page = page_parameters(params)
    groups = [
        group
        for group in inventory.groups()
        if (name is None or group["name"] == name)
        and (gateway is None or group["private_wireless_gateway_id"] == gateway)
        and (blocklist is None or group["wireless_blocklist_id"] == blocklist)
    ]
    data = []
    for group in page.of(groups):
        group["sim_card_count"] = inventory.sim_card_count(group["id"])
        data.append(json.dumps(group).encode())
    return page_response(data, page, len(groups))


async def _create_group(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    fields = _parse_group(json_object(await request.read()), creating=True)
    group = state.inventory.create_group(
        fields["name"], data_limit=fields.get("data_limit"), created_at=state.actions.timestamp()
    )
    return web.json_response({"data": group})


async def _get_group(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    include_iccids = boolean_parameter(request.query, "include_iccids")
    group_id = _group_id(inventory, request)
    group = inventory.group(group_id)
    assert group is not None
    if include_iccids:
        group["iccids"] = inventory.group_iccids(group_id)
    return web.json_response({"data": group})


async def _update_group(request: web.Request) -> web.Response:
    state: EmulatorState = request.app[STATE_KEY]
    group_id = _group_id(state.inventory, request)
    fields = _parse_group(json_object(await request.read()), creating=False)
    if fields:
        fields["updated_at"] = state.actions.timestamp()
    return web.json_response({"data": state.inventory.update_group(group_id, **fields)})


async def _delete_group(request: web.Request) -> web.Response:
    inventory = request.app[STATE_KEY].inventory
    group_id = _group_id(inventory, request)
    try:
        group = inventory.delete_group(group_id)
    except GroupInUseError as exc:
        detail = f"The SIM card group cannot be deleted: {exc}."
        raise ApiError(422, [error(GROUP_IN_USE, detail)]) from None
    return web.json_response({"data": group})


def _parse_group(payload: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check a ``SIMCardGroupCreate`` or ``SIMCardGroupPatch`` body, every problem at once."""
    errors: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    for member in set(payload) - {"name", "data_limit"}:
        detail = f"'{member}' is not a member of a SIM card group body; use name and data_limit."
        errors.append(error(BAD_REQUEST, detail, pointer=f"/{member}"))
    if "name" in payload:
        name = payload["name"]
        if isinstance(name, str) and name.strip():
            fields["name"] = name
        else:
            detail = f"name must be a non-empty string, got {json_text(name)}."
            errors.append(error(BAD_REQUEST, detail, pointer="/name"))
    elif creating:
        errors.append(error(MISSING_PARAMETER, "name is required.", pointer="/name"))
    if "data_limit" in payload:
        limit = parse_data_limit(payload["data_limit"], errors)
        if limit is not None:
            fields["data_limit"] = limit
    if errors:
        raise ApiError(422, errors)
    return fields


async def _list_group_actions(request: web.Request) -> web.Response:
    params = request.query
    uuid_parameter(params, "filter[sim_card_group_id]", "SIM card group ID")
    choice_parameter(params, "filter[status]", _GROUP_ACTION_STATUSES)
    choice_parameter(params, "filter[type]", _GROUP_ACTION_TYPES)
    page = page_parameters(params)
    return page_response([], page, 0)


async def _get_group_action(request: web.Request) -> web.Response:
    raise not_found("SIM card group action", request.match_info["id"])
