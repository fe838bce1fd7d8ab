"""sim_cards.register: every code sent comes back accounted for, over HTTP."""

from __future__ import annotations

import logging

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    AuthenticationError,
    RegistrationLedger,
    RegistrationResult,
    SimCardStatusValue,
    UnprocessableEntityError,
)
from telnyx_wireless_async.testing import EmulatorState, Fault, registration_code

GROUP = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"


def corrupt(code: str) -> str:
    """The same code with a wrong check digit: 10 digits, but not a valid code."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def accounted(result: RegistrationResult) -> list[str]:
    return (
        list(result.registered_codes)
        + [f.registration_code for f in result.failed]
        + list(result.unknown_codes)
    )


async def test_register_valid_codes(session: AsyncSession, state: EmulatorState) -> None:
    codes = [registration_code(n) for n in range(1, 4)]
    result = await session.sim_cards.register(codes, tags=["batch-1"], status="standby")
    assert sorted(result.registered_codes) == sorted(codes)
    assert result.failed == ()
    assert result.unknown == ()
    assert len(result.cards) == 3
    assert all(
        card.status and card.status.value == SimCardStatusValue.STANDBY for card in result.cards
    )
    assert all(card.tags == ("batch-1",) for card in result.cards)
    assert state.registered_codes == codes


async def test_mixed_codes_are_each_accounted_for_once(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.inventory.create_group("Registration", group_id=GROUP)
    earlier = [registration_code(n) for n in (100, 101)]
    await session.sim_cards.register(earlier)

    valid = [registration_code(n) for n in range(200, 206)]
    invalid = [corrupt(registration_code(n)) for n in (300, 301, 302)]
    sent = [valid[0], invalid[0], earlier[0], valid[1], valid[0], invalid[1]]
    sent += [*valid[2:], earlier[1], invalid[2], valid[3]]
    result = await session.sim_cards.register(sent, sim_card_group_id=GROUP)

    unique = list(dict.fromkeys(sent))
    assert sorted(accounted(result)) == sorted(unique)  # every code once, duplicates once
    assert sorted(result.registered_codes) == sorted(valid)
    failed = {f.registration_code: f.error for f in result.failed}
    assert sorted(failed) == sorted(invalid + earlier)
    # The pointer was mapped back to the right code: each error's detail names its code.
    for code, error in failed.items():
        assert error.code
        assert error.title
        assert code in (error.detail or "")
    invalid_titles = {failed[c].title for c in invalid}
    already_titles = {failed[c].title for c in earlier}
    assert invalid_titles.isdisjoint(already_titles)
    assert result.unknown == ()
    assert result.unattributed_errors == ()
    assert all(card.sim_card_group_id == GROUP for card in result.cards)

    # The server saw each unique code once, in the order given.
    assert state.registered_codes == earlier + valid


async def test_registered_cards_are_listed_afterwards(
    session: AsyncSession, state: EmulatorState
) -> None:
    before = await session.sim_cards.list(page_size=1)
    result = await session.sim_cards.register([registration_code(n) for n in range(10, 15)])
    after = await session.sim_cards.list(page_size=1)
    assert after.meta.total_results == before.meta.total_results + 5
    tail = await session.sim_cards.list(page_number=after.meta.total_results, page_size=1)
    assert tail.data[0].id in {card.id for card in result.cards}


async def test_codes_from_a_generator(session: AsyncSession) -> None:
    result = await session.sim_cards.register(registration_code(n) for n in range(50, 53))
    assert len(result.registered_codes) == 3


async def test_request_refused_as_a_whole_stops_the_call_with_the_error(
    session: AsyncSession, state: EmulatorState
) -> None:
    # Chunks larger than the server takes: every chunk would be refused alike.
    state.max_codes_per_request = 5
    codes = [registration_code(n) for n in range(60)]
    ledger = RegistrationLedger()
    with pytest.raises(UnprocessableEntityError, match="at most 5"):
        await session.sim_cards.register(codes, chunk_size=6, concurrency=2, ledger=ledger)
    posts = [r for r in state.requests if r.method == "POST"]
    assert len(posts) == 2  # the two first chunks, sent together; nothing after them
    result = ledger.result()
    assert sorted(accounted(result)) == sorted(codes)
    assert result.failed_codes == tuple(codes[:12])
    assert {f.error.code for f in result.failed} == {"10015"}
    assert all("5" in (f.error.detail or "") for f in result.failed)  # the limit is named
    assert all(not u.sent for u in result.unknown)
    assert state.registered_codes == []


async def test_a_wrong_key_raises_instead_of_failing_every_code(
    base_url: str, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(1000)]
    async with AsyncSession("not-the-key", base_url=base_url, timeout=5) as telnyx:
        with pytest.raises(AuthenticationError):
            await telnyx.sim_cards.register(codes, chunk_size=100, concurrency=3)
    assert len([r for r in state.requests if r.method == "POST"]) == 3


async def test_a_code_refused_by_pointer_does_not_stop_the_call(
    session: AsyncSession, state: EmulatorState
) -> None:
    # A 422 whose error points at one code of the chunk refuses the codes, not the call.
    pointer = {"pointer": "/registration_codes/1"}
    error = {"code": "10015", "title": "Bad Request", "source": pointer}
    state.add_fault(Fault(status=422, body={"errors": [error]}, method="POST"))
    codes = [registration_code(n) for n in range(20)]
    result = await session.sim_cards.register(codes, chunk_size=5, concurrency=1)
    assert result.failed_codes == tuple(codes[:5])
    assert result.registered_codes == tuple(codes[5:])


async def test_a_failing_progress_callback_is_logged_and_loses_nothing(
    session: AsyncSession, state: EmulatorState, caplog: pytest.LogCaptureFixture
) -> None:
    def on_progress(done: int, total: int) -> None:
        raise RuntimeError("metrics backend down")

    caplog.set_level(logging.DEBUG, logger="telnyx_wireless_async")
    codes = [registration_code(n) for n in range(300)]
    result = await session.sim_cards.register(codes, chunk_size=100, on_progress=on_progress)
    assert sorted(result.registered_codes) == sorted(codes)
    assert sorted(state.registered_codes) == sorted(codes)
    failures = [r for r in caplog.records if "on_progress raised" in r.getMessage()]
    assert len(failures) == 3  # each is logged, but one traceback is enough
    first, *again = failures
    assert first.levelno == logging.WARNING
    assert first.exc_info
    assert "metrics backend down" in str(first.exc_info[1])
    assert all(r.exc_info is None and "metrics backend down" in r.getMessage() for r in again)


async def test_cards_missing_from_the_response_make_codes_unknown(
    session: AsyncSession, state: EmulatorState
) -> None:
    codes = [registration_code(n) for n in range(60, 64)]
    bad = corrupt(registration_code(64))
    # A server that accepts the request but returns fewer cards than codes it did not refuse:
    # which codes were registered cannot be told, so none is reported as registered.
    state.add_fault(
        Fault(
            status=202,
            body={
                "data": [],
                "errors": [
                    {
                        "code": "10015",
                        "title": "Invalid",
                        "source": {"pointer": "/registration_codes/4"},
                    },
                    {"code": "10000", "title": "Something else"},
                ],
            },
        )
    )
    result = await session.sim_cards.register([*codes, bad])
    assert result.registered_codes == ()
    assert sorted(result.unknown_codes) == sorted(codes)
    assert all("fewer cards" in u.reason for u in result.unknown)
    assert [f.registration_code for f in result.failed] == [bad]
    assert [e.title for e in result.unattributed_errors] == ["Something else"]
