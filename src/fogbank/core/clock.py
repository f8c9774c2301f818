"""The one clock every time-based feature reads.

Simulated time runs ``scale`` times faster than real time from an anchor, and can be
jumped forward (``fogbank clock advance 30d``). The clock itself does no I/O: where its
state lives (the metadata store, shared by every gateway process) is the business of the
``ClockStateSource`` handed in.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class ClockState:
    anchor_real: float  # real epoch seconds at which this state was set
    anchor_sim: float  # simulated epoch seconds at that moment
    scale: float = 1.0

    def at(self, real: float) -> float:
        return self.anchor_sim + (real - self.anchor_real) * self.scale

    def advanced(self, real: float, seconds: float) -> ClockState:
        return ClockState(real, self.at(real) + seconds, self.scale)

    def rescaled(self, real: float, scale: float) -> ClockState:
        return ClockState(real, self.at(real), scale)


REAL_TIME = ClockState(0.0, 0.0, 1.0)


class ClockStateSource(Protocol):
    def current(self) -> ClockState: ...


class FixedSource:
    """A state source that never changes; for tests and one-shot tools."""

    def __init__(self, state: ClockState = REAL_TIME) -> None:
        self.state = state

    def current(self) -> ClockState:
        return self.state


class Clock:
    def __init__(
        self, source: ClockStateSource | None = None, real: Callable[[], float] = time.time
    ) -> None:
        self._source: ClockStateSource = source or FixedSource()
        self._real = real

    def time(self) -> float:
        """Simulated epoch seconds."""
        return self._source.current().at(self._real())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def real_time(self) -> float:
        return self._real()

    @property
    def scale(self) -> float:
        return self._source.current().scale

    def state(self) -> ClockState:
        return self._source.current()


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> timedelta:
    """``30d``, ``2h``, ``1h30m``, ``90s``, ``1.5d`` -> timedelta. Raises ValueError."""
    text = text.strip()
    pos = 0
    total = 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos and text[pos : m.start()].strip():
            raise ValueError(f"invalid duration: {text!r}")
        total += float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]
        pos = m.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(f"invalid duration: {text!r} (use e.g. 30d, 2h, 15m, 90s)")
    return timedelta(seconds=total)
