"""SIM card actions (``/sim_card_actions``): asynchronous operations that change a card."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeAlias

from attrs import field, frozen

from telnyx_wireless_async.models.pages import Page

__all__ = [
    "SimCardAction",
    "SimCardActionPage",
    "SimCardActionStatus",
    "SimCardActionStatusFilter",
    "SimCardActionStatusValue",
    "SimCardActionType",
]


class SimCardActionType(StrEnum):
    """What a SIM card action does (``action_type``); the API may send others, kept as str."""

    ENABLE = "enable"
    ENABLE_STANDBY_SIM_CARD = "enable_standby_sim_card"
    DISABLE = "disable"
    SET_STANDBY = "set_standby"
    SET_PUBLIC_IP = "set_public_ip"
    REMOVE_PUBLIC_IP = "remove_public_ip"


class SimCardActionStatusValue(StrEnum):
    """Where a SIM card action stands (``status.value``); the API may send others, kept as str."""

    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class SimCardActionStatusFilter(StrEnum):
    """A value of the actions list's ``status`` option; the API cannot filter on ``interrupted``."""

    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"


FINISHED_STATUSES = frozenset(
    {
        SimCardActionStatusValue.COMPLETED,
        SimCardActionStatusValue.FAILED,
        SimCardActionStatusValue.INTERRUPTED,
    }
)


@frozen(kw_only=True)
class SimCardActionStatus:
    """A SIM card action's status, and why it is in it (None for in-progress and completed)."""

    value: SimCardActionStatusValue | str | None = None
    reason: str | None = None


@frozen(kw_only=True)
class SimCardAction:
    """An asynchronous operation on one SIM card: enable, disable, set standby, and others.

    Attributes:
        id: The action's id, for ``sim_card_actions.get`` and ``wait``.
        record_type: ``sim_card_action``.
        sim_card_id: The card it acts on.
        action_type: A `SimCardActionType`, or the API's string for a type the SDK lacks.
        status: Where it stands; see `finished`.
        settings: The action's parameters, a read-only JSON object.
        created_at: When it was started.
        updated_at: When it last changed.
    """

    id: str | None = None
    record_type: str | None = None
    sim_card_id: str | None = None
    action_type: SimCardActionType | str | None = None
    status: SimCardActionStatus | None = None
    settings: Mapping[str, Any] | None = field(default=None, hash=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """True once the action is completed, failed or interrupted: it will not change again."""
        return self.status is not None and self.status.value in FINISHED_STATUSES


SimCardActionPage: TypeAlias = Page[SimCardAction]
"""One page of SIM card actions and its `PageMeta`: ``Page[SimCardAction]``."""
