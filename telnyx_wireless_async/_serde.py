"""The one cattrs converter: every wire rule for turning JSON into models lives here.

Wire rules:
- amounts are strings on the wire (``"2048.0"``) and become `Decimal`, never float;
- timestamps (``"2018-02-02T22:25:27.521Z"``) become timezone-aware datetimes;
- an enum value the SDK does not know is kept as a plain string, so a new server-side
  status cannot break a stream of 100,000 cards halfway;
- a string or boolean field holds exactly that type or null: ``"false"`` is not
  taken for False, nor ``5`` for ``"5"``;
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
from cattrs.errors import BaseValidationError
from cattrs.gen import make_dict_structure_fn

from telnyx_wireless_async.models import (
    DataAmount,
    DataUnit,
    ErrorDetail,
    ESimInstallationStatus,
    PageMeta,
    SimCard,
    SimCardGroup,
    SimCardPage,
    SimCardStatus,
    SimCardStatusValue,
    SimCardType,
)

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
            raise TypeError(f"expected {inner.__name__} or null, got {value!r:.40}")

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


# -- SimCard, written out -------------------------------------------------------------------
# A stream builds hundreds of thousands of SIM cards, and cattrs' generated function
# calls a hook per field (and one more for each optional field). This function applies
# the same wire rules with a dict lookup and a type check per field, in about half the
# time. The fast converter uses it; the detailed and strict converters keep cattrs' own,
# and tests/test_serde.py checks the two against each other for every field of
# `SimCard`, so a field added to the model cannot be missed here.

_CARD_STATUSES = SimCardStatusValue._value2member_map_
_CARD_TYPES = SimCardType._value2member_map_
_DATA_UNITS = DataUnit._value2member_map_
_ESIM_STATUSES = ESimInstallationStatus._value2member_map_


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    raise TypeError(f"expected str or null, got {value!r:.40}")


def _flag(value: Any) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise TypeError(f"expected bool or null, got {value!r:.40}")


def _member(known: Mapping[str, Any], value: Any) -> Any:
    """Return the enum member named by `value`, or `value` itself if the SDK lacks it."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected a string, got {value!r:.40}")
    return known.get(value, value)


def _timestamp(value: Any) -> datetime | None:
    return None if value is None else _structure_datetime(value, datetime)


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise TypeError(f"expected a list of str, got {value!r:.40}")
    for item in value:
        if type(item) is not str:
            raise TypeError(f"expected a list of str, got {value!r:.40}")
    return tuple(value)


def _objects(value: Any) -> tuple[dict[str, Any], ...]:
    if type(value) is not list:
        raise TypeError(f"expected a list of dict, got {value!r:.40}")
    for item in value:
        if type(item) is not dict:
            raise TypeError(f"expected a list of dict, got {value!r:.40}")
    return tuple(value)


# Statuses and data limits are frozen values that repeat from card to card (a handful
# of statuses, a few limits), so cards share them: one object per distinct value, up
# to _SHARED_MAX of each, instead of one per card. Only values the wire rules accepted
# are shared, keyed by their exact strings. (Consumed data differs from card to card.)
_SHARED_MAX = 1024
_shared_statuses: dict[tuple[Any, Any], SimCardStatus] = {}
_shared_limits: dict[tuple[Any, Any], DataAmount] = {}


def _amount_of(value: dict[str, Any]) -> DataAmount:
    amount = value.get("amount")
    return DataAmount(
        amount=None if amount is None else _structure_decimal(amount, Decimal),
        unit=_member(_DATA_UNITS, value.get("unit")),
    )


def _data_amount(value: Any) -> DataAmount | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    return _amount_of(value)


def _data_limit(value: Any) -> DataAmount | None:
    if type(value) is not dict or type(value.get("amount")) is not str:
        return _data_amount(value)  # null, a number (not shared) or an error
    key = (value["amount"], value.get("unit"))
    shared = _shared_limits.get(key)
    if shared is None:
        shared = _amount_of(value)
        if len(_shared_limits) < _SHARED_MAX:
            _shared_limits[key] = shared
    return shared


def _card_status(value: Any) -> SimCardStatus | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    key = (value.get("value"), value.get("reason"))
    shared = _shared_statuses.get(key)
    if shared is None:
        shared = SimCardStatus(value=_member(_CARD_STATUSES, key[0]), reason=_text(key[1]))
        if len(_shared_statuses) < _SHARED_MAX:
            _shared_statuses[key] = shared
    return shared


def _card_group(value: Any) -> SimCardGroup | None:
    # Only there with include_sim_card_group, so cattrs' own function is fast enough.
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
    return SimCardPage(data=tuple(cards), meta=meta)
