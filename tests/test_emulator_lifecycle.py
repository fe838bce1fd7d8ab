"""The emulator's SIM card lifecycle, over real HTTP with a plain aiohttp client (never the SDK).

Get, update and delete one card; enable, disable and set_standby with their actions, finished
by a fake clock; the action listings; registration-code validation. Expected statuses are
derived from what the listing says about a card before the test touches it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from telnyx_wireless_async.testing import EmulatorState, Fault, FaultProfile, create_app
from telnyx_wireless_async.testing import registration_code as code
from telnyx_wireless_async.testing._inventory import UNAUTHORIZED_IMEI_INTERVAL

from .conftest import FakeClock

KEY = "lifecycle-test-key"
SIZE = 200
DURATION = 10.0
UNKNOWN_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
Json = dict[str, Any]


class Api:
    """Raw HTTP to one emulator: every call returns (status, decoded body)."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.headers = {"Authorization": f"Bearer {KEY}"}

    async def call(
        self, method: str, path: str, *, params: Any = None, payload: object = None
    ) -> tuple[int, Json]:
        async with self.http.request(
            method, self.base + path, params=params, json=payload, headers=self.headers
        ) as response:
            return response.status, await response.json()

    async def ok(self, method: str, path: str, **kwargs: Any) -> Json:
        status, body = await self.call(method, path, **kwargs)
        assert 200 <= status < 300, (status, body)
        return body

    async def cards(self, **params: str) -> list[Json]:
        query = {"page[size]": "250", **params}
        body = await self.ok("GET", "/sim_cards", params=query)
        assert body["meta"]["total_pages"] <= 1
        data: list[Json] = body["data"]
        return data

    async def act(self, card_id: str, action: str) -> tuple[int, Json]:
        return await self.call("POST", f"/sim_cards/{card_id}/actions/{action}")

    async def actions(self, **params: str) -> Json:
        return await self.ok("GET", "/sim_card_actions", params=params)


@pytest.fixture
def lifecycle_state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(
        api_key=KEY, inventory_size=SIZE, seed=5, clock=clock, action_duration=DURATION
    )


@pytest.fixture
async def api(lifecycle_state: EmulatorState) -> AsyncIterator[Api]:
    async with (
        TestServer(create_app(lifecycle_state), host="127.0.0.1") as server,
        aiohttp.ClientSession() as http,
    ):
        yield Api(http, str(server.make_url("/v2")))


async def first_with(api: Api, status: str, *, flagged: bool = False) -> Json:
    """The first card listed with ``status``, used from an unauthorized IMEI or not."""
    for card in await api.cards(**{"filter[status]": status}):
        index = int(card["iccid"][9:18])
        if (index % UNAUTHORIZED_IMEI_INTERVAL == 0) == flagged and not card["actions_in_progress"]:
            return card
    raise AssertionError(f"no {status} card")


def error_codes(body: Json) -> list[str]:
    return [problem["code"] for problem in body["errors"]]


# -- GET /sim_cards/{id} ----------------------------------------------------------------------


async def test_get_answers_the_listed_card_with_its_device(api: Api) -> None:
    listed = (await api.cards())[:40]
    for card in listed:
        body = await api.ok("GET", f"/sim_cards/{card['id'].upper()}")
        detail = body["data"]
        assert {key: detail[key] for key in card} == card
        assert set(detail) - set(card) == {
            "current_device_location", "current_imei", "current_mcc", "current_mnc",
            "ipv4", "ipv6", "live_data_session",
        }  # fmt: skip
        assert detail["live_data_session"] in ("connected", "disconnected")
        assert "pin_puk_codes" not in detail


async def test_pin_and_puk_codes_only_when_asked_and_always_the_same(api: Api) -> None:
    [card, other] = (await api.cards())[:2]
    path = f"/sim_cards/{card['id']}"
    body = await api.ok("GET", path, params={"include_pin_puk_codes": "true"})
    codes = body["data"]["pin_puk_codes"]
    assert re.fullmatch(r"[0-9]{4}", codes["pin1"])
    assert re.fullmatch(r"[0-9]{4}", codes["pin2"])
    assert re.fullmatch(r"[0-9]{8}", codes["puk1"])
    assert re.fullmatch(r"[0-9]{8}", codes["puk2"])
    again = await api.ok("GET", path, params={"include_pin_puk_codes": "true"})
    assert again["data"]["pin_puk_codes"] == codes
    theirs = await api.ok(
        "GET", f"/sim_cards/{other['id']}", params={"include_pin_puk_codes": "true"}
    )
    assert theirs["data"]["pin_puk_codes"] != codes
    plain = await api.ok("GET", path, params={"include_pin_puk_codes": "false"})
    assert "pin_puk_codes" not in plain["data"]


async def test_get_embeds_the_group_when_asked(api: Api) -> None:
    listed = await api.ok(
        "GET", "/sim_cards", params={"include_sim_card_group": "true", "page[size]": "1"}
    )
    [card] = listed["data"]
    body = await api.ok(
        "GET", f"/sim_cards/{card['id']}", params={"include_sim_card_group": "true"}
    )
    assert body["data"]["sim_card_group"] == card["sim_card_group"]


@pytest.mark.parametrize(
    "card_id", [UNKNOWN_ID, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]
)
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/actions/enable"),
        ("POST", "/actions/disable"),
        ("POST", "/actions/set_standby"),
    ],
)
async def test_an_unknown_card_is_a_404_with_a_telnyx_body(
    api: Api, card_id: str, method: str, suffix: str
) -> None:
    payload: Json | None = {} if method == "PATCH" else None
    status, body = await api.call(method, f"/sim_cards/{card_id}{suffix}", payload=payload)
    assert status == 404
    [problem] = body["errors"]
    assert problem["code"] == "10005"
    assert card_id in problem["detail"]


@pytest.mark.parametrize("name", ["include_pin_puk_codes", "include_sim_card_group"])
async def test_bad_booleans_are_a_400_naming_the_parameter(api: Api, name: str) -> None:
    [card] = (await api.cards())[:1]
    status, body = await api.call("GET", f"/sim_cards/{card['id']}", params={name: "yes"})
    assert status == 400
    assert body["errors"][0]["source"] == {"parameter": name}


# -- PATCH /sim_cards/{id} ---------------------------------------------------------------------


async def test_patch_changes_only_what_it_is_given_and_listings_follow(
    api: Api, lifecycle_state: EmulatorState
) -> None:
    card = await first_with(api, "enabled")
    other_group = next(
        group for group in lifecycle_state.inventory.group_ids
        if group != card["sim_card_group_id"]
    )  # fmt: skip
    body = await api.ok(
        "PATCH",
        f"/sim_cards/{card['id']}",
        payload={
            "tags": ["patched", "patched", "fleet"],
            "sim_card_group_id": other_group.upper(),
            "data_limit": {"amount": "300.5", "unit": "GB"},
            "authorized_imeis": ["356938035643809"],
            "status": {},
        },
    )
    updated = body["data"]
    assert updated["tags"] == ["patched", "fleet"]
    assert updated["sim_card_group_id"] == other_group
    assert updated["data_limit"] == {"amount": "300.5", "unit": "GB"}
    assert updated["authorized_imeis"] == ["356938035643809"]
    unchanged = {"status", "iccid", "msisdn", "created_at", "current_billing_period_consumed_data"}
    assert {key: updated[key] for key in unchanged} == {key: card[key] for key in unchanged}
    assert (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"] == updated

    # Listings read the change: filters on tags and group find it, the old group lost it.
    assert [c["id"] for c in await api.cards(**{"filter[tags]": "patched"})] == [card["id"]]
    in_new = await api.cards(**{"filter[sim_card_group_id]": other_group})
    assert card["id"] in [c["id"] for c in in_new]
    in_old = await api.cards(**{"filter[sim_card_group_id]": card["sim_card_group_id"]})
    assert card["id"] not in [c["id"] for c in in_old]
    listed = {c["id"]: c for c in await api.cards()}
    assert listed[card["id"]]["tags"] == ["patched", "fleet"]

    # An empty body changes nothing; clearing the allow-list is possible.
    assert (await api.ok("PATCH", f"/sim_cards/{card['id']}", payload={}))["data"] == updated
    cleared = await api.ok("PATCH", f"/sim_cards/{card['id']}", payload={"authorized_imeis": None})
    assert cleared["data"]["authorized_imeis"] is None
    assert cleared["data"]["tags"] == ["patched", "fleet"]


@pytest.mark.parametrize(
    ("payload", "pointers", "code_"),
    [
        ({"iccid": "1"}, ["/iccid"], "10036"),
        ({"status": {"value": "enabled"}}, ["/status"], "10036"),
        ({"tags": "fleet"}, ["/tags"], "10015"),
        ({"tags": ["a", 1]}, ["/tags/1"], "10015"),
        ({"sim_card_group_id": None}, ["/sim_card_group_id"], "10015"),
        ({"sim_card_group_id": "group-1"}, ["/sim_card_group_id"], "10015"),
        ({"sim_card_group_id": UNKNOWN_ID}, ["/sim_card_group_id"], "10034"),
        ({"data_limit": None}, ["/data_limit"], "10015"),
        ({"data_limit": {"amount": 5, "unit": "MB"}}, ["/data_limit/amount"], "10015"),
        ({"data_limit": {"amount": "-5", "unit": "MB"}}, ["/data_limit/amount"], "10015"),
        ({"data_limit": {"amount": "5", "unit": "TB"}}, ["/data_limit/unit"], "10015"),
        ({"data_limit": {"amount": "5"}}, ["/data_limit/unit"], "10015"),
        ({"authorized_imeis": "35"}, ["/authorized_imeis"], "10015"),
    ],
)
async def test_patch_refuses_what_it_cannot_take_and_changes_nothing(
    api: Api, payload: Json, pointers: list[str], code_: str
) -> None:
    card = await first_with(api, "enabled")
    status, body = await api.call("PATCH", f"/sim_cards/{card['id']}", payload=payload)
    assert status == 422
    assert [problem["source"]["pointer"] for problem in body["errors"]] == pointers
    assert error_codes(body) == [code_]
    after = (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]
    assert {key: after[key] for key in card} == card


async def test_patch_reports_every_problem_at_once(api: Api) -> None:
    card = await first_with(api, "enabled")
    status, body = await api.call(
        "PATCH", f"/sim_cards/{card['id']}", payload={"imsi": "1", "tags": 3, "status": "x"}
    )
    assert status == 422
    pointers = {problem["source"]["pointer"] for problem in body["errors"]}
    assert pointers == {"/imsi", "/tags", "/status"}


@pytest.mark.parametrize("body", [b"[]", b"{not json", b'"x"'])
async def test_patch_needs_a_json_object(api: Api, body: bytes) -> None:
    card = await first_with(api, "enabled")
    async with api.http.patch(
        f"{api.base}/sim_cards/{card['id']}",
        data=body,
        headers={**api.headers, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 422
        assert (await response.json())["errors"][0]["source"] == {"pointer": ""}


async def test_raising_the_data_limit_brings_an_exceeded_card_back(api: Api) -> None:
    card = await first_with(api, "data_limit_exceeded")
    path = f"/sim_cards/{card['id']}"
    # Not above what it consumed: it stays exceeded.
    consumed = card["current_billing_period_consumed_data"]["amount"]
    same = await api.ok("PATCH", path, payload={"data_limit": {"amount": "1", "unit": "MB"}})
    assert same["data"]["status"]["value"] == "data_limit_exceeded"
    raised = await api.ok("PATCH", path, payload={"data_limit": {"amount": "100", "unit": "GB"}})
    assert float(consumed) < 100 * 1024
    assert raised["data"]["status"]["value"] == "enabled"
    assert card["id"] in [c["id"] for c in await api.cards(**{"filter[status]": "enabled"})]


# -- actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "transit", "target"),
    [
        ("disabled", "enable", "enabling", "enabled"),
        ("standby", "enable", "enabling", "enabled"),
        ("enabled", "disable", "disabling", "disabled"),
        ("standby", "disable", "disabling", "disabled"),
        ("enabled", "set_standby", "setting_standby", "standby"),
        ("disabled", "set_standby", "setting_standby", "standby"),
    ],
)
async def test_an_action_moves_the_card_through_its_transit_when_the_clock_says(
    api: Api, clock: FakeClock, start: str, action: str, transit: str, target: str
) -> None:
    card = await first_with(api, start)
    status, body = await api.act(card["id"], action)
    assert status == 202
    started = body["data"]
    assert started["record_type"] == "sim_card_action"
    assert started["sim_card_id"] == card["id"]
    assert started["action_type"] == action
    assert started["status"]["value"] == "in-progress"
    assert started["settings"] == {}

    now = (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]
    assert now["status"]["value"] == transit
    assert now["actions_in_progress"] is True
    # The status filter follows the card out of its old status (and no filter names a transit).
    assert card["id"] not in [c["id"] for c in await api.cards(**{"filter[status]": start})]

    clock.advance(DURATION - 0.001)
    assert (await api.ok("GET", f"/sim_card_actions/{started['id']}"))["data"] == started
    clock.advance(0.001)
    done = (await api.ok("GET", f"/sim_card_actions/{started['id']}"))["data"]
    assert done["status"]["value"] == "completed"
    assert isinstance(done["status"]["reason"], str)
    assert done["created_at"] == started["created_at"]
    assert done["updated_at"] > started["updated_at"]
    after = (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]
    assert after["status"]["value"] == target
    assert after["actions_in_progress"] is False
    assert card["id"] in [c["id"] for c in await api.cards(**{"filter[status]": target})]


@pytest.mark.parametrize(
    ("status", "action"),
    [("enabled", "enable"), ("disabled", "disable"), ("standby", "set_standby")],
)
async def test_an_action_to_the_status_the_card_has_is_refused(
    api: Api, lifecycle_state: EmulatorState, status: str, action: str
) -> None:
    card = await first_with(api, status)
    code_status, body = await api.act(card["id"], action)
    assert code_status == 422
    assert error_codes(body) == ["10032"]
    assert f"already {status}" in body["errors"][0]["detail"]
    assert len(lifecycle_state.actions) == 0


async def test_a_card_with_an_action_in_progress_refuses_another(
    api: Api, clock: FakeClock
) -> None:
    card = await first_with(api, "disabled")
    _, body = await api.act(card["id"], "enable")
    running = body["data"]["id"]
    for action in ("enable", "disable", "set_standby"):
        status, refused = await api.act(card["id"], action)
        assert status == 422
        assert error_codes(refused) == ["10031"]
        assert running in refused["errors"][0]["detail"]
    status, refused = await api.call("DELETE", f"/sim_cards/{card['id']}")
    assert (status, error_codes(refused)) == (422, ["10031"])
    assert (await api.actions(**{"filter[sim_card_id]": card["id"]}))["meta"]["total_results"] == 1
    clock.advance(DURATION)
    status, _ = await api.act(card["id"], "disable")
    assert status == 202


TRANSITS = ("registering", "enabling", "disabling", "setting_standby")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.mark.parametrize("seed", [0, 5, 77])
async def test_a_fresh_account_has_no_card_in_transit_and_no_action(
    clock: FakeClock, seed: int
) -> None:
    # Review 5, defect 5: synthetic cards used to sit in a transit for good, with no action.
    state = EmulatorState(api_key=KEY, inventory_size=1000, seed=seed, clock=clock)
    async with (
        TestServer(create_app(state), host="127.0.0.1") as server,
        aiohttp.ClientSession() as http,
    ):
        api = Api(http, str(server.make_url("/v2")))
        cards = []
        for page in (1, 2, 3, 4):
            params = {"page[size]": "250", "page[number]": str(page)}
            cards += (await api.ok("GET", "/sim_cards", params=params))["data"]
        assert len(cards) == 1000
        statuses = {card["status"]["value"] for card in cards}
        assert statuses == {"enabled", "disabled", "standby", "data_limit_exceeded"}
        assert not any(card["actions_in_progress"] for card in cards)
        assert (await api.actions())["meta"]["total_results"] == 0


async def test_no_card_stays_in_transit_past_the_action_duration(
    api: Api, clock: FakeClock
) -> None:
    starts = {"disabled": "enable", "enabled": "set_standby", "standby": "disable"}
    for start, action in starts.items():
        card = await first_with(api, start)
        assert (await api.act(card["id"], action))[0] == 202
    in_transit = [c for c in await api.cards() if c["status"]["value"] in TRANSITS]
    assert len(in_transit) == len(starts)
    running = await api.actions(**{"filter[status]": "in-progress"})
    assert running["meta"]["total_results"] == len(starts)
    assert {a["sim_card_id"] for a in running["data"]} == {c["id"] for c in in_transit}

    clock.advance(DURATION)
    cards = await api.cards()
    assert not [c for c in cards if c["status"]["value"] in TRANSITS]
    assert not [c for c in cards if c["actions_in_progress"]]
    assert (await api.actions(**{"filter[status]": "in-progress"}))["meta"]["total_results"] == 0


@pytest.mark.parametrize(
    ("start", "action"),
    [("disabled", "enable"), ("enabled", "disable"), ("enabled", "set_standby")],
)
async def test_a_refusal_names_the_running_action_and_lasts_only_while_it_runs(
    api: Api, clock: FakeClock, start: str, action: str
) -> None:
    card = await first_with(api, start)
    _, body = await api.act(card["id"], action)
    started = body["data"]
    for other in ("enable", "disable", "set_standby"):
        status, refused = await api.act(card["id"], other)
        assert (status, error_codes(refused)) == (422, ["10031"])
        [named] = UUID_TEXT.findall(refused["errors"][0]["detail"])
        found = (await api.ok("GET", f"/sim_card_actions/{named}"))["data"]
        assert found["id"] == started["id"]
        assert (found["sim_card_id"], found["action_type"]) == (card["id"], action)
        assert found["status"]["value"] == "in-progress"
    clock.advance(DURATION)
    # Over: the card takes the next action (its own status is already reached, hence disable
    # or enable rather than a repeat).
    follow_up = "disable" if action == "enable" else "enable"
    status, next_body = await api.act(card["id"], follow_up)
    assert status == 202, next_body


@pytest.mark.parametrize("transit", TRANSITS)
async def test_a_transit_a_test_writes_without_an_action_still_refuses_actions(
    api: Api, lifecycle_state: EmulatorState, transit: str
) -> None:
    inventory = lifecycle_state.inventory
    index = next(i for i in range(SIZE) if inventory.status_of(i) == "enabled")
    inventory.change(index, status=transit, actions_in_progress=True)
    status, body = await api.act(inventory.card_id(index), "disable")
    assert (status, error_codes(body)) == (422, ["10031"])


async def test_enable_and_standby_need_a_group(api: Api, lifecycle_state: EmulatorState) -> None:
    card = await first_with(api, "disabled")
    index = lifecycle_state.inventory.index_of(card["id"])
    assert index is not None
    lifecycle_state.inventory.change(index, sim_card_group_id=None)
    for action in ("enable", "set_standby"):
        status, body = await api.act(card["id"], action)
        assert (status, error_codes(body)) == (422, ["10033"])
    # Disabling needs no group.
    status, _ = await api.act(card["id"], "disable")
    assert (status, error_codes(_)) == (422, ["10032"])


async def test_a_data_limit_exceeded_card_cannot_change_state(api: Api, clock: FakeClock) -> None:
    card = await first_with(api, "data_limit_exceeded")
    status, body = await api.act(card["id"], "disable")
    assert status == 202
    now = (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]
    assert now["status"]["value"] == "disabling"
    clock.advance(DURATION)
    failed = (await api.ok("GET", f"/sim_card_actions/{body['data']['id']}"))["data"]
    assert failed["status"] == {"value": "failed", "reason": "The data limit was exceeded."}
    after = (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]
    assert after["status"]["value"] == "data_limit_exceeded"


async def test_an_unauthorized_imei_fails_the_action_until_the_allow_list_changes(
    api: Api, clock: FakeClock
) -> None:
    card = await first_with(api, "enabled", flagged=True)
    flagged = await api.cards(**{"filter[status]": "unauthorized_imei"})
    assert card["id"] in [c["id"] for c in flagged]
    _, body = await api.act(card["id"], "disable")
    clock.advance(DURATION)
    failed = (await api.ok("GET", f"/sim_card_actions/{body['data']['id']}"))["data"]
    assert failed["status"]["value"] == "failed"
    assert "IMEI" in failed["status"]["reason"]
    assert (await api.ok("GET", f"/sim_cards/{card['id']}"))["data"]["status"]["value"] == (
        "enabled"
    )

    await api.ok("PATCH", f"/sim_cards/{card['id']}", payload={"authorized_imeis": None})
    flagged = await api.cards(**{"filter[status]": "unauthorized_imei"})
    assert card["id"] not in [c["id"] for c in flagged]
    _, body = await api.act(card["id"], "disable")
    clock.advance(DURATION)
    done = (await api.ok("GET", f"/sim_card_actions/{body['data']['id']}"))["data"]
    assert done["status"]["value"] == "completed"


async def test_the_failure_rate_is_seeded(clock: FakeClock) -> None:
    async def outcomes(seed: int) -> list[str]:
        state = EmulatorState(
            api_key=KEY, inventory_size=SIZE, seed=seed, clock=clock, action_failure_rate=0.5
        )
        async with (
            TestServer(create_app(state), host="127.0.0.1") as server,
            aiohttp.ClientSession() as http,
        ):
            api = Api(http, str(server.make_url("/v2")))
            cards = await api.cards(**{"filter[status]": "enabled"})
            ids = [c["id"] for c in cards if int(c["iccid"][9:18]) % UNAUTHORIZED_IMEI_INTERVAL]
            actions = [(await api.act(card_id, "disable"))[1]["data"]["id"] for card_id in ids]
            clock.advance(state.actions.duration)
            return [
                (await api.ok("GET", f"/sim_card_actions/{a}"))["data"]["status"]["value"]
                for a in actions
            ]

    first = await outcomes(3)
    assert first == await outcomes(3)
    assert 0.25 < first.count("failed") / len(first) < 0.75
    assert set(first) == {"completed", "failed"}


async def test_ten_thousand_pending_actions_cost_nothing_until_due(clock: FakeClock) -> None:
    state = EmulatorState(api_key=KEY, inventory_size=40_000, clock=clock, action_duration=5)
    inventory = state.inventory
    enabled = [i for i in range(40_000) if inventory.status_of(i) == "enabled"][:10_000]
    assert len(enabled) == 10_000
    for index in enabled:
        state.actions.start(index, "disable")
    reads_before = clock.now
    clock.tick = 1.0  # every clock read now moves time: count them
    state.settle()
    assert clock.now - reads_before == 1.0  # one read, nothing due
    assert state.actions.pending == 10_000
    clock.tick = 0.0
    clock.advance(5)
    state.settle()
    assert state.actions.pending == 0


# -- listing actions ----------------------------------------------------------------------------


async def test_actions_list_by_each_filter_oldest_first(api: Api, clock: FakeClock) -> None:
    enabled = (await api.cards(**{"filter[status]": "enabled"}))[:6]
    disabled = await first_with(api, "disabled")
    ids = []
    for card in enabled[:3]:
        ids.append((await api.act(card["id"], "disable"))[1]["data"]["id"])
    clock.advance(DURATION)
    for card in enabled[3:]:
        ids.append((await api.act(card["id"], "set_standby"))[1]["data"]["id"])
    ids.append((await api.act(disabled["id"], "enable"))[1]["data"]["id"])

    everything = await api.actions()
    assert [a["id"] for a in everything["data"]] == ids
    assert everything["meta"] == {
        "page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 7,
    }  # fmt: skip
    by_type = await api.actions(**{"filter[action_type]": "set_standby"})
    assert [a["id"] for a in by_type["data"]] == ids[3:6]
    completed = await api.actions(**{"filter[status]": "completed"})
    assert [a["id"] for a in completed["data"]] == ids[:3]
    running = await api.actions(**{"filter[status]": "in-progress"})
    assert [a["id"] for a in running["data"]] == ids[3:]
    assert (await api.actions(**{"filter[status]": "failed"}))["data"] == []
    of_card = await api.actions(**{"filter[sim_card_id]": enabled[4]["id"].upper()})
    assert [a["id"] for a in of_card["data"]] == [ids[4]]
    combined = await api.actions(
        **{"filter[action_type]": "disable", "filter[status]": "completed",
           "filter[sim_card_id]": enabled[1]["id"]}
    )  # fmt: skip
    assert [a["id"] for a in combined["data"]] == [ids[1]]
    assert (await api.actions(**{"filter[sim_card_id]": UNKNOWN_ID}))["data"] == []
    bulk = await api.actions(**{"filter[bulk_sim_card_action_id]": UNKNOWN_ID})
    assert bulk["data"] == []
    # Pages as /sim_cards does.
    page = await api.actions(**{"page[size]": "3", "page[number]": "2"})
    assert [a["id"] for a in page["data"]] == ids[3:6]
    assert page["meta"] == {"page_number": 2, "page_size": 3, "total_pages": 3, "total_results": 7}
    clock.advance(DURATION)
    completed = await api.actions(**{"filter[status]": "completed"})
    assert [a["id"] for a in completed["data"]] == ids


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("filter[status]", "interrupted"),
        ("filter[status]", "done"),
        ("filter[action_type]", "reboot"),
        ("filter[sim_card_id]", "card-1"),
        ("filter[bulk_sim_card_action_id]", "bulk"),
        ("page[size]", "251"),
        ("page[number]", "0"),
    ],
)
async def test_bad_action_filters_are_a_400_naming_the_parameter(
    api: Api, name: str, value: str
) -> None:
    status, body = await api.call("GET", "/sim_card_actions", params={name: value})
    assert status == 400
    assert body["errors"][0]["source"] == {"parameter": name}


@pytest.mark.parametrize("action_id", [UNKNOWN_ID, "nope"])
async def test_an_unknown_action_is_a_404(api: Api, action_id: str) -> None:
    status, body = await api.call("GET", f"/sim_card_actions/{action_id}")
    assert (status, error_codes(body)) == (404, ["10005"])


# -- DELETE /sim_cards/{id} ---------------------------------------------------------------------


async def test_delete_answers_the_card_disabling_then_it_is_gone(
    api: Api, lifecycle_state: EmulatorState
) -> None:
    cards = await api.cards()
    card = next(c for c in cards if c["status"]["value"] == "enabled")
    status, body = await api.call(
        "DELETE", f"/sim_cards/{card['id']}", params={"report_lost": "false"}
    )
    assert status == 200
    assert body["data"]["id"] == card["id"]
    assert body["data"]["status"]["value"] == "disabling"
    status, _ = await api.call("GET", f"/sim_cards/{card['id']}")
    assert status == 404
    status, _ = await api.call("DELETE", f"/sim_cards/{card['id']}")
    assert status == 404
    after = await api.cards()
    assert [c["id"] for c in after] == [c["id"] for c in cards if c["id"] != card["id"]]
    page = await api.ok("GET", "/sim_cards", params={"page[size]": "7", "page[number]": "2"})
    assert [c["id"] for c in page["data"]] == [c["id"] for c in after[7:14]]
    assert page["meta"]["total_results"] == SIZE - 1
    for status_filter in ("enabled", "disabled", "standby"):
        listed = await api.cards(**{"filter[status]": status_filter})
        assert card["id"] not in [c["id"] for c in listed]


async def test_delete_validates_report_lost(api: Api) -> None:
    card = await first_with(api, "enabled")
    status, body = await api.call(
        "DELETE", f"/sim_cards/{card['id']}", params={"report_lost": "maybe"}
    )
    assert status == 400
    assert body["errors"][0]["source"] == {"parameter": "report_lost"}
    assert (await api.call("GET", f"/sim_cards/{card['id']}"))[0] == 200


# -- POST /sim_cards/actions/validate_registration_codes ---------------------------------------


async def test_validate_registration_codes(api: Api) -> None:
    await api.ok("POST", "/actions/register/sim_cards", payload={"registration_codes": [code(1)]})
    sent = [code(1), code(2), "12345", code(2), code(3)[:-1] + "x"]
    body = await api.ok(
        "POST", "/sim_cards/actions/validate_registration_codes",
        payload={"registration_codes": sent},
    )  # fmt: skip
    assert [(v["registration_code"], v["valid"]) for v in body["data"]] == [
        (code(1), False), (code(2), True), ("12345", False), (code(2), True),
        (code(3)[:-1] + "x", False),
    ]  # fmt: skip
    assert body["data"][0]["invalid_detail"] == "This code has already been used."
    assert body["data"][1]["invalid_detail"] is None
    assert "12345" in body["data"][2]["invalid_detail"]
    assert {v["record_type"] for v in body["data"]} == {"sim_card_registration_code_validation"}
    assert set(body) == {"data"}
    empty = await api.ok("POST", "/sim_cards/actions/validate_registration_codes", payload={})
    assert empty == {"data": []}


@pytest.mark.parametrize("payload", [[], {"registration_codes": "1"}, {"registration_codes": [1]}])
async def test_validate_refuses_bad_bodies(api: Api, payload: object) -> None:
    status, body = await api.call(
        "POST", "/sim_cards/actions/validate_registration_codes", payload=payload
    )
    assert status == 422
    assert body["errors"]


# -- faults and the rate limit on the new routes ------------------------------------------------


async def test_a_fault_after_processing_starts_the_action_but_loses_the_answer(
    api: Api, lifecycle_state: EmulatorState
) -> None:
    card = await first_with(api, "enabled")
    path = f"/sim_cards/{card['id']}/actions/disable"
    lifecycle_state.add_fault(Fault(path=path, drop_connection=True, after_processing=True))
    with pytest.raises(aiohttp.ClientError):
        await api.act(card["id"], "disable")
    [action] = (await api.actions(**{"filter[sim_card_id]": card["id"]}))["data"]
    assert action["status"]["value"] == "in-progress"
    # The retry is refused, pointing at the action the lost attempt started.
    status, body = await api.act(card["id"], "disable")
    assert (status, error_codes(body)) == (422, ["10031"])
    assert action["id"] in body["errors"][0]["detail"]

    other = await first_with(api, "enabled")
    path = f"/sim_cards/{other['id']}/actions/set_standby"
    lifecycle_state.add_fault(Fault(status=503, path=path, after_processing=True))
    status, body = await api.act(other["id"], "set_standby")
    assert status == 503
    assert error_codes(body) == ["10007"] or body["errors"]
    listed = await api.actions(**{"filter[sim_card_id]": other["id"]})
    assert [a["action_type"] for a in listed["data"]] == ["set_standby"]


async def test_a_fault_before_processing_starts_nothing(
    api: Api, lifecycle_state: EmulatorState
) -> None:
    card = await first_with(api, "enabled")
    lifecycle_state.add_fault(Fault(status=500, method="POST"))
    status, _ = await api.act(card["id"], "disable")
    assert status == 500
    assert len(lifecycle_state.actions) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/sim_card_actions"),
        ("GET", f"/sim_card_actions/{UNKNOWN_ID}"),
        ("GET", f"/sim_cards/{UNKNOWN_ID}"),
        ("POST", "/sim_cards/actions/validate_registration_codes"),
    ],
)
async def test_faults_and_the_rate_limit_reach_the_new_routes(
    api: Api, lifecycle_state: EmulatorState, method: str, path: str
) -> None:
    lifecycle_state.fault_profile = FaultProfile(seed=1, error_rate=1.0, error_statuses=(502,))
    status, _ = await api.call(method, path, payload={})
    assert status == 502
    lifecycle_state.fault_profile = FaultProfile(rate_limit=1, rate_limit_window=60)
    await api.call(method, path, payload={})
    async with api.http.request(method, api.base + path, json={}, headers=api.headers) as response:
        assert response.status == 429
        assert response.headers["x-ratelimit-remaining"] == "0"


async def test_action_options_are_checked() -> None:
    with pytest.raises(ValueError, match="action_duration"):
        EmulatorState(action_duration=-1)
    with pytest.raises(ValueError, match="action_failure_rate"):
        EmulatorState(action_failure_rate=1.5)
