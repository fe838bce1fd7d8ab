"""Async-first client for the Telnyx Wireless SIM-card API.

Start with `AsyncSession`::

    async with AsyncSession() as telnyx:
        page = await telnyx.sim_cards.list(status=["enabled"], page_size=100)
"""

from telnyx_wireless_async._http import package_version as _package_version
from telnyx_wireless_async._registration import RegistrationLedger
from telnyx_wireless_async._retry import RetryEvent, RetryPolicy
from telnyx_wireless_async._session import DEFAULT_BASE_URL, AsyncSession
from telnyx_wireless_async._transport import AsyncTransport
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RegistrationError,
    ResponseTooLargeError,
    TelnyxError,
    UnprocessableEntityError,
)
from telnyx_wireless_async.models import (
    DataAmount,
    DataUnit,
    ErrorDetail,
    ErrorSource,
    ESimInstallationStatus,
    Page,
    PageMeta,
    RegistrationFailure,
    RegistrationResult,
    RegistrationStatus,
    SimCard,
    SimCardGroup,
    SimCardGroupAction,
    SimCardGroupActionStatus,
    SimCardGroupActionType,
    SimCardPage,
    SimCardStatus,
    SimCardStatusFilter,
    SimCardStatusValue,
    SimCardType,
    SortOrder,
    UnsettledCode,
)

__version__ = _package_version()

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncSession",
    "AsyncTransport",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DataAmount",
    "DataUnit",
    "ESimInstallationStatus",
    "ErrorDetail",
    "ErrorSource",
    "InternalServerError",
    "NotFoundError",
    "Page",
    "PageMeta",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RegistrationError",
    "RegistrationFailure",
    "RegistrationLedger",
    "RegistrationResult",
    "RegistrationStatus",
    "ResponseTooLargeError",
    "RetryEvent",
    "RetryPolicy",
    "SimCard",
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
    "TelnyxError",
    "UnprocessableEntityError",
    "UnsettledCode",
    "__version__",
]
