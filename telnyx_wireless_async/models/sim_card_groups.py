"""SIM card groups (``/sim_card_groups``): a group's settings, limits and consumption."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from telnyx_wireless_async.models._common import DataAmount

__all__ = ["SimCardGroup"]


@frozen(kw_only=True)
class SimCardGroup:
    """A SIM card group: what the group operations return, and a card's ``sim_card_group``.

    Attributes:
        id: The group's id (a UUID).
        record_type: ``"sim_card_group"``.
        name: The group's name; names need not be unique.
        default: True for the account's default group, which new cards join and which
            cannot be deleted.
        data_limit: The most data the group's cards may use. Its unit is any string:
            the API gives the group's unit no list of values (``MB`` and ``GB`` come
            back as `DataUnit` members, anything else as the string sent).
        consumed_data: The data the group's cards used so far.
        private_wireless_gateway_id: The group's Private Wireless Gateway, or None.
        wireless_blocklist_id: The group's Wireless Blocklist, or None.
        sim_card_count: How many cards the group holds; sent by the list operation only.
        iccids: The ICCIDs of the group's cards; sent only by
            ``sim_card_groups.get(..., include_iccids=True)``, else None.
        created_at: When the group was created.
        updated_at: When the group was last changed.
    """

    id: str | None = None
    record_type: str | None = None
    name: str | None = None
    default: bool | None = None
    data_limit: DataAmount | None = None
    consumed_data: DataAmount | None = None
    # The spec gives both "type: string" with "default: null"; the API sends null.
    private_wireless_gateway_id: str | None = None
    wireless_blocklist_id: str | None = None
    sim_card_count: int | None = None
    # The spec documents include_iccids but no field for its answer; "iccids" is the
    # one name that says what it holds.
    iccids: tuple[str, ...] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
