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
    "DeviceLocation",
    "ESimInstallationStatus",
    "LiveDataSession",
    "PinPukCodes",
    "SimCard",
    "SimCardDetails",
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


class LiveDataSession(StrEnum):
    """Whether the device is connected to a network and able to use data."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    UNKNOWN = "unknown"


@frozen(kw_only=True)
class DeviceLocation:
    """Where the device using a SIM card is, as the network places it.

    Attributes:
        latitude: Degrees, as the API writes them (``"41.143"``).
        longitude: Degrees, as the API writes them (``"-8.605"``).
        accuracy: How far off the position may be, in `accuracy_unit`.
        accuracy_unit: The unit of `accuracy` (the API's default: ``m``).
    """

    latitude: str | None = None
    longitude: str | None = None
    accuracy: int | None = None
    accuracy_unit: str | None = None


_REDACTED = "'<redacted>'"


@frozen(kw_only=True, repr=False)
class PinPukCodes:
    """A SIM card's PIN and PUK codes: secrets, redacted in every ``repr`` and ``str``.

    Read the attributes to use them; nothing the SDK prints, logs or raises shows them.

    Attributes:
        pin1: The primary PIN, 4 digits.
        pin2: The secondary PIN, 4 digits.
        puk1: The key that unblocks PIN1, 8 digits.
        puk2: The key that unblocks PIN2, 8 digits.
    """

    pin1: str | None = None
    pin2: str | None = None
    puk1: str | None = None
    puk2: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'None' if getattr(self, name) is None else _REDACTED}"
            for name in ("pin1", "pin2", "puk1", "puk2")
        )
        return f"PinPukCodes({shown})"

    __str__ = __repr__


@frozen(kw_only=True)
class SimCardDetails(SimCard):
    """One SIM card in full, as get, update and delete return it (the spec's ``SIMCard``).

    Everything a `SimCard` has, and where the card is and what it is connected to.

    Attributes:
        current_device_location: Where the device is.
        current_imei: The IMEI of the device the card is in.
        current_mcc: The Mobile Country Code of the network it is on.
        current_mnc: The Mobile Network Code of the network it is on.
        ipv4: Its address on the current network.
        ipv6: Its IPv6 address on the current network.
        live_data_session: Whether it can use data right now.
        pin_puk_codes: Its PIN and PUK codes, only when asked for
            (``include_pin_puk_codes=True``); redacted in every ``repr``.
    """

    current_device_location: DeviceLocation | None = None
    current_imei: str | None = None
    current_mcc: str | None = None
    current_mnc: str | None = None
    ipv4: str | None = None
    ipv6: str | None = None
    live_data_session: LiveDataSession | str | None = None
    pin_puk_codes: PinPukCodes | None = None
