"""The written-out `SimCard` structure function against cattrs' generated one.

The fast converter builds cards with `structure_sim_card`, by hand for speed; the
detailed converter keeps cattrs' own function, generated from the model. These tests
hold the two to the same answers, field by field, so that a field added to `SimCard`,
or a wire rule changed in one place only, fails here.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from telnyx_wireless_async import DataAmount, SimCard, SimCardStatus, SimCardStatusValue
from telnyx_wireless_async._serde import (
    ModelError,
    make_converter,
    structure_cards,
    structure_sim_card,
)

SAMPLES = Path(__file__).parent / "samples"
generated = make_converter()


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


def outcome(structure: Any, payload: Any) -> tuple[str, Any]:
    """("ok", the card) or ("error", None): what a structure function made of `payload`."""
    try:
        return "ok", structure(payload)
    except Exception:  # each function raises its own kind
        return "error", None


def test_the_full_card_gives_every_field_a_value() -> None:
    card = full_card()
    assert set(card) == {field.name for field in attrs.fields(SimCard)}
    built = structure_sim_card(card)
    unset = [f.name for f in attrs.fields(SimCard) if getattr(built, f.name) == f.default]
    assert unset == []


def test_written_out_function_equals_the_generated_one_on_every_field() -> None:
    card = full_card()
    assert structure_sim_card(card) == generated.structure(card, SimCard)


def test_an_empty_object_gives_the_defaults_in_both() -> None:
    assert structure_sim_card({}) == generated.structure({}, SimCard) == SimCard()


WRONG_VALUES = [None, 12345, 1.5, True, "text", "", [], ["a"], [1], {}, {"x": 1}]
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
]


@pytest.mark.parametrize("path", PATHS, ids=lambda path: ".".join(map(str, path)))
def test_both_functions_agree_on_any_value_at_any_path(path: tuple[str | int, ...]) -> None:
    """Accepted by both and built alike, or refused by both."""
    for wrong in [*WRONG_VALUES, "2018-02-02T22:25:27Z", "42.5", "enabled", "MB"]:
        card = full_card()
        parent: Any = card
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = wrong
        fast, slow = (
            outcome(structure_sim_card, card),
            outcome(lambda c: generated.structure(c, SimCard), copy.deepcopy(card)),
        )
        assert fast == slow, (path, wrong)


def test_a_missing_field_takes_its_default_in_both() -> None:
    for field in attrs.fields(SimCard):
        card = full_card()
        del card[field.name]
        fast = structure_sim_card(card)
        assert getattr(fast, field.name) == field.default
        assert fast == generated.structure(card, SimCard)


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
    for n in range(3000):
        card = full_card()
        card["data_limit"] = {"amount": f"{n}.5", "unit": "GB"}
        card["status"] = {"value": "enabled", "reason": f"reason {n}"}
        cards.append(card)
    built = structure_cards(cards)
    assert [card.data_limit for card in built] == [
        DataAmount(amount=Decimal(f"{n}.5"), unit="GB") for n in range(3000)
    ]
    assert [card.status.reason for card in built if card.status] == [
        f"reason {n}" for n in range(3000)
    ]
    from telnyx_wireless_async import _serde

    assert len(_serde._shared_limits) <= _serde._SHARED_MAX
    assert len(_serde._shared_statuses) <= _serde._SHARED_MAX


def test_a_number_amount_is_kept_exact_and_not_shared() -> None:
    card = full_card()
    card["data_limit"] = {"amount": 0.1, "unit": "GB"}
    built = structure_sim_card(card)
    assert built.data_limit == DataAmount(amount=Decimal("0.1"), unit="GB")
    assert isinstance(built.created_at, datetime)
