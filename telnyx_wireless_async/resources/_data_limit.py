"""A data limit as a request body carries it: checked, then ``{"amount": "2048", "unit": "MB"}``.

Cards and groups take the same shape; they differ in the units the API documents: a card's
are ``MB`` and ``GB``, a group's unit has no list of values (spec quirk Q12).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from telnyx_wireless_async._validation import check_enum
from telnyx_wireless_async.models import DataAmount, DataUnit

__all__ = ["data_limit_body"]


def data_limit_body(name: str, value: object, *, any_unit: bool = False) -> dict[str, str]:
    """Check a data limit and return it as the API writes it.

    Args:
        name: The argument's name, for messages.
        value: A `DataAmount`, or a mapping with exactly the keys ``amount`` and ``unit``.
            The amount is a `Decimal`, int or decimal str, finite and at least 0 (a float
            is refused: it cannot hold most decimal amounts exactly).
        any_unit: Take any non-blank unit (a group's); otherwise ``MB`` or ``GB``.

    Raises:
        TypeError: `value` or one of its parts has the wrong type.
        ValueError: The amount is not a finite number at least 0, or the unit is not one
            the API takes.
    """
    amount: object
    unit: object
    if isinstance(value, DataAmount):
        amount, unit = value.amount, value.unit
    elif isinstance(value, Mapping):
        if set(value) != {"amount", "unit"}:
            raise ValueError(
                f"{name} must have exactly the keys amount and unit, got {sorted(value)!r}"
            )
        amount, unit = value["amount"], value["unit"]
    else:
        raise TypeError(
            f"{name} must be a DataAmount, such as DataAmount(amount=Decimal('2048'),"
            f" unit='MB'), or a mapping with amount and unit; got {value!r}"
        )
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | str):
        raise TypeError(f"{name}.amount must be a Decimal, int or decimal str, got {amount!r}")
    try:
        number = Decimal(amount.strip() if isinstance(amount, str) else amount)
    except InvalidOperation:
        raise ValueError(f"{name}.amount must be a decimal number, got {amount!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name}.amount must be a finite number, at least 0; got {amount!r}")
    # Fixed-point: "1E+3" is a Decimal's str, but not an amount as the API writes them.
    return {"amount": format(number, "f"), "unit": _unit_text(name, unit, any_unit=any_unit)}


def _unit_text(name: str, unit: object, *, any_unit: bool) -> str:
    if not any_unit:
        return check_enum(f"{name}.unit", unit, DataUnit).value
    if not isinstance(unit, str):
        raise TypeError(f"{name}.unit must be a str such as 'MB' or 'GB', got {unit!r}")
    if not unit.strip():
        raise ValueError(f"{name}.unit must not be blank, got {unit!r}")
    return unit.value if isinstance(unit, DataUnit) else unit
