"""Command line: serve the emulator until interrupted.

Usage: ``python -m telnyx_wireless_async.testing --port 8080 [--host 127.0.0.1] [--size N]
[--seed S] [--api-key K] [--latency SECONDS]`` plus the fault-profile options, e.g.
``--fault-seed 7 --error-rate 0.05 --drop-rate 0.02 --rate-limit 100``; see ``--help``.

It prints the API URL, the URL of the stats endpoint and where the API key it accepts came from
(never a key's value), then serves until interrupted. ``telnyx-wireless emulator`` takes the
same options (`add_emulator_arguments`) and serves the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ._command import add_emulator_arguments, fault_profile, serve

PROG = "python -m telnyx_wireless_async.testing"


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` that reports a mistake in one line of stderr, then exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _parse_arguments(argv: Sequence[str] | None, prog: str = PROG) -> argparse.Namespace:
    parser = _Parser(
        prog=prog,
        description="Serve an emulator of the Telnyx Wireless SIM-card API until interrupted.",
    )
    add_emulator_arguments(parser)
    arguments = parser.parse_args(argv)
    try:
        arguments.fault_profile = fault_profile(arguments)
    except ValueError as exc:
        parser.error(str(exc))
    return arguments


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Run the emulator from the command line.

    Args:
        argv: Arguments without the program name; None reads ``sys.argv``.
        prog: The program name that starts every error message.

    Returns:
        The process exit status: 0 once interrupted, 2 for a mistake in the command line,
        such as a port already in use.
    """
    arguments = _parse_arguments(argv, prog)
    return serve(arguments, arguments.fault_profile, prog=prog)


if __name__ == "__main__":
    sys.exit(main())
