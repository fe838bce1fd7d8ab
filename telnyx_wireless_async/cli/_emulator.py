"""``telnyx-wireless emulator``: serve the bundled emulator, as its own command line does."""

from __future__ import annotations

import argparse

from telnyx_wireless_async.cli._errors import UsageError
from telnyx_wireless_async.cli._parser import PROG
from telnyx_wireless_async.testing._command import fault_profile, serve

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Serve the emulator until interrupted; return the exit status.

    Raises:
        UsageError: The fault options contradict each other.
    """
    try:
        profile = fault_profile(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    # ``--api-key`` is the global option; without it the emulator's own rule picks the key
    # ($TELNYX_API_KEY, else test-api-key), as `python -m telnyx_wireless_async.testing` does.
    return serve(args, profile, prog=PROG)
