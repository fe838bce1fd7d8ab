"""The `AsyncSession` a command talks to the API through, built from the global options."""

from __future__ import annotations

import argparse
import os

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.cli._errors import UsageError

__all__ = ["open_session"]


def open_session(args: argparse.Namespace) -> AsyncSession:
    """Build a session from ``--api-key``, ``--base-url`` and ``--timeout`` (or the environment).

    Its retry policy is ``args.retry`` where `main` was given one, else the SDK's default.

    Raises:
        UsageError: No API key, or a base URL that is not an http(s) URL.
    """
    key = args.api_key if args.api_key is not None else os.environ.get("TELNYX_API_KEY", "")
    if not key.strip():
        raise UsageError("no API key: pass --api-key KEY or set TELNYX_API_KEY")
    try:
        return AsyncSession(
            key,
            base_url=args.base_url,
            timeout=args.timeout,
            retry=getattr(args, "retry", None),
        )
    except ValueError as exc:
        # The session's messages name the offending option, never the key's value.
        raise UsageError(str(exc)) from None
