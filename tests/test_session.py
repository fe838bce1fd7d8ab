"""AsyncSession: configuration, lifecycle, headers, and transport failures, over real HTTP."""

from __future__ import annotations

import asyncio
import gzip
import logging
import socket
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import telnyx_wireless_async
from telnyx_wireless_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncSession,
    InternalServerError,
    ResponseTooLargeError,
    RetryEvent,
    RetryPolicy,
    UnprocessableEntityError,
)
from telnyx_wireless_async.testing import (
    EmulatorState,
    Fault,
    MockTransport,
    Request,
    Response,
    json_response,
    registration_code,
)

from .conftest import API_KEY

NO_RETRY = RetryPolicy(max_attempts=1)


def test_missing_api_key_is_an_error_at_construction(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="TELNYX_API_KEY"):
        AsyncSession()


def test_blank_api_key_is_refused(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="no API key"):
        AsyncSession("   ")


def test_api_key_and_base_url_come_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TELNYX_API_KEY", "from-env-key")
    clean_env.setenv("TELNYX_BASE_URL", "http://127.0.0.1:9/v2/")
    session = AsyncSession()
    assert session.base_url == "http://127.0.0.1:9/v2"


def test_a_non_ascii_host_is_a_base_url(clean_env: pytest.MonkeyPatch) -> None:
    assert AsyncSession("k", base_url="https://bücher.example/v2").base_url.startswith("https://b")


def test_default_base_url(clean_env: pytest.MonkeyPatch) -> None:
    assert AsyncSession("k").base_url == "https://api.telnyx.com/v2"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com",
        "not a url",
        "http://",
        "http://127.0.0.1/v2\x85",  # NEL, a C1 control
        "http://127.0.0.1/\u2028v2",  # line separator
        "http://127.0.0.1/v2\t",
    ],
)
def test_bad_base_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        AsyncSession("k", base_url=url)


@pytest.mark.parametrize(
    ("timeout", "error"),
    [(0, ValueError), (-1.5, ValueError), (float("nan"), ValueError), (True, TypeError)],
)
def test_bad_timeout_is_refused(timeout: float, error: type[Exception]) -> None:
    with pytest.raises(error, match=f"timeout.*{timeout!r}"):
        AsyncSession("k", timeout=timeout)


def test_credentials_in_base_url_are_refused_without_being_repeated() -> None:
    with pytest.raises(ValueError, match="must not carry credentials") as caught:
        AsyncSession("k", base_url="http://user:pa55word@127.0.0.1/v2")
    assert "pa55word" not in str(caught.value)


@pytest.mark.parametrize(
    ("options", "named"),
    [({"retry": {"max_attempts": 2}}, "retry must be a RetryPolicy"),
     ({"http_session": "x"}, "http_session must be an aiohttp.ClientSession")],
)  # fmt: skip
def test_wrong_collaborators_are_refused(options: dict[str, object], named: str) -> None:
    with pytest.raises(TypeError, match=named):
        AsyncSession("k", **options)  # type: ignore[arg-type]


def test_errors_survive_pickling() -> None:
    import pickle

    from telnyx_wireless_async import AuthenticationError, RegistrationError, RegistrationResult
    from telnyx_wireless_async.models import UnsettledCode

    error = AuthenticationError("HTTP 401: no", status=401, request_id="r-1", body=b"{}")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.status, copy.request_id) == (
        AuthenticationError,
        "HTTP 401: no",
        401,
        "r-1",
    )
    result = RegistrationResult(
        unknown=(UnsettledCode(registration_code="0000000001", reason="x"),)
    )
    registration = pickle.loads(pickle.dumps(RegistrationError(result)))
    assert registration.result == result


def test_repr_redacts_the_key() -> None:
    secret = "KEY0192837465-very-secret"
    text = repr(AsyncSession(secret))
    assert secret not in text
    assert "redacted" in text


async def test_requests_carry_auth_and_user_agent(
    session: AsyncSession, state: EmulatorState
) -> None:
    await session.sim_cards.list(page_size=1)
    (request,) = state.requests
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    user_agent = request.headers["User-Agent"]
    assert user_agent.startswith(f"telnyx-wireless-async/{telnyx_wireless_async.__version__}")


async def test_wrong_key_is_refused_by_the_server(base_url: str) -> None:
    from telnyx_wireless_async import AuthenticationError

    async with AsyncSession("wrong-key", base_url=base_url, retry=NO_RETRY) as session:
        with pytest.raises(AuthenticationError) as caught:
            await session.sim_cards.list()
    assert caught.value.status == 401
    assert "wrong-key" not in str(caught.value)


async def test_closed_session_refuses_requests(base_url: str, state: EmulatorState) -> None:
    async with AsyncSession(API_KEY, base_url=base_url) as session:
        await session.sim_cards.list(page_size=1)
    assert session.closed
    with pytest.raises(RuntimeError, match="closed"):
        await session.sim_cards.list(page_size=1)
    assert len(state.requests) == 1


async def test_a_session_used_from_another_event_loop_says_so(base_url: str) -> None:
    async with AsyncSession(API_KEY, base_url=base_url) as telnyx:
        await telnyx.sim_cards.list(page_size=1)

        async def one_page() -> object:
            return await telnyx.sim_cards.list(page_size=1)

        def in_another_loop() -> object:
            return asyncio.run(one_page())

        with pytest.raises(RuntimeError, match="opened in another event loop"):
            await asyncio.to_thread(in_another_loop)
        await telnyx.sim_cards.list(page_size=1)  # still fine in its own loop


async def test_session_opens_lazily_and_closes(base_url: str) -> None:
    session = AsyncSession(API_KEY, base_url=base_url)
    page = await session.sim_cards.list(page_size=2)
    assert len(page.data) == 2
    await session.close()
    await session.close()  # closing twice is harmless
    assert session.closed


async def test_borrowed_http_session_is_used_and_left_open(
    base_url: str, state: EmulatorState
) -> None:
    async with aiohttp.ClientSession(headers={"X-Borrowed": "yes"}) as http:
        async with AsyncSession(API_KEY, base_url=base_url, http_session=http) as session:
            await session.sim_cards.list(page_size=1)
        assert not http.closed
        assert state.requests[0].headers["X-Borrowed"] == "yes"


async def test_timeout_raises_timeout_error(base_url: str, state: EmulatorState) -> None:
    state.latency = 1.0
    async with AsyncSession(API_KEY, base_url=base_url, timeout=0.1, retry=NO_RETRY) as session:
        with pytest.raises(APITimeoutError, match="timed out"):
            await session.sim_cards.list(page_size=1)


async def test_connection_refused_raises_connection_error() -> None:
    # A port that was free a moment ago: nothing listens there now.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v2"
    async with AsyncSession(API_KEY, base_url=url, retry=NO_RETRY) as session:
        with pytest.raises(APIConnectionError) as caught:
            await session.sim_cards.list()
    assert not isinstance(caught.value, APITimeoutError)
    # aiohttp's own words, not the repr of its connection key.
    message = str(caught.value)
    assert (
        f"GET /sim_cards (page 1): could not connect: Cannot connect to host 127.0.0.1:{port}"
        in (message)
    )
    assert "ConnectionKey" not in message


async def test_key_never_reaches_logs_or_errors(
    base_url: str, state: EmulatorState, caplog: pytest.LogCaptureFixture
) -> None:
    from telnyx_wireless_async.testing import Fault

    state.add_fault(Fault(status=503, times=2))
    caplog.set_level(logging.DEBUG)
    policy = RetryPolicy(wait=False, max_attempts=2)
    async with AsyncSession(API_KEY, base_url=base_url, retry=policy) as session:
        with pytest.raises(telnyx_wireless_async.InternalServerError) as caught:
            await session.sim_cards.list()
    assert "retrying" in caplog.text
    assert API_KEY not in caplog.text
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


async def test_the_emulator_record_of_a_request_shows_no_key(
    session: AsyncSession, state: EmulatorState
) -> None:
    await session.sim_cards.list(page_size=1)
    shown = repr(state.requests[0])
    assert API_KEY not in shown
    assert "'Authorization': '<redacted>'" in shown
    assert state.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"  # kept for tests


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/v2\r\nX-Injected: 1",
        "http://127.0.0.1/v2\n",
        "http://127.0.0.1/ v2",
        "http://127.0.0.1/v2?debug=1",
        "http://127.0.0.1/v2?",
        "http://127.0.0.1/v2#top",
        "http://127.0.0.1:99999/v2",
        "http://127.0.0.1:-1/v2",
    ],
)
def test_a_base_url_that_would_fail_later_is_refused_at_construction(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        AsyncSession("k", base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:se/cret@127.0.0.1/v2",  # the '/' ends the authority early
        "http://user:se#cret@127.0.0.1/v2",
        "http://user:se?cret@127.0.0.1/v2",
        "ftp://user:secret@127.0.0.1/v2",
    ],
)
def test_a_password_in_a_refused_base_url_is_never_repeated(url: str) -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        AsyncSession("k", base_url=url)
    assert "cret" not in str(caught.value)


@pytest.mark.parametrize("key", ["KEY\x00abc", "KEY\tabc", "KEY abc", "KEY\x7fabc", "KEYé"])
def test_a_key_that_cannot_go_in_a_header_is_refused_without_being_repeated(key: str) -> None:
    with pytest.raises(ValueError, match="api_key") as caught:
        AsyncSession(key)
    assert "abc" not in str(caught.value)


async def test_a_borrowed_session_that_raises_for_status_still_accounts_for_a_422(
    base_url: str, state: EmulatorState
) -> None:
    state.add_fault(Fault(status=422, path="/actions/register/sim_cards"))
    codes = [registration_code(n) for n in range(3)]
    async with (
        aiohttp.ClientSession(raise_for_status=True) as http,
        AsyncSession(API_KEY, base_url=base_url, http_session=http, retry=NO_RETRY) as session,
    ):
        with pytest.raises(UnprocessableEntityError):
            await session.sim_cards.register(codes)
    assert len(state.requests) == 1


async def _gzip_bomb(request: web.Request) -> web.Response:
    body = gzip.compress(b" " * (4 * 1024 * 1024), compresslevel=9)  # 4 MiB from ~4 KB
    return web.Response(body=body, headers={"Content-Encoding": "gzip"}, status=200)


async def _huge(request: web.Request) -> web.Response:
    return web.Response(body=b"x" * 2_000_000, status=503)


@pytest.mark.parametrize(("handler", "status"), [(_gzip_bomb, 200), (_huge, 503)])
async def test_a_body_over_the_cap_is_refused_and_not_retried(
    handler: Callable[[web.Request], Awaitable[web.Response]], status: int
) -> None:
    app = web.Application()
    app.router.add_get("/v2/sim_cards", handler)
    async with TestServer(app, host="127.0.0.1") as server:
        base_url = str(server.make_url("/v2"))
        events: list[RetryEvent] = []
        policy = RetryPolicy(wait=False, on_retry=events.append)
        async with AsyncSession(
            API_KEY, base_url=base_url, retry=policy, max_response_size=1024 * 1024
        ) as session:
            with pytest.raises(ResponseTooLargeError, match="max_response_size") as caught:
                await session.sim_cards.list()
    assert caught.value.status == status
    assert events == []  # not retried


def test_a_tiny_response_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="max_response_size"):
        AsyncSession("k", max_response_size=10)


async def test_a_session_is_entered_once() -> None:
    session = AsyncSession(API_KEY, transport=MockTransport(lambda r: json_response({})))
    async with session:
        with pytest.raises(RuntimeError, match="open already"):
            async with session:
                pass
        assert "state=open" in repr(session)  # the refused entry closed nothing
    assert "state=closed" in repr(session)
    with pytest.raises(RuntimeError, match="closed"):
        async with session:
            pass


async def test_a_session_used_without_async_with_cannot_be_entered_later() -> None:
    def handler(request: Request) -> Response:
        return json_response({"errors": []}, status=500)

    session = AsyncSession(API_KEY, transport=MockTransport(handler), retry=NO_RETRY)
    with pytest.raises(InternalServerError):
        await session.sim_cards.list()  # opens it
    with pytest.raises(RuntimeError, match="open already"):
        async with session:
            pass
    await session.close()
