"""Contract test: every response the emulator sends in a varied session fits the OpenAPI spec.

The spec is `tests/contract/telnyx-wireless-sim-cards.yaml` (see the README there). Responses
are checked with jsonschema (Draft 2020-12, which OpenAPI 3.1 schemas are) against the schema
the spec gives the operation and status, `$ref`s resolved by jsonschema's `referencing` registry
over the whole document, formats (`uuid`) checked. A status is *documented* if the operation
lists it, *covered* if only its `default` response applies, and *undocumented* otherwise; the
undocumented ones must be exactly the known gaps below, and their bodies must still be
`wireless_Errors`.

Known gaps between the spec and the API as it really behaves (see shared/openapi/README.md):

- No operation documents 429 or the ``x-ratelimit-*`` headers; the developer docs do
  (``{"errors":[{"code":"10011","title":"Too many requests",...}]}``). The GET operations cover
  429 only through ``default``; register, which has no ``default``, leaves it undocumented.
- Register documents only 202 and 401, so its 422 (bad body) and any 5xx are undocumented.
- 401 responses have no body schema; the emulator sends ``wireless_Errors``, checked as such.
- ``include_sim_card_group=true`` adds ``sim_card_group`` to each card, a field no SIM-card
  schema has; it is the only field allowed beyond the schema's properties here.
- ``filter`` and ``page`` are declared as object parameters without ``style: deepObject``; the
  wire names are ``filter[...]`` and ``page[...]``, which is what this session sends. Requests
  are not validated against the spec for that reason.
- ``esim_installation_status`` is ``type: [string, 'null']`` with ``enum: [released,
  disabled]``, which under JSON Schema refuses null although the field is null for physical
  SIMs; the checker adds null to such enums (`_allow_null_in_nullable_enums`).
- ``GetSimCard`` and ``ValidateRegistrationCodes`` are checked, with every lifecycle
  operation, against the newer spec file by ``test_contract_lifecycle.py``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
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

from telnyx_wireless_async.testing import (
    EmulatorState,
    Fault,
    FaultProfile,
    create_app,
    registration_code,
)

from .conftest import FakeClock

KEY = "contract-test-key"
HERE = Path(__file__).resolve().parent
SPEC_FILE = HERE / "contract" / "telnyx-wireless-sim-cards.yaml"
SHARED_SPEC_FILE = HERE.parents[1] / "shared" / "openapi" / "telnyx-wireless-sim-cards.yaml"
SPEC_URI = "urn:telnyx:wireless-sim-cards"
NO_OPERATION = "(no operation)"

# (operationId, status) pairs the spec does not document, which the session must produce.
KNOWN_UNDOCUMENTED = {
    ("RegisterSimCards", 422),
    ("RegisterSimCards", 429),
    ("RegisterSimCards", 500),
    (NO_OPERATION, 404),
}
# Fields the emulator sends beyond the schema's properties: see the module docstring.
EXTRA_CARD_FIELDS = {"sim_card_group"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int
    headers: dict[str, str]
    body: bytes

    def __str__(self) -> str:
        query = "&".join(f"{key}={value}" for key, value in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status}"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    pointer: str  # JSON pointer to the operation object

    @property
    def responses(self) -> dict[str, Any]:
        responses: dict[str, Any] = _resolve(self.pointer + "/responses")
        return responses


# -- the spec -------------------------------------------------------------------------------


@cache
def _spec() -> dict[str, Any]:
    """The spec as published, except that nullable enums also allow null (see below)."""
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    assert isinstance(spec, dict)
    _allow_null_in_nullable_enums(spec, "", [])
    return spec


@cache
def _nullable_enums() -> tuple[str, ...]:
    """JSON pointers of the schemas `_allow_null_in_nullable_enums` changed."""
    patched: list[str] = []
    _allow_null_in_nullable_enums(
        yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8")), "", patched
    )
    return tuple(patched)


def _allow_null_in_nullable_enums(node: Any, pointer: str, patched: list[str]) -> None:
    """Add null to the ``enum`` of every schema whose ``type`` allows null.

    The spec writes nullable enums as ``type: [string, 'null']`` with an ``enum`` that leaves
    out null (a 3.0 ``nullable`` carried over to 3.1). Under JSON Schema ``enum`` still
    refuses null, yet the field is meant to be null when it does not apply:
    ``esim_installation_status`` is "only applicable for eSIM cards", and the official SDK
    types it as optional.
    """
    if isinstance(node, dict):
        types = node.get("type")
        enum = node.get("enum")
        if isinstance(types, list) and "null" in types and enum is not None and None not in enum:
            node["enum"] = [*enum, None]
            patched.append(pointer)
        for key, value in node.items():
            _allow_null_in_nullable_enums(value, f"{pointer}/{_escape(str(key))}", patched)
    elif isinstance(node, list):
        for position, value in enumerate(node):
            _allow_null_in_nullable_enums(value, f"{pointer}/{position}", patched)


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _resolve(pointer: str) -> Any:
    return _registry().resolver().lookup(f"{SPEC_URI}#{pointer}").contents


@cache
def _validator(pointer: str) -> Draft202012Validator:
    """A validator for the schema at ``pointer``; its `$ref`s resolve inside the spec."""
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


ERRORS_SCHEMA = "/components/schemas/wireless_Errors"


@cache
def _operations() -> tuple[Operation, ...]:
    operations = []
    for template, item in _spec()["paths"].items():
        regex = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        for method, operation in item.items():
            operations.append(
                Operation(
                    operation_id=operation["operationId"],
                    method=method.upper(),
                    template=template,
                    pattern=re.compile(f"/v2{regex}"),
                    pointer=f"/paths/{_escape(template)}/{method}",
                )
            )
    return tuple(operations)


def _operation(method: str, path: str) -> Operation | None:
    for operation in _operations():
        if operation.method == method and operation.pattern.fullmatch(path):
            return operation
    return None


def _schema_errors(pointer: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in _validator(pointer).iter_errors(instance)
    ]


def _extra_fields(body: Any) -> list[str]:
    """Fields the emulator sends that the schemas do not list (they allow them, we do not)."""
    schemas = _spec()["components"]["schemas"]
    card_fields = set(schemas["SimpleSIMCard"]["properties"]) | EXTRA_CARD_FIELDS
    error_fields = set(schemas["wireless_Error"]["properties"])
    meta_fields = set(schemas["PaginationMeta"]["properties"])
    extra: list[str] = []
    if not isinstance(body, dict):
        return extra
    extra += [f"/{key}" for key in set(body) - {"data", "meta", "errors"}]
    data = body.get("data")
    for position, card in enumerate(data if isinstance(data, list) else []):
        extra += [f"/data/{position}/{key}" for key in set(card) - card_fields]
    for position, error in enumerate(body.get("errors", [])):
        extra += [f"/errors/{position}/{key}" for key in set(error) - error_fields]
    if isinstance(body.get("meta"), dict):
        extra += [f"/meta/{key}" for key in set(body["meta"]) - meta_fields]
    return extra


@dataclass
class Verdict:
    operation_id: str
    status: int
    coverage: str  # "documented", "covered by default" or "undocumented"
    problems: list[str]


def check(exchange: Exchange, *, rate_limited: bool) -> Verdict:
    """Check one response against the spec; return how it is covered and what is wrong."""
    problems: list[str] = []
    operation = _operation(exchange.method, exchange.path)
    key = str(exchange.status)
    schema_pointer: str | None = ERRORS_SCHEMA
    if operation is None:
        operation_id, coverage = NO_OPERATION, "undocumented"
    else:
        operation_id = operation.operation_id
        responses = operation.responses
        if key in responses:
            coverage, which = "documented", key
        elif "default" in responses:
            coverage, which = "covered by default", "default"
        else:
            coverage, which = "undocumented", None
        if which is not None:
            response_pointer = f"{operation.pointer}/responses/{which}"
            response = _resolve(response_pointer)
            if "$ref" in response:
                # A response by reference, e.g. wireless_GenericErrorResponse.
                response_pointer = response["$ref"].removeprefix("#")
                response = _resolve(response_pointer)
            content = response.get("content")
            if content is not None:
                if "application/json" not in content:
                    problems.append(f"the spec has no JSON content for {which}")
                schema_pointer = f"{response_pointer}/content/application~1json/schema"
    content_type = exchange.headers.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        problems.append(f"Content-Type is {content_type!r}")
    try:
        body = json.loads(exchange.body)
    except ValueError as exc:
        problems.append(f"the body is not JSON: {exc}")
    else:
        assert schema_pointer is not None
        problems += _schema_errors(schema_pointer, body)
        problems += [f"{path}: not in the schema" for path in _extra_fields(body)]
        if exchange.status >= 400:
            problems += _schema_errors(ERRORS_SCHEMA, body)
            if isinstance(body, dict) and not body.get("errors"):
                problems.append("an error answer without errors")

    # Not in the spec, only in the rate-limiting docs: checked because clients rely on it.
    headers = {name.lower(): value for name, value in exchange.headers.items()}
    names = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
    if rate_limited:
        for name in names:
            if not re.fullmatch(r"[0-9]+", headers.get(name, "")):
                problems.append(f"{name} is {headers.get(name)!r}")
        if exchange.status == 429 and headers.get("x-ratelimit-remaining") != "0":
            problems.append("a 429 with requests remaining")
    elif any(name in headers for name in names):
        problems.append("rate-limit headers without a rate limit")
    return Verdict(operation_id, exchange.status, coverage, problems)


# -- the session ----------------------------------------------------------------------------


class Recorder:
    """A raw aiohttp client that keeps every exchange."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.exchanges: list[tuple[Exchange, bool]] = []
        self.rate_limited = False
        self.auth = {"Authorization": f"Bearer {KEY}"}

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, str]] | None = None,
        payload: object = None,
        data: bytes | None = None,
        auth: dict[str, str] | None = None,
    ) -> Any:
        headers = dict(self.auth if auth is None else auth)
        if data is not None:
            headers["Content-Type"] = "application/json"
        async with self.http.request(
            method, self.base + path, params=query, json=payload, data=data, headers=headers
        ) as response:
            body = await response.read()
            exchange = Exchange(
                method=method,
                path=response.url.path,
                query=tuple(response.url.query.items()),
                status=response.status,
                headers=dict(response.headers),
                body=body,
            )
        self.exchanges.append((exchange, self.rate_limited))
        return json.loads(body)

    async def list(self, *query: tuple[str, str]) -> Any:
        return await self.send("GET", "/sim_cards", query=list(query))

    async def register(self, payload: object) -> Any:
        return await self.send("POST", "/actions/register/sim_cards", payload=payload)


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(api_key=KEY, inventory_size=120, seed=21, clock=clock)


@pytest.fixture
async def recorder(state: EmulatorState) -> AsyncIterator[Recorder]:
    async with (
        TestServer(create_app(state), host="127.0.0.1") as server,
        aiohttp.ClientSession() as http,
    ):
        yield Recorder(http, str(server.make_url("/v2")))


async def _varied_session(recorder: Recorder, state: EmulatorState) -> None:
    everything = await recorder.list(("page[size]", "250"))
    cards = everything["data"]
    card = cards[17]
    groups = sorted({card["sim_card_group_id"] for card in cards})

    # Lists: pages, each filter in each array form, both sorts, groups embedded or not.
    for size, number in [(None, None), ("1", "1"), ("7", "3"), ("20", "6"), ("50", "9")]:
        query = [("page[size]", size)] if size else []
        query += [("page[number]", number)] if number else []
        await recorder.list(*query)
    await recorder.list(("filter[iccid]", card["iccid"][-6:]))
    await recorder.list(("filter[msisdn]", card["msisdn"][:6]))
    for status in ("enabled", "disabled", "standby", "data_limit_exceeded", "unauthorized_imei"):
        await recorder.list(("filter[status]", status))
    await recorder.list(("filter[status]", "enabled,standby"))
    await recorder.list(("filter[status][]", "disabled"), ("filter[status][]", "standby"))
    await recorder.list(("filter[tags]", "customers"))
    await recorder.list(("filter[tags]", "customers,test"))
    await recorder.list(("filter[tags][]", "iot"), ("filter[tags][]", "fleet"))
    for group in groups:
        await recorder.list(("filter[sim_card_group_id]", group))
    await recorder.list(("filter[sim_card_group_id]", "00000000-0000-4000-8000-000000000000"))
    for sort in (
        "current_billing_period_consumed_data.amount",
        "-current_billing_period_consumed_data.amount",
    ):
        await recorder.list(("sort", sort), ("page[size]", "30"), ("page[number]", "2"))
    await recorder.list(("include_sim_card_group", "true"), ("page[size]", "250"))
    await recorder.list(("include_sim_card_group", "false"))
    await recorder.list(
        ("filter[status]", "enabled"),
        ("filter[sim_card_group_id]", groups[0]),
        ("sort", "-current_billing_period_consumed_data.amount"),
        ("include_sim_card_group", "true"),
        ("page[size]", "5"),
    )

    # Registrations: valid, invalid, repeated and already registered codes, every option.
    new_group = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
    state.inventory.create_group("Contract", group_id=new_group)
    await recorder.register({"registration_codes": [registration_code(1)]})
    await recorder.register(
        {
            "registration_codes": [
                registration_code(2),
                "0000000009",
                registration_code(1),
                registration_code(3),
                registration_code(3),
                "12345",
            ],
            "status": "standby",
            "tags": ["fleet", "contract"],
            "sim_card_group_id": new_group,
        }
    )
    await recorder.register({"registration_codes": ["0000000009"], "status": "disabled"})
    await recorder.list(
        ("filter[sim_card_group_id]", new_group), ("include_sim_card_group", "true")
    )
    await recorder.list(("filter[tags]", "contract"), ("filter[status]", "standby"))

    # 400: bad parameters.
    for name, value in [
        ("page[size]", "0"),
        ("page[size]", "251"),
        ("page[number]", "first"),
        ("filter[status]", "registering"),
        ("sort", "iccid"),
        ("filter[sim_card_group_id]", "not-a-uuid"),
        ("include_sim_card_group", "yes"),
    ]:
        await recorder.list((name, value))

    # 401: no key, a wrong key, another scheme.
    for auth in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}):
        await recorder.send("GET", "/sim_cards", auth=auth)
        await recorder.send(
            "POST",
            "/actions/register/sim_cards",
            payload={"registration_codes": [registration_code(9)]},
            auth=auth,
        )

    # 404: paths the API does not have. The lifecycle operations, GetSimCard and
    # ValidateRegistrationCodes among them, are checked by test_contract_lifecycle.py.
    await recorder.send("GET", "/sim_card_groupz")
    await recorder.send("DELETE", "/sim_cards")

    # 422: registration bodies that are not a SIMCardRegistration.
    for data in (
        b"{not json",
        b"[]",
        b"{}",
        b'{"registration_codes": []}',
        b'{"registration_codes": "0000000000"}',
        b'{"registration_codes": ["0000000000", 12], "status": "enabling", "tags": [1]}',
        b'{"registration_codes": ["0000000000"], "sim_card_group_id": "group-1"}',
    ):
        await recorder.send("POST", "/actions/register/sim_cards", data=data)

    # 5xx, as a scripted fault sends them.
    state.add_fault(Fault(status=503, method="GET", headers={"Retry-After": "2"}))
    state.add_fault(Fault(status=500, method="POST"))
    await recorder.list()
    await recorder.register({"registration_codes": [registration_code(5)]})

    # 429, and the x-ratelimit-* headers on every answer while a limit is set.
    state.fault_profile = FaultProfile(rate_limit=3, rate_limit_window=60)
    recorder.rate_limited = True
    await recorder.list(("page[size]", "2"))
    await recorder.register({"registration_codes": [registration_code(6)]})
    await recorder.send("GET", "/sim_cards", auth={})
    await recorder.list()
    await recorder.register({"registration_codes": [registration_code(7)]})


def _session_verdicts(recorder: Recorder) -> Iterator[tuple[Exchange, Verdict]]:
    for exchange, rate_limited in recorder.exchanges:
        yield exchange, check(exchange, rate_limited=rate_limited)


async def test_every_response_of_a_varied_session_fits_the_spec(
    recorder: Recorder, state: EmulatorState
) -> None:
    await _varied_session(recorder, state)
    # Every answer the emulator gave was seen and checked.
    assert len(recorder.exchanges) == state.stats.requests

    problems = []
    coverage: Counter[str] = Counter()
    statuses: dict[str, set[int]] = {}
    undocumented = set()
    for exchange, verdict in _session_verdicts(recorder):
        problems += [f"{exchange}: {problem}" for problem in verdict.problems]
        coverage[verdict.coverage] += 1
        statuses.setdefault(verdict.operation_id, set()).add(verdict.status)
        if verdict.coverage == "undocumented":
            undocumented.add((verdict.operation_id, verdict.status))
    assert problems == []
    assert undocumented == KNOWN_UNDOCUMENTED
    # The session reached every kind of answer it claims to.
    assert statuses["GetSimCards"] == {200, 400, 401, 429, 503}
    assert statuses["RegisterSimCards"] == {202, 401, 422, 429, 500}
    assert coverage == {"documented": 42, "covered by default": 9, "undocumented": 11}


async def test_the_429_body_is_exactly_the_documented_one(
    recorder: Recorder, state: EmulatorState
) -> None:
    state.fault_profile = FaultProfile(rate_limit=1, rate_limit_window=60)
    await recorder.list()
    body = await recorder.list()
    [(exchange, _)] = recorder.exchanges[-1:]
    assert exchange.status == 429
    assert body == {
        "errors": [
            {"code": "10011", "title": "Too many requests", "detail": body["errors"][0]["detail"]}
        ]
    }
    assert check(exchange, rate_limited=True).problems == []


# -- the checker itself can fail ------------------------------------------------------------


def _exchange(method: str, path: str, status: int, body: object) -> Exchange:
    return Exchange(
        method=method,
        path=path,
        query=(),
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body=json.dumps(body).encode(),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sim_card_group_id": None}, "None is not of type 'string'"),
        ({"sim_card_group_id": "group-1"}, "is not a 'uuid'"),
        ({"status": {"value": "frozen"}}, "'frozen' is not one of"),
        ({"tags": "fleet"}, "is not of type 'array'"),
        ({"esim_installation_status": "installed"}, "'installed' is not one of"),
        ({"type": "virtual"}, "'virtual' is not one of"),
        ({"nickname": "x"}, "/data/0/nickname: not in the schema"),
    ],
)
async def test_the_checker_catches_a_bad_card(
    recorder: Recorder, change: dict[str, Any], message: str
) -> None:
    body = await recorder.list(("page[size]", "1"))
    good = _exchange("GET", "/v2/sim_cards", 200, body)
    assert check(good, rate_limited=False).problems == []
    body["data"][0].update(change)
    problems = check(_exchange("GET", "/v2/sim_cards", 200, body), rate_limited=False).problems
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "message"),
    [
        ("GET", "/v2/sim_cards", 200, {"data": [], "meta": {"page_size": "20"}}, "'20'"),
        ("GET", "/v2/sim_cards", 400, {"errors": [{"code": "10015"}]}, "'title' is a required"),
        ("GET", "/v2/sim_cards", 429, {"message": "slow down"}, "an error answer without errors"),
        ("POST", "/v2/actions/register/sim_cards", 202, {"data": {}}, "is not of type 'array'"),
        ("POST", "/v2/actions/register/sim_cards", 401, {"errors": [{}]}, "'code' is a required"),
        ("POST", "/v2/actions/register/sim_cards", 422, {"errors": "x"}, "not of type 'array'"),
    ],
)
def test_the_checker_catches_bad_bodies(
    method: str, path: str, status: int, body: object, message: str
) -> None:
    problems = check(_exchange(method, path, status, body), rate_limited=False).problems
    assert any(message in problem for problem in problems), problems


def test_the_checker_knows_the_coverage_of_each_status() -> None:
    errors = {"errors": [{"code": "10007", "title": "Unexpected error"}]}

    def coverage(method: str, path: str, status: int) -> tuple[str, str]:
        verdict = check(_exchange(method, path, status, errors), rate_limited=False)
        return verdict.operation_id, verdict.coverage

    assert coverage("GET", "/v2/sim_cards", 401) == ("GetSimCards", "documented")
    assert coverage("GET", "/v2/sim_cards", 429) == ("GetSimCards", "covered by default")
    assert coverage("POST", "/v2/actions/register/sim_cards", 429) == (
        "RegisterSimCards",
        "undocumented",
    )
    assert coverage("GET", "/v2/sim_cards/abc", 404) == ("GetSimCard", "covered by default")
    assert coverage("GET", "/v2/nowhere", 404) == (NO_OPERATION, "undocumented")


def test_rate_limit_headers_are_checked() -> None:
    exchange = _exchange("GET", "/v2/sim_cards", 200, {"data": [], "meta": {}})
    assert "x-ratelimit-limit is None" in check(exchange, rate_limited=True).problems
    limited = Exchange(
        **{
            **exchange.__dict__,
            "headers": {
                **exchange.headers,
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "2",
                "x-ratelimit-reset": "1.5",
            },
        }
    )
    assert check(limited, rate_limited=True).problems == ["x-ratelimit-reset is '1.5'"]
    assert check(limited, rate_limited=False).problems == [
        "rate-limit headers without a rate limit"
    ]


# -- the spec file itself -------------------------------------------------------------------


def test_the_copied_spec_is_the_shared_one() -> None:
    if not SHARED_SPEC_FILE.exists():
        pytest.skip(f"no shared spec at {SHARED_SPEC_FILE}")
    assert SPEC_FILE.read_bytes() == SHARED_SPEC_FILE.read_bytes()


def test_the_spec_has_the_operations_the_emulator_serves() -> None:
    assert {(op.operation_id, op.method, op.template) for op in _operations()} == {
        ("GetSimCards", "GET", "/sim_cards"),
        ("GetSimCard", "GET", "/sim_cards/{id}"),
        ("RegisterSimCards", "POST", "/actions/register/sim_cards"),
        ("ValidateRegistrationCodes", "POST", "/sim_cards/actions/validate_registration_codes"),
    }
    assert _resolve(ERRORS_SCHEMA)["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/wireless_Error"
    }


def test_only_the_known_nullable_enums_are_patched() -> None:
    assert _nullable_enums() == (
        "/components/schemas/SimpleSIMCard/properties/esim_installation_status",
        "/components/schemas/SIMCard/properties/esim_installation_status",
    )
