"""An in-process emulator of the Telnyx Wireless SIM-card API, for testing without the real one.

It serves ``GET /v2/sim_cards`` and ``POST /v2/actions/register/sim_cards`` over real HTTP from a
deterministic synthetic inventory. Tests can script faults one by one (`Fault`), inject them at
random but reproducibly from a seed (`FaultProfile`, which also sets a request rate limit),
add latency, inspect every request it received, and count what it served and registered
(`EmulatorStats`, also served at ``GET /_emulator/stats``). It is independent of the client in
this package, so it can check it.

Three ways to run it:

- in-process: ``async with Emulator() as emulator:``, then
  ``async with emulator.session() as telnyx:`` for a client pointed at it;
- as a pytest plugin enabled by name, giving the fixtures ``telnyx_emulator`` and
  ``telnyx_session``: ``pytest_plugins = ["telnyx_wireless_async.testing.pytest_plugin"]``;
- as a process: ``python -m telnyx_wireless_async.testing --port 8080``.

For unit tests of your own client logic with no socket at all, `MockTransport` answers the
session's requests from a function of yours: ``AsyncSession(transport=MockTransport(handler))``.
"""

from telnyx_wireless_async._transport import Request, Response

from ._app import BASE_PATH, STATS_PATH, create_app
from ._faults import MALFORMED_BODIES, FaultProfile, Outcome
from ._inventory import (
    CARD_STATUSES,
    DEFAULT_TAG_POOL,
    FILTER_STATUSES,
    REGISTRATION_STATUSES,
    UNAUTHORIZED_IMEI_INTERVAL,
    CardQuery,
    Inventory,
    is_valid_registration_code,
    registration_code,
)
from ._mock import Handler, MockTransport, json_response
from ._ratelimit import RateLimiter, RateLimitStatus
from ._server import Emulator
from ._state import EmulatorState, Fault, RecordedRequest
from ._stats import UNMATCHED_ROUTE, EmulatorStats

__all__ = [
    "BASE_PATH",
    "CARD_STATUSES",
    "DEFAULT_TAG_POOL",
    "FILTER_STATUSES",
    "MALFORMED_BODIES",
    "REGISTRATION_STATUSES",
    "STATS_PATH",
    "UNAUTHORIZED_IMEI_INTERVAL",
    "UNMATCHED_ROUTE",
    "CardQuery",
    "Emulator",
    "EmulatorState",
    "EmulatorStats",
    "Fault",
    "FaultProfile",
    "Handler",
    "Inventory",
    "MockTransport",
    "Outcome",
    "RateLimitStatus",
    "RateLimiter",
    "RecordedRequest",
    "Request",
    "Response",
    "create_app",
    "is_valid_registration_code",
    "json_response",
    "registration_code",
]
