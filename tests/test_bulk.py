"""Bulk registration over HTTP: chunks, concurrency, the ledger, retries and cancellation."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    AsyncSession,
    RegistrationLedger,
    RegistrationResult,
    RetryEvent,
    RetryPolicy,
)
from telnyx_wireless_async.testing import EmulatorState, Fault, FaultProfile, registration_code

from .conftest import API_KEY, no_other_tasks

REGISTER = "/v2/actions/register/sim_cards"


def corrupt(code: str) -> str:
    """The same code with a wrong check digit: 10 digits, but not a valid code."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def sent_per_request(state: EmulatorState) -> list[list[str]]:
    return [json.loads(r.body)["registration_codes"] for r in state.requests if r.path == REGISTER]


def assert_partition(result: RegistrationResult, unique: list[str]) -> None:
    """Each unique code is in exactly one of registered, failed, unknown."""
    groups = [result.registered_codes, result.failed_codes, result.unknown_codes]
    every = [code for group in groups for code in group]
    assert sorted(every) == sorted(unique)
    assert len(every) == len(set(every))


async def test_five_thousand_mixed_codes_each_accounted_for_once(
    session: AsyncSession, state: EmulatorState
) -> None:
    earlier = [registration_code(n) for n in range(10_000, 10_300)]
    first = await session.sim_cards.register(earlier)
    assert sorted(first.registered_codes) == sorted(earlier)

    valid = [registration_code(n) for n in range(20_000, 24_000)]
    invalid = [corrupt(registration_code(n)) for n in range(30_000, 30_500)]
    duplicated = valid[:200] + invalid[:50]
    given = valid + invalid + earlier + duplicated
    assert len(given) == 5_050
    random.Random(7).shuffle(given)
    state.requests.clear()

    progress: list[tuple[int, int]] = []
    result = await session.sim_cards.register(
        given, chunk_size=100, concurrency=8, on_progress=lambda d, t: progress.append((d, t))
    )

    unique = list(dict.fromkeys(given))
    assert len(unique) == 4_800
    assert_partition(result, unique)
    assert sorted(result.registered_codes) == sorted(valid)
    assert len(result.cards) == len(valid)
    failed = {f.registration_code: f.error for f in result.failed}
    assert sorted(failed) == sorted(invalid + earlier)
    assert {failed[c].code for c in invalid} == {"10006"}
    assert {failed[c].code for c in earlier} == {"10012"}
    assert result.unknown == ()
    assert sorted(result.duplicates) == sorted(duplicated)

    # The server saw each unique code exactly once, in chunks of at most 100.
    chunks = sent_per_request(state)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert sorted(code for chunk in chunks for code in chunk) == sorted(unique)
    assert sorted(state.registered_codes) == sorted(earlier + valid)
    assert progress[-1] == (4_800, 4_800)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(progress) == len(chunks) == 48


@pytest.mark.parametrize("concurrency", [1, 3, 8])
async def test_server_sees_at_most_concurrency_requests(
    session: AsyncSession, state: EmulatorState, concurrency: int
) -> None:
    state.latency = 0.02
    codes = [registration_code(n) for n in range(1_000)]
    result = await session.sim_cards.register(codes, chunk_size=50, concurrency=concurrency)
    assert len(result.registered_codes) == 1_000
    assert state.max_in_flight == concurrency


async def test_chunk_failing_with_503_then_succeeding(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.add_fault(Fault(status=503, path=REGISTER, times=2))
    codes = [registration_code(n) for n in range(500)]
    result = await session.sim_cards.register(codes, chunk_size=100, concurrency=1)
    assert sorted(result.registered_codes) == sorted(codes)
    assert sorted(state.registered_codes) == sorted(codes)
    assert len(sent_per_request(state)) == 5 + 2


async def test_chunk_failing_for_good_lands_in_unknown(base_url: str, state: EmulatorState) -> None:
    policy = RetryPolicy(wait=False, max_attempts=3)
    state.add_fault(Fault(status=503, path=REGISTER, times=3))  # every try of the first chunk
    codes = [registration_code(n) for n in range(300)]
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        result = await session.sim_cards.register(codes, chunk_size=100, concurrency=1)
    assert_partition(result, codes)
    assert sorted(result.unknown_codes) == sorted(codes[:100])
    assert all("failed after its retries" in u.reason and u.sent for u in result.unknown)
    assert sorted(result.registered_codes) == sorted(codes[100:])
    assert sorted(state.registered_codes) == sorted(codes[100:])


async def test_lost_success_counts_as_registered_and_is_flagged(
    base_url: str, state: EmulatorState
) -> None:
    # The server registers the chunk, then drops the connection before answering: the
    # retry is told the codes are registered already. They are ours, not failures.
    state.fault_profile = FaultProfile(drop_after_rate=1.0)
    retries: list[RetryEvent] = []

    def heal(event: RetryEvent) -> None:
        retries.append(event)
        state.fault_profile = FaultProfile()  # no faults: the retry gets a normal answer

    policy = RetryPolicy(wait=False, on_retry=heal)
    codes = [registration_code(n) for n in range(60)]
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        result = await session.sim_cards.register(codes, chunk_size=100)
    assert isinstance(retries[0].error, APIConnectionError)
    assert_partition(result, codes)
    assert result.failed == ()
    assert result.unknown == ()
    assert sorted(result.registered_codes) == sorted(codes)
    assert sorted(result.already_registered_on_retry) == sorted(codes)
    assert result.cards == ()  # the API returns no card for them
    assert state.stats.registrations == dict.fromkeys(codes, 1)
    assert sorted(state.stats.already_registered) == sorted(codes)


async def test_already_registered_after_a_429_is_a_plain_failure(
    session: AsyncSession, state: EmulatorState
) -> None:
    # A 429 proves the first attempt was not processed: the answer to the retry stands.
    taken = [registration_code(n) for n in range(5)]
    await session.sim_cards.register(taken)
    state.add_fault(Fault(status=429, path=REGISTER, headers={"Retry-After": "1"}))
    result = await session.sim_cards.register(taken)
    assert result.failed_codes == tuple(taken)
    assert result.unknown == ()


async def test_dropped_connection_on_a_post_is_retried_and_accounted_for(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.add_fault(Fault(drop_connection=True, path=REGISTER))
    codes = [registration_code(n) for n in range(10)]
    result = await session.sim_cards.register(codes)
    assert sorted(result.registered_codes) == sorted(codes)
    assert len(sent_per_request(state)) == 2


async def test_cancelling_keeps_what_finished_in_the_ledger(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.latency = 0.05
    codes = [registration_code(n) for n in range(2_000)]
    ledger = RegistrationLedger()
    first_chunk_done = asyncio.Event()
    task = asyncio.create_task(
        session.sim_cards.register(
            codes,
            chunk_size=100,
            concurrency=4,
            ledger=ledger,
            on_progress=lambda done, total: first_chunk_done.set(),
        )
    )
    await first_chunk_done.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert no_other_tasks()

    result = ledger.result()
    assert_partition(result, codes)
    assert 100 <= len(result.registered_codes) < 2_000
    unsent = [u for u in result.unknown if not u.sent]
    in_flight = [u for u in result.unknown if u.sent]
    assert unsent
    assert all("before this code was sent" in u.reason for u in unsent)
    assert all("in flight" in u.reason for u in in_flight)
    # Nothing the ledger calls registered is missing on the server, and nothing never
    # sent reached it.
    on_server = set(state.registered_codes)
    assert set(result.registered_codes) <= on_server
    assert on_server.isdisjoint(u.registration_code for u in unsent)


async def test_codes_from_a_generator_in_chunks(
    session: AsyncSession, state: EmulatorState
) -> None:
    result = await session.sim_cards.register(
        (registration_code(n) for n in range(250)), chunk_size=100
    )
    assert len(result.registered_codes) == 250
    assert [len(chunk) for chunk in sent_per_request(state)] == [100, 100, 50]


async def test_bad_code_names_its_position(session: AsyncSession, state: EmulatorState) -> None:
    codes = [registration_code(n) for n in range(3_000)]
    codes[2_345] = "12345"
    with pytest.raises(ValueError, match=r"registration_codes\[2345\].*'12345'"):
        await session.sim_cards.register(codes)
    assert state.requests == []


async def test_ledger_records_one_call_only(session: AsyncSession) -> None:
    ledger = RegistrationLedger()
    await session.sim_cards.register([registration_code(1)], ledger=ledger)
    with pytest.raises(RuntimeError, match="one register call"):
        await session.sim_cards.register([registration_code(2)], ledger=ledger)
