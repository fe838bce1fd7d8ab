"""Command line: serve the emulator until interrupted.

Usage: ``python -m telnyx_wireless_async.testing --port 8080 [--host 127.0.0.1] [--size N]
[--seed S] [--api-key K] [--latency SECONDS]`` plus the fault-profile options, e.g.
``--fault-seed 7 --error-rate 0.05 --drop-rate 0.02 --rate-limit 100``; see ``--help``.

It prints the API URL, the URL of the stats endpoint and where the API key it accepts came from
(never a key's value), then serves until interrupted. ``telnyx-wireless emulator`` runs `main`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn

from ._faults import FaultProfile
from ._inventory import MAX_INVENTORY_SIZE
from ._server import Emulator

PROG = "python -m telnyx_wireless_async.testing"

DEFAULT_API_KEY = "test-api-key"
"""The key the emulator accepts when neither ``--api-key`` nor ``$TELNYX_API_KEY`` gives one."""


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` that reports a mistake in one line of stderr, then exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """Return an argparse type for a whole number from `low` to `high` (None: no upper bound)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


def _seconds(*, allow_zero: bool) -> Callable[[str], float]:
    """Return an argparse type for a finite number of seconds, more than zero or not."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number of seconds, got {text!r}")
        if value < 0 or (value == 0 and not allow_zero):
            kind = "zero or more" if allow_zero else "more than zero"
            raise argparse.ArgumentTypeError(f"must be {kind} seconds, got {text!r}")
        return value

    return parse


def _fraction(text: str) -> float:
    """Parse a fraction from 0 to 1, as every rate is."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction, got {text!r}") from None
    # Written so that nan fails too.
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


def _statuses(text: str) -> tuple[int, ...]:
    """Parse comma-separated HTTP error statuses."""
    try:
        statuses = tuple(int(item) for item in text.split(",") if item.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated statuses, got {text!r}"
        ) from None
    if not statuses or not all(400 <= status <= 599 for status in statuses):
        raise argparse.ArgumentTypeError(f"expected statuses from 400 to 599, got {text!r}")
    return statuses


def _parse_arguments(argv: Sequence[str] | None, prog: str = PROG) -> argparse.Namespace:
    parser = _Parser(
        prog=prog,
        description="Serve an emulator of the Telnyx Wireless SIM-card API until interrupted.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_whole_number(0, 65535),
        default=8080,
        help="port to bind, 0 for any free one (default: %(default)s)",
    )
    parser.add_argument(
        "--size",
        type=_whole_number(0, MAX_INVENTORY_SIZE),
        default=1000,
        help=f"number of synthetic SIM cards, at most {MAX_INVENTORY_SIZE:,} "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic inventory (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key",
        help=f"the API key clients must send (default: $TELNYX_API_KEY, else {DEFAULT_API_KEY})",
    )
    parser.add_argument(
        "--latency",
        type=_seconds(allow_zero=True),
        default=0.0,
        help="seconds added to every request (default: %(default)s)",
    )
    parser.add_argument(
        "--max-codes-per-request",
        type=_whole_number(1),
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
        type=_seconds(allow_zero=True),
        default=0.0,
        help="up to this many more seconds per request, drawn at random (default: 0)",
    )
    faults.add_argument(
        "--error-rate",
        type=_fraction,
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
        type=_fraction,
        default=0.0,
        help="fraction of those errors that carry Retry-After (default: 0)",
    )
    faults.add_argument(
        "--retry-after",
        type=_whole_number(0),
        default=1,
        help="the Retry-After they carry, in seconds (default: 1)",
    )
    faults.add_argument(
        "--drop-rate",
        type=_fraction,
        default=None,
        help="fraction of requests whose connection is dropped, half before and half after "
        "processing; --drop-before-rate and --drop-after-rate override it",
    )
    faults.add_argument(
        "--drop-before-rate",
        type=_fraction,
        default=None,
        help="fraction of requests dropped before processing (default: 0)",
    )
    faults.add_argument(
        "--drop-after-rate",
        type=_fraction,
        default=None,
        help="fraction of requests dropped after processing, unanswered (default: 0)",
    )
    faults.add_argument(
        "--truncated-rate",
        type=_fraction,
        default=0.0,
        help="fraction of 2xx answers whose JSON body is cut partway (default: 0)",
    )
    faults.add_argument(
        "--malformed-rate",
        type=_fraction,
        default=0.0,
        help="fraction of 2xx answers whose body is not the documented JSON (default: 0)",
    )
    faults.add_argument(
        "--slow-body-rate",
        type=_fraction,
        default=0.0,
        help="fraction of answers whose body trickles in slowly (default: 0)",
    )
    faults.add_argument(
        "--slow-body-seconds",
        type=_seconds(allow_zero=True),
        default=5.0,
        help="how long a slow body takes to arrive (default: 5)",
    )
    faults.add_argument(
        "--rate-limit",
        type=_whole_number(1),
        default=None,
        help="most requests per window; over it, 429 (default: no limit)",
    )
    faults.add_argument(
        "--rate-limit-window",
        type=_seconds(allow_zero=False),
        default=1.0,
        help="length of the fixed rate-limit window in seconds (default: 1)",
    )
    arguments = parser.parse_args(argv)
    try:
        arguments.fault_profile = _fault_profile(arguments)
    except ValueError as exc:
        parser.error(str(exc))
    return arguments


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


def _accepted_api_key(given: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    """Pick the key the emulator accepts, the same way for both of its command lines.

    The rule: ``--api-key``, else ``$TELNYX_API_KEY``, else `DEFAULT_API_KEY`; a blank one
    counts as not given, since no client could send it.

    Args:
        given: The value of ``--api-key``, or None.
        environ: The environment, for ``TELNYX_API_KEY``.

    Returns:
        The key, and where it came from in words that never show a key other than the default.
    """
    if given is not None and given.strip():
        return given, "the key given by --api-key"
    from_environment = environ.get("TELNYX_API_KEY", "")
    if from_environment.strip():
        return from_environment, "the key in $TELNYX_API_KEY"
    return (
        DEFAULT_API_KEY,
        f"{DEFAULT_API_KEY} (the default; --api-key or $TELNYX_API_KEY sets one)",
    )


async def _serve(arguments: argparse.Namespace, prog: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        # Signal handlers are unavailable on Windows; Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal_number, stop.set)
    api_key, api_key_source = _accepted_api_key(arguments.api_key, os.environ)
    emulator = Emulator(
        api_key=api_key,
        inventory_size=arguments.size,
        seed=arguments.seed,
        latency=arguments.latency,
        max_codes_per_request=arguments.max_codes_per_request,
        host=arguments.host,
        port=arguments.port,
        fault_profile=arguments.fault_profile,
    )
    try:
        await emulator.start()
    except OSError as exc:
        # A port in use, a port that needs privileges, a host that is no interface here: a
        # mistake in the command line, not in the emulator.
        where = _address(arguments.host, arguments.port)
        print(f"{prog}: error: cannot listen on {where}: {_reason(exc)}", file=sys.stderr)
        return 2
    try:
        print(f"Telnyx Wireless emulator listening on {emulator.url}", flush=True)
        print(f"Statistics at {emulator.stats_url}", flush=True)
        print(f"API key: {api_key_source}", flush=True)
        await stop.wait()
    finally:
        await emulator.close()
    return 0


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _reason(exc: OSError) -> str:
    """Say why binding failed, without the address asyncio repeats in its message."""
    if isinstance(exc, socket.gaierror) or not exc.errno:
        return exc.strerror or str(exc)
    return os.strerror(exc.errno)


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
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_serve(arguments, prog))
    return 0


if __name__ == "__main__":
    sys.exit(main())
