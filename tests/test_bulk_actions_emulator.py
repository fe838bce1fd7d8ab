"""enable_many / disable_many / set_standby_many against the emulator over real HTTP.

The emulator's actions run on a `FakeClock` that only the SDK's sleeps move, so an action
takes "five seconds" whatever the machine's speed, and the suite never sleeps for real.
The assertions use what the spec promises (final card states, the result's partition,
requests counted by the emulator), never the emulator's error codes or listing order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async import AsyncSession, BulkActionResult, RetryPolicy
from telnyx_wireless_async.testing import EmulatorState, FaultProfile, create_app
from telnyx_wireless_async.testing._actions import ActionQuery
from tests.conftest import API_KEY, FakeClock

ACTION_SECONDS = 5.0
LOST = "lost"  # in no synthetic card's tag pool: only the cards a test tags carry it


def lifecycle_state(clock: FakeClock, size: int, **options: object) -> EmulatorState:
    return EmulatorState(
        api_key=API_KEY,
        inventory_size=size,
        seed=7,
        clock=clock,
        action_duration=ACTION_SECONDS,
        **options,  # type: ignore[arg-type]
    )


class Sleeper:
    """Sleeps by moving the fake clock the emulator's actions run on."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)


async def open_session(
    state: EmulatorState, retry: RetryPolicy | None = None
) -> AsyncIterator[AsyncSession]:
    async with TestServer(create_app(state), host="127.0.0.1") as server:
        base_url = str(server.make_url("/v2"))
        retry = retry or RetryPolicy(wait=False, max_attempts=8)
        async with AsyncSession(API_KEY, base_url=base_url, retry=retry, timeout=10) as session:
            yield session


def tag_lost(state: EmulatorState, count: int) -> set[str]:
    """Tag `count` enabled cards ``lost`` (skipping those an unauthorized IMEI would fail)."""
    inventory = state.inventory
    chosen: set[str] = set()
    for index in range(inventory.size):
        if len(chosen) == count:
            break
        if inventory.status_of(index) == "enabled" and not inventory.is_imei_unauthorized(index):
            inventory.change(index, tags=[LOST])
            chosen.add(inventory.card_id(index))
    assert len(chosen) == count
    return chosen


def partition(result: BulkActionResult) -> list[str]:
    return [
        outcome.sim_card_id
        for group in (
            result.completed,
            result.started,
            result.already,
            result.failed,
            result.unknown,
        )
        for outcome in group
    ]


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


async def test_disable_every_enabled_card_tagged_lost_misses_none(fake: FakeClock) -> None:
    state = lifecycle_state(fake, 14_000)
    lost = tag_lost(state, 5000)
    sleep = Sleeper(fake)
    async for session in open_session(state):
        listing = session.sim_cards.list(tags=[LOST], status=["enabled"])
        before = state.stats.requests
        result = await session.sim_cards.disable_many(listing, clock=fake, sleep=sleep)
        sent = state.stats.requests - before

        assert {o.sim_card_id for o in result.completed} == lost
        assert result.ok
        assert not result.already
        assert not result.duplicates
        assert all(o.action_id and o.status == "completed" for o in result.completed)
        left = [card async for card in session.sim_cards.list(tags=[LOST], status=["enabled"])]
        assert left == []
    inventory = state.inventory
    disabled = {
        inventory.card_id(i) for i in range(inventory.size) if inventory.status_of(i) == "disabled"
    }
    assert lost <= disabled
    # One POST per card, plus the listing drained and the amortised polling.
    assert sent <= 1.5 * len(lost), sent
    actions_posted = state.stats.routes["POST /v2/sim_cards/{id}/actions/disable"].total()
    assert actions_posted == len(lost)


async def test_acting_while_walking_the_filter_would_miss_cards(fake: FakeClock) -> None:
    """The failure the drain-first rule prevents: this test proves the proof can fail."""
    state = lifecycle_state(fake, 2000)
    lost = tag_lost(state, 600)
    async for session in open_session(state):
        acted = set()
        async for card in session.sim_cards.list(tags=[LOST], status=["enabled"]):
            assert card.id is not None
            await session.sim_cards.disable(card.id)
            acted.add(card.id)
    assert len(acted) < len(lost)


async def test_wait_false_lists_each_started_action(fake: FakeClock) -> None:
    state = lifecycle_state(fake, 400)
    lost = tag_lost(state, 120)
    async for session in open_session(state):
        result = await session.sim_cards.disable_many(
            sorted(lost), wait=False, clock=fake, sleep=Sleeper(fake)
        )
        assert {o.sim_card_id for o in result.started} == lost
        assert not result.completed
        assert result.ok
        for outcome in result.started:
            assert outcome.action_id is not None
            action = await session.sim_card_actions.get(outcome.action_id)
            assert action.sim_card_id == outcome.sim_card_id


async def test_mixed_fleet_every_card_in_one_group(fake: FakeClock) -> None:
    """Cards in every state: already there, refused (in transit), failing, completing."""
    state = lifecycle_state(fake, 1500, action_failure_rate=0.1)
    async for session in open_session(state):
        cards = [card async for card in session.sim_cards.list()]
        ids = [card.id for card in cards if card.id is not None]
        # Some cards in transit: their disable still runs when enable_many reaches them.
        enabled = [c.id for c in cards[:700] if c.id and c.status and c.status.value == "enabled"]
        for card_id in enabled[:5]:
            await session.sim_cards.disable(card_id)
        result = await session.sim_cards.enable_many(
            [*ids[:700], *ids[:10]], clock=fake, sleep=Sleeper(fake)
        )
        given = set(ids[:700])
        assert sorted(partition(result)) == sorted(given)
        assert len(result.duplicates) == 10
        inventory = state.inventory
        for outcome in result.completed:
            assert inventory.status_of(inventory.index_of(outcome.sim_card_id) or 0) == "enabled"
        for outcome in result.already:
            assert inventory.status_of(inventory.index_of(outcome.sim_card_id) or 0) == "enabled"
        assert result.already
        assert result.failed
        assert result.completed
        reasons = {o.reason for o in result.failed}
        assert any(o.error is not None for o in result.failed)  # refused: cards in transit
        assert any(o.action_id is not None for o in result.failed)  # actions that failed
        assert all(reason for reason in reasons)
        assert not result.unknown


async def test_card_objects_in_the_target_state_cost_no_request(fake: FakeClock) -> None:
    state = lifecycle_state(fake, 300)
    async for session in open_session(state):
        disabled = [card async for card in session.sim_cards.list(status=["disabled"])]
        before = state.stats.requests
        result = await session.sim_cards.disable_many(disabled, clock=fake, sleep=Sleeper(fake))
        assert state.stats.requests == before
        assert len(result.already) == len(disabled) > 0
        assert all(o.status == "disabled" for o in result.already)


async def test_timeout_leaves_running_actions_unknown_with_their_last_status(
    fake: FakeClock,
) -> None:
    state = lifecycle_state(fake, 300)
    lost = tag_lost(state, 40)
    async for session in open_session(state):
        result = await session.sim_cards.disable_many(
            lost, timeout=1.0, poll_interval=0.5, clock=fake, sleep=Sleeper(fake)
        )
    assert {o.sim_card_id for o in result.unknown} == lost
    assert all(o.status == "in-progress" and o.action_id for o in result.unknown)
    assert not result.ok


TEN_PERCENT = FaultProfile(
    seed=11,
    error_rate=0.03,
    error_statuses=(500, 502, 503),
    retry_after_rate=0.5,
    drop_before_rate=0.02,
    drop_after_rate=0.02,
    truncated_rate=0.015,
    malformed_rate=0.015,
    rate_limit=7,
    rate_limit_window=1.0,
)
"""Ten per cent of requests meet a fault a retry can heal; 7 requests per window."""

PATIENT = RetryPolicy(
    max_attempts=12, initial_delay=0.001, max_delay=0.01, max_server_delay=0.001, max_time=60
)


async def test_faults_and_a_rate_limit_lose_nothing() -> None:
    """5,000 cards through 10% faults and a rate limit: the result matches the emulator."""
    fake = FakeClock(tick=1.0 / 8)  # time counted in requests: 8 reads a window, 7 allowed
    state = lifecycle_state(fake, 14_000)
    lost = tag_lost(state, 5000)
    async for session in open_session(state, PATIENT):
        state.fault_profile = TEN_PERCENT
        result = await session.sim_cards.disable_many(
            sorted(lost), clock=fake, sleep=Sleeper(fake), timeout=600.0
        )
        state.fault_profile = FaultProfile()
    assert sorted(partition(result)) == sorted(lost)  # nothing lost, nothing twice
    inventory = state.inventory
    disabled = {
        inventory.card_id(i) for i in range(inventory.size) if inventory.status_of(i) == "disabled"
    }
    completed = {o.sim_card_id for o in result.completed}
    already = {o.sim_card_id for o in result.already}
    # Nothing reported completed that is not; every lost card now disabled is accounted for.
    assert completed <= disabled
    assert (lost & disabled) - already == completed
    assert not result.failed
    assert not result.unknown
    assert state.stats.outcomes["drop_after"] > 0  # answers were lost after the work was done
    # A lost answer never started a second action on a card.
    assert all(
        len(state.actions.select(ActionQuery(card_index=i))) <= 1 for i in range(inventory.size)
    )
