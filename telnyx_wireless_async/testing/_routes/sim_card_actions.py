"""SIM card actions: enable, disable and set_standby one card, and list or get the actions.

``POST /sim_cards/{id}/actions/enable|disable|set_standby`` answer 202 with the
``SIMCardAction`` they started; ``GET /sim_card_actions`` lists actions (filters
``action_type``, ``status``, ``sim_card_id``, ``bulk_sim_card_action_id``; pages as
``/sim_cards``) and ``GET /sim_card_actions/{id}`` gets one.

Choices where the spec is silent (lifecycle-notes.md §3):

- While its action runs, a card shows ``enabling``, ``disabling`` or ``setting_standby`` and
  ``actions_in_progress: true``; the action is ``in-progress``. Only then: synthetic cards are
  never transitional (they draw ``enabled``, ``disabled``, ``standby`` or
  ``data_limit_exceeded``), so a fresh account has no action running and every transitional
  card has an action this route lists. Synthetic running actions were the alternative; they
  would make an unfiltered listing scan the inventory to count them, and the clock be read on
  every request until they ended.
- An action ends ``action_duration`` seconds after it started, by the state's clock
  (``EmulatorState(clock=..., action_duration=...)``, ``--action-seconds``). Actions are
  finished lazily, when the next request arrives, so pending ones cost nothing.
- It ends ``completed`` (the card takes the target status) or ``failed`` (the card returns to
  the status it had), with a ``reason`` string in either case (the schema types it as a
  string; never null here). It fails when the card was ``data_limit_exceeded`` ("The data
  limit was exceeded."), when the card is used from an unauthorized IMEI at the end
  (a PATCH of ``authorized_imeis`` before then saves it), or when drawn to fail by
  ``action_failure_rate`` (seeded by the state's ``seed``, one draw per action).
  ``interrupted`` never happens here.
- Allowed moves: enable from ``disabled``, ``standby`` or ``data_limit_exceeded`` (which then
  fails); disable from ``enabled``, ``standby`` or ``data_limit_exceeded``; set_standby from
  ``enabled``, ``disabled`` or ``data_limit_exceeded``.
- Refused with 422 and a Telnyx errors body, nothing started:
  an action to the status the card already has (code 10032, "already enabled" and so on);
  a card with an action in progress (code 10031: its detail names the running action, to
  follow instead of retrying; a transitional status without an action, which only a test
  writing ``inventory.change(index, status=...)`` can make, is refused the same way);
  enable or set_standby of a card without a group (code 10033: only a test can make such a
  card, with ``inventory.change(index, sim_card_group_id=None)``).
- An unknown, deleted or malformed card ID is a 404; so is an unknown action ID.
- Listings are oldest first, so pages stay put while new actions are appended. ``filter[status]``
  takes one of ``in-progress``, ``completed``, ``failed`` (the spec leaves ``interrupted``
  out), ``filter[action_type]`` one of the six documented types; a bad value is a 400 naming
  the parameter. A ``sim_card_id`` that names no card lists nothing. Every filter reads an
  index, not a scan of all actions. No route creates bulk actions, so
  ``bulk_sim_card_action_id`` matches none.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from .._actions import ACTION_FILTER_STATUSES, ACTION_TARGETS, ACTION_TYPES, ActionQuery
from .._errors import ACTION_IN_PROGRESS, ALREADY_IN_STATUS, NO_GROUP, ApiError, error
from .._inventory import TRANSITIONAL_STATUSES
from .._request import (
    STATE_KEY,
    choice_parameter,
    not_found,
    page_parameters,
    page_response,
    uuid_parameter,
)
from .sim_cards import card_index

__all__ = ["add_routes"]

_NEEDS_GROUP = frozenset({"enable", "set_standby"})


def add_routes(router: web.UrlDispatcher, base_path: str) -> None:
    """Add this module's routes under `base_path` (``/v2``)."""
    for action_type in ACTION_TARGETS:
        router.add_post(
            f"{base_path}/sim_cards/{{id}}/actions/{action_type}", _starter(action_type)
        )
    router.add_get(f"{base_path}/sim_card_actions", _list_actions, allow_head=False)
    router.add_get(f"{base_path}/sim_card_actions/{{id}}", _get_action, allow_head=False)


def _starter(action_type: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def start(request: web.Request) -> web.Response:
        state = request.app[STATE_KEY]
        inventory = state.inventory
        index = card_index(inventory, request)
        status = inventory.status_of(index)
        running = state.actions.running(index)
        if running is not None or status in TRANSITIONAL_STATUSES:
            detail = f"The SIM card is {status}: an action is in progress on it."
            if running is not None:
                detail += f" Follow SIM card action {running.id} until it ends."
            raise ApiError(422, [error(ACTION_IN_PROGRESS, detail)])
        _, target = ACTION_TARGETS[action_type]
        if status == target:
            raise ApiError(422, [error(ALREADY_IN_STATUS, f"The SIM card is already {target}.")])
        if action_type in _NEEDS_GROUP and inventory.group_of(index) is None:
            detail = f"To {action_type.replace('_', ' ')} a SIM card, it must be in a group."
            raise ApiError(422, [error(NO_GROUP, detail)])
        action = state.actions.start(index, action_type)
        return web.json_response({"data": action.as_json()}, status=202)

    return start


async def _list_actions(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    params = request.query
    card_id = uuid_parameter(params, "filter[sim_card_id]", "SIM card ID")
    # A deleted card's actions stay listed; an ID that never named a card lists none.
    index = None if card_id is None else state.inventory.index_of(card_id, include_deleted=True)
    query = ActionQuery(
        action_type=choice_parameter(params, "filter[action_type]", ACTION_TYPES),
        status=choice_parameter(params, "filter[status]", ACTION_FILTER_STATUSES),
        card_index=index,
        bulk_sim_card_action_id=uuid_parameter(
            params, "filter[bulk_sim_card_action_id]", "bulk SIM card action ID"
        ),
        nothing=card_id is not None and index is None,
    )
    page = page_parameters(params)
    actions = state.actions.select(query)
    data = [json.dumps(action.as_json()).encode() for action in page.of(actions)]
    return page_response(data, page, len(actions))


async def _get_action(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    action_id = request.match_info["id"]
    action = state.actions.get(action_id)
    if action is None:
        raise not_found("SIM card action", action_id)
    return web.json_response({"data": action.as_json()})
