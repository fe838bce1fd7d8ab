"""SIM cards (``/sim_cards``): the card, its status, and the options of the list operation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeAlias

from attrs import field, frozen

from telnyx_wireless_async.models._common import DataAmount
from telnyx_wireless_async.models.pages import Page
from telnyx_wireless_async.models.sim_card_groups import SimCardGroup

__all__ = [
    "ESimInstallationStatus",
    "SimCard",
    "SimCardPage",
    "SimCardStatus",
    "SimCardStatusFilter",
    "SimCardStatusValue",
    "SimCardType",
    "SortOrder",
]


class SimCardStatusValue(StrEnum):
    """The status a SIM card is in (``status.value``)."""

    REGISTERING = "registering"
    ENABLING = "enabling"
    ENABLED = "enabled"
    DISABLING = "disabling"
    DISABLED = "disabled"
    DATA_LIMIT_EXCEEDED = "data_limit_exceeded"
    SETTING_STANDBY = "setting_standby"
    STANDBY = "standby"


class SimCardStatusFilter(StrEnum):
    """A value of the ``filter[status]`` list query option.

    Not the same set as `SimCardStatusValue`: ``unauthorized_imei`` is a filter,
    not a card status.
    """

    ENABLED = "enabled"
    DISABLED = "disabled"
    STANDBY = "standby"
    DATA_LIMIT_EXCEEDED = "data_limit_exceeded"
    UNAUTHORIZED_IMEI = "unauthorized_imei"


class SortOrder(StrEnum):
    """The ``sort`` list query option: ascending, or descending with a leading minus."""

    CONSUMED_DATA_ASC = "current_billing_period_consumed_data.amount"
    CONSUMED_DATA_DESC = "-current_billing_period_consumed_data.amount"


class SimCardType(StrEnum):
    """Physical SIM or eSIM."""

    PHYSICAL = "physical"
    ESIM = "esim"


class ESimInstallationStatus(StrEnum):
    """Installation status of an eSIM."""

    RELEASED = "released"
    DISABLED = "disabled"


@frozen(kw_only=True)
class SimCardStatus:
    """A SIM card's status and why it is in it."""

    value: SimCardStatusValue | str | None = None
    reason: str | None = None


@frozen(kw_only=True)
class SimCard:
    """A SIM card as the list and register operations return it (``SimpleSIMCard``)."""

    id: str | None = None
    record_type: str | None = None
    status: SimCardStatus | None = None
    type: SimCardType | str | None = None
    iccid: str | None = None
    imsi: str | None = None
    msisdn: str | None = None
    sim_card_group_id: str | None = None
    tags: tuple[str, ...] = ()
    data_limit: DataAmount | None = None
    current_billing_period_consumed_data: DataAmount | None = None
    actions_in_progress: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    esim_installation_status: ESimInstallationStatus | str | None = None
    version: str | None = None
    # Read-only JSON objects; left out of the hash, which they cannot take part in.
    resources_with_in_progress_actions: tuple[Mapping[str, Any], ...] = field(
        default=(), hash=False
    )
    eid: str | None = None
    authorized_imeis: tuple[str, ...] | None = None
    voice_enabled: bool | None = None
    sim_card_group: SimCardGroup | None = None


SimCardPage: TypeAlias = Page[SimCard]
"""One page of SIM cards and its `PageMeta`: ``Page[SimCard]``."""
