"""Query encoding: pure functions from list options to wire parameters, no session needed."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum

import pytest

from telnyx_wireless_async._query import (
    Param,
    enum_list,
    enum_value,
    filter_param,
    filter_params,
    flag,
    page_params,
    text,
    text_list,
    uuid_text,
)
from telnyx_wireless_async.resources.sim_cards import SIM_CARD_FILTERS, SimCardFilters


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


SPEC: Mapping[str, Param] = {
    "name": filter_param("name", text),
    "tags": filter_param("tags", text_list),
    "colour": filter_param("colour", enum_list(Colour)),
    "group_id": filter_param("group_id", uuid_text),
    "with_group": Param("include_group", flag),
    "sort": Param("sort", enum_value(Colour)),
}

GROUP = uuid.UUID("6a09cdc3-8948-47f0-aa62-74ac943d6c58")


def test_each_kind_of_option_in_wire_form() -> None:
    options = {
        "sort": "blue",
        "with_group": True,
        "group_id": GROUP,
        "colour": ["red", "blue", "red"],
        "tags": "one",
        "name": "x y",
    }
    params = filter_params(SPEC, options)
    assert params == {
        "filter[name]": "x y",
        "filter[tags]": "one",
        "filter[colour]": "red,blue",  # each value once
        "filter[group_id]": str(GROUP),
        "include_group": "true",
        "sort": "blue",
    }
    assert list(params) == [SPEC[name].key for name in SPEC]  # in the order of the spec


def test_none_and_false_are_left_out() -> None:
    options = {"name": None, "tags": None, "colour": None, "group_id": None, "sort": None}
    assert filter_params(SPEC, {**options, "with_group": False}) == {}
    assert filter_params(SPEC, {}) == {}


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"shade": "dark", "hue": 1}, TypeError, "^unknown option\\(s\\): hue, shade$"),
        ({"name": ""}, ValueError, "^name must not be empty$"),
        ({"name": 3}, TypeError, "^name must be a str, got 3$"),
        ({"tags": []}, ValueError, "^tags must not be empty$"),
        ({"tags": ["a", "b,c"]}, ValueError, "^tags\\[1\\] must not contain a comma, got 'b,c'$"),
        ({"colour": "green"}, ValueError, "^colour must be one of red, blue; got 'green'$"),
        ({"colour": ["red", 1]}, TypeError, "^colour\\[1\\] must be one of red, blue; got 1$"),
        ({"group_id": "group-1"}, ValueError, "^group_id must be a UUID, got 'group-1'$"),
        ({"with_group": None}, TypeError, "^with_group must be a bool, got None$"),
        ({"sort": ["red"]}, TypeError, "^sort must be one of red, blue; got \\['red'\\]$"),
    ],
)
def test_a_bad_option_is_named_with_its_value(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        filter_params(SPEC, options)


def test_page_params() -> None:
    assert page_params(3, 250) == {"page[number]": "3", "page[size]": "250"}
    assert page_params(1, 1000, max_size=1000)["page[size]"] == "1000"
    with pytest.raises(ValueError, match="page_size must be between 1 and 250, got 251"):
        page_params(1, 251)
    with pytest.raises(ValueError, match="page_number must be at least 1, got 0"):
        page_params(0, 20)
    with pytest.raises(TypeError, match="page_size must be an int, got '20'"):
        page_params(1, "20")  # type: ignore[arg-type]


def test_the_sim_card_spec_covers_every_typed_filter() -> None:
    assert list(SIM_CARD_FILTERS) == list(SimCardFilters.__annotations__)
