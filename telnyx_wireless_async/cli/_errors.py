"""Exit statuses, and the one-line messages errors are reported with."""

from __future__ import annotations

import enum

from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    TelnyxError,
)

__all__ = ["ExitCode", "UsageError", "describe_api_error", "one_line"]


class ExitCode(enum.IntEnum):
    """What the process exit status tells a script."""

    OK = 0
    """Everything asked for was done."""
    INTERNAL = 1
    """An unexpected error: a bug, or the output could not be written."""
    USAGE = 2
    """A bad option, or an input file that cannot be read or makes no sense."""
    API = 3
    """The API could not be reached, refused the key, or failed."""
    PARTIAL = 4
    """Some registration codes or cards failed, have no known outcome, or may predate the run."""
    INTERRUPTED = 130
    """Interrupted by Ctrl-C (128 + SIGINT), as shells report it."""


class UsageError(Exception):
    """A mistake in the command line or its input files: exit status 2, no request sent."""


def one_line(text: str) -> str:
    """Collapse `text` onto one line, so each error is exactly one line of stderr.

    Its control characters are escaped (see `printable`): errors quote the server's words.
    """
    return printable(" ".join(text.split()))


def describe_api_error(error: TelnyxError, base_url: str) -> str:
    """Say in one line what went wrong with the API, and what to check.

    Args:
        error: What the SDK raised.
        base_url: The API root the request went to (never the key).
    """
    if isinstance(error, AuthenticationError):
        hint = "check --api-key or TELNYX_API_KEY"
        return one_line(f"the API refused the API key ({error}); {hint}")
    if isinstance(error, PermissionDeniedError):
        return one_line(f"the API key may not do this ({error})")
    if isinstance(error, APIConnectionError):
        reason = str(error)
        hint = "check --base-url or TELNYX_BASE_URL"
        return one_line(f"no usable answer from {base_url} ({reason}); {hint}")
    root = base_url.rstrip("/")
    if isinstance(error, NotFoundError) and root.startswith("http") and not root.endswith("/v2"):
        hint = "check --base-url or TELNYX_BASE_URL: the API root ends in /v2"
        return one_line(f"the API answered with an error: {error}; {hint}")
    if isinstance(error, APIStatusError):
        return one_line(f"the API answered with an error: {error}")
    return one_line(f"the API misbehaved: {error}")
