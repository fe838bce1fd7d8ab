"""The API key never leaks: not in a message, a log, a traceback or a file, whatever fails.

Each fault is served by a raw TCP server on 127.0.0.1 that answers page requests well
(so the command line gets past its first check) and breaks the register request in one
of the ways aiohttp can fail on. Some of them echo the request's ``Authorization`` header
back, as a hostile server may.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncSession,
    AuthenticationError,
    PinPukCodes,
    RegistrationError,
    RegistrationLedger,
    RetryPolicy,
    SimCardDetails,
    TelnyxError,
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
from .test_cli import cli

PAGE = {
    "data": [],
    "meta": {"page_number": 1, "page_size": 1, "total_pages": 1, "total_results": 0},
}


def _response(status: str, headers: list[str], body: bytes = b"") -> bytes:
    head = "\r\n".join([f"HTTP/1.1 {status}", *headers, ""]) + "\r\n"
    return head.encode("latin-1") + body


def _faults(auth: str) -> dict[str, bytes | None]:
    """Raw answers to a register request, by name; None closes the connection unanswered."""
    echo = auth.encode("latin-1")
    detail = json.dumps({"errors": [{"code": "1", "title": "No", "detail": auth}]}).encode()
    return {
        "bad status line": b"HTTP/1.1 2x0 " + echo + b"\r\n\r\n",
        "garbage": b"\x00\x01 " + echo + b"\r\n\r\n",
        "header over 8 KB": _response("200 OK", ["X-Big: " + "a" * 9000 + auth]),
        "invalid header name": _response("200 OK", [f"Bad\x01Name: {auth}"]),
        "redirect loop": _response(
            "307 Temporary Redirect",
            ["Location: /v2/actions/register/sim_cards", "Content-Length: 0"],
        ),
        "body cut short": _response("202 Accepted", ["Content-Length: 500"], b'{"data": ['),
        "bad chunked encoding": _response(
            "202 Accepted", ["Transfer-Encoding: chunked"], b"zz\r\n" + echo + b"\r\n"
        ),
        "bad gzip": _response(
            "202 Accepted",
            ["Content-Encoding: gzip", "Content-Length: 20"],
            echo[:20].ljust(20, b"x"),
        ),
        "key echoed in a 500 body": _response(
            "500 Oops", ["Content-Type: text/plain", f"Content-Length: {len(echo)}"], echo
        ),
        "key echoed in the request id of a 401": _response(
            "401 Unauthorized", [f"x-request-id: {auth}", "Content-Length: 0"]
        ),
        "key echoed in an error's detail": _response(
            "422 Unprocessable Entity",
            ["Content-Type: application/json", f"Content-Length: {len(detail)}"],
            detail,
        ),
        "key echoed in a 2xx body": _response(
            "202 Accepted", [f"Content-Length: {len(echo) + 2}"], b"<" + echo + b">"
        ),
        "dropped": None,
    }


FAULTS = sorted(_faults("Bearer x"))


class RawServer:
    """Answers GET /v2/sim_cards with an empty page and everything else with `answer`."""

    def __init__(self, answer: Callable[[str], bytes | None]) -> None:
        self.answer = answer
        self.auth_seen: list[str] = []
        self.server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/v2"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                length = int(headers.get("Content-Length", "0"))
                if length:
                    await reader.readexactly(length)
                auth = headers.get("Authorization", "")
                self.auth_seen.append(auth)
                if lines[0].startswith("GET /v2/sim_cards"):
                    body = json.dumps(PAGE).encode()
                    writer.write(
                        _response(
                            "200 OK",
                            ["Content-Type: application/json", f"Content-Length: {len(body)}"],
                            body,
                        )
                    )
                    await writer.drain()
                    continue
                raw = self.answer(auth)
                if raw is not None:
                    writer.write(raw)
                    await writer.drain()
                break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def raw_server() -> AsyncIterator[
    Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]]
]:
    servers: list[RawServer] = []

    async def start(answer: Callable[[str], bytes | None]) -> RawServer:
        raw = RawServer(answer)
        raw.server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
        servers.append(raw)
        return raw

    yield start
    for raw in servers:
        assert raw.server is not None
        raw.server.close()
        await raw.server.wait_closed()


def everything_said_about(error: BaseException) -> str:
    """Every text a user or a log could show of `error`: str, repr, traceback, chain, pickle."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        texts += [str(link), repr(link), repr(getattr(link, "__dict__", {}))]
        link = link.__cause__ or link.__context__
    texts.append(repr(pickle.loads(pickle.dumps(error)).__dict__))
    return "\n".join(texts)


def assert_no_key(text: str) -> None:
    assert API_KEY not in text
    assert API_KEY[4:16] not in text  # no part of it either, however it was cut


@pytest.mark.parametrize("fault", FAULTS)
async def test_no_transport_failure_leaks_the_key_from_register(
    fault: str,
    raw_server: Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    raw = await raw_server(lambda auth: _faults(auth)[fault])
    policy = RetryPolicy(wait=False, max_attempts=2)
    codes = [registration_code(i) for i in range(3)]
    ledger = RegistrationLedger()
    stopped: list[BaseException] = []
    async with AsyncSession(API_KEY, base_url=raw.base_url, retry=policy, timeout=5) as session:
        try:
            await session.sim_cards.register(codes, ledger=ledger)
        except TelnyxError as error:  # a request refused as a whole stops the call
            stopped.append(error)
        with pytest.raises(TelnyxError) as raised:
            await session.request("POST", "/actions/register/sim_cards", parse=_keep, json={})
    assert f"Bearer {API_KEY}" in raw.auth_seen  # the key went out, so it could come back
    result = ledger.result()
    assert not result.ok
    with pytest.raises(RegistrationError) as failures:
        result.raise_for_failures()
    texts = [
        *(everything_said_about(error) for error in stopped),
        everything_said_about(raised.value),
        everything_said_about(failures.value),
        repr(result),
        repr([u.reason for u in result.unknown]),
        repr([f.error for f in result.failed]),
        *(logging.Formatter().format(record) for record in caplog.records),
    ]
    for text in texts:
        assert_no_key(text)


async def _keep(payload: object) -> object:
    return payload


async def test_a_borrowed_session_that_raises_for_status_leaks_nothing_and_gets_a_401(
    raw_server: Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = b'{"errors": [{"code": "10009", "title": "Authentication failed"}]}'
    answer = _response("401 Unauthorized", [f"Content-Length: {len(body)}"], body)
    raw = await raw_server(lambda auth: answer)
    async with (
        aiohttp.ClientSession(raise_for_status=True) as http,
        AsyncSession(
            API_KEY, base_url=raw.base_url, http_session=http, retry=RetryPolicy(wait=False)
        ) as session,
    ):
        with pytest.raises(AuthenticationError) as raised:
            await session.request("POST", "/actions/register/sim_cards", parse=_keep, json={})
    assert len(raw.auth_seen) == 1  # a 401 is not retried, as a connection error would be
    assert_no_key(everything_said_about(raised.value))
    assert_no_key(caplog.text)


async def test_a_refused_connection_says_so_without_the_key() -> None:
    async with AsyncSession(
        API_KEY, base_url="http://127.0.0.1:9/v2", retry=RetryPolicy(wait=False)
    ) as session:
        with pytest.raises(APIConnectionError) as raised:
            await session.sim_cards.list()
    assert raised.value.request_sent is False
    assert_no_key(everything_said_about(raised.value))


@pytest.mark.parametrize(
    "fault", ["bad status line", "header over 8 KB", "key echoed in a 500 body"]
)
async def test_the_command_line_leaks_the_key_nowhere(
    fault: str,
    raw_server: Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]],
    tmp_path: Path,
) -> None:
    raw = await raw_server(lambda auth: _faults(auth)[fault])
    codes = tmp_path / "codes.txt"
    codes.write_text("".join(f"{registration_code(i)}\n" for i in range(5)))
    ledger = tmp_path / "ledger.jsonl"
    run = await cli(
        "--debug",
        "--base-url",
        raw.base_url,
        "register",
        str(codes),
        "--ledger",
        str(ledger),
        api_key=API_KEY,
    )
    assert run.status != 0
    assert f"Bearer {API_KEY}" in raw.auth_seen
    assert_no_key(run.stdout)
    assert_no_key(run.stderr)
    assert ledger.exists()
    assert_no_key(ledger.read_text())


async def test_a_key_echoed_into_a_card_field_leaks_from_no_part_of_the_schema_error(
    raw_server: Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]],
) -> None:
    def answer(auth: str) -> bytes:
        card = {"id": "x", "created_at": auth}  # not a timestamp: the page does not fit
        meta = {"page_number": 1, "page_size": 1, "total_pages": 1, "total_results": 1}
        body = json.dumps({"data": [card], "meta": meta}).encode()
        return _response("202 Accepted", [f"Content-Length: {len(body)}"], body)

    raw = await raw_server(answer)
    async with AsyncSession(
        API_KEY, base_url=raw.base_url, retry=RetryPolicy(wait=False, max_attempts=1)
    ) as session:
        with pytest.raises(TelnyxError) as raised:
            await session.request("POST", "/actions/register/sim_cards", parse=_page, json={})
    assert "created_at" in str(raised.value)
    assert_no_key(everything_said_about(raised.value))


async def _page(payload: object) -> object:
    from telnyx_wireless_async._serde import structure_page

    return structure_page(payload)


@pytest.mark.parametrize("escaped", [False, True])
async def test_a_key_echoed_in_a_2xx_registration_error_reaches_no_result_or_message(
    raw_server: Callable[[Callable[[str], bytes | None]], Awaitable[RawServer]], escaped: bool
) -> None:
    def answer(auth: str) -> bytes:
        echo = "".join(f"\\u{ord(c):04x}" for c in auth) if escaped else auth
        error = f'{{"code":"1","title":"No","detail":"{echo}",'
        error += '"source":{"pointer":"/registration_codes/0"}}'
        body = f'{{"data":[],"errors":[{error}]}}'.encode()
        return _response("202 Accepted", [f"Content-Length: {len(body)}"], body)

    raw = await raw_server(answer)
    policy = RetryPolicy(wait=False, max_attempts=1)
    async with AsyncSession(API_KEY, base_url=raw.base_url, retry=policy) as session:
        result = await session.sim_cards.register([registration_code(0)])
    with pytest.raises(RegistrationError) as failures:
        result.raise_for_failures()
    assert len(result.failed) == 1
    assert_no_key(repr(result.failed))
    assert_no_key(everything_said_about(failures.value))


# -- PIN and PUK codes ----------------------------------------------------------------------

CARD_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
PINS = {"pin1": "4821", "pin2": "9357", "puk1": "61738294", "puk2": "50274913"}


def assert_no_pin(text: str) -> None:
    for secret in PINS.values():
        assert secret not in text


def test_pin_and_puk_codes_are_redacted_in_every_repr_and_str() -> None:
    codes = PinPukCodes(**PINS)
    card = SimCardDetails(id=CARD_ID, pin_puk_codes=codes)
    for text in (repr(codes), str(codes), repr(card), str(card), f"{card}", repr([card])):
        assert_no_pin(text)
        assert "<redacted>" in text
    assert repr(PinPukCodes(pin1="1234")) == (
        "PinPukCodes(pin1='<redacted>', pin2=None, puk1=None, puk2=None)"
    )
    assert codes.pin1 == "4821"  # still there to be read on purpose


BROKEN_ANSWERS = [
    # Not JSON, the codes within the first bytes an error would quote.
    b'{"data": {"pin_puk_codes": {"pin1": "4821", "pin2": "9357", "puk1": "61738294"',
    # JSON that does not fit the model, a code where an object belongs, and a value
    # the wire rules would quote.
    json.dumps({"data": {"pin_puk_codes": "4821 9357 61738294 50274913"}}).encode(),
    json.dumps({"data": {"id": CARD_ID, "pin_puk_codes": {**PINS, "pin1": ["4821"]}}}).encode(),
]
"""Answers to a card fetched with its PIN and PUK codes that hold the codes but cannot be read."""


@pytest.mark.parametrize("broken", BROKEN_ANSWERS)
async def test_a_broken_answer_holding_pin_codes_leaks_them_nowhere(
    broken: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    transport = MockTransport(lambda request: Response(status=200, content=broken))
    async with AsyncSession(
        API_KEY,
        base_url="https://api.example.test/v2",
        transport=transport,
        retry=RetryPolicy(wait=False, max_attempts=2),
    ) as telnyx:
        with pytest.raises(APIResponseValidationError, match="withheld") as caught:
            await telnyx.sim_cards.get(CARD_ID, include_pin_puk_codes=True)
    assert_no_pin(everything_said_about(caught.value))
    assert caught.value.body == b""
    assert "retrying" in caplog.text  # the failure was logged, and retried
    assert_no_pin(caplog.text)
    assert_no_pin(repr(pickle.loads(pickle.dumps(caught.value))))


async def test_pin_codes_of_a_good_answer_reach_no_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    card = {"data": {"id": CARD_ID, "pin_puk_codes": PINS}}
    transport = MockTransport(lambda request: json_response(card))
    async with AsyncSession(
        API_KEY, base_url="https://api.example.test/v2", transport=transport
    ) as telnyx:
        got = await telnyx.sim_cards.get(CARD_ID, include_pin_puk_codes=True)
    assert got.pin_puk_codes == PinPukCodes(**PINS)
    assert_no_pin(caplog.text)
    assert_no_pin(repr(got))


def pin_session(answer: Response | Callable[[], Response]) -> AsyncSession:
    def handler(request: object) -> Response:
        return answer() if callable(answer) else answer

    return AsyncSession(
        API_KEY,
        base_url="https://api.example.test/v2",
        transport=MockTransport(handler),
        retry=RetryPolicy(wait=False, max_attempts=2),
    )


ECHOED = f"could not render pin_puk_codes {PINS}"
ERROR_ANSWERS = {
    "500 with the codes in its detail": (500, {"title": "Internal error", "detail": ECHOED}),
    "422 with the codes in detail and meta": (
        422,
        {"title": "Unprocessable", "detail": "pin1=4821 puk1=61738294", "meta": PINS},
    ),
    "404 with the codes in its title": (404, {"title": f"no card with pin {PINS['pin1']}"}),
    "429 with the codes in its source": (429, {"title": "Slow down", "source": PINS}),
}


@pytest.mark.parametrize(("status", "error"), ERROR_ANSWERS.values(), ids=list(ERROR_ANSWERS))
async def test_an_error_answer_to_a_pin_puk_request_withholds_its_body(
    status: int, error: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = json_response(
        {"errors": [{"code": "10000", **error}]},
        status=status,
        headers={"x-request-id": "req-7"},
    )
    async with pin_session(answer) as telnyx:
        with pytest.raises(APIStatusError) as caught:
            await telnyx.sim_cards.get(CARD_ID, include_pin_puk_codes=True)
    raised = caught.value
    assert_no_pin(everything_said_about(raised))
    assert (raised.status, raised.request_id, raised.errors, raised.body) == (
        status,
        "req-7",
        (),
        b"",
    )
    assert "details withheld" in str(raised)
    assert "PIN and PUK codes" in str(raised)
    assert_no_pin(caplog.text)
    if status >= 500 or status == 429:
        assert "retrying" in caplog.text


async def test_an_error_answer_without_pin_puk_asked_for_keeps_its_details() -> None:
    answer = json_response(
        {"errors": [{"code": "1", "title": "Nope", "detail": "card is busy"}]}, status=422
    )
    async with pin_session(answer) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="card is busy") as caught:
            await telnyx.sim_cards.get(CARD_ID)
    assert caught.value.errors[0].detail == "card is busy"


BROKEN_CARD_ANSWERS = [
    {"data": {"id": CARD_ID, "pin_puk_codes": PINS, "status": 5}},
    {"data": {"id": CARD_ID, "record": {"pin1": PINS["pin1"]}, "tags": PINS["puk1"]}},
]
"""2xx answers to PATCH and DELETE (the spec's SIMCard, holding the codes) that cannot be read."""


@pytest.mark.parametrize("verb", ["update", "delete"])
@pytest.mark.parametrize("broken", BROKEN_CARD_ANSWERS)
async def test_a_broken_card_answer_to_patch_or_delete_keeps_no_code(
    verb: str, broken: dict[str, object]
) -> None:
    async with pin_session(json_response(broken)) as telnyx:
        call = (
            telnyx.sim_cards.update(CARD_ID, tags=["x"])
            if verb == "update"
            else telnyx.sim_cards.delete(CARD_ID)
        )
        with pytest.raises(APIResponseValidationError, match="withheld") as caught:
            await call
    assert caught.value.body == b""
    assert_no_pin(everything_said_about(caught.value))


async def test_a_refused_patch_shows_its_detail_unless_it_mentions_pin_puk_codes() -> None:
    unknown_group = {"code": "10015", "title": "Invalid", "detail": "unknown group"}
    answer = json_response({"errors": [unknown_group]}, status=422)
    async with pin_session(answer) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="unknown group") as caught:
            await telnyx.sim_cards.update(CARD_ID, tags=["x"])
    assert caught.value.errors[0].detail == "unknown group"
    echoing = {"code": "1", "title": "Invalid", "detail": "bad", "meta": {"pin_puk_codes": PINS}}
    answer = json_response({"errors": [echoing]}, status=422)
    async with pin_session(answer) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="withheld") as caught:
            await telnyx.sim_cards.update(CARD_ID, tags=["x"])
    assert (caught.value.errors, caught.value.body) == ((), b"")
    assert_no_pin(everything_said_about(caught.value))


# -- PIN and PUK codes on the command line ------------------------------------------------------


async def test_the_command_line_prints_pin_codes_on_standard_output_only(
    base_url: str, state: EmulatorState
) -> None:
    card = {"data": {"id": CARD_ID, "record_type": "sim_card", "pin_puk_codes": PINS}}
    state.add_fault(
        Fault(status=200, method="GET", path=f"/sim_cards/{CARD_ID}", body=card, times=2)
    )
    text = await cli("--debug", "sim", CARD_ID, "--pin-puk", "--format", "text", base_url=base_url)
    assert text.status == 0, text
    for label, secret in PINS.items():
        assert f"{label.upper()}:" in text.stdout
        assert text.stdout.rstrip().count(secret) == 1
    assert_no_pin(text.stderr)
    as_json = await cli("--debug", "sim", CARD_ID, "--pin-puk", base_url=base_url)
    assert json.loads(as_json.stdout)["pin_puk_codes"] == PINS
    assert_no_pin(as_json.stderr)
    # Asked for, since --pin-puk was given; not asked for without it.
    asked = [r.query for r in state.requests if r.path == f"/v2/sim_cards/{CARD_ID}"]
    assert asked == [[("include_pin_puk_codes", "true")]] * 2


@pytest.mark.parametrize("broken", BROKEN_ANSWERS)
async def test_a_failing_pin_puk_run_shows_no_code_even_with_debug(
    base_url: str, state: EmulatorState, broken: bytes
) -> None:
    path = f"/sim_cards/{CARD_ID}"
    state.add_fault(Fault(status=200, method="GET", path=path, body=broken, times=99))
    run = await cli("--debug", "sim", CARD_ID, "--pin-puk", "--format", "text", base_url=base_url)
    assert run.status == 3, run
    assert "Traceback" in run.stderr  # --debug showed all it shows
    assert "withheld" in run.stderr
    assert run.stdout == ""
    assert_no_pin(run.stderr)


async def test_pin_and_puk_codes_a_server_sends_anyway_reach_no_card_or_record() -> None:
    from telnyx_wireless_async.cli._records import card_to_json

    codes = {"pin1": "4821", "pin2": "7305", "puk1": "93028461", "puk2": "61730942"}

    def handler(request: Request) -> Response:
        card = {"id": "card-1", "iccid": "89310410106543789301", "pin_puk_codes": codes}
        meta = {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}
        return json_response({"data": [card], "meta": meta})

    async with AsyncSession(API_KEY, transport=MockTransport(handler)) as session:
        page = await session.sim_cards.list()
    (card,) = page.data
    said = "\n".join([repr(page), repr(card), str(card), json.dumps(card_to_json(card))])
    assert card.iccid == "89310410106543789301"
    for value in ["pin_puk_codes", *codes.values()]:
        assert value not in said
    assert not hasattr(card, "pin_puk_codes")
