"""Run the emulator on a real local TCP port."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from ._app import BASE_PATH, STATS_PATH, create_app
from ._faults import FaultProfile
from ._inventory import DEFAULT_TAG_POOL
from ._state import EmulatorState

if TYPE_CHECKING:
    from telnyx_wireless_async import AsyncSession

__all__ = ["Emulator"]


class Emulator:
    """The emulated API served over HTTP on a local port, as an async context manager.

    Example::

        async with Emulator(inventory_size=500) as emulator:
            async with emulator.session() as telnyx:
                page = await telnyx.sim_cards.list(page_size=250)
    """

    def __init__(
        self,
        *,
        api_key: str = "test-api-key",
        inventory_size: int = 1000,
        seed: int = 0,
        latency: float = 0.0,
        max_codes_per_request: int = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
        tag_pool: Sequence[str] = DEFAULT_TAG_POOL,
        fault_profile: FaultProfile | None = None,
        clock: Callable[[], float] = time.monotonic,
        action_duration: float = 2.0,
        action_failure_rate: float = 0.0,
    ) -> None:
        """Prepare an emulator; nothing listens until it is entered.

        Args:
            api_key: The only key the emulator accepts.
            inventory_size: Number of synthetic cards.
            seed: Seed the synthetic cards derive from.
            latency: Seconds every request waits before it is handled.
            max_codes_per_request: Most registration codes one request may carry.
            host: Interface to bind; loopback unless you mean to expose it.
            port: Port to bind; 0 picks a free one.
            tag_pool: Tags synthetic cards draw from.
            fault_profile: Random faults and rate limit; None injects nothing. It can be
                changed later through ``emulator.state.fault_profile``.
            clock: Monotonic seconds driving the rate-limit window and the SIM card actions;
                tests pass a fake.
            action_duration: Seconds an enable, disable or set_standby action takes.
            action_failure_rate: Fraction of those actions that fail, drawn from ``seed``.
        """
        self._state = EmulatorState(
            api_key=api_key,
            inventory_size=inventory_size,
            seed=seed,
            tag_pool=tag_pool,
            latency=latency,
            max_codes_per_request=max_codes_per_request,
            fault_profile=fault_profile,
            clock=clock,
            action_duration=action_duration,
            action_failure_rate=action_failure_rate,
        )
        self._host = host
        self._requested_port = port
        self._port = port
        self._runner: web.AppRunner | None = None

    def __repr__(self) -> str:
        where = self.url if self._runner is not None else "not started"
        return f"Emulator(url={where!r}, api_key='***', inventory={self._state.inventory!r})"

    @property
    def state(self) -> EmulatorState:
        """The emulated account, for tests to inspect and script."""
        return self._state

    @property
    def api_key(self) -> str:
        """The key clients must send as ``Authorization: Bearer <api_key>``."""
        return self._state.api_key

    @property
    def port(self) -> int:
        """The bound port; the real one once started, even if 0 was asked for."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL of the API, e.g. ``http://127.0.0.1:54321/v2``.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        return self._origin() + BASE_PATH

    @property
    def stats_url(self) -> str:
        """URL of the test-only stats endpoint, e.g. ``http://127.0.0.1:54321/_emulator/stats``.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        return self._origin() + STATS_PATH

    def _origin(self) -> str:
        if self._runner is None:
            raise RuntimeError("the emulator is not running; use 'async with Emulator()'")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def session(self, **kwargs: Any) -> AsyncSession:
        """Return an `AsyncSession` pointed at this emulator with its API key, not yet open.

        Use it as ``async with emulator.session() as telnyx:``; the ``async with`` opens and
        closes it.

        Args:
            **kwargs: Further `AsyncSession` options, e.g. ``timeout`` or ``retry``.

        Returns:
            The session.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        # Imported here so the emulator never depends on the client it is meant to check.
        from telnyx_wireless_async import AsyncSession

        return AsyncSession(api_key=self.api_key, base_url=self.url, **kwargs)

    async def start(self) -> None:
        """Bind the port and start serving.

        Raises:
            RuntimeError: If already started.
        """
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        # No access log: it would only be noise in test output.
        runner = web.AppRunner(create_app(self._state), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        # With port 0 the OS chose the port; the listening socket knows which.
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def close(self) -> None:
        """Stop serving and release the port; does nothing if not running."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
