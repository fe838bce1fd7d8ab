"""Session-wide pacing from one parsed `RateLimit`: on a fake clock, and through a MockTransport."""

from __future__ import annotations

import asyncio

import pytest

from telnyx_wireless_async import AsyncSession, RateLimitError, RetryPolicy
from telnyx_wireless_async._http import NO_ANSWER, RateLimit
from telnyx_wireless_async._throttle import Throttle
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY, FakeClock

BASE = "https://api.example.test/v2"
EMPTY = {"data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 0,
                              "total_results": 0}}  # fmt: skip


async def test_a_429_pauses_everyone_until_the_reset(clock: FakeClock) -> None:
    throttle = Throttle(clock=clock)
    assert await throttle.acquire()
    throttle.release(RateLimit(reset=5.0, rate_limited=True))
    assert throttle.remaining_pause == 5.0
    assert await throttle.acquire(deadline=clock() + 5.0) is False
    clock.advance(5.0)
    assert await throttle.acquire(deadline=clock() + 5.0) is True


async def test_a_pause_is_cut_to_max_pause(clock: FakeClock) -> None:
    throttle = Throttle(clock=clock)
    assert await throttle.acquire()
    throttle.release(RateLimit(retry_after=3600.0, rate_limited=True), max_pause=3.0)
    assert throttle.remaining_pause == 3.0


async def test_remaining_less_the_requests_in_flight_may_start(clock: FakeClock) -> None:
    throttle = Throttle(clock=clock)
    assert await throttle.acquire()
    assert await throttle.acquire()
    # One answer says two are left; one request is still in flight: one more may start.
    throttle.release(RateLimit(limit=10, remaining=2, reset=1.0))
    assert await throttle.acquire()
    waiting = asyncio.ensure_future(throttle.acquire())
    await asyncio.sleep(0)
    assert not waiting.done()
    throttle.release(RateLimit(limit=10, remaining=5, reset=1.0))
    assert await waiting is True


async def test_no_answer_teaches_nothing(clock: FakeClock) -> None:
    throttle = Throttle(clock=clock)
    assert await throttle.acquire()
    throttle.release(NO_ANSWER)
    assert throttle.remaining_pause == 0.0
    assert await throttle.acquire()


async def test_an_answer_with_nothing_left_holds_the_next_request_back() -> None:
    # A 200 that says no request is left: the next request would meet a 429, so the
    # session holds it back until the reset, and fails it at once past max_time.
    answers = 0

    def handler(request: Request) -> Response:
        nonlocal answers
        answers += 1
        limits = {"x-ratelimit-limit": "5", "x-ratelimit-remaining": "0",
                  "x-ratelimit-reset": "30"}  # fmt: skip
        return json_response(EMPTY, headers=limits)

    policy = RetryPolicy(max_time=2.0, max_attempts=1)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        await s.sim_cards.list()
        with pytest.raises(RateLimitError, match="past the retry policy's max_time") as caught:
            await s.sim_cards.list()
    assert answers == 1
    assert caught.value.retry_after is not None
    assert 25 < caught.value.retry_after <= 30


async def test_the_retry_delay_honours_the_parsed_rate_limit() -> None:
    seen = 0
    delays: list[float] = []

    def handler(request: Request) -> Response:
        nonlocal seen
        seen += 1
        if seen == 1:
            return json_response({"errors": []}, status=429, headers={"x-ratelimit-reset": "7"})
        return json_response(EMPTY)

    policy = RetryPolicy(wait=False, on_retry=lambda event: delays.append(event.delay))
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        await s.sim_cards.list()
    assert delays == [7.0]
