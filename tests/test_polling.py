"""The pauses between polls of actions: growth, cap, jitter."""

from __future__ import annotations

import pytest

from telnyx_wireless_async._polling import jittered, poll_step


def test_the_step_grows_by_half_each_round_up_to_the_cap() -> None:
    steps = [poll_step(2.0, 30.0, rounds) for rounds in range(1, 10)]
    assert steps[:4] == [2.0, 3.0, 4.5, 6.75]
    assert steps[-1] == 30.0
    assert steps == sorted(steps)


@pytest.mark.parametrize("rounds", [1_800, 10**6, 10**12])
def test_a_wait_of_any_length_never_overflows(rounds: int) -> None:
    # 1.5 ** 1750 is past the largest float: an uncapped exponent raised OverflowError here.
    assert poll_step(2.0, 30.0, rounds) == 30.0
    assert 1e100 < poll_step(1e-9, 1e300, rounds) <= 1e300


def test_a_pause_is_drawn_between_half_the_step_and_all_of_it() -> None:
    pauses = [jittered(4.0) for _ in range(200)]
    assert all(2.0 <= pause <= 4.0 for pause in pauses)
    assert len(set(pauses)) > 1
