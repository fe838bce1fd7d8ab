"""Bulk registration: chunks sent with bounded concurrency, every code accounted for.

Retry policy for a register request (a POST that is not idempotent):

- 429, 408 and a refused connection prove the request was not processed, so a
  retry is safe and its answer is taken as it is.
- A timeout, a dropped or reset connection, a 5xx or an unreadable body may come
  after the server registered the codes. The request is still retried (the API
  refuses to register a code twice, so a retry cannot double-register), and in the
  answer to such a retry an "already registered" error is most likely our own lost
  success: those codes count as registered, listed apart in
  ``already_registered_on_retry``, never as failures.
- A request that fails for good leaves its codes unknown; a 4xx other than those
  above means the API refused the request: its codes fail with its error. When none
  of its errors points at a code (a bad key, a group that does not exist), every
  other request would be refused alike: no further chunk is sent, the chunks in
  flight finish, and the call raises that error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import attrs

from telnyx_wireless_async._registration import (
    all_failed,
    all_unknown,
    merge_results,
    refuses_whole_request,
    settle_after_ambiguous_retry,
)
from telnyx_wireless_async._retry import RetryEvent, RetryPolicy, is_retryable
from telnyx_wireless_async.errors import APIConnectionError, APIStatusError, TelnyxError
from telnyx_wireless_async.models import ErrorDetail, RegistrationResult

__all__ = ["ProgressCallback", "RegistrationLedger", "may_have_been_processed", "register_chunk"]

logger = logging.getLogger("telnyx_wireless_async")

ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(codes_done, codes_total)`` each time a chunk completes.

An exception it raises is logged, and the registration goes on: a progress display
that fails must not lose the outcome of codes the API has registered.
"""

PostChunk = Callable[[Sequence[str], RetryPolicy], Awaitable[RegistrationResult]]


def may_have_been_processed(error: TelnyxError) -> bool:
    """Tell whether the server may have acted on a request that failed with `error`."""
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIStatusError):
        # 408 and 429 say the request was not processed; other 4xx refuse it outright.
        return error.status >= 500
    return True


async def register_chunk(
    post: PostChunk, chunk: Sequence[str], policy: RetryPolicy
) -> tuple[RegistrationResult, APIStatusError | None]:
    """Send one chunk under `policy` and account for each of its codes.

    A `TelnyxError` never escapes: it becomes failed or unknown codes.

    Returns:
        The chunk's outcome, and the API's error if it refused the request as a whole.
    """
    ambiguous = False

    def note(event: RetryEvent) -> None:
        nonlocal ambiguous
        ambiguous = ambiguous or may_have_been_processed(event.error)
        if policy.on_retry is not None:
            policy.on_retry(event)

    try:
        result = await post(chunk, attrs.evolve(policy, on_retry=note))
    except APIStatusError as error:
        if is_retryable(error):
            return all_unknown(chunk, f"the request failed after its retries: {error}"), None
        fallback = ErrorDetail(code=str(error.status), title=str(error))
        whole = refuses_whole_request(error.errors, len(chunk))
        return all_failed(chunk, error.errors, fallback), error if whole else None
    except TelnyxError as error:
        return all_unknown(chunk, f"the request failed after its retries: {error}"), None
    return (settle_after_ambiguous_retry(result) if ambiguous else result), None


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
        self._codes: list[str] = []
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

    def start(self, codes: Sequence[str], duplicates: Sequence[str]) -> None:
        """Begin a call with these unique codes."""
        if self._codes:
            raise RuntimeError("a RegistrationLedger records one register call only")
        self._codes = list(codes)
        self._duplicates = list(duplicates)

    def mark_sent(self, chunk: Sequence[str]) -> None:
        """Note that `chunk` is about to be sent."""
        self._sent.update(chunk)

    def record(self, chunk: Sequence[str], outcome: RegistrationResult) -> None:
        """Record the outcome of `chunk`."""
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
    codes: Sequence[str],
    *,
    duplicates: Sequence[str],
    policy: RetryPolicy,
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
    """
    ledger.start(codes, duplicates)
    chunks = iter([codes[i : i + chunk_size] for i in range(0, len(codes), chunk_size)])
    refusal: APIStatusError | None = None

    async def worker() -> None:
        nonlocal refusal
        # Workers share one iterator: taking the next chunk never awaits, so no two
        # workers can take the same one.
        for chunk in chunks:
            if refusal is not None:
                return
            ledger.mark_sent(chunk)
            outcome, refused = await register_chunk(post, chunk, policy)
            ledger.record(chunk, outcome)
            refusal = refusal or refused
            if on_progress is not None:
                try:
                    on_progress(ledger.done, ledger.total)
                except Exception:
                    logger.exception("on_progress raised; the registration goes on")

    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if refusal is not None:
        raise refusal
    return ledger.result()
