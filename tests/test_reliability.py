"""The SDK under injected faults: nothing lost, nothing duplicated, every fault typed.

The emulator draws each request's fault from a seed (`FaultProfile`), so these runs
are repeatable. In the soaks its rate-limit clock is a `FakeClock` that ticks once per
request, so which requests meet the limit depends on their order alone, never on how
fast the machine is; the SDK's own waits are real but capped at a millisecond.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncSession,
    InternalServerError,
    RateLimitError,
    RegistrationLedger,
    RetryEvent,
    RetryPolicy,
    SimCard,
)
from telnyx_wireless_async.testing import Emulator, FaultProfile, Outcome, registration_code
from telnyx_wireless_async.testing._faults import MALFORMED_BODIES

from .conftest import API_KEY, FakeClock, no_other_tasks

WINDOW = 1.0

# Ten per cent of requests meet a fault, of every kind that a retry can heal, and the
# server allows 3 requests per window.
TEN_PERCENT = FaultProfile(
    seed=11,
    error_rate=0.03,
    error_statuses=(500, 502, 503),
    retry_after_rate=0.5,
    drop_before_rate=0.02,
    drop_after_rate=0.02,
    truncated_rate=0.015,
    malformed_rate=0.015,
    rate_limit=3,
    rate_limit_window=WINDOW,
)

PATIENT = RetryPolicy(
    max_attempts=12, initial_delay=0.001, max_delay=0.01, max_server_delay=0.001, max_time=60
)


def four_requests_a_window() -> FakeClock:
    """A clock that moves a quarter window per request counted: one more than the limit."""
    return FakeClock(tick=WINDOW / 4)


@pytest.fixture
async def faulty() -> AsyncIterator[Emulator]:
    async with Emulator(
        api_key=API_KEY,
        inventory_size=20_000,
        fault_profile=TEN_PERCENT,
        clock=four_requests_a_window(),
    ) as emu:
        yield emu


def card_ids(cards: list[SimCard]) -> list[str | None]:
    return [card.id for card in cards]


async def test_streaming_20000_cards_under_faults_yields_each_once_in_order(
    faulty: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with faulty.session(retry=PATIENT, timeout=5) as telnyx:
        streamed = [card async for card in telnyx.sim_cards.stream(page_size=250, prefetch=8)]
        faults_seen = dict(faulty.state.stats.outcomes)
        faulty.state.fault_profile = FaultProfile()  # the reference walk meets no fault
        reference = [card async for card in telnyx.sim_cards.stream(prefetch=1)]

    assert len(streamed) == 20_000
    assert len(set(card_ids(streamed))) == 20_000
    assert card_ids(streamed) == card_ids(reference)
    # The run really met every kind of fault, and the rate limit.
    for outcome in ("error_status", "drop_before", "drop_after", "truncated", "malformed"):
        assert faults_seen.get(outcome, 0) > 0, outcome
    assert faults_seen.get(Outcome.RATE_LIMITED, 0) > 0
    assert API_KEY not in caplog.text
    assert no_other_tasks()


async def test_registering_5000_codes_under_faults_loses_and_duplicates_nothing(
    faulty: Emulator,
) -> None:
    codes = [registration_code(n) for n in range(5_000)]
    async with faulty.session(retry=PATIENT, timeout=5) as telnyx:
        result = await telnyx.sim_cards.register(codes, chunk_size=50, concurrency=8)

    stats = faulty.state.stats
    assert stats.outcomes[Outcome.DROP_AFTER] > 0  # some successes were lost on the way
    assert result.failed == ()
    assert result.unknown == ()
    assert sorted(result.registered_codes) == sorted(codes)
    # What the ledger calls registered is exactly what the server registered, each once.
    assert set(result.registered_codes) == stats.registered_codes
    assert stats.duplicated_codes == frozenset()
    assert all(count == 1 for count in stats.registrations.values())
    # Codes whose success was lost are flagged, and are exactly those the server refused
    # as already registered on a retry.
    assert set(result.already_registered_on_retry) == set(stats.already_registered)
    assert result.already_registered_on_retry


# One test per fault kind, each with retries off so the fault itself surfaces.

ONCE = RetryPolicy(max_attempts=1)


@asynccontextmanager
async def faulty_session(
    profile: FaultProfile,
    *,
    retry: RetryPolicy = ONCE,
    request_timeout: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[tuple[Emulator, AsyncSession]]:
    async with (
        Emulator(api_key=API_KEY, inventory_size=100, fault_profile=profile, clock=clock) as emu,
        emu.session(retry=retry, timeout=request_timeout) as telnyx,
    ):
        yield emu, telnyx


async def test_injected_server_error_is_typed_and_its_retry_after_honoured() -> None:
    events: list[RetryEvent] = []
    profile = FaultProfile(seed=1, error_rate=1.0, error_statuses=(503,), retry_after_rate=1.0)
    policy = RetryPolicy(wait=False, max_attempts=2, on_retry=events.append)
    async with faulty_session(profile, retry=policy) as (_, telnyx):
        with pytest.raises(InternalServerError) as caught:
            await telnyx.sim_cards.list()
    assert caught.value.status == 503
    assert caught.value.retry_after == 1.0
    assert [e.delay for e in events] == [1.0]


async def test_drop_before_processing_is_a_connection_error_and_registers_nothing() -> None:
    ledger = RegistrationLedger()
    async with faulty_session(FaultProfile(drop_before_rate=1.0)) as (emu, telnyx):
        # No attempt got an answer: the API cannot be reached, so the call raises.
        with pytest.raises(APIConnectionError):
            await telnyx.sim_cards.register([registration_code(1)], ledger=ledger)
        assert emu.state.stats.registered_codes == frozenset()
    result = ledger.result()
    assert result.unknown_codes == (registration_code(1),)
    assert "failed after its retries" in result.unknown[0].reason


async def test_drop_after_processing_leaves_the_outcome_unknown_without_a_retry() -> None:
    ledger = RegistrationLedger()
    async with faulty_session(FaultProfile(drop_after_rate=1.0)) as (emu, telnyx):
        with pytest.raises(APIConnectionError):
            await telnyx.sim_cards.register([registration_code(2)], ledger=ledger)
        # The server did register it; with no answer and no retry, the SDK cannot know.
        assert emu.state.stats.registered_codes == {registration_code(2)}
    result = ledger.result()
    assert result.unknown_codes == (registration_code(2),)
    assert result.registered_codes == ()


async def test_drop_on_a_get_is_a_connection_error() -> None:
    async with faulty_session(FaultProfile(drop_before_rate=1.0)) as (_, telnyx):
        with pytest.raises(APIConnectionError):
            await telnyx.sim_cards.list()


async def test_truncated_body_is_a_validation_error() -> None:
    async with faulty_session(FaultProfile(truncated_rate=1.0)) as (_, telnyx):
        with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
            await telnyx.sim_cards.list(page_size=50)
    assert caught.value.status == 200


async def test_every_malformed_body_is_a_validation_error() -> None:
    seen: set[bytes] = set()
    async with faulty_session(FaultProfile(seed=3, malformed_rate=1.0)) as (_, telnyx):
        for _ in range(40):
            with pytest.raises(APIResponseValidationError) as caught:
                await telnyx.sim_cards.list()
            seen.add(caught.value.body)
        result = await telnyx.sim_cards.register([registration_code(3)])
    assert seen == set(MALFORMED_BODIES)
    # A registration whose answer cannot be read may have been processed: unknown.
    assert result.unknown_codes == (registration_code(3),)
    assert "does not match" in result.unknown[0].reason or "not valid JSON" in (
        result.unknown[0].reason
    )


async def test_slow_body_trips_the_timeout() -> None:
    profile = FaultProfile(slow_body_rate=1.0, slow_body_seconds=3.0)
    async with faulty_session(profile, request_timeout=0.3) as (_, telnyx):
        with pytest.raises(APITimeoutError):
            await telnyx.sim_cards.list()


async def test_added_latency_past_the_timeout_is_a_timeout_error() -> None:
    profile = FaultProfile(latency=0.2, latency_jitter=0.2)
    async with faulty_session(profile, request_timeout=0.1) as (_, telnyx):
        with pytest.raises(APITimeoutError):
            await telnyx.sim_cards.list()


async def test_rate_limit_is_a_typed_error_with_the_reset_time(clock: FakeClock) -> None:
    profile = FaultProfile(rate_limit=2, rate_limit_window=30.0)
    no_wait = RetryPolicy(max_attempts=1, wait=False)
    async with faulty_session(profile, retry=no_wait, clock=clock) as (_, telnyx):
        await telnyx.sim_cards.list()
        clock.advance(12.5)
        await telnyx.sim_cards.list()
        with pytest.raises(RateLimitError) as caught:
            await telnyx.sim_cards.list()
    assert caught.value.errors[0].code == "10011"
    assert caught.value.retry_after == 18  # 17.5 s of the window left, rounded up


async def test_an_exhausted_window_pauses_before_any_429() -> None:
    # The second answer says no request is left in the window: the third waits for the
    # reset instead of meeting a 429.
    profile = FaultProfile(rate_limit=2, rate_limit_window=0.3)
    async with faulty_session(profile, retry=RetryPolicy(max_server_delay=1.0)) as (
        emu,
        telnyx,
    ):
        for _ in range(3):
            await telnyx.sim_cards.list()
        assert emu.state.stats.outcomes[Outcome.RATE_LIMITED] == 0
        assert emu.state.stats.outcomes[Outcome.OK] == 3


async def test_rate_limit_pauses_the_session_rather_than_each_request() -> None:
    # Eight requests at a time against 10 per window. Only the first burst, sent before
    # any answer told of the limit, can meet 429s: after that the session paces itself.
    # The window is real time, as the SDK's pause is: a pause starts after the window it
    # waits out opened, and lasts as long as a whole one, however slow the machine.
    window = 0.1
    profile = FaultProfile(rate_limit=10, rate_limit_window=window)
    pacing = RetryPolicy(
        max_attempts=12, initial_delay=0.001, max_delay=0.01, max_server_delay=window
    )
    async with (
        Emulator(api_key=API_KEY, inventory_size=5_000, fault_profile=profile) as emu,
        emu.session(retry=pacing) as telnyx,
    ):
        cards = [card async for card in telnyx.sim_cards.stream(page_size=50, prefetch=8)]
        limited = emu.state.stats.outcomes[Outcome.RATE_LIMITED]
        served = emu.state.stats.outcomes[Outcome.OK]
    assert len(cards) == 5_000
    assert served == 100
    assert limited <= 8


async def test_api_key_stays_out_of_logs_errors_and_reprs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    profile = FaultProfile(seed=5, error_rate=0.5, drop_before_rate=0.2, malformed_rate=0.2)
    messages: list[str] = []
    async with faulty_session(profile, retry=RetryPolicy(wait=False, max_attempts=2)) as (
        emu,
        telnyx,
    ):
        messages += [repr(emu), repr(telnyx), repr(emu.state)]
        for _ in range(20):
            try:
                await telnyx.sim_cards.list()
            except Exception as error:
                messages += [str(error), repr(error), repr(error.__cause__)]
    assert len(messages) > 3
    assert not any(API_KEY in message for message in messages)
    assert API_KEY not in caplog.text
