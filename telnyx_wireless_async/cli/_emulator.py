"""``telnyx-wireless emulator``: serve the bundled emulator, by its own entry point."""

from __future__ import annotations

import argparse

from telnyx_wireless_async.cli._parser import PROG

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Serve the emulator until interrupted; return the exit status."""
    from telnyx_wireless_async.testing.__main__ import main as serve

    argv = [
        f"--host={args.host}",
        f"--port={args.port}",
        f"--size={args.size}",
        f"--latency={args.latency}",
        f"--seed={args.seed}",
    ]
    # Without --api-key, the emulator's own rule picks the key ($TELNYX_API_KEY, else
    # test-api-key), so both of its command lines accept the same one and say which.
    if args.api_key is not None:
        argv.append(f"--api-key={args.api_key}")
    return serve(argv, prog=PROG)
