"""session.sim_card_groups through MockTransport: the requests sent, the answers built, the quirks.

The handlers answer as the spec documents (telnyx-wireless-lifecycle.yaml, /sim_card_groups):
200 for create, the deleted group on delete, null for a group without a gateway or
blocklist, ``sim_card_count`` in the list only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from telnyx_wireless_async import (
    APIConnectionError,
    AsyncSession,
    DataAmount,
    DataUnit,
    NotFoundError,
    PaginationError,
    RetryPolicy,
    SimCardGroup,
    UnprocessableEntityError,
)
from telnyx_wireless_async._serde import make_converter, unstructure
from telnyx_wireless_async.testing import MockTransport, Request, Response, json_response

from .conftest import API_KEY

BASE = "https://api.example.test/v2"
GROUP_ID = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
GATEWAY_ID = "7606c6d3-ff7c-49c1-943d-68879e9d584d"
BLOCKLIST_ID = "0f3f490e-c4d3-4cf5-838a-9970f10ee259"


def group_json(**changes: Any) -> dict[str, Any]:
    """A SIMCardGroup as the spec's examples write it, the nullable ids null (Q1)."""
    return {
        "id": GROUP_ID,
        "record_type": "sim_card_group",
        "name": "My Test Group",
        "default": False,
        "data_limit": {"amount": "2048.1", "unit": "MB"},
        "consumed_data": {"amount": "10.5", "unit": "MB"},
        "private_wireless_gateway_id": None,
        "wireless_blocklist_id": None,
        "created_at": "2018-02-02T22:25:27.521Z",
        "updated_at": "2018-02-02T22:25:27.521Z",
        **changes,
    }


def error_body(code: str, title: str, detail: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "title": title, "detail": detail}]}


Handler = Callable[[Request], Response]


class Recorder:
    """Answers with `handler` and keeps every request, to assert what went on the wire."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return None if content is None else json.loads(content)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder(lambda request: json_response({"data": group_json()}))


@pytest.fixture
async def session(recorder: Recorder) -> AsyncIterator[AsyncSession]:
    transport = MockTransport(recorder)
    policy = RetryPolicy(wait=False)
    async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as session:
        yield session


# -- create -------------------------------------------------------------------------------------


async def test_create_posts_the_name_and_builds_the_200_answer(
    session: AsyncSession, recorder: Recorder
) -> None:
    group = await session.sim_card_groups.create("My Test Group")

    assert (recorder.last.method, recorder.last.url) == ("POST", f"{BASE}/sim_card_groups")
    assert recorder.last.params == {}
    assert recorder.body() == {"name": "My Test Group"}
    assert group == SimCardGroup(
        id=GROUP_ID,
        record_type="sim_card_group",
        name="My Test Group",
        default=False,
        data_limit=DataAmount(amount=Decimal("2048.1"), unit=DataUnit.MB),
        consumed_data=DataAmount(amount=Decimal("10.5"), unit=DataUnit.MB),
        created_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
        updated_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
    )
    assert group.private_wireless_gateway_id is None
    assert group.sim_card_count is None  # only the list counts cards


@pytest.mark.parametrize(
    ("amount", "unit", "sent"),
    [
        (Decimal("2048.1"), DataUnit.MB, {"amount": "2048.1", "unit": "MB"}),
        ("2048.10", "GB", {"amount": "2048.10", "unit": "GB"}),
        (5, "MB", {"amount": "5", "unit": "MB"}),
        (Decimal("1E+3"), "MB", {"amount": "1000", "unit": "MB"}),  # fixed-point on the wire
        (Decimal("0.5"), "KB", {"amount": "0.5", "unit": "KB"}),  # the group's unit is open (Q12)
    ],
)
async def test_create_sends_the_data_limit_as_the_api_writes_amounts(
    session: AsyncSession, recorder: Recorder, amount: Any, unit: Any, sent: dict[str, str]
) -> None:
    data_limit = DataAmount(amount=amount, unit=unit)
    await session.sim_card_groups.create("Fleet", data_limit=data_limit)
    assert recorder.body() == {"name": "Fleet", "data_limit": sent}


async def test_a_create_retried_after_a_lost_answer_warns_of_a_second_group(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    answers: list[Response | Exception] = [
        APIConnectionError("dropped after sending", request_sent=True),
        json_response({"data": group_json()}),
    ]

    def handler(request: Request) -> Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    recorder.handler = handler
    transport = MockTransport(recorder)
    policy = RetryPolicy(wait=False)
    with caplog.at_level(logging.WARNING, logger="telnyx_wireless_async"):
        async with AsyncSession(API_KEY, base_url=BASE, transport=transport, retry=policy) as s:
            group = await s.sim_card_groups.create("Fleet")
    assert group.id == GROUP_ID
    assert len(recorder.requests) == 2
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "'Fleet'" in record.getMessage()
    assert "may have created one too" in record.getMessage()


async def test_a_create_answered_at_once_warns_of_nothing(
    session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="telnyx_wireless_async"):
        await session.sim_card_groups.create("Fleet")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# -- get ------------------------------------------------------------------------------------------


async def test_get_fetches_the_group_by_its_id(session: AsyncSession, recorder: Recorder) -> None:
    group = await session.sim_card_groups.get(uuid.UUID(GROUP_ID))
    assert (recorder.last.method, recorder.last.url) == (
        "GET",
        f"{BASE}/sim_card_groups/{GROUP_ID}",
    )
    assert recorder.last.params == {}
    assert recorder.last.content is None
    assert group.id == GROUP_ID
    assert group.iccids is None


async def test_get_with_iccids_asks_for_them_and_keeps_them(
    session: AsyncSession, recorder: Recorder
) -> None:
    iccids = ["89310410106543789301", "89310410106543789302"]
    recorder.handler = lambda request: json_response({"data": group_json(iccids=iccids)})
    group = await session.sim_card_groups.get(GROUP_ID, include_iccids=True)
    assert recorder.last.params == {"include_iccids": "true"}
    assert group.iccids == tuple(iccids)


async def test_get_with_iccids_from_a_server_that_names_them_otherwise(
    session: AsyncSession, recorder: Recorder
) -> None:
    # The spec has no field for include_iccids' answer (Q7): another key is ignored.
    recorder.handler = lambda request: json_response({"data": group_json(sim_iccids=["8931"])})
    group = await session.sim_card_groups.get(GROUP_ID, include_iccids=True)
    assert group.iccids is None
    assert group.name == "My Test Group"


async def test_a_path_id_must_be_a_uuid_and_goes_canonical(
    session: AsyncSession, recorder: Recorder
) -> None:
    for bad in ("../sim_cards", "fleet"):
        with pytest.raises(ValueError, match=f"group_id must be a UUID, got {bad!r}"):
            await session.sim_card_groups.get(bad)
    assert recorder.requests == []
    await session.sim_card_groups.get(GROUP_ID.upper())
    assert recorder.last.url == f"{BASE}/sim_card_groups/{GROUP_ID}"


async def test_an_unknown_group_is_a_not_found_error(
    session: AsyncSession, recorder: Recorder
) -> None:
    body = error_body("10005", "Resource not found", "The SIM card group was not found.")
    recorder.handler = lambda request: json_response(body, status=404)
    with pytest.raises(NotFoundError) as raised:
        await session.sim_card_groups.get(GROUP_ID)
    assert raised.value.status == 404
    assert raised.value.errors[0].detail == "The SIM card group was not found."
    assert len(recorder.requests) == 1  # a 404 is never retried


# -- update ---------------------------------------------------------------------------------------


async def test_update_sends_only_what_was_given(session: AsyncSession, recorder: Recorder) -> None:
    groups = session.sim_card_groups
    await groups.update(GROUP_ID, name="Renamed")
    await groups.update(GROUP_ID, data_limit=DataAmount(amount=Decimal(100), unit="GB"))
    await groups.update(
        GROUP_ID, name="Both", data_limit=DataAmount(amount=Decimal("1.5"), unit="MB")
    )
    assert {(r.method, r.url) for r in recorder.requests} == {
        ("PATCH", f"{BASE}/sim_card_groups/{GROUP_ID}")
    }
    assert [recorder.body(i) for i in range(3)] == [
        {"name": "Renamed"},
        {"data_limit": {"amount": "100", "unit": "GB"}},
        {"name": "Both", "data_limit": {"amount": "1.5", "unit": "MB"}},
    ]


async def test_update_builds_the_changed_group(session: AsyncSession, recorder: Recorder) -> None:
    recorder.handler = lambda request: json_response({"data": group_json(name="Renamed")})
    group = await session.sim_card_groups.update(GROUP_ID, name="Renamed")
    assert group.name == "Renamed"


async def test_an_update_the_api_refuses_is_an_unprocessable_entity_error(
    session: AsyncSession, recorder: Recorder
) -> None:
    body = error_body("10015", "Bad Request", "data_limit.unit is not valid")
    recorder.handler = lambda request: json_response(body, status=422)
    data_limit = DataAmount(amount=Decimal(1), unit="parsecs")
    with pytest.raises(UnprocessableEntityError, match=r"data_limit\.unit is not valid"):
        await session.sim_card_groups.update(GROUP_ID, data_limit=data_limit)
    assert len(recorder.requests) == 1


# -- delete ---------------------------------------------------------------------------------------


async def test_delete_answers_the_deleted_group(session: AsyncSession, recorder: Recorder) -> None:
    group = await session.sim_card_groups.delete(GROUP_ID)
    assert (recorder.last.method, recorder.last.url) == (
        "DELETE",
        f"{BASE}/sim_card_groups/{GROUP_ID}",
    )
    assert recorder.last.content is None
    assert group.id == GROUP_ID


async def test_a_delete_the_api_refuses_raises_its_typed_error(
    session: AsyncSession, recorder: Recorder
) -> None:
    body = error_body("10017", "Group not empty", "The SIM card group still has SIM cards.")
    recorder.handler = lambda request: json_response(body, status=422)
    with pytest.raises(UnprocessableEntityError, match="still has SIM cards"):
        await session.sim_card_groups.delete(GROUP_ID)


# -- bad arguments: refused before any request --------------------------------------------------


def limit(amount: Any = None, unit: Any = "MB") -> DataAmount:
    """A data limit built as a caller might, unchecked types and all."""
    return DataAmount(amount=amount, unit=unit)


# The calls take Any: they pass what the type hints refuse, as untyped callers do.
BAD_CALLS: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("create blank", lambda s: s.sim_card_groups.create("  "), ValueError, "name"),
    ("create empty", lambda s: s.sim_card_groups.create(""), ValueError, "name"),
    ("create not str", lambda s: s.sim_card_groups.create(7), TypeError, "name"),
    (
        "limit not amount",
        lambda s: s.sim_card_groups.create("g", data_limit=2048),
        TypeError,
        "DataAmount",
    ),
    (
        "limit negative",
        lambda s: s.sim_card_groups.create("g", data_limit=limit("-1", "MB")),
        ValueError,
        "'-1'",
    ),
    (
        "limit not a number",
        lambda s: s.sim_card_groups.create("g", data_limit=limit("lots", "MB")),
        ValueError,
        "'lots'",
    ),
    (
        "limit infinite",
        lambda s: s.sim_card_groups.create("g", data_limit=limit("Infinity", "MB")),
        ValueError,
        "'Infinity'",
    ),
    (
        "limit float",
        lambda s: s.sim_card_groups.create("g", data_limit=limit(0.1, "MB")),
        TypeError,
        r"data_limit\.amount.*0\.1",
    ),
    (
        "limit bool",
        lambda s: s.sim_card_groups.create("g", data_limit=limit(True, "MB")),
        TypeError,
        "True",
    ),
    (
        "limit without amount",
        lambda s: s.sim_card_groups.create("g", data_limit=limit(None)),
        TypeError,
        r"data_limit\.amount.*None",
    ),
    (
        "limit without unit",
        lambda s: s.sim_card_groups.create("g", data_limit=limit(Decimal(1), None)),
        TypeError,
        r"data_limit\.unit.*None",
    ),
    (
        "limit blank unit",
        lambda s: s.sim_card_groups.create("g", data_limit=limit(Decimal(1), " ")),
        ValueError,
        r"data_limit\.unit",
    ),
    ("get blank id", lambda s: s.sim_card_groups.get(""), ValueError, "group_id"),
    ("get id with space", lambda s: s.sim_card_groups.get("a b"), ValueError, "'a b'"),
    ("get int id", lambda s: s.sim_card_groups.get(5), TypeError, "group_id"),
    (
        "get iccids not bool",
        lambda s: s.sim_card_groups.get(GROUP_ID, include_iccids="yes"),
        TypeError,
        "include_iccids.*'yes'",
    ),
    ("update nothing", lambda s: s.sim_card_groups.update(GROUP_ID), TypeError, "nothing"),
    (
        "update blank name",
        lambda s: s.sim_card_groups.update(GROUP_ID, name="\t"),
        ValueError,
        "name",
    ),
    (
        "update None name",
        lambda s: s.sim_card_groups.update(GROUP_ID, name=None),
        TypeError,
        "name.*None",
    ),
    (
        "update None limit",
        lambda s: s.sim_card_groups.update(GROUP_ID, data_limit=None),
        TypeError,
        "data_limit.*None",
    ),
    ("update bad id", lambda s: s.sim_card_groups.update(None, name="x"), TypeError, "group_id"),
    ("delete bad id", lambda s: s.sim_card_groups.delete("a\nb"), ValueError, "group_id"),
    ("resolve blank", lambda s: s.sim_card_groups.resolve(" "), ValueError, "id_or_name"),
    ("resolve int", lambda s: s.sim_card_groups.resolve(3), TypeError, "id_or_name"),
]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [pytest.param(call, error, match, id=name) for name, call, error, match in BAD_CALLS],
)
async def test_a_bad_argument_is_refused_before_any_request(
    session: AsyncSession,
    recorder: Recorder,
    call: Callable[[Any], Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        await call(session)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"name": ""}, ValueError, "name"),
        ({"name": "   "}, ValueError, "name"),
        ({"name": ["a"]}, TypeError, "name"),
        ({"private_wireless_gateway_id": "gateway-1"}, ValueError, "'gateway-1'"),
        ({"wireless_blocklist_id": 7}, TypeError, "wireless_blocklist_id"),
        ({"status": "enabled"}, TypeError, "status"),  # not a filter of groups
        ({"page_size": 251}, ValueError, "page_size"),
        ({"page_number": 0}, ValueError, "page_number"),
        ({"prefetch": 0}, ValueError, "prefetch"),
    ],
)
async def test_list_refuses_a_bad_option_when_called(
    session: AsyncSession,
    recorder: Recorder,
    options: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        session.sim_card_groups.list(**options)
    assert recorder.requests == []


# -- list -----------------------------------------------------------------------------------------


def groups_page(
    names: list[str], *, number: int, size: int, total: int, counts: int = 0
) -> dict[str, Any]:
    data = [
        group_json(id=str(uuid.UUID(int=number * 1000 + i)), name=name, sim_card_count=counts + i)
        for i, name in enumerate(names)
    ]
    meta = {
        "page_number": number,
        "page_size": size,
        "total_pages": -(-total // size),
        "total_results": total,
    }
    return {"data": data, "meta": meta}


async def test_awaiting_list_fetches_one_page_with_the_filters(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(
        groups_page(["Fleet"], number=2, size=5, total=6, counts=10)
    )
    page = await session.sim_card_groups.list(
        name="Fleet",
        private_wireless_gateway_id=uuid.UUID(GATEWAY_ID),
        wireless_blocklist_id=BLOCKLIST_ID.upper(),
        page_number=2,
        page_size=5,
    )
    assert (recorder.last.method, recorder.last.url) == ("GET", f"{BASE}/sim_card_groups")
    assert recorder.last.params == {
        "filter[name]": "Fleet",
        "filter[private_wireless_gateway_id]": GATEWAY_ID,
        "filter[wireless_blocklist_id]": BLOCKLIST_ID,  # canonical form
        "page[number]": "2",
        "page[size]": "5",
    }
    (group,) = page.data
    assert group.sim_card_count == 10
    assert group.private_wireless_gateway_id is None
    assert page.meta.total_results == 6


async def test_awaiting_list_without_options_asks_for_the_apis_default_page(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(groups_page([], number=1, size=20, total=0))
    page = await session.sim_card_groups.list()
    assert recorder.last.params == {"page[number]": "1", "page[size]": "20"}
    assert page.data == ()


async def test_iterating_list_yields_every_group_across_the_pages(
    session: AsyncSession, recorder: Recorder
) -> None:
    names = [f"group {n}" for n in range(7)]

    def handler(request: Request) -> Response:
        number, size = int(request.params["page[number]"]), int(request.params["page[size]"])
        chunk = names[(number - 1) * size : number * size]
        page = groups_page(chunk, number=number, size=size, total=len(names))
        for item, name in zip(page["data"], chunk, strict=True):
            item["id"] = name  # unique across pages
        return json_response(page)

    recorder.handler = handler
    listing = session.sim_card_groups.list(page_size=3, prefetch=2)
    groups = [group async for group in listing]
    assert [group.name for group in groups] == names
    assert sorted(int(r.params["page[number]"]) for r in recorder.requests) == [1, 2, 3]
    assert {r.params["page[size]"] for r in recorder.requests} == {"3"}

    pages = [page async for page in session.sim_card_groups.list(page_size=3).pages()]
    assert [len(page.data) for page in pages] == [3, 3, 1]


async def test_iterating_list_walks_pages_of_250_by_default(
    session: AsyncSession, recorder: Recorder
) -> None:
    page = groups_page(["a"], number=1, size=250, total=1)
    recorder.handler = lambda request: json_response(page)
    assert [g.name async for g in session.sim_card_groups.list()] == ["a"]
    assert recorder.last.params["page[size]"] == "250"


async def test_a_page_that_holds_more_groups_than_asked_for_is_refused(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(
        groups_page(["a", "b", "c"], number=1, size=2, total=3)
    )
    with pytest.raises(PaginationError, match="groups"):
        [g async for g in session.sim_card_groups.list(page_size=2)]


# -- structure: quirks of the spec ----------------------------------------------------------------


def test_a_searched_group_fits_the_strict_converter() -> None:
    strict = make_converter(strict=True)
    raw = group_json(
        sim_card_count=0,
        private_wireless_gateway_id=GATEWAY_ID,
        wireless_blocklist_id=BLOCKLIST_ID,
        data_limit={"amount": "1", "unit": "TB"},
    )
    group = strict.structure(raw, SimCardGroup)
    assert group.sim_card_count == 0
    assert group.private_wireless_gateway_id == GATEWAY_ID
    assert group.data_limit == DataAmount(amount=Decimal(1), unit="TB")  # open unit (Q12)
    assert unstructure(group) == raw  # and back as the API wrote it


def test_a_group_leaves_out_the_count_and_iccids_it_was_not_sent() -> None:
    record = unstructure(SimCardGroup(id="g"))
    assert "sim_card_count" not in record
    assert "iccids" not in record
    assert record["private_wireless_gateway_id"] is None  # written as the API sends it
    assert unstructure(SimCardGroup(id="g", iccids=("1",), sim_card_count=0))["iccids"] == ["1"]


# -- resolve: an id or a unique name -------------------------------------------------------------


async def test_resolve_fetches_an_id_with_get(session: AsyncSession, recorder: Recorder) -> None:
    group = await session.sim_card_groups.resolve(GROUP_ID.upper())
    assert recorder.last.url == f"{BASE}/sim_card_groups/{GROUP_ID}"
    assert group.id == GROUP_ID
    await session.sim_card_groups.resolve(uuid.UUID(GROUP_ID))
    assert [r.method for r in recorder.requests] == ["GET", "GET"]
    assert all("filter[name]" not in r.params for r in recorder.requests)


async def test_resolve_picks_the_one_exact_name_among_partial_matches(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(
        groups_page(["Fleet 2", "fleet", "Fleet", "Fleet "], number=1, size=250, total=4)
    )
    group = await session.sim_card_groups.resolve("Fleet")
    assert group.name == "Fleet"
    assert group.id == str(uuid.UUID(int=1002))
    assert recorder.last.params == {
        "filter[name]": "Fleet",
        "page[number]": "1",
        "page[size]": "250",
    }


async def test_resolve_looks_through_every_page(session: AsyncSession, recorder: Recorder) -> None:
    def handler(request: Request) -> Response:
        number = int(request.params["page[number]"])
        name = "Fleet" if number == 2 else "Fleet (old)"
        page = groups_page([name] * 250, number=number, size=250, total=500)
        for i, item in enumerate(page["data"]):
            item["id"] = f"{number}-{i}"
        page["data"][1:] = [dict(item, name="Fleet x") for item in page["data"][1:]]
        return json_response(page)

    recorder.handler = handler
    group = await session.sim_card_groups.resolve("Fleet")
    assert group.id == "2-0"


async def test_resolve_refuses_a_name_no_group_has(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(
        groups_page(["Fleet 2"], number=1, size=250, total=1)
    )
    with pytest.raises(LookupError, match="no SIM card group is named 'Fleet'"):
        await session.sim_card_groups.resolve("Fleet")


async def test_resolve_refuses_a_name_several_groups_have_naming_their_ids(
    session: AsyncSession, recorder: Recorder
) -> None:
    recorder.handler = lambda request: json_response(
        groups_page(["Fleet", "Fleet"], number=1, size=250, total=2)
    )
    with pytest.raises(LookupError) as raised:
        await session.sim_card_groups.resolve("Fleet")
    message = str(raised.value)
    assert "2 SIM card groups are named 'Fleet'" in message
    assert str(uuid.UUID(int=1000)) in message
    assert str(uuid.UUID(int=1001)) in message


async def test_resolve_of_an_unknown_id_is_a_not_found_error(
    session: AsyncSession, recorder: Recorder
) -> None:
    body = error_body("10005", "Resource not found", "not found")
    recorder.handler = lambda request: json_response(body, status=404)
    with pytest.raises(NotFoundError):
        await session.sim_card_groups.resolve(GROUP_ID)


# -- a card's group -------------------------------------------------------------------------------


@pytest.mark.parametrize("cards", [1, 60])  # one step, and built in steps of 50
async def test_a_cards_group_is_built_into_a_sim_card_group(
    session: AsyncSession, recorder: Recorder, cards: int
) -> None:
    group = group_json(
        private_wireless_gateway_id=GATEWAY_ID,
        sim_card_count=4,
        data_limit={"amount": "1", "unit": "TB"},
    )
    data = [
        {"id": f"card-{n}", "sim_card_group_id": GROUP_ID, "sim_card_group": group}
        for n in range(cards)
    ]
    meta = {"page_number": 1, "page_size": 250, "total_pages": 1, "total_results": cards}
    recorder.handler = lambda request: json_response({"data": data, "meta": meta})
    page = await session.sim_cards.list(include_sim_card_group=True, page_size=250)
    assert recorder.last.params["include_sim_card_group"] == "true"
    assert len(page.data) == cards
    for card in page.data:
        assert card.sim_card_group == SimCardGroup(
            id=GROUP_ID,
            record_type="sim_card_group",
            name="My Test Group",
            default=False,
            data_limit=DataAmount(amount=Decimal(1), unit="TB"),
            consumed_data=DataAmount(amount=Decimal("10.5"), unit=DataUnit.MB),
            private_wireless_gateway_id=GATEWAY_ID,
            sim_card_count=4,
            created_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
            updated_at=datetime(2018, 2, 2, 22, 25, 27, 521000, tzinfo=UTC),
        )
