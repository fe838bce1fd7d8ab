"""Bulk registration: chunks sent with bounded concurrency, every code accounted for.

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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

import attrs

from telnyx_wireless_async._registration import (
    all_failed,
    all_unknown,
    merge_results,
    refuses_whole_request,
    settle_after_ambiguous_retry,
    settle_refused_retry,
)
from telnyx_wireless_async._retry import RetryEvent, RetryPolicy, is_retryable
from telnyx_wireless_async.errors import APIConnectionError, APIStatusError, TelnyxError
from telnyx_wireless_async.models import ErrorDetail, RegistrationResult

__all__ = ["ProgressCallback", "RegistrationLedger", "may_have_been_processed", "register_chunk"]

logger = logging.getLogger(__name__)

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
) -> tuple[RegistrationResult, TelnyxError | None]:
    """Send one chunk under `policy` and account for each of its codes.

    A `TelnyxError` never escapes: it becomes failed or unknown codes.

    Returns:
        The chunk's outcome, and an error that should stop the call: the API's
        refusal of the request as a whole, or the `APIConnectionError` of a chunk
        that got no HTTP answer at any attempt.
    """
    ambiguous = False  # some attempt may have been processed
    answered = False  # some attempt got an HTTP answer

    def note(event: RetryEvent) -> None:
        nonlocal ambiguous, answered
        ambiguous = ambiguous or may_have_been_processed(event.error)
        answered = answered or not isinstance(event.error, APIConnectionError)
        if policy.on_retry is not None:
            policy.on_retry(event)

    try:
        result = await post(chunk, attrs.evolve(policy, on_retry=note))
    except APIStatusError as error:
        whole = error if refuses_whole_request(error.errors, len(chunk)) else None
        if is_retryable(error):
            return all_unknown(chunk, f"the request failed after its retries: {error}"), None
        if error.status < 400:
            reason = f"the API answered with a redirect, which is not followed: {error}"
            return all_unknown(chunk, reason), whole
        if ambiguous:
            # An earlier attempt may have registered the codes: this refusal cannot make
            # them failures, unless it names a code for another reason.
            return settle_refused_retry(chunk, error), whole
        fallback = ErrorDetail(code=str(error.status), title=str(error))
        return all_failed(chunk, error.errors, fallback), whole
    except APIConnectionError as error:
        unknown = all_unknown(chunk, f"the request failed after its retries: {error}")
        return unknown, None if answered else error
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
        APIConnectionError: No request got an HTTP answer before a chunk failed for
            good on connection errors alone (refused, timed out): the API cannot be
            reached, so no further chunk was sent.
    """
    ledger.start(codes, duplicates)
    unique = list(codes)
    chunks = iter([unique[i : i + chunk_size] for i in range(0, len(unique), chunk_size)])
    stop: TelnyxError | None = None
    answered = False  # some chunk got an HTTP answer: the API can be reached
    progress_failures = 0

    async def worker() -> None:
        nonlocal stop, answered
        # Workers share one iterator: taking the next chunk never awaits, so no two
        # workers can take the same one.
        for chunk in chunks:
            if stop is not None:
                return
            ledger.mark_sent(chunk)
            outcome, error = await register_chunk(post, chunk, policy)
            ledger.record(chunk, outcome)
            if isinstance(error, APIConnectionError):
                # Unreachable at every attempt: stop, unless other chunks got through.
                error = None if answered else error
            else:
                answered = True
            stop = stop or error
            if on_progress is not None:
                try:
                    on_progress(ledger.done, ledger.total)
                except Exception as exc:
                    progress_failed(exc)

    def progress_failed(exc: Exception) -> None:
        nonlocal progress_failures
        progress_failures += 1
        if progress_failures == 1:
            logger.warning(
                "on_progress raised; the registration goes on, and further errors of it"
                " are logged without their traceback",
                exc_info=exc,
            )
        else:
            logger.debug("on_progress raised again: %r", exc)

    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    if stop is not None:
        raise stop
    return ledger.result()
