"""Command line: serve the emulator until interrupted.

Usage: ``python -m telnyx_wireless_async.testing --port 8080 [--host 127.0.0.1] [--size N]
[--seed S] [--api-key K] [--latency SECONDS]`` plus the fault-profile options, e.g.
``--fault-seed 7 --error-rate 0.05 --drop-rate 0.02 --rate-limit 100``; see ``--help``.

It prints the API URL, then the URL of the stats endpoint, and serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence

from ._faults import FaultProfile
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
    parser.add_argument(
        "--max-codes-per-request",
        type=int,
        default=1000,
        help="most registration codes one request may carry (default: %(default)s)",
    )
    faults = parser.add_argument_group(
        "fault injection",
        "Random faults, reproducible from --fault-seed, and a request rate limit. The fault "
        "rates are fractions of all requests and must add up to at most 1.",
    )
    faults.add_argument(
        "--fault-seed", type=int, default=0, help="seed of the fault sequence (default: 0)"
    )
    faults.add_argument(
        "--latency-jitter",
        type=float,
        default=0.0,
        help="up to this many more seconds per request, drawn at random (default: 0)",
    )
    faults.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        help="fraction of requests answered with an error status (default: 0)",
    )
    faults.add_argument(
        "--error-statuses",
        type=_statuses,
        default=(500, 502, 503),
        help="comma-separated statuses those errors draw from (default: 500,502,503)",
    )
    faults.add_argument(
        "--retry-after-rate",
        type=float,
        default=0.0,
        help="fraction of those errors that carry Retry-After (default: 0)",
    )
    faults.add_argument(
        "--retry-after",
        type=int,
        default=1,
        help="the Retry-After they carry, in seconds (default: 1)",
    )
    faults.add_argument(
        "--drop-rate",
        type=float,
        default=None,
        help="fraction of requests whose connection is dropped, half before and half after "
        "processing; --drop-before-rate and --drop-after-rate override it",
    )
    faults.add_argument(
        "--drop-before-rate",
        type=float,
        default=None,
        help="fraction of requests dropped before processing (default: 0)",
    )
    faults.add_argument(
        "--drop-after-rate",
        type=float,
        default=None,
        help="fraction of requests dropped after processing, unanswered (default: 0)",
    )
    faults.add_argument(
        "--truncated-rate",
        type=float,
        default=0.0,
        help="fraction of 2xx answers whose JSON body is cut partway (default: 0)",
    )
    faults.add_argument(
        "--malformed-rate",
        type=float,
        default=0.0,
        help="fraction of 2xx answers whose body is not the documented JSON (default: 0)",
    )
    faults.add_argument(
        "--slow-body-rate",
        type=float,
        default=0.0,
        help="fraction of answers whose body trickles in slowly (default: 0)",
    )
    faults.add_argument(
        "--slow-body-seconds",
        type=float,
        default=5.0,
        help="how long a slow body takes to arrive (default: 5)",
    )
    faults.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        help="most requests per window; over it, 429 (default: no limit)",
    )
    faults.add_argument(
        "--rate-limit-window",
        type=float,
        default=1.0,
        help="length of the fixed rate-limit window in seconds (default: 1)",
    )
    arguments = parser.parse_args(argv)
    try:
        arguments.fault_profile = _fault_profile(arguments)
    except ValueError as exc:
        parser.error(str(exc))
    return arguments


def _statuses(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(item) for item in text.split(",") if item.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated statuses, got {text!r}"
        ) from None


def _fault_profile(arguments: argparse.Namespace) -> FaultProfile:
    half_drop = (arguments.drop_rate or 0.0) / 2
    return FaultProfile(
        seed=arguments.fault_seed,
        latency_jitter=arguments.latency_jitter,
        error_rate=arguments.error_rate,
        error_statuses=arguments.error_statuses,
        retry_after_rate=arguments.retry_after_rate,
        retry_after=arguments.retry_after,
        drop_before_rate=(
            half_drop if arguments.drop_before_rate is None else arguments.drop_before_rate
        ),
        drop_after_rate=half_drop
        if arguments.drop_after_rate is None
        else arguments.drop_after_rate,
        truncated_rate=arguments.truncated_rate,
        malformed_rate=arguments.malformed_rate,
        slow_body_rate=arguments.slow_body_rate,
        slow_body_seconds=arguments.slow_body_seconds,
        rate_limit=arguments.rate_limit,
        rate_limit_window=arguments.rate_limit_window,
    )


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
        max_codes_per_request=arguments.max_codes_per_request,
        host=arguments.host,
        port=arguments.port,
        fault_profile=arguments.fault_profile,
    ) as emulator:
        print(f"Telnyx Wireless emulator listening on {emulator.url}", flush=True)
        print(f"Statistics at {emulator.stats_url}", flush=True)
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
