"""The transport seam: `MockTransport` runs the session's logic with no socket."""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncSession,
    InternalServerError,
    RateLimitError,
    ResponseTooLargeError,
    RetryEvent,
    RetryPolicy,
)
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"


def page(number: int, size: int, total: int) -> dict[str, object]:
    start = (number - 1) * size
    cards = [
        {"id": f"card-{i}", "iccid": f"{i:019d}"} for i in range(start, min(total, start + size))
    ]
    pages = -(-total // size)
    meta = {"page_number": number, "page_size": size, "total_pages": pages, "total_results": total}
    return {"data": cards, "meta": meta}


def listing(request: Request) -> Response:
    number = int(request.params["page[number]"])
    return json_response(page(number, int(request.params["page[size]"]), 45))


async def test_a_session_sends_through_the_transport_it_is_given() -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return listing(request)

    async with AsyncSession(API_KEY, base_url=BASE, transport=MockTransport(handler)) as s:
        first = await s.sim_cards.list(page_size=10, status="enabled")
    (request,) = seen
    assert (request.method, request.url) == ("GET", f"{BASE}/sim_cards")
    assert request.params == {
        "filter[status]": "enabled",
        "page[number]": "1",
        "page[size]": "10",
    }
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.content is None
    assert API_KEY not in repr(request)
    assert [card.id for card in first.data] == [f"card-{i}" for i in range(10)]


async def test_a_walk_over_a_mock_transport_yields_every_card_once() -> None:
    transport = MockTransport(listing)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport) as session:
        cards = [card async for card in session.sim_cards.stream(page_size=10, prefetch=3)]
    assert [card.id for card in cards] == [f"card-{i}" for i in range(45)]


async def test_retries_run_above_the_transport() -> None:
    answers = [json_response({"errors": []}, status=503), None]
    events: list[RetryEvent] = []

    def handler(request: Request) -> Response:
        answer = answers.pop(0)
        if answer is None:
            return listing(request)
        return answer

    policy = RetryPolicy(wait=False, on_retry=events.append)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        await s.sim_cards.list()
    assert [type(e.error) for e in events] == [InternalServerError]


async def test_a_lost_success_is_accounted_for_through_a_mock_transport() -> None:
    registered: set[str] = set()
    calls = 0

    async def handler(request: Request) -> Response:
        nonlocal calls
        calls += 1
        assert request.headers["Content-Type"] == "application/json"
        codes = json.loads(request.content or b"{}")["registration_codes"]
        if calls == 1:
            registered.update(codes)
            raise APIConnectionError("the connection dropped after the server acted")
        errors = [
            {"code": "10015", "title": "Invalid registration code",
             "detail": "The registration code is already registered.",
             "source": {"pointer": f"/registration_codes/{i}"}}
            for i, code in enumerate(codes) if code in registered
        ]  # fmt: skip
        return json_response({"data": [], "errors": errors}, status=202)

    codes = [f"{n:010d}" for n in range(5)]
    policy = RetryPolicy(wait=False)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        result = await s.sim_cards.register(codes)
    assert sorted(result.already_registered_on_retry) == codes
    assert result.failed == ()
    assert not result.ok


async def test_a_handler_must_answer_with_a_response() -> None:
    transport = MockTransport(lambda request: {"data": []})  # type: ignore[arg-type,return-value]
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport) as session:
        with pytest.raises(TypeError, match="must return a Response"):
            await session.sim_cards.list()


async def test_a_transport_and_an_http_session_are_not_both_taken() -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(TypeError, match="not both"):
            AsyncSession(API_KEY, transport=MockTransport(listing), http_session=http)
    with pytest.raises(TypeError, match="transport must be an AsyncTransport"):
        AsyncSession(API_KEY, transport=object())  # type: ignore[arg-type]


def runtime_imports(source: str) -> set[str]:
    """The modules a source imports when it runs: not those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(source)
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_sdk_core_imports_aiohttp_in_one_module_only() -> None:
    import telnyx_wireless_async

    root = Path(telnyx_wireless_async.__file__).parent
    core = [*root.glob("*.py"), *root.glob("resources/*.py")]
    importers = sorted(
        str(path.relative_to(root))
        for path in core
        if "aiohttp" in runtime_imports(path.read_text())
    )
    assert importers == ["_transport.py"]


class WindowOfOne:
    """Answers pages with a rate-limit window of one request, and records the concurrency."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, request: Request) -> Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        for _ in range(5):
            await asyncio.sleep(0)  # let other requests start, if they may
        self.in_flight -= 1
        headers = {
            "x-ratelimit-limit": "1",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "60",
        }
        return json_response(page(1, 10, 5), headers=headers)


@pytest.mark.parametrize(("pace", "most"), [(True, 1), (False, 4)])
async def test_pacing_is_its_own_switch_and_wait_false_only_stops_the_sleeping(
    pace: bool, most: int
) -> None:
    # Each answer says the window is spent for 60 s. With wait=False nothing sleeps
    # through it, yet with pacing on the window of one still lets one request at a time.
    served = WindowOfOne()
    policy = RetryPolicy(wait=False)
    async with AsyncSession(
        API_KEY, base_url=BASE, transport=MockTransport(served), retry=policy, pace_requests=pace
    ) as session:
        await session.sim_cards.list(page_size=10)
        await asyncio.gather(*(session.sim_cards.list(page_size=10) for _ in range(4)))
    assert served.most_in_flight == most


async def test_a_mock_responses_header_names_are_case_insensitive() -> None:
    events: list[RetryEvent] = []
    answers = [json_response({"errors": []}, status=429, headers={"retry-after": "7"})]

    def handler(request: Request) -> Response:
        return answers.pop(0) if answers else listing(request)

    policy = RetryPolicy(wait=False, on_retry=events.append)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        await s.sim_cards.list()
    assert [e.delay for e in events] == [7.0]


async def test_a_call_waiting_for_the_rate_limit_budget_stops_at_max_time() -> None:
    # A window of one request in flight at a time, and an answer that does not come: the
    # call queued behind it for the budget gives up at max_time instead of waiting on.
    release = asyncio.Event()

    async def handler(request: Request) -> Response:
        await release.wait()
        window = {"x-ratelimit-limit": "1", "x-ratelimit-remaining": "1"}
        return json_response(page(1, 10, 5), headers=window)

    policy = RetryPolicy(max_time=0.2, max_attempts=1)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        release.set()
        await s.sim_cards.list(page_size=10)  # learns the window: one request at a time
        release.clear()
        first = asyncio.ensure_future(s.sim_cards.list(page_size=10))
        await asyncio.sleep(0)  # `first` takes the budget
        with pytest.raises(RateLimitError, match="spent by other requests until past"):
            await s.sim_cards.list(page_size=10)
        release.set()
        assert len((await first).data) == 5


async def test_a_mock_handler_slower_than_the_timeout_times_out_as_in_production() -> None:
    async def slow(request: Request) -> Response:
        await asyncio.sleep(30)
        return listing(request)

    no_retry = RetryPolicy(max_attempts=1)
    transport = MockTransport(slow)
    async with AsyncSession(
        API_KEY, base_url=BASE, transport=transport, timeout=0.01, retry=no_retry
    ) as session:
        with pytest.raises(APITimeoutError, match=r"timed out after 0\.01 s"):
            await session.sim_cards.list(page_size=5)


async def test_a_mock_body_over_max_response_size_is_refused_as_in_production() -> None:
    transport = MockTransport(listing, max_response_size=1024)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport) as session:
        with pytest.raises(ResponseTooLargeError, match=r"over max_response_size \(1,024 bytes\)"):
            await session.sim_cards.list(page_size=45)
        page = await session.sim_cards.list(page_size=1)  # a small body still passes
    assert len(page.data) == 1


def test_a_mock_transport_refuses_a_bad_size_limit() -> None:
    with pytest.raises(ValueError, match="max_response_size must be at least 1, got 0"):
        MockTransport(listing, max_response_size=0)


async def test_waits_not_slept_still_count_against_max_time() -> None:
    # Retry-After 25 s under max_time 60 s: a third wait would end at 75 s, past the
    # deadline, in production; wait=False must give up at the same point, not retry on.
    served: list[Request] = []

    def handler(request: Request) -> Response:
        served.append(request)
        return json_response({"errors": []}, status=429, headers={"Retry-After": "25"})

    policy = RetryPolicy(max_attempts=10, max_time=60, max_server_delay=60, wait=False)
    transport = MockTransport(handler)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
        with pytest.raises(RateLimitError):
            await s.sim_cards.list(page_size=5)
    assert len(served) == 3
