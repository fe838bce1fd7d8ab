"""Small helpers for the command line's sentences."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str) -> str:
    """Return ``"1 page"`` or ``"2 pages"``: the count, with thousands separators, and the noun."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
