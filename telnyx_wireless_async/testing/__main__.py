"""Command line: serve the emulator until interrupted.

Usage: ``python -m telnyx_wireless_async.testing --port 8080 [--host 127.0.0.1] [--size N]
[--seed S] [--api-key K] [--latency SECONDS]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from ._server import Emulator


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m telnyx_wireless_async.testing",
        description="Serve an emulator of the Telnyx Wireless SIM-card API until interrupted.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8080,
        help="port to bind, 0 for any free one (default: %(default)s)",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=1000,
        help="number of synthetic SIM cards (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic inventory (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key",
        default="test-api-key",
        help="the API key clients must send (default: %(default)s)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds added to every request (default: %(default)s)",
    )
    return parser.parse_args(argv)


async def _serve(arguments: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        # Signal handlers are unavailable on Windows; Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal_number, stop.set)
    async with Emulator(
        api_key=arguments.api_key,
        inventory_size=arguments.size,
        seed=arguments.seed,
        latency=arguments.latency,
        host=arguments.host,
        port=arguments.port,
    ) as emulator:
        print(f"Telnyx Wireless emulator listening on {emulator.url}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator from the command line.

    Args:
        argv: Arguments without the program name; None reads ``sys.argv``.

    Returns:
        The process exit status.
    """
    arguments = _parse_arguments(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(arguments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
