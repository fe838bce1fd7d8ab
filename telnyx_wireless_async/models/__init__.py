"""Public models: frozen, slotted, keyword-only attrs classes, one module per resource.

Wire names are kept as Telnyx spells them. Every field the API documents is
optional on the wire, so fields default to None (or an empty tuple) rather than
failing a stream of 100,000 cards over one missing value. Enum fields accept an
unknown value from the server and keep it as a plain string.

The models hold no wire rules: turning JSON into models and back is the converter's
job (``_serde``). Import them from here; the modules behind are::

    _common          DataAmount, DataUnit: values several resources share
    pages            Page[T], PageMeta: one page of any list operation
    sim_cards        SimCard, its status and type, the list options; SimCardPage;
                     SimCardDetails (one card in full), PinPukCodes, DeviceLocation
    sim_card_actions SimCardAction, its type and status; SimCardActionPage
    sim_card_groups  SimCardGroup
    sim_card_group_actions  SimCardGroupAction, its type and status
    bulk_actions     BulkActionResult, CardActionOutcome: enable_many and the like
    registration     RegistrationResult and its parts; RegistrationStatus;
                     RegistrationCodeValidation, CodeValidationResult
    api_errors       ErrorDetail, ErrorSource: the ``errors[]`` of an error response
"""

from telnyx_wireless_async.models._common import DataAmount, DataUnit
from telnyx_wireless_async.models.api_errors import ErrorDetail, ErrorSource
from telnyx_wireless_async.models.bulk_actions import BulkActionResult, CardActionOutcome
from telnyx_wireless_async.models.pages import Page, PageMeta
from telnyx_wireless_async.models.registration import (
    CodeValidationResult,
    RegistrationCodeValidation,
    RegistrationFailure,
    RegistrationResult,
    RegistrationStatus,
    UnsettledCode,
)
from telnyx_wireless_async.models.sim_card_actions import (
    SimCardAction,
    SimCardActionPage,
    SimCardActionStatus,
    SimCardActionStatusFilter,
    SimCardActionStatusValue,
    SimCardActionType,
)
from telnyx_wireless_async.models.sim_card_group_actions import (
    SimCardGroupAction,
    SimCardGroupActionStatus,
    SimCardGroupActionType,
)
from telnyx_wireless_async.models.sim_card_groups import SimCardGroup
from telnyx_wireless_async.models.sim_cards import (
    DeviceLocation,
    ESimInstallationStatus,
    LiveDataSession,
    PinPukCodes,
    SimCard,
    SimCardDetails,
    SimCardPage,
    SimCardStatus,
    SimCardStatusFilter,
    SimCardStatusValue,
    SimCardType,
    SortOrder,
)

__all__ = [
    "BulkActionResult",
    "CardActionOutcome",
    "CodeValidationResult",
    "DataAmount",
    "DataUnit",
    "DeviceLocation",
    "ESimInstallationStatus",
    "ErrorDetail",
    "ErrorSource",
    "LiveDataSession",
    "Page",
    "PageMeta",
    "PinPukCodes",
    "RegistrationCodeValidation",
    "RegistrationFailure",
    "RegistrationResult",
    "RegistrationStatus",
    "SimCard",
    "SimCardAction",
    "SimCardActionPage",
    "SimCardActionStatus",
    "SimCardActionStatusFilter",
    "SimCardActionStatusValue",
    "SimCardActionType",
    "SimCardDetails",
    "SimCardGroup",
    "SimCardGroupAction",
    "SimCardGroupActionStatus",
    "SimCardGroupActionType",
    "SimCardPage",
    "SimCardStatus",
    "SimCardStatusFilter",
    "SimCardStatusValue",
    "SimCardType",
    "SortOrder",
    "UnsettledCode",
]
