"""Where one page of a list operation sits in the whole listing."""

from __future__ import annotations

from attrs import frozen

__all__ = ["PageMeta"]


@frozen(kw_only=True)
class PageMeta:
    """Where a page sits in the whole listing."""

    page_number: int
    page_size: int
    total_pages: int
    total_results: int
