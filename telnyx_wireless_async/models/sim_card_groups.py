"""SIM card groups (``/sim_card_groups``): a group's settings, limits and consumption."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from telnyx_wireless_async.models._common import DataAmount

__all__ = ["SimCardGroup"]


@frozen(kw_only=True)
class SimCardGroup:
    """A SIM card group, as a card carries it with ``include_sim_card_group``."""

    id: str | None = None
    record_type: str | None = None
    name: str | None = None
    default: bool | None = None
    data_limit: DataAmount | None = None
    consumed_data: DataAmount | None = None
    private_wireless_gateway_id: str | None = None
    wireless_blocklist_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
