"""SIM card actions: get, list, wait, and starting one once across lost answers (MockTransport)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from telnyx_wireless_async import (
    ActionTimeoutError,
    APIConnectionError,
    APIResponseValidationError,
    AsyncSession,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RetryEvent,
    RetryPolicy,
    SimCardAction,
    SimCardActionStatusValue,
    SimCardActionType,
    UnprocessableEntityError,
)
from telnyx_wireless_async._action_requests import LOOKBACK
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY, FakeClock

BASE = "https://api.example.test/v2"
CARD = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
OTHER_CARD = "11111111-2222-4333-8444-555555555555"


TARGETS = {"enable": "enabled", "disable": "disabled", "set_standby": "standby"}


def stamp(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


class ActionsServer:
    """A MockTransport handler serving SIM card actions as the spec describes them.

    Attributes:
        actions: Every action, in creation order.
        drop_after_processing: POSTs to process and then answer with a dropped connection.
        refuse_in_progress: Refuse a POST with 409 while the card has an action in progress.
        polls_to_finish: GETs of an action after which it is completed.
    """

    def __init__(self) -> None:
        self.actions: list[dict[str, Any]] = []
        self.requests: list[Request] = []
        self.drop_after_processing = 0
        self.refuse_in_progress = False
        self.polls_to_finish = 2
        self.ignore_filters = False
        self.polls: dict[str, int] = {}
        self.ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
        self.initial_status = "enabled"

    def card_status(self, card: str) -> str:
        """The card's status: where its latest completed action put it."""
        done = [
            a
            for a in self.actions
            if a["sim_card_id"] == card and a["status"]["value"] == "completed"
        ]
        return TARGETS[done[-1]["action_type"]] if done else self.initial_status

    def add(self, *, card: str, kind: str, status: str, age: float = 0.0) -> dict[str, Any]:
        created = stamp(datetime.now(UTC) - timedelta(seconds=age))
        action = {
            "id": next(self.ids),
            "record_type": "sim_card_action",
            "sim_card_id": card,
            "action_type": kind,
            "status": {"value": status, "reason": None},
            "settings": {},
            "created_at": created,
            "updated_at": created,
        }
        self.actions.append(action)
        return action

    def posts(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        path = request.url.removeprefix(BASE)
        parts = path.strip("/").split("/")
        if request.method == "POST" and parts[0] == "sim_cards" and parts[2] == "actions":
            card, kind = parts[1], parts[3]
            busy = any(
                a["sim_card_id"] == card and a["status"]["value"] == "in-progress"
                for a in self.actions
            )
            if self.refuse_in_progress and busy:
                error = {"code": "10020", "title": "Conflict", "detail": "action in progress"}
                return json_response({"errors": [error]}, status=409)
            action = self.add(card=card, kind=kind, status="in-progress")
            if self.drop_after_processing:
                self.drop_after_processing -= 1
                raise APIConnectionError("connection dropped after the request was processed")
            return json_response({"data": action}, status=202)
        if request.method == "GET" and parts == ["sim_card_actions"]:
            params = request.params
            found = [
                a
                for a in self.actions
                if self.ignore_filters
                or (
                    params.get("filter[sim_card_id]", a["sim_card_id"]) == a["sim_card_id"]
                    and params.get("filter[action_type]", a["action_type"]) == a["action_type"]
                    and params.get("filter[status]", a["status"]["value"]) == a["status"]["value"]
                )
            ]
            number, size = int(params["page[number]"]), int(params["page[size]"])
            page = found[(number - 1) * size : number * size]
            meta = {
                "page_number": number,
                "page_size": size,
                "total_pages": max(1, -(-len(found) // size)),
                "total_results": len(found),
            }
            return json_response({"data": page, "meta": meta})
        if request.method == "GET" and parts[0] == "sim_cards" and len(parts) == 2:
            status = {"value": self.card_status(parts[1])}
            return json_response({"data": {"id": parts[1], "status": status}})
        if request.method == "GET" and parts[0] == "sim_card_actions":
            for action in self.actions:
                if action["id"] == parts[1]:
                    seen = self.polls[action["id"]] = self.polls.get(action["id"], 0) + 1
                    if seen >= self.polls_to_finish and action["status"]["value"] == "in-progress":
                        action["status"] = {"value": "completed", "reason": None}
                    return json_response({"data": action})
            error = {"code": "10005", "title": "Resource not found", "detail": "no such action"}
            return json_response({"errors": [error]}, status=404)
        return json_response({"errors": [{"code": "0", "title": "no route"}]}, status=404)


def session_for(handler: Any, *, retry: RetryPolicy | None = None) -> AsyncSession:
    return AsyncSession(
        API_KEY,
        base_url=BASE,
        transport=MockTransport(handler),
        retry=retry or RetryPolicy(wait=False),
    )


class FakeSleep:
    """Sleeps on a `FakeClock`: moves it, records the pause, returns at once."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.clock.advance(seconds)


# -- get and list ---------------------------------------------------------------------------


async def test_get_builds_an_action_and_keeps_an_unknown_type_as_a_string() -> None:
    server = ActionsServer()
    known = server.add(card=CARD, kind="enable", status="failed")
    known["status"]["reason"] = "The data limit was exceeded."
    unknown = server.add(card=CARD, kind="enable_voice", status="in-progress")
    async with session_for(server) as telnyx:
        action = await telnyx.sim_card_actions.get(known["id"])
        newer = await telnyx.sim_card_actions.get(UUID(unknown["id"]))
    assert action.action_type is SimCardActionType.ENABLE
    assert action.status is not None
    assert action.status.value is SimCardActionStatusValue.FAILED
    assert action.status.reason == "The data limit was exceeded."
    assert action.finished
    assert action.created_at is not None
    assert action.created_at.tzinfo is not None
    assert newer.action_type == "enable_voice"
    assert not newer.finished


async def test_an_unknown_action_is_a_typed_not_found_error() -> None:
    async with session_for(ActionsServer()) as telnyx:
        with pytest.raises(NotFoundError, match="no such action"):
            await telnyx.sim_card_actions.get("00000000-0000-4000-8000-000000000099")


async def test_list_sends_each_filter_once_and_awaits_one_page() -> None:
    server = ActionsServer()
    for _ in range(3):
        server.add(card=CARD, kind="disable", status="in-progress")
    server.add(card=OTHER_CARD, kind="disable", status="in-progress")
    async with session_for(server) as telnyx:
        page = await telnyx.sim_card_actions.list(
            sim_card_id=UUID(CARD),
            action_type="disable",
            status="in-progress",
            bulk_sim_card_action_id="47A1C2B0-CC7B-4AB1-BB98-B33FB0FC61B9",
            page_size=2,
        )
    assert dict(server.requests[0].params) == {
        "filter[action_type]": "disable",
        "filter[status]": "in-progress",
        "filter[sim_card_id]": CARD,
        "filter[bulk_sim_card_action_id]": "47a1c2b0-cc7b-4ab1-bb98-b33fb0fc61b9",
        "page[number]": "1",
        "page[size]": "2",
    }
    assert page.meta.page_number == 1


async def test_iterating_the_listing_yields_every_action() -> None:
    server = ActionsServer()
    made = [server.add(card=CARD, kind="enable", status="completed")["id"] for _ in range(7)]
    async with session_for(server) as telnyx:
        seen = [a.id async for a in telnyx.sim_card_actions.list(sim_card_id=CARD, page_size=3)]
        pages = [p async for p in telnyx.sim_card_actions.list(page_size=3).pages()]
    assert seen == made
    assert [len(p.data) for p in pages] == [3, 3, 1]


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"status": ["in-progress", "failed"]}, TypeError, "status"),  # one value only (Q11)
        ({"status": "interrupted"}, ValueError, "interrupted"),  # not filterable
        ({"status": "done"}, ValueError, "done"),
        ({"action_type": "reboot"}, ValueError, "reboot"),
        ({"sim_card_id": "card-1"}, ValueError, "sim_card_id"),
        ({"bulk_sim_card_action_id": 5}, TypeError, "bulk_sim_card_action_id"),
        ({"page_size": 251}, ValueError, "page_size"),
        ({"page_number": 0}, ValueError, "page_number"),
        ({"colour": "red"}, TypeError, "colour"),
    ],
)
async def test_list_refuses_bad_options_before_any_request(
    options: dict[str, Any], error: type[Exception], match: str
) -> None:
    server = ActionsServer()
    async with session_for(server) as telnyx:
        with pytest.raises(error, match=match):
            telnyx.sim_card_actions.list(**options)
        with pytest.raises(ValueError, match="action_id"):
            await telnyx.sim_card_actions.get("")
    assert server.requests == []


# -- wait -----------------------------------------------------------------------------------


async def test_wait_polls_until_the_action_is_finished(clock: FakeClock) -> None:
    server = ActionsServer()
    server.polls_to_finish = 4
    sleep = FakeSleep(clock)
    async with session_for(server) as telnyx:
        started = await telnyx.sim_cards.enable(CARD)
        done = await telnyx.sim_card_actions.wait(
            started, poll_interval=2.0, max_poll_interval=3.0, clock=clock, sleep=sleep
        )
    assert done.id == started.id
    assert done.status is not None
    assert done.status.value is SimCardActionStatusValue.COMPLETED
    assert len(sleep.pauses) == 4  # one before each of the four polls
    # Jittered between half and all of the backoff step, which grows and is capped.
    steps = [2.0, 2.0, 3.0, 3.0]
    assert all(step / 2 <= pause <= step for pause, step in zip(sleep.pauses, steps, strict=True))


async def test_wait_given_an_id_looks_at_once_and_a_finished_action_costs_nothing(
    clock: FakeClock,
) -> None:
    server = ActionsServer()
    server.polls_to_finish = 1
    done = server.add(card=CARD, kind="disable", status="in-progress")
    sleep = FakeSleep(clock)
    async with session_for(server) as telnyx:
        action = await telnyx.sim_card_actions.wait(done["id"], clock=clock, sleep=sleep)
        again = await telnyx.sim_card_actions.wait(action, clock=clock, sleep=sleep)
    assert again is action
    assert sleep.pauses == []
    assert len(server.requests) == 1


async def test_wait_times_out_carrying_the_last_action_seen(clock: FakeClock) -> None:
    server = ActionsServer()
    server.polls_to_finish = 10**6
    sleep = FakeSleep(clock)
    start = clock.now
    async with session_for(server) as telnyx:
        started = await telnyx.sim_cards.disable(CARD)
        server.actions[0]["updated_at"] = "2030-01-01T00:00:00Z"  # what the polls will see
        with pytest.raises(ActionTimeoutError, match=str(started.id)) as caught:
            await telnyx.sim_card_actions.wait(
                started, timeout=30.0, poll_interval=2.0, clock=clock, sleep=sleep
            )
    error = caught.value
    assert error.timeout == 30.0
    assert error.action.id == started.id
    assert error.action.updated_at == datetime(2030, 1, 1, tzinfo=UTC)  # polled, not the input
    assert error.action.status is not None
    assert error.action.status.value is SimCardActionStatusValue.IN_PROGRESS
    assert clock.now - start == pytest.approx(30.0)  # the last poll at the deadline, no later
    assert sum(sleep.pauses) == pytest.approx(30.0)


async def test_wait_polls_through_a_429_after_the_servers_reset(
    clock: FakeClock, retry_events: list[RetryEvent]
) -> None:
    server = ActionsServer()
    action = server.add(card=CARD, kind="enable", status="in-progress")
    limited = iter([True])

    def handler(request: Request) -> Response:
        if request.method == "GET" and next(limited, False):
            headers = {
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": "7",
            }
            error = {"code": "10011", "title": "Too many requests"}
            return json_response({"errors": [error]}, status=429, headers=headers)
        return server(request)

    policy = RetryPolicy(wait=False, on_retry=retry_events.append)
    sleep = FakeSleep(clock)
    async with session_for(handler, retry=policy) as telnyx:
        done = await telnyx.sim_card_actions.wait(action["id"], clock=clock, sleep=sleep)
    assert done.finished
    # The session retried the poll after the server's reset, not its own backoff.
    assert [event.delay for event in retry_events] == [7.0]


async def test_wait_delays_its_next_poll_by_a_429s_reset_when_retries_run_out(
    clock: FakeClock,
) -> None:
    server = ActionsServer()
    action = server.add(card=CARD, kind="enable", status="in-progress")
    limited = iter([True])

    def handler(request: Request) -> Response:
        if next(limited, False):
            headers = {"Retry-After": "45"}
            return json_response({"errors": []}, status=429, headers=headers)
        return server(request)

    sleep = FakeSleep(clock)
    async with session_for(handler, retry=RetryPolicy(wait=False, max_attempts=1)) as telnyx:
        done = await telnyx.sim_card_actions.wait(
            action["id"], timeout=600.0, poll_interval=1.0, clock=clock, sleep=sleep
        )
    assert done.finished
    assert sleep.pauses[0] == 45.0  # the server's hint, over the one-second backoff


async def test_wait_raises_what_is_not_transient(clock: FakeClock) -> None:
    async with session_for(ActionsServer()) as telnyx:
        with pytest.raises(NotFoundError):
            await telnyx.sim_card_actions.wait(
                "00000000-0000-4000-8000-000000000099", clock=clock, sleep=FakeSleep(clock)
            )


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": -1.0}, ValueError, "timeout"),
        ({"timeout": "60"}, TypeError, "timeout"),
        ({"poll_interval": 0}, ValueError, "poll_interval"),
        ({"poll_interval": 10.0, "max_poll_interval": 5.0}, ValueError, "max_poll_interval"),
        ({"sleep": None}, TypeError, "callable"),
    ],
)
async def test_wait_refuses_bad_arguments_before_any_request(
    options: dict[str, Any], error: type[Exception], match: str
) -> None:
    server = ActionsServer()
    async with session_for(server) as telnyx:
        with pytest.raises(error, match=match):
            await telnyx.sim_card_actions.wait("00000000-0000-4000-8000-000000000001", **options)
        with pytest.raises(ValueError, match="action"):
            await telnyx.sim_card_actions.wait("a b")
        with pytest.raises(ValueError, match="no id"):
            await telnyx.sim_card_actions.wait(SimCardAction())
    assert server.requests == []


# -- enable, disable, set_standby -----------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "kind"),
    [("enable", "enable"), ("disable", "disable"), ("set_standby", "set_standby")],
)
async def test_each_verb_posts_to_its_action_and_returns_it(verb: str, kind: str) -> None:
    server = ActionsServer()
    async with session_for(server) as telnyx:
        action = await getattr(telnyx.sim_cards, verb)(UUID(CARD))
    [post] = server.requests
    assert (post.method, post.url, post.content) == (
        "POST",
        f"{BASE}/sim_cards/{CARD}/actions/{kind}",
        None,
    )
    assert action.action_type == kind
    assert action.sim_card_id == CARD


async def test_a_malformed_card_id_is_refused_before_any_request() -> None:
    server = ActionsServer()
    async with session_for(server) as telnyx:
        for verb in (
            telnyx.sim_cards.enable,
            telnyx.sim_cards.disable,
            telnyx.sim_cards.set_standby,
        ):
            with pytest.raises(ValueError, match="sim_card_id"):
                await verb("card-1")
    assert server.requests == []


async def test_a_lost_answer_returns_the_action_it_started_instead_of_a_second() -> None:
    server = ActionsServer()
    server.drop_after_processing = 1
    async with session_for(server) as telnyx:
        action = await telnyx.sim_cards.enable(CARD)
    assert len(server.posts()) == 1  # no second POST: the lookup found the action
    assert len(server.actions) == 1
    assert action.id == server.actions[0]["id"]
    lookup = next(r for r in server.requests if r.method == "GET")
    assert lookup.params["filter[sim_card_id]"] == CARD
    assert lookup.params["filter[action_type]"] == "enable"


async def test_a_lost_answer_that_started_nothing_is_retried() -> None:
    server = ActionsServer()
    answers = iter([json_response({}, status=502)])

    def handler(request: Request) -> Response:
        if request.method == "POST" and (answer := next(answers, None)) is not None:
            server.requests.append(request)
            return answer  # a 5xx that did not start anything
        return server(request)

    async with session_for(handler) as telnyx:
        action = await telnyx.sim_cards.set_standby(CARD)
    assert len(server.posts()) == 2
    assert [a["id"] for a in server.actions] == [action.id]


async def test_a_retry_refused_because_an_action_is_in_progress_returns_that_action() -> None:
    server = ActionsServer()
    server.refuse_in_progress = True
    processed_then_failed = iter([True])

    def handler(request: Request) -> Response:
        answer = server(request)
        if request.method == "POST" and next(processed_then_failed, False):
            return json_response({}, status=500)  # processed, but answered with a 5xx
        return answer

    # The lookup before the retry sees nothing yet (a server slow to list its actions),
    # so the retry is sent, refused, and the second lookup finds the action.
    listings = iter([False])

    def slow_listing(request: Request) -> Response:
        if request.method == "GET" and next(listings, True) is False:
            server.requests.append(request)
            meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": 0}
            return json_response({"data": [], "meta": meta})
        return handler(request)

    async with session_for(slow_listing) as telnyx:
        action = await telnyx.sim_cards.disable(CARD)
    assert len(server.posts()) == 2
    assert len(server.actions) == 1
    assert action.id == server.actions[0]["id"]


async def test_a_refused_retry_with_no_action_found_raises_the_refusal() -> None:
    answers = iter([json_response({}, status=503)])

    def handler(request: Request) -> Response:
        if request.method == "GET":
            meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": 0}
            return json_response({"data": [], "meta": meta})
        error = {"code": "1", "title": "Conflict", "detail": "busy"}
        return next(answers, json_response({"errors": [error]}, status=409))

    async with session_for(handler) as telnyx:
        with pytest.raises(ConflictError, match="busy"):
            await telnyx.sim_cards.enable(CARD)


async def test_a_first_refusal_is_raised_without_a_lookup() -> None:
    server = ActionsServer()

    def handler(request: Request) -> Response:
        server.requests.append(request)
        error = {"code": "10015", "title": "Unprocessable", "detail": "card is in no group"}
        return json_response({"errors": [error]}, status=422)

    async with session_for(handler) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="in no group"):
            await telnyx.sim_cards.enable(CARD)
    assert [r.method for r in server.requests] == ["POST"]


async def test_lost_answers_that_never_end_raise_after_the_retries() -> None:
    def handler(request: Request) -> Response:
        if request.method == "GET":
            meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": 0}
            return json_response({"data": [], "meta": meta})
        return json_response({}, status=500)

    async with session_for(handler, retry=RetryPolicy(wait=False, max_attempts=3)) as telnyx:
        with pytest.raises(InternalServerError):
            await telnyx.sim_cards.enable(CARD)


async def test_the_lookup_believes_the_likeliest_action() -> None:
    server = ActionsServer()
    server.ignore_filters = True  # and the client checks each action itself
    server.add(card=CARD, kind="enable", status="in-progress", age=LOOKBACK + 60)  # too old
    server.add(card=OTHER_CARD, kind="enable", status="in-progress")  # another card
    server.add(card=CARD, kind="disable", status="in-progress")  # another type
    server.add(card=CARD, kind="enable", status="completed", age=1)  # finished
    server.drop_after_processing = 1
    async with session_for(server) as telnyx:
        action = await telnyx.sim_cards.enable(CARD)
    ours = server.actions[-1]
    assert action.id == ours["id"]  # the one in progress, though a finished one is newer
    assert len(server.posts()) == 1


async def test_the_lookup_returns_a_quick_action_already_finished() -> None:
    server = ActionsServer()
    server.drop_after_processing = 1

    def handler(request: Request) -> Response:
        try:
            return server(request)
        finally:
            for action in server.actions:  # the action finishes before the client looks
                action["status"] = {"value": "completed", "reason": None}

    async with session_for(handler) as telnyx:
        action = await telnyx.sim_cards.enable(CARD)
    assert action.finished
    assert len(server.posts()) == 1


def refused_first_post(server: ActionsServer, status: int) -> Any:
    """`server`, except that its first POST is answered `status` without being processed."""
    answers = iter([json_response({}, status=status)])

    def handler(request: Request) -> Response:
        if request.method == "POST" and (answer := next(answers, None)) is not None:
            server.requests.append(request)
            return answer
        return server(request)

    return handler


async def test_a_lost_answer_is_retried_past_an_earlier_completed_action_of_the_type() -> None:
    server = ActionsServer()
    earlier = server.add(card=CARD, kind="disable", status="completed", age=30)
    server.add(card=CARD, kind="enable", status="completed", age=15)  # enabled since
    async with session_for(refused_first_post(server, 503)) as telnyx:
        action = await telnyx.sim_cards.disable(CARD)
    assert len(server.posts()) == 2  # the 503 started nothing: the POST was sent again
    assert action.id == server.actions[-1]["id"] != earlier["id"]
    cards = [r for r in server.requests if r.url == f"{BASE}/sim_cards/{CARD}"]
    assert [r.method for r in cards] == ["GET"]  # the card looked at once, found enabled


async def test_a_lost_answer_is_retried_past_an_earlier_failed_action_of_the_type() -> None:
    server = ActionsServer()
    earlier = server.add(card=CARD, kind="disable", status="failed", age=10)
    async with session_for(refused_first_post(server, 503)) as telnyx:
        action = await telnyx.sim_cards.disable(CARD)
    assert len(server.posts()) == 2
    assert action.id == server.actions[-1]["id"] != earlier["id"]
    assert action.status is not None
    assert action.status.value == "in-progress"
    # A failed action is never taken for ours: no need to look at the card.
    assert not any(r.url == f"{BASE}/sim_cards/{CARD}" for r in server.requests)


async def test_a_refused_retry_takes_a_completed_action_once_the_card_is_in_its_target() -> None:
    server = ActionsServer()
    server.initial_status = "disabled"
    server.add(card=CARD, kind="enable", status="completed", age=20)  # the lost attempt's

    def handler(request: Request) -> Response:
        if request.method == "POST":
            server.requests.append(request)
            if len(server.posts()) == 1:
                return json_response({}, status=502)
            error = {"code": "1", "title": "Unprocessable", "detail": "already enabled"}
            return json_response({"errors": [error]}, status=422)
        return server(request)

    # The first lookup finds the completed action, but the card still shows disabled (a
    # lagging read): the POST is retried, refused, and the second lookup sees it enabled.
    statuses = iter(["disabled"])
    card_status = server.card_status

    def lagging(card: str) -> str:
        return next(statuses, None) or card_status(card)

    server.card_status = lagging  # type: ignore[method-assign]
    async with session_for(handler) as telnyx:
        action = await telnyx.sim_cards.enable(CARD)
    assert action.id == server.actions[0]["id"]
    assert len(server.posts()) == 2


async def test_a_refused_retry_with_only_a_failed_action_found_raises_the_refusal() -> None:
    server = ActionsServer()
    server.add(card=CARD, kind="enable", status="failed", age=5)

    def handler(request: Request) -> Response:
        if request.method == "POST":
            server.requests.append(request)
            if len(server.posts()) == 1:
                return json_response({}, status=500)
            error = {"code": "1", "title": "Unprocessable", "detail": "card is in no group"}
            return json_response({"errors": [error]}, status=422)
        return server(request)

    async with session_for(handler) as telnyx:
        with pytest.raises(UnprocessableEntityError, match="in no group"):
            await telnyx.sim_cards.enable(CARD)


NOT_THE_ACTION_ASKED_FOR = {
    "no id": {"data": {"status": {"value": "in-progress"}}},
    "nothing": {"data": {}},
    "a blank id": {"data": {"id": " ", "sim_card_id": CARD, "action_type": "disable"}},
    "another card": {"data": {"id": CARD, "sim_card_id": OTHER_CARD, "action_type": "disable"}},
    "another type": {"data": {"id": CARD, "sim_card_id": CARD, "action_type": "enable"}},
    "an id not a UUID": {"data": {"id": "abc/../x", "sim_card_id": CARD}},
    "a number for an id": {"data": {"id": 5, "sim_card_id": CARD, "action_type": "disable"}},
}


@pytest.mark.parametrize(
    "answer", NOT_THE_ACTION_ASKED_FOR.values(), ids=list(NOT_THE_ACTION_ASKED_FOR)
)
async def test_an_answer_that_is_not_the_action_asked_for_is_a_typed_error(
    answer: dict[str, Any],
) -> None:
    server = ActionsServer()

    def handler(request: Request) -> Response:
        if request.method == "POST":
            server.requests.append(request)
            return json_response(answer, status=202)
        return server(request)

    async with session_for(handler, retry=RetryPolicy(wait=False, max_attempts=3)) as telnyx:
        with pytest.raises(APIResponseValidationError, match="/actions/disable") as caught:
            await telnyx.sim_cards.disable(CARD)
    assert caught.value.status == 202
    # It may have started an action: each retry is preceded by a lookup.
    assert [r.method for r in server.requests] == ["POST", "GET", "POST", "GET", "POST"]


async def test_an_unreadable_answer_to_a_processed_post_returns_the_action_it_started() -> None:
    server = ActionsServer()

    def handler(request: Request) -> Response:
        answer = server(request)
        if request.method == "POST":
            return json_response({"data": {"status": {"value": "in-progress"}}}, status=202)
        return answer

    async with session_for(handler) as telnyx:
        action = await telnyx.sim_cards.enable(CARD)
    [started] = server.actions
    assert action.id == started["id"]
    assert len(server.posts()) == 1
