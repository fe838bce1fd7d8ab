"""Contract test of the request side: what the SDK sends for every operation fits the spec.

A varied session of the SDK runs against the emulator, which records every request
(`EmulatorState.requests`). Each request is checked against the lifecycle spec
(`tests/contract/telnyx-wireless-lifecycle.yaml`):

- its method and path match an operation's method and path template, and path parameters fit
  their schemas (``format: uuid`` included);
- every query parameter is documented, under its wire name: a consolidated object parameter
  (``filter``, ``page``) goes as ``filter[<member>]`` (shared/openapi/README.md §1, the spec's
  Q11), an array as a comma-joined value; each value, decoded, fits its schema;
- a JSON body goes with ``Content-Type: application/json`` only where the operation has a
  requestBody, and validates against its schema as a request: members marked ``readOnly`` are
  not allowed (the PATCH of a card takes the whole ``SIMCard``, Q8, so this is what keeps
  ``iccid`` and friends out) and are not required, and no member outside the schema may come.

The session must send every documented query parameter of the operations the SDK covers at
least once, and reach each of those operations.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from telnyx_wireless_async import AsyncSession, DataAmount, RetryPolicy, TelnyxError
from telnyx_wireless_async.testing import Emulator, RecordedRequest
from telnyx_wireless_async.testing import registration_code as code

from .conftest import FakeClock

KEY = "contract-requests-key"
SPEC_FILE = Path(__file__).resolve().parent / "contract" / "telnyx-wireless-lifecycle.yaml"
URI = "urn:telnyx:wireless-lifecycle-requests"
UNKNOWN = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
# Operations in the spec that the SDK does not offer (bulk actions are another issue's).
NOT_IN_THE_SDK = {"SetPublicIPsBulk", "ListBulkSimCardActions", "GetBulkSimCardAction"}


def _request_view(node: Any) -> None:
    """Make every object schema a request schema: no readOnly member, nothing unlisted."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            read_only = {name for name, prop in properties.items() if prop.get("readOnly")}
            for name in read_only:
                del properties[name]
            if "required" in node:
                node["required"] = [name for name in node["required"] if name not in read_only]
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _request_view(value)
    elif isinstance(node, list):
        for value in node:
            _request_view(value)


@cache
def _spec() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    assert isinstance(spec, dict)
    return spec


@cache
def _request_spec() -> dict[str, Any]:
    spec = copy.deepcopy(_spec())
    _request_view(spec["components"])
    _request_view(spec["paths"])
    return spec


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(
        _request_spec(), default_specification=DRAFT202012
    )
    registry: Registry[Any] = Registry().with_resource(URI, resource)
    return registry


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _registry().resolver().lookup(URI + node["$ref"]).contents
    return node


def _absolute(node: Any) -> Any:
    """A copy of a schema whose local ``$ref``s point into the spec through the registry."""
    if isinstance(node, dict):
        return {
            key: URI + value if key == "$ref" and value.startswith("#") else _absolute(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute(value) for value in node]
    return node


def _schema_problems(schema: Any, value: Any, where: str) -> list[str]:
    validator = Draft202012Validator(
        _absolute(schema), registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{where}{''.join(f'/{part}' for part in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(value)
    ]


def _operation(method: str, path: str) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """Return (operationId, operation, path parameters) for a request path under /v2."""
    for template, item in _request_spec()["paths"].items():
        names = re.findall(r"\{([^}]+)\}", template)
        regex = "([^/]+)".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        match = re.fullmatch(f"/v2{regex}", path)
        if match and method.lower() in item:
            operation = item[method.lower()]
            operation = {**operation, "_path_parameters": item.get("parameters", [])}
            return (
                operation["operationId"],
                operation,
                dict(zip(names, match.groups(), strict=True)),
            )
    return None


def query_names(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The documented wire names of an operation's query parameters, with each one's schema."""
    names: dict[str, dict[str, Any]] = {}
    for parameter in (_resolve(p) for p in operation.get("parameters", [])):
        if parameter["in"] != "query":
            continue
        schema = _resolve(parameter["schema"])
        if schema.get("type") == "object":
            for member, member_schema in schema["properties"].items():
                names[f"{parameter['name']}[{member}]"] = member_schema
        else:
            names[parameter["name"]] = schema
    return names


def _decode(value: str, schema: dict[str, Any]) -> Any:
    """A query value as JSON: booleans and integers parsed, arrays split on commas."""
    kind = schema.get("type")
    if kind == "array":
        return [_decode(item, _resolve(schema.get("items", {}))) for item in value.split(",")]
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    if kind == "integer":
        return int(value) if re.fullmatch(r"-?[0-9]+", value) else value
    return value


def check_request(
    method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str], body: bytes
) -> tuple[str | None, list[str]]:
    """Return (operationId, problems) of one request as the server received it."""
    found = _operation(method, path)
    if found is None:
        return None, [f"{method} {path} is no operation of the spec"]
    operation_id, operation, path_values = found
    problems: list[str] = []
    parameters = [*operation["_path_parameters"], *operation.get("parameters", [])]
    for parameter in (_resolve(p) for p in parameters):
        if parameter["in"] == "path":
            where = f"path {parameter['name']}"
            schema = _resolve(parameter["schema"])
            problems += _schema_problems(schema, path_values[parameter["name"]], where)
    documented = query_names(operation)
    for name, value in query:
        schema = documented.get(name)
        if schema is None:
            problems.append(f"query {name!r} is not documented (documented: {sorted(documented)})")
            continue
        problems += _schema_problems(_resolve(schema), _decode(value, schema), f"query {name}")
    request_body = _resolve(operation.get("requestBody"))
    if body:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if request_body is None:
            problems.append(f"a body ({body[:40]!r}) where the operation takes none")
        elif not content_type.startswith("application/json"):
            problems.append(f"a body sent as {content_type!r}, not application/json")
        else:
            schema = request_body["content"]["application/json"]["schema"]
            problems += _schema_problems(schema, json.loads(body), "body")
    elif request_body is not None and request_body.get("required"):
        problems.append("no body where the operation requires one")
    return operation_id, problems


def _check(request: RecordedRequest) -> tuple[str | None, list[str]]:
    return check_request(request.method, request.path, request.query, request.headers, request.body)


@pytest.fixture
async def emulator(clock: FakeClock) -> AsyncIterator[Emulator]:
    async with Emulator(
        api_key=KEY, inventory_size=120, seed=6, clock=clock, action_duration=2.0
    ) as emu:
        yield emu


@pytest.fixture
async def session(emulator: Emulator) -> AsyncIterator[AsyncSession]:
    retry = RetryPolicy(wait=False)
    async with AsyncSession(KEY, base_url=emulator.url, retry=retry, timeout=5) as s:
        yield s


async def _fails(call: Any) -> None:
    """Await a call the emulator refuses: the request still counts."""
    with pytest.raises(TelnyxError):
        await call


async def _varied_session(s: AsyncSession, emulator: Emulator, clock: FakeClock) -> None:
    inventory = emulator.state.inventory
    by_status: dict[str, list[str]] = {}
    for index in range(inventory.size):
        if index % 50:  # not used from an unauthorized IMEI
            by_status.setdefault(inventory.status_of(index), []).append(inventory.card_id(index))
    enabled, disabled = by_status["enabled"], by_status["disabled"]
    group = inventory.group_ids[1]

    # Listing cards, with every option.
    await s.sim_cards.list(
        tags=["a", "b"], iccid="89", msisdn="+1", status=["enabled", "standby"],
        sim_card_group_id=group, include_sim_card_group=True,
        sort="-current_billing_period_consumed_data.amount", page_number=2, page_size=5,
    )  # fmt: skip
    # One card.
    await s.sim_cards.get(enabled[0])
    await s.sim_cards.get(enabled[0], include_sim_card_group=True, include_pin_puk_codes=True)
    await s.sim_cards.update(
        enabled[0], tags=["t"], sim_card_group_id=group, authorized_imeis=["356938035643809"],
        data_limit=DataAmount(amount=Decimal("1.5"), unit="GB"),
    )  # fmt: skip
    await s.sim_cards.update(enabled[0], authorized_imeis=None)
    await s.sim_cards.update(enabled[0], data_limit={"amount": "2048", "unit": "MB"})
    await _fails(s.sim_cards.update(enabled[0], sim_card_group_id=UNKNOWN))
    await s.sim_cards.delete(enabled[1])
    await s.sim_cards.delete(disabled[1], report_lost=True)
    await _fails(s.sim_cards.get(UNKNOWN))
    # Actions.
    disabling = await s.sim_cards.disable(enabled[2])
    await s.sim_cards.enable(disabled[2])
    await s.sim_cards.set_standby(enabled[3])
    await _fails(s.sim_cards.enable(enabled[4]))
    await s.sim_card_actions.wait(
        disabling, timeout=10, poll_interval=1, clock=clock, sleep=_mover(clock)
    )
    assert disabling.id is not None
    await s.sim_card_actions.get(disabling.id)
    await s.sim_card_actions.list(
        action_type="disable", status="completed", sim_card_id=enabled[2],
        bulk_sim_card_action_id=UNKNOWN, page_number=1, page_size=10,
    )  # fmt: skip
    _ = [a async for a in s.sim_card_actions.list(status="in-progress")]
    # Codes.
    await s.sim_cards.register(
        [code(1), code(2)], sim_card_group_id=group, tags=["x"], status="standby"
    )
    await s.sim_cards.validate_registration_codes([code(1), code(3), "0000000009"])
    # Groups and their actions.
    created = await s.sim_card_groups.create(
        "Requests", data_limit=DataAmount(amount=Decimal("10"), unit="GB")
    )
    plain = await s.sim_card_groups.create("Plain")
    assert created.id is not None
    assert plain.id is not None
    await s.sim_card_groups.get(created.id)
    await s.sim_card_groups.get(created.id, include_iccids=True)
    await s.sim_card_groups.update(created.id, name="Renamed")
    await s.sim_card_groups.update(
        created.id, data_limit=DataAmount(amount=Decimal("1"), unit="MB")
    )
    await s.sim_card_groups.list(
        name="Renamed", private_wireless_gateway_id=UNKNOWN, wireless_blocklist_id=UNKNOWN,
        page_number=1, page_size=3,
    )  # fmt: skip
    await s.sim_card_groups.resolve("Renamed")
    await s.sim_card_groups.delete(plain.id)
    await _fails(s.sim_card_groups.delete(inventory.default_group_id))
    await s.sim_card_group_actions.list(
        sim_card_group_id=created.id, status="failed", type="remove_private_wireless_gateway",
        page_number=1, page_size=5,
    )  # fmt: skip
    await _fails(s.sim_card_group_actions.get(UNKNOWN))


def _mover(clock: FakeClock) -> Any:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    return sleep


async def test_every_request_the_sdk_sends_fits_the_spec(
    session: AsyncSession, emulator: Emulator, clock: FakeClock
) -> None:
    await _varied_session(session, emulator, clock)
    problems: list[str] = []
    sent: dict[str, set[str]] = {}
    for request in emulator.state.requests:
        operation_id, found = _check(request)
        problems += [f"{request.method} {request.path}: {problem}" for problem in found]
        if operation_id is not None:
            sent.setdefault(operation_id, set()).update(name for name, _ in request.query)
    assert problems == []
    operations = {
        op["operationId"]: op
        for item in _request_spec()["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "patch", "delete")
    }
    assert set(sent) == set(operations) - NOT_IN_THE_SDK
    # Every documented query parameter went out at least once.
    unsent = {
        operation_id: set(query_names(operations[operation_id])) - names
        for operation_id, names in sent.items()
    }
    assert {k: v for k, v in unsent.items() if v} == {}


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "message"),
    [
        ("GET", "/v2/sim_cards", [("filter[colour]", "red")], b"", "filter[colour]"),
        ("GET", "/v2/sim_cards", [("number", "1")], b"", "'number' is not documented"),
        ("GET", "/v2/sim_cards", [("filter[status]", "enabled,asleep")], b"", "'asleep'"),
        ("GET", "/v2/sim_cards", [("page[size]", "many")], b"", "'many'"),
        ("GET", f"/v2/sim_cards/{UNKNOWN}", [("include_pin_puk_codes", "yes")], b"", "'yes'"),
        ("GET", "/v2/sim_cards/not-a-uuid", [], b"", "path id"),
        ("GET", "/v2/sim_card_actions", [("filter[status]", "interrupted")], b"", "interrupted"),
        ("PATCH", f"/v2/sim_cards/{UNKNOWN}", [], b'{"iccid": "1"}', "'iccid'"),
        ("PATCH", f"/v2/sim_cards/{UNKNOWN}", [], b'{"status": {"value": "enabled"}}', "'value'"),
        ("PATCH", f"/v2/sim_cards/{UNKNOWN}", [], b'{"data_limit": {"amount": 5}}', "5"),
        ("PATCH", f"/v2/sim_cards/{UNKNOWN}", [], b"", "requires one"),
        ("POST", "/v2/sim_card_groups", [], b'{"data_limit": {}}', "'name'"),
        ("POST", f"/v2/sim_cards/{UNKNOWN}/actions/enable", [], b"{}", "takes none"),
        ("POST", "/v2/sim_cards/enable", [], b"", "no operation"),
    ],
)
def test_the_checker_catches_bad_requests(
    method: str, path: str, query: list[tuple[str, str]], body: bytes, message: str
) -> None:
    headers = {"Content-Type": "application/json"}
    _, problems = check_request(method, path, query, headers, body)
    assert any(message in problem for problem in problems), problems


def test_the_checker_passes_a_good_patch() -> None:
    body = json.dumps(
        {"tags": ["a"], "authorized_imeis": None, "data_limit": {"amount": "1", "unit": "GB"}}
    ).encode()
    headers = {"Content-Type": "application/json"}
    assert check_request("PATCH", f"/v2/sim_cards/{UNKNOWN}", [], headers, body) == (
        "UpdateSimCard",
        [],
    )
