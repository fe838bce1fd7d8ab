"""Values shared by the models of several resources: amounts of data, read-only JSON objects."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from attrs import frozen

__all__ = ["DataAmount", "DataUnit", "ReadOnlyObject"]


class DataUnit(StrEnum):
    """Unit of a data amount."""

    MB = "MB"
    GB = "GB"


@frozen(kw_only=True)
class DataAmount:
    """An amount of data, such as a data limit or the consumption so far."""

    amount: Decimal | None = None
    unit: DataUnit | str | None = None


class ReadOnlyObject(dict[str, Any]):
    """A JSON object the API does not describe (``meta``, say): a dict that refuses changes.

    It prints, serialises with ``json.dumps``, copies and pickles as a dict, and compares
    equal to one; arrays in it are tuples (``{"a": (1, 2)}``, not ``{"a": [1, 2]}``).
    ``dict(obj)`` is a copy you may change.
    """

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self:  # dict.__init__ on a filled dict would update it
            self._refuse()
        super().__init__(*args, **kwargs)

    def _refuse(self) -> NoReturn:
        raise TypeError("this JSON object of a model is read-only; change a copy: dict(obj)")

    def __setitem__(self, key: str, value: Any) -> NoReturn:
        self._refuse()

    def __delitem__(self, key: str) -> NoReturn:
        self._refuse()

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def clear(self) -> NoReturn:
        self._refuse()

    def pop(self, *args: Any) -> NoReturn:
        self._refuse()

    def popitem(self) -> NoReturn:
        self._refuse()

    def setdefault(self, *args: Any) -> NoReturn:
        self._refuse()

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        self._refuse()

    def __reduce__(self) -> tuple[type[ReadOnlyObject], tuple[dict[str, Any]]]:
        # Rebuilt from a plain dict: the default would fill it item by item, which it refuses.
        return (type(self), (dict(self),))
