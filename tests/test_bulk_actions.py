"""enable_many / disable_many / set_standby_many: the client logic, through MockTransport.

`FleetServer` follows the spec and nothing more: its listings come in a new random order on
every request (the spec gives none), its refusals carry no error code the SDK could read,
and its actions finish by a `FakeClock` that only the SDK's sleeps move.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import uuid
from collections import Counter
from typing import Any

import pytest

from telnyx_wireless_async import (
    AsyncSession,
    AuthenticationError,
    BulkActionError,
    BulkActionLedger,
    BulkActionResult,
    RetryPolicy,
    SimCard,
    SimCardStatus,
)
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY, FakeClock

BASE = "https://api.example.test/v2"
_CARD_PATH = re.compile(r".*/sim_cards/([0-9a-f-]{36})(?:/actions/(\w+))?$")
_ACTION_PATH = re.compile(r".*/sim_card_actions/([0-9a-f-]{36})$")


def card_ids(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]


class FleetServer:
    """Cards and their actions as the spec describes them, in no particular order.

    Attributes:
        status: Each card's status.
        fate: How a card's action ends: ``completed`` (default), ``failed`` or ``interrupted``.
        refuse: Cards whose action POST is refused with 422 and a code-less error.
        unauthorized: Answer every request 401 once this many POSTs were made.
        duration: Seconds on the clock from an action's start to its end.
        others_in_progress: Other in-progress actions of the account (not ours).
        reshuffle: List in a new random order on every request.
        answer_instead: Cards whose action POST is answered 202 with this body, and
            starts nothing.
    """

    def __init__(self, clock: FakeClock, cards: list[str], *, seed: int = 1) -> None:
        self.clock = clock
        self.status = dict.fromkeys(cards, "enabled")
        self.fate: dict[str, str] = {}
        self.refuse: set[str] = set()
        self.unauthorized: int | None = None
        self.duration = 5.0
        self.others_in_progress = 0
        self.reshuffle = False
        self.answer_instead: dict[str, Any] = {}
        self.actions: dict[str, dict[str, Any]] = {}
        self.requests: Counter[str] = Counter()
        self.posts = 0
        self._random = random.Random(seed)

    def _settle(self) -> None:
        for action in self.actions.values():
            if action["status"]["value"] == "in-progress" and self.clock.now >= action["due"]:
                fate = self.fate.get(action["sim_card_id"], "completed")
                reason = None if fate == "completed" else f"the network said no ({fate})"
                action["status"] = {"value": fate, "reason": reason}
                if fate == "completed":
                    self.status[action["sim_card_id"]] = "disabled"

    def _public(self, action: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in action.items() if key != "due"}

    def __call__(self, request: Request) -> Response:
        self._settle()
        path = request.url
        kind = f"{request.method} {'actions' if 'sim_card_actions' in path else 'cards'}"
        self.requests[kind] += 1
        if self.unauthorized is not None and self.posts >= self.unauthorized:
            return json_response({"errors": []}, status=401)
        if request.method == "POST":
            return self._post(path)
        if (match := _ACTION_PATH.match(path)) is not None:
            return json_response({"data": self._public(self.actions[match.group(1)])})
        if path.endswith("/sim_card_actions"):
            return self._list(request.params)
        match = _CARD_PATH.match(path)
        assert match is not None, path
        card = match.group(1)
        status = self.status[card]
        busy = any(
            a["sim_card_id"] == card and a["status"]["value"] == "in-progress"
            for a in self.actions.values()
        )
        body = {"id": card, "status": {"value": status}, "actions_in_progress": busy}
        return json_response({"data": body})

    def _post(self, path: str) -> Response:
        self.posts += 1
        match = _CARD_PATH.match(path)
        assert match is not None, path
        assert match.group(2) == "disable", path
        card = match.group(1)
        if card in self.answer_instead:
            return json_response(self.answer_instead[card], status=202)
        if card in self.refuse or self.status[card] == "disabled":
            error = {"code": "x", "title": "Unprocessable", "detail": "no can do"}
            return json_response({"errors": [error]}, status=422)
        action_id = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        action = {
            "id": action_id,
            "record_type": "sim_card_action",
            "sim_card_id": card,
            "action_type": "disable",
            "status": {"value": "in-progress", "reason": None},
            "created_at": "2030-01-01T00:00:00Z",
            "due": self.clock.now + self.duration,
        }
        self.actions[action_id] = action
        return json_response({"data": self._public(action)}, status=202)

    def _list(self, params: Any) -> Response:
        status = params.get("filter[status]")
        kind = params.get("filter[action_type]")
        chosen = [
            self._public(a)
            for a in self.actions.values()
            if (status is None or a["status"]["value"] == status)
            and (kind is None or a["action_type"] == kind)
        ]
        if status == "in-progress":
            chosen += [
                {"id": str(uuid.UUID(int=n + 1)), "action_type": kind, "status": {"value": status}}
                for n in range(self.others_in_progress)
            ]
        # The spec promises no order: by a hash of the id, not by age; or, when
        # `reshuffle`, a new order on every request (pages then overlap and skip).
        if self.reshuffle:
            self._random.shuffle(chosen)
        else:
            chosen.sort(key=lambda a: hash((a["id"], "order")))
        number, size = int(params["page[number]"]), int(params["page[size]"])
        page = chosen[(number - 1) * size : number * size]
        meta = {
            "page_number": number,
            "page_size": size,
            "total_results": len(chosen),
            "total_pages": max(1, -(-len(chosen) // size)),
        }
        return json_response({"data": page, "meta": meta})


class Sleeper:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.clock.advance(seconds)


def session_for(server: FleetServer) -> AsyncSession:
    return AsyncSession(
        API_KEY,
        base_url=BASE,
        transport=MockTransport(server),
        retry=RetryPolicy(wait=False, max_attempts=2),
    )


def ids_of(outcomes: Any) -> set[str]:
    return {outcome.sim_card_id for outcome in outcomes}


async def disable(server: FleetServer, cards: Any, **options: Any) -> BulkActionResult:
    options.setdefault("clock", server.clock)
    options.setdefault("sleep", Sleeper(server.clock))
    async with session_for(server) as session:
        return await session.sim_cards.disable_many(cards, **options)


async def test_every_card_in_exactly_one_group_with_its_reason() -> None:
    clock = FakeClock()
    cards = card_ids(600)
    server = FleetServer(clock, cards)
    for card in cards[:20]:
        server.fate[card] = "failed"
    for card in cards[20:30]:
        server.fate[card] = "interrupted"  # no listing filter finds these (the spec's Q3)
    server.refuse.update(cards[30:35])
    for card in cards[35:40]:
        server.status[card] = "disabled"  # refused, and the card shows why
    progress: list[tuple[int, int]] = []

    result = await disable(server, cards, on_progress=lambda d, t: progress.append((d, t)))

    assert ids_of(result.failed) == set(cards[:35])
    assert ids_of(result.already) == set(cards[35:40])
    assert ids_of(result.completed) == set(cards[40:])
    assert not result.unknown
    assert not result.started
    assert result.total == 600
    interrupted = [o for o in result.failed if o.status == "interrupted"]
    assert ids_of(interrupted) == set(cards[20:30])
    assert all(o.reason and o.action_id for o in interrupted)
    refused = [o for o in result.failed if o.error is not None]
    assert ids_of(refused) == set(cards[30:35])
    assert all(o.action_id is None and o.error and o.error.detail == "no can do" for o in refused)
    assert progress[-1] == (600, 600)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    with pytest.raises(BulkActionError, match="35 failed, 0 unknown of 600"):
        result.raise_for_failures()


async def test_waiting_costs_far_fewer_requests_than_one_get_per_action() -> None:
    clock = FakeClock()
    cards = card_ids(1000)
    server = FleetServer(clock, cards)
    result = await disable(server, cards)
    assert len(result.completed) == 1000
    assert server.requests["POST cards"] == 1000
    # Listings only: not one GET of a single action, and a few pages per round.
    assert server.requests["GET actions"] <= 60, server.requests
    assert sum(server.requests.values()) <= 1.5 * 1000


async def test_listings_in_a_new_order_on_every_page_still_settle_every_card() -> None:
    clock = FakeClock()
    cards = card_ids(700)
    server = FleetServer(clock, cards)
    server.reshuffle = True
    for card in cards[:50]:
        server.fate[card] = "failed"
    result = await disable(server, cards)
    assert ids_of(result.failed) == set(cards[:50])
    assert ids_of(result.completed) == set(cards[50:])
    assert not result.unknown


async def test_a_long_listing_of_others_is_not_walked_for_a_few_actions() -> None:
    clock = FakeClock()
    cards = card_ids(3)
    server = FleetServer(clock, cards)
    server.others_in_progress = 5000  # 20 pages of other people's actions
    result = await disable(server, cards, poll_interval=1.0)
    assert ids_of(result.completed) == set(cards)
    # Each round reads one page, sees it would take more pages than there are actions,
    # and asks each action instead.
    assert server.requests["GET actions"] < 40, server.requests


async def test_wait_false_returns_started_actions_with_their_ids() -> None:
    clock = FakeClock()
    cards = card_ids(50)
    server = FleetServer(clock, cards)
    result = await disable(server, cards, wait=False)
    assert ids_of(result.started) == set(cards)
    assert {o.action_id for o in result.started} == set(server.actions)
    assert server.requests["GET actions"] == 0


async def test_input_cards_listing_duplicates_and_uuid_objects() -> None:
    clock = FakeClock()
    cards = card_ids(6)
    server = FleetServer(clock, cards)

    async def cards_async() -> Any:
        yield uuid.UUID(cards[0])
        yield SimCard(id=cards[1].upper(), status=SimCardStatus(value="enabled"))
        yield SimCard(id=cards[2], status=SimCardStatus(value="disabled"))  # no request
        yield cards[0]
        yield cards[3]

    result = await disable(server, cards_async())
    assert ids_of(result.completed) == {cards[0], cards[1], cards[3]}
    assert ids_of(result.already) == {cards[2]}
    assert result.duplicates == (cards[0],)
    assert server.requests["POST cards"] == 3


@pytest.mark.parametrize(
    ("cards", "error", "message"),
    [
        ("6a09cdc3-8948-47f0-aa62-74ac943d6c58", TypeError, "not one string"),
        (["6a09cdc3-8948-47f0-aa62-74ac943d6c58", "nope"], ValueError, r"cards\[1\].*'nope'"),
        ([SimCard(id=None)], ValueError, r"cards\[0\] has no id"),
        (42, TypeError, "iterable"),
    ],
)
async def test_bad_cards_are_refused_before_any_request(
    cards: Any, error: type[Exception], message: str
) -> None:
    server = FleetServer(FakeClock(), [])
    with pytest.raises(error, match=message):
        await disable(server, cards)
    assert not server.requests


@pytest.mark.parametrize(
    ("option", "value"),
    [("concurrency", 0), ("timeout", 0), ("wait", "yes"), ("on_progress", 3), ("ledger", {})],
)
async def test_bad_options_are_refused_before_any_request(option: str, value: Any) -> None:
    server = FleetServer(FakeClock(), [])
    with pytest.raises((TypeError, ValueError), match=option):
        await disable(server, card_ids(2), **{option: value})
    assert not server.requests


async def test_a_refusal_of_every_request_stops_the_call_and_the_ledger_keeps_the_rest() -> None:
    clock = FakeClock()
    cards = card_ids(100)
    server = FleetServer(clock, cards)
    server.unauthorized = 20
    ledger = BulkActionLedger()
    with pytest.raises(AuthenticationError):
        await disable(server, cards, ledger=ledger, concurrency=4)
    assert server.requests["POST cards"] <= 20 + 4  # the ones in flight finish
    result = ledger.result()
    assert result.total == 100
    assert len(result.unknown) + len(result.failed) == 100
    assert sum(1 for o in result.unknown if not o.sent) >= 100 - 24
    # The actions started before the refusal are reported with their ids.
    started = [o for o in result.unknown if o.action_id is not None]
    assert {o.action_id for o in started} == set(server.actions)


async def test_cancelled_while_waiting_the_ledger_lists_each_action_started() -> None:
    clock = FakeClock()
    cards = card_ids(30)
    server = FleetServer(clock, cards)
    server.duration = 1e9
    ledger = BulkActionLedger()
    gate = asyncio.Event()

    async def sleep(seconds: float) -> None:
        gate.set()
        await asyncio.sleep(3600)

    async with session_for(server) as session:
        task = asyncio.create_task(
            session.sim_cards.disable_many(cards, ledger=ledger, clock=clock, sleep=sleep)
        )
        await gate.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    result = ledger.result()
    assert ids_of(result.unknown) == set(cards)
    assert {o.action_id for o in result.unknown} == set(server.actions)
    assert all(o.status == "in-progress" for o in result.unknown)
    assert repr(ledger) == "<BulkActionLedger 0 of 30 cards done>"


async def test_a_timeout_reports_the_last_status_seen() -> None:
    clock = FakeClock()
    cards = card_ids(10)
    server = FleetServer(clock, cards)
    server.duration = 100.0
    result = await disable(server, cards, timeout=10.0)
    assert ids_of(result.unknown) == set(cards)
    assert all(o.status == "in-progress" and "10 s" in (o.reason or "") for o in result.unknown)
    assert clock.now - 1000.0 == pytest.approx(10.0)  # the last round is at the deadline


async def test_result_repr_shows_counts_not_ids() -> None:
    cards = card_ids(5)
    result = await disable(FleetServer(FakeClock(), cards), cards)
    assert repr(result) == (
        "<BulkActionResult disable completed=5, started=0, already=0, failed=0,"
        " unknown=0, duplicates=0>"
    )
    assert cards[0] not in repr(result)
    json.dumps([o.sim_card_id for o in result.completed])


async def test_an_answer_that_is_not_the_action_asked_for_leaves_that_card_unknown() -> None:
    clock = FakeClock()
    cards = card_ids(4)
    server = FleetServer(clock, cards)
    server.answer_instead = {
        cards[1]: {"data": {"status": {"value": "in-progress"}}},  # no id
        cards[2]: {"data": {"id": str(uuid.uuid4()), "sim_card_id": cards[0]}},  # another card
        cards[3]: {"data": {"id": str(uuid.uuid4()), "action_type": "enable"}},  # another type
    }
    ledger = BulkActionLedger()
    result = await disable(server, cards, ledger=ledger)
    assert ids_of(result.completed) == {cards[0]}
    assert ids_of(result.unknown) == set(cards[1:])
    for outcome in result.unknown:
        assert outcome.action_id is None
        assert "an action may have started" in (outcome.reason or "")
    assert "has no id" in (result.unknown[0].reason or "")
    assert result == ledger.result()


async def test_an_action_id_that_cannot_be_looked_up_leaves_its_card_unknown() -> None:
    clock = FakeClock()
    cards = card_ids(3)
    server = FleetServer(clock, cards)
    unusable = {"id": "not an id", "sim_card_id": cards[1], "status": {"value": "in-progress"}}
    server.answer_instead = {cards[1]: {"data": unusable}}
    result = await disable(server, cards)
    assert ids_of(result.completed) == {cards[0], cards[2]}
    [outcome] = result.unknown
    assert outcome.sim_card_id == cards[1]
    assert "the action's id is not a UUID: 'not an id'" in (outcome.reason or "")


@pytest.mark.parametrize("wait", [True, False])
async def test_cards_given_the_same_action_id_are_each_unknown_saying_so(wait: bool) -> None:
    clock = FakeClock()
    cards = card_ids(4)
    server = FleetServer(clock, cards)
    shared = str(uuid.uuid4())
    server.answer_instead = {
        card: {"data": {"id": shared, "sim_card_id": card, "status": {"value": "in-progress"}}}
        for card in cards[1:]
    }
    progress: list[tuple[int, int]] = []
    result = await disable(
        server,
        cards,
        wait=wait,
        concurrency=1,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert ids_of(result.completed if wait else result.started) == {cards[0]}
    assert ids_of(result.unknown) == set(cards[1:])
    first = cards[1]
    for outcome in result.unknown:
        assert outcome.action_id == shared
        other = cards[2] if outcome.sim_card_id == first else outcome.sim_card_id
        assert outcome.reason == (
            f"the API gave the same action id {shared} to cards {first} and {other}"
        )
    assert progress[-1] == (4, 4)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
