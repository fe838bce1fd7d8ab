"""The one cattrs converter: every wire rule for turning JSON into models lives here.

Wire rules:
- amounts are strings on the wire (``"2048.0"``) and become `Decimal`, never float;
- timestamps (``"2018-02-02T22:25:27.521Z"``) become timezone-aware datetimes;
- an enum value the SDK does not know is kept as a plain string, so a new server-side
  status cannot break a stream of 100,000 cards halfway;
- unknown JSON fields are ignored (the strict converter, for tests, forbids them).
"""

from __future__ import annotations

import asyncio
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import attrs
import cattrs
from cattrs.errors import BaseValidationError
from cattrs.gen import make_dict_structure_fn

from telnyx_wireless_async.models import ErrorDetail, PageMeta, SimCard, SimCardPage

__all__ = [
    "ModelError",
    "make_converter",
    "structure_cards",
    "structure_errors",
    "structure_meta",
    "structure_page",
    "structure_page_in_steps",
]


class ModelError(ValueError):
    """JSON that does not fit a model; the message lists the offending paths."""


def _structure_decimal(value: Any, _: type) -> Decimal:
    kind = type(value)
    if kind is not str:
        if kind is not int and kind is not float:
            raise TypeError(f"expected a decimal string, got {value!r}")
        # str() first: Decimal(0.1) would keep the float's binary noise.
        value = str(value)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 timestamp string, got {value!r}")
    parsed = datetime.fromisoformat(value)
    # The API writes UTC with a trailing Z; a timestamp without an offset is UTC too.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


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
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {value!r}")
        return known.get(value, value)  # type: ignore[return-value]

    return structure


_PLAIN = (str, bool, int)


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
    if inner in _PLAIN:

        def structure_plain(value: Any, _: Any) -> Any:
            if value is None or type(value) is inner:
                return value
            return inner(value)

        return structure_plain

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


def _homogeneous_tuple_of(cl: Any) -> Any:
    """Return str or dict when `cl` is ``tuple[str, ...]`` or ``tuple[dict[...], ...]``."""
    item = _tuple_item(cl)
    if item is str:
        return str
    return dict if typing.get_origin(item) is dict else None


def _make_tuple_hook(cl: Any) -> Any:
    """Structure a JSON array of strings or objects into a tuple in one pass."""
    item = _homogeneous_tuple_of(cl)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if type(value) is not list or not all(type(v) is item for v in value):
            raise TypeError(f"expected a list of {item.__name__}, got {value!r}")
        return tuple(value)

    return structure


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
    if fast:
        converter.register_structure_hook_factory(
            lambda t: _tuple_of_objects(t) is not None, _make_fast_tuple_hook
        )
    return converter


def _describe(exc: BaseValidationError) -> str:
    return "; ".join(cattrs.transform_error(exc))


def _structurer(cl: Any) -> Callable[[Any], Any]:
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
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                # Raised before cattrs could wrap it, e.g. a list where an object belongs.
                raise ModelError(f"$: {exc!r}") from exc
            raise ModelError(f"$: {fast_error!r}") from fast_error

    return structure


_fast_converter = make_converter(fast=True)
_detailed_converter = make_converter()

structure_page: Callable[[Any], SimCardPage] = _structurer(SimCardPage)
"""Build a `SimCardPage` from a decoded list response; raises `ModelError`."""

structure_cards: Callable[[Any], tuple[SimCard, ...]] = _structurer(tuple[SimCard, ...])
"""Build SIM cards from a decoded JSON list; raises `ModelError`."""

structure_errors: Callable[[Any], tuple[ErrorDetail, ...]] = _structurer(tuple[ErrorDetail, ...])
"""Build error details from a decoded Telnyx ``errors`` list; raises `ModelError`."""

structure_meta: Callable[[Any], PageMeta] = _structurer(PageMeta)
"""Build a `PageMeta`; raises `ModelError`."""

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
    return SimCardPage(data=tuple(cards), meta=meta)
