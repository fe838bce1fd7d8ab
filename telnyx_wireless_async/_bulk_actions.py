"""Enable, disable or set standby many SIM cards: every card accounted for.

Three steps, each built to the spec alone (no error codes, no listing order, no timing):

1. `collect_cards` drains the cards given, a listing included, into a dict of ids (and a
   set of those the card objects show in the target state already) before any action
   starts. Acting while walking a filtered listing would move cards out of the filter
   and shift later ones back across the page boundaries already read; draining first
   cannot miss any. Memory is bounded by the ids, never by the cards.
2. `start_all` starts one action per card with at most `concurrency` requests in
   flight, through `_action_requests.start_action` (lost-answer recovery). A refusal
   (a 4xx) is looked into with one GET of the card: a card in the target state with no
   action running is *already* there; otherwise it failed with the API's error. A 401
   or 403 refuses every card alike: no further card is started and the call raises, as
   ``register`` does; so does a connection that never got any answer.
   An answer that is not the action asked for leaves its card unknown (an action may
   have started), and cards the API gives one action id are each unknown, saying so:
   the action cannot be told to be either's.
3. `ActionWaiter` learns the outcome of many actions per request. Each round walks
   ``sim_card_actions.list(status="in-progress", action_type=X)``: a pending action seen
   there is still running. One not seen *may* have finished (or shifted across a page
   as others finished): it is looked for in the ``failed`` and ``completed`` listings,
   stopping as soon as all are found, and the rest (``interrupted`` cannot be filtered
   on, the spec's Q3) are fetched one by one. A listing is walked only while that costs
   fewer requests than the single GETs it saves. An action's own status always
   decides, never its presence in a filtered listing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from telnyx_wireless_async._action_requests import ACTION_TARGETS
from telnyx_wireless_async._bulk import ProgressCallback, _ProgressReporter, run_in_chunks
from telnyx_wireless_async._polling import jittered, poll_step
from telnyx_wireless_async._retry import is_retryable
from telnyx_wireless_async._validation import check_uuid
from telnyx_wireless_async.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    TelnyxError,
)
from telnyx_wireless_async.models import (
    BulkActionResult,
    CardActionOutcome,
    SimCardAction,
    SimCardActionStatusValue,
    SimCardActionType,
    SimCardDetails,
)

if TYPE_CHECKING:
    from telnyx_wireless_async.resources.sim_card_actions import (
        Clock,
        SimCardActionFilters,
        SimCardActions,
        Sleep,
    )

__all__ = [
    "ACTION_TARGETS",
    "ActionWaiter",
    "BulkActionLedger",
    "CardInput",
    "collect_cards",
    "start_all",
]

logger = logging.getLogger(__name__)

CardInput = Iterable[object] | AsyncIterable[object]
"""Ids (str or UUID) or cards (anything with ``.id``), sync or async."""

LIST_PAGE_SIZE = 250
"""Actions per page when walking a listing: the API's maximum."""

Kind = Literal["completed", "started", "already", "failed", "unknown"]


def _status_of(item: object) -> str | None:
    value = getattr(getattr(item, "status", None), "value", None)
    return str(value) if value is not None else None


async def collect_cards(
    cards: object, target: str
) -> tuple[dict[str, int], list[str], dict[str, int]]:
    """Drain `cards` into unique ids, before anything is acted on.

    Returns:
        The unique ids to act on, each mapped to its place in `cards`; the ids given
        more than once; and the ids whose card object shows the `target` status
        already, each mapped to its place.

    Raises:
        TypeError, ValueError: `cards` is one string or not iterable, or an item is
            neither an id nor an object with an id (naming it and its place).
    """
    if isinstance(cards, str | bytes):
        raise TypeError(f"cards must be an iterable of ids or cards, not one string: {cards!r}")
    ids: dict[str, int] = {}
    already: dict[str, int] = {}
    duplicates: list[str] = []
    seen_twice: set[str] = set()

    def take(position: int, item: object) -> None:
        raw = item if isinstance(item, str) or not hasattr(item, "id") else item.id
        if raw is None:
            raise ValueError(f"cards[{position}] has no id: {item!r}")
        card_id = check_uuid(f"cards[{position}]", raw)
        if card_id in ids or card_id in already:
            if card_id not in seen_twice:
                seen_twice.add(card_id)
                duplicates.append(card_id)
            return
        if not isinstance(item, str) and _status_of(item) == target:
            already[card_id] = position
        else:
            ids[card_id] = position

    if isinstance(cards, AsyncIterable):
        position = 0
        async for item in cards:
            take(position, item)
            position += 1
    elif isinstance(cards, Iterable):
        for position, item in enumerate(cards):
            take(position, item)
    else:
        raise TypeError(f"cards must be an iterable of ids or cards, got {cards!r}")
    return ids, duplicates, already


class BulkActionLedger:
    """Collects each card's outcome as it becomes known.

    Pass one to ``enable_many(..., ledger=...)`` (or ``disable_many``,
    ``set_standby_many``) to keep what is known if the call is cancelled or stops on an
    error: `result` then reports cards whose action was started and not seen finished
    as unknown with their action id, cards whose request was in flight as unknown, and
    cards never sent as unknown with ``sent=False``.

    To persist outcomes as they happen, subclass it and extend `mark_sent` (called
    just before a card's request is sent), `record_started` (its action started) and
    `record` (a final outcome). An exception raised from any of them stops the call.
    """

    def __init__(self) -> None:
        self._action_type: SimCardActionType | None = None
        self._wait = True
        self._order: dict[str, int] = {}
        self._duplicates: list[str] = []
        self._sent: set[str] = set()
        self._running: dict[str, CardActionOutcome] = {}
        self._final: dict[str, tuple[Kind, CardActionOutcome]] = {}

    def __repr__(self) -> str:
        return f"<BulkActionLedger {self.done} of {self.total} cards done>"

    @property
    def total(self) -> int:
        """How many unique cards the call was given."""
        return len(self._order)

    @property
    def done(self) -> int:
        """How many cards have a final outcome (with ``wait=False``: their action started)."""
        return len(self._final) + (0 if self._wait else len(self._running))

    def start(
        self,
        action_type: SimCardActionType,
        cards: Mapping[str, int],
        duplicates: Sequence[str],
        *,
        wait: bool,
    ) -> None:
        """Begin a call on these unique cards, each mapped to its place in the cards given."""
        if self._action_type is not None:
            raise RuntimeError("a BulkActionLedger records one call only")
        self._action_type = action_type
        self._order = dict(sorted(cards.items(), key=lambda item: item[1]))
        self._duplicates = list(duplicates)
        self._wait = wait

    def mark_sent(self, sim_card_id: str) -> None:
        """Note that the request for this card is about to be sent."""
        self._sent.add(sim_card_id)

    def record_started(self, sim_card_id: str, action: SimCardAction) -> None:
        """Record the action started on this card, not finished yet."""
        self._running[sim_card_id] = _outcome_of(sim_card_id, action)

    def record(self, kind: Kind, outcome: CardActionOutcome) -> None:
        """Record a card's final outcome: completed, already, failed or unknown."""
        self._running.pop(outcome.sim_card_id, None)
        self._final[outcome.sim_card_id] = (kind, outcome)

    def running(self) -> dict[str, CardActionOutcome]:
        """Return the cards whose action started and has no final outcome yet."""
        return dict(self._running)

    def result(self) -> BulkActionResult:
        """Return the ledger so far; cards without an outcome yet are reported as unknown."""
        if self._action_type is None:
            raise RuntimeError("the ledger has not been started")
        groups: dict[Kind, list[CardActionOutcome]] = {
            "completed": [],
            "started": [],
            "already": [],
            "failed": [],
            "unknown": [],
        }
        for card_id in self._order:
            final = self._final.get(card_id)
            if final is not None:
                groups[final[0]].append(final[1])
            elif card_id in self._running:
                running = self._running[card_id]
                if self._wait:
                    reason = "the call stopped before its action was seen finished"
                    groups["unknown"].append(_with_reason(running, reason))
                else:
                    groups["started"].append(running)
            elif card_id in self._sent:
                reason = "the call stopped while its request was in flight"
                groups["unknown"].append(CardActionOutcome(sim_card_id=card_id, reason=reason))
            else:
                groups["unknown"].append(
                    CardActionOutcome(
                        sim_card_id=card_id,
                        reason="the call stopped before its request was sent",
                        sent=False,
                    )
                )
        return BulkActionResult(
            action_type=self._action_type,
            completed=tuple(groups["completed"]),
            started=tuple(groups["started"]),
            already=tuple(groups["already"]),
            failed=tuple(groups["failed"]),
            unknown=tuple(groups["unknown"]),
            duplicates=tuple(self._duplicates),
        )


def _outcome_of(sim_card_id: str, action: SimCardAction) -> CardActionOutcome:
    status = action.status
    return CardActionOutcome(
        sim_card_id=sim_card_id,
        action_id=action.id,
        status=str(status.value) if status is not None and status.value is not None else None,
        reason=status.reason if status is not None else None,
    )


def _with_reason(outcome: CardActionOutcome, reason: str) -> CardActionOutcome:
    return CardActionOutcome(
        sim_card_id=outcome.sim_card_id,
        action_id=outcome.action_id,
        status=outcome.status,
        reason=reason,
        error=outcome.error,
        sent=outcome.sent,
    )


def kind_of_finished(action: SimCardAction) -> Kind:
    """``completed`` for a completed action, ``failed`` for any other finished one."""
    completed = action.status is not None and action.status.value == (
        SimCardActionStatusValue.COMPLETED
    )
    return "completed" if completed else "failed"


StartOne = Callable[[str], Awaitable[SimCardAction]]
"""Starts the action on one card (with lost-answer recovery)."""

GetCard = Callable[[str], Awaitable[SimCardDetails]]
"""Fetches one card."""


async def start_all(
    cards: Sequence[str],
    *,
    start: StartOne,
    get_card: GetCard,
    target: str,
    concurrency: int,
    ledger: BulkActionLedger,
    progress: _ProgressReporter,
    count_started: bool,
) -> None:
    """Start the action on every card, at most `concurrency` at once; record each in `ledger`.

    Raises:
        AuthenticationError, PermissionDeniedError: The API refused a card's request as
            it would refuse any other: no further card was started.
        APIConnectionError: No request got any HTTP answer: the API cannot be reached.
    """
    answered = False
    claims = _ActionClaims(ledger, progress, count_started=count_started)

    async def run_one(chunk: Sequence[str]) -> TelnyxError | None:
        nonlocal answered
        (card_id,) = chunk
        ledger.mark_sent(card_id)
        try:
            action = await start(card_id)
        except (AuthenticationError, PermissionDeniedError) as error:
            ledger.record("failed", _refused(card_id, error))
            progress.chunk_done(1)
            return error
        except APIStatusError as error:
            answered = True
            if is_retryable(error):  # 429, 5xx after every retry
                reason = f"the request failed after its retries: {error}"
                ledger.record("unknown", CardActionOutcome(sim_card_id=card_id, reason=reason))
            else:
                kind, outcome = await _look_into_refusal(card_id, error, get_card, target)
                ledger.record(kind, outcome)
            progress.chunk_done(1)
            return None
        except APIResponseValidationError as error:
            answered = True
            reason = (
                "no answer could be read as the action asked for, after the retries,"
                f" and an action may have started: {error}"
            )
            ledger.record("unknown", CardActionOutcome(sim_card_id=card_id, reason=reason))
            progress.chunk_done(1)
            return None
        except APIConnectionError as error:
            reason = f"the request failed after its retries: {error}"
            ledger.record("unknown", CardActionOutcome(sim_card_id=card_id, reason=reason))
            progress.chunk_done(1)
            return None if answered else error
        except TelnyxError as error:
            answered = True
            reason = f"the request failed after its retries: {error}"
            ledger.record("unknown", CardActionOutcome(sim_card_id=card_id, reason=reason))
            progress.chunk_done(1)
            return None
        answered = True
        if claims.collides(card_id, action):
            return None
        if action.finished:
            ledger.record(kind_of_finished(action), _outcome_of(card_id, action))
            progress.chunk_done(1)
        else:
            ledger.record_started(card_id, action)
            if count_started:
                progress.chunk_done(1)
        return None

    await run_in_chunks(cards, run_one, chunk_size=1, concurrency=concurrency)


class _ActionClaims:
    """Which card each action id was given to: an id given to two cards is neither's.

    The waiter follows each card's action by its id, and an action belongs to one card:
    when the API gives two cards the same id, which card it is for cannot be told, so
    both are unknown, each saying why (a third card given it is unknown alike).
    """

    def __init__(
        self, ledger: BulkActionLedger, progress: _ProgressReporter, *, count_started: bool
    ) -> None:
        self._ledger = ledger
        self._progress = progress
        self._count_started = count_started
        # action id, lower case as the waiter keys it -> the first card given it, and its action
        self._first: dict[str, tuple[str, SimCardAction]] = {}
        self._shared: set[str] = set()  # ids whose first card is unknown already

    def collides(self, card_id: str, action: SimCardAction) -> bool:
        """Claim the action's id for the card; on a collision, record both cards unknown."""
        key = (action.id or "").lower()
        first = self._first.setdefault(key, (card_id, action))
        if first[0] == card_id:
            return False
        first_card, first_action = first
        reason = f"the API gave the same action id {action.id} to cards {first_card} and {card_id}"
        self._ledger.record("unknown", _with_reason(_outcome_of(card_id, action), reason))
        self._progress.chunk_done(1)
        if key not in self._shared:
            self._shared.add(key)
            self._ledger.record(
                "unknown", _with_reason(_outcome_of(first_card, first_action), reason)
            )
            # Counted done already if its action was finished, or counted as started.
            if not (first_action.finished or self._count_started):
                self._progress.chunk_done(1)
        return True


def _refused(card_id: str, error: APIStatusError) -> CardActionOutcome:
    return CardActionOutcome(
        sim_card_id=card_id,
        reason=f"the API refused: {error}",
        error=error.errors[0] if error.errors else None,
    )


async def _look_into_refusal(
    card_id: str, error: APIStatusError, get_card: GetCard, target: str
) -> tuple[Kind, CardActionOutcome]:
    """Tell a card already in the target state from a real refusal, by looking the card up.

    The spec documents no error code for "already in that state", so the card decides:
    in the target state, with no action running, it is there already.
    """
    try:
        card = await get_card(card_id)
    except TelnyxError as lookup_error:
        logger.info("could not look SIM card %s up after a refusal: %s", card_id, lookup_error)
        return "failed", _refused(card_id, error)
    if _status_of(card) == target and not card.actions_in_progress:
        return "already", CardActionOutcome(
            sim_card_id=card_id,
            status=target,
            reason=f"already {target}; the API refused: {error}",
            error=error.errors[0] if error.errors else None,
        )
    return "failed", _refused(card_id, error)


class ActionWaiter:
    """Waits for many SIM card actions of one type, learning many outcomes per request."""

    def __init__(
        self,
        actions: SimCardActions,
        action_type: SimCardActionType,
        *,
        ledger: BulkActionLedger,
        progress: _ProgressReporter,
        concurrency: int,
    ) -> None:
        self._actions = actions
        self._type = action_type
        self._ledger = ledger
        self._progress = progress
        self._concurrency = concurrency
        self._pending: dict[str, str] = {}  # action id -> card id
        self._last: dict[str, SimCardAction] = {}  # action id -> last seen, if polled

    def _observe(self, action: SimCardAction) -> bool:
        """Take what a listed or fetched action says; True when it is one of ours, running."""
        action_id = (action.id or "").lower()
        card_id = self._pending.get(action_id)
        if card_id is None:
            return False
        if action.finished:
            del self._pending[action_id]
            self._last.pop(action_id, None)
            self._ledger.record(kind_of_finished(action), _outcome_of(card_id, action))
            self._progress.chunk_done(1)
            return False
        self._last[action_id] = action
        return True

    async def _fetch_pages(
        self, filters: SimCardActionFilters, budget: int, wanted: set[str] | None
    ) -> set[str] | None:
        """Walk a listing, at most `budget` pages past the first; None if it would cost more.

        Returns the ids of our actions seen running. With `wanted`, stops as soon as
        none of those ids is still pending.
        """
        running: set[str] = set()

        def take(page_items: Sequence[SimCardAction]) -> None:
            for action in page_items:
                if self._observe(action):
                    running.add((action.id or "").lower())

        def done() -> bool:
            return wanted is not None and not any(i in self._pending for i in wanted)

        first = await self._actions.list(page_number=1, page_size=LIST_PAGE_SIZE, **filters)
        take(first.data)
        total = first.meta.total_pages
        if total - 1 > budget:
            return None
        numbers = list(range(2, total + 1))
        for start in range(0, len(numbers), self._concurrency):
            if done():
                break
            batch = numbers[start : start + self._concurrency]
            pages = await asyncio.gather(
                *(
                    self._actions.list(page_number=n, page_size=LIST_PAGE_SIZE, **filters)
                    for n in batch
                )
            )
            for page in pages:
                take(page.data)
        return running

    async def _get_each(self, action_ids: Sequence[str]) -> None:
        semaphore = asyncio.Semaphore(self._concurrency)

        async def get(action_id: str) -> None:
            async with semaphore:
                if action_id not in self._pending:
                    return
                try:
                    action = await self._actions.get(action_id)
                except (TypeError, ValueError) as error:
                    # An id from the API that `get` refuses to put in a path: nothing sent.
                    reason = f"its action id {action_id!r} cannot be looked up: {error}"
                except NotFoundError as error:
                    reason = f"its action {action_id} could not be found: {error}"
                else:
                    self._observe(action)
                    return
                card_id = self._pending.pop(action_id)
                self._ledger.record(
                    "unknown",
                    CardActionOutcome(sim_card_id=card_id, action_id=action_id, reason=reason),
                )
                self._progress.chunk_done(1)

        await asyncio.gather(*(get(action_id) for action_id in action_ids))

    async def _round(self) -> None:
        """Learn what became of the pending actions, for as few requests as it takes."""
        kind = self._type.value
        running = await self._fetch_pages(
            {"status": "in-progress", "action_type": kind},
            budget=len(self._pending),
            wanted=None,
        )
        if running is None:  # more pages than pending actions: ask each one
            await self._get_each(list(self._pending))
            return
        candidates = {a for a in self._pending if a not in running}
        for status in (SimCardActionStatusValue.FAILED, SimCardActionStatusValue.COMPLETED):
            if not candidates:
                return
            await self._fetch_pages(
                {"status": status.value, "action_type": kind},
                budget=len(candidates),
                wanted=candidates,
            )
            candidates = {a for a in candidates if a in self._pending}
        # Interrupted (no filter for it), shifted across a page, or on a long history.
        await self._get_each(sorted(candidates))

    async def wait(
        self,
        timeout: float,  # noqa: ASYNC109  # the wait's budget, with a last round at its end
        *,
        poll_interval: float,
        max_poll_interval: float,
        clock: Clock,
        sleep: Sleep,
        first_pause: float,
    ) -> None:
        """Wait for every running action in the ledger, up to `timeout` seconds.

        Actions still running at the deadline are recorded unknown, with their last status.

        Raises:
            TelnyxError: A round failed with an error other than a transient one (a 401).
        """
        # One card per action id: `start_all` leaves no two running cards sharing one.
        self._pending = {
            (outcome.action_id or "").lower(): card_id
            for card_id, outcome in self._ledger.running().items()
        }
        deadline = clock() + timeout
        rounds = 0
        pause = first_pause
        while self._pending:
            left = deadline - clock()
            final = pause >= left
            if final:
                pause = max(left, 0.0)
            if pause > 0:
                await sleep(pause)
            rounds += 1
            hint: float | None = None
            try:
                await self._round()
            except TelnyxError as error:
                if not is_retryable(error):
                    raise
                if isinstance(error, APIStatusError):
                    hint = error.retry_after
                logger.info("a round of waiting for %s actions failed: %s", self._type.value, error)
            if final or clock() >= deadline:
                break
            base = poll_step(poll_interval, max_poll_interval, rounds)
            pause = max(jittered(base), hint or 0.0)
        running = self._ledger.running()
        for action_id, card_id in list(self._pending.items()):
            last = self._last.get(action_id)
            outcome = _outcome_of(card_id, last) if last is not None else running[card_id]
            reason = f"its action was not seen finished after {timeout:g} s"
            self._ledger.record("unknown", _with_reason(outcome, reason))
            self._progress.chunk_done(1)
        self._pending.clear()


async def act_on_many(
    cards: object,
    action_type: SimCardActionType,
    *,
    start: StartOne,
    get_card: GetCard,
    actions: SimCardActions,
    concurrency: int,
    wait: bool,
    timeout: float,  # noqa: ASYNC109
    poll_interval: float,
    max_poll_interval: float,
    clock: Clock,
    sleep: Sleep,
    on_progress: ProgressCallback | None,
    ledger: BulkActionLedger,
) -> BulkActionResult:
    """Collect the cards, start every action, and (with `wait`) wait for them all."""
    target = ACTION_TARGETS[action_type]
    ids, duplicates, already = await collect_cards(cards, target)
    ledger.start(action_type, {**ids, **already}, duplicates, wait=wait)
    progress = _ProgressReporter(on_progress, len(ids) + len(already))
    for card_id in already:
        reason = f"the card given shows it {target} already"
        ledger.record(
            "already", CardActionOutcome(sim_card_id=card_id, status=target, reason=reason)
        )
    if already:
        progress.chunk_done(len(already))
    started_at = clock()
    await start_all(
        list(ids),
        start=start,
        get_card=get_card,
        target=target,
        concurrency=concurrency,
        ledger=ledger,
        progress=progress,
        count_started=not wait,
    )
    if not wait:
        return ledger.result()
    if ledger.running():
        elapsed = clock() - started_at
        # Actions started a while ago may be done: look at once; else give them a moment.
        first_pause = 0.0 if elapsed >= poll_interval else jittered(poll_interval)
        waiter = ActionWaiter(
            actions, action_type, ledger=ledger, progress=progress, concurrency=concurrency
        )
        await waiter.wait(
            timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            clock=clock,
            sleep=sleep,
            first_pause=first_pause,
        )
    return ledger.result()
