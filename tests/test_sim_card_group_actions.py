"""session.sim_card_group_actions through MockTransport: get, list, filters, open enums."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    NotFoundError,
    RetryPolicy,
    SimCardGroupAction,
    SimCardGroupActionStatus,
    SimCardGroupActionType,
)
from telnyx_wireless_async._serde import make_converter, unstructure
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"
ACTION_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
GROUP_ID = "47a1c2b0-cc7b-4ab1-bb98-b33fb0fc61b9"
GATEWAY_ID = "7606c6d3-ff7c-49c1-943d-68879e9d584d"


def action_json(**changes: Any) -> dict[str, Any]:
    """A SIMCardGroupAction as the spec's examples write it."""
    return {
        "id": ACTION_ID,
        "record_type": "sim_card_group_action",
        "sim_card_group_id": GROUP_ID,
        "type": "set_private_wireless_gateway",
        "status": "in-progress",
        "settings": {"private_wireless_gateway_id": GATEWAY_ID},
        "created_at": "2018-02-02T22:25:27.521Z",
        "updated_at": "2018-02-02T22:25:27.521Z",
        **changes,
    }


class Recorder:
    def __init__(self) -> None:
        self.answer: Any = {"data": action_json()}
        self.status = 200
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return json_response(self.answer, status=self.status)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def session(recorder: Recorder) -> AsyncIterator[AsyncSession]:
    transport = MockTransport(recorder)
    policy = RetryPolicy(wait=False)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as session:
        yield session


async def test_get_fetches_the_action_and_builds_it(
    session: AsyncSession, recorder: Recorder
) -> None:
    action = await session.sim_card_group_actions.get(ACTION_ID)
    (request,) = recorder.requests
    assert (request.method, request.url, request.params) == (
        "GET",
        f"{BASE}/sim_card_group_actions/{ACTION_ID}",
        {},
    )
    assert action == SimCardGroupAction(
        id=ACTION_ID,
        record_type="sim_card_group_action",
        sim_card_group_id=GROUP_ID,
        type=SimCardGroupActionType.SET_PRIVATE_WIRELESS_GATEWAY,
        status=SimCardGroupActionStatus.IN_PROGRESS,
        settings={"private_wireless_gateway_id": GATEWAY_ID},
        created_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
        updated_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
    )
    assert action.settings is not None
    with pytest.raises(TypeError, match="read-only"):
        action.settings["x"] = 1  # type: ignore[index]


async def test_unknown_types_and_statuses_are_kept_as_strings(
    session: AsyncSession, recorder: Recorder
) -> None:
    # Blocklist actions name a blocklist in settings, a key the spec's schema lacks (Q6).
    recorder.answer = {
        "data": action_json(
            type="set_data_limit",
            status="interrupted",
            settings={"wireless_blocklist_id": GATEWAY_ID},
        )
    }
    action = await session.sim_card_group_actions.get(ACTION_ID)
    assert action.type == "set_data_limit"
    assert type(action.type) is str
    assert action.status == "interrupted"
    assert action.settings == {"wireless_blocklist_id": GATEWAY_ID}


async def test_an_action_without_settings_has_none(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.answer = {"data": action_json(settings=None)}
    assert (await session.sim_card_group_actions.get(ACTION_ID)).settings is None


async def test_an_unknown_action_is_a_not_found_error(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.answer = {"errors": [{"code": "10005", "title": "Resource not found"}]}
    recorder.status = 404
    with pytest.raises(NotFoundError, match="Resource not found"):
        await session.sim_card_group_actions.get(ACTION_ID)


async def test_list_sends_each_filter_once_as_the_spec_names_it(
    session: AsyncSession, recorder: Recorder
) -> None:
    meta = {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}
    recorder.answer = {"data": [action_json(status="completed")], "meta": meta}
    page = await session.sim_card_group_actions.list(
        sim_card_group_id=uuid.UUID(GROUP_ID),
        status="completed",
        type=SimCardGroupActionType.REMOVE_WIRELESS_BLOCKLIST,
    )
    (request,) = recorder.requests
    assert (request.method, request.url) == ("GET", f"{BASE}/sim_card_group_actions")
    assert request.params == {
        "filter[sim_card_group_id]": GROUP_ID,
        "filter[status]": "completed",
        "filter[type]": "remove_wireless_blocklist",
        "page[number]": "1",
        "page[size]": "20",
    }
    (action,) = page.data
    assert action.status is SimCardGroupActionStatus.COMPLETED


async def test_iterating_list_yields_every_action(
    session: AsyncSession, recorder: Recorder
) -> None:
    def handler(request: Request) -> Response:
        recorder.requests.append(request)
        number = int(request.params["page[number]"])
        data = [action_json(id=f"{number}-{i}") for i in range(2 if number < 3 else 1)]
        meta = {"page_number": number, "page_size": 2, "total_pages": 3, "total_results": 5}
        return json_response({"data": data, "meta": meta})

    transport = MockTransport(handler)
    policy = RetryPolicy(wait=False)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        ids = [a.id async for a in s.sim_card_group_actions.list(page_size=2, status="failed")]
    assert ids == ["1-0", "1-1", "2-0", "2-1", "3-0"]
    assert {r.params["filter[status]"] for r in recorder.requests} == {"failed"}


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"status": "interrupted"}, ValueError, "status.*'interrupted'"),  # not a filter value
        ({"status": ["completed", "failed"]}, TypeError, "status"),  # one value only
        ({"type": "enable"}, ValueError, "type.*'enable'"),
        ({"sim_card_group_id": "group-1"}, ValueError, "sim_card_group_id.*'group-1'"),
        ({"action_type": "enable"}, TypeError, "action_type"),
        ({"page_size": 0}, ValueError, "page_size"),
    ],
)
async def test_list_refuses_a_bad_option_when_called(
    session: AsyncSession,
    recorder: Recorder,
    options: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        session.sim_card_group_actions.list(**options)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("action_id", "error"), [("", ValueError), ("a b", ValueError), (None, TypeError)]
)
async def test_get_refuses_a_bad_id_before_any_request(
    session: AsyncSession, recorder: Recorder, action_id: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="action_id"):
        await session.sim_card_group_actions.get(action_id)
    assert recorder.requests == []


def test_the_documented_action_fits_the_strict_converter_and_goes_back() -> None:
    raw = action_json()
    action = make_converter(strict=True).structure(raw, SimCardGroupAction)
    assert unstructure(action) == raw
    assert hash(action) == hash(action)  # settings stay out of the hash
