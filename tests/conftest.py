"""Shared fixtures: the emulator on 127.0.0.1 with a free port, and a session pointed at it."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async import AsyncSession, RetryEvent, RetryPolicy
from telnyx_wireless_async.testing import EmulatorState, create_app

API_KEY = "KEY-test-0123456789abcdef"


async def raw_json(payload: Any) -> Any:
    """A `parse` for `AsyncSession.request` that keeps the decoded JSON as it is."""
    return payload


def no_other_tasks() -> bool:
    """True when no task of the SDK's is left; the emulator's own handlers do not count."""
    leftover = []
    for task in asyncio.all_tasks() - {asyncio.current_task()}:
        code = getattr(task.get_coro(), "cr_code", None)
        filename = code.co_filename if code is not None else ""
        if "telnyx_wireless_async" in filename and "testing" not in filename:
            leftover.append(task)
    return not leftover


def already_registered(index: int) -> dict[str, object]:
    """The API's error for a code registered already, pointing at place `index` of a request."""
    return {
        "code": "10015",
        "title": "Invalid registration code",
        "detail": "The registration code is already registered.",
        "source": {"pointer": f"/registration_codes/{index}"},
    }


class FakeClock:
    """A monotonic clock for the emulator's rate-limit window: it moves only when told.

    Given a `tick`, it also moves that far each time it is read, which the emulator does once
    per request it counts against the limit: time is then measured in requests, not seconds,
    and a window of four ticks holds four requests however fast or slow the machine is.
    """

    def __init__(self, *, tick: float = 0.0) -> None:
        self.now = 1000.0
        self.tick = tick

    def __call__(self) -> float:
        now = self.now
        self.now += self.tick
        return now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """A `FakeClock` for an `EmulatorState` or `Emulator` under test."""
    return FakeClock()


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that is not to a loopback address: no test reaches the internet."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if not ipaddress.ip_address(host).is_loopback:
                raise ConnectionRefusedError(f"tests may only reach loopback, not {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def state() -> EmulatorState:
    """A fresh emulator state: 1,000 synthetic cards, seed 0."""
    return EmulatorState(api_key=API_KEY, inventory_size=1000, seed=0)


@pytest.fixture
async def server(state: EmulatorState) -> AsyncIterator[TestServer]:
    """The emulator app served by aiohttp's test server on 127.0.0.1."""
    test_server = TestServer(create_app(state), host="127.0.0.1")
    async with test_server:
        yield test_server


@pytest.fixture
def base_url(server: TestServer) -> str:
    """The emulator's API root, like https://api.telnyx.com/v2."""
    return str(server.make_url("/v2"))


@pytest.fixture
def retry_events() -> list[RetryEvent]:
    """Every retry the `session` fixture decides on, in order."""
    return []


@pytest.fixture
def retry_policy(retry_events: list[RetryEvent]) -> RetryPolicy:
    """Retries as in production, but without waiting: the suite never sleeps for real."""
    return RetryPolicy(wait=False, on_retry=retry_events.append)


@pytest.fixture
async def session(base_url: str, retry_policy: RetryPolicy) -> AsyncIterator[AsyncSession]:
    """An open session to the emulator."""
    async with AsyncSession(API_KEY, base_url=base_url, retry=retry_policy, timeout=5) as s:
        yield s


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No TELNYX_* variables from the developer's shell leak into a test."""
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    monkeypatch.delenv("TELNYX_BASE_URL", raising=False)
    return monkeypatch
