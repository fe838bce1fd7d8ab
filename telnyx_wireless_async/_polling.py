"""The pauses between polls of SIM card actions, shared by `wait` and the bulk waiter.

Pauses start at ``poll_interval`` and grow by half each round up to ``max_poll_interval``;
each is drawn between half of its step and all of it, so that many waiters do not poll in
step, and never near zero.
"""

from __future__ import annotations

import random

__all__ = ["POLL_BACKOFF", "jittered", "poll_step"]

POLL_BACKOFF = 1.5
"""How much each round's step grows over the one before."""

# 1.5 ** 1,000 is about 1e176: past any max_poll_interval, and far from float overflow.
_MAX_GROWTH = 1_000


def poll_step(poll_interval: float, max_poll_interval: float, rounds: int) -> float:
    """Return the step after poll round `rounds` (1-based), capped at `max_poll_interval`.

    The exponent is bounded, so a wait of any length never overflows.
    """
    growth = POLL_BACKOFF ** min(max(rounds - 1, 0), _MAX_GROWTH)
    return min(max_poll_interval, poll_interval * growth)


def jittered(seconds: float) -> float:
    """Return a pause between half of `seconds` and all of it."""
    return random.uniform(seconds / 2, seconds)
