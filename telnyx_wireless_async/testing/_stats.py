"""Counts of what the emulator served and registered, so tests can prove nothing was lost."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ._faults import Outcome

__all__ = ["UNMATCHED_ROUTE", "EmulatorStats"]

UNMATCHED_ROUTE = "unmatched"
"""The route key of requests no route matched (they are answered 404)."""


class EmulatorStats:
    """What the emulator served, by outcome, route and status, and what it registered.

    Every request to the API counts once, when its answer is decided; a dropped connection
    counts under its ``drop_*`` outcome with no status. The test-only ``/_emulator/`` endpoints
    are not counted.

    Attributes:
        outcomes: Requests by `Outcome` value, e.g. ``stats.outcomes["drop_after"]``.
        routes: For each route, e.g. ``"GET /v2/sim_cards"``, its requests by outcome;
            requests no route matched count under ``"unmatched"``.
        statuses: Responses by HTTP status; dropped connections have none.
        registrations: For each code, how many times a card was registered with it. The
            emulator refuses a second registration, so every count is 1 unless it has a bug.
        already_registered: For each code, how many registration attempts were refused
            because it was already registered.
        invalid_codes: For each code, how many registration attempts were refused because
            it is not a valid code.
    """

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.routes: dict[str, Counter[str]] = {}
        self.statuses: Counter[int] = Counter()
        self.registrations: Counter[str] = Counter()
        self.already_registered: Counter[str] = Counter()
        self.invalid_codes: Counter[str] = Counter()

    def __repr__(self) -> str:
        return (
            f"EmulatorStats(requests={self.requests}, outcomes={dict(self.outcomes)}, "
            f"registered={len(self.registrations)})"
        )

    @property
    def requests(self) -> int:
        """Requests answered (or dropped) so far."""
        return self.outcomes.total()

    @property
    def registered_codes(self) -> frozenset[str]:
        """Every code registered so far."""
        return frozenset(self.registrations)

    @property
    def duplicated_codes(self) -> frozenset[str]:
        """Codes registered more than once; always empty, unless the emulator is wrong."""
        return frozenset(code for code, count in self.registrations.items() if count > 1)

    def record(self, route: str, outcome: Outcome, status: int | None) -> None:
        """Count one answered request.

        Args:
            route: ``"METHOD /path/template"`` or `UNMATCHED_ROUTE`.
            outcome: How it was answered.
            status: The status sent, or None when the connection was dropped.
        """
        self.outcomes[outcome.value] += 1
        self.routes.setdefault(route, Counter())[outcome.value] += 1
        if status is not None:
            self.statuses[status] += 1

    def reset(self) -> None:
        """Forget every count."""
        for counter in (
            self.outcomes,
            self.statuses,
            self.registrations,
            self.already_registered,
            self.invalid_codes,
        ):
            counter.clear()
        self.routes.clear()

    def as_json(self) -> dict[str, Any]:
        """Return the counts as a JSON-ready dict, as ``GET /_emulator/stats`` serves them."""
        return {
            "requests": self.requests,
            "outcomes": dict(sorted(self.outcomes.items())),
            "routes": {
                route: dict(sorted(counts.items())) for route, counts in sorted(self.routes.items())
            },
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "registered_count": len(self.registrations),
            "registrations": dict(self.registrations),
            "already_registered": dict(self.already_registered),
            "invalid_codes": dict(self.invalid_codes),
        }
