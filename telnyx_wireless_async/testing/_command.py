"""The emulator's command line, shared by both that serve it.

``python -m telnyx_wireless_async.testing`` and ``telnyx-wireless emulator`` take the same
options from `add_emulator_arguments`, build the same `FaultProfile` from them, accept the same
API key (`accepted_api_key`) and serve the same way (`serve`): one place for the options, their
range checks, their help and the errors they give.

Only the standard library and the emulator's pure modules are imported here, so that the
command line of the SDK can build its parser without loading aiohttp.
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
from collections.abc import Callable, Mapping

from ._faults import FaultProfile
from ._inventory import MAX_INVENTORY_SIZE

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PORT",
    "accepted_api_key",
    "add_emulator_arguments",
    "fault_profile",
    "serve",
]

DEFAULT_API_KEY = "test-api-key"
"""The key the emulator accepts when neither ``--api-key`` nor ``$TELNYX_API_KEY`` gives one."""

DEFAULT_PORT = 8080
"""The port both command lines bind unless ``--port`` says otherwise."""

_NO_FAULTS = FaultProfile()


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
        # Written so that nan fails here too.
        if not value >= 0 or (value == 0 and not allow_zero):
            kind = "zero or more" if allow_zero else "more than zero"
            raise argparse.ArgumentTypeError(f"must be {kind} seconds, got {text!r}")
        if math.isinf(value):
            raise argparse.ArgumentTypeError(f"must be a finite number of seconds, got {text!r}")
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


def _number(value: float) -> str:
    return f"{value:g}"


def add_emulator_arguments(parser: argparse.ArgumentParser, *, api_key_option: bool = True) -> None:
    """Add the emulator's options to `parser`: where to listen, the account, and faults.

    `fault_profile` turns the parsed options into the `FaultProfile` to serve, and `serve`
    serves them.

    Args:
        parser: The parser of a command line that serves the emulator.
        api_key_option: Whether to add ``--api-key``; False when `parser` has one already
            (its value must land in ``api_key``, None when not given).
    """
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_whole_number(0, 65535),
        default=DEFAULT_PORT,
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
    if api_key_option:
        parser.add_argument(
            "--api-key",
            help="the API key clients must send "
            f"(default: $TELNYX_API_KEY, else {DEFAULT_API_KEY})",
        )
    parser.add_argument(
        "--latency",
        metavar="SECONDS",
        type=_seconds(allow_zero=True),
        default=0.0,
        help="seconds added to every request (default: %(default)s)",
    )
    parser.add_argument(
        "--max-codes-per-request",
        metavar="N",
        type=_whole_number(1),
        default=1000,
        help="most registration codes one request may carry (default: %(default)s)",
    )
    parser.add_argument(
        "--action-seconds",
        metavar="SECONDS",
        type=_seconds(allow_zero=True),
        default=2.0,
        help="how long an enable, disable or set_standby action takes (default: %(default)s)",
    )
    parser.add_argument(
        "--action-failure-rate",
        metavar="RATE",
        type=_fraction,
        default=0.0,
        help="fraction of SIM card actions that fail, drawn from --seed (default: %(default)s)",
    )
    faults = parser.add_argument_group(
        "fault injection",
        "Random faults, reproducible from --fault-seed, and a request rate limit. The fault "
        "rates are fractions of all requests and must add up to at most 1.",
    )
    faults.add_argument(
        "--fault-seed",
        metavar="SEED",
        type=int,
        default=_NO_FAULTS.seed,
        help="seed of the fault sequence (default: %(default)s)",
    )
    faults.add_argument(
        "--latency-jitter",
        metavar="SECONDS",
        type=_seconds(allow_zero=True),
        default=_NO_FAULTS.latency_jitter,
        help="up to this many more seconds per request, drawn at random "
        f"(default: {_number(_NO_FAULTS.latency_jitter)})",
    )
    faults.add_argument(
        "--error-rate",
        metavar="RATE",
        type=_fraction,
        default=_NO_FAULTS.error_rate,
        help="fraction of requests answered with an error status "
        f"(default: {_number(_NO_FAULTS.error_rate)})",
    )
    faults.add_argument(
        "--error-statuses",
        metavar="STATUSES",
        type=_statuses,
        default=_NO_FAULTS.error_statuses,
        help="comma-separated statuses those errors draw from "
        f"(default: {','.join(map(str, _NO_FAULTS.error_statuses))})",
    )
    faults.add_argument(
        "--retry-after-rate",
        metavar="RATE",
        type=_fraction,
        default=_NO_FAULTS.retry_after_rate,
        help="fraction of those errors that carry Retry-After "
        f"(default: {_number(_NO_FAULTS.retry_after_rate)})",
    )
    faults.add_argument(
        "--retry-after",
        metavar="SECONDS",
        type=_whole_number(0),
        default=_NO_FAULTS.retry_after,
        help="the Retry-After they carry, in whole seconds (default: %(default)s)",
    )
    faults.add_argument(
        "--drop-rate",
        metavar="RATE",
        type=_fraction,
        default=None,
        help="fraction of requests whose connection is dropped, half before and half after "
        "processing; --drop-before-rate and --drop-after-rate override it",
    )
    faults.add_argument(
        "--drop-before-rate",
        metavar="RATE",
        type=_fraction,
        default=None,
        help="fraction of requests dropped before processing "
        f"(default: {_number(_NO_FAULTS.drop_before_rate)})",
    )
    faults.add_argument(
        "--drop-after-rate",
        metavar="RATE",
        type=_fraction,
        default=None,
        help="fraction of requests dropped after processing, unanswered "
        f"(default: {_number(_NO_FAULTS.drop_after_rate)})",
    )
    faults.add_argument(
        "--truncated-rate",
        metavar="RATE",
        type=_fraction,
        default=_NO_FAULTS.truncated_rate,
        help="fraction of 2xx answers whose JSON body is cut partway "
        f"(default: {_number(_NO_FAULTS.truncated_rate)})",
    )
    faults.add_argument(
        "--malformed-rate",
        metavar="RATE",
        type=_fraction,
        default=_NO_FAULTS.malformed_rate,
        help="fraction of 2xx answers whose body is not the documented JSON "
        f"(default: {_number(_NO_FAULTS.malformed_rate)})",
    )
    faults.add_argument(
        "--slow-body-rate",
        metavar="RATE",
        type=_fraction,
        default=_NO_FAULTS.slow_body_rate,
        help="fraction of answers whose body trickles in slowly "
        f"(default: {_number(_NO_FAULTS.slow_body_rate)})",
    )
    faults.add_argument(
        "--slow-body-seconds",
        metavar="SECONDS",
        type=_seconds(allow_zero=True),
        default=_NO_FAULTS.slow_body_seconds,
        help="how long a slow body takes to arrive "
        f"(default: {_number(_NO_FAULTS.slow_body_seconds)})",
    )
    faults.add_argument(
        "--rate-limit",
        metavar="N",
        type=_whole_number(1),
        default=_NO_FAULTS.rate_limit,
        help="most requests per window; over it, 429 (default: no limit)",
    )
    faults.add_argument(
        "--rate-limit-window",
        metavar="SECONDS",
        type=_seconds(allow_zero=False),
        default=_NO_FAULTS.rate_limit_window,
        help="length of the fixed rate-limit window in seconds "
        f"(default: {_number(_NO_FAULTS.rate_limit_window)})",
    )


def fault_profile(arguments: argparse.Namespace) -> FaultProfile:
    """Return the `FaultProfile` the options of `add_emulator_arguments` ask for.

    Raises:
        ValueError: The options contradict each other, e.g. rates that add up to more than 1.
    """
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
        drop_after_rate=(
            half_drop if arguments.drop_after_rate is None else arguments.drop_after_rate
        ),
        truncated_rate=arguments.truncated_rate,
        malformed_rate=arguments.malformed_rate,
        slow_body_rate=arguments.slow_body_rate,
        slow_body_seconds=arguments.slow_body_seconds,
        rate_limit=arguments.rate_limit,
        rate_limit_window=arguments.rate_limit_window,
    )


def accepted_api_key(given: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
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


def serve(arguments: argparse.Namespace, profile: FaultProfile, *, prog: str) -> int:
    """Serve the emulator the options ask for until interrupted (Ctrl-C or SIGTERM).

    It prints the API URL, the stats URL and where the accepted key came from (never a key's
    value) once it listens.

    Args:
        arguments: The options of `add_emulator_arguments`, and ``api_key``.
        profile: The faults to inject, from `fault_profile`.
        prog: The program name that starts an error line.

    Returns:
        The exit status: 0 once interrupted, 2 when it cannot listen where it was told to.
    """
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_serve(arguments, profile, prog))
    return 0


async def _serve(arguments: argparse.Namespace, profile: FaultProfile, prog: str) -> int:
    # Imported here: it loads aiohttp.web, which building a parser never needs.
    from ._server import Emulator

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        # Signal handlers are unavailable on Windows; Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal_number, stop.set)
    api_key, api_key_source = accepted_api_key(arguments.api_key, os.environ)
    emulator = Emulator(
        api_key=api_key,
        inventory_size=arguments.size,
        seed=arguments.seed,
        latency=arguments.latency,
        max_codes_per_request=arguments.max_codes_per_request,
        action_duration=arguments.action_seconds,
        action_failure_rate=arguments.action_failure_rate,
        host=arguments.host,
        port=arguments.port,
        fault_profile=profile,
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
