"""The sans-I/O core: deciphering recorded responses, with no server and no event loop."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest
from multidict import CIMultiDict

from telnyx_wireless_async import (
    APIResponseValidationError,
    APIStatusError,
    InternalServerError,
    RateLimitError,
    UnprocessableEntityError,
    _http,
)
from telnyx_wireless_async._http import (
    NO_ANSWER,
    USER_AGENT,
    RateLimit,
    build_headers,
    decipher_response,
    parse_rate_limit,
)

NOW = 1_800_000_000.0


def headers(**values: str) -> CIMultiDict[str]:
    return CIMultiDict({k.replace("_", "-"): v for k, v in values.items()})


def test_headers_carry_bearer_key_and_user_agent() -> None:
    built = build_headers("abc")
    assert built["Authorization"] == "Bearer abc"
    assert built["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("telnyx-wireless-async/")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"Retry-After": "5"}, 5.0),
        ({"Retry-After": " 0 "}, 0.0),
        ({"Retry-After": formatdate(NOW + 42, usegmt=True)}, 42.0),
        ({"Retry-After": formatdate(NOW - 42, usegmt=True)}, 0.0),  # a date in the past
        ({"x-ratelimit-reset": "9"}, 9.0),
        ({"Retry-After": "3", "x-ratelimit-reset": "9"}, 3.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "soon", "x-ratelimit-reset": "4"}, 4.0),
        ({"x-ratelimit-reset": "-3"}, 0.0),
        ({}, None),
    ],
)
def test_retry_delay_of_a_429(given: dict[str, str], expected: float | None) -> None:
    assert parse_rate_limit(429, CIMultiDict(given), now=NOW).retry_delay == expected


def test_ratelimit_reset_is_no_retry_hint_on_other_errors() -> None:
    given = CIMultiDict({"x-ratelimit-reset": "9"})
    assert parse_rate_limit(503, given, now=NOW).retry_delay is None
    with pytest.raises(APIStatusError) as caught:
        decipher_response(503, headers(x_ratelimit_reset="9"), b"")
    assert caught.value.retry_after is None
    with pytest.raises(APIStatusError) as caught:
        decipher_response(503, headers(retry_after="4", x_ratelimit_reset="9"), b"")
    assert caught.value.retry_after == 4.0


def test_rate_limit_headers_are_read_into_one_value() -> None:
    given = headers(x_ratelimit_limit="100", x_ratelimit_remaining=" 7 ", x_ratelimit_reset="2.5")
    assert parse_rate_limit(200, given, now=NOW) == RateLimit(limit=100, remaining=7, reset=2.5)
    assert parse_rate_limit(200, headers(), now=NOW) is NO_ANSWER
    assert parse_rate_limit(429, headers(), now=NOW) == RateLimit(rate_limited=True)


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ({"x-ratelimit-limit": "lots"}, RateLimit()),
        ({"x-ratelimit-remaining": "1.5"}, RateLimit()),
        ({"x-ratelimit-remaining": "-2"}, RateLimit(remaining=0)),
        ({"x-ratelimit-reset": "soon"}, RateLimit()),
        ({"Retry-After": "Tue, 15 Nov 1994 08:12:31"}, RateLimit()),  # a date with no zone
    ],
)
def test_unreadable_rate_limit_values_are_ignored(given: dict[str, str], read: RateLimit) -> None:
    assert parse_rate_limit(200, CIMultiDict(given), now=NOW) == read


@pytest.mark.parametrize(
    ("status", "given", "pause"),
    [
        (200, {"x-ratelimit-remaining": "3", "x-ratelimit-reset": "9"}, None),
        (200, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9"}, 9.0),
        (200, {"x-ratelimit-remaining": "0", "Retry-After": "2", "x-ratelimit-reset": "9"}, 2.0),
        (200, {"x-ratelimit-remaining": "0"}, None),  # exhausted, but no word on how long
        (429, {"x-ratelimit-reset": "9"}, 9.0),
        (429, {"x-ratelimit-remaining": "4", "Retry-After": "1"}, 1.0),
        (503, {"x-ratelimit-reset": "9"}, None),
        (503, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9"}, 9.0),
    ],
)
def test_pause_after_an_answer(status: int, given: dict[str, str], pause: float | None) -> None:
    assert parse_rate_limit(status, CIMultiDict(given), now=NOW).pause == pause


def test_success_body_is_decoded() -> None:
    body = json.dumps({"data": [1, 2]}).encode()
    assert decipher_response(200, headers(), body) == {"data": [1, 2]}


def test_rate_limit_response_is_deciphered() -> None:
    body = b'{"errors":[{"code":"10011","title":"Too many requests","detail":"Slow down"}]}'
    with pytest.raises(RateLimitError) as caught:
        decipher_response(429, headers(x_ratelimit_reset="30", x_request_id="r-1"), body)
    error = caught.value
    assert error.retry_after == 30.0
    assert error.request_id == "r-1"
    assert error.errors[0].code == "10011"
    assert str(error) == "HTTP 429: Too many requests: Slow down (request id r-1)"


def test_error_with_pointer_and_meta() -> None:
    body = json.dumps(
        {
            "errors": [
                {
                    "code": "10015",
                    "title": "Bad",
                    "source": {"pointer": "/registration_codes/3"},
                    "meta": {"url": "https://developers.telnyx.com"},
                }
            ]
        }
    ).encode()
    with pytest.raises(UnprocessableEntityError) as caught:
        decipher_response(422, headers(), body)
    (error,) = caught.value.errors
    assert error.source is not None
    assert error.source.pointer == "/registration_codes/3"
    assert error.meta == {"url": "https://developers.telnyx.com"}


def test_error_with_a_number_for_text_keeps_it_as_text() -> None:
    body = json.dumps({"errors": [{"code": 10015, "title": "Bad", "detail": 42}]}).encode()
    with pytest.raises(UnprocessableEntityError) as caught:
        decipher_response(422, headers(), body)
    (error,) = caught.value.errors
    assert (error.code, error.detail) == ("10015", "42")


@pytest.mark.parametrize("body", [b'{"errors": "nope"}', b'{"errors": [{"detail": "x"}]}', b"\xff"])
def test_error_body_of_another_shape_keeps_the_status(body: bytes) -> None:
    with pytest.raises(APIStatusError) as caught:
        decipher_response(409, headers(), body)
    assert caught.value.status == 409
    assert caught.value.errors == ()
    assert caught.value.body == body


def test_body_that_is_not_json_is_a_validation_error() -> None:
    with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
        decipher_response(200, headers(), b'{"data": [')
    assert caught.value.status == 200
    assert caught.value.body == b'{"data": ['


def test_schema_error_keeps_status_body_and_paths() -> None:
    from telnyx_wireless_async._http import schema_error
    from telnyx_wireless_async._serde import ModelError

    error = schema_error(202, b"{}", ModelError("$.meta: required field missing"))
    assert isinstance(error, APIResponseValidationError)
    assert (error.status, error.body) == (202, b"{}")
    assert "$.meta: required field missing" in str(error)


def test_a_deeply_nested_body_is_a_validation_error_with_the_standard_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the speedups extra, json.loads recurses once per level: RecursionError.
    monkeypatch.setattr(_http, "json_loads", json.loads)
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(APIResponseValidationError, match="nested too deeply"):
        decipher_response(200, {}, deep)
    with pytest.raises(InternalServerError):
        decipher_response(500, {}, b'{"errors": ' + deep + b"}")


def test_deeply_nested_card_data_is_a_model_error() -> None:
    from telnyx_wireless_async._serde import ModelError, structure_page

    nested: object = {}
    for _ in range(5_000):
        nested = {"x": nested}
    card = {"id": "c", "resources_with_in_progress_actions": [nested]}
    meta = {"page_number": 1, "page_size": 1, "total_pages": 1, "total_results": 1}
    with pytest.raises(ModelError):
        structure_page({"data": [card], "meta": meta})
