"""One SIM card at a time: get, update, delete, and the full card model, through MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from telnyx_wireless_async import (
    NOT_GIVEN,
    AsyncSession,
    DataAmount,
    DataUnit,
    DeviceLocation,
    LiveDataSession,
    NotFoundError,
    PinPukCodes,
    RetryPolicy,
    SimCard,
    SimCardDetails,
    UnprocessableEntityError,
)
from telnyx_wireless_async._serde import make_converter, unstructure
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"
CARD = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
GROUP = "47a1c2b0-cc7b-4ab1-bb98-b33fb0fc61b9"

FULL_CARD: dict[str, Any] = {
    "id": CARD,
    "record_type": "sim_card",
    "status": {"value": "enabled", "reason": "ready"},
    "type": "physical",
    "iccid": "89310410106543789301",
    "tags": ["fleet"],
    "sim_card_group_id": GROUP,
    "data_limit": {"amount": "2048.1", "unit": "MB"},
    "authorized_imeis": ["106516771852751"],
    "current_device_location": {
        "accuracy": 1250,
        "accuracy_unit": "m",
        "latitude": "41.143",
        "longitude": "-8.605",
    },
    "current_imei": "457032284023794",
    "current_mcc": "410",
    "current_mnc": "260",
    "ipv4": "192.168.0.0",
    "ipv6": "2001:cdba:0000:0000:0000:0000:3257:9652",
    "live_data_session": "connected",
    "created_at": "2018-02-02T22:25:27.521Z",
}

PINS = {"pin1": "4821", "pin2": "9357", "puk1": "61738294", "puk2": "50274913"}


def not_found() -> Response:
    body = {"errors": [{"code": "10005", "title": "Resource not found", "detail": "No SIM card"}]}
    return json_response(body, status=404)


class Recorder:
    """A MockTransport handler that records each request and answers from a function."""

    def __init__(self, answer: Callable[[Request], Response]) -> None:
        self.requests: list[Request] = []
        self.answer = answer

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return self.answer(request)


def session_for(handler: Recorder) -> AsyncSession:
    return AsyncSession(
        API_KEY, base_url=BASE, transport=MockTransport(handler), retry=RetryPolicy(wait=False)
    )


def card_answer(extra: dict[str, Any] | None = None) -> Callable[[Request], Response]:
    return lambda request: json_response({"data": {**FULL_CARD, **(extra or {})}})


# -- get ------------------------------------------------------------------------------------


async def test_get_builds_the_full_card() -> None:
    handler = Recorder(card_answer())
    async with session_for(handler) as telnyx:
        card = await telnyx.sim_cards.get(CARD)
    assert type(card) is SimCardDetails
    assert isinstance(card, SimCard)
    assert card.current_device_location == DeviceLocation(
        accuracy=1250, accuracy_unit="m", latitude="41.143", longitude="-8.605"
    )
    assert card.live_data_session is LiveDataSession.CONNECTED
    assert (card.current_imei, card.current_mcc, card.current_mnc) == (
        "457032284023794",
        "410",
        "260",
    )
    assert card.ipv4 == "192.168.0.0"
    assert card.data_limit == DataAmount(amount=Decimal("2048.1"), unit=DataUnit.MB)
    assert card.pin_puk_codes is None
    [request] = handler.requests
    assert (request.method, request.url, dict(request.params)) == (
        "GET",
        f"{BASE}/sim_cards/{CARD}",
        {},
    )


async def test_get_sends_the_include_flags_only_when_true() -> None:
    handler = Recorder(card_answer({"pin_puk_codes": PINS}))
    async with session_for(handler) as telnyx:
        card = await telnyx.sim_cards.get(
            UUID(CARD), include_sim_card_group=True, include_pin_puk_codes=True
        )
    assert dict(handler.requests[0].params) == {
        "include_sim_card_group": "true",
        "include_pin_puk_codes": "true",
    }
    assert card.pin_puk_codes == PinPukCodes(**PINS)
    assert card.pin_puk_codes is not None
    assert card.pin_puk_codes.puk2 == "50274913"


def test_the_full_card_keeps_its_own_fields_through_the_converter() -> None:
    # SimCard has a hand-written fast builder; its subclass must not go through it.
    converter = make_converter(fast=True)
    card = converter.structure({**FULL_CARD, "unknown_new_field": 1}, SimCardDetails)
    assert card.current_imei == "457032284023794"
    assert card.live_data_session is LiveDataSession.CONNECTED
    assert unstructure(card)["current_device_location"]["latitude"] == "41.143"
    strict = make_converter(strict=True)
    assert strict.structure(FULL_CARD, SimCardDetails) == card


def test_an_unknown_live_data_session_is_kept_as_a_string() -> None:
    card = make_converter(fast=True).structure({"live_data_session": "roaming"}, SimCardDetails)
    assert card.live_data_session == "roaming"


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"sim_card_id": ""}, ValueError, "sim_card_id"),
        ({"sim_card_id": 7}, TypeError, "sim_card_id"),
        ({"sim_card_id": CARD, "include_pin_puk_codes": "yes"}, TypeError, "include_pin_puk_codes"),
        ({"sim_card_id": CARD, "include_sim_card_group": 1}, TypeError, "include_sim_card_group"),
    ],
)
async def test_get_refuses_bad_arguments_before_any_request(
    kwargs: dict[str, Any], error: type[Exception], name: str
) -> None:
    handler = Recorder(card_answer())
    async with session_for(handler) as telnyx:
        with pytest.raises(error, match=name):
            await telnyx.sim_cards.get(**kwargs)
    assert handler.requests == []


async def test_an_unknown_card_is_a_typed_not_found_error() -> None:
    handler = Recorder(lambda request: not_found())
    async with session_for(handler) as telnyx:
        with pytest.raises(NotFoundError, match="No SIM card") as caught:
            await telnyx.sim_cards.get(CARD)
        with pytest.raises(NotFoundError):
            await telnyx.sim_cards.update(CARD, tags=["a"])
        with pytest.raises(NotFoundError):
            await telnyx.sim_cards.delete(CARD)
    assert caught.value.status == 404
    assert len(handler.requests) == 3  # a 404 is not retried


# -- update ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "body"),
    [
        ({"tags": ["a", "b"]}, {"tags": ["a", "b"]}),
        ({"tags": []}, {"tags": []}),
        ({"sim_card_group_id": UUID(GROUP)}, {"sim_card_group_id": GROUP}),
        (
            {"data_limit": {"amount": Decimal("2048"), "unit": "GB"}},
            {"data_limit": {"amount": "2048", "unit": "GB"}},
        ),
        (
            {"data_limit": DataAmount(amount=Decimal("0.5"), unit=DataUnit.MB)},
            {"data_limit": {"amount": "0.5", "unit": "MB"}},
        ),
        (
            {"data_limit": {"amount": "100.0", "unit": "MB"}},
            {"data_limit": {"amount": "100.0", "unit": "MB"}},
        ),
        ({"authorized_imeis": None}, {"authorized_imeis": None}),
        ({"authorized_imeis": ["106516771852751"]}, {"authorized_imeis": ["106516771852751"]}),
        ({"authorized_imeis": []}, {"authorized_imeis": []}),
        (
            {"tags": ["x"], "authorized_imeis": None, "sim_card_group_id": NOT_GIVEN},
            {"tags": ["x"], "authorized_imeis": None},
        ),
    ],
)
async def test_update_sends_exactly_what_was_given(
    kwargs: dict[str, Any], body: dict[str, Any]
) -> None:
    handler = Recorder(card_answer())
    async with session_for(handler) as telnyx:
        card = await telnyx.sim_cards.update(CARD, **kwargs)
    [request] = handler.requests
    assert (request.method, request.url) == ("PATCH", f"{BASE}/sim_cards/{CARD}")
    assert request.content is not None
    assert json.loads(request.content) == body
    assert type(card) is SimCardDetails


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "at least one"),
        ({"tags": "fleet"}, TypeError, "tags"),
        ({"tags": ["ok", 3]}, TypeError, r"tags\[1\]"),
        ({"tags": [""]}, ValueError, r"tags\[0\]"),
        ({"sim_card_group_id": "not-a-uuid"}, ValueError, "sim_card_group_id"),
        ({"sim_card_group_id": None}, TypeError, "sim_card_group_id"),
        ({"data_limit": 2048}, TypeError, "data_limit"),
        ({"data_limit": {"amount": "1"}}, ValueError, "data_limit"),
        ({"data_limit": {"amount": "1", "unit": "MB", "x": 1}}, ValueError, "data_limit"),
        ({"data_limit": {"amount": 1.5, "unit": "MB"}}, TypeError, "amount"),
        ({"data_limit": {"amount": "lots", "unit": "MB"}}, ValueError, "lots"),
        ({"data_limit": {"amount": "-1", "unit": "MB"}}, ValueError, "amount"),
        ({"data_limit": {"amount": "NaN", "unit": "MB"}}, ValueError, "amount"),
        ({"data_limit": {"amount": "1", "unit": "TB"}}, ValueError, "TB"),
        ({"authorized_imeis": "106516771852751"}, TypeError, "authorized_imeis"),
        ({"authorized_imeis": [None]}, TypeError, r"authorized_imeis\[0\]"),
    ],
)
async def test_update_refuses_bad_arguments_before_any_request(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    handler = Recorder(card_answer())
    async with session_for(handler) as telnyx:
        with pytest.raises(error, match=match):
            await telnyx.sim_cards.update(CARD, **kwargs)
        with pytest.raises(ValueError, match="sim_card_id"):
            await telnyx.sim_cards.update("a b", tags=["x"])
    assert handler.requests == []


async def test_a_refused_update_is_a_typed_error_carrying_the_apis_detail() -> None:
    def refuse(request: Request) -> Response:
        error = {"code": "10015", "title": "Invalid value", "detail": "unknown group"}
        return json_response({"errors": [error]}, status=422)

    handler = Recorder(refuse)
    async with session_for(handler) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="unknown group") as caught:
            await telnyx.sim_cards.update(CARD, sim_card_group_id=GROUP)
    assert caught.value.errors[0].detail == "unknown group"
    assert len(handler.requests) == 1


async def test_update_and_get_are_retried_as_idempotent() -> None:
    answers = iter([json_response({}, status=503), json_response({"data": FULL_CARD})] * 2)
    handler = Recorder(lambda request: next(answers))
    async with session_for(handler) as telnyx:
        await telnyx.sim_cards.update(CARD, tags=["a"])
        await telnyx.sim_cards.get(CARD)
    assert [r.method for r in handler.requests] == ["PATCH", "PATCH", "GET", "GET"]


# -- delete ---------------------------------------------------------------------------------


async def test_delete_returns_the_card_and_sends_report_lost_only_when_true() -> None:
    handler = Recorder(card_answer({"status": {"value": "disabling"}}))
    async with session_for(handler) as telnyx:
        card = await telnyx.sim_cards.delete(CARD)
        await telnyx.sim_cards.delete(CARD, report_lost=True)
        with pytest.raises(TypeError, match="report_lost"):
            await telnyx.sim_cards.delete(CARD, report_lost="true")  # type: ignore[arg-type]
    assert card.status is not None
    assert card.status.value == "disabling"
    assert [(r.method, dict(r.params)) for r in handler.requests] == [
        ("DELETE", {}),
        ("DELETE", {"report_lost": "true"}),
    ]
