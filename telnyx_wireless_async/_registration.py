"""Account for every registration code sent, from one register response."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from telnyx_wireless_async._serde import ModelError, structure_cards, structure_errors
from telnyx_wireless_async.models import ErrorDetail, RegistrationFailure, RegistrationResult

__all__ = ["account_for_codes"]

_POINTER = re.compile(r"/registration_codes/(\d+)")


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
        unknown=() if settled else rest,
        unattributed_errors=tuple(unattributed),
    )
