"""An in-process emulator of the Telnyx Wireless SIM-card API, for testing without the real one.

It serves the SIM card API over real HTTP from a deterministic synthetic inventory: listing,
registering and validating codes, one card's get, update and delete, enable, disable and
set_standby with SIM card actions that finish on the state's clock, SIM card groups and group
actions (the choices it makes where the spec is silent are in ``_routes/``'s docstrings).
Tests can script faults one by one (`Fault`, before or after the request is processed),
inject them at random but reproducibly from a seed (`FaultProfile`, which also sets a request
rate limit), add latency, inspect every request it received, and count what it served and
registered (`EmulatorStats`, also served at ``GET /_emulator/stats``). It is independent of
the client in this package, so it can check it.

Three ways to run it:

- in-process: ``async with Emulator() as emulator:``, then
  ``async with emulator.session() as telnyx:`` for a client pointed at it;
- as a pytest plugin enabled by name, giving the fixtures ``telnyx_emulator`` and
  ``telnyx_session``: ``pytest_plugins = ["telnyx_wireless_async.testing.pytest_plugin"]``;
- as a process: ``python -m telnyx_wireless_async.testing --port 8080``.

For unit tests of your own client logic with no socket at all, `MockTransport` answers the
session's requests from a function of yours: ``AsyncSession(transport=MockTransport(handler))``.
"""

# Imported under private names: every public name here is in __all__.
import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from telnyx_wireless_async._transport import Request, Response

    from ._app import BASE_PATH, create_app
    from ._faults import FaultProfile, Outcome
    from ._inventory import registration_code
    from ._mock import Handler, MockTransport, json_response
    from ._server import Emulator
    from ._state import EmulatorState, Fault, RecordedRequest
    from ._stats import EmulatorStats

# What a test of code using the SDK needs: run the emulator (`Emulator`, or `create_app` with
# `BASE_PATH` under a server of your own), script it (`Fault`, `FaultProfile`), inspect it
# (`EmulatorState`, `RecordedRequest`, `EmulatorStats`, `Outcome`), make valid codes, or skip
# the socket (`MockTransport` and its types). The rest (the inventory, the rate limiter, the
# fault draw, the emulator's constants) is how the emulator works, importable from its private
# modules for our own tests, and free to change.
__all__ = [
    "BASE_PATH",
    "Emulator",
    "EmulatorState",
    "EmulatorStats",
    "Fault",
    "FaultProfile",
    "Handler",
    "MockTransport",
    "Outcome",
    "RecordedRequest",
    "Request",
    "Response",
    "create_app",
    "json_response",
    "registration_code",
]

# Each name is imported on first use: the emulator brings aiohttp.web, and the command line of
# the SDK, which builds its parser from `._command`, must not pay for it on every run.
_HOMES = {
    "BASE_PATH": "._app",
    "Emulator": "._server",
    "EmulatorState": "._state",
    "EmulatorStats": "._stats",
    "Fault": "._state",
    "FaultProfile": "._faults",
    "Handler": "._mock",
    "MockTransport": "._mock",
    "Outcome": "._faults",
    "RecordedRequest": "._state",
    "Request": "telnyx_wireless_async._transport",
    "Response": "telnyx_wireless_async._transport",
    "create_app": "._app",
    "json_response": "._mock",
    "registration_code": "._inventory",
}

if not _typing.TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        try:
            home = _HOMES[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        value = getattr(_importlib.import_module(home, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
