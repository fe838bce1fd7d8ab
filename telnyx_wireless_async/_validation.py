"""Argument checks run before any request is sent; each error names the bad value."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

__all__ = [
    "check_bool",
    "check_enum",
    "check_enum_list",
    "check_int_range",
    "check_registration_codes",
    "check_seconds",
    "check_str_list",
    "check_text",
    "check_uuid",
    "is_registration_code",
]

E = TypeVar("E", bound=StrEnum)

MAX_PAGE_SIZE = 250


def check_bool(name: str, value: object) -> bool:
    """Return `value` if it is a bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return value


def check_seconds(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return `value` as a finite number of seconds, positive (or zero if allowed)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "at least 0" if allow_zero else "more than 0"
        raise ValueError(f"{name} must be a finite number of seconds, {bound}; got {value!r}")
    return float(value)


def check_int_range(name: str, value: object, *, low: int, high: int | None = None) -> int:
    """Return `value` if it is an int within ``low..high`` (inclusive)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return value


def check_text(name: str, value: object) -> str:
    """Return `value` if it is a non-empty str."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {value!r}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def check_uuid(name: str, value: object) -> str:
    """Return `value` as a canonical UUID string; accepts a str or a `uuid.UUID`."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a UUID string, got {value!r}")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(f"{name} must be a UUID, got {value!r}") from None


def check_enum(name: str, value: object, enum: type[E]) -> E:
    """Return the member of `enum` that `value` names."""
    allowed = ", ".join(member.value for member in enum)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}; got {value!r}")
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}") from None


def _items(name: str, values: object, what: str) -> list[object]:
    # A str is iterable, and passing one where a list belongs is the classic slip:
    # "abc" would otherwise become ["a", "b", "c"].
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of {what}, not {values!r}")
    return list(values)


def check_enum_list(name: str, values: object, enum: type[E]) -> list[E]:
    """Return the members named by `values`, each once: one value or a list of them, not empty."""
    if isinstance(values, str):
        return [check_enum(name, values, enum)]
    items = _items(name, values, "strings")
    if not items:
        raise ValueError(f"{name} must not be empty")
    members = [check_enum(f"{name}[{i}]", item, enum) for i, item in enumerate(items)]
    return list(dict.fromkeys(members))


def check_str_list(name: str, values: object, *, allow_empty: bool = True) -> list[str]:
    """Return `values` as a list of non-empty strings with no commas (commas join them)."""
    items = _items(name, values, "strings")
    if not items and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    checked = [check_text(f"{name}[{i}]", item) for i, item in enumerate(items)]
    for i, item in enumerate(checked):
        if "," in item:
            raise ValueError(f"{name}[{i}] must not contain a comma, got {item!r}")
    return checked


def check_registration_codes(name: str, values: object) -> tuple[dict[str, int], list[str]]:
    """Return the unique codes in `values` and those given twice or more.

    The unique codes map to the place each was first seen at, in first-seen order.

    Raises:
        TypeError: `values` is a str or not iterable, or holds something not a str.
        ValueError: `values` is empty, or a code is not 10 ASCII digits.
    """
    items = _items(name, values, "registration code strings")
    if not items:
        raise ValueError(f"{name} must not be empty")
    unique: dict[str, int] = {}
    duplicates: dict[str, None] = {}
    for i, code in enumerate(items):
        if not isinstance(code, str):
            raise TypeError(f"{name}[{i}] must be a str, got {code!r}")
        if not is_registration_code(code):
            raise ValueError(f"{name}[{i}] must be 10 digits, got {code!r}")
        if code in unique:
            duplicates.setdefault(code)
        unique.setdefault(code, i)
    return unique, list(duplicates)


def is_registration_code(text: str) -> bool:
    """Tell whether `text` has the form of a registration code: 10 ASCII digits."""
    return len(text) == 10 and text.isascii() and text.isdigit()
