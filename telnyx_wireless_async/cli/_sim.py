"""``telnyx-wireless sim ID``: one SIM card in full.

The PIN and PUK codes are secrets. They are asked for only with ``--pin-puk``, and then
written to standard output alone: the SDK keeps them out of every ``repr``, log line and
error, so nothing this command writes to standard error can hold them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telnyx_wireless_async import AsyncSession, SimCardDetails
from telnyx_wireless_async._serde import unstructure
from telnyx_wireless_async.cli._errors import ExitCode
from telnyx_wireless_async.cli._records import format_amount
from telnyx_wireless_async.cli._session import open_session
from telnyx_wireless_async.cli._writers import record_format, text, write_fields, write_json

__all__ = ["card_fields", "run"]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _location(card: SimCardDetails) -> str | None:
    place = card.current_device_location
    if place is None or place.latitude is None or place.longitude is None:
        return None
    accuracy = ""
    if place.accuracy is not None:
        accuracy = f" (within {place.accuracy} {place.accuracy_unit or 'm'})"
    return f"{place.latitude}, {place.longitude}{accuracy}"


def card_fields(card: SimCardDetails, *, pin_puk: bool) -> list[tuple[str, object]]:
    """Return the ``label: value`` lines that show `card` to people; its codes if `pin_puk`."""
    status = card.status
    state = None
    if status is not None and status.value is not None:
        state = text(status.value) + (f" ({status.reason})" if status.reason else "")
    group = card.sim_card_group
    network = "/".join(code for code in (card.current_mcc, card.current_mnc) if code) or None
    fields: list[tuple[str, object]] = [
        ("id", card.id),
        ("ICCID", card.iccid),
        ("MSISDN", card.msisdn),
        ("IMSI", card.imsi),
        ("EID", card.eid),
        ("type", text(card.type) or None),
        ("eSIM installation", text(card.esim_installation_status) or None),
        ("status", state),
        ("actions in progress", _yes_no(card.actions_in_progress)),
        ("group", card.sim_card_group_id),
        ("group name", None if group is None else group.name),
        ("tags", ", ".join(card.tags) or None),
        ("data limit", format_amount(card.data_limit) or None),
        ("data used", format_amount(card.current_billing_period_consumed_data) or None),
        ("voice", _yes_no(card.voice_enabled)),
        ("authorized IMEIs", card.authorized_imeis),
        ("current IMEI", card.current_imei),
        ("network (MCC/MNC)", network),
        ("IPv4", card.ipv4),
        ("IPv6", card.ipv6),
        ("live data session", text(card.live_data_session) or None),
        ("location", _location(card)),
        ("version", card.version),
        ("created", None if card.created_at is None else unstructure(card.created_at)),
        ("updated", None if card.updated_at is None else unstructure(card.updated_at)),
    ]
    codes = card.pin_puk_codes
    if pin_puk and codes is not None:
        fields += [("PIN1", codes.pin1), ("PIN2", codes.pin2)]
        fields += [("PUK1", codes.puk1), ("PUK2", codes.puk2)]
    return fields


async def _fetch(session: AsyncSession, args: argparse.Namespace) -> SimCardDetails:
    async with session:
        return await session.sim_cards.get(
            args.sim_card_id,
            include_sim_card_group=args.group,
            include_pin_puk_codes=args.pin_puk,
        )


def run(args: argparse.Namespace) -> int:
    """Fetch the card and write it to standard output; return the exit status."""
    card = asyncio.run(_fetch(open_session(args), args))
    if record_format(args.format, sys.stdout) == "json":
        write_json(sys.stdout, card)
    else:
        write_fields(sys.stdout, card_fields(card, pin_puk=args.pin_puk))
    return ExitCode.OK
