"""The lifecycle end to end against the emulator over HTTP.

The SDK side uses only what the spec promises, never the emulator's own choices (error
codes, timings).
"""

from __future__ import annotations

import pytest

from telnyx_wireless_async import AsyncSession, NotFoundError, SimCardDetails
from telnyx_wireless_async.testing import EmulatorState

UNKNOWN = "00000000-0000-4000-8000-000000000000"


async def first_card_id(session: AsyncSession) -> str:
    page = await session.sim_cards.list(page_size=1)
    card_id = page.data[0].id
    assert card_id is not None
    return card_id


async def test_get_update_and_get_again(session: AsyncSession) -> None:
    card_id = await first_card_id(session)
    card = await session.sim_cards.get(card_id)
    assert isinstance(card, SimCardDetails)
    updated = await session.sim_cards.update(card_id, tags=["lifecycle"], authorized_imeis=None)
    assert updated.tags == ("lifecycle",)
    assert updated.authorized_imeis is None
    assert (await session.sim_cards.get(card_id)).tags == ("lifecycle",)


async def test_disable_then_wait_for_the_action(
    session: AsyncSession, state: EmulatorState
) -> None:
    state.actions.duration = 0.05
    enabled = await session.sim_cards.list(status=["enabled"], page_size=1)
    card_id = enabled.data[0].id
    assert card_id is not None
    action = await session.sim_cards.disable(card_id)
    done = await session.sim_card_actions.wait(action, timeout=30.0, poll_interval=0.01)
    assert done.finished
    card = await session.sim_cards.get(card_id)
    assert card.status is not None
    assert card.status.value == "disabled"
    found = [a.id async for a in session.sim_card_actions.list(sim_card_id=card_id)]
    assert action.id in found


async def test_unknown_ids_are_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await session.sim_cards.get(UNKNOWN)
    with pytest.raises(NotFoundError):
        await session.sim_card_actions.get(UNKNOWN)


async def test_validate_registration_codes_accounts_for_every_code(session: AsyncSession) -> None:
    codes = [f"{n:010d}" for n in range(1, 50)]
    result = await session.sim_cards.validate_registration_codes(codes, chunk_size=10)
    assert len(result.valid) + len(result.invalid) + len(result.unknown) == len(codes)
    assert result.unknown == ()
