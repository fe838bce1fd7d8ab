"""What each kind of JSON value may be, checked once for every model.

The cattrs hooks in `_serde` and the hand-written `SimCard` builder in `_fast_sim_card`
both call these checks, so the two cannot disagree on a wire rule:

- amounts are strings on the wire (``"2048.0"``) and become finite `Decimal`, never float;
- timestamps (``"2018-02-02T22:25:27.521Z"``) become timezone-aware datetimes;
- an enum value the SDK does not know is kept as a plain string, so a new server-side
  status cannot break a stream of 100,000 cards halfway;
- a text field takes a string, or a number kept as its text; a boolean field only true
  or false (``"false"`` is not taken for True); an integer only an integer.

Each check raises TypeError or ValueError for a value that does not fit. The way back,
from a model to JSON, is in `wire_timestamp` and `plain_json`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from telnyx_wireless_async.models._common import ReadOnlyObject

__all__ = [
    "as_amount",
    "as_flag",
    "as_integer",
    "as_member",
    "as_object",
    "as_objects",
    "as_text",
    "as_texts",
    "as_timestamp",
    "list_check",
    "plain_json",
    "read_only",
    "wire_timestamp",
]


def as_text(value: Any) -> str | None:
    """Return a text field's value: a string, null, or a number kept as its text."""
    kind = type(value)
    if value is None or kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return str(value)
    raise TypeError(f"expected a string, got {value!r:.40}")


def as_flag(value: Any) -> bool | None:
    """Return a boolean field's value: true, false or null, and nothing taken for them."""
    if value is None or type(value) is bool:
        return value
    raise TypeError(f"expected true, false or null, got {value!r:.40}")


def as_integer(value: Any) -> int:
    """Return an integer field's value: an integer, and not a boolean or a float."""
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {value!r:.40}")
    return value


def as_amount(value: Any) -> Decimal:
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


def as_timestamp(value: Any) -> datetime | None:
    """Return an ISO 8601 timestamp as an aware datetime: UTC when it names no offset."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected an ISO 8601 timestamp string, got {value!r:.40}")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def as_member(known: Mapping[str, Any], value: Any) -> Any:
    """Return the enum member named by `value`, or `value` itself if the SDK lacks it."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected a string, got {value!r:.40}")
    return known.get(value, value)


def list_check(kind: type) -> Callable[[Any], tuple[Any, ...]]:
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


def read_only(value: Any) -> Any:
    """Return a JSON value that cannot change: objects as read-only mappings, arrays as tuples."""
    kind = type(value)
    if kind is dict:
        return ReadOnlyObject({key: read_only(item) for key, item in value.items()})
    if kind is list:
        return tuple([read_only(item) for item in value])
    return value


def as_object(value: Any) -> Mapping[str, Any]:
    """Return a free-form JSON object (one the API does not describe) as a read-only mapping."""
    if type(value) is not dict:
        raise TypeError(f"expected a JSON object, got {value!r:.40}")
    return read_only(value)  # type: ignore[no-any-return]


as_texts = list_check(str)
"""Return a JSON array of strings (or null: none) as a tuple."""

_dicts = list_check(dict)


def as_objects(value: Any) -> tuple[Mapping[str, Any], ...]:
    """Return a JSON array of free-form objects as a tuple of read-only mappings."""
    items = _dicts(value)
    return tuple([read_only(item) for item in items]) if items else items


def wire_timestamp(value: datetime) -> str:
    """Write a timestamp the way the API does: UTC, milliseconds, ``Z``.

    Microseconds are kept when there are any. A naive datetime (built in code, never
    from the API) is written as it is. Near `datetime`'s bounds the instant may have no
    UTC date it can hold (``9999-12-31T23:00:00-05:00`` is in the year 10000): then it
    keeps its own offset.
    """
    if value.tzinfo is None:
        return value.isoformat()
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return value.isoformat(timespec=spec)
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def plain_json(value: Any) -> Any:
    """Return a free-form JSON value as plain data: read-only objects as dicts, tuples as lists."""
    if isinstance(value, Mapping):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [plain_json(item) for item in value]
    return value
