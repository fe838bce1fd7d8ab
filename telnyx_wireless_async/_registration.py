"""What bulk registration adds to the generic chunk runner: every code accounted for.

`register_in_chunks` runs `_bulk.run_in_chunks` with `register_chunk`, which sends one
chunk and turns its answer, or its failure, into registered, failed and unknown codes,
and a `RegistrationLedger` that collects them as chunks complete.

Retry policy for a register request (a POST that is not idempotent):

- 429, 408 and a refused connection prove the request was not processed, so a
  retry is safe and its answer is taken as it is.
- A timeout, a dropped or reset connection, a 5xx or an unreadable body may come
  after the server registered the codes. The request is still retried (the API
  refuses to register a code twice, so a retry cannot double-register), and in the
  answer to such a retry an "already registered" error is most likely our own lost
  success: those codes count as registered, listed apart in
  ``already_registered_on_retry``, never as failures. Once an attempt may have been
  processed, no later answer makes a code failed unless it names that code for
  another reason: a refusal of the retry as a whole (a 401, say) leaves the codes
  unknown.
- A request that fails for good leaves its codes unknown; a 4xx other than those
  above means the API refused the request: its codes fail with its error. When none
  of its errors points at a code (a bad key, a group that does not exist), every
  other request would be refused alike: no further chunk is sent, the chunks in
  flight finish, and the call raises that error.
- A redirect is not followed (the request would be replayed elsewhere, or as a
  GET): its codes are unknown, and the call stops as for a refusal.
- When a chunk gets no HTTP answer at any attempt (refused or timed out connections)
  before any chunk was answered, the API cannot be reached: the call stops likewise
  and raises that `APIConnectionError`.

What a failed attempt may have done comes from the retry layer: `call_with_retries`
records it in a `RetryOutcome` (`maybe_processed`, `answered`), which the session's
``request(..., outcome=...)`` passes down.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from telnyx_wireless_async._bulk import ProgressCallback, run_in_chunks
from telnyx_wireless_async._retry import RetryOutcome, is_retryable
from telnyx_wireless_async._serde import ModelError, structure_cards, structure_errors
from telnyx_wireless_async.errors import APIConnectionError, APIStatusError, TelnyxError
from telnyx_wireless_async.models import (
    ErrorDetail,
    RegistrationFailure,
    RegistrationResult,
    UnsettledCode,
)

__all__ = [
    "PostChunk",
    "RegistrationLedger",
    "account_for_codes",
    "all_failed",
    "all_unknown",
    "is_already_registered",
    "merge_results",
    "points_at_a_code",
    "refuses_whole_request",
    "register_chunk",
    "register_in_chunks",
    "settle_after_ambiguous_retry",
    "settle_refused_retry",
]

_POINTER = re.compile(r"/registration_codes/(\d+)")

UNSETTLED_BY_RESPONSE = (
    "the response returned fewer cards than codes it did not refuse, so which codes "
    "were registered cannot be told"
)


_PAGINATION_KEYS = frozenset({"page_number", "page_size", "total_pages", "total_results"})
"""Keys of a listing's ``meta``; the answer to a registration has no ``meta`` at all."""


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
    meta = payload.get("meta")
    if isinstance(meta, dict) and not _PAGINATION_KEYS.isdisjoint(meta):
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


PostChunk = Callable[[Sequence[str], RetryOutcome], Awaitable[RegistrationResult]]
"""Sends one chunk of codes (with retries, recording them in the `RetryOutcome`)."""


def failed_for_good(
    chunk: Sequence[str], error: TelnyxError, attempts: RetryOutcome
) -> RegistrationResult:
    """Every code of a chunk whose request failed after its retries, as unknown.

    When no attempt can have been processed (each was refused unprocessed: a 429, a
    408, a refused connection, or held back by the rate limit unsent), the codes are
    marked ``sent=False``: this call certainly did not register them.
    """
    reason = f"the request failed after its retries: {error}"
    return all_unknown(chunk, reason, sent=attempts.maybe_processed)


async def register_chunk(
    post: PostChunk, chunk: Sequence[str]
) -> tuple[RegistrationResult, TelnyxError | None]:
    """Send one chunk and account for each of its codes.

    A `TelnyxError` never escapes: it becomes failed or unknown codes.

    Returns:
        The chunk's outcome, and an error that should stop the call: the API's
        refusal of the request as a whole, or the `APIConnectionError` of a chunk
        that got no HTTP answer at any attempt.
    """
    attempts = RetryOutcome()
    try:
        result = await post(chunk, attempts)
    except APIStatusError as error:
        whole = error if refuses_whole_request(error.errors, len(chunk)) else None
        if is_retryable(error):
            return failed_for_good(chunk, error, attempts), None
        if error.status < 400:
            reason = f"the API answered with a redirect, which is not followed: {error}"
            return all_unknown(chunk, reason), whole
        if attempts.maybe_processed:
            # An earlier attempt may have registered the codes: this refusal cannot make
            # them failures, unless it names a code for another reason.
            return settle_refused_retry(chunk, error), whole
        fallback = ErrorDetail(code=str(error.status), title=str(error))
        return all_failed(chunk, error.errors, fallback), whole
    except APIConnectionError as error:
        return failed_for_good(chunk, error, attempts), None if attempts.answered else error
    except TelnyxError as error:
        return failed_for_good(chunk, error, attempts), None
    return (settle_after_ambiguous_retry(result) if attempts.maybe_processed else result), None


class RegistrationLedger:
    """Collects each chunk's outcome as it completes.

    Pass one to ``register(..., ledger=...)`` to keep what finished if the call is
    cancelled or stops on an error: `result` then reports the chunks that completed,
    the codes in flight as unknown, and the codes never sent as unknown with
    ``sent=False``.

    To persist outcomes as they happen (as the command line's resumable ledger file
    does), subclass it and extend `mark_sent`, called just before a chunk is sent,
    and `record`, called as soon as its outcome is known. An exception raised from
    either stops the whole call.
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}  # unique code -> its place in the codes given
        self._duplicates: list[str] = []
        self._done: list[RegistrationResult] = []
        self._settled: set[str] = set()
        self._sent: set[str] = set()

    def __repr__(self) -> str:
        return f"<RegistrationLedger {self.done} of {self.total} codes done>"

    @property
    def total(self) -> int:
        """How many unique codes the call was given."""
        return len(self._codes)

    @property
    def done(self) -> int:
        """How many codes have a recorded outcome."""
        return len(self._settled)

    def start(self, codes: Mapping[str, int], duplicates: Sequence[str]) -> None:
        """Begin a call with these unique codes, each mapped to its place in the codes given."""
        if self._codes:
            raise RuntimeError("a RegistrationLedger records one register call only")
        self._codes = dict(codes)
        self._duplicates = list(duplicates)

    def mark_sent(self, chunk: Sequence[str]) -> None:
        """Note that `chunk` is about to be sent."""
        self._sent.update(chunk)

    def record(self, chunk: Sequence[str], outcome: RegistrationResult) -> None:
        """Record the outcome of `chunk`."""
        if outcome.failed:
            place = self._codes.get
            failed = tuple(
                attrs.evolve(f, index=place(f.registration_code)) for f in outcome.failed
            )
            outcome = attrs.evolve(outcome, failed=failed)
        self._done.append(outcome)
        self._settled.update(chunk)

    def result(self) -> RegistrationResult:
        """Return the ledger so far; codes without an outcome yet are reported as unknown."""
        in_flight = [c for c in self._codes if c in self._sent and c not in self._settled]
        unsent = [c for c in self._codes if c not in self._sent]
        return merge_results(
            [
                *self._done,
                all_unknown(in_flight, "the call stopped while this code was in flight"),
                all_unknown(unsent, "the call stopped before this code was sent", sent=False),
            ],
            duplicates=self._duplicates,
        )


async def register_in_chunks(
    post: PostChunk,
    codes: Mapping[str, int],
    *,
    duplicates: Sequence[str],
    chunk_size: int,
    concurrency: int,
    on_progress: ProgressCallback | None,
    ledger: RegistrationLedger,
) -> RegistrationResult:
    """Register `codes` in chunks, with at most `concurrency` requests in flight.

    Cancelling the call cancels the chunks in flight and waits for them; `ledger`
    keeps what completed.

    Raises:
        APIStatusError: The API refused a request as a whole; no further chunk was
            sent, and `ledger` holds the outcome of every chunk that was.
        APIConnectionError: No request got an HTTP answer before a chunk failed for
            good on connection errors alone (refused, timed out): the API cannot be
            reached, so no further chunk was sent.
    """
    ledger.start(codes, duplicates)
    answered = False  # some chunk got an HTTP answer: the API can be reached

    async def run_chunk(chunk: Sequence[str]) -> TelnyxError | None:
        nonlocal answered
        ledger.mark_sent(chunk)
        outcome, error = await register_chunk(post, chunk)
        ledger.record(chunk, outcome)
        if isinstance(error, APIConnectionError):
            # Unreachable at every attempt: stop, unless other chunks got through.
            return None if answered else error
        answered = True
        return error

    await run_in_chunks(
        list(codes),
        run_chunk,
        chunk_size=chunk_size,
        concurrency=concurrency,
        on_progress=on_progress,
    )
    return ledger.result()
