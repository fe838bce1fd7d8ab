"""One page of a list operation: its items and where it sits in the whole listing.

Every Telnyx list operation answers ``{"data": [...], "meta": {...}}`` with the same
``meta``, so one generic `Page` serves them all: ``Page[SimCard]`` is a page of SIM cards.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from attrs import frozen

__all__ = ["Page", "PageMeta"]

T = TypeVar("T")


@frozen(kw_only=True)
class PageMeta:
    """Where a page sits in the whole listing."""

    page_number: int
    page_size: int
    total_pages: int
    total_results: int


@frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a listing: its items, in the server's order, and its `PageMeta`."""

    data: tuple[T, ...]
    meta: PageMeta
