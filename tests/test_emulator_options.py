"""The in-process emulator refuses the options its command lines refuse."""

from __future__ import annotations

import pytest

from telnyx_wireless_async.testing import Emulator, EmulatorState


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"latency": float("nan")}, "latency"),
        ({"latency": -1}, "latency"),
        ({"latency": float("inf")}, "latency"),
        ({"max_codes_per_request": 0}, "max_codes_per_request"),
        ({"action_duration": -1}, "action_duration"),
        ({"action_failure_rate": 2}, "action_failure_rate"),
    ],
)
def test_a_bad_option_is_refused_by_name(options: dict[str, float], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        EmulatorState(**options)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=named):
        Emulator(**options)  # type: ignore[arg-type]


def test_latency_set_later_is_checked_too() -> None:
    state = EmulatorState(latency=0.25)
    assert state.latency == 0.25
    state.latency = 0
    assert state.latency == 0.0
    with pytest.raises(ValueError, match="latency must be a finite number of seconds"):
        state.latency = float("nan")
    assert state.latency == 0.0
