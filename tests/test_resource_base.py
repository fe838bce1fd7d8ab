"""The resource base: typed verbs over the session, and ids checked and quoted for paths."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from uuid import UUID

import pytest

from telnyx_wireless_async import APIResponseValidationError, AsyncSession, RetryPolicy, SimCard
from telnyx_wireless_async.resources._base import Resource, path_id
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"


class Cards(Resource):
    """A resource as the lifecycle issues will write them: a few lines a method."""

    async def get(self, sim_card_id: str) -> SimCard:
        return await self._get(f"/sim_cards/{path_id('sim_card_id', sim_card_id)}", cast_to=SimCard)

    async def retag(self, sim_card_id: str, tags: list[str]) -> SimCard:
        path = f"/sim_cards/{path_id('sim_card_id', sim_card_id)}"
        return await self._patch(path, body={"tags": tags}, cast_to=SimCard)


C1 = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"


def test_a_path_id_is_a_canonical_uuid() -> None:
    assert path_id("id", C1) == C1
    assert path_id("id", C1.upper()) == C1
    assert path_id("id", "{" + C1 + "}") == C1
    assert path_id("id", UUID(int=1)) == "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", ValueError),
        ("a b", ValueError),
        ("a\nb", ValueError),
        ("../actions", ValueError),
        ("12345", ValueError),
        (7, TypeError),
    ],
)
def test_a_bad_id_is_refused_by_name(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="sim_card_id"):
        path_id("sim_card_id", value)


async def test_verbs_build_the_answers_data_into_the_model_asked_for() -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return json_response(
            {"data": {"id": "c1", "tags": ["a", "b"], "status": {"value": "enabled"}}}
        )

    async with AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(handler)) as session:
        cards = Cards(session)
        card = await cards.get(C1)
        retagged = await cards.retag(C1.upper(), ["a", "b"])
    assert card == retagged
    assert card.tags == ("a", "b")
    assert [(r.method, r.url) for r in seen] == [
        ("GET", f"{BASE}/sim_cards/{C1}"),
        ("PATCH", f"{BASE}/sim_cards/{C1}"),
    ]
    assert seen[1].content == b'{"tags":["a","b"]}'


async def test_data_that_does_not_fit_names_its_path_under_data() -> None:
    transport = MockTransport(lambda request: json_response({"data": {"tags": "oops"}}))
    policy = RetryPolicy(wait=False)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as session:
        with pytest.raises(APIResponseValidationError, match=r"\$\.data"):
            await Cards(session).get(C1)


async def test_a_body_goes_through_the_converter() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from telnyx_wireless_async import DataAmount, DataUnit, SimCardStatusFilter

    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return json_response({"data": {"id": "c1"}})

    body = {
        "data_limit": DataAmount(amount=Decimal("2.50"), unit=DataUnit.MB),
        "status": SimCardStatusFilter.ENABLED,
        "at": datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
    }
    async with AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(handler)) as session:
        await Cards(session)._patch("/sim_cards/c1", body=body, cast_to=SimCard)
    assert json.loads(seen[0].content or b"") == {
        "data_limit": {"amount": "2.50", "unit": "MB"},
        "status": "enabled",
        "at": "2026-11-29T12:00:00.000Z",  # as the API writes timestamps
    }


async def test_every_call_taking_an_id_refuses_a_malformed_one_before_sending() -> None:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return json_response({"data": {}}, status=404)

    async with AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(handler)) as s:
        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "sim_cards.get": lambda: s.sim_cards.get("12345"),
            "sim_cards.update": lambda: s.sim_cards.update("12345", tags=["a"]),
            "sim_cards.delete": lambda: s.sim_cards.delete("12345"),
            "sim_cards.enable": lambda: s.sim_cards.enable("12345"),
            "sim_card_actions.get": lambda: s.sim_card_actions.get("12345"),
            "sim_card_actions.wait": lambda: s.sim_card_actions.wait("12345"),
            "sim_card_groups.get": lambda: s.sim_card_groups.get("fleet"),
            "sim_card_groups.update": lambda: s.sim_card_groups.update("fleet", name="x"),
            "sim_card_groups.delete": lambda: s.sim_card_groups.delete("fleet"),
            "sim_card_group_actions.get": lambda: s.sim_card_group_actions.get("12345"),
        }
        for call, make in calls.items():
            with pytest.raises(ValueError, match=r"must be a UUID, got '(12345|fleet)'"):
                await make()
            assert sent == [], call
