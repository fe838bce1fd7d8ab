"""Mutable emulator state: the inventory plus the hooks tests read and script."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from telnyx_wireless_async._validation import check_int_range, check_seconds

from ._actions import ActionStore
from ._faults import FaultDecision, FaultProfile, Outcome, draw_fault
from ._inventory import DEFAULT_TAG_POOL, Inventory
from ._ratelimit import RateLimiter
from ._stats import EmulatorStats

__all__ = ["EmulatorState", "Fault", "RecordedRequest"]


@dataclass(frozen=True, slots=True)
class Fault:
    """A scripted failure served instead of normal handling.

    Attributes:
        status: HTTP status of the fault response.
        method: Request method to match (any case); None matches every method.
        path: Request path to match, with or without the ``/v2`` base path; None matches any.
        times: How many matching requests get this fault before it is used up.
        headers: Extra response headers, e.g. ``{"Retry-After": "1"}``.
        body: JSON value to send; ``bytes`` are sent as they are (``Content-Type``
            ``application/json`` unless ``headers`` say otherwise), to simulate broken bodies;
            None sends an errors body fitting ``status``.
        drop_connection: Close the connection without any response instead.
        after_processing: Let the route process the request first (a registration made, an
            action started), then drop the connection or send this fault's answer instead of
            the real one: the answer is lost, the work is done. False answers before
            processing, so nothing happens server-side.
    """

    status: int = 500
    method: str | None = None
    path: str | None = None
    times: int = 1
    headers: Mapping[str, str] = field(default_factory=dict)
    body: object = None
    drop_connection: bool = False
    after_processing: bool = False

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError(f"times must be at least 1, got {self.times}")
        if not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {self.status}")

    def matches(self, method: str, path: str) -> bool:
        """Tell whether a request with this method and path should get the fault."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path in (self.path, "/v2" + self.path)


@dataclass(slots=True)
class RecordedRequest:
    """One request as the emulator received it.

    Attributes:
        method: HTTP method, upper case.
        path: URL path, e.g. ``/v2/sim_cards``.
        query: Query parameters as decoded ``(key, value)`` pairs, in order, repeats kept.
        headers: Request headers.
        body: Raw request body; empty when it was over the size limit and so not read.
        outcome: How it was answered, an `Outcome`; None until that is decided.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    outcome: Outcome | None = None

    def __repr__(self) -> str:
        # The Authorization header carries the API key: a failing assertion must not show it.
        headers = {
            name: "<redacted>" if name.lower() == "authorization" else value
            for name, value in self.headers.items()
        }
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r},"
            f" headers={headers!r}, body={self.body!r}, outcome={self.outcome!r})"
        )


@dataclass(slots=True)
class _QueuedFault:
    fault: Fault
    remaining: int


class EmulatorState:
    """Everything one emulated account holds, shared by the app and the tests that drive it.

    Attributes:
        api_key: The only key the emulator accepts.
        inventory: The account's SIM cards.
        latency: Seconds every request waits before it is handled.
        max_codes_per_request: Most registration codes one request may carry.
        requests: Every request received, faulted ones included, in arrival order.
        in_flight: Requests being handled right now.
        max_in_flight: Highest ``in_flight`` seen so far.
        registered_codes: Every code registered, in order.
        stats: Counts of what was served and registered.
        clock: Monotonic seconds that drive the rate-limit window and SIM card actions.
        actions: The SIM card actions started through the API.
    """

    def __init__(
        self,
        *,
        api_key: str = "test-api-key",
        inventory_size: int = 1000,
        seed: int = 0,
        tag_pool: Sequence[str] = DEFAULT_TAG_POOL,
        latency: float = 0.0,
        max_codes_per_request: int = 1000,
        fault_profile: FaultProfile | None = None,
        clock: Callable[[], float] = time.monotonic,
        action_duration: float = 2.0,
        action_failure_rate: float = 0.0,
    ) -> None:
        """Create the state of a fresh account.

        Args:
            api_key: The only key the emulator accepts.
            inventory_size: Number of synthetic cards.
            seed: Seed the synthetic cards derive from.
            tag_pool: Tags synthetic cards draw from.
            latency: Seconds every request waits before it is handled.
            max_codes_per_request: Most registration codes one request may carry.
            fault_profile: Random faults and rate limit; None injects nothing.
            clock: Monotonic seconds driving the rate-limit window and the SIM card actions;
                tests pass a fake.
            action_duration: Seconds an enable, disable or set_standby action takes.
            action_failure_rate: Fraction of those actions that fail for no reason of the
                card's, drawn reproducibly from ``seed``.

        Raises:
            TypeError, ValueError: If ``latency``, ``max_codes_per_request``,
                ``action_duration`` or ``action_failure_rate`` is out of range, as the
                command line would refuse it.
        """
        check_seconds("latency", latency, allow_zero=True)
        check_int_range("max_codes_per_request", max_codes_per_request, low=1)
        if not (isinstance(action_duration, int | float) and math.isfinite(action_duration)):
            raise ValueError(f"action_duration must be finite seconds, got {action_duration!r}")
        if action_duration < 0:
            raise ValueError(f"action_duration must be >= 0, got {action_duration!r}")
        if not (isinstance(action_failure_rate, int | float) and 0 <= action_failure_rate <= 1):
            raise ValueError(
                f"action_failure_rate must be between 0 and 1, got {action_failure_rate!r}"
            )
        self.api_key = api_key
        self.inventory = Inventory(size=inventory_size, seed=seed, tag_pool=tag_pool)
        self._latency = float(latency)
        self.max_codes_per_request = max_codes_per_request
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.registered_codes: list[str] = []
        self.stats = EmulatorStats()
        self.clock = clock
        # The lambda reads self.clock at call time, so replacing the clock takes effect.
        self.actions = ActionStore(
            self.inventory,
            clock=lambda: self.clock(),
            duration=float(action_duration),
            failure_rate=float(action_failure_rate),
            seed=seed,
        )
        self._faults: list[_QueuedFault] = []
        self._request_count = 0
        self._fault_profile = FaultProfile()
        self._random = random.Random(0)
        self._rate_limiter: RateLimiter | None = None
        self.fault_profile = fault_profile if fault_profile is not None else FaultProfile()

    def __repr__(self) -> str:
        # The key stays out of reprs so it cannot leak into logs or assertion messages.
        return (
            f"EmulatorState(api_key='***', inventory={self.inventory!r}, "
            f"latency={self.latency}, requests={len(self.requests)}, "
            f"pending_faults={len(self._faults)}, fault_profile={self._fault_profile!r})"
        )

    def settle(self) -> None:
        """Finish every SIM card action that is due by the clock; the app does it per request."""
        self.actions.settle()

    @property
    def latency(self) -> float:
        """Seconds every request waits before it is handled; finite, at least 0."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._latency = check_seconds("latency", seconds, allow_zero=True)

    @property
    def fault_profile(self) -> FaultProfile:
        """Random faults and rate limit applied to every request.

        Assigning a profile restarts its random sequence from its seed and opens a fresh
        rate-limit window, so a test that sets a profile and then sends requests always sees
        the same faults.
        """
        return self._fault_profile

    @fault_profile.setter
    def fault_profile(self, profile: FaultProfile) -> None:
        if not isinstance(profile, FaultProfile):
            raise TypeError(f"fault_profile must be a FaultProfile, not {type(profile).__name__}")
        self._fault_profile = profile
        self._random = random.Random(profile.seed)
        self._rate_limiter = (
            None
            if profile.rate_limit is None
            # The lambda reads self.clock at call time, so replacing the clock takes effect.
            else RateLimiter(
                limit=profile.rate_limit,
                window=profile.rate_limit_window,
                clock=lambda: self.clock(),
            )
        )

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The request counter of the profile's rate limit, or None when there is none."""
        return self._rate_limiter

    def draw_fault(self) -> FaultDecision:
        """Draw the fate of the next request to arrive, from the profile's random sequence."""
        return draw_fault(self._random, self._fault_profile)

    def add_fault(self, fault: Fault) -> None:
        """Queue ``fault`` for the next ``fault.times`` requests it matches."""
        self._faults.append(_QueuedFault(fault, fault.times))

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """Number of faulted responses still to be served."""
        return sum(queued.remaining for queued in self._faults)

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Use up one serving of the oldest queued fault matching the request, if any."""
        for position, queued in enumerate(self._faults):
            if queued.fault.matches(method, path):
                queued.remaining -= 1
                if queued.remaining == 0:
                    del self._faults[position]
                return queued.fault
        return None

    def next_request_id(self) -> str:
        """Return a fresh ``x-request-id``: UUID-shaped like Telnyx's, but counting up."""
        self._request_count += 1
        return f"00000000-0000-4000-8000-{self._request_count:012x}"
