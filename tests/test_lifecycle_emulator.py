"""The lifecycle end to end: the SDK against the emulator over real HTTP.

Every card operation of the lifecycle (get, update, delete, enable, disable, set_standby), the
SIM card actions (get, list, wait) and code validation, each through `AsyncSession` against the
emulator on 127.0.0.1. Actions finish on a fake clock shared by the emulator and
``sim_card_actions.wait``, so nothing sleeps. What the SDK returns is compared with what the
emulator holds (`EmulatorState`) and with the requests it received.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from telnyx_wireless_async import (
    ActionTimeoutError,
    AsyncSession,
    DataAmount,
    NotFoundError,
    SimCardAction,
    SimCardDetails,
    SimCardGroup,
    UnprocessableEntityError,
)
from telnyx_wireless_async.testing import EmulatorState, Fault, Outcome
from telnyx_wireless_async.testing import registration_code as code
from telnyx_wireless_async.testing._actions import ActionQuery
from telnyx_wireless_async.testing._inventory import UNAUTHORIZED_IMEI_INTERVAL

from .conftest import API_KEY, FakeClock

UNKNOWN = "00000000-0000-4000-8000-000000000000"
SIZE = 300
DURATION = 10.0
IMEI = "356938035643809"


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    """The emulator's state: its actions take `DURATION` seconds of the fake clock."""
    return EmulatorState(
        api_key=API_KEY, inventory_size=SIZE, seed=0, clock=clock, action_duration=DURATION
    )


def card_with(state: EmulatorState, status: str, *, skip: int = 0) -> str:
    """The id of a synthetic card in `status`, with no action running, used from a good IMEI."""
    inventory = state.inventory
    found = [
        inventory.card_id(index)
        for index in range(inventory.size)
        if inventory.status_of(index) == status
        and index % UNAUTHORIZED_IMEI_INTERVAL
        and state.actions.running(index) is None
        and not inventory.is_deleted(index)
    ]
    assert len(found) > skip, f"too few {status} cards"
    return found[skip]


def fake_sleep(clock: FakeClock) -> Any:
    """A `sleep` for `wait` that moves the fake clock instead of waiting."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    return sleep


async def wait(session: AsyncSession, clock: FakeClock, action: SimCardAction) -> SimCardAction:
    return await session.sim_card_actions.wait(
        action, timeout=DURATION * 3, poll_interval=1.0, clock=clock, sleep=fake_sleep(clock)
    )


def sent(state: EmulatorState, method: str | None = None) -> list[tuple[str, str]]:
    """The (method, path) of every request the emulator received, of `method` if given."""
    return [(r.method, r.path) for r in state.requests if method in (None, r.method)]


def status_of(card: SimCardDetails) -> str | None:
    return None if card.status is None else str(card.status.value)


# -- get ---------------------------------------------------------------------------------------


async def test_get_answers_the_listed_card_in_full(
    session: AsyncSession, state: EmulatorState
) -> None:
    page = await session.sim_cards.list(page_size=5)
    for listed in page.data:
        assert listed.id is not None
        card = await session.sim_cards.get(listed.id)
        assert isinstance(card, SimCardDetails)
        for field in ("id", "iccid", "imsi", "msisdn", "status", "tags", "sim_card_group_id"):
            assert getattr(card, field) == getattr(listed, field), field
        assert card.current_imei is not None
        assert card.live_data_session is not None
        assert card.pin_puk_codes is None
        assert card.sim_card_group is None
    assert all(("include_pin_puk_codes", "true") not in r.query for r in state.requests)


async def test_get_with_pin_puk_codes_gives_the_codes_and_shows_them_nowhere(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "enabled")
    card = await session.sim_cards.get(card_id, include_pin_puk_codes=True)
    assert state.requests[-1].query == [("include_pin_puk_codes", "true")]
    index = state.inventory.index_of(card_id)
    assert index is not None
    codes = state.inventory.card_details(index, include_pin_puk_codes=True)["pin_puk_codes"]
    assert card.pin_puk_codes is not None
    assert {
        "pin1": card.pin_puk_codes.pin1,
        "pin2": card.pin_puk_codes.pin2,
        "puk1": card.pin_puk_codes.puk1,
        "puk2": card.pin_puk_codes.puk2,
    } == codes
    for secret in codes.values():
        assert secret not in repr(card)
        assert secret not in repr(card.pin_puk_codes)


async def test_get_with_the_group_embeds_the_cards_group(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "disabled")
    card = await session.sim_cards.get(card_id, include_sim_card_group=True)
    assert state.requests[-1].query == [("include_sim_card_group", "true")]
    assert isinstance(card.sim_card_group, SimCardGroup)
    assert card.sim_card_group.id == card.sim_card_group_id
    assert card.sim_card_group.id is not None
    group = await session.sim_card_groups.get(card.sim_card_group.id)
    assert card.sim_card_group.name == group.name
    assert card.sim_card_group.default == group.default


async def test_unknown_ids_are_not_found(session: AsyncSession) -> None:
    for call in (
        session.sim_cards.get(UNKNOWN),
        session.sim_cards.update(UNKNOWN, tags=["x"]),
        session.sim_cards.delete(UNKNOWN),
        session.sim_cards.enable(UNKNOWN),
        session.sim_card_actions.get(UNKNOWN),
    ):
        with pytest.raises(NotFoundError) as caught:
            await call
        assert caught.value.status == 404
        assert caught.value.errors
        assert caught.value.errors[0].title


# -- update ------------------------------------------------------------------------------------


async def test_update_each_field_sends_it_alone_and_the_card_keeps_it(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "enabled")
    before = await session.sim_cards.get(card_id)
    group = await session.sim_card_groups.create("Moved here")
    assert group.id is not None

    tagged = await session.sim_cards.update(card_id, tags=["e2e", "fleet"])
    assert json.loads(state.requests[-1].body) == {"tags": ["e2e", "fleet"]}
    assert tagged.tags == ("e2e", "fleet")

    moved = await session.sim_cards.update(card_id, sim_card_group_id=group.id)
    assert json.loads(state.requests[-1].body) == {"sim_card_group_id": group.id}
    assert moved.sim_card_group_id == group.id

    limit = DataAmount(amount=Decimal("1.5"), unit="GB")
    limited = await session.sim_cards.update(card_id, data_limit=limit)
    assert json.loads(state.requests[-1].body) == {"data_limit": {"amount": "1.5", "unit": "GB"}}
    assert limited.data_limit == limit

    allowed = await session.sim_cards.update(card_id, authorized_imeis=[IMEI])
    assert json.loads(state.requests[-1].body) == {"authorized_imeis": [IMEI]}
    assert allowed.authorized_imeis == (IMEI,)

    # Each change stayed: the card as fetched again has all four, and nothing else moved.
    after = await session.sim_cards.get(card_id)
    assert after.tags == ("e2e", "fleet")
    assert after.sim_card_group_id == group.id
    assert after.data_limit == limit
    assert after.authorized_imeis == (IMEI,)
    assert (after.iccid, after.status, after.created_at) == (
        before.iccid,
        before.status,
        before.created_at,
    )
    # And listings follow.
    tagged_cards = [c.id async for c in session.sim_cards.list(tags=["e2e"])]
    assert tagged_cards == [card_id]
    in_group = [c.id async for c in session.sim_cards.list(sim_card_group_id=group.id)]
    assert in_group == [card_id]


async def test_update_authorized_imeis_none_clears_them_and_leaving_it_out_keeps_them(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "enabled")
    await session.sim_cards.update(card_id, authorized_imeis=[IMEI])
    kept = await session.sim_cards.update(card_id, tags=["other"])
    assert "authorized_imeis" not in json.loads(state.requests[-1].body)
    assert kept.authorized_imeis == (IMEI,)
    cleared = await session.sim_cards.update(card_id, authorized_imeis=None)
    assert json.loads(state.requests[-1].body) == {"authorized_imeis": None}
    assert cleared.authorized_imeis is None
    assert (await session.sim_cards.get(card_id)).authorized_imeis is None


async def test_update_to_an_unknown_group_is_a_typed_422_and_changes_nothing(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "enabled")
    before = await session.sim_cards.get(card_id)
    with pytest.raises(UnprocessableEntityError) as caught:
        await session.sim_cards.update(card_id, sim_card_group_id=UNKNOWN, tags=["lost"])
    [problem] = caught.value.errors
    assert problem.source is not None
    assert problem.source.pointer == "/sim_card_group_id"
    assert len(sent(state, "PATCH")) == 1  # a 422 is not retried
    after = await session.sim_cards.get(card_id)
    assert (after.sim_card_group_id, after.tags) == (before.sim_card_group_id, before.tags)


# -- delete ------------------------------------------------------------------------------------


async def test_delete_answers_the_card_disabling_then_it_is_gone(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "enabled")
    before = await session.sim_cards.list(page_size=1)
    deleted = await session.sim_cards.delete(card_id)
    assert state.requests[-1].query == []
    assert deleted.id == card_id
    assert status_of(deleted) == "disabling"
    with pytest.raises(NotFoundError):
        await session.sim_cards.get(card_id)
    after = await session.sim_cards.list(page_size=1)
    assert after.meta.total_results == before.meta.total_results - 1
    assert card_id not in [card.id async for card in session.sim_cards.list()]
    with pytest.raises(NotFoundError):
        await session.sim_cards.delete(card_id)
    with pytest.raises(NotFoundError):
        await session.sim_cards.disable(card_id)


async def test_delete_report_lost_goes_on_the_wire(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "disabled")
    await session.sim_cards.delete(card_id, report_lost=True)
    assert state.requests[-1].query == [("report_lost", "true")]
    with pytest.raises(NotFoundError):
        await session.sim_cards.get(card_id)


async def test_a_card_whose_action_runs_cannot_be_deleted(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "enabled")
    action = await session.sim_cards.disable(card_id)
    with pytest.raises(UnprocessableEntityError):
        await session.sim_cards.delete(card_id)
    await wait(session, clock, action)
    assert status_of(await session.sim_cards.delete(card_id)) == "disabling"


# -- enable, disable, set_standby, and waiting -------------------------------------------------


async def test_disable_enable_and_standby_each_move_the_card_once_waited_for(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "enabled")
    for verb, transit, target in (
        (session.sim_cards.disable, "disabling", "disabled"),
        (session.sim_cards.enable, "enabling", "enabled"),
        (session.sim_cards.set_standby, "setting_standby", "standby"),
        (session.sim_cards.enable, "enabling", "enabled"),
    ):
        started = clock.now
        action = await verb(card_id)
        assert action.sim_card_id == card_id
        assert action.status is not None
        assert action.status.value == "in-progress"
        assert not action.finished
        assert status_of(await session.sim_cards.get(card_id)) == transit
        done = await wait(session, clock, action)
        assert done.id == action.id
        assert done.status is not None
        assert done.status.value == "completed"
        assert done.action_type == action.action_type
        # It finished when the emulator said it would, not before.
        assert clock.now >= started + DURATION
        assert status_of(await session.sim_cards.get(card_id)) == target
    types = [a.action_type async for a in session.sim_card_actions.list(sim_card_id=card_id)]
    assert types == ["disable", "enable", "set_standby", "enable"]
    assert len(state.actions) == 4


async def test_wait_returns_at_once_for_a_finished_action_and_polls_an_id(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    action = await session.sim_cards.disable(card_with(state, "enabled"))
    done = await wait(session, clock, action)
    count = len(state.requests)
    assert await wait(session, clock, done) == done
    assert len(state.requests) == count  # nothing asked
    assert action.id is not None
    assert await session.sim_card_actions.wait(action.id, clock=clock) == done
    assert sent(state)[count:] == [("GET", f"/v2/sim_card_actions/{action.id}")]


async def test_wait_times_out_with_the_last_action_seen(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    action = await session.sim_cards.set_standby(card_with(state, "enabled"))
    with pytest.raises(ActionTimeoutError) as caught:
        await session.sim_card_actions.wait(
            action, timeout=DURATION / 2, poll_interval=1.0, clock=clock, sleep=fake_sleep(clock)
        )
    assert caught.value.action.id == action.id
    assert caught.value.action.status is not None
    assert caught.value.action.status.value == "in-progress"
    # The action goes on: waiting again sees it complete.
    done = await wait(session, clock, caught.value.action)
    assert done.status is not None
    assert done.status.value == "completed"


async def test_an_action_on_a_data_limit_exceeded_card_fails_and_the_card_stays(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "data_limit_exceeded")
    action = await session.sim_cards.disable(card_id)
    done = await wait(session, clock, action)
    assert done.finished
    assert done.status is not None
    assert done.status.value == "failed"
    assert done.status.reason
    assert status_of(await session.sim_cards.get(card_id)) == "data_limit_exceeded"
    failed = [a.id async for a in session.sim_card_actions.list(status="failed")]
    assert failed == [action.id]


async def test_an_action_to_the_status_the_card_has_is_refused_typed(
    session: AsyncSession, state: EmulatorState
) -> None:
    for status, verb in (
        ("enabled", session.sim_cards.enable),
        ("disabled", session.sim_cards.disable),
        ("standby", session.sim_cards.set_standby),
    ):
        with pytest.raises(UnprocessableEntityError) as caught:
            await verb(card_with(state, status))
        assert caught.value.errors[0].detail
    assert len(state.actions) == 0
    # Refused at once: one POST each, no retry, no lookup of the card's actions.
    assert [method for method, _ in sent(state)] == ["POST"] * 3


async def test_an_action_while_one_is_in_progress_is_refused_typed(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "enabled")
    first = await session.sim_cards.disable(card_id)
    for verb in (session.sim_cards.disable, session.sim_cards.set_standby):
        with pytest.raises(UnprocessableEntityError):
            await verb(card_id)
    assert len(state.actions) == 1
    await wait(session, clock, first)
    second = await session.sim_cards.enable(card_id)
    assert second.id != first.id


async def test_enable_and_standby_of_a_card_in_no_group_are_refused_typed(
    session: AsyncSession, state: EmulatorState
) -> None:
    card_id = card_with(state, "disabled")
    index = state.inventory.index_of(card_id)
    assert index is not None
    state.inventory.change(index, sim_card_group_id=None)
    for verb in (session.sim_cards.enable, session.sim_cards.set_standby):
        with pytest.raises(UnprocessableEntityError):
            await verb(card_id)
    assert len(state.actions) == 0


# -- the actions listing -----------------------------------------------------------------------


async def test_actions_get_and_list_by_each_filter(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    started: list[SimCardAction] = []
    for skip in range(3):
        started.append(await session.sim_cards.disable(card_with(state, "enabled", skip=skip)))
    started.append(await session.sim_cards.enable(card_with(state, "disabled")))
    started.append(await session.sim_cards.set_standby(card_with(state, "disabled", skip=1)))
    started.append(await session.sim_cards.disable(card_with(state, "data_limit_exceeded")))
    clock.advance(DURATION)
    late = await session.sim_cards.set_standby(card_with(state, "enabled", skip=5))
    started.append(late)

    # get: each action as the emulator has it now.
    fetched = {a.id: await session.sim_card_actions.get(a.id or "") for a in started}
    for action_id, action in fetched.items():
        stored = state.actions.get(action_id or "")
        assert stored is not None
        assert action.status is not None
        assert (action.status.value, action.status.reason) == (stored.status, stored.reason)
    everything = [a async for a in session.sim_card_actions.list(page_size=2)]
    assert everything == list(fetched.values())

    def ids(**filters: Any) -> list[str | None]:
        return [a.id for a in everything if all(f(a) for f in filters.values())]

    async def listed(**filters: Any) -> list[str | None]:
        return [a.id async for a in session.sim_card_actions.list(**filters)]

    for kind in ("disable", "enable", "set_standby"):
        assert await listed(action_type=kind) == ids(k=lambda a, k=kind: a.action_type == k)
    for status in ("in-progress", "completed", "failed"):
        expected = ids(s=lambda a, s=status: a.status.value == s)
        assert expected, status
        assert await listed(status=status) == expected
    assert await listed(status="in-progress") == [late.id]
    assert late.sim_card_id is not None
    assert await listed(sim_card_id=late.sim_card_id) == [late.id]
    assert await listed(action_type="disable", status="failed") == [started[5].id]
    assert await listed(bulk_sim_card_action_id=UNKNOWN) == []
    # The filters went on the wire as Telnyx names them.
    queries = [dict(r.query) for r in state.requests if r.path == "/v2/sim_card_actions"]
    assert (queries[-2]["filter[action_type]"], queries[-2]["filter[status]"]) == (
        "disable",
        "failed",
    )
    assert queries[-1]["filter[bulk_sim_card_action_id]"] == UNKNOWN
    page = await session.sim_card_actions.list(page_size=3, page_number=2)
    assert [a.id for a in page.data] == [a.id for a in everything[3:6]]
    assert page.meta.total_results == len(started)


# -- registration codes ------------------------------------------------------------------------


async def test_validate_registration_codes_valid_invalid_and_already_registered(
    session: AsyncSession,
) -> None:
    used = code(7)
    registered = await session.sim_cards.register([used])
    assert registered.ok
    bad = "0000000009"
    codes = [code(1), bad, used, code(2), code(1)]
    result = await session.sim_cards.validate_registration_codes(codes, chunk_size=2)
    assert set(result.valid) == {code(1), code(2)}
    invalid = {v.registration_code: v for v in result.invalid}
    assert set(invalid) == {bad, used}
    assert all(v.valid is False and v.invalid_detail for v in invalid.values())
    assert invalid[used].invalid_detail != invalid[bad].invalid_detail
    assert result.unknown == ()
    assert result.duplicates == (code(1),)
    # Nothing was registered by validating.
    page = await session.sim_cards.list(page_size=1)
    assert page.meta.total_results == SIZE + 1


async def test_validate_accounts_for_every_code_in_chunks(
    session: AsyncSession, state: EmulatorState
) -> None:
    codes = [f"{n:010d}" for n in range(1, 50)] + [code(n) for n in range(50, 60)]
    result = await session.sim_cards.validate_registration_codes(codes, chunk_size=10)
    assert len(result.valid) + len(result.invalid) == len(codes)
    assert result.unknown == ()
    assert set(result.valid) >= {code(n) for n in range(50, 60)}
    assert len(sent(state, "POST")) == 6


# -- a lost answer: the action it started is returned, never a second one ----------------------


@pytest.mark.parametrize(("verb", "status"), [("enable", "disabled"), ("disable", "enabled")])
async def test_a_dropped_answer_returns_the_one_action_it_started(
    session: AsyncSession, state: EmulatorState, verb: str, status: str
) -> None:
    card_id = card_with(state, status)
    path = f"/sim_cards/{card_id}/actions/{verb}"
    state.add_fault(Fault(after_processing=True, drop_connection=True, method="POST", path=path))
    action = await getattr(session.sim_cards, verb)(card_id)
    assert state.pending_faults == 0
    assert [r.outcome for r in state.requests] == [Outcome.SCRIPTED, Outcome.OK]
    [stored] = state.actions.select(ActionQuery())
    assert action.id == stored.id
    assert action.action_type == verb
    # One POST (dropped), then the lookup of the card's actions of that type; no second POST.
    assert sent(state) == [("POST", f"/v2{path}"), ("GET", "/v2/sim_card_actions")]
    lookup = dict(state.requests[-1].query)
    assert (lookup["filter[sim_card_id]"], lookup["filter[action_type]"]) == (card_id, verb)


@pytest.mark.parametrize(("verb", "status"), [("enable", "disabled"), ("disable", "enabled")])
async def test_a_retry_refused_as_in_progress_returns_the_action_the_lost_attempt_started(
    session: AsyncSession, state: EmulatorState, verb: str, status: str
) -> None:
    card_id = card_with(state, status)
    path = f"/sim_cards/{card_id}/actions/{verb}"
    state.add_fault(Fault(after_processing=True, drop_connection=True, method="POST", path=path))
    # The first lookup sees no action yet (as a lagging index would), so the POST is retried,
    # and refused: an action is in progress. The second lookup finds it.
    empty = {"data": [], "meta": {"page_number": 1, "page_size": 250, "total_pages": 0,
                                  "total_results": 0}}  # fmt: skip
    state.add_fault(Fault(status=200, body=empty, method="GET", path="/sim_card_actions"))
    action = await getattr(session.sim_cards, verb)(card_id)
    assert len(state.actions) == 1
    [stored] = [state.actions.get(action.id or "")]
    assert stored is not None
    assert stored.sim_card_id == card_id
    assert sent(state) == [
        ("POST", f"/v2{path}"),
        ("GET", "/v2/sim_card_actions"),
        ("POST", f"/v2{path}"),
        ("GET", "/v2/sim_card_actions"),
    ]
    assert [r.outcome for r in state.requests] == [
        Outcome.SCRIPTED,  # processed, then dropped
        Outcome.SCRIPTED,  # the empty page
        Outcome.CLIENT_ERROR,  # the 422: an action is in progress
        Outcome.OK,
    ]


async def test_a_lost_answer_returns_the_new_action_not_an_earlier_one_of_the_same_type(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "disabled")
    earlier = await wait(session, clock, await session.sim_cards.enable(card_id))
    await wait(session, clock, await session.sim_cards.disable(card_id))
    # Enabled again within the lookback, and this time the action is done before the lookup
    # comes: both enable actions are finished, and only the new one was started by this call.
    state.actions.duration = 0.0
    path = f"/sim_cards/{card_id}/actions/enable"
    state.add_fault(Fault(after_processing=True, drop_connection=True, method="POST", path=path))
    action = await session.sim_cards.enable(card_id)
    newest = state.actions.select(ActionQuery())[-1]
    assert newest.action_type == "enable"
    assert action.id == newest.id != earlier.id
    assert len(state.actions) == 3


async def test_a_503_before_processing_is_retried_past_an_earlier_failed_action(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    # Disabling fails while the card is over its data limit; the limit is raised, and
    # the card disabled again, whose first POST meets a 503 that started nothing.
    card_id = card_with(state, "data_limit_exceeded")
    failed = await wait(session, clock, await session.sim_cards.disable(card_id))
    assert failed.status is not None
    assert failed.status.value == "failed"
    big = DataAmount(amount=Decimal(1_000_000), unit="GB")
    await session.sim_cards.update(card_id, data_limit=big)
    assert status_of(await session.sim_cards.get(card_id)) == "enabled"
    path = f"/sim_cards/{card_id}/actions/disable"
    state.add_fault(Fault(status=503, method="POST", path=path))
    action = await session.sim_cards.disable(card_id)
    assert action.id != failed.id
    done = await wait(session, clock, action)
    assert done.status is not None
    assert done.status.value == "completed"
    assert status_of(await session.sim_cards.get(card_id)) == "disabled"


async def test_a_503_before_processing_is_retried_past_an_earlier_completed_action(
    session: AsyncSession, state: EmulatorState, clock: FakeClock
) -> None:
    card_id = card_with(state, "enabled")
    earlier = await wait(session, clock, await session.sim_cards.disable(card_id))
    await wait(session, clock, await session.sim_cards.enable(card_id))
    path = f"/sim_cards/{card_id}/actions/disable"
    state.add_fault(Fault(status=503, method="POST", path=path))
    result = await session.sim_cards.disable_many(
        [card_id], poll_interval=1.0, clock=clock, sleep=fake_sleep(clock)
    )
    [outcome] = result.completed
    assert outcome.action_id != earlier.id
    assert status_of(await session.sim_cards.get(card_id)) == "disabled"
    posts = [p for m, p in sent(state, "POST") if p == f"/v2{path}"]
    assert len(posts) == 3  # two disables, the second sent twice (after its 503)
