"""``telnyx-wireless emulator``: serve the bundled emulator, by its own entry point."""

from __future__ import annotations

import argparse
import os

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
    # The same key the other commands send, so `sims` works against it as it is.
    api_key = args.api_key or os.environ.get("TELNYX_API_KEY") or "test-api-key"
    argv.append(f"--api-key={api_key}")
    return serve(argv)
