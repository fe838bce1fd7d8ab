"""Bulk registration over HTTP: chunks, concurrency, the ledger, retries and cancellation."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator

import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncSession,
    AuthenticationError,
    RegistrationError,
    RegistrationLedger,
    RegistrationResult,
    RetryEvent,
    RetryPolicy,
)
from telnyx_wireless_async.testing import EmulatorState, Fault, FaultProfile, registration_code

from .conftest import API_KEY, already_registered, no_other_tasks, raw_json

REGISTER = "/v2/actions/register/sim_cards"


@pytest.fixture
async def unanswering_server() -> AsyncIterator[str]:
    """An API root on 127.0.0.1 that accepts connections and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.read()  # until the client gives up and closes
        finally:
            writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v2"
    server.close()
    await server.wait_closed()


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


def heal_then(state: EmulatorState, fault: Fault) -> RetryPolicy:
    """A policy whose first retry turns the fault profile off and scripts `fault` for it."""

    def on_retry(event: RetryEvent) -> None:
        if event.attempt == 1:
            state.fault_profile = FaultProfile()
            state.add_fault(fault)

    return RetryPolicy(wait=False, on_retry=on_retry)


async def test_a_422_on_a_retry_after_a_lost_success_fails_no_registered_code(
    base_url: str, state: EmulatorState
) -> None:
    # Attempt 1 registers the five codes and its connection drops; the retry is refused
    # as a whole with 422, four codes "already registered" and one for another reason.
    codes = [registration_code(n) for n in range(5)]
    other = {"code": "10016", "title": "Invalid", "detail": "Checksum mismatch.",
             "source": {"pointer": "/registration_codes/4"}}  # fmt: skip
    body = {"errors": [*(already_registered(i) for i in range(4)), other]}
    state.fault_profile = FaultProfile(drop_after_rate=1.0)
    policy = heal_then(state, Fault(status=422, path=REGISTER, body=body))
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        result = await session.sim_cards.register(codes)
    assert_partition(result, codes)
    assert result.already_registered_on_retry == tuple(codes[:4])
    assert result.failed_codes == (codes[4],)  # the API named another reason for it
    assert not result.ok


async def test_a_401_on_a_retry_after_a_lost_success_leaves_codes_unknown(
    base_url: str, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(5)]
    state.fault_profile = FaultProfile(drop_after_rate=1.0)
    policy = heal_then(state, Fault(status=401, path=REGISTER))
    ledger = RegistrationLedger()
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(AuthenticationError):
            await session.sim_cards.register(codes, ledger=ledger)
    result = ledger.result()
    assert_partition(result, codes)
    assert result.failed == ()
    assert result.unknown_codes == tuple(codes)
    assert all("may have registered it" in u.reason for u in result.unknown)
    assert sorted(state.registered_codes) == sorted(codes)  # they were, in fact


async def test_codes_registered_before_the_call_are_not_ok_when_found_on_a_retry(
    session: AsyncSession, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(5)]
    await session.sim_cards.register(codes)
    # A second call: its first attempt is dropped unanswered, so the retry's "already
    # registered" may be its own lost success, or may predate it. It cannot be ok.
    state.add_fault(Fault(drop_connection=True, path=REGISTER))
    result = await session.sim_cards.register(codes)
    assert sorted(result.already_registered_on_retry) == sorted(codes)
    assert not result.ok
    with pytest.raises(RegistrationError, match="5 found already registered on a retry"):
        result.raise_for_failures()


async def test_a_redirect_on_register_is_not_followed_and_registers_nothing(
    session: AsyncSession, state: EmulatorState
) -> None:
    # Followed, a 303 replays the POST as a GET of a listing page of 20 cards: 20 codes
    # would pass for registered.
    codes = [registration_code(n) for n in range(20)]
    state.add_fault(Fault(status=303, path=REGISTER, headers={"Location": "/v2/sim_cards"}))
    ledger = RegistrationLedger()
    with pytest.raises(APIStatusError) as raised:
        await session.sim_cards.register(codes, ledger=ledger)
    assert raised.value.status == 303
    assert [r.method for r in state.requests] == ["POST"]
    result = ledger.result()
    assert result.registered_codes == ()
    assert result.unknown_codes == tuple(codes)


async def test_a_listing_page_is_not_taken_for_a_registration_answer(
    session: AsyncSession, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(20)]
    page = (await session.request("GET", "/sim_cards", parse=raw_json)) | {}
    state.add_fault(Fault(status=202, path=REGISTER, body=page, times=4))
    result = await session.sim_cards.register(codes)
    assert result.registered_codes == ()
    assert result.unknown_codes == tuple(codes)


async def test_an_api_that_never_answers_stops_the_call_after_the_first_chunks(
    unanswering_server: str,
) -> None:
    codes = [registration_code(n) for n in range(40)]
    ledger = RegistrationLedger()
    policy = RetryPolicy(wait=False, max_attempts=2)
    async with AsyncSession(
        API_KEY, base_url=unanswering_server, retry=policy, timeout=0.2
    ) as session:
        with pytest.raises(APITimeoutError):
            await session.sim_cards.register(codes, chunk_size=5, concurrency=2, ledger=ledger)
    result = ledger.result()
    assert_partition(result, codes)
    assert len([u for u in result.unknown if u.sent]) <= 10  # the chunks in flight
    assert len([u for u in result.unknown if not u.sent]) >= 30


async def test_an_api_that_refuses_connections_stops_the_call_at_once() -> None:
    codes = [registration_code(n) for n in range(40)]
    ledger = RegistrationLedger()
    policy = RetryPolicy(wait=False, max_attempts=2)
    async with AsyncSession(API_KEY, base_url="http://127.0.0.1:9/v2", retry=policy) as session:
        with pytest.raises(APIConnectionError) as raised:
            await session.sim_cards.register(codes, chunk_size=5, concurrency=2, ledger=ledger)
    assert raised.value.request_sent is False
    result = ledger.result()
    assert_partition(result, codes)
    assert len([u for u in result.unknown if not u.sent]) >= 30


async def test_failures_name_their_place_in_the_codes_given(
    session: AsyncSession, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(600)]
    codes[555] = corrupt(codes[555])
    result = await session.sim_cards.register([codes[0], *codes], chunk_size=100)
    (failure,) = result.failed
    assert failure.registration_code == codes[555]
    assert failure.index == 556  # the first code was given twice
    assert failure.error.source is not None
    assert failure.error.source.pointer == "/registration_codes/55"  # within its chunk


async def test_the_repr_of_a_result_counts_instead_of_listing(session: AsyncSession) -> None:
    codes = [registration_code(n) for n in range(300)]
    result = await session.sim_cards.register([*codes, corrupt(registration_code(999))])
    text = repr(result)
    assert text == (
        "<RegistrationResult registered_codes=300, already_registered_on_retry=0, failed=1,"
        " unknown=0, duplicates=0, cards=300, unattributed_errors=0>"
    )
