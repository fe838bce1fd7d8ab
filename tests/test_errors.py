"""Each server fault becomes the typed error for its status, with its details, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from telnyx_wireless_async import (
    APIResponseValidationError,
    APIStatusError,
    AsyncSession,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    TelnyxError,
    UnprocessableEntityError,
)
from telnyx_wireless_async.testing import EmulatorState, Fault

from .conftest import API_KEY, raw_json

STATUS_ERRORS = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (418, APIStatusError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
]


@pytest.fixture
async def no_retry_session(base_url: str) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(API_KEY, base_url=base_url, retry=RetryPolicy(max_attempts=1)) as s:
        yield s


@pytest.mark.parametrize(("status", "error_class"), STATUS_ERRORS)
async def test_status_maps_to_error_class(
    no_retry_session: AsyncSession,
    state: EmulatorState,
    status: int,
    error_class: type[APIStatusError],
) -> None:
    detail = f"detail for {status}"
    state.add_fault(
        Fault(
            status=status,
            body={"errors": [{"code": "90001", "title": f"Title {status}", "detail": detail}]},
        )
    )
    with pytest.raises(APIStatusError) as caught:
        await no_retry_session.sim_cards.list()
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, TelnyxError)
    assert error.status == status
    assert [(e.code, e.title, e.detail) for e in error.errors] == [
        ("90001", f"Title {status}", detail)
    ]
    assert error.request_id  # every emulator response carries x-request-id
    assert error.request_id
    assert error.request_id in str(error)
    assert detail in str(error)


async def test_validation_error_from_the_real_server_names_the_parameter(
    no_retry_session: AsyncSession,
) -> None:
    # Sent around the SDK's own checks, so that the server is the one refusing it.
    with pytest.raises(BadRequestError) as caught:
        await no_retry_session.request(
            "GET",
            "/sim_cards",
            params={"page[size]": "500"},
            parse=raw_json,
        )
    (error,) = caught.value.errors
    assert error.source is not None
    assert error.source.parameter == "page[size]"


async def test_unknown_path_is_not_found(no_retry_session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await no_retry_session.request("GET", "/no_such_thing", parse=raw_json)


async def test_error_body_that_is_not_json_still_gives_the_status_error(
    no_retry_session: AsyncSession, state: EmulatorState
) -> None:
    state.add_fault(Fault(status=502, body=b"<html>Bad gateway</html>"))
    with pytest.raises(InternalServerError) as caught:
        await no_retry_session.sim_cards.list()
    assert caught.value.errors == ()
    assert "Bad gateway" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": [{"id": "x"}], "meta": {"page_number": 1',  # truncated
        b"not json at all",
        b'{"data": [], "meta": {"page_number": "one"}}',  # wrong type
        b'{"data": {"id": 1}}',  # no meta, data not a list
        b'{"data": "oops", "meta": {"page_number": 1, "page_size": 20, "total_pages": 1,'
        b' "total_results": 1}}',  # a string where the cards belong
        b'{"data": [{"status": "enabled"}], "meta": {"page_number": 1, "page_size": 20,'
        b' "total_pages": 1, "total_results": 1}}',  # a string where an object belongs
        b"[]",
        b"",
    ],
)
async def test_malformed_success_body_is_a_validation_error(
    no_retry_session: AsyncSession, state: EmulatorState, body: bytes
) -> None:
    state.add_fault(Fault(status=200, body=body))
    with pytest.raises(APIResponseValidationError) as caught:
        await no_retry_session.sim_cards.list()
    assert caught.value.status == 200
    assert caught.value.body == body


async def test_unknown_enum_value_and_extra_fields_do_not_break_a_page(
    no_retry_session: AsyncSession, state: EmulatorState
) -> None:
    card = {
        "id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58",
        "status": {"value": "quantum_entangled", "reason": "new"},
        "type": "nano",
        "brand_new_field": {"x": 1},
        "data_limit": {"amount": "2048.0", "unit": "TB"},
    }
    meta = {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}
    state.add_fault(Fault(status=200, body={"data": [card], "meta": meta}))
    page = await no_retry_session.sim_cards.list()
    (parsed,) = page.data
    assert parsed.status is not None
    assert parsed.status.value == "quantum_entangled"
    assert parsed.type == "nano"
    assert parsed.data_limit is not None
    assert parsed.data_limit.unit == "TB"
