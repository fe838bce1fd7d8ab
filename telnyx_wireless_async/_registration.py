"""Account for every registration code: from one register response, and across chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from telnyx_wireless_async._serde import ModelError, structure_cards, structure_errors
from telnyx_wireless_async.errors import APIStatusError
from telnyx_wireless_async.models import (
    ErrorDetail,
    RegistrationFailure,
    RegistrationResult,
    UnsettledCode,
)

__all__ = [
    "account_for_codes",
    "all_failed",
    "all_unknown",
    "is_already_registered",
    "merge_results",
    "points_at_a_code",
    "refuses_whole_request",
    "settle_after_ambiguous_retry",
    "settle_refused_retry",
]

_POINTER = re.compile(r"/registration_codes/(\d+)")

UNSETTLED_BY_RESPONSE = (
    "the response returned fewer cards than codes it did not refuse, so which codes "
    "were registered cannot be told"
)


def _code_index(error: ErrorDetail, count: int) -> int | None:
    """Return the index into the codes sent that the error's ``source.pointer`` names."""
    pointer = error.source.pointer if error.source is not None else None
    match = _POINTER.fullmatch(pointer or "")
    if match is None or int(match.group(1)) >= count:
        return None
    return int(match.group(1))


def account_for_codes(codes: Sequence[str], payload: Any) -> RegistrationResult:
    """Build the `RegistrationResult` of one register request.

    The API returns the registered cards, which do not name their codes, and one
    error per refused code, pointing at it (``/registration_codes/<index>``). So the
    codes not refused are registered only when the number of cards says they all
    were; otherwise their outcome is unknown, never guessed.

    Args:
        codes: The codes in the order they were sent.
        payload: The decoded 202 body.

    Raises:
        ModelError: The payload is not the documented ``{data, errors}`` object.
    """
    if not isinstance(payload, dict):
        raise ModelError(f"$: expected an object, got {type(payload).__name__}")
    if isinstance(payload.get("meta"), dict) and "page_number" in payload["meta"]:
        # A page of the listing (a redirect or a proxy's doing) would otherwise pass
        # for registered cards.
        raise ModelError("$.meta: a page of a listing, not the answer to a registration")
    cards = structure_cards(payload.get("data") or [])
    errors = structure_errors(payload.get("errors") or [])

    failed: dict[int, RegistrationFailure] = {}
    unattributed: list[ErrorDetail] = []
    for error in errors:
        index = _code_index(error, len(codes))
        if index is None or index in failed:
            unattributed.append(error)
        else:
            failed[index] = RegistrationFailure(registration_code=codes[index], error=error)

    rest = tuple(code for i, code in enumerate(codes) if i not in failed)
    settled = len(cards) == len(rest)
    return RegistrationResult(
        cards=cards,
        registered_codes=rest if settled else (),
        failed=tuple(failed[i] for i in sorted(failed)),
        unknown=() if settled else all_unknown(rest, UNSETTLED_BY_RESPONSE).unknown,
        unattributed_errors=tuple(unattributed),
    )


def all_failed(
    codes: Sequence[str], errors: Sequence[ErrorDetail], fallback: ErrorDetail
) -> RegistrationResult:
    """Every code refused by a request the API turned down as a whole.

    A code gets the error that points at it, if any, else the first error that
    points at no code, else `fallback`.
    """
    pointed = {
        index: error for error in errors if (index := _code_index(error, len(codes))) is not None
    }
    general = next((e for e in errors if _code_index(e, len(codes)) is None), fallback)
    return RegistrationResult(
        failed=tuple(
            RegistrationFailure(registration_code=code, error=pointed.get(i, general))
            for i, code in enumerate(codes)
        )
    )


def points_at_a_code(error: ErrorDetail, count: int) -> bool:
    """Tell whether `error` points at one of the `count` codes sent (``/registration_codes/N``)."""
    return _code_index(error, count) is not None


def refuses_whole_request(errors: Sequence[ErrorDetail], count: int) -> bool:
    """Tell whether a refusal's errors point at none of the `count` codes sent.

    Such a refusal is about the request, not its codes (a bad key, a group that does
    not exist), so every other request of the call would be refused alike.
    """
    return not any(points_at_a_code(error, count) for error in errors)


def all_unknown(codes: Iterable[str], reason: str, *, sent: bool = True) -> RegistrationResult:
    """Every code's outcome unknown, for `reason`."""
    return RegistrationResult(
        unknown=tuple(
            UnsettledCode(registration_code=code, reason=reason, sent=sent) for code in codes
        )
    )


def is_already_registered(error: ErrorDetail) -> bool:
    """Tell whether the API refused a code because it is registered already.

    Telnyx documents no error code for this, so the title and detail are read.
    """
    return "already registered" in f"{error.title} {error.detail or ''}".lower()


def settle_after_ambiguous_retry(result: RegistrationResult) -> RegistrationResult:
    """Count "already registered" failures as registered, flagged as such.

    Used on the answer to a retry of a request that may have been processed: the
    lost attempt most likely registered those codes, so they are no failures.
    """
    moved = tuple(f.registration_code for f in result.failed if is_already_registered(f.error))
    if not moved:
        return result
    return attrs.evolve(
        result,
        registered_codes=result.registered_codes + moved,
        already_registered_on_retry=result.already_registered_on_retry + moved,
        failed=tuple(f for f in result.failed if not is_already_registered(f.error)),
    )


def settle_refused_retry(codes: Sequence[str], error: APIStatusError) -> RegistrationResult:
    """Account for the codes of a request refused after an attempt that may have been processed.

    The lost attempt may have registered any of them, so the refusal decides a code
    only where an error points at it: "already registered" (most likely our lost
    success) counts as registered, flagged as such; another reason is a failure. Every
    other code is unknown.
    """
    pointed = {index: e for e in error.errors if (index := _code_index(e, len(codes))) is not None}
    reason = f"an earlier attempt may have registered it, and the retry was refused: {error}"
    registered = tuple(
        c for i, c in enumerate(codes) if i in pointed and is_already_registered(pointed[i])
    )
    return RegistrationResult(
        registered_codes=registered,
        already_registered_on_retry=registered,
        failed=tuple(
            RegistrationFailure(registration_code=c, error=pointed[i])
            for i, c in enumerate(codes)
            if i in pointed and not is_already_registered(pointed[i])
        ),
        unknown=all_unknown((c for i, c in enumerate(codes) if i not in pointed), reason).unknown,
        unattributed_errors=tuple(e for e in error.errors if _code_index(e, len(codes)) is None),
    )


def merge_results(
    results: Iterable[RegistrationResult], *, duplicates: Sequence[str] = ()
) -> RegistrationResult:
    """Combine the results of several chunks into one ledger."""
    cards: list[Any] = []
    registered: list[str] = []
    on_retry: list[str] = []
    failed: list[RegistrationFailure] = []
    unknown: list[UnsettledCode] = []
    unattributed: list[ErrorDetail] = []
    for result in results:
        cards.extend(result.cards)
        registered.extend(result.registered_codes)
        on_retry.extend(result.already_registered_on_retry)
        failed.extend(result.failed)
        unknown.extend(result.unknown)
        unattributed.extend(result.unattributed_errors)
    return RegistrationResult(
        cards=tuple(cards),
        registered_codes=tuple(registered),
        already_registered_on_retry=tuple(on_retry),
        failed=tuple(failed),
        unknown=tuple(unknown),
        duplicates=tuple(duplicates),
        unattributed_errors=tuple(unattributed),
    )
