from __future__ import annotations

from datetime import timedelta

import pytest

from fogbank.core.clock import Clock, ClockState, FixedSource, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30d", 30 * 86400),
        ("2h", 7200),
        ("15m", 900),
        ("90s", 90),
        ("1h30m", 5400),
        ("1.5d", 1.5 * 86400),
        ("2w", 14 * 86400),
        ("250ms", 0.25),
        (" 3D ", 3 * 86400),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "d", "30", "30x", "-1d", "1d garbage", "abc"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_scaled_and_advanced_time() -> None:
    real = [1000.0]
    source = FixedSource(ClockState(anchor_real=1000.0, anchor_sim=5000.0, scale=60.0))
    clock = Clock(source, real=lambda: real[0])
    assert clock.time() == 5000.0
    real[0] = 1001.0
    assert clock.time() == 5060.0  # one real second is a simulated minute
    source.state = source.state.advanced(real[0], 86400)
    assert clock.time() == 5060.0 + 86400
    source.state = source.state.rescaled(real[0], 1.0)
    real[0] = 1002.0
    assert clock.time() == 5061.0 + 86400
    assert clock.now().tzinfo is not None
