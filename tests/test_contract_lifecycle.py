"""Contract test of the lifecycle operations: every response of a varied session fits the spec.

The spec is `tests/contract/telnyx-wireless-lifecycle.yaml`, the shared lifecycle file with the
four documented edits (see the README there). Each response is validated with jsonschema (Draft
2020-12) against the schema its operation gives for its status, or ``default``; error answers
must also be ``wireless_Errors``. The check is strict: every object schema of the spec is closed
(``additionalProperties: false`` where the spec says nothing), so a field the emulator invents
fails, except the two the spec asks for without a place to put them (Q7): ``sim_card_group`` on
a card (``include_sim_card_group``) and ``iccids`` on a group (``include_iccids``).

Statuses no operation documents and no ``default`` covers must be exactly `KNOWN_UNDOCUMENTED`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from telnyx_wireless_async.testing import EmulatorState, Fault, FaultProfile, create_app
from telnyx_wireless_async.testing import registration_code as code

from .conftest import FakeClock

KEY = "contract-lifecycle-key"
HERE = Path(__file__).resolve().parent
SPEC_FILE = HERE / "contract" / "telnyx-wireless-lifecycle.yaml"
SHARED_SPEC_FILE = HERE.parents[1] / "shared" / "openapi" / "telnyx-wireless-lifecycle.yaml"
URI = "urn:telnyx:wireless-lifecycle"
UNKNOWN_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
NULLABLE_FIELDS = [
    ("SIMCardGroup", "private_wireless_gateway_id"),
    ("SIMCardGroup", "wireless_blocklist_id"),
    ("SearchedSIMCardGroup", "private_wireless_gateway_id"),
    ("SearchedSIMCardGroup", "wireless_blocklist_id"),
]
# Register documents only 202 and 401 and has no default: its 422 is a known gap.
KNOWN_UNDOCUMENTED = {("RegisterSimCards", 422)}
LIFECYCLE_OPERATIONS = {
    "GetSimCard", "UpdateSimCard", "DeleteSimCard", "ValidateRegistrationCodes",
    "EnableSimCard", "DisableSimCard", "SetSimCardStandby", "ListSimCardActions",
    "GetSimCardAction", "GetAllSimCardGroups", "CreateSimCardGroup", "GetSimCardGroup",
    "UpdateSimCardGroup", "DeleteSimCardGroup", "GetSimCardGroupActions",
    "GetSimCardGroupAction",
}  # fmt: skip


def _close(node: Any) -> None:
    """Forbid properties the schema does not list, wherever the spec leaves it open."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def _nullable_enums(node: Any) -> None:
    """Let nullable enums take null, as test_contract.py does (esim_installation_status)."""
    if isinstance(node, dict):
        types, enum = node.get("type"), node.get("enum")
        if isinstance(types, list) and "null" in types and enum is not None and None not in enum:
            node["enum"] = [*enum, None]
        for value in node.values():
            _nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_enums(value)


@cache
def _spec() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    _nullable_enums(spec)
    _close(spec)
    group = {"$ref": "#/components/schemas/SIMCardGroup"}
    for name in ("SimpleSIMCard", "SIMCard"):
        schemas[name]["properties"]["sim_card_group"] = group
    schemas["SIMCardGroup"]["properties"]["iccids"] = {"type": "array", "items": {"type": "string"}}
    assert isinstance(spec, dict)
    return spec


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(URI, resource)
    return registry


def _resolve(pointer: str) -> Any:
    return _registry().resolver().lookup(f"{URI}#{pointer}").contents


@cache
def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{URI}#{pointer}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _operation(method: str, path: str) -> tuple[str, str] | None:
    """Return (operationId, JSON pointer) of the operation serving a request, if any."""
    for template, item in _spec()["paths"].items():
        regex = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        if re.fullmatch(f"/v2{regex}", path) and method.lower() in item:
            escaped = template.replace("~", "~0").replace("/", "~1")
            return item[method.lower()]["operationId"], f"/paths/{escaped}/{method.lower()}"
    return None


def check(method: str, path: str, status: int, body: Any) -> tuple[str, str, list[str]]:
    """Return (operationId, coverage, problems) of one answer."""
    found = _operation(method, path)
    assert found is not None, f"{method} {path} is no operation of the spec"
    operation_id, pointer = found
    responses = _resolve(pointer + "/responses")
    problems: list[str] = []
    which = (
        str(status) if str(status) in responses else "default" if "default" in responses else None
    )
    coverage = {str(status): "documented", "default": "covered by default", None: "undocumented"}[
        which
    ]
    schema = "/components/schemas/wireless_Errors"
    if which is not None:
        response_pointer = f"{pointer}/responses/{which}"
        response = _resolve(response_pointer)
        if "$ref" in response:
            response_pointer = response["$ref"].removeprefix("#")
            response = _resolve(response_pointer)
        if "content" in response:
            schema = f"{response_pointer}/content/application~1json/schema"
    for pointer_ in {schema} | (
        {"/components/schemas/wireless_Errors"} if status >= 400 else set()
    ):
        problems += [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _validator(pointer_).iter_errors(body)
        ]
    if status >= 400 and not (isinstance(body, dict) and body.get("errors")):
        problems.append("an error answer without errors")
    return operation_id, coverage, problems


class Recorder:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.seen: list[tuple[str, str, int, Any]] = []

    async def send(self, method: str, path: str, *, params: Any = None, payload: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {KEY}"}
        async with self.http.request(
            method, self.base + path, params=params, json=payload, headers=headers
        ) as response:
            assert response.content_type == "application/json"
            body = await response.json()
            self.seen.append((method, response.url.path, response.status, body))
        return body


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(
        api_key=KEY, inventory_size=120, seed=4, clock=clock, action_duration=3,
        action_failure_rate=0.3,
    )  # fmt: skip


@pytest.fixture
async def recorder(state: EmulatorState) -> AsyncIterator[Recorder]:
    async with (
        TestServer(create_app(state), host="127.0.0.1") as server,
        aiohttp.ClientSession() as http,
    ):
        yield Recorder(http, str(server.make_url("/v2")))


async def _varied_session(r: Recorder, state: EmulatorState, clock: FakeClock) -> None:
    cards = (await r.send("GET", "/sim_cards", params={"page[size]": "250"}))["data"]
    by_status: dict[str, list[str]] = {}
    for card in cards:
        by_status.setdefault(card["status"]["value"], []).append(card["id"])
    one = by_status["enabled"][0]

    # One card: get (each option), patch (good and bad), delete.
    for params in ({}, {"include_pin_puk_codes": "true"}, {"include_sim_card_group": "true"}):
        await r.send("GET", f"/sim_cards/{one}", params=params)
    await r.send("GET", f"/sim_cards/{UNKNOWN_ID}")
    await r.send("GET", f"/sim_cards/{one}", params={"include_pin_puk_codes": "1"})
    await r.send(
        "PATCH", f"/sim_cards/{one}",
        payload={"tags": ["x"], "data_limit": {"amount": "1.5", "unit": "GB"},
                 "authorized_imeis": None, "sim_card_group_id": cards[3]["sim_card_group_id"]},
    )  # fmt: skip
    await r.send("PATCH", f"/sim_cards/{one}", payload={"authorized_imeis": ["356938035643809"]})
    await r.send("PATCH", f"/sim_cards/{one}", payload={"iccid": "1", "data_limit": {}})
    await r.send("PATCH", f"/sim_cards/{UNKNOWN_ID}", payload={})

    # Actions: every kind, refusals, completion, failures, listings.
    for action, status in (
        ("enable", "disabled"),
        ("disable", "enabled"),
        ("set_standby", "enabled"),
    ):
        for card_id in by_status[status][1:4]:
            await r.send("POST", f"/sim_cards/{card_id}/actions/{action}")
    await r.send("POST", f"/sim_cards/{by_status['enabled'][1]}/actions/enable")
    await r.send("POST", f"/sim_cards/{by_status['enabled'][6]}/actions/enable")
    await r.send("POST", f"/sim_cards/{by_status['data_limit_exceeded'][0]}/actions/disable")
    for action in ("enable", "disable", "set_standby"):
        await r.send("POST", f"/sim_cards/{UNKNOWN_ID}/actions/{action}")
    await r.send("GET", "/sim_card_actions")
    clock.advance(3)
    actions = (await r.send("GET", "/sim_card_actions", params={"page[size]": "250"}))["data"]
    await r.send("GET", f"/sim_card_actions/{actions[0]['id']}")
    await r.send("GET", f"/sim_card_actions/{UNKNOWN_ID}")
    for params in (
        {"filter[status]": "completed"}, {"filter[status]": "failed"},
        {"filter[status]": "in-progress"}, {"filter[action_type]": "set_standby"},
        {"filter[sim_card_id]": actions[1]["sim_card_id"]},
        {"filter[bulk_sim_card_action_id]": UNKNOWN_ID}, {"page[size]": "2", "page[number]": "3"},
        {"filter[status]": "interrupted"}, {"page[size]": "300"},
    ):  # fmt: skip
        await r.send("GET", "/sim_card_actions", params=params)
    await r.send("DELETE", f"/sim_cards/{by_status['enabled'][8]}", params={"report_lost": "true"})
    await r.send("DELETE", f"/sim_cards/{by_status['enabled'][8]}")

    # Validation of codes.
    await r.send("POST", "/actions/register/sim_cards", payload={"registration_codes": [code(1)]})
    await r.send(
        "POST", "/sim_cards/actions/validate_registration_codes",
        payload={"registration_codes": [code(1), code(2), "123"]},
    )  # fmt: skip
    await r.send("POST", "/sim_cards/actions/validate_registration_codes", payload=[1])

    # Groups, and their (empty) actions.
    created = (await r.send("POST", "/sim_card_groups", payload={"name": "Contract"}))["data"]
    await r.send("POST", "/sim_card_groups", payload={"data_limit": {"amount": "1", "unit": "x"}})
    await r.send(
        "POST", "/actions/register/sim_cards",
        payload={"registration_codes": [code(3)], "sim_card_group_id": created["id"]},
    )  # fmt: skip
    await r.send(
        "POST", "/actions/register/sim_cards",
        payload={"registration_codes": [code(4)], "sim_card_group_id": UNKNOWN_ID},
    )  # fmt: skip
    for params in ({}, {"filter[name]": "Contract"}, {"page[size]": "2", "page[number]": "2"},
                   {"filter[wireless_blocklist_id]": "x"}):  # fmt: skip
        await r.send("GET", "/sim_card_groups", params=params)
    await r.send("GET", f"/sim_card_groups/{created['id']}", params={"include_iccids": "true"})
    await r.send("GET", f"/sim_card_groups/{created['id']}")
    await r.send("GET", f"/sim_card_groups/{UNKNOWN_ID}")
    await r.send(
        "PATCH", f"/sim_card_groups/{created['id']}",
        payload={"name": "Renamed", "data_limit": {"amount": "10", "unit": "GB"}},
    )  # fmt: skip
    await r.send("PATCH", f"/sim_card_groups/{created['id']}", payload={"name": ""})
    await r.send("DELETE", f"/sim_card_groups/{created['id']}")
    await r.send("DELETE", f"/sim_card_groups/{state.inventory.default_group_id}")
    empty = (await r.send("POST", "/sim_card_groups", payload={"name": "Empty"}))["data"]
    await r.send("DELETE", f"/sim_card_groups/{empty['id']}")
    await r.send("GET", "/sim_card_group_actions", params={"filter[status]": "completed"})
    await r.send("GET", "/sim_card_group_actions", params={"filter[type]": "x"})
    await r.send("GET", f"/sim_card_group_actions/{UNKNOWN_ID}")

    # Faults and the rate limit on new operations.
    state.add_fault(Fault(status=503, path="/sim_card_actions"))
    await r.send("GET", "/sim_card_actions")
    state.add_fault(
        Fault(status=500, path=f"/sim_cards/{by_status['disabled'][5]}/actions/enable",
              after_processing=True)
    )  # fmt: skip
    await r.send("POST", f"/sim_cards/{by_status['disabled'][5]}/actions/enable")
    state.fault_profile = FaultProfile(rate_limit=1, rate_limit_window=60)
    await r.send("GET", "/sim_card_groups")
    await r.send("GET", "/sim_card_groups")


async def test_every_lifecycle_response_fits_the_spec(
    recorder: Recorder, state: EmulatorState, clock: FakeClock
) -> None:
    await _varied_session(recorder, state, clock)
    assert len(recorder.seen) == state.stats.requests
    problems = []
    statuses: dict[str, set[int]] = {}
    undocumented = set()
    for method, path, status, body in recorder.seen:
        operation_id, coverage, found = check(method, path, status, body)
        problems += [f"{method} {path} -> {status}: {problem}" for problem in found]
        statuses.setdefault(operation_id, set()).add(status)
        if coverage == "undocumented":
            undocumented.add((operation_id, status))
    assert problems == []
    assert undocumented == KNOWN_UNDOCUMENTED
    assert set(statuses) >= LIFECYCLE_OPERATIONS
    # The session reached the answers it claims to.
    assert statuses["EnableSimCard"] == {202, 404, 422, 500}
    assert statuses["UpdateSimCard"] == {200, 404, 422}
    assert statuses["ListSimCardActions"] == {200, 400, 503}
    assert statuses["DeleteSimCardGroup"] == {200, 422}
    assert statuses["GetAllSimCardGroups"] == {200, 400, 429}
    failed = [b for m, _, s, b in recorder.seen if m == "GET" and s == 200 and "data" in b]
    assert any(
        isinstance(b["data"], list)
        and b["data"]
        and b["data"][0].get("status")
        == {"value": "failed", "reason": b["data"][0]["status"]["reason"]}
        for b in failed
    )


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "message"),
    [
        ("GET", f"/v2/sim_card_groups/{UNKNOWN_ID}", 200, {"data": {"colour": "red"}}, "colour"),
        ("GET", "/v2/sim_card_groups", 200, {"data": [{"sim_card_count": "3"}]}, "'3'"),
        ("GET", "/v2/sim_card_actions", 200, {"data": [{"status": {"reason": None}}]}, "None"),
        ("POST", f"/v2/sim_cards/{UNKNOWN_ID}/actions/enable", 202, {"data": []}, "object"),
        ("GET", f"/v2/sim_cards/{UNKNOWN_ID}", 404, {"errors": [{"code": "1"}]}, "'title'"),
        (
            "PATCH",
            f"/v2/sim_cards/{UNKNOWN_ID}",
            200,
            {"data": {"pin_puk_codes": {"pin3": "1"}}},
            "pin3",
        ),
    ],
)
def test_the_checker_catches_bad_answers(
    method: str, path: str, status: int, body: Any, message: str
) -> None:
    _, _, problems = check(method, path, status, body)
    assert any(message in problem for problem in problems), problems


def test_the_copy_is_the_shared_spec_with_four_nullable_fields() -> None:
    if not SHARED_SPEC_FILE.exists():
        pytest.skip(f"no shared spec at {SHARED_SPEC_FILE}")
    shared = yaml.safe_load(SHARED_SPEC_FILE.read_text(encoding="utf-8"))
    copied = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    for schema, field in NULLABLE_FIELDS:
        prop = shared["components"]["schemas"][schema]["properties"][field]
        assert prop["type"] == "string"
        assert prop["default"] is None
        prop["type"] = ["string", "null"]
    assert copied == shared
    # And the text is the shared text but for those four lines.
    removed, added = [], []
    for line in difflib.ndiff(
        SHARED_SPEC_FILE.read_text().splitlines(), SPEC_FILE.read_text().splitlines()
    ):
        if line.startswith("- "):
            removed.append(line[2:].strip())
        elif line.startswith("+ "):
            added.append(line[2:].strip())
    assert removed == ["type: string"] * 4
    assert added == ["type:", "- string", "- 'null'"] * 4
