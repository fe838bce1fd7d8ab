"""Seeded fault injection: the profile, the per-request draw, and the broken bodies it serves.

Everything here is pure: `draw_fault` takes the state's `random.Random` and a `FaultProfile`
and returns what to do to one request. The same seed and the same sequence of requests give the
same faults, because every request draws exactly ``DRAWS_PER_REQUEST`` numbers, whatever the
rates are and whatever happens to it afterwards.
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass

__all__ = [
    "DRAWS_PER_REQUEST",
    "MALFORMED_BODIES",
    "FaultDecision",
    "FaultProfile",
    "Outcome",
    "draw_fault",
    "malformed_body",
    "truncated_body",
]

DRAWS_PER_REQUEST = 5
"""Random numbers every request consumes, so one request's fate never shifts another's."""

MALFORMED_BODIES: tuple[bytes, ...] = (
    b"<html><body><h1>Service temporarily unavailable</h1></body></html>",
    b'{"data": "oops"}',
    b'[{"data": []}]',
    b'{"data": [42, "card"], "meta": "none"}',
)
"""Bodies a ``malformed`` fault sends with the success status: not JSON, or JSON that fits
neither the list nor the registration response (``data`` must be an array of objects)."""


class Outcome(enum.StrEnum):
    """How the emulator answered one request; the keys of `EmulatorStats.outcomes`."""

    OK = "ok"
    """A 2xx answer, served as it is."""
    CLIENT_ERROR = "client_error"
    """A 4xx answer from the API itself (400, 401, 404, 422), 429 excepted."""
    RATE_LIMITED = "rate_limited"
    """A 429 from the rate limit of the `FaultProfile`."""
    SERVER_ERROR = "server_error"
    """A 500 because the emulator itself failed; see its log."""
    SCRIPTED = "scripted"
    """A scripted `Fault` from the queue, whatever it was."""
    DROP_BEFORE = "drop_before"
    """Connection closed before the request was processed: nothing happened server-side."""
    ERROR_STATUS = "error_status"
    """An injected status from ``error_statuses``, before processing: nothing happened."""
    DROP_AFTER = "drop_after"
    """Connection closed after the request was processed, without a response."""
    TRUNCATED = "truncated"
    """A 2xx whose JSON body was cut partway (``Content-Length`` matches the cut body)."""
    MALFORMED = "malformed"
    """A 2xx whose body is one of `MALFORMED_BODIES`."""
    SLOW_BODY = "slow_body"
    """Headers sent at once, then the body trickled over ``slow_body_seconds``."""


_INJECTED: tuple[Outcome, ...] = (
    Outcome.DROP_BEFORE,
    Outcome.ERROR_STATUS,
    Outcome.DROP_AFTER,
    Outcome.TRUNCATED,
    Outcome.MALFORMED,
    Outcome.SLOW_BODY,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultProfile:
    """What faults to inject at random, and the request rate limit; the default injects nothing.

    The fault kinds are exclusive: each request gets at most one, so the rates of
    ``drop_before``, ``error``, ``drop_after``, ``truncated``, ``malformed`` and ``slow_body``
    are fractions of all requests and must add up to at most 1.

    The rate limit uses a fixed window that opens with the first request counted after the
    previous window ended, timed by `EmulatorState.clock`. Every request that reaches the
    server counts, whatever its answer (401, 404, an injected error, a drop after processing
    ...), except requests dropped before processing, requests answered by a scripted `Fault`,
    and the 429s themselves. While a limit is set, every answer carries ``x-ratelimit-limit``,
    ``x-ratelimit-remaining`` and ``x-ratelimit-reset`` (whole seconds until the window
    resets, rounded up, at least 1); a 429 carries no ``Retry-After``, as Telnyx documents none.

    Attributes:
        seed: Seed of the random sequence the faults are drawn from.
        latency: Seconds added to every request, on top of `EmulatorState.latency`.
        latency_jitter: Up to this many more seconds, drawn uniformly per request.
        error_rate: Fraction of requests answered with a status from ``error_statuses``
            before they are processed.
        error_statuses: Statuses those answers draw from, uniformly.
        retry_after_rate: Fraction of those answers that carry ``Retry-After``.
        retry_after: The ``Retry-After`` they carry, in whole seconds.
        drop_before_rate: Fraction of requests whose connection is closed before processing.
        drop_after_rate: Fraction of requests whose connection is closed after processing,
            with no response: a registration is done, but the client cannot know it.
        truncated_rate: Fraction of 2xx answers whose JSON body is cut partway.
        malformed_rate: Fraction of 2xx answers whose body is not the documented JSON.
        slow_body_rate: Fraction of answers whose body trickles over ``slow_body_seconds``.
        slow_body_seconds: How long a slow body takes to arrive in full.
        rate_limit: Most requests per window; None for no limit.
        rate_limit_window: Length of the fixed rate-limit window, in seconds.
    """

    seed: int = 0
    latency: float = 0.0
    latency_jitter: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    retry_after_rate: float = 0.0
    retry_after: int = 1
    drop_before_rate: float = 0.0
    drop_after_rate: float = 0.0
    truncated_rate: float = 0.0
    malformed_rate: float = 0.0
    slow_body_rate: float = 0.0
    slow_body_seconds: float = 5.0
    rate_limit: int | None = None
    rate_limit_window: float = 1.0

    def __post_init__(self) -> None:
        # Frozen, so a list given for error_statuses is turned into a tuple this way.
        object.__setattr__(self, "error_statuses", tuple(self.error_statuses))
        for name in ("latency", "latency_jitter", "slow_body_seconds"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        for name in ("retry_after_rate", *self._fault_rate_names()):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 <= value <= 1):
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        total = sum(rate for _, rate in self.fault_rates())
        if total > 1 + 1e-9:
            raise ValueError(f"the fault rates add up to {total}; at most 1 is possible")
        if not self.error_statuses or not all(
            isinstance(status, int) and 400 <= status <= 599 for status in self.error_statuses
        ):
            raise ValueError(
                f"error_statuses must be HTTP error statuses, got {self.error_statuses!r}"
            )
        if isinstance(self.retry_after, bool) or not (
            isinstance(self.retry_after, int) and self.retry_after >= 0
        ):
            raise ValueError(f"retry_after must be whole seconds >= 0, got {self.retry_after!r}")
        if self.rate_limit is not None and (
            isinstance(self.rate_limit, bool)
            or not isinstance(self.rate_limit, int)
            or self.rate_limit < 1
        ):
            raise ValueError(f"rate_limit must be None or an int >= 1, got {self.rate_limit!r}")
        window = self.rate_limit_window
        if not (isinstance(window, int | float) and math.isfinite(window) and window > 0):
            raise ValueError(f"rate_limit_window must be seconds > 0, got {window!r}")

    @staticmethod
    def _fault_rate_names() -> tuple[str, ...]:
        return (
            "drop_before_rate",
            "error_rate",
            "drop_after_rate",
            "truncated_rate",
            "malformed_rate",
            "slow_body_rate",
        )

    def fault_rates(self) -> tuple[tuple[Outcome, float], ...]:
        """Return each injected fault kind with its rate, in the order draws are mapped."""
        return tuple(
            (kind, float(getattr(self, name)))
            for kind, name in zip(_INJECTED, self._fault_rate_names(), strict=True)
        )


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What one request gets, drawn before it is handled.

    Attributes:
        kind: The injected fault (one of the fault kinds of `Outcome`), or None.
        latency: Seconds of profile latency to add, jitter included.
        status: For ``ERROR_STATUS``, the status to answer with.
        retry_after: For ``ERROR_STATUS``, the ``Retry-After`` seconds to send, or None.
        position: A number in [0, 1) picking where a body is cut or which malformed body.
    """

    kind: Outcome | None
    latency: float
    status: int
    retry_after: int | None
    position: float


def draw_fault(rng: random.Random, profile: FaultProfile) -> FaultDecision:
    """Draw the fate of one request from ``rng``, consuming exactly `DRAWS_PER_REQUEST` numbers.

    Args:
        rng: The state's random sequence, drawn in request-arrival order.
        profile: What to inject.

    Returns:
        The decision for this request.
    """
    jitter, which, status_pick, retry_pick, position = (
        rng.random() for _ in range(DRAWS_PER_REQUEST)
    )
    kind: Outcome | None = None
    threshold = 0.0
    for candidate, rate in profile.fault_rates():
        threshold += rate
        if which < threshold:
            kind = candidate
            break
    statuses = profile.error_statuses
    return FaultDecision(
        kind=kind,
        latency=profile.latency + jitter * profile.latency_jitter,
        status=statuses[min(int(status_pick * len(statuses)), len(statuses) - 1)],
        retry_after=profile.retry_after if retry_pick < profile.retry_after_rate else None,
        position=position,
    )


def truncated_body(body: bytes, position: float) -> bytes:
    """Cut ``body`` strictly inside, between 10% and 90% of its length, so it cannot parse.

    Args:
        body: A complete JSON body of at least two bytes.
        position: A number in [0, 1) choosing where in that range to cut.

    Returns:
        A non-empty proper prefix of ``body``.
    """
    cut = int(len(body) * (0.1 + 0.8 * position))
    return body[: min(max(cut, 1), len(body) - 1)]


def malformed_body(position: float) -> bytes:
    """Pick one of `MALFORMED_BODIES` with a number in [0, 1)."""
    return MALFORMED_BODIES[min(int(position * len(MALFORMED_BODIES)), len(MALFORMED_BODIES) - 1)]
