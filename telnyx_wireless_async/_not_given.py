"""`NOT_GIVEN`: the default of an update argument, so that None can stay a value of its own.

A PATCH sends only the fields the caller gave; an argument left at `NOT_GIVEN` is not
sent at all. It is an enum member, so that type checkers narrow ``x is not NOT_GIVEN``.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["NOT_GIVEN", "NotGiven"]


class NotGiven(enum.Enum):
    """The type of `NOT_GIVEN`: an argument left out, as opposed to any value given."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""An argument left out: leave that field as it is."""
