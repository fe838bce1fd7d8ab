"""SIM card group actions (``/sim_card_group_actions``): asynchronous changes to a group."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import field, frozen

__all__ = ["SimCardGroupAction", "SimCardGroupActionStatus", "SimCardGroupActionType"]


class SimCardGroupActionType(StrEnum):
    """What a SIM card group action does (its ``type``)."""

    SET_PRIVATE_WIRELESS_GATEWAY = "set_private_wireless_gateway"
    REMOVE_PRIVATE_WIRELESS_GATEWAY = "remove_private_wireless_gateway"
    SET_WIRELESS_BLOCKLIST = "set_wireless_blocklist"
    REMOVE_WIRELESS_BLOCKLIST = "remove_wireless_blocklist"


class SimCardGroupActionStatus(StrEnum):
    """Where a SIM card group action stands (its ``status``, a plain string)."""

    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"


@frozen(kw_only=True)
class SimCardGroupAction:
    """An asynchronous operation on a SIM card group and the cards in it.

    `type` and `status` keep a value the SDK does not know as a plain string.

    Attributes:
        id: The action's id (a UUID).
        record_type: ``"sim_card_group_action"``.
        sim_card_group_id: The group acted on.
        type: A `SimCardGroupActionType`.
        status: A `SimCardGroupActionStatus`.
        settings: The action's parameters as a read-only JSON object
            (``private_wireless_gateway_id``, ``wireless_blocklist_id``, ...), or None.
        created_at: When the action was requested.
        updated_at: When the action last changed.
    """

    id: str | None = None
    record_type: str | None = None
    sim_card_group_id: str | None = None
    type: SimCardGroupActionType | str | None = None
    status: SimCardGroupActionStatus | str | None = None
    # The spec types it with one key (private_wireless_gateway_id) even for the
    # blocklist actions, whose settings name a blocklist: kept as the JSON it is.
    settings: Mapping[str, Any] | None = field(default=None, hash=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
