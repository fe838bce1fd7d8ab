"""A pytest plugin with an emulator and a session to it, for testing code that uses this SDK.

It is not loaded automatically; enable it by name in your ``conftest.py``::

    pytest_plugins = ["telnyx_wireless_async.testing.pytest_plugin"]

or on the command line with ``-p telnyx_wireless_async.testing.pytest_plugin``. It needs
pytest-asyncio, and works in its strict and auto modes alike.

Fixtures, all function-scoped:

- ``telnyx_emulator``: a started `Emulator` on 127.0.0.1 with a free port;
- ``telnyx_session``: an open `AsyncSession` to it, retrying without waiting;
- ``telnyx_emulator_options``: the keyword arguments ``telnyx_emulator`` passes to `Emulator`,
  ``{}`` unless you override this fixture, e.g. to set ``inventory_size`` or ``fault_profile``.

Example::

    async def test_counts_enabled_cards(telnyx_session, telnyx_emulator):
        telnyx_emulator.state.fault_profile = FaultProfile(seed=1, error_rate=0.2)
        page = await telnyx_session.sim_cards.list(status=["enabled"])
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from ._server import Emulator

if TYPE_CHECKING:
    from telnyx_wireless_async import AsyncSession

__all__ = ["telnyx_emulator", "telnyx_emulator_options", "telnyx_session"]


@pytest.fixture
def telnyx_emulator_options() -> dict[str, Any]:
    """Return keyword arguments for the `Emulator` of ``telnyx_emulator``; override to change."""
    return {}


@pytest_asyncio.fixture
async def telnyx_emulator(telnyx_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
    """Yield a running emulator on 127.0.0.1 with a free port, stopped after the test."""
    options = {"host": "127.0.0.1", "port": 0, **telnyx_emulator_options}
    async with Emulator(**options) as emulator:
        yield emulator


@pytest_asyncio.fixture
async def telnyx_session(telnyx_emulator: Emulator) -> AsyncIterator[AsyncSession]:
    """Yield an open session to ``telnyx_emulator`` whose retries never wait; close it after."""
    from telnyx_wireless_async import RetryPolicy

    async with telnyx_emulator.session(retry=RetryPolicy(wait=False)) as session:
        yield session
