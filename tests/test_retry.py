"""Retries over real HTTP: what is retried, how long it waits, and when it gives up."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate
from typing import Any

import backoff._async
import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncSession,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    RetryEvent,
    RetryPolicy,
    UnprocessableEntityError,
)
from telnyx_wireless_async._retry import RetryOutcome, call_with_retries
from telnyx_wireless_async._throttle import Throttle
from telnyx_wireless_async.testing import EmulatorState, Fault, registration_code

from .conftest import API_KEY, FakeClock


async def test_429_with_retry_after_is_retried_after_that_delay(
    session: AsyncSession, state: EmulatorState, retry_events: list[RetryEvent]
) -> None:
    state.add_fault(Fault(status=429, headers={"Retry-After": "7"}))
    page = await session.sim_cards.list(page_size=5)
    assert len(page.data) == 5
    assert len(state.requests) == 2
    (event,) = retry_events
    assert event.delay == 7.0
    assert isinstance(event.error, RateLimitError)
    assert event.error.retry_after == 7.0
    assert event.error.errors[0].code == "10011"


async def test_retry_after_as_http_date(
    session: AsyncSession, state: EmulatorState, retry_events: list[RetryEvent]
) -> None:
    state.add_fault(
        Fault(status=429, headers={"Retry-After": formatdate(time.time() + 30, usegmt=True)})
    )
    await session.sim_cards.list(page_size=1)
    (event,) = retry_events
    assert 25 <= event.delay <= 30


async def test_x_ratelimit_reset_is_honoured(
    session: AsyncSession, state: EmulatorState, retry_events: list[RetryEvent]
) -> None:
    state.add_fault(Fault(status=429, headers={"x-ratelimit-reset": "12"}))
    await session.sim_cards.list(page_size=1)
    assert [e.delay for e in retry_events] == [12.0]


async def test_server_delay_is_capped(base_url: str, state: EmulatorState) -> None:
    events: list[RetryEvent] = []
    policy = RetryPolicy(wait=False, max_server_delay=3.0, on_retry=events.append)
    state.add_fault(Fault(status=429, headers={"Retry-After": "3600"}))
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        await session.sim_cards.list(page_size=1)
    assert [e.delay for e in events] == [3.0]


async def test_503_is_retried_with_growing_jittered_backoff(
    base_url: str, state: EmulatorState
) -> None:
    events: list[RetryEvent] = []
    policy = RetryPolicy(
        wait=False, max_attempts=5, initial_delay=1.0, max_delay=3.0, on_retry=events.append
    )
    state.add_fault(Fault(status=503, times=4))
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        page = await session.sim_cards.list(page_size=3)
    assert len(page.data) == 3
    assert len(state.requests) == 5
    assert [e.attempt for e in events] == [1, 2, 3, 4]
    ceilings = [1.0, 2.0, 3.0, 3.0]
    assert all(0 <= e.delay <= c for e, c in zip(events, ceilings, strict=True))


async def test_dropped_connection_is_retried(
    session: AsyncSession, state: EmulatorState, retry_events: list[RetryEvent]
) -> None:
    # aiohttp itself resends an idempotent request once when the connection drops (RFC 9112
    # section 9.3.1.1), so the second drop is the one our policy sees.
    state.add_fault(Fault(drop_connection=True, times=2))
    page = await session.sim_cards.list(page_size=2)
    assert len(page.data) == 2
    (event,) = retry_events
    assert isinstance(event.error, APIConnectionError)
    assert len(state.requests) == 3


async def test_unreadable_success_body_is_retried(
    session: AsyncSession, state: EmulatorState, retry_events: list[RetryEvent]
) -> None:
    state.add_fault(Fault(status=200, body=b'{"data": [{"id": "6a09'))
    page = await session.sim_cards.list(page_size=4)
    assert len(page.data) == 4
    (event,) = retry_events
    assert isinstance(event.error, APIResponseValidationError)


async def test_register_is_retried_after_503(session: AsyncSession, state: EmulatorState) -> None:
    state.add_fault(Fault(status=503, path="/v2/actions/register/sim_cards"))
    codes = [registration_code(n) for n in range(3)]
    result = await session.sim_cards.register(codes)
    assert sorted(result.registered_codes) == sorted(codes)
    assert state.registered_codes == codes


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(400, BadRequestError), (401, AuthenticationError), (422, UnprocessableEntityError)],
)
async def test_client_errors_are_not_retried(
    session: AsyncSession,
    state: EmulatorState,
    retry_events: list[RetryEvent],
    status: int,
    error_class: type[Exception],
) -> None:
    state.add_fault(Fault(status=status, headers={"Retry-After": "1"}, times=3))
    with pytest.raises(error_class):
        await session.sim_cards.list()
    assert len(state.requests) == 1
    assert retry_events == []


async def test_gives_up_after_max_attempts_with_the_last_error(
    base_url: str, state: EmulatorState
) -> None:
    state.add_fault(Fault(status=500, times=10))
    policy = RetryPolicy(wait=False, max_attempts=3)
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(InternalServerError) as caught:
            await session.sim_cards.list()
    assert caught.value.status == 500
    assert len(state.requests) == 3


async def test_max_time_bounds_the_retrying(base_url: str, state: EmulatorState) -> None:
    # Each attempt takes 0.2 s; after 0.3 s no new attempt may start.
    state.latency = 0.2
    state.add_fault(Fault(status=503, times=10))
    policy = RetryPolicy(wait=False, max_attempts=10, max_time=0.3, initial_delay=0.001)
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(InternalServerError):
            await session.sim_cards.list()
    assert 2 <= len(state.requests) <= 3


async def test_retries_can_be_turned_off(base_url: str, state: EmulatorState) -> None:
    state.add_fault(Fault(status=503))
    async with AsyncSession(
        API_KEY, base_url=base_url, retry=RetryPolicy(max_attempts=1)
    ) as session:
        with pytest.raises(InternalServerError):
            await session.sim_cards.list()
    assert len(state.requests) == 1


@pytest.mark.parametrize(
    ("options", "error", "named"),
    [
        ({"max_attempts": 0}, ValueError, "max_attempts"),
        ({"max_attempts": True}, TypeError, "max_attempts must be an int, got True"),
        ({"max_attempts": 2.0}, TypeError, "max_attempts must be an int, got 2.0"),
        ({"max_time": 0}, ValueError, "max_time"),
        ({"max_time": "5"}, TypeError, "max_time must be a number of seconds, got '5'"),
        ({"max_delay": float("inf")}, ValueError, "max_delay must be a finite"),
        ({"initial_delay": -1}, ValueError, "initial_delay"),
        (
            {"initial_delay": 5, "max_delay": 0.1},
            ValueError,
            r"initial_delay \(5 s\) must not exceed max_delay \(0.1 s\)",
        ),
        ({"wait": "no"}, TypeError, "wait must be a bool, got 'no'"),
        ({"on_retry": 5}, TypeError, "on_retry"),
    ],
)
def test_policy_refuses_nonsense(
    options: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        RetryPolicy(**options)  # type: ignore[arg-type]


async def test_429_pauses_every_request_of_the_session(base_url: str, state: EmulatorState) -> None:
    # One request meets a 429; a second request, started during the pause, must wait for
    # the reset too instead of hitting the limit on its own.
    events: list[RetryEvent] = []
    met_429 = asyncio.Event()

    def on_retry(event: RetryEvent) -> None:
        events.append(event)
        met_429.set()

    policy = RetryPolicy(max_server_delay=0.3, on_retry=on_retry)
    state.add_fault(Fault(status=429, headers={"Retry-After": "5"}))
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        first = asyncio.ensure_future(session.sim_cards.list(page_size=1))
        await met_429.wait()
        started = time.monotonic()
        await session.sim_cards.list(page_size=1)
        held_back = time.monotonic() - started
        await first
    assert [e.delay for e in events] == [0.3]
    assert held_back >= 0.2
    assert len(state.requests) == 3  # the 429, its retry, the second request: no second 429


@pytest.fixture
def backoff_sleeps_on(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Make backoff's waits move the fake clock instead of the event loop's."""

    class ClockedAsyncio:
        def __getattr__(self, name: str) -> Any:
            return getattr(asyncio, name)

        async def sleep(self, seconds: float) -> None:
            clock.advance(seconds)

    monkeypatch.setattr(backoff._async, "asyncio", ClockedAsyncio())
    return clock


async def test_no_attempt_starts_past_max_time_on_the_monotonic_clock(
    backoff_sleeps_on: FakeClock,
) -> None:
    # Each attempt takes 1.5 s (its timeout); retries wait a random 0-1 s. With
    # max_time = 2, a second attempt may start only before 2 s: the call ends by
    # max_time plus one attempt's timeout, 3.5 s.
    clock = backoff_sleeps_on
    policy = RetryPolicy(max_time=2.0, initial_delay=1.0, max_delay=1.0, max_attempts=10)
    starts: list[float] = []

    async def send(deadline: float) -> None:
        starts.append(clock())
        clock.advance(1.5)
        raise APITimeoutError("timed out")

    for _ in range(50):  # the delay is random: it must never matter
        starts.clear()
        begin = clock()
        with pytest.raises(APITimeoutError):
            await call_with_retries(policy, send, clock=clock)
        assert all(start - begin < 2.0 for start in starts)
        assert clock() - begin <= 3.5
        assert 1 <= len(starts) <= 2


async def test_a_server_delay_past_max_time_ends_the_call_at_once(clock: FakeClock) -> None:
    policy = RetryPolicy(max_time=2.0, max_server_delay=20.0)  # waits for real if retried
    seen: list[float] = []

    async def send(deadline: float) -> None:
        seen.append(deadline)
        raise RateLimitError("slow down", status=429, retry_after=3600.0)

    with pytest.raises(RateLimitError):
        await call_with_retries(policy, send, clock=clock)
    assert seen == [clock() + 2.0]  # one attempt, told the deadline


async def test_retries_go_on_while_within_max_time(clock: FakeClock) -> None:
    policy = RetryPolicy(max_time=10.0, max_attempts=4, wait=False)
    attempts = 0

    async def send(deadline: float) -> str:
        nonlocal attempts
        attempts += 1
        clock.advance(2.0)
        if attempts < 4:
            raise InternalServerError("HTTP 503", status=503)
        return "done"

    assert await call_with_retries(policy, send, clock=clock) == "done"
    assert attempts == 4


async def test_the_throttle_will_not_wait_past_the_deadline(clock: FakeClock) -> None:
    throttle = Throttle(clock=clock)
    throttle.pause(20.0)
    assert await throttle.acquire(deadline=clock() + 2.0) is False  # returned at once
    clock.advance(20.0)
    assert await throttle.acquire(deadline=clock() + 2.0) is True


async def test_a_rate_limit_pause_past_max_time_fails_the_request_instead_of_waiting(
    base_url: str, state: EmulatorState
) -> None:
    # A 429 asks for 30 s; the session holds every request back for them. With
    # max_time = 2, the next request fails at once rather than wait (a real wait here
    # would hold the test 30 s).
    state.add_fault(Fault(status=429, headers={"Retry-After": "30"}))
    policy = RetryPolicy(max_time=2.0, max_attempts=1)
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(RateLimitError):
            await session.sim_cards.list()
        with pytest.raises(RateLimitError, match="past the retry policy's max_time") as caught:
            await session.sim_cards.list()
    assert caught.value.retry_after is not None
    assert 25 < caught.value.retry_after <= 30
    assert len(state.requests) == 1


# -- what the attempts came to: RetryOutcome ------------------------------------------------


def failing_then(*errors: Exception) -> Any:
    """A `send` that raises `errors` in turn, then returns "done"."""
    pending = list(errors)

    async def send(deadline: float) -> str:
        if pending:
            raise pending.pop(0)
        return "done"

    return send


@pytest.mark.parametrize(
    ("errors", "maybe_processed", "answered"),
    [
        ([], False, True),
        ([APIConnectionError("refused", request_sent=False)], False, True),
        ([APITimeoutError("timed out")], True, True),
        ([APIConnectionError("dropped")], True, True),
        ([InternalServerError("HTTP 503", status=503)], True, True),
        ([RateLimitError("HTTP 429", status=429)], False, True),
        ([APIResponseValidationError("cut short", status=200, body=b"{")], True, True),
    ],
)
async def test_the_outcome_says_whether_an_attempt_may_have_been_processed(
    errors: list[Exception], maybe_processed: bool, answered: bool
) -> None:
    outcome = RetryOutcome()
    policy = RetryPolicy(wait=False)
    assert await call_with_retries(policy, failing_then(*errors), outcome=outcome) == "done"
    assert outcome == RetryOutcome(
        attempts=len(errors) + 1, maybe_processed=maybe_processed, answered=answered
    )


async def test_the_outcome_is_recorded_when_the_call_raises() -> None:
    outcome = RetryOutcome()
    policy = RetryPolicy(wait=False, max_attempts=2)
    refused = [APIConnectionError("refused", request_sent=False) for _ in range(2)]
    with pytest.raises(APIConnectionError):
        await call_with_retries(policy, failing_then(*refused), outcome=outcome)
    assert outcome == RetryOutcome(attempts=2, maybe_processed=False, answered=False)

    outcome = RetryOutcome()
    errors = [InternalServerError("HTTP 502", status=502), AuthenticationError("401", status=401)]
    with pytest.raises(AuthenticationError):
        await call_with_retries(policy, failing_then(*errors), outcome=outcome)
    assert outcome == RetryOutcome(attempts=2, maybe_processed=True, answered=True)


async def test_the_outcome_leaves_the_users_hook_alone() -> None:
    events: list[RetryEvent] = []
    policy = RetryPolicy(wait=False, on_retry=events.append)
    outcome = RetryOutcome()
    send = failing_then(APIConnectionError("dropped"))
    await call_with_retries(policy, send, outcome=outcome)
    assert policy.on_retry == events.append
    assert [type(e.error) for e in events] == [APIConnectionError]
    assert outcome.maybe_processed
