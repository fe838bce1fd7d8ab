"""The one cattrs converter: every wire rule for turning JSON into models lives here.

Wire rules:
- amounts are strings on the wire (``"2048.0"``) and become finite `Decimal`, never float;
- timestamps (``"2018-02-02T22:25:27.521Z"``) become timezone-aware datetimes;
- an enum value the SDK does not know is kept as a plain string, so a new server-side
  status cannot break a stream of 100,000 cards halfway;
- a text field takes a string, or a number kept as its text; a boolean field only true
  or false (``"false"`` is not taken for True); an integer only an integer;
- unknown JSON fields are ignored (the strict converter, for tests, forbids them).
"""

from __future__ import annotations

import asyncio
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import BaseValidationError
from cattrs.gen import make_dict_structure_fn

from telnyx_wireless_async.models import (
    DataAmount,
    DataUnit,
    ErrorDetail,
    ESimInstallationStatus,
    Page,
    PageMeta,
    SimCard,
    SimCardGroup,
    SimCardPage,
    SimCardStatus,
    SimCardStatusValue,
    SimCardType,
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
]


class ModelError(ValueError):
    """JSON that does not fit a model; the message lists the offending paths."""


# -- wire rules: one check per kind of JSON value, for cattrs' hooks and SimCard's alike --


def _text(value: Any) -> str | None:
    """Return a text field's value: a string, null, or a number kept as its text."""
    kind = type(value)
    if value is None or kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return str(value)
    raise TypeError(f"expected a string, got {value!r:.40}")


def _flag(value: Any) -> bool | None:
    """Return a boolean field's value: true, false or null, and nothing taken for them."""
    if value is None or type(value) is bool:
        return value
    raise TypeError(f"expected true, false or null, got {value!r:.40}")


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {value!r:.40}")
    return value


def _amount(value: Any) -> Decimal:
    """Return an amount (``"2048.0"``, or a JSON number) as a finite `Decimal`."""
    kind = type(value)
    if kind is not str:
        if kind is not int and kind is not float:
            raise TypeError(f"expected a decimal string, got {value!r:.40}")
        # str() first: Decimal(0.1) would keep the float's binary noise.
        value = str(value)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    # Checked here rather than trusted to the decimal context, which a caller may have
    # set not to trap: "lots" must fail however the context is set.
    if not amount.is_finite():
        raise ValueError(f"not a decimal number: {value!r:.40}")
    return amount


def _timestamp(value: Any) -> datetime | None:
    """Return an ISO 8601 timestamp as an aware datetime: UTC when it names no offset."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected an ISO 8601 timestamp string, got {value!r:.40}")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _member(known: Mapping[str, Any], value: Any) -> Any:
    """Return the enum member named by `value`, or `value` itself if the SDK lacks it."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected a string, got {value!r:.40}")
    return known.get(value, value)


def _list_check(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    """Return a check that turns a JSON array whose items are all of `kind` into a tuple.

    A null is an empty array: the API sends ``"tags": null`` for a card with no tags,
    and one such card must not end a stream of 100,000. (A field where null means
    something else, ``authorized_imeis``, is optional and never reaches the check.)
    """

    def check(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if type(value) is not list:
            raise TypeError(f"expected a list of {kind.__name__}, got {value!r:.40}")
        for item in value:
            if type(item) is not kind:
                raise TypeError(f"expected a list of {kind.__name__}, got {value!r:.40}")
        return tuple(value)

    return check


def _read_only(value: Any) -> Any:
    """Return a JSON value that cannot change: objects as read-only mappings, arrays as tuples."""
    kind = type(value)
    if kind is dict:
        return ReadOnlyObject({key: _read_only(item) for key, item in value.items()})
    if kind is list:
        return tuple([_read_only(item) for item in value])
    return value


def _object(value: Any) -> Mapping[str, Any]:
    """Return a free-form JSON object (one the API does not describe) as a read-only mapping."""
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    return _read_only(value)  # type: ignore[no-any-return]


_texts = _list_check(str)
_dicts = _list_check(dict)


def _objects(value: Any) -> tuple[Mapping[str, Any], ...]:
    """Return a JSON array of free-form objects as a tuple of read-only mappings."""
    items = _dicts(value)
    return tuple([_read_only(item) for item in items]) if items else items


# -- cattrs hooks, built on the checks above ---------------------------------------------


def _structure_decimal(value: Any, _: type) -> Decimal:
    return _amount(value)


def _structure_datetime(value: Any, _: type) -> datetime:
    if value is None:
        raise TypeError("expected an ISO 8601 timestamp string, got None")
    return _timestamp(value)  # type: ignore[return-value]


def _structure_str(value: Any, _: type) -> str:
    if value is None:
        raise TypeError("expected a string, got None")
    return _text(value)  # type: ignore[return-value]


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
        return _member(known, value)  # type: ignore[no-any-return]

    return structure


# The checks for ``T | None`` where T is a JSON scalar; they take null themselves.
_OPTIONAL_CHECKS: dict[Any, Callable[[Any], Any]] = {str: _text, bool: _flag, datetime: _timestamp}


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
    check = _texts if _homogeneous_tuple_of(cl) is str else _objects
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


# -- SimCard, written out -------------------------------------------------------------------
# A stream builds hundreds of thousands of SIM cards, and cattrs' generated function
# calls a hook per field (and one more for each optional field). This function calls
# the same checks directly, in about two thirds of the time. The fast converter uses
# it; the detailed and strict converters keep cattrs' own, and
# tests/test_sim_card_structure.py holds the two to the same results for every field
# of `SimCard`, so a field added to the model cannot be missed here.

_CARD_STATUSES = SimCardStatusValue._value2member_map_
_CARD_TYPES = SimCardType._value2member_map_
_DATA_UNITS = DataUnit._value2member_map_
_ESIM_STATUSES = ESimInstallationStatus._value2member_map_

# Statuses and data limits are frozen values that repeat from card to card (a handful
# of statuses, a few limits), so cards share them: one object per distinct value
# instead of one per card. Only exact strings, short ones, are keys, and only once the
# checks have passed, so a shared value is the one a fresh build would give. A cache
# that fills up starts again. (Consumed data differs from card to card: not shared.)
_SHARED_MAX = 256
_SHARED_KEY_MAX = 256
_SharedKey = tuple[Any, Any]  # two short exact strings, or a string and None
_shared_statuses: dict[_SharedKey, SimCardStatus] = {}
_shared_limits: dict[_SharedKey, DataAmount] = {}


def _shareable(text: Any, other: Any) -> bool:
    """Tell whether two JSON values may key a shared value: short exact strings (or null)."""
    return (
        type(text) is str
        and len(text) <= _SHARED_KEY_MAX
        and (other is None or (type(other) is str and len(other) <= _SHARED_KEY_MAX))
    )


def _share(cache: dict[_SharedKey, Any], key: _SharedKey, value: Any) -> None:
    if len(cache) >= _SHARED_MAX:
        cache.clear()
    cache[key] = value


def _data_amount(value: Any) -> DataAmount | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    amount = value.get("amount")
    return DataAmount(
        amount=None if amount is None else _amount(amount),
        unit=_member(_DATA_UNITS, value.get("unit")),
    )


def _data_limit(value: Any) -> DataAmount | None:
    if type(value) is not dict:
        return _data_amount(value)
    amount, unit = value.get("amount"), value.get("unit")
    if not _shareable(amount, unit):
        return _data_amount(value)  # a number, say: valid, but not shared
    limit = _shared_limits.get((amount, unit))
    if limit is None:
        limit = _data_amount(value)
        _share(_shared_limits, (amount, unit), limit)
    return limit


def _card_status(value: Any) -> SimCardStatus | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    name, reason = value.get("value"), value.get("reason")
    shareable = _shareable(name, reason)
    status = _shared_statuses.get((name, reason)) if shareable else None
    if status is None:
        status = SimCardStatus(value=_member(_CARD_STATUSES, name), reason=_text(reason))
        if shareable:
            _share(_shared_statuses, (name, reason), status)
    return status


def _card_group(value: Any) -> SimCardGroup | None:
    # Only there with include_sim_card_group, so cattrs' own function is fast enough;
    # _structure_group is defined at the end of the module, with the fast converter.
    return None if value is None else _structure_group(value, SimCardGroup)


def structure_sim_card(value: Any, _: Any = SimCard) -> SimCard:
    """Build a `SimCard` from its JSON object as the cattrs converter would, faster.

    Raises:
        TypeError, ValueError, ArithmeticError: The JSON does not fit; the caller reruns
            it through the detailed converter to say where.
    """
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    get = value.get
    authorized_imeis = get("authorized_imeis")
    return SimCard(
        id=_text(get("id")),
        record_type=_text(get("record_type")),
        status=_card_status(get("status")),
        type=_member(_CARD_TYPES, get("type")),
        iccid=_text(get("iccid")),
        imsi=_text(get("imsi")),
        msisdn=_text(get("msisdn")),
        sim_card_group_id=_text(get("sim_card_group_id")),
        tags=_texts(value["tags"]) if "tags" in value else (),
        data_limit=_data_limit(get("data_limit")),
        current_billing_period_consumed_data=_data_amount(
            get("current_billing_period_consumed_data")
        ),
        actions_in_progress=_flag(get("actions_in_progress")),
        created_at=_timestamp(get("created_at")),
        updated_at=_timestamp(get("updated_at")),
        esim_installation_status=_member(_ESIM_STATUSES, get("esim_installation_status")),
        version=_text(get("version")),
        resources_with_in_progress_actions=(
            _objects(value["resources_with_in_progress_actions"])
            if "resources_with_in_progress_actions" in value
            else ()
        ),
        eid=_text(get("eid")),
        authorized_imeis=None if authorized_imeis is None else _texts(authorized_imeis),
        voice_enabled=_flag(get("voice_enabled")),
        sim_card_group=_card_group(get("sim_card_group")),
    )


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
    converter.register_structure_hook(int, lambda value, _: _integer(value))
    converter.register_structure_hook_func(_is_object, lambda value, _: _object(value))
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
    if fast and not strict:  # the written-out function ignores unknown fields
        converter.register_structure_hook(SimCard, structure_sim_card)
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
_structure_group = _fast_converter.get_structure_hook(SimCardGroup)

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
    return Page(data=tuple(cards), meta=meta)
