"""Type-checked by mypy --strict in `nox -s typing`, never run: the public API as users write it."""

from __future__ import annotations

from decimal import Decimal

from telnyx_wireless_async import (
    ActionTimeoutError,
    AsyncSession,
    CodeValidationResult,
    DataAmount,
    DataUnit,
    Page,
    RateLimitError,
    RegistrationResult,
    RetryEvent,
    RetryPolicy,
    SimCard,
    SimCardAction,
    SimCardDetails,
    SimCardGroup,
    SimCardGroupAction,
    SimCardGroupActionStatus,
    SimCardPage,
    SimCardStatusFilter,
    SortOrder,
)


def log_retry(event: RetryEvent) -> None:
    print(event.attempt, event.delay, event.error)


async def usage() -> None:
    policy = RetryPolicy(max_attempts=5, max_time=30.0, on_retry=log_retry)
    async with AsyncSession("key", base_url="http://127.0.0.1:8080/v2", retry=policy) as telnyx:
        page: SimCardPage = await telnyx.sim_cards.list(
            tags=["a", "b"],
            status=[SimCardStatusFilter.ENABLED, "standby"],
            sort=SortOrder.CONSUMED_DATA_DESC,
            page_size=250,
        )
        total: int = page.meta.total_results
        generic: Page[SimCard] = page  # the same type
        print(generic.data[:1])
        for card in page.data:
            amount: Decimal | None = (
                card.current_billing_period_consumed_data.amount
                if card.current_billing_period_consumed_data
                else None
            )
            print(card.iccid, amount, total)
        try:
            result: RegistrationResult = await telnyx.sim_cards.register(
                ["0000000001"], status="standby"
            )
        except RateLimitError as error:
            wait: float | None = error.retry_after
            print(wait)
        else:
            print(len(result.registered_codes), len(result.failed), len(result.unknown))


async def groups() -> None:
    async with AsyncSession("key") as telnyx:
        created: SimCardGroup = await telnyx.sim_card_groups.create(
            "Fleet", data_limit=DataAmount(amount=Decimal("2048"), unit=DataUnit.MB)
        )
        assert created.id is not None
        renamed: SimCardGroup = await telnyx.sim_card_groups.update(created.id, name="Fleet 2")
        with_iccids = await telnyx.sim_card_groups.get(created.id, include_iccids=True)
        iccids: tuple[str, ...] | None = with_iccids.iccids
        page: Page[SimCardGroup] = await telnyx.sim_card_groups.list(name="Fleet", page_size=50)
        async for group in telnyx.sim_card_groups.list():
            count: int | None = group.sim_card_count
            print(count)
        found: SimCardGroup = await telnyx.sim_card_groups.resolve("Fleet 2")
        action: SimCardGroupAction = await telnyx.sim_card_group_actions.get("action-id")
        async for each in telnyx.sim_card_group_actions.list(
            sim_card_group_id=found.id or "", status=SimCardGroupActionStatus.FAILED
        ):
            print(each.type, each.status)
        await telnyx.sim_card_groups.delete(renamed.id or "")
        print(iccids, page.meta, action.settings)


async def lifecycle(card_id: str, codes: list[str]) -> None:
    async with AsyncSession("key") as telnyx:
        card: SimCardDetails = await telnyx.sim_cards.get(card_id, include_pin_puk_codes=True)
        if card.pin_puk_codes is not None:
            pin: str | None = card.pin_puk_codes.pin1
            print(pin is not None)
        card = await telnyx.sim_cards.update(
            card_id, tags=["a"], data_limit={"amount": Decimal("2"), "unit": "GB"}
        )
        card = await telnyx.sim_cards.update(card_id, authorized_imeis=None)
        action: SimCardAction = await telnyx.sim_cards.enable(card_id)
        try:
            action = await telnyx.sim_card_actions.wait(action, timeout=60.0)
        except ActionTimeoutError as error:
            action = error.action
        page: Page[SimCardAction] = await telnyx.sim_card_actions.list(status="failed")
        async for past in telnyx.sim_card_actions.list(sim_card_id=card_id):
            print(past.finished, page.meta)
        report: CodeValidationResult = await telnyx.sim_cards.validate_registration_codes(codes)
        print(report.ok, action, card)
