"""The aiohttp application that answers like the Telnyx Wireless SIM-card API.

The routes live in `_routes`, one module per resource; this module puts them together
behind the emulation middleware (auth, faults, latency, the rate limit, recording).
"""

from __future__ import annotations

from aiohttp import web

from ._middleware import CONTROL_PREFIX, emulation_middleware
from ._request import STATE_KEY
from ._routes import ROUTE_MODULES
from ._state import EmulatorState

__all__ = ["BASE_PATH", "STATE_KEY", "STATS_PATH", "create_app"]

BASE_PATH = "/v2"
"""Path prefix of every route, as in ``https://api.telnyx.com/v2``."""

STATS_PATH = CONTROL_PREFIX + "stats"
"""Test-only endpoint serving `EmulatorStats.as_json` (no auth, no faults, not counted)."""


def create_app(state: EmulatorState) -> web.Application:
    """Build the emulator's aiohttp application around ``state``.

    Besides the API under `BASE_PATH`, it serves ``GET /_emulator/stats``: the state's
    `EmulatorStats` as JSON, for a test driving an emulator that runs as a separate process.
    That endpoint needs no API key and is never delayed, faulted, rate-limited, recorded or
    counted.

    Args:
        state: The account to serve; tests keep a reference to inspect and script it.

    Returns:
        An application ready for ``AppRunner`` or ``aiohttp.test_utils.TestServer``.
    """
    app = web.Application(middlewares=[emulation_middleware(state)])
    app[STATE_KEY] = state
    for routes in ROUTE_MODULES:
        routes.add_routes(app.router, BASE_PATH)
    app.router.add_get(STATS_PATH, _stats, allow_head=False)
    return app


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].stats.as_json())
