"""Validating registration codes in chunks: the generic runner, and every code accounted for.

Validation changes nothing at the API, so its POST is retried by the session's policy
like a GET. Each chunk's answer (``{"data": [{registration_code, valid,
invalid_detail}]}``) is matched to the codes sent by the code it names: a code the
answer does not mention, or gives no verdict on, is unknown, never guessed. A chunk
that fails after its retries leaves its codes unknown with that reason. A refusal that
is not transient (a 401, say) would meet every chunk alike: it stops the call, and is
raised once the chunks in flight end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telnyx_wireless_async._bulk import ProgressCallback, run_in_chunks
from telnyx_wireless_async._retry import is_retryable
from telnyx_wireless_async._serde import ModelError, structurer
from telnyx_wireless_async.errors import APIStatusError, TelnyxError
from telnyx_wireless_async.models import (
    CodeValidationResult,
    RegistrationCodeValidation,
    UnsettledCode,
)

__all__ = [
    "NOT_MENTIONED",
    "NO_VERDICT",
    "ChunkVerdicts",
    "PostChunk",
    "account_for_validations",
    "validate_in_chunks",
]

NOT_MENTIONED = "the API's answer did not mention this code"
NO_VERDICT = "the API's answer gave no verdict (valid: null) on this code"

ChunkVerdicts = tuple[list[str], list[RegistrationCodeValidation], list[UnsettledCode]]
"""One chunk's codes sorted into valid, invalid and unknown (`account_for_validations`)."""

PostChunk = Callable[[Sequence[str]], Awaitable[ChunkVerdicts]]
"""Sends one chunk of codes and sorts them by the answer, with `account_for_validations`
as the request's parse (so that an answer that cannot be read is retried)."""

_structure_validations = structurer(tuple[RegistrationCodeValidation, ...])


def account_for_validations(codes: Sequence[str], payload: Any) -> ChunkVerdicts:
    """Sort the codes of one chunk into valid, invalid and unknown, by the API's answer.

    Raises:
        ModelError: The answer is not the documented ``{"data": [...]}``.
    """
    if type(payload) is not dict or type(payload.get("data")) is not list:
        raise ModelError("$: expected an object with a data array")
    verdicts: dict[str, RegistrationCodeValidation] = {}
    for verdict in _structure_validations(payload["data"]):
        if verdict.registration_code is not None:
            verdicts.setdefault(verdict.registration_code, verdict)  # the first one counts
    valid: list[str] = []
    invalid: list[RegistrationCodeValidation] = []
    unknown: list[UnsettledCode] = []
    for code in codes:
        verdict = verdicts.get(code)
        if verdict is None:
            unknown.append(UnsettledCode(registration_code=code, reason=NOT_MENTIONED))
        elif verdict.valid is True:
            valid.append(code)
        elif verdict.valid is False:
            invalid.append(verdict)
        else:
            unknown.append(UnsettledCode(registration_code=code, reason=NO_VERDICT))
    return valid, invalid, unknown


async def validate_in_chunks(
    post: PostChunk,
    codes: Sequence[str],
    *,
    duplicates: Sequence[str],
    chunk_size: int,
    concurrency: int,
    on_progress: ProgressCallback | None,
) -> CodeValidationResult:
    """Validate `codes` (unique, checked) in chunks; return every one accounted for.

    Raises:
        APIStatusError: A chunk was refused, not transiently: no further chunk is sent.
    """
    valid: set[str] = set()
    invalid: dict[str, RegistrationCodeValidation] = {}
    unknown: dict[str, UnsettledCode] = {}

    async def run_chunk(chunk: Sequence[str]) -> Exception | None:
        try:
            chunk_valid, chunk_invalid, chunk_unknown = await post(chunk)
        except TelnyxError as error:
            reason = f"the request failed after its retries: {error}"
            unknown.update((c, UnsettledCode(registration_code=c, reason=reason)) for c in chunk)
            refused = isinstance(error, APIStatusError) and not is_retryable(error)
            return error if refused else None
        valid.update(chunk_valid)
        invalid.update((v.registration_code or "", v) for v in chunk_invalid)
        unknown.update((u.registration_code, u) for u in chunk_unknown)
        return None

    await run_in_chunks(
        codes, run_chunk, chunk_size=chunk_size, concurrency=concurrency, on_progress=on_progress
    )
    return CodeValidationResult(
        valid=tuple(c for c in codes if c in valid),
        invalid=tuple(invalid[c] for c in codes if c in invalid),
        unknown=tuple(unknown[c] for c in codes if c in unknown),
        duplicates=tuple(duplicates),
    )
