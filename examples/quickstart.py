"""Quick start: list SIM cards and register a few codes, against the bundled emulator.

The emulator runs in this process on 127.0.0.1, so nothing reaches the real API.
Point `AsyncSession` at https://api.telnyx.com/v2 with a real key to do the same for real.
"""

from __future__ import annotations

import asyncio

from telnyx_wireless_async import AsyncSession
from telnyx_wireless_async.testing import Emulator, registration_code


async def main() -> None:
    async with (
        Emulator(inventory_size=5_000) as emulator,
        AsyncSession(emulator.api_key, base_url=emulator.url) as telnyx,
    ):
        page = await telnyx.sim_cards.list(
            status=["enabled"],
            sort="-current_billing_period_consumed_data.amount",
            page_size=5,
        )
        print(f"{page.meta.total_results} enabled SIM cards; the 5 that used most data:")
        for card in page.data:
            used = card.current_billing_period_consumed_data
            amount = f"{used.amount} {used.unit}" if used else "?"
            print(f"  {card.iccid}  {card.msisdn}  {amount:>12}  tags={list(card.tags)}")

        good = [registration_code(n) for n in range(1, 4)]
        bad = "1234567890"  # ten digits, but the check digit is wrong
        result = await telnyx.sim_cards.register([*good, bad, good[0]], tags=["quickstart"])
        print(f"\nregistered {len(result.registered_codes)} codes:")
        for card in result.cards:
            print(f"  {card.iccid}  status={card.status.value if card.status else '?'}")
        for failure in result.failed:
            print(f"  failed {failure.registration_code}: {failure.error.title}")


if __name__ == "__main__":
    asyncio.run(main())
