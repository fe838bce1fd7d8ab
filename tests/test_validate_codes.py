"""Validating registration codes: chunks, concurrency, and every unique code accounted for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    AuthenticationError,
    CodeValidationResult,
    RegistrationCodeValidation,
    RetryPolicy,
)
from telnyx_wireless_async._code_validation import NO_VERDICT, NOT_MENTIONED
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"
PATH = f"{BASE}/sim_cards/actions/validate_registration_codes"


def code(n: int) -> str:
    return f"{n:010d}"


def verdicts(codes: list[str]) -> list[dict[str, Any]]:
    """The API's verdicts: odd codes are invalid."""
    return [
        {
            "record_type": "sim_card_registration_code_validation",
            "registration_code": c,
            "valid": int(c) % 2 == 0,
            "invalid_detail": None if int(c) % 2 == 0 else "This code has already been used.",
        }
        for c in codes
    ]


class Validator:
    def __init__(self) -> None:
        self.bodies: list[list[str]] = []

    def __call__(self, request: Request) -> Response:
        assert (request.method, request.url) == ("POST", PATH)
        assert request.content is not None
        sent = json.loads(request.content)["registration_codes"]
        self.bodies.append(sent)
        return json_response({"data": verdicts(sent)})


def session_for(handler: Any, **retry: Any) -> AsyncSession:
    return AsyncSession(
        API_KEY,
        base_url=BASE,
        transport=MockTransport(handler),
        retry=RetryPolicy(wait=False, **retry),
    )


async def test_every_unique_code_comes_back_valid_or_invalid_in_chunks() -> None:
    validator = Validator()
    codes = [code(n) for n in range(1, 24)] + [code(3), code(4)]
    async with session_for(validator) as telnyx:
        result = await telnyx.sim_cards.validate_registration_codes(
            codes, chunk_size=5, concurrency=3
        )
    assert sorted(len(body) for body in validator.bodies) == [3, 5, 5, 5, 5]
    assert sorted(c for body in validator.bodies for c in body) == [code(n) for n in range(1, 24)]
    assert result.valid == tuple(code(n) for n in range(2, 24, 2))
    assert result.invalid_codes == tuple(code(n) for n in range(1, 24, 2))
    assert result.invalid[0] == RegistrationCodeValidation(
        registration_code=code(1),
        valid=False,
        invalid_detail="This code has already been used.",
        record_type="sim_card_registration_code_validation",
    )
    assert result.unknown == ()
    assert result.duplicates == (code(3), code(4))
    assert not result.ok
    assert repr(result) == "<CodeValidationResult valid=11, invalid=12, unknown=0, duplicates=2>"


async def test_codes_the_answer_leaves_out_or_gives_no_verdict_on_are_unknown() -> None:
    def handler(request: Request) -> Response:
        assert request.content is not None
        sent = json.loads(request.content)["registration_codes"]
        answer = [*verdicts(sent[:2]), {"registration_code": sent[2], "valid": None}]
        answer.append({"registration_code": code(999), "valid": True})  # never sent
        return json_response({"data": answer})

    async with session_for(handler) as telnyx:
        result = await telnyx.sim_cards.validate_registration_codes([code(n) for n in (2, 3, 4, 6)])
    assert result.valid == (code(2),)
    assert result.invalid_codes == (code(3),)
    assert [(u.registration_code, u.reason) for u in result.unknown] == [
        (code(4), NO_VERDICT),
        (code(6), NOT_MENTIONED),
    ]


async def test_a_chunk_that_fails_after_its_retries_leaves_its_codes_unknown() -> None:
    validator = Validator()

    def handler(request: Request) -> Response:
        assert request.content is not None
        if code(1) in json.loads(request.content)["registration_codes"]:
            return json_response({"errors": [{"code": "1", "title": "Down"}]}, status=503)
        return validator(request)

    async with session_for(handler, max_attempts=2) as telnyx:
        result = await telnyx.sim_cards.validate_registration_codes(
            [code(n) for n in range(1, 7)], chunk_size=3
        )
    assert result.unknown_codes == (code(1), code(2), code(3))
    assert all("failed after its retries" in u.reason for u in result.unknown)
    assert result.valid == (code(4), code(6))
    assert result.invalid_codes == (code(5),)


async def test_an_answer_that_cannot_be_read_is_retried() -> None:
    validator = Validator()
    broken = iter([json_response({"data": "oops"})])

    def handler(request: Request) -> Response:
        return next(broken, None) or validator(request)

    async with session_for(handler) as telnyx:
        result = await telnyx.sim_cards.validate_registration_codes([code(2)])
    assert result.valid == (code(2),)
    assert result.ok


async def test_a_refusal_of_the_whole_request_stops_the_call() -> None:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return json_response({"errors": [{"code": "10009", "title": "Unauthorized"}]}, status=401)

    async with session_for(handler) as telnyx:
        with pytest.raises(AuthenticationError):
            await telnyx.sim_cards.validate_registration_codes(
                [code(n) for n in range(1, 101)], chunk_size=10, concurrency=2
            )
    assert len(sent) <= 2  # the chunks in flight, and none after


@pytest.mark.parametrize(
    ("codes", "options", "error", "match"),
    [
        ("0000000001", {}, TypeError, "registration_codes"),
        ([], {}, ValueError, "empty"),
        (["000000001"], {}, ValueError, r"registration_codes\[0\]"),  # 9 digits (the spec's Q14)
        (["0000000001", 1], {}, TypeError, r"registration_codes\[1\]"),
        (["0000000001"], {"chunk_size": 0}, ValueError, "chunk_size"),
        (["0000000001"], {"concurrency": 65}, ValueError, "concurrency"),
        (["0000000001"], {"on_progress": 3}, TypeError, "on_progress"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    codes: Any, options: dict[str, Any], error: type[Exception], match: str
) -> None:
    validator = Validator()
    async with session_for(validator) as telnyx:
        with pytest.raises(error, match=match):
            await telnyx.sim_cards.validate_registration_codes(codes, **options)
    assert validator.bodies == []


def test_a_result_of_valid_codes_only_is_ok() -> None:
    assert CodeValidationResult(valid=("0000000002",)).ok
