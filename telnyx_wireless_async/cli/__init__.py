"""The ``telnyx-wireless`` command line (also ``python -m telnyx_wireless_async``).

Commands: ``sims`` streams the inventory, ``register`` registers the cards behind a file of
codes resumably, ``enable``, ``disable`` and ``standby`` act on many cards resumably, ``sim``
shows one card, ``actions`` streams SIM card actions, ``validate`` checks a file of codes,
``groups`` manages SIM card groups, ``emulator`` serves the bundled emulator, ``demo`` shows
it all working.
See ``telnyx-wireless --help`` for the options and exit statuses.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from telnyx_wireless_async import RetryPolicy
from telnyx_wireless_async.cli._errors import ExitCode, UsageError, describe_api_error, one_line
from telnyx_wireless_async.cli._parser import BULK_ACTIONS, PROG, build_parser
from telnyx_wireless_async.cli._terminal import printable
from telnyx_wireless_async.errors import TelnyxError

__all__ = ["ExitCode", "main"]


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    # Imported on demand, so `--help` and `emulator` do not load what they do not use.
    if name == "sims":
        from telnyx_wireless_async.cli._sims import run
    elif name == "register":
        from telnyx_wireless_async.cli._register import run
    elif name == "sim":
        from telnyx_wireless_async.cli._sim import run
    elif name == "actions":
        from telnyx_wireless_async.cli._actions import run
    elif name == "validate":
        from telnyx_wireless_async.cli._validate import run
    elif name == "groups":
        from telnyx_wireless_async.cli._groups import run
    elif name in BULK_ACTIONS:
        from telnyx_wireless_async.cli._bulk_actions import run
    elif name == "emulator":
        from telnyx_wireless_async.cli._emulator import run
    else:
        from telnyx_wireless_async.cli._demo import run
    return run


class _LogFormatter(logging.Formatter):
    """``telnyx-wireless: warning: ...``, like the error lines."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{PROG}: {record.levelname.lower()}: {one_line(record.getMessage())}"


def _configure_logging(debug: bool) -> None:
    # Every module of the SDK logs under its own name; the package's logger is their parent,
    # so its one handler shows them all, the emulator's too.
    logger = logging.getLogger(__name__.partition(".")[0])
    if not any(isinstance(h.formatter, _LogFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_LogFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)


def _fail(message: str, status: ExitCode) -> int:
    sys.stderr.write(f"{PROG}: error: {one_line(message)}\n")
    return status


def _traceback(debug: bool) -> None:
    """With ``--debug``, write the traceback of the error being handled, escaped."""
    if debug:
        # Its messages quote the server, so they are escaped like every other error line.
        for line in traceback.format_exc().splitlines():
            sys.stderr.write(printable(line) + "\n")


def _silence_stdout() -> None:
    """After the reader of stdout went away, make the interpreter's final flush harmless."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None, *, retry: RetryPolicy | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments after the program name; None reads ``sys.argv``.
        retry: The retry policy of the commands' session; None for the SDK's default. A
            testing seam: a test that runs `main` in its process passes one that does not
            sleep (``RetryPolicy(wait=False)``).

    Returns:
        The exit status (see `ExitCode`): 0 success, 1 unexpected error, 2 usage error,
        3 API error, 4 partial failure, 130 interrupted.
    """
    args = build_parser().parse_args(argv)
    args.retry = retry
    _configure_logging(args.debug)
    # Everything imported so far lives as long as the process: keep the collector's full
    # passes from scanning it, or each one stalls the stream for tens of milliseconds.
    gc.freeze()
    base_url = args.base_url or os.environ.get("TELNYX_BASE_URL") or "the API"
    try:
        status = _command(args.command)(args)
        sys.stdout.flush()
    except UsageError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except TelnyxError as exc:
        _traceback(args.debug)
        return _fail(describe_api_error(exc, base_url), ExitCode.API)
    except BrokenPipeError:
        # `telnyx-wireless sims | head`: the reader has all it wanted.
        _silence_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except Exception as exc:
        _traceback(args.debug)
        hint = "" if args.debug else " (run with --debug for the traceback)"
        return _fail(f"unexpected {type(exc).__name__}: {exc}{hint}", ExitCode.INTERNAL)
    return status
