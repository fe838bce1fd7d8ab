"""The converter over documented sample payloads and over what the emulator serves.

The strict converter forbids unknown fields, so a field the API documents but the
models lack fails here rather than being silently dropped for users.
"""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import cattrs
import pytest
from attrs import frozen

from telnyx_wireless_async import (
    APIResponseValidationError,
    AsyncSession,
    DataAmount,
    DataUnit,
    Page,
    PageMeta,
    RegistrationStatus,
    SimCard,
    SimCardGroup,
    SimCardPage,
    SimCardStatusValue,
    SimCardType,
    UnprocessableEntityError,
)
from telnyx_wireless_async._registration import account_for_codes
from telnyx_wireless_async._serde import (
    ModelError,
    make_converter,
    structure_cards,
    structure_errors,
    structure_page,
    unstructure,
)
from telnyx_wireless_async.cli._records import card_to_json
from telnyx_wireless_async.testing import EmulatorState, Fault

from .conftest import raw_json

SAMPLES = Path(__file__).parent / "samples"
strict = make_converter(strict=True)


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def test_documented_list_response_fits_the_models_exactly() -> None:
    page = strict.structure(sample("list_sim_cards.json"), SimCardPage)
    assert page.meta.total_results == 55
    (card,) = page.data
    assert card.status is not None
    assert card.status.value is SimCardStatusValue.ENABLED
    assert card.type is SimCardType.PHYSICAL
    assert card.data_limit is not None
    assert card.data_limit.amount == Decimal("2048.0")
    assert card.data_limit.unit is DataUnit.MB
    assert card.created_at == datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC)
    assert card.authorized_imeis == ("106516771852751", "534051870479563", "508821468377961")
    assert card.eid is None
    assert card.voice_enabled is None  # absent from this sample, present in the schema


def test_documented_register_response_fits_the_models_exactly() -> None:
    payload = sample("register_sim_cards.json")
    strict.structure(payload["data"], list[SimCard])
    result = account_for_codes(["0000000001"], payload)
    assert result.cards[0].voice_enabled is False
    # The sample's error has a placeholder pointer, so it names no code we sent; one card
    # came back for the one code not refused, so that code is registered.
    assert result.unattributed_errors[0].source is not None
    assert result.registered_codes == ("0000000001",)
    assert result.unknown == ()


def test_strict_converter_refuses_an_unknown_field() -> None:
    payload = sample("list_sim_cards.json")
    payload["data"][0]["new_field"] = 1
    with pytest.raises(cattrs.ClassValidationError) as caught:
        strict.structure(payload, SimCardPage)
    assert "new_field" in str(cattrs.transform_error(caught.value))
    structure_page(payload)  # production ignores it


def test_model_error_names_the_path() -> None:
    payload = sample("list_sim_cards.json")
    payload["data"][0]["current_billing_period_consumed_data"]["amount"] = "lots"
    with pytest.raises(ModelError, match=r"\$\.data\[0\]\.current_billing_period_consumed_data"):
        structure_page(payload)


async def test_emulator_cards_fit_the_models_exactly(session: AsyncSession) -> None:
    """The emulator's cards, groups included, carry no field the models lack."""
    raw = await session.request(
        "GET",
        "/sim_cards",
        params={"page[size]": "250", "include_sim_card_group": "true"},
        parse=raw_json,
    )
    page = strict.structure(raw, SimCardPage)
    assert len(page.data) == 250
    assert {card.type for card in page.data} == {SimCardType.PHYSICAL, SimCardType.ESIM}
    assert all(card.sim_card_group is not None for card in page.data)


async def test_data_that_is_no_array_is_one_error_not_one_per_character(
    session: AsyncSession, state: EmulatorState
) -> None:
    meta = {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 4}
    state.add_fault(Fault(status=200, body={"data": "oops", "meta": meta}, times=10))
    with pytest.raises(APIResponseValidationError) as caught:
        await session.sim_cards.list()
    assert "@ $.data" in str(caught.value)
    assert "$.data[" not in str(caught.value)


@pytest.mark.parametrize("field", ["tags", "resources_with_in_progress_actions"])
async def test_a_null_array_on_one_card_is_empty_and_the_stream_goes_on(
    session: AsyncSession, state: EmulatorState, field: str
) -> None:
    page = await session.request("GET", "/sim_cards?page[size]=3", parse=raw_json)
    page["data"][1][field] = None
    page["meta"] |= {"total_pages": 1, "total_results": 3}
    state.add_fault(Fault(status=200, body=page))
    cards = [card async for card in session.sim_cards.stream(page_size=3)]
    assert len(cards) == 3
    assert getattr(cards[1], field) == ()
    for converter in (make_converter(), make_converter(fast=True), strict):
        card = converter.structure(page["data"][1], SimCard)
        assert getattr(card, field) == ()


async def test_a_null_authorized_imeis_stays_null_not_empty(session: AsyncSession) -> None:
    page = await session.request("GET", "/sim_cards?page[size]=1", parse=raw_json)
    page["data"][0]["authorized_imeis"] = None
    assert structure_page(page).data[0].authorized_imeis is None


async def test_free_form_objects_are_read_only_and_cards_stay_hashable(
    session: AsyncSession, state: EmulatorState
) -> None:
    params = {"page[number]": "1", "page[size]": "2"}
    body = await session.request("GET", "/sim_cards", params=params, parse=raw_json)
    resources = [{"id": "r1", "action": {"type": "enable", "steps": [1, 2]}}]
    body["data"][0]["resources_with_in_progress_actions"] = resources
    state.add_fault(Fault(status=200, body=body, times=2))

    card = (await session.sim_cards.list(page_size=2)).data[0]
    again = (await session.sim_cards.list(page_size=2)).data[0]

    assert card == again
    assert hash(card) == hash(again)
    (resource,) = card.resources_with_in_progress_actions
    assert resource["action"]["steps"] == (1, 2)
    with pytest.raises(TypeError):
        resource["id"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        resource["action"]["more"] = True
    assert card_to_json(card)["resources_with_in_progress_actions"] == resources
    assert json.loads(json.dumps(card.resources_with_in_progress_actions)) == resources
    for copied in (pickle.loads(pickle.dumps(card)), copy.deepcopy(card), copy.copy(card)):
        assert copied == card
        assert copied.resources_with_in_progress_actions[0]["action"]["steps"] == (1, 2)
    with pytest.raises(TypeError):
        resource.__init__({"id": "changed"})  # type: ignore[misc]
    mutable = dict(resource)
    mutable["id"] = "mine"  # a copy is the caller's to change
    assert resource["id"] == "r1"


async def test_an_error_meta_is_read_only_and_the_error_detail_hashable(
    session: AsyncSession, state: EmulatorState
) -> None:
    error = {"code": "10015", "title": "Bad Request", "meta": {"url": "https://example.com"}}
    state.add_fault(Fault(status=422, body={"errors": [error]}))
    with pytest.raises(UnprocessableEntityError) as caught:
        await session.sim_cards.list()
    (detail,) = caught.value.errors
    assert detail.meta == {"url": "https://example.com"}
    assert hash(detail) == hash(detail)
    with pytest.raises(TypeError):
        detail.meta["url"] = "elsewhere"  # type: ignore[index]
    copied = pickle.loads(pickle.dumps(caught.value))
    assert copied.errors == caught.value.errors
    assert json.dumps(detail.meta) == '{"url": "https://example.com"}'


# -- unstructure: models back to JSON, for request bodies and the command line ---------------


def test_a_documented_card_goes_back_to_the_json_it_came_from() -> None:
    (raw,) = sample("list_sim_cards.json")["data"]
    (card,) = structure_cards([raw])
    record = unstructure(card)
    assert {key: record[key] for key in raw} == raw  # "2048.0", "2018-02-02T22:25:27.521Z"
    assert set(record) - set(raw) == {"voice_enabled"}
    assert record["voice_enabled"] is None  # null, as the API writes it
    assert "sim_card_group" not in record  # the API sends it only with include_sim_card_group
    assert structure_cards([record]) == (card,)


def test_unstructured_values_are_plain_json_types() -> None:
    (raw,) = sample("list_sim_cards.json")["data"]
    raw["resources_with_in_progress_actions"] = [{"id": "r1", "steps": [1, {"n": None}]}]
    raw["sim_card_group"] = {"id": "g", "name": "Fleet", "consumed_data": {"amount": "1.50"}}
    record = unstructure(structure_cards([raw])[0])
    assert type(record["status"]["value"]) is str  # not the StrEnum member
    assert type(record["type"]) is str
    assert type(record["tags"]) is list
    (resource,) = record["resources_with_in_progress_actions"]
    assert type(resource) is dict
    assert resource == {"id": "r1", "steps": [1, {"n": None}]}
    assert record["sim_card_group"]["consumed_data"] == {"amount": "1.50", "unit": None}
    assert record["sim_card_group"]["updated_at"] is None  # a group's None fields stay
    assert json.loads(json.dumps(record)) == record


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC), "2018-02-02T22:25:27.521Z"),
        (datetime(2018, 2, 2, 22, 25, 27, tzinfo=UTC), "2018-02-02T22:25:27.000Z"),
        (datetime(2018, 2, 2, 22, 25, 27, 123456, tzinfo=UTC), "2018-02-02T22:25:27.123456Z"),
        (
            datetime(2018, 2, 2, 23, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2018-02-02T17:30:00.000Z",
        ),
        (datetime(2018, 2, 2, 22, 25, 27), "2018-02-02T22:25:27"),  # naive: built in code
        # In UTC this instant is in the year 10000, which datetime cannot hold.
        (
            datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
            "9999-12-31T23:00:00.000-05:00",
        ),
    ],
)
def test_timestamps_are_written_as_the_api_writes_them(moment: datetime, written: str) -> None:
    assert unstructure(SimCard(created_at=moment))["created_at"] == written
    assert unstructure(moment) == written


def test_a_request_body_goes_through_the_same_rules() -> None:
    body = {
        "registration_codes": ("0000000001", "0000000002"),
        "status": RegistrationStatus.STANDBY,
        "data_limit": DataAmount(amount=Decimal("1.50"), unit=DataUnit.GB),
        "sim_card_group_id": None,  # a dict is written as given
    }
    assert unstructure(body) == {
        "registration_codes": ["0000000001", "0000000002"],
        "status": "standby",
        "data_limit": {"amount": "1.50", "unit": "GB"},
        "sim_card_group_id": None,
    }
    assert type(unstructure(body)["status"]) is str


@frozen(kw_only=True)
class DetailedCard(SimCard):
    """A stand-in for the card ``GET /sim_cards/{id}`` returns, with one of its extra fields."""

    current_imei: str | None = None


def test_models_pages_and_errors_unstructure_alike() -> None:
    record = unstructure(DetailedCard(id="a", current_imei="457032284023794"))
    assert record["current_imei"] == "457032284023794"
    assert "sim_card_group" not in record  # the rule holds for subclasses
    group = SimCardGroup(id="g", default=True)
    assert unstructure(SimCard(sim_card_group=group))["sim_card_group"]["default"] is True
    meta = PageMeta(page_number=1, page_size=1, total_pages=1, total_results=1)
    page = Page(data=(SimCard(id="a"),), meta=meta)
    assert unstructure(page)["data"][0]["id"] == "a"
    assert unstructure(page)["meta"] == {
        "page_number": 1,
        "page_size": 1,
        "total_pages": 1,
        "total_results": 1,
    }
    (detail,) = structure_errors([{"code": "10015", "title": "Bad", "meta": {"a": [1]}}])
    assert detail.meta == {"a": (1,)}  # read-only, arrays as tuples
    assert unstructure(detail) == {
        "code": "10015",
        "title": "Bad",
        "detail": None,
        "source": None,
        "meta": {"a": [1]},
    }
