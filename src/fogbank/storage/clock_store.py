"""The clock's state, kept in the metadata store so that every gateway process shares it.

A change is announced by moving a change stamp in the data dir; each process re-reads the
state when the stamp moved (a load from shared memory, see ``storage.stamp``; no query),
and at least once a second for gateways on other machines sharing a PostgreSQL store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fogbank.core.clock import ClockState
from fogbank.storage.db import Conn, Database
from fogbank.storage.stamp import StampView

_ROW = 1


def _load(conn: Conn) -> ClockState | None:
    row = conn.one("SELECT anchor_real, anchor_sim, scale FROM clock_state WHERE id = ?", (_ROW,))
    if row is None:
        return None
    return ClockState(float(row["anchor_real"]), float(row["anchor_sim"]), float(row["scale"]))  # type: ignore[arg-type]


def _save(conn: Conn, state: ClockState) -> None:
    updated = conn.execute(
        "UPDATE clock_state SET anchor_real = ?, anchor_sim = ?, scale = ?,"
        " generation = generation + 1 WHERE id = ?",
        (state.anchor_real, state.anchor_sim, state.scale, _ROW),
    )
    if updated.rowcount == 0:
        conn.execute(
            "INSERT INTO clock_state (id, anchor_real, anchor_sim, scale, generation)"
            " VALUES (?, ?, ?, ?, 1)",
            (_ROW, state.anchor_real, state.anchor_sim, state.scale),
        )


class StoredClockSource:
    """A ``ClockStateSource`` backed by the store, cached per process."""

    def __init__(self, db: Database, stamp: Path, refresh_seconds: float = 1.0) -> None:
        self._db = db
        self._view = StampView(stamp)
        self._refresh = refresh_seconds
        self._state: ClockState | None = None
        self._stamp_seen: int = -1
        self._loaded_at = 0.0

    def initialise(self, scale: float) -> ClockState:
        """At start-up: create the state on first run, apply a changed ``--time-scale``."""

        def init(conn: Conn) -> ClockState:
            now = time.time()
            state = _load(conn)
            if state is None:
                state = ClockState(now, now, scale)
                _save(conn, state)
            elif state.scale != scale:
                state = state.rescaled(now, scale)
                _save(conn, state)
            return state

        state = self._db.write_sync(init)
        self._announce()
        self._state = state
        return state

    def current(self) -> ClockState:
        stamp = self._view.read()
        now = time.monotonic()
        state = self._state
        if state is None or stamp != self._stamp_seen or now - self._loaded_at > self._refresh:
            loaded = self._db.read_sync(_load)
            if loaded is not None:
                self._state = state = loaded
            self._stamp_seen = stamp
            self._loaded_at = now
        assert state is not None, "clock used before initialise()"
        return state

    def advance(self, seconds: float) -> ClockState:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        return self._change(lambda s, now: s.advanced(now, seconds))

    def set_scale(self, scale: float) -> ClockState:
        if scale <= 0:
            raise ValueError("the time scale must be positive")
        return self._change(lambda s, now: s.rescaled(now, scale))

    def _change(self, how: Callable[[ClockState, float], ClockState]) -> ClockState:
        def change(conn: Conn) -> ClockState:
            state = _load(conn)
            assert state is not None
            new = how(state, time.time())
            _save(conn, new)
            return new

        new = self._db.write_sync(change)
        self._state = new
        self._announce()
        return new

    def _announce(self) -> None:
        self._view.bump()
        # Loaded again on the next look: another process may have changed the state
        # between our commit and our bump.
        self._stamp_seen = -1
