"""Registration over a MockTransport: what each retry outcome makes of a chunk's codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APIStatusError,
    AsyncSession,
    AuthenticationError,
    RegistrationLedger,
    RegistrationResult,
    RetryEvent,
    RetryPolicy,
)
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY, already_registered

BASE = "https://api.example.test/v2"
CODES = [f"{n:010d}" for n in range(6)]

Step = Callable[[list[str]], Response]


def registered(codes: list[str]) -> Response:
    cards = [{"id": f"card-{code}", "record_type": "sim_card"} for code in codes]
    return json_response({"data": cards, "errors": []}, status=202)


def refused_as_registered(codes: list[str]) -> Response:
    errors = [already_registered(i) for i in range(len(codes))]
    return json_response({"data": [], "errors": errors}, status=202)


def status(code: int, **headers: str) -> Step:
    return lambda codes: json_response({"errors": []}, status=code, headers=headers)


def lost_success(codes: list[str]) -> Response:
    raise APIConnectionError("the connection dropped after the server acted")


def refused_connection(codes: list[str]) -> Response:
    raise APIConnectionError("could not connect", request_sent=False)


async def register(
    steps: Sequence[Step],
    codes: list[str],
    *,
    then: Step = registered,
    chunk_size: int = 250,
    concurrency: int = 8,
) -> tuple[RegistrationResult | BaseException, RegistrationLedger, list[RetryEvent]]:
    """Register `codes`, answering each request by the next of `steps`, then by `then`."""
    pending = list(steps)

    def handler(request: Request) -> Response:
        sent = json.loads(request.content or b"{}")["registration_codes"]
        return (pending.pop(0) if pending else then)(sent)

    events: list[RetryEvent] = []
    policy = RetryPolicy(wait=False, max_attempts=2, on_retry=events.append)
    ledger = RegistrationLedger()
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        assert s.retry_policy.on_retry == events.append
        try:
            result: RegistrationResult | BaseException = await s.sim_cards.register(
                codes, ledger=ledger, chunk_size=chunk_size, concurrency=concurrency
            )
        except APIStatusError as error:
            result = error
        except APIConnectionError as error:
            result = error
    return result, ledger, events


async def test_already_registered_after_a_lost_success_counts_as_registered() -> None:
    result, _, events = await register([lost_success, refused_as_registered], CODES)
    assert isinstance(result, RegistrationResult)
    assert result.already_registered_on_retry == tuple(CODES)
    assert result.failed == ()
    assert [type(e.error) for e in events] == [APIConnectionError]  # the user's hook saw it


async def test_already_registered_after_a_429_is_a_failure() -> None:
    result, _, _ = await register(
        [status(429, **{"Retry-After": "1"}), refused_as_registered], CODES
    )
    assert isinstance(result, RegistrationResult)
    assert result.failed_codes == tuple(CODES)
    assert result.already_registered_on_retry == ()


async def test_a_refused_retry_after_a_lost_success_leaves_the_codes_unknown() -> None:
    result, ledger, _ = await register([lost_success, status(401)], CODES)
    assert isinstance(result, AuthenticationError)
    outcome = ledger.result()
    assert outcome.failed == ()
    assert outcome.unknown_codes == tuple(CODES)
    assert all("may have registered it" in u.reason for u in outcome.unknown)


async def test_a_refusal_at_the_first_attempt_fails_the_codes_and_stops_the_call() -> None:
    result, ledger, _ = await register([status(401)], CODES, chunk_size=2, concurrency=1)
    assert isinstance(result, AuthenticationError)
    outcome = ledger.result()
    assert outcome.failed_codes == tuple(CODES[:2])
    assert [u.sent for u in outcome.unknown] == [False] * 4  # never sent


async def test_an_unreachable_api_stops_the_call() -> None:
    steps = [refused_connection, refused_connection]
    result, ledger, _ = await register(steps, CODES, chunk_size=2, concurrency=1)
    assert isinstance(result, APIConnectionError)
    assert result.request_sent is False
    outcome = ledger.result()
    # No connection was made, so nothing was registered: not even the first chunk's codes.
    assert [u.sent for u in outcome.unknown] == [False] * 6


@pytest.mark.parametrize(
    ("answer", "sent"),
    [(status(429, **{"Retry-After": "1"}), False), (status(408), False), (status(503), True)],
)
async def test_codes_whose_every_attempt_was_refused_unprocessed_are_marked_unsent(
    answer: Step, sent: bool
) -> None:
    result, _, _ = await register([answer, answer], CODES[:2], chunk_size=2)
    assert isinstance(result, RegistrationResult)
    assert result.unknown_codes == tuple(CODES[:2])
    assert [u.sent for u in result.unknown] == [sent, sent]


async def test_a_chunk_answered_once_then_unreachable_does_not_stop_the_call() -> None:
    # Attempt 1 got an answer (a 503): the API can be reached; the chunk's codes are
    # unknown, and the other chunks go on.
    result, _, _ = await register(
        [status(503), refused_connection], CODES, chunk_size=2, concurrency=1
    )
    assert isinstance(result, RegistrationResult)
    assert result.unknown_codes == tuple(CODES[:2])
    assert result.registered_codes == tuple(CODES[2:])


async def test_a_redirect_leaves_the_codes_unknown_and_stops_the_call() -> None:
    result, ledger, _ = await register([status(303, Location="/v2/sim_cards")], CODES)
    assert isinstance(result, APIStatusError)
    assert result.status == 303
    assert all("redirect" in u.reason for u in ledger.result().unknown)


@pytest.mark.parametrize("chunk_size", [1, 4])
async def test_each_chunk_has_its_own_outcome(chunk_size: int) -> None:
    # Only the first chunk's first attempt was lost: later chunks' "already registered"
    # are failures, codes registered before this call.
    result, _, _ = await register(
        [lost_success, refused_as_registered],
        CODES,
        then=refused_as_registered,
        chunk_size=chunk_size,
        concurrency=1,
    )
    assert isinstance(result, RegistrationResult)
    assert result.already_registered_on_retry == tuple(CODES[:chunk_size])
    assert result.failed_codes == tuple(CODES[chunk_size:])


@pytest.mark.parametrize("meta_key", ["page_number", "page_size", "total_pages", "total_results"])
async def test_an_answer_carrying_a_listing_meta_registers_nothing(meta_key: str) -> None:
    def listing_page(codes: list[str]) -> Response:
        cards = [{"id": f"card-{n}", "record_type": "sim_card"} for n in range(len(codes))]
        return json_response({"data": cards, "meta": {meta_key: 1}}, status=202)

    result, _, _ = await register([], CODES, then=listing_page)
    assert isinstance(result, RegistrationResult)
    assert result.registered_codes == ()
    assert result.unknown_codes == tuple(CODES)
