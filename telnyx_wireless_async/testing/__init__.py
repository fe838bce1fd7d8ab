"""An in-process emulator of the Telnyx Wireless SIM-card API, for testing without the real one.

It serves ``GET /v2/sim_cards`` and ``POST /v2/actions/register/sim_cards`` over real HTTP from a
deterministic synthetic inventory, and lets tests script faults, add latency and inspect every
request it received. It is independent of the client in this package, so it can check it.
"""

from ._app import BASE_PATH, create_app
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
from ._server import Emulator
from ._state import EmulatorState, Fault, RecordedRequest

__all__ = [
    "BASE_PATH",
    "CARD_STATUSES",
    "DEFAULT_TAG_POOL",
    "FILTER_STATUSES",
    "REGISTRATION_STATUSES",
    "UNAUTHORIZED_IMEI_INTERVAL",
    "CardQuery",
    "Emulator",
    "EmulatorState",
    "Fault",
    "Inventory",
    "RecordedRequest",
    "create_app",
    "is_valid_registration_code",
    "registration_code",
]
