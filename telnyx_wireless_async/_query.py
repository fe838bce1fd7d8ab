"""Pure query encoding: list options checked and turned into wire parameters, for any resource.

Telnyx list endpoints take ``filter[<name>]=<value>`` (arrays comma-joined, as the
official SDK sends them), ``page[number]`` and ``page[size]``, and a few plain
parameters (``sort``, ``include_...``). A resource describes its options once, as a
mapping of option name to `Param`, built from the encoders here; `filter_params` then
checks the options a caller gave and returns them in wire form, before any request is
sent. Every check names the option and the bad value (see `_validation`).

    SIM_CARD_FILTERS = {
        "iccid": filter_param("iccid", text),
        "status": filter_param("status", enum_list(SimCardStatusFilter)),
        "sort": Param("sort", enum_value(SortOrder)),
    }
    params = {**filter_params(SIM_CARD_FILTERS, options), **page_params(1, 250)}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

from attrs import frozen

from telnyx_wireless_async._validation import (
    MAX_PAGE_SIZE,
    check_bool,
    check_enum,
    check_enum_list,
    check_int_range,
    check_str_list,
    check_text,
    check_uuid,
)

__all__ = [
    "Encode",
    "Param",
    "enum_list",
    "enum_value",
    "filter_param",
    "filter_params",
    "flag",
    "page_params",
    "text",
    "text_list",
    "uuid_text",
]

E = TypeVar("E", bound=StrEnum)

Encode = Callable[[str, object], str | None]
"""Checks one option's value, named by the option, and returns its wire value (None: omit it).

Raises TypeError or ValueError, naming the option and the value, for a value it refuses.
"""


@frozen
class Param:
    """How one list option goes on the wire.

    Attributes:
        key: The query parameter's name (``"filter[status]"``, ``"sort"``).
        encode: Checks a value and returns it in wire form.
    """

    key: str
    encode: Encode


def filter_param(name: str, encode: Encode) -> Param:
    """Return the `Param` of the filter Telnyx spells ``filter[<name>]``."""
    return Param(f"filter[{name}]", encode)


def text(name: str, value: object) -> str | None:
    """Encode a non-empty string as it is; None omits the option."""
    return None if value is None else check_text(name, value)


def text_list(name: str, value: object) -> str | None:
    """Encode one string, or a non-empty list of them comma-joined; none may hold a comma."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value  # one, as an enum list takes one
    return ",".join(check_str_list(name, values, allow_empty=False))


def uuid_text(name: str, value: object) -> str | None:
    """Encode a UUID (a str or a `uuid.UUID`) in canonical form."""
    return None if value is None else check_uuid(name, value)


def flag(name: str, value: object) -> str | None:
    """Encode a bool: True sends ``true``, False omits the option; None is refused."""
    return "true" if check_bool(name, value) else None


def enum_value(members: type[E]) -> Encode:
    """Return the encoder of one value of `members`."""

    def encode(name: str, value: object) -> str | None:
        return None if value is None else check_enum(name, value, members).value

    return encode


def enum_list(members: type[E]) -> Encode:
    """Return the encoder of one value of `members`, or a non-empty list of them, comma-joined."""

    def encode(name: str, value: object) -> str | None:
        if value is None:
            return None
        return ",".join(member.value for member in check_enum_list(name, value, members))

    return encode


def filter_params(spec: Mapping[str, Param], options: Mapping[str, object]) -> dict[str, str]:
    """Check `options` against `spec` and return them as wire query parameters.

    Options are checked, and parameters come out, in the order of `spec`.

    Raises:
        TypeError: An option is not in `spec`, or has the wrong type.
        ValueError: An option has a value the API does not accept.
    """
    unknown = options.keys() - spec.keys()
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    params: dict[str, str] = {}
    for name, param in spec.items():
        if name in options and (value := param.encode(name, options[name])) is not None:
            params[param.key] = value
    return params


def page_params(
    page_number: int, page_size: int, *, max_size: int = MAX_PAGE_SIZE
) -> dict[str, str]:
    """Check the page options and return them as wire query parameters.

    Raises:
        TypeError: Either is not an int.
        ValueError: `page_number` is below 1, or `page_size` outside 1 to `max_size`.
    """
    return {
        "page[number]": str(check_int_range("page_number", page_number, low=1)),
        "page[size]": str(check_int_range("page_size", page_size, low=1, high=max_size)),
    }
