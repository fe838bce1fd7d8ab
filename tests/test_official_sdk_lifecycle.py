"""The official `telnyx` SDK runs every lifecycle and group operation against the emulator.

The official SDK is generated from Telnyx's own spec: whatever it sends, the emulator must take
as the API would. Its method names are read from its source (telnyx 4.189.0):
``sim_cards.retrieve/update/delete``, ``sim_cards.actions.enable/disable/set_standby/retrieve/
list/validate_registration_codes``, ``sim_card_groups.create/retrieve/update/list/delete`` and
``sim_card_groups.actions.list/retrieve``. The async client runs in the test's loop, the sync one
in a thread beside the emulator. Retries are off (``max_retries=0``), actions finish on a fake
clock, and nothing sleeps.

Importing the SDK costs seconds of CPU: it is imported by the tests that use it, and these tests
run on the one worker that runs tests/test_official_sdk.py (the same ``xdist_group``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

from telnyx_wireless_async.testing import Emulator, Outcome, registration_code
from telnyx_wireless_async.testing._inventory import UNAUTHORIZED_IMEI_INTERVAL

from .conftest import FakeClock

if TYPE_CHECKING:
    import telnyx

pytestmark = pytest.mark.xdist_group("official-sdk")

KEY = "official-sdk-lifecycle-key"
SIZE = 120
DURATION = 5.0
UNKNOWN = "6a09cdc3-8948-47f0-aa62-74ac943d6c58"
IMEI = "356938035643809"


@pytest.fixture
async def emulator(clock: FakeClock) -> AsyncIterator[Emulator]:
    async with Emulator(
        api_key=KEY, inventory_size=SIZE, seed=4, clock=clock, action_duration=DURATION
    ) as emu:
        yield emu


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[telnyx.AsyncTelnyx]:
    import telnyx

    async with telnyx.AsyncTelnyx(api_key=KEY, base_url=emulator.url, max_retries=0) as sdk:
        yield sdk


def cards_with(emulator: Emulator, status: str) -> list[str]:
    """Ids of synthetic cards in `status`, used from an authorized IMEI."""
    inventory = emulator.state.inventory
    return [
        inventory.card_id(index)
        for index in range(inventory.size)
        if inventory.status_of(index) == status and index % UNAUTHORIZED_IMEI_INTERVAL
    ]


def last(emulator: Emulator) -> tuple[str, str, list[tuple[str, str]], Any, Outcome | None]:
    """The last request: method, path, query, decoded JSON body (or None) and its outcome."""
    request = emulator.state.requests[-1]
    body = json.loads(request.body) if request.body else None
    return request.method, request.path, request.query, body, request.outcome


async def test_one_card_retrieve_update_and_delete(
    client: telnyx.AsyncTelnyx, emulator: Emulator
) -> None:
    import telnyx

    card_id = cards_with(emulator, "enabled")[0]
    card = (
        await client.sim_cards.retrieve(
            card_id, include_pin_puk_codes=True, include_sim_card_group=True
        )
    ).data
    assert last(emulator)[:3] == (
        "GET",
        f"/v2/sim_cards/{card_id}",
        [("include_pin_puk_codes", "true"), ("include_sim_card_group", "true")],
    )
    assert card is not None
    assert card.id == card_id
    assert card.pin_puk_codes is not None
    assert card.pin_puk_codes.puk1 is not None
    assert len(card.pin_puk_codes.puk1) == 8
    assert card.current_imei is not None
    # Not in the SDK's model (nor the spec's): kept as an extra field.
    embedded = card.to_dict()["sim_card_group"]
    assert isinstance(embedded, dict)
    assert embedded["id"] == card.sim_card_group_id

    group = emulator.state.inventory.group_ids[1]
    updated = (
        await client.sim_cards.update(
            card_id,
            tags=["official"],
            sim_card_group_id=group,
            data_limit={"amount": "3.5", "unit": "GB"},
            authorized_imeis=[IMEI],
            status={},
        )
    ).data
    assert last(emulator)[3:] == (
        {
            "tags": ["official"],
            "sim_card_group_id": group,
            "data_limit": {"amount": "3.5", "unit": "GB"},
            "authorized_imeis": [IMEI],
            "status": {},
        },
        Outcome.OK,
    )
    assert updated is not None
    assert (updated.tags, updated.sim_card_group_id, updated.authorized_imeis) == (
        ["official"],
        group,
        [IMEI],
    )
    assert updated.data_limit is not None
    assert (updated.data_limit.amount, updated.data_limit.unit) == ("3.5", "GB")
    cleared = (await client.sim_cards.update(card_id, authorized_imeis=None)).data
    assert last(emulator)[3] == {"authorized_imeis": None}
    assert cleared is not None
    assert cleared.authorized_imeis is None
    assert cleared.tags == ["official"]

    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.sim_cards.update(card_id, sim_card_group_id=UNKNOWN)

    deleted = (await client.sim_cards.delete(card_id, report_lost=True)).data
    assert last(emulator)[2] == [("report_lost", "true")]
    assert deleted is not None
    assert deleted.status is not None
    assert deleted.status.value == "disabling"
    with pytest.raises(telnyx.NotFoundError):
        await client.sim_cards.retrieve(card_id)
    assert card_id not in [c.id async for c in client.sim_cards.list(page_size=250)]


async def test_actions_start_finish_and_list_by_each_filter(
    client: telnyx.AsyncTelnyx, emulator: Emulator, clock: FakeClock
) -> None:
    import telnyx

    enabled = cards_with(emulator, "enabled")
    disabled = cards_with(emulator, "disabled")
    started = [
        (await client.sim_cards.actions.disable(enabled[0])).data,
        (await client.sim_cards.actions.enable(disabled[0])).data,
        (await client.sim_cards.actions.set_standby(enabled[1])).data,
    ]
    assert [a.action_type if a else None for a in started] == ["disable", "enable", "set_standby"]
    assert all(a is not None and a.status and a.status.value == "in-progress" for a in started)
    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.sim_cards.actions.disable(enabled[0])  # in progress
    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.sim_cards.actions.enable(enabled[2])  # already enabled
    with pytest.raises(telnyx.NotFoundError):
        await client.sim_cards.actions.enable(UNKNOWN)

    clock.advance(DURATION)
    ids = [a.id for a in started if a is not None]
    for action_id in ids:
        assert action_id is not None
        got = (await client.sim_cards.actions.retrieve(action_id)).data
        assert got is not None
        assert got.status is not None
        assert got.status.value == "completed"
    with pytest.raises(telnyx.NotFoundError):
        await client.sim_cards.actions.retrieve(UNKNOWN)
    status = (await client.sim_cards.retrieve(enabled[1])).data
    assert status is not None
    assert status.status is not None
    assert status.status.value == "standby"

    assert [a.id async for a in client.sim_cards.actions.list(page_size=2)] == ids
    for filters, expected in (
        ({"action_type": "enable"}, ids[1:2]),
        ({"status": "completed"}, ids),
        ({"status": "in-progress"}, []),
        ({"sim_card_id": enabled[1]}, ids[2:]),
        ({"bulk_sim_card_action_id": UNKNOWN}, []),
    ):
        listing = client.sim_cards.actions.list(filter=filters)  # type: ignore[arg-type]
        assert [a.id async for a in listing] == expected
        [(name, value)] = filters.items()
        assert (f"filter[{name}]", value) in last(emulator)[2]


async def test_validate_registration_codes(client: telnyx.AsyncTelnyx, emulator: Emulator) -> None:
    await client.actions.register.create(registration_codes=[registration_code(2)])
    codes = [registration_code(1), registration_code(2), "0000000009"]
    answer = await client.sim_cards.actions.validate_registration_codes(registration_codes=codes)
    assert last(emulator)[3] == {"registration_codes": codes}
    assert answer.data is not None
    assert [(v.registration_code, v.valid) for v in answer.data] == [
        (codes[0], True),
        (codes[1], False),
        (codes[2], False),
    ]
    assert answer.data[0].invalid_detail is None
    assert answer.data[1].invalid_detail
    assert answer.data[2].invalid_detail


async def test_groups_and_group_actions(client: telnyx.AsyncTelnyx, emulator: Emulator) -> None:
    import telnyx

    created = (
        await client.sim_card_groups.create(
            name="Official", data_limit={"amount": "100", "unit": "MB"}
        )
    ).data
    assert last(emulator)[3] == {"name": "Official", "data_limit": {"amount": "100", "unit": "MB"}}
    assert created is not None
    assert created.id is not None
    await client.actions.register.create(
        registration_codes=[registration_code(5)], sim_card_group_id=created.id
    )
    got = await client.sim_card_groups.retrieve(created.id, include_iccids=True)
    assert last(emulator)[2] == [("include_iccids", "true")]
    assert got.data is not None
    iccids = got.data.to_dict()["iccids"]  # not in the SDK's model: an extra field
    assert isinstance(iccids, list)
    assert len(iccids) == 1

    renamed = (
        await client.sim_card_groups.update(
            created.id, name="Renamed", data_limit={"amount": "1", "unit": "GB"}
        )
    ).data
    assert renamed is not None
    assert renamed.name == "Renamed"
    listed = [g async for g in client.sim_card_groups.list(filter_name="Renamed")]
    assert ("filter[name]", "Renamed") in last(emulator)[2]
    assert [(g.id, g.sim_card_count) for g in listed] == [(created.id, 1)]
    every = [g async for g in client.sim_card_groups.list(page_size=2)]
    assert len(every) == len(emulator.state.inventory.groups())
    assert sum(g.sim_card_count or 0 for g in every) == SIZE + 1

    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.sim_card_groups.delete(created.id)  # it holds a card
    with pytest.raises(telnyx.UnprocessableEntityError):
        await client.sim_card_groups.delete(emulator.state.inventory.default_group_id)
    empty = (await client.sim_card_groups.create(name="Empty")).data
    assert empty is not None
    assert empty.id is not None
    assert (await client.sim_card_groups.delete(empty.id)).data is not None
    with pytest.raises(telnyx.NotFoundError):
        await client.sim_card_groups.retrieve(empty.id)

    actions = client.sim_card_groups.actions.list(
        filter_sim_card_group_id=created.id,
        filter_status="completed",
        filter_type="set_wireless_blocklist",
    )
    assert [a async for a in actions] == []
    assert sorted(last(emulator)[2]) == [
        ("filter[sim_card_group_id]", created.id),
        ("filter[status]", "completed"),
        ("filter[type]", "set_wireless_blocklist"),
    ]
    with pytest.raises(telnyx.NotFoundError):
        await client.sim_card_groups.actions.retrieve(UNKNOWN)


async def test_the_synchronous_client_runs_every_new_operation(
    emulator: Emulator, clock: FakeClock
) -> None:
    import telnyx

    enabled = cards_with(emulator, "enabled")

    def run() -> list[str | None]:
        seen: list[str | None] = []
        with telnyx.Telnyx(api_key=KEY, base_url=emulator.url, max_retries=0) as sdk:
            card = sdk.sim_cards.retrieve(enabled[0], include_pin_puk_codes=True).data
            seen.append(card.id if card else None)
            updated = sdk.sim_cards.update(enabled[0], tags=["sync"], authorized_imeis=None).data
            seen.append(updated.tags[0] if updated and updated.tags else None)
            action = sdk.sim_cards.actions.disable(enabled[0]).data
            assert action is not None
            assert action.id is not None
            clock.advance(DURATION)
            done = sdk.sim_cards.actions.retrieve(action.id).data
            seen.append(done.status.value if done and done.status else None)
            seen.append(sdk.sim_cards.actions.enable(enabled[0]).data.action_type)  # type: ignore[union-attr]
            clock.advance(DURATION)
            seen.append(sdk.sim_cards.actions.set_standby(enabled[0]).data.action_type)  # type: ignore[union-attr]
            clock.advance(DURATION)
            seen += [
                a.action_type
                for a in sdk.sim_cards.actions.list(filter={"sim_card_id": enabled[0]})
            ]
            valid = sdk.sim_cards.actions.validate_registration_codes(
                registration_codes=[registration_code(9)]
            ).data
            seen.append(str(valid[0].valid) if valid else None)
            seen.append(sdk.sim_cards.delete(enabled[0]).data.status.value)  # type: ignore[union-attr]
            group = sdk.sim_card_groups.create(name="Sync").data
            assert group is not None
            assert group.id is not None
            fetched = sdk.sim_card_groups.retrieve(group.id, include_iccids=True).data
            seen.append(fetched.name if fetched else None)
            seen.append(sdk.sim_card_groups.update(group.id, name="Sync 2").data.name)  # type: ignore[union-attr]
            seen += [g.name for g in sdk.sim_card_groups.list(filter_name="Sync 2")]
            seen.append(sdk.sim_card_groups.delete(group.id).data.name)  # type: ignore[union-attr]
            seen.append(str(list(sdk.sim_card_groups.actions.list())))
            try:
                sdk.sim_card_groups.actions.retrieve(UNKNOWN)
            except telnyx.NotFoundError as error:
                seen.append(str(error.status_code))
        return seen

    assert await asyncio.to_thread(run) == [
        enabled[0], "sync", "completed", "enable", "set_standby",
        "disable", "enable", "set_standby", "True", "disabling",
        "Sync", "Sync 2", "Sync 2", "Sync 2", "[]", "404",
    ]  # fmt: skip
    outcomes = [r.outcome for r in emulator.state.requests]
    assert outcomes.count(Outcome.CLIENT_ERROR) == 1  # the unknown group action only
