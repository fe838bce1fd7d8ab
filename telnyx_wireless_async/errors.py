"""The public exception tree.

Every exception this SDK raises on purpose derives from `TelnyxError`::

    TelnyxError
    ├── APIConnectionError            no usable HTTP response (refused, reset, dropped)
    │   └── APITimeoutError           the request took longer than the session timeout
    ├── APIResponseValidationError    a 2xx body that is not the JSON the API documents
    │   └── ResponseTooLargeError     a body over the session's size cap (not retried)
    ├── PaginationError               pages that contradict each other (a lying meta)
    ├── RegistrationError             raised by RegistrationResult.raise_for_failures()
    ├── BulkActionError               raised by BulkActionResult.raise_for_failures()
    ├── ActionTimeoutError            sim_card_actions.wait() ran out of time, with ``action``
    └── APIStatusError                the server answered with a non-2xx status
        ├── BadRequestError           400
        ├── AuthenticationError       401
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── UnprocessableEntityError  422
        ├── RateLimitError            429, with ``retry_after``
        └── InternalServerError       5xx

Bad arguments are caught before any request is sent and raise the built-in
`ValueError` or `TypeError`, naming the offending value.

This module imports nothing from the rest of the SDK at run time, so that every other
module, the models included, may import it: the models it names are for type checkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telnyx_wireless_async.models import (
        BulkActionResult,
        ErrorDetail,
        RegistrationResult,
        SimCardAction,
    )

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ActionTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BulkActionError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RegistrationError",
    "ResponseTooLargeError",
    "TelnyxError",
    "UnprocessableEntityError",
]


def _rebuild(cls: type[TelnyxError], args: tuple[object, ...], state: dict[str, object]) -> object:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class TelnyxError(Exception):
    """Base class of every error raised by this SDK."""

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take keyword-only arguments, which the default pickling of
        # exceptions cannot pass back; rebuild from the attributes instead, so that
        # errors cross process pools and task queues.
        return (_rebuild, (type(self), self.args, self.__dict__))


class APIConnectionError(TelnyxError):
    """The request got no usable HTTP response: refused, reset or dropped connection.

    Attributes:
        request_sent: False only when the connection could not even be made, so the
            server certainly did not act on the request.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The request did not complete within the session timeout."""


class APIResponseValidationError(TelnyxError):
    """The server answered 2xx, but the body is not what the API documents.

    Attributes:
        status: The HTTP status of the response.
        body: The raw response body.
    """

    def __init__(self, message: str, *, status: int, body: bytes) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class ResponseTooLargeError(APIResponseValidationError):
    """A response body, once decoded, is larger than the session's ``max_response_size``.

    The body is not kept (`body` is empty), and the request is not retried: the
    same request would most likely bring the same body.
    """


class PaginationError(TelnyxError):
    """The server's pages contradict each other, so walking them cannot be trusted."""


class RegistrationError(TelnyxError):
    """Some registration codes failed, have no known outcome, or may predate the call.

    Attributes:
        result: The whole ledger, registered codes included.
    """

    def __init__(self, result: RegistrationResult) -> None:
        unique = len(result.registered_codes) + len(result.failed) + len(result.unknown)
        parts = [f"{len(result.failed)} failed", f"{len(result.unknown)} unknown"]
        on_retry = result.already_registered_on_retry
        if on_retry:
            parts.append(
                f"{len(on_retry)} found already registered on a retry (by this call, or before it)"
            )
        examples = [f"{f.registration_code} ({f.error.title})" for f in result.failed[:3]]
        examples += [f"{u.registration_code} ({u.reason})" for u in result.unknown[:3]]
        examples += [f"{code} (already registered on a retry)" for code in on_retry[:3]]
        super().__init__(
            f"{', '.join(parts)} of {unique} registration codes; e.g. {', '.join(examples)}"
        )
        self.result = result


class BulkActionError(TelnyxError):
    """Cards of ``enable_many``, ``disable_many`` or ``set_standby_many`` failed or are unknown.

    Attributes:
        result: The whole ledger, completed cards included.
    """

    def __init__(self, result: BulkActionResult) -> None:
        parts = [f"{len(result.failed)} failed", f"{len(result.unknown)} unknown"]
        shown = (*result.failed[:3], *result.unknown[:3])
        examples = [f"{outcome.sim_card_id} ({outcome.reason})" for outcome in shown]
        super().__init__(
            f"{result.action_type.value}: {', '.join(parts)} of {result.total} SIM cards;"
            f" e.g. {', '.join(examples)}"
        )
        self.result = result


class ActionTimeoutError(TelnyxError):
    """A SIM card action was not finished when ``sim_card_actions.wait`` ran out of time.

    The action goes on at the API; wait again, or look it up later, with its id.

    Attributes:
        action: The action as last seen: its id, and its status at the time.
        timeout: The seconds waited for.
    """

    def __init__(self, message: str, *, action: SimCardAction, timeout: float) -> None:
        super().__init__(message)
        self.action = action
        self.timeout = timeout


class APIStatusError(TelnyxError):
    """The server answered with a non-2xx status.

    Attributes:
        status: The HTTP status code.
        errors: The parsed Telnyx ``errors[]`` list (may be empty).
        request_id: The ``x-request-id`` response header, when present.
        retry_after: Seconds the server asked us to wait before trying again
            (``Retry-After`` or ``x-ratelimit-reset``), or None when it gave no hint.
        body: The raw response body.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        errors: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        retry_after: float | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = tuple(errors)
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body


class BadRequestError(APIStatusError):
    """HTTP 400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key is missing or was refused."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request was understood but its content is invalid."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests; see ``retry_after`` for how long to wait."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the server failed."""
