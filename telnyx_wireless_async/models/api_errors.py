"""The ``errors[]`` objects of an API error response.

The exceptions that carry them are in `telnyx_wireless_async.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

__all__ = ["ErrorDetail", "ErrorSource"]


@frozen(kw_only=True)
class ErrorSource:
    """What an error is about: a JSON pointer into the body or a query parameter."""

    pointer: str | None = None
    parameter: str | None = None


@frozen(kw_only=True)
class ErrorDetail:
    """One entry of a Telnyx ``errors[]`` list."""

    code: str
    title: str
    detail: str | None = None
    source: ErrorSource | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False)  # a read-only JSON object
