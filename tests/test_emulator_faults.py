"""Seeded fault injection, the rate limit and the statistics, checked with a plain aiohttp client.

aiohttp silently retries an idempotent request (GET) once when the server drops the connection,
so the checks that need to see exactly one drop use POST. The connector opens a new connection
per request, so a dropped one never affects the next request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async.testing import (
    Emulator,
    EmulatorState,
    Fault,
    FaultProfile,
    Outcome,
    create_app,
    registration_code,
)
from telnyx_wireless_async.testing._app import STATS_PATH
from telnyx_wireless_async.testing._faults import MALFORMED_BODIES, draw_fault
from telnyx_wireless_async.testing._stats import UNMATCHED_ROUTE

from .conftest import FakeClock

KEY = "faults-test-key"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
LIST = "GET /v2/sim_cards"
REGISTER = "POST /v2/actions/register/sim_cards"
# Every fault kind at once, with room left for plain answers; slow bodies stay short.
MIXED = FaultProfile(
    seed=3,
    error_rate=0.15,
    retry_after_rate=0.5,
    drop_before_rate=0.1,
    drop_after_rate=0.1,
    truncated_rate=0.1,
    malformed_rate=0.1,
    slow_body_rate=0.05,
    slow_body_seconds=0.01,
)

Json = dict[str, Any]


class Observed:
    """What the client saw for one request: drop, status, headers, raw body."""

    def __init__(
        self, status: int | None, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        self.status = status
        self.headers = headers or {}
        self.body = body

    @property
    def dropped(self) -> bool:
        return self.status is None

    def json(self) -> Any:
        return json.loads(self.body)

    def kind(self) -> str:
        """Classify the answer the way a client would, without asking the emulator."""
        if self.status is None:
            return "dropped"
        if self.status >= 400:
            return f"status {self.status}"
        try:
            payload = json.loads(self.body)
        except ValueError:
            return "not json"
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            return "wrong shape"
        if not all(isinstance(item, dict) for item in payload["data"]):
            return "wrong shape"
        return "ok"


class Client:
    def __init__(self, http: aiohttp.ClientSession, origin: str) -> None:
        self.http = http
        self.origin = origin
        self.base = origin + "/v2"
        self.auth = {"Authorization": f"Bearer {KEY}"}

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        payload: object = None,
        auth: bool = True,
        total_timeout: float | None = None,
    ) -> Observed:
        headers = self.auth if auth else {}
        client_timeout = aiohttp.ClientTimeout(total=total_timeout)
        try:
            async with self.http.request(
                method,
                self.base + path,
                params=params,
                json=payload,
                headers=headers,
                timeout=client_timeout,
            ) as response:
                return Observed(response.status, dict(response.headers), await response.read())
        except aiohttp.ServerDisconnectedError:
            return Observed(None)

    async def list(self, **params: str) -> Observed:
        return await self.send("GET", "/sim_cards", params=params)

    async def register(self, *codes: str) -> Observed:
        return await self.send(
            "POST", "/actions/register/sim_cards", payload={"registration_codes": list(codes)}
        )


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(api_key=KEY, inventory_size=40, seed=5, clock=clock)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as client:
        yield client


async def _serve(state: EmulatorState) -> TestServer:
    server = TestServer(create_app(state), host="127.0.0.1")
    await server.start_server()
    return server


@pytest.fixture
async def client(state: EmulatorState, http: aiohttp.ClientSession) -> AsyncIterator[Client]:
    server = await _serve(state)
    try:
        yield Client(http, str(server.make_url("")).rstrip("/"))
    finally:
        await server.close()


async def _run_mixed_session(
    http: aiohttp.ClientSession, profile: FaultProfile
) -> tuple[list[str], list[Outcome | None]]:
    """Send the same 60 requests to a fresh emulator.

    Returns what the client saw of each, and the outcome of each request the server got: a
    dropped GET shows up twice there, because aiohttp retries it once by itself.
    """
    state = EmulatorState(api_key=KEY, inventory_size=40, seed=5, fault_profile=profile)
    server = await _serve(state)
    try:
        api = Client(http, str(server.make_url("")).rstrip("/"))
        seen = []
        for n in range(60):
            if n % 3 == 2:
                observed = await api.register(registration_code(n))
            else:
                observed = await api.list(**{"page[number]": str(n % 3 + 1)})
            seen.append(observed.kind())
        return seen, [request.outcome for request in state.requests]
    finally:
        await server.close()


# -- the profile ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"error_rate": -0.1}, "error_rate"),
        ({"drop_before_rate": 0.6, "drop_after_rate": 0.6}, "add up to 1.2"),
        ({"error_rate": 0.5, "truncated_rate": 0.3, "malformed_rate": 0.3}, "add up to 1.1"),
        ({"retry_after_rate": 2.0}, "retry_after_rate"),
        ({"latency": -1.0}, "latency"),
        ({"latency_jitter": float("inf")}, "latency_jitter"),
        ({"slow_body_seconds": -0.5}, "slow_body_seconds"),
        ({"error_statuses": ()}, "error_statuses"),
        ({"error_statuses": (200,)}, "error_statuses"),
        ({"retry_after": -1}, "retry_after"),
        ({"retry_after": 1.5}, "retry_after"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit": True}, "rate_limit"),
        ({"rate_limit_window": 0}, "rate_limit_window"),
    ],
)
def test_profile_refuses_impossible_settings(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultProfile(**options)


def test_profile_is_frozen_and_takes_a_list_of_statuses() -> None:
    profile = FaultProfile(error_statuses=[502, 504])  # type: ignore[arg-type]
    assert profile.error_statuses == (502, 504)
    with pytest.raises(AttributeError):
        profile.error_rate = 0.5  # type: ignore[misc]
    assert FaultProfile() == FaultProfile(seed=0)


def test_state_refuses_a_profile_of_another_type(state: EmulatorState) -> None:
    with pytest.raises(TypeError, match="FaultProfile"):
        state.fault_profile = {"error_rate": 0.5}  # type: ignore[assignment]


def test_draws_follow_the_rates_and_the_jitter_bounds() -> None:
    profile = FaultProfile(
        seed=9, latency=0.5, latency_jitter=0.25, error_rate=0.3, drop_after_rate=0.2
    )
    rng = random.Random(profile.seed)
    decisions = [draw_fault(rng, profile) for _ in range(4000)]
    kinds = Counter(decision.kind for decision in decisions)
    assert set(kinds) == {Outcome.ERROR_STATUS, Outcome.DROP_AFTER, None}
    assert 0.27 < kinds[Outcome.ERROR_STATUS] / 4000 < 0.33
    assert 0.17 < kinds[Outcome.DROP_AFTER] / 4000 < 0.23
    latencies = [decision.latency for decision in decisions]
    assert all(0.5 <= latency < 0.75 for latency in latencies)
    assert max(latencies) - min(latencies) > 0.2  # jitter spreads over the whole range
    assert {decision.status for decision in decisions} == {500, 502, 503}


def test_every_request_consumes_the_same_draws_whatever_the_rates() -> None:
    # Turning one kind off must not shift which requests get the others.
    with_drops = FaultProfile(seed=4, error_rate=0.2, drop_before_rate=0.3)
    without_drops = FaultProfile(seed=4, error_rate=0.2)
    rng_a, rng_b = random.Random(4), random.Random(4)
    a = [draw_fault(rng_a, with_drops) for _ in range(300)]
    b = [draw_fault(rng_b, without_drops) for _ in range(300)]
    assert [d.kind for d in a] != [d.kind for d in b]
    assert Outcome.DROP_BEFORE in {d.kind for d in a}
    # Which requests fail differs, but every other draw lines up request by request, and
    # both sequences end at the same point.
    assert [d.status for d in a] == [d.status for d in b]
    assert [d.position for d in a] == [d.position for d in b]
    assert rng_a.random() == rng_b.random()


# -- determinism end to end -----------------------------------------------------------------


async def test_same_seed_gives_the_same_faults_and_another_seed_does_not(
    http: aiohttp.ClientSession,
) -> None:
    seen, served = await _run_mixed_session(http, MIXED)
    assert (seen, served) == await _run_mixed_session(http, MIXED)
    other_seen, other_served = await _run_mixed_session(
        http, FaultProfile(**{**_fields(MIXED), "seed": 4})
    )
    assert seen != other_seen
    assert served != other_served
    # The session is varied enough to mean something: every kind occurs.
    assert set(served) == {
        Outcome.OK,
        Outcome.ERROR_STATUS,
        Outcome.DROP_BEFORE,
        Outcome.DROP_AFTER,
        Outcome.TRUNCATED,
        Outcome.MALFORMED,
        Outcome.SLOW_BODY,
    }
    assert set(seen) >= {"ok", "dropped", "not json", "wrong shape", "status 503"}


async def test_assigning_a_profile_restarts_its_sequence(
    client: Client, state: EmulatorState
) -> None:
    profile = FaultProfile(seed=8, error_rate=0.5, truncated_rate=0.2, error_statuses=(503,))
    state.fault_profile = profile
    first = [(await client.list()).kind() for _ in range(20)]
    state.fault_profile = profile
    second = [(await client.list()).kind() for _ in range(20)]
    assert first == second
    assert len(set(first)) == 3


def _fields(profile: FaultProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in profile.__dataclass_fields__}


# -- each fault kind ------------------------------------------------------------------------


async def test_latency_and_jitter_delay_each_request_by_its_draw(
    client: Client, state: EmulatorState
) -> None:
    profile = FaultProfile(seed=2, latency=0.02, latency_jitter=0.06)
    rng = random.Random(2)
    expected = [draw_fault(rng, profile).latency for _ in range(4)]
    assert max(expected) - min(expected) > 0.005
    state.fault_profile = profile
    for delay in expected:
        started = time.perf_counter()
        observed = await client.list()
        assert observed.status == 200
        assert time.perf_counter() - started >= delay


async def test_error_statuses_come_before_processing(client: Client, state: EmulatorState) -> None:
    state.fault_profile = FaultProfile(seed=1, error_rate=1.0, retry_after_rate=0.5, retry_after=7)
    statuses: Counter[int] = Counter()
    retry_afters: Counter[str | None] = Counter()
    for n in range(30):
        observed = await client.register(registration_code(n))
        assert observed.status in (500, 502, 503)
        statuses[observed.status] += 1
        retry_afters[observed.headers.get("Retry-After")] += 1
        [error] = observed.json()["errors"]
        assert set(error) == {"code", "title", "detail"}
        assert error["code"]
        assert error["title"]
    assert set(statuses) == {500, 502, 503}
    assert set(retry_afters) == {"7", None}
    assert state.registered_codes == []
    assert state.stats.registrations == Counter()
    assert state.stats.outcomes == Counter({"error_status": 30})


async def test_error_rate_is_a_fraction_of_requests(client: Client, state: EmulatorState) -> None:
    state.fault_profile = FaultProfile(seed=6, error_rate=0.25, error_statuses=(503,))
    kinds = Counter([(await client.list(**{"page[size]": "1"})).kind() for _ in range(200)])
    assert set(kinds) == {"ok", "status 503"}
    assert 30 <= kinds["status 503"] <= 70


async def test_drop_before_processing_registers_nothing(
    client: Client, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(drop_before_rate=1.0)
    code = registration_code(11)
    observed = await client.register(code)
    assert observed.dropped
    assert state.registered_codes == []
    assert state.inventory.total == 40
    assert state.stats.outcomes == Counter({"drop_before": 1})
    assert state.stats.statuses == Counter()

    state.fault_profile = FaultProfile()
    observed = await client.register(code)
    assert observed.status == 202
    assert len(observed.json()["data"]) == 1
    assert observed.json()["errors"] == []


async def test_drop_after_processing_registers_the_codes_and_answers_nothing(
    client: Client, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(drop_after_rate=1.0)
    codes = [registration_code(n) for n in (21, 22)]
    observed = await client.register(*codes)
    assert observed.dropped
    assert state.registered_codes == codes
    assert state.inventory.total == 42

    # The ambiguous case a client must handle: retrying finds the codes already registered.
    state.fault_profile = FaultProfile()
    observed = await client.register(*codes)
    assert observed.status == 202
    body = observed.json()
    assert body["data"] == []
    assert [error["code"] for error in body["errors"]] == ["10012", "10012"]
    assert state.stats.registrations == Counter(dict.fromkeys(codes, 1))
    assert state.stats.already_registered == Counter(dict.fromkeys(codes, 1))
    assert state.stats.duplicated_codes == frozenset()
    assert state.stats.routes[REGISTER] == Counter({"drop_after": 1, "ok": 1})


async def test_truncated_body_is_a_proper_prefix_of_the_real_one(
    client: Client, state: EmulatorState
) -> None:
    params = {"page[size]": "7", "page[number]": "2"}
    real = await client.list(**params)
    state.fault_profile = FaultProfile(seed=1, truncated_rate=1.0)
    cuts = set()
    for _ in range(5):
        observed = await client.list(**params)
        assert observed.status == 200
        assert observed.headers["Content-Type"].startswith("application/json")
        assert int(observed.headers["Content-Length"]) == len(observed.body)
        assert real.body.startswith(observed.body)
        assert 0.1 * len(real.body) <= len(observed.body) < 0.9 * len(real.body) + 1
        assert observed.kind() == "not json"
        cuts.add(len(observed.body))
    assert len(cuts) > 1  # cut at different places


async def test_truncated_registration_was_processed(client: Client, state: EmulatorState) -> None:
    state.fault_profile = FaultProfile(truncated_rate=1.0)
    observed = await client.register(registration_code(5))
    assert observed.status == 202
    assert observed.kind() == "not json"
    assert state.registered_codes == [registration_code(5)]


async def test_malformed_bodies_are_not_the_documented_json(
    client: Client, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(seed=5, malformed_rate=1.0)
    bodies = set()
    for _ in range(16):
        observed = await client.list()
        assert observed.status == 200
        assert observed.headers["Content-Type"].startswith("application/json")
        assert observed.kind() in ("not json", "wrong shape")
        bodies.add(observed.body)
    assert bodies == set(MALFORMED_BODIES)
    assert b'{"data": "oops"}' in bodies


async def test_body_faults_leave_error_answers_alone(client: Client, state: EmulatorState) -> None:
    state.fault_profile = FaultProfile(truncated_rate=0.5, malformed_rate=0.5)
    observed = await client.send("GET", "/sim_cards", auth=False)
    assert observed.status == 401
    assert observed.json()["errors"][0]["code"] == "10009"
    assert state.stats.outcomes == Counter({"client_error": 1})


async def test_slow_body_sends_headers_at_once_and_trips_a_total_timeout(
    client: Client, state: EmulatorState, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    real = await client.list()
    state.fault_profile = FaultProfile(slow_body_rate=1.0, slow_body_seconds=0.6)
    started = time.perf_counter()
    async with client.http.get(client.base + "/sim_cards", headers=client.auth) as response:
        headers_after = time.perf_counter() - started
        body = await response.read()
    body_after = time.perf_counter() - started
    assert response.status == 200
    assert body == real.body
    # The headers come first; the body trickles in over the 0.6 s after them.
    assert body_after - headers_after >= 0.4
    assert body_after >= 0.55

    with pytest.raises(asyncio.TimeoutError):
        await client.send("GET", "/sim_cards", total_timeout=0.2)
    assert state.stats.outcomes["slow_body"] == 2
    # The server notices the client left, stops trickling, and says nothing about it.
    for _ in range(100):
        if state.in_flight == 0:
            break
        await asyncio.sleep(0.02)
    assert state.in_flight == 0
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


# -- the rate limit -------------------------------------------------------------------------


def _limits(observed: Observed) -> tuple[str, str, str]:
    headers = {name.lower(): value for name, value in observed.headers.items()}
    return (
        headers["x-ratelimit-limit"],
        headers["x-ratelimit-remaining"],
        headers["x-ratelimit-reset"],
    )


async def test_rate_limit_answers_429_and_resets_with_the_window(
    client: Client, state: EmulatorState, clock: FakeClock
) -> None:
    state.fault_profile = FaultProfile(rate_limit=3, rate_limit_window=10)
    seen = [_limits(await client.list()) for _ in range(3)]
    assert seen == [("3", "2", "10"), ("3", "1", "10"), ("3", "0", "10")]

    clock.advance(4.5)
    limited = await client.list()
    assert limited.status == 429
    assert limited.headers["Content-Type"].startswith("application/json")
    assert _limits(limited) == ("3", "0", "6")  # 5.5 s left, rounded up
    body = limited.json()
    assert list(body) == ["errors"]
    [error] = body["errors"]
    assert list(error) == ["code", "title", "detail"]
    assert error["code"] == "10011"
    assert error["title"] == "Too many requests"
    assert isinstance(error["detail"], str)
    assert error["detail"]
    assert "Retry-After" not in limited.headers  # Telnyx documents none

    clock.advance(5.4)
    assert (await client.list()).status == 429
    clock.advance(0.1)  # the window ends exactly now
    fresh = await client.list()
    assert fresh.status == 200
    assert _limits(fresh) == ("3", "2", "10")
    assert state.stats.outcomes == Counter({"ok": 4, "rate_limited": 2})


async def test_reset_is_whole_seconds_and_at_least_one(
    client: Client, state: EmulatorState, clock: FakeClock
) -> None:
    state.fault_profile = FaultProfile(rate_limit=1, rate_limit_window=0.25)
    assert _limits(await client.list()) == ("1", "0", "1")
    clock.advance(0.2)
    assert _limits(await client.list()) == ("1", "0", "1")
    clock.advance(0.05)
    assert (await client.list()).status == 200


async def test_every_answer_carries_the_rate_limit_headers(
    client: Client, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(rate_limit=100, truncated_rate=0.3, error_rate=0.3)
    answers = [
        await client.list(),
        await client.list(),
        await client.list(),
        await client.send("GET", "/sim_cards", auth=False),
        await client.send("GET", "/nowhere"),
        await client.list(**{"page[size]": "0"}),
        await client.register(registration_code(1)),
    ]
    assert {answer.kind() for answer in answers} >= {"ok", "not json", "status 401"}
    remaining = [int(_limits(answer)[1]) for answer in answers]
    assert remaining == list(range(99, 99 - len(answers), -1))
    state.add_fault(Fault(status=503))
    scripted = await client.list()
    assert scripted.status == 503
    assert _limits(scripted)[1] == str(99 - len(answers) + 1)  # scripted faults do not count


async def test_without_a_limit_there_are_no_rate_limit_headers(client: Client) -> None:
    observed = await client.list()
    assert not any(name.lower().startswith("x-ratelimit") for name in observed.headers)


async def test_what_counts_toward_the_limit(client: Client, state: EmulatorState) -> None:
    # Dropped before processing: never reached the server, so not counted.
    state.fault_profile = FaultProfile(rate_limit=2, rate_limit_window=60, drop_before_rate=1.0)
    for _ in range(3):
        assert (await client.register(registration_code(1))).dropped
    limiter = state.rate_limiter
    assert limiter is not None
    assert limiter.peek().remaining == 2

    # Injected errors reached it, so they count; the 429s it sends do not.
    state.fault_profile = FaultProfile(
        rate_limit=2, rate_limit_window=60, error_rate=1.0, error_statuses=(503,)
    )
    assert [(await client.list()).status for _ in range(4)] == [503, 503, 429, 429]
    limiter = state.rate_limiter
    assert limiter is not None
    assert limiter.peek().remaining == 0
    assert state.stats.outcomes == Counter({"drop_before": 3, "error_status": 2, "rate_limited": 2})


async def test_scripted_faults_still_come_first(client: Client, state: EmulatorState) -> None:
    state.fault_profile = FaultProfile(error_rate=1.0)
    state.add_fault(Fault(status=418, method="GET", times=2))
    assert [(await client.list()).status for _ in range(3)][:2] == [418, 418]
    assert state.stats.outcomes == Counter({"scripted": 2, "error_status": 1})
    assert [request.outcome for request in state.requests] == [
        "scripted",
        "scripted",
        "error_status",
    ]


# -- statistics -----------------------------------------------------------------------------


async def test_stats_count_outcomes_routes_statuses_and_codes(
    client: Client, state: EmulatorState
) -> None:
    good, other, bad = registration_code(1), registration_code(2), "0000000009"
    assert (await client.register(good, bad)).status == 202
    assert (await client.register(good, other, good)).status == 202
    assert (await client.list()).status == 200
    assert (await client.list(**{"page[size]": "0"})).status == 400
    assert (await client.send("GET", "/sim_cards", auth=False)).status == 401
    assert (await client.send("DELETE", "/sim_cards")).status == 404
    state.add_fault(Fault(method="POST", drop_connection=True))
    assert (await client.register(good)).dropped

    stats = state.stats
    assert stats.requests == 7
    assert stats.outcomes == Counter({"ok": 3, "client_error": 3, "scripted": 1})
    assert stats.routes == {
        REGISTER: Counter({"ok": 2, "scripted": 1}),
        LIST: Counter({"ok": 1, "client_error": 2}),
        UNMATCHED_ROUTE: Counter({"client_error": 1}),
    }
    assert stats.statuses == Counter({202: 2, 200: 1, 400: 1, 401: 1, 404: 1})
    assert stats.registrations == Counter({good: 1, other: 1})
    assert stats.registered_codes == {good, other} == set(state.registered_codes)
    assert stats.already_registered == Counter({good: 2})
    assert stats.invalid_codes == Counter({bad: 1})
    assert "requests=7" in repr(stats)

    stats.reset()
    assert stats.requests == 0
    assert stats.routes == {}
    assert stats.registrations == Counter()


async def test_stats_endpoint_serves_json_without_being_counted_or_faulted(
    client: Client, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(rate_limit=1, error_rate=1.0, latency=5.0)
    state.add_fault(Fault(status=500, times=3))
    code = registration_code(3)
    state.inventory.register(code)  # straight into the inventory: not a served request
    state.stats.registrations[code] += 1
    requests_before = len(state.requests)
    for _ in range(2):
        async with client.http.get(client.origin + STATS_PATH) as response:
            assert response.status == 200
            assert response.content_type == "application/json"
            assert not any(name.lower().startswith("x-ratelimit") for name in response.headers)
            served = await response.json()
    assert served == state.stats.as_json()
    assert served == {
        "requests": 0,
        "outcomes": {},
        "routes": {},
        "statuses": {},
        "registered_count": 1,
        "registrations": {code: 1},
        "already_registered": {},
        "invalid_codes": {},
    }
    assert len(state.requests) == requests_before
    assert state.pending_faults == 3


async def test_stats_json_after_traffic(client: Client, state: EmulatorState) -> None:
    await client.register(registration_code(1), registration_code(1))
    await client.list()
    async with client.http.get(client.origin + STATS_PATH) as response:
        served = await response.json()
    assert served["requests"] == 2
    assert served["outcomes"] == {"ok": 2}
    assert served["routes"] == {LIST: {"ok": 1}, REGISTER: {"ok": 1}}
    assert served["statuses"] == {"200": 1, "202": 1}
    assert served["registrations"] == {registration_code(1): 1}
    assert served["already_registered"] == {registration_code(1): 1}


# -- Emulator and the command line ----------------------------------------------------------


async def test_emulator_takes_a_profile_and_a_clock_and_hands_out_sessions(
    http: aiohttp.ClientSession,
) -> None:
    clock = FakeClock()
    profile = FaultProfile(rate_limit=2, rate_limit_window=30)
    async with Emulator(
        api_key=KEY, inventory_size=10, fault_profile=profile, clock=clock
    ) as emulator:
        assert emulator.state.fault_profile is profile
        assert emulator.stats_url == emulator.url.removesuffix("/v2") + STATS_PATH
        session = emulator.session(timeout=3)
        assert session.base_url == emulator.url
        assert KEY not in repr(session)
        async with session as telnyx:
            page = await telnyx.sim_cards.list(page_size=5)
        assert [card.iccid for card in page.data] == [
            emulator.state.inventory.card(index)["iccid"] for index in range(5)
        ]
        observed = await Client(http, emulator.url.removesuffix("/v2")).list()
        assert _limits(observed) == ("2", "0", "30")
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.stats_url


def test_command_line_builds_the_fault_profile() -> None:
    from telnyx_wireless_async.testing.__main__ import _parse_arguments

    arguments = _parse_arguments(
        [
            "--fault-seed=7",
            "--error-rate=0.1",
            "--error-statuses=502,504",
            "--drop-rate=0.2",
            "--drop-after-rate=0.05",
            "--rate-limit=50",
            "--rate-limit-window=2",
            "--latency-jitter=0.3",
            "--slow-body-rate=0.01",
            "--slow-body-seconds=9",
        ]
    )
    assert arguments.fault_profile == FaultProfile(
        seed=7,
        error_rate=0.1,
        error_statuses=(502, 504),
        drop_before_rate=0.1,
        drop_after_rate=0.05,
        rate_limit=50,
        rate_limit_window=2,
        latency_jitter=0.3,
        slow_body_rate=0.01,
        slow_body_seconds=9,
    )
    assert _parse_arguments([]).fault_profile == FaultProfile()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--port", "70000"),
        ("--port", "-1"),
        ("--size", "-5"),
        ("--size", "100000001"),
        ("--latency", "nan"),
        ("--latency", "-1"),
        ("--latency", "inf"),
        ("--max-codes-per-request", "0"),
        ("--latency-jitter", "nan"),
        ("--latency-jitter", "-0.5"),
        ("--error-rate", "nan"),
        ("--error-rate", "1.5"),
        ("--error-rate", "-0.1"),
        ("--error-statuses", "200"),
        ("--error-statuses", "503,oops"),
        ("--retry-after-rate", "2"),
        ("--retry-after", "-3"),
        ("--drop-rate", "inf"),
        ("--drop-before-rate", "nan"),
        ("--drop-after-rate", "-1"),
        ("--truncated-rate", "1.01"),
        ("--malformed-rate", "nan"),
        ("--slow-body-rate", "-0.5"),
        ("--slow-body-seconds", "nan"),
        ("--slow-body-seconds", "-1"),
        ("--rate-limit", "0"),
        ("--rate-limit-window", "0"),
        ("--rate-limit-window", "inf"),
        ("--seed", "0.5"),
    ],
)
def test_command_line_refuses_a_number_out_of_range_in_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    from telnyx_wireless_async.testing.__main__ import _parse_arguments

    with pytest.raises(SystemExit) as exit_info:
        _parse_arguments(["--port=0", f"{option}={value}"])
    assert exit_info.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    prefix = f"python -m telnyx_wireless_async.testing: error: argument {option}: "
    assert line.startswith(prefix), line
    assert value in line


async def test_command_line_serves_faults_and_stats(http: aiohttp.ClientSession) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "telnyx_wireless_async.testing",
        "--port=0",
        "--size=5",
        f"--api-key={KEY}",
        "--error-rate=1",
        "--error-statuses=503",
        "--rate-limit=4",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=PROJECT_ROOT,
    )
    try:
        assert process.stdout is not None
        api_line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        stats_line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        api = re.search(r"http://127\.0\.0\.1:\d+/v2", api_line)
        stats = re.search(r"http://127\.0\.0\.1:\d+/_emulator/stats", stats_line)
        assert api, api_line
        assert stats, stats_line
        observed = await Client(http, api.group().removesuffix("/v2")).list()
        assert observed.status == 503
        assert _limits(observed)[:2] == ("4", "3")
        async with http.get(stats.group()) as response:
            served = await response.json()
        assert served["outcomes"] == {"error_status": 1}
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
