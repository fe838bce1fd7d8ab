"""The hand-written `SimCard` builder (`_fast_sim_card`) against cattrs' generated one.

The fast converter builds cards with `structure_sim_card`, by hand for speed; the
detailed converter keeps cattrs' own function, generated from the model. These tests
hold the two to the same answers, field by field, so that a field added to `SimCard`,
or a wire rule changed in one place only, fails here; and they hold the builder to
`SimCard` itself, so that a subclass keeps the fields the builder does not know.
"""

from __future__ import annotations

import copy
import decimal
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from attrs import frozen

from telnyx_wireless_async import (
    DataAmount,
    Page,
    SimCard,
    SimCardStatus,
    SimCardStatusValue,
    _fast_sim_card,
)
from telnyx_wireless_async._serde import (
    ModelError,
    make_converter,
    structure_cards,
    structure_sim_card,
    structurer,
)

SAMPLES = Path(__file__).parent / "samples"
generated = make_converter()


@pytest.fixture(autouse=True)
def empty_shared_values() -> Iterator[None]:
    """Start each test with no shared status or limit, and leave the caches as found."""
    statuses, limits = dict(_fast_sim_card._shared_statuses), dict(_fast_sim_card._shared_limits)
    _fast_sim_card._shared_statuses.clear()
    _fast_sim_card._shared_limits.clear()
    yield
    _fast_sim_card._shared_statuses.clear()
    _fast_sim_card._shared_statuses.update(statuses)
    _fast_sim_card._shared_limits.clear()
    _fast_sim_card._shared_limits.update(limits)


def full_card() -> dict[str, Any]:
    """The documented sample card, with every field of the model given a value."""
    card: dict[str, Any] = json.loads((SAMPLES / "list_sim_cards.json").read_text())["data"][0]
    card["eid"] = "89049032000001000000000000000001"
    card["voice_enabled"] = True
    card["resources_with_in_progress_actions"] = [{"id": "1", "action": "enable"}]
    card["sim_card_group"] = {
        "id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58",
        "record_type": "sim_card_group",
        "name": "Fleet",
        "default": False,
        "data_limit": {"amount": "2048.0", "unit": "MB"},
        "consumed_data": {"amount": "1.5", "unit": "GB"},
        "created_at": "2018-02-02T22:25:27.521Z",
    }
    return card


def outcome(structure: Any, payload: Any) -> str:
    """What a structure function made of `payload`: the card's repr, or "error".

    A repr, not the card: ``==`` takes an enum member for its string, and
    ``Decimal("1")`` for ``Decimal("1.0")``; a repr tells them apart.
    """
    try:
        return repr(structure(copy.deepcopy(payload)))
    except Exception:  # each function raises its own kind
        return "error"


def written_out(card: Any) -> Any:
    return structure_sim_card(card)


def by_cattrs(card: Any) -> Any:
    return generated.structure(card, SimCard)


def test_the_full_card_gives_every_field_a_value() -> None:
    card = full_card()
    assert set(card) == {field.name for field in attrs.fields(SimCard)}
    built = structure_sim_card(card)
    unset = [f.name for f in attrs.fields(SimCard) if getattr(built, f.name) == f.default]
    assert unset == []


def test_written_out_function_equals_the_generated_one_on_every_field() -> None:
    card = full_card()
    assert outcome(written_out, card) == outcome(by_cattrs, card) != "error"


def test_an_empty_object_gives_the_defaults_in_both() -> None:
    assert structure_sim_card({}) == generated.structure({}, SimCard) == SimCard()


VALUES = [
    *(None, 12345, 1.5, 0, True, False, "text", "", [], ["a"], [1], {}, {"x": 1}),
    *("2018-02-02T22:25:27Z", "2018-02-02T22:25:27", "2018-02-02", "42.5", "42", "1e3"),
    *("NaN", "Infinity", "1e999", "lots", "enabled", "ENABLED", "released", "MB", "esim"),
]
PATHS = [(field.name,) for field in attrs.fields(SimCard)] + [
    ("status", "value"),
    ("status", "reason"),
    ("data_limit", "amount"),
    ("data_limit", "unit"),
    ("current_billing_period_consumed_data", "amount"),
    ("current_billing_period_consumed_data", "unit"),
    ("resources_with_in_progress_actions", 0),
    ("authorized_imeis", 0),
    ("tags", 0),
    ("sim_card_group", "created_at"),
    ("sim_card_group", "default"),
    ("sim_card_group", "data_limit"),
]


def card_with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    card = full_card()
    parent: Any = card
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return card


@pytest.mark.parametrize("path", PATHS, ids=lambda path: ".".join(map(str, path)))
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_both_functions_agree_on_any_value_at_any_path(
    path: tuple[str | int, ...], value: Any
) -> None:
    """Accepted by both and built alike, or refused by both; shared values or not."""
    card = card_with(path, value)
    cold = outcome(written_out, card)  # no shared value yet
    assert cold == outcome(by_cattrs, card)
    assert outcome(written_out, card) == cold  # now with what the first build shared


def test_numbers_of_every_type_at_one_amount_are_never_mixed_up() -> None:
    built = [outcome(written_out, card_with(("data_limit", "amount"), n)) for n in (1, 1.0, True)]
    assert built[2] == "error"
    assert "Decimal('1')" in built[0]
    assert "Decimal('1.0')" in built[1]


def test_an_enum_member_in_the_input_is_refused_by_both_shared_or_not() -> None:
    """Not JSON, but a dict built in code: a cached "enabled" must not let it through."""
    structure_sim_card(full_card())  # shares the status whose value is "enabled"
    card = card_with(("status", "value"), SimCardStatusValue.ENABLED)
    assert outcome(written_out, card) == outcome(by_cattrs, card) == "error"


def test_a_bad_amount_fails_whatever_the_decimal_context() -> None:
    card = card_with(("data_limit", "amount"), "lots")
    with decimal.localcontext() as context:
        context.traps[decimal.InvalidOperation] = False
        assert outcome(written_out, card) == outcome(by_cattrs, card) == "error"
    assert outcome(written_out, card) == "error"


def test_the_strict_converter_refuses_an_unknown_card_field_even_when_fast() -> None:
    card = {**full_card(), "new_field": 1}
    with pytest.raises(cattrs.ClassValidationError) as caught:
        make_converter(strict=True).structure(card, SimCard)
    assert "new_field" in str(cattrs.transform_error(caught.value))
    with pytest.raises(cattrs.ForbiddenExtraKeysError) as refused:
        make_converter(strict=True, fast=True).structure(card, SimCard)
    assert refused.value.extra_fields == {"new_field"}
    assert structure_sim_card(card) == structure_sim_card(full_card())


def test_a_missing_field_takes_its_default_in_both() -> None:
    for field in attrs.fields(SimCard):
        card = full_card()
        del card[field.name]
        assert getattr(structure_sim_card(card), field.name) == field.default
        assert outcome(written_out, card) == outcome(by_cattrs, card)


def test_a_card_that_does_not_fit_names_its_path() -> None:
    card = full_card()
    card["current_billing_period_consumed_data"]["amount"] = "lots"
    with pytest.raises(ModelError, match=r"\$\[1\]\.current_billing_period_consumed_data"):
        structure_cards([full_card(), card])


def test_repeated_statuses_and_amounts_are_one_object_each() -> None:
    first, second = structure_cards([full_card(), full_card()])
    assert first.status is second.status
    assert first.data_limit is second.data_limit
    assert first.status == SimCardStatus(
        value=SimCardStatusValue.ENABLED,
        reason="The SIM card is active, ready to connect to networks and consume data.",
    )
    # Frozen: sharing a value between cards cannot leak a change from one to another.
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.data_limit.amount = Decimal(0)  # type: ignore[misc, union-attr]


def test_shared_values_are_bounded_and_stay_correct_beyond_the_bound() -> None:
    cards = []
    for n in range(3 * _fast_sim_card._SHARED_MAX):
        card = full_card()
        card["data_limit"] = {"amount": f"{n}.5", "unit": "GB"}
        card["status"] = {"value": "enabled", "reason": f"reason {n}"}
        cards.append(card)
    built = structure_cards(cards)
    assert [card.data_limit for card in built] == [
        DataAmount(amount=Decimal(f"{n}.5"), unit="GB")
        for n in range(3 * _fast_sim_card._SHARED_MAX)
    ]
    assert [card.status.reason for card in built if card.status] == [
        f"reason {n}" for n in range(3 * _fast_sim_card._SHARED_MAX)
    ]
    assert 0 < len(_fast_sim_card._shared_limits) <= _fast_sim_card._SHARED_MAX
    assert 0 < len(_fast_sim_card._shared_statuses) <= _fast_sim_card._SHARED_MAX
    # A full cache starts again: a value first seen after it filled is shared too.
    again = structure_cards(cards[-2:] * 2)
    assert again[0].status is again[2].status
    assert again[1].data_limit is again[3].data_limit


def test_long_texts_are_not_kept_for_sharing() -> None:
    long_reason = "x" * (_fast_sim_card._SHARED_KEY_MAX + 1)
    first, second = structure_cards([card_with(("status", "reason"), long_reason)] * 2)
    assert first.status == second.status
    assert first.status is not second.status
    assert _fast_sim_card._shared_statuses == {}


def test_a_number_amount_is_kept_exact_and_not_shared() -> None:
    first, second = structure_cards([card_with(("data_limit", "amount"), 0.1)] * 2)
    assert first.data_limit == DataAmount(amount=Decimal("0.1"), unit="MB")
    assert first.data_limit is not second.data_limit


@frozen(kw_only=True)
class DetailedCard(SimCard):
    """A stand-in for the card ``GET /sim_cards/{id}`` returns: two of its eight extra fields."""

    current_imei: str | None = None
    ipv4: str | None = None


def detailed_card() -> dict[str, Any]:
    return {**full_card(), "current_imei": "457032284023794", "ipv4": "192.168.0.0"}


PAGE_META = {"page_number": 1, "page_size": 2, "total_pages": 1, "total_results": 2}
CONVERTERS = {
    "detailed": make_converter(),
    "fast": make_converter(fast=True),
    "strict": make_converter(strict=True),
    "strict-fast": make_converter(strict=True, fast=True),
}


@pytest.mark.parametrize("name", CONVERTERS)
def test_a_sim_card_subclass_keeps_its_own_fields(name: str) -> None:
    built = CONVERTERS[name].structure(detailed_card(), DetailedCard)
    assert type(built) is DetailedCard
    assert (built.current_imei, built.ipv4) == ("457032284023794", "192.168.0.0")
    inherited = {f.name: getattr(built, f.name) for f in attrs.fields(SimCard)}
    assert SimCard(**inherited) == structure_sim_card(full_card())


def test_a_sim_card_subclass_keeps_its_fields_in_pages_and_in_production() -> None:
    payload = {"data": [detailed_card(), full_card()], "meta": PAGE_META}
    page = CONVERTERS["fast"].structure(payload, Page[DetailedCard])
    assert [type(card) for card in page.data] == [DetailedCard, DetailedCard]
    assert [card.ipv4 for card in page.data] == ["192.168.0.0", None]
    # The entry point the resources use: fast converter first, detailed one on failure.
    built = structurer(DetailedCard)(detailed_card())
    assert type(built) is DetailedCard
    assert built.current_imei == "457032284023794"
    with pytest.raises(ModelError, match=r"\$\.ipv4"):
        structurer(DetailedCard)({**detailed_card(), "ipv4": 4.5j})


def test_the_hand_written_builder_still_builds_every_plain_sim_card() -> None:
    fast = make_converter(fast=True)
    assert fast.get_structure_hook(SimCard).__name__ == "structure_sim_card"
    assert fast.get_structure_hook(DetailedCard).__name__ != "structure_sim_card"
    page = fast.structure({"data": [full_card()] * 2, "meta": PAGE_META}, Page[SimCard])
    first, second = page.data
    assert type(first) is SimCard
    assert first.status is second.status  # shared: only the builder shares values
