"""Bad arguments raise ValueError or TypeError naming the value, before any request is sent."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.testing import EmulatorState, registration_code

CODE = registration_code(1)

Call = Callable[[AsyncSession], Any]


def listing(**options: Any) -> Call:
    return lambda session: session.sim_cards.list(**options)


def streaming(**options: Any) -> Call:
    return lambda session: session.sim_cards.stream(**options)


def registering(codes: Any = (CODE,), **options: Any) -> Call:
    return lambda session: session.sim_cards.register(codes, **options)


CASES = [
    (listing(page_size=0), ValueError, "page_size"),
    (listing(page_size=251), ValueError, "251"),
    (listing(page_size="20"), TypeError, "'20'"),
    (listing(page_number=0), ValueError, "page_number"),
    (listing(status=["enabled", "registering"]), ValueError, "'registering'"),
    (listing(status=[]), ValueError, "status"),
    (listing(status="enabld"), ValueError, r"^status must be one of .*; got 'enabld'$"),
    (listing(tags=["a,b"]), ValueError, "'a,b'"),
    (listing(sim_card_group_id="not-a-uuid"), ValueError, "'not-a-uuid'"),
    (listing(sort="iccid"), ValueError, "'iccid'"),
    (listing(include_sim_card_group="yes"), TypeError, "'yes'"),
    (listing(iccid=""), ValueError, "iccid"),
    (listing(colour="red"), TypeError, "colour"),
    (listing(tags=[]), ValueError, "tags must not be empty"),
    # stream() and pages() check when called, not when first iterated.
    (streaming(prefetch=0), ValueError, "prefetch"),
    (streaming(prefetch=1.5), TypeError, "1.5"),
    (streaming(page_size=251), ValueError, "251"),
    (streaming(status="bogus"), ValueError, "'bogus'"),
    (streaming(colour="red"), TypeError, "colour"),
    (streaming(page_number=2), TypeError, "page_number"),
    (registering("0000000001"), TypeError, "'0000000001'"),
    (registering([]), ValueError, "must not be empty"),
    (registering(iter([])), ValueError, "must not be empty"),
    (registering([CODE, 1234567890]), TypeError, r"registration_codes\[1\]"),
    (registering([CODE, "12345"]), ValueError, "'12345'"),
    (registering(["000000000x"]), ValueError, "'000000000x'"),
    (registering(None), TypeError, "None"),
    (registering(status="registering"), ValueError, "'registering'"),
    (registering(sim_card_group_id="group-1"), ValueError, "'group-1'"),
    (registering(chunk_size=0), ValueError, "chunk_size"),
    (registering(chunk_size=1001), ValueError, "1001"),
    (registering(concurrency=0), ValueError, "concurrency"),
    (registering(concurrency="8"), TypeError, "'8'"),
    (registering(on_progress="print"), TypeError, "on_progress"),
    (registering(ledger=[]), TypeError, "ledger must be a RegistrationLedger"),
    (registering(status=["enabled"]), TypeError, "status must be one of enabled, disabled"),
]


async def attempt(call: Call, session: AsyncSession) -> None:
    """Make the call, awaiting it if it is a coroutine; a generator is left unstarted."""
    result = call(session)
    if inspect.isawaitable(result):
        await result


@pytest.mark.parametrize(("call", "error", "named"), CASES)
async def test_refused_before_any_request(
    session: AsyncSession, state: EmulatorState, call: Call, error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        await attempt(call, session)
    assert state.requests == []
