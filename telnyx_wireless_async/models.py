"""Public models: frozen, slotted, keyword-only attrs classes.

Wire names are kept as Telnyx spells them. Every field the API documents is
optional on the wire, so fields default to None (or an empty tuple) rather than
failing a stream of 100,000 cards over one missing value. Enum fields accept an
unknown value from the server and keep it as a plain string.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from attrs import field, frozen

__all__ = [
    "DataAmount",
    "DataUnit",
    "ESimInstallationStatus",
    "ErrorDetail",
    "ErrorSource",
    "PageMeta",
    "RegistrationFailure",
    "RegistrationResult",
    "RegistrationStatus",
    "SimCard",
    "SimCardGroup",
    "SimCardPage",
    "SimCardStatus",
    "SimCardStatusFilter",
    "SimCardStatusValue",
    "SimCardType",
    "SortOrder",
    "UnsettledCode",
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


class RegistrationStatus(StrEnum):
    """The status a SIM card is put in once registered (the API's default: enabled)."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    STANDBY = "standby"


class SortOrder(StrEnum):
    """The ``sort`` list query option: ascending, or descending with a leading minus."""

    CONSUMED_DATA_ASC = "current_billing_period_consumed_data.amount"
    CONSUMED_DATA_DESC = "-current_billing_period_consumed_data.amount"


class SimCardType(StrEnum):
    """Physical SIM or eSIM."""

    PHYSICAL = "physical"
    ESIM = "esim"


class DataUnit(StrEnum):
    """Unit of a data amount."""

    MB = "MB"
    GB = "GB"


class ESimInstallationStatus(StrEnum):
    """Installation status of an eSIM."""

    RELEASED = "released"
    DISABLED = "disabled"


class ReadOnlyObject(dict[str, Any]):
    """A JSON object the API does not describe (``meta``, say): a dict that refuses changes.

    It prints, serialises with ``json.dumps``, copies and pickles as a dict, and compares
    equal to one; arrays in it are tuples (``{"a": (1, 2)}``, not ``{"a": [1, 2]}``).
    ``dict(obj)`` is a copy you may change.
    """

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self:  # dict.__init__ on a filled dict would update it
            self._refuse()
        super().__init__(*args, **kwargs)

    def _refuse(self) -> NoReturn:
        raise TypeError("this JSON object of a model is read-only; change a copy: dict(obj)")

    def __setitem__(self, key: str, value: Any) -> NoReturn:
        self._refuse()

    def __delitem__(self, key: str) -> NoReturn:
        self._refuse()

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def clear(self) -> NoReturn:
        self._refuse()

    def pop(self, *args: Any) -> NoReturn:
        self._refuse()

    def popitem(self) -> NoReturn:
        self._refuse()

    def setdefault(self, *args: Any) -> NoReturn:
        self._refuse()

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        self._refuse()

    def __reduce__(self) -> tuple[type[ReadOnlyObject], tuple[dict[str, Any]]]:
        # Rebuilt from a plain dict: the default would fill it item by item, which it refuses.
        return (type(self), (dict(self),))


@frozen(kw_only=True)
class DataAmount:
    """An amount of data, such as a data limit or the consumption so far."""

    amount: Decimal | None = None
    unit: DataUnit | str | None = None


@frozen(kw_only=True)
class SimCardStatus:
    """A SIM card's status and why it is in it."""

    value: SimCardStatusValue | str | None = None
    reason: str | None = None


@frozen(kw_only=True)
class SimCardGroup:
    """The group a SIM card belongs to (returned with ``include_sim_card_group``)."""

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


@frozen(kw_only=True)
class PageMeta:
    """Where a page sits in the whole listing."""

    page_number: int
    page_size: int
    total_pages: int
    total_results: int


@frozen(kw_only=True)
class SimCardPage:
    """One page of SIM cards and its `PageMeta`."""

    data: tuple[SimCard, ...]
    meta: PageMeta


@frozen(kw_only=True)
class ErrorSource:
    """What an error is about: a JSON pointer into the body or a query parameter."""

    pointer: str | None = None
    parameter: str | None = None


@frozen(kw_only=True)
class ErrorDetail:
    """One entry of a Telnyx ``errors[]`` list."""

    code: str
    title: str
    detail: str | None = None
    source: ErrorSource | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False)  # a read-only JSON object


@frozen(kw_only=True)
class RegistrationFailure:
    """A registration code the API refused, and its error.

    Attributes:
        registration_code: The code.
        error: The API's error. Its ``source.pointer`` (``/registration_codes/55``) is
            the code's place in the request that carried it, one chunk of the call.
        index: The code's place in the codes given to ``register`` (its first
            occurrence), or None where the result was built from one response alone.
    """

    registration_code: str
    error: ErrorDetail
    index: int | None = None


@frozen(kw_only=True)
class UnsettledCode:
    """A registration code whose outcome is not known, and why.

    Attributes:
        registration_code: The code.
        reason: Why its outcome is not known.
        sent: False when the code was never sent (the call was cancelled first), so it
            certainly was not registered by this call.
    """

    registration_code: str
    reason: str
    sent: bool = True


@frozen(kw_only=True)
class RegistrationResult:
    """The ledger of a registration: what became of every unique code sent.

    Every unique code given is in exactly one of `registered_codes`, `failed` or
    `unknown`, so their lengths add up to the number of unique codes.

    Attributes:
        cards: The SIM cards the API returned as registered.
        registered_codes: Codes that are registered, `already_registered_on_retry`
            included.
        already_registered_on_retry: Codes in `registered_codes` for which the API
            answered "already registered" to a retry of a request that may have been
            processed (after a timeout, a dropped connection or a 5xx): the lost
            attempt most likely registered them, but the API cannot say, and returns
            no card for them.
        failed: Codes the API refused, each with its error.
        unknown: Codes whose outcome is not known, each with the reason: a request
            that failed after all its retries, or a response that did not settle them.
        duplicates: Codes given more than once (each was sent once).
        unattributed_errors: Errors the API returned that name no code.
    """

    cards: tuple[SimCard, ...] = ()
    registered_codes: tuple[str, ...] = ()
    already_registered_on_retry: tuple[str, ...] = ()
    failed: tuple[RegistrationFailure, ...] = ()
    unknown: tuple[UnsettledCode, ...] = ()
    duplicates: tuple[str, ...] = ()
    unattributed_errors: tuple[ErrorDetail, ...] = ()

    @property
    def failed_codes(self) -> tuple[str, ...]:
        """The codes in `failed`."""
        return tuple(failure.registration_code for failure in self.failed)

    @property
    def unknown_codes(self) -> tuple[str, ...]:
        """The codes in `unknown`."""
        return tuple(unsettled.registration_code for unsettled in self.unknown)

    @property
    def ok(self) -> bool:
        """True when every code was registered by this call, as the API confirmed.

        Codes in `already_registered_on_retry` make it False: they may have been
        registered before the call, by anyone.
        """
        return not self.failed and not self.unknown and not self.already_registered_on_retry

    def __repr__(self) -> str:
        # Counts, not contents: the whole ledger of 10,000 codes is hundreds of KB.
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in (
                "registered_codes",
                "already_registered_on_retry",
                "failed",
                "unknown",
                "duplicates",
                "cards",
                "unattributed_errors",
            )
        )
        return f"<RegistrationResult {counts}>"

    def raise_for_failures(self) -> None:
        """Raise one `RegistrationError` summarising the codes that make `ok` False, if any."""
        if not self.ok:
            from telnyx_wireless_async.errors import RegistrationError

            raise RegistrationError(self)
