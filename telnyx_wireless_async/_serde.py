"""The one cattrs converter: every rule for turning JSON into models, and back, lives here.

The checks of each kind of JSON value (amounts, timestamps, enums, text, flags) are in
`_wire_rules`, shared with the hand-written `SimCard` builder of `_fast_sim_card`. Here:

- unknown JSON fields are ignored (the strict converter, for tests, forbids them);
- a tuple of models comes from a JSON array and nothing else, a model from a JSON object;
- well-formed payloads go through a fast converter, and one it refuses goes again
  through the detailed converter, whose `ModelError` names the path to each bad value.

And back (`unstructure`, for request bodies and the command line's JSON and CSV):
amounts as strings, timestamps in UTC with ``Z`` as the API writes them, enums as their
values, tuples as lists, and a field the API leaves out when it has no value (a card's
``sim_card_group``, a group's ``sim_card_count`` and ``iccids``) left out.
"""

from __future__ import annotations

import asyncio
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import BaseValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from telnyx_wireless_async._fast_sim_card import make_sim_card_builder
from telnyx_wireless_async._wire_rules import (
    as_amount,
    as_flag,
    as_integer,
    as_member,
    as_object,
    as_objects,
    as_text,
    as_texts,
    as_timestamp,
    plain_json,
    wire_timestamp,
)
from telnyx_wireless_async.models import (
    ErrorDetail,
    Page,
    PageMeta,
    SimCard,
    SimCardGroup,
    SimCardPage,
)
from telnyx_wireless_async.models._common import ReadOnlyObject

__all__ = [
    "ModelError",
    "make_converter",
    "structure_cards",
    "structure_errors",
    "structure_meta",
    "structure_page",
    "structure_page_in_steps",
    "structure_sim_card",
    "structurer",
    "unstructure",
]


class ModelError(ValueError):
    """JSON that does not fit a model; the message lists the offending paths."""


# -- cattrs hooks, built on the checks above ---------------------------------------------


def _structure_decimal(value: Any, _: type) -> Decimal:
    return as_amount(value)


def _structure_datetime(value: Any, _: type) -> datetime:
    if value is None:
        raise TypeError("expected an ISO 8601 timestamp string, got None")
    return as_timestamp(value)  # type: ignore[return-value]


def _structure_str(value: Any, _: type) -> str:
    if value is None:
        raise TypeError("expected a string, got None")
    return as_text(value)  # type: ignore[return-value]


def _lenient_enum(union: Any) -> type[StrEnum] | None:
    """Return E when `union` is ``E | str`` or ``E | str | None`` for a StrEnum E."""
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return None
    args = set(typing.get_args(union)) - {type(None)}
    enums = [a for a in args if isinstance(a, type) and issubclass(a, StrEnum)]
    if len(enums) == 1 and args == {enums[0], str}:
        return enums[0]
    return None


def _make_lenient_enum_hook(union: Any) -> Any:
    enum = _lenient_enum(union)
    assert enum is not None
    known = enum._value2member_map_
    optional = type(None) in typing.get_args(union)

    def structure(value: Any, _: Any) -> StrEnum | str | None:
        if value is None and not optional:
            raise TypeError(f"expected a {enum.__name__} string, got None")
        return as_member(known, value)  # type: ignore[no-any-return]

    return structure


# The checks for ``T | None`` where T is a JSON scalar; they take null themselves.
_OPTIONAL_CHECKS: dict[Any, Callable[[Any], Any]] = {
    str: as_text,
    bool: as_flag,
    datetime: as_timestamp,
}


def _optional_of(union: Any) -> Any:
    """Return T when `union` is ``T | None``, else None."""
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(union)
    if len(args) == 2 and type(None) in args:
        return next(a for a in args if a is not type(None))
    return None


def _make_optional_hook(union: Any, converter: cattrs.Converter) -> Any:
    """Structure ``T | None`` with T's own hook, looked up once.

    cattrs' generic Optional path dispatches on every value; nearly every card
    field is optional, so this halves the calls per card.
    """
    inner = _optional_of(union)
    check = _OPTIONAL_CHECKS.get(inner)
    if check is not None:
        return lambda value, _: check(value)
    hook = converter.get_structure_hook(inner)

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _tuple_item(cl: Any) -> Any:
    """Return T when `cl` is ``tuple[T, ...]``, else None."""
    args = typing.get_args(cl)
    if typing.get_origin(cl) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def _is_object(cl: Any) -> bool:
    """Tell whether `cl` is ``Mapping[str, Any]``: a free-form JSON object."""
    return typing.get_origin(cl) is Mapping


def _homogeneous_tuple_of(cl: Any) -> Any:
    """Return str or Mapping when `cl` is ``tuple[str, ...]`` or ``tuple[Mapping[...], ...]``."""
    item = _tuple_item(cl)
    if item is str:
        return str
    return Mapping if _is_object(item) else None


def _make_tuple_hook(cl: Any) -> Any:
    """Structure a JSON array of strings or objects into a tuple in one pass."""
    check = as_texts if _homogeneous_tuple_of(cl) is str else as_objects
    return lambda value, _: check(value)


def _tuple_of_objects(cl: Any) -> Any:
    """Return T when `cl` is ``tuple[T, ...]`` for an attrs class T, else None."""
    item = _tuple_item(cl)
    return item if item is not None and attrs.has(item) else None


def _make_fast_tuple_hook(cl: Any, converter: cattrs.Converter) -> Any:
    """Structure a JSON array of objects in one comprehension (the fast converter only)."""
    item = _tuple_of_objects(cl)
    hook = converter.get_structure_hook(item)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise TypeError(f"expected a JSON array, got {value!r:.40}")
        return tuple([hook(v, item) for v in value])

    return structure


def _make_array_hook(cl: Any, converter: cattrs.Converter) -> Any:
    """Structure a tuple of objects from a JSON array, and from nothing else.

    cattrs' own function iterates any iterable: ``"data": "oops"`` would be four bad
    cards, one per character, instead of one value that is not an array.
    """
    hook = homogenous_tuple_structure_factory(cl, converter)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise TypeError(f"expected a JSON array, got {value!r:.40}")
        return hook(value, cl)  # type: ignore[no-any-return]

    return structure


def _make_object_hook(cl: Any, converter: cattrs.Converter) -> Any:
    """Structure an attrs class from a JSON object, and from nothing else.

    cattrs' generated function only asks ``name in o`` and ``o[name]``, which a
    string answers too: ``"data": "oops"`` would become cards with every field
    missing instead of an error.
    """
    hook = make_dict_structure_fn(cl, converter)

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise TypeError(f"expected a JSON object, got {value!r:.40}")
        return hook(value, cl)

    return structure


# -- unstructure hooks: from models back to JSON ---------------------------------------------

# Fields the API leaves out of an object, rather than sending null, when they have no
# value; every other None is written as null. (Subclasses included.)
_LEFT_OUT_WHEN_NONE: dict[type, tuple[str, ...]] = {
    SimCard: ("sim_card_group",),  # sent only with include_sim_card_group
    # sim_card_count only by the group list, iccids only with include_iccids.
    SimCardGroup: ("sim_card_count", "iccids"),
}


def _unstructure_enum(value: Enum) -> Any:
    return value.value


def _make_model_unstructure_hook(cl: Any, converter: cattrs.Converter) -> Any:
    left_out: dict[str, Any] = {
        name: override(omit_if_default=True)
        for model, names in _LEFT_OUT_WHEN_NONE.items()
        if isinstance(cl, type) and issubclass(cl, model)
        for name in names
    }
    return make_dict_unstructure_fn(cl, converter, **left_out)


def _make_list_unstructure_hook(cl: Any, converter: cattrs.Converter) -> Any:
    """Write ``tuple[T, ...]`` as a JSON array, each item with T's own hook."""
    item = _tuple_item(cl)
    if item is Any or isinstance(item, typing.TypeVar):  # Page's data, say: look at each
        return lambda value: _unstructure_sequence(value, converter)
    hook = converter.get_unstructure_hook(item)
    return lambda value: [hook(v) for v in value]


def _unstructure_sequence(value: tuple[Any, ...] | list[Any], converter: cattrs.Converter) -> Any:
    """Write a tuple or list whose item types are not declared, looking at each item."""
    return [converter.unstructure(item) for item in value]


def _register_unstructure_hooks(converter: cattrs.Converter) -> None:
    converter.register_unstructure_hook(Decimal, str)  # "2048.0" stays "2048.0"
    converter.register_unstructure_hook(datetime, wire_timestamp)
    # StrEnum too: a StrEnum member is a str, and cattrs writes a str as it is.
    converter.register_unstructure_hook(StrEnum, _unstructure_enum)
    converter.register_unstructure_hook(Enum, _unstructure_enum)
    converter.register_unstructure_hook(ReadOnlyObject, plain_json)
    converter.register_unstructure_hook_func(_is_object, plain_json)
    converter.register_unstructure_hook(tuple, lambda v: _unstructure_sequence(v, converter))
    converter.register_unstructure_hook(list, lambda v: _unstructure_sequence(v, converter))
    converter.register_unstructure_hook_factory(
        lambda t: _tuple_item(t) is not None, _make_list_unstructure_hook
    )
    converter.register_unstructure_hook_factory(attrs.has, _make_model_unstructure_hook)


def _is_exactly_sim_card(cl: Any) -> bool:
    return cl is SimCard


def make_converter(*, strict: bool = False, fast: bool = False) -> cattrs.Converter:
    """Build a converter for the models.

    Args:
        strict: Forbid JSON fields the models do not know. Tests run sample
            payloads through a strict converter so that model drift fails CI,
            while production ignores new fields.
        fast: Leave out what only explains a failure (the path to each bad value);
            the structure functions below rerun a failure through the detailed
            converter to say where it is.

    Returns:
        A configured `cattrs.Converter`.
    """
    converter = cattrs.Converter(forbid_extra_keys=strict, detailed_validation=not fast)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, lambda value, _: as_integer(value))
    converter.register_structure_hook_func(_is_object, lambda value, _: as_object(value))
    converter.register_structure_hook_factory(
        lambda t: _lenient_enum(t) is not None, _make_lenient_enum_hook
    )
    converter.register_structure_hook_factory(attrs.has, _make_object_hook)
    converter.register_structure_hook_factory(
        lambda t: _homogeneous_tuple_of(t) is not None, _make_tuple_hook
    )
    converter.register_structure_hook_factory(
        lambda t: _optional_of(t) is not None, _make_optional_hook
    )
    converter.register_structure_hook_factory(
        lambda t: _tuple_of_objects(t) is not None,
        _make_fast_tuple_hook if fast else _make_array_hook,
    )
    _register_unstructure_hooks(converter)
    if fast and not strict:  # the hand-written builder ignores unknown fields
        group = converter.get_structure_hook(SimCardGroup)
        # For SimCard exactly: register_structure_hook(SimCard, ...) would also take its
        # subclasses, and build them as plain cards without their own fields.
        converter.register_structure_hook_func(
            _is_exactly_sim_card, make_sim_card_builder(lambda value: group(value, SimCardGroup))
        )
    return converter


def _describe(exc: BaseValidationError) -> str:
    return "; ".join(cattrs.transform_error(exc))


def structurer(cl: Any) -> Callable[[Any], Any]:
    """Generate the structuring function for `cl` once, wrapping its errors in `ModelError`.

    Well-formed payloads, nearly all of them, go through the fast converter; a payload
    it refuses goes again through the detailed one, whose error names the bad path.
    """
    fast = _fast_converter.get_structure_hook(cl)
    detailed = _detailed_converter.get_structure_hook(cl)

    def structure(payload: Any) -> Any:
        try:
            return fast(payload, cl)
        except Exception as fast_error:
            try:
                detailed(payload, cl)
            except BaseValidationError as exc:
                raise ModelError(_describe(exc)) from exc
            except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
                # Raised before cattrs could wrap it, e.g. a list where an object belongs.
                raise ModelError(f"$: {exc!r}") from exc
            raise ModelError(f"$: {fast_error!r}") from fast_error

    return structure


_fast_converter = make_converter(fast=True)
_detailed_converter = make_converter()

structure_sim_card: Callable[..., SimCard] = _fast_converter.get_structure_hook(SimCard)
"""Build a `SimCard` as the fast converter does; raises TypeError or ValueError, not
`ModelError` (see `_fast_sim_card`)."""

structure_page: Callable[[Any], SimCardPage] = structurer(SimCardPage)
"""Build a `SimCardPage` from a decoded list response; raises `ModelError`."""

structure_cards: Callable[[Any], tuple[SimCard, ...]] = structurer(tuple[SimCard, ...])
"""Build SIM cards from a decoded JSON list; raises `ModelError`."""

structure_errors: Callable[[Any], tuple[ErrorDetail, ...]] = structurer(tuple[ErrorDetail, ...])
"""Build error details from a decoded Telnyx ``errors`` list; raises `ModelError`."""

structure_meta: Callable[[Any], PageMeta] = structurer(PageMeta)
"""Build a `PageMeta`; raises `ModelError`."""


def unstructure(value: Any) -> Any:
    """Return a model, or a dict, list or tuple holding models, as JSON-ready data.

    One set of rules for request bodies and the command line's output: amounts as
    strings (``"2048.0"``), timestamps as the API writes them
    (``"2018-02-02T22:25:27.521Z"``), enum members as their values, tuples as lists,
    read-only JSON objects as dicts. A model's None fields are written as null, except
    those the API leaves out when they have no value (a card's ``sim_card_group``);
    a dict is written as given, so leave out of it what a request should not send.

    Args:
        value: A model, or a dict, list or tuple of models and JSON values.

    Returns:
        Dicts, lists, strings, numbers, booleans and None, for ``json.dumps``.
    """
    return _fast_converter.unstructure(value)


CARDS_PER_STEP = 50
"""Cards built between two yields to the event loop: about half a millisecond of work."""


async def structure_page_in_steps(payload: Any) -> SimCardPage:
    """Build a `SimCardPage` as `structure_page` does, yielding to the event loop as it goes.

    A 250-card page takes milliseconds to build. Pages fetched concurrently arrive
    together, and built in one go each would keep the loop from everything else
    (timers, other connections) for their sum; in steps of `CARDS_PER_STEP` cards,
    the loop gets a turn every half millisecond or so.

    Raises:
        ModelError: The payload does not fit the models.
    """
    data = payload.get("data") if type(payload) is dict else None
    if type(data) is not list or len(data) <= CARDS_PER_STEP:
        return structure_page(payload)
    try:
        meta = structure_meta(payload["meta"])
        cards: list[SimCard] = []
        for start in range(0, len(data), CARDS_PER_STEP):
            await asyncio.sleep(0)
            cards.extend(structure_cards(data[start : start + CARDS_PER_STEP]))
    except (KeyError, ModelError):
        # Build the whole page again, so that the error names its path in the page.
        return structure_page(payload)
    return Page(data=tuple(cards), meta=meta)
