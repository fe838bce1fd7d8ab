"""Registering SIM cards (``/actions/register/sim_cards``): what became of each code."""

from __future__ import annotations

from enum import StrEnum

from attrs import frozen

from telnyx_wireless_async.errors import RegistrationError
from telnyx_wireless_async.models.api_errors import ErrorDetail
from telnyx_wireless_async.models.sim_cards import SimCard

__all__ = [
    "CodeValidationResult",
    "RegistrationCodeValidation",
    "RegistrationFailure",
    "RegistrationResult",
    "RegistrationStatus",
    "UnsettledCode",
]


class RegistrationStatus(StrEnum):
    """The status a SIM card is put in once registered (the API's default: enabled)."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    STANDBY = "standby"


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
        sent: False when this call certainly did not register the code: it was never
            sent (the call stopped first), or every attempt to send it was refused
            unprocessed (a 429, a 408, a refused connection, or held back unsent by the
            rate limit).
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
        """Raise one `RegistrationError` summarising the codes that make `ok` False, if any.

        Raises:
            RegistrationError: `ok` is False; its ``result`` is this ledger.
        """
        if not self.ok:
            raise RegistrationError(self)


@frozen(kw_only=True)
class RegistrationCodeValidation:
    """The API's verdict on one registration code (``validate_registration_codes``).

    Attributes:
        registration_code: The code.
        valid: Whether the code can be registered.
        invalid_detail: Why it cannot, in the API's words; None for a valid code.
        record_type: ``sim_card_registration_code_validation``.
    """

    registration_code: str | None = None
    valid: bool | None = None
    invalid_detail: str | None = None
    record_type: str | None = None


@frozen(kw_only=True)
class CodeValidationResult:
    """What became of every unique code given to ``validate_registration_codes``.

    Every unique code is in exactly one of `valid`, `invalid` or `unknown`.

    Attributes:
        valid: Codes the API called valid, in the order given.
        invalid: Codes the API called invalid, each with its verdict (``invalid_detail``).
        unknown: Codes without a verdict, each with the reason: their request failed
            after its retries, or the answer did not mention them (or gave no verdict).
        duplicates: Codes given more than once (each was sent once).
    """

    valid: tuple[str, ...] = ()
    invalid: tuple[RegistrationCodeValidation, ...] = ()
    unknown: tuple[UnsettledCode, ...] = ()
    duplicates: tuple[str, ...] = ()

    @property
    def invalid_codes(self) -> tuple[str, ...]:
        """The codes in `invalid`."""
        return tuple(v.registration_code or "" for v in self.invalid)

    @property
    def unknown_codes(self) -> tuple[str, ...]:
        """The codes in `unknown`."""
        return tuple(u.registration_code for u in self.unknown)

    @property
    def ok(self) -> bool:
        """True when every code is valid."""
        return not self.invalid and not self.unknown

    def __repr__(self) -> str:
        # Counts, not contents: a dry run of 10,000 codes would print all of them.
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("valid", "invalid", "unknown", "duplicates")
        )
        return f"<CodeValidationResult {counts}>"
