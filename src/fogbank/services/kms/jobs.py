"""The clock-driven key job: automatic rotations and the end of deletion windows.

``run_due(now)`` asks the store only for what is due (indexes on ``rotation_due_at`` and
``deletion_at``), in batches, and handles each key in its own transaction after
re-reading it, so that running twice, concurrently with requests, or after a crash
neither repeats nor skips work. A rotation is dated when it was due, and a key whose
clock jumped past several rotation dates gets one rotation per date, as if fogbank had
been running all along.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from fogbank.services.kms.engine import Engine
from fogbank.services.kms.models import KeyState, RotationType
from fogbank.services.kms.ops.rotation import DAY, rotate
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.kms")


class KeyJob:
    name = "kms-keys"

    def __init__(self, engine: Engine, batch: int = 100) -> None:
        self._engine = engine
        self._batch = batch

    async def run_due(self, now: float) -> None:
        await self._destroy_due(now)
        await self._rotate_due(now)

    async def _destroy_due(self, now: float) -> None:
        db = self._engine.db
        while True:
            ids = await db.read(lambda c: key_store.due_deletions(c, now, self._batch))
            done = 0
            for key_id in ids:
                if await db.write(partial(self._destroy, key_id=key_id, now=now)):
                    done += 1
                    self._engine.keyring.forget(key_id)
                    log.info("kms key deleted", extra={"fields": {"key_id": key_id}})
            if done == 0:  # nothing (more) due, or nothing that can progress
                return

    def _destroy(self, conn: Conn, key_id: str, now: float) -> bool:
        key = key_store.get(conn, key_id, self._engine.partition, lock=True)
        if key is None or key.state is not KeyState.PENDING_DELETION:
            return False
        if key.deletion_at is None or key.deletion_at > now:
            return False
        key_store.destroy(conn, key_id)
        return True

    async def _rotate_due(self, now: float) -> None:
        db = self._engine.db
        while True:
            ids = await db.read(lambda c: key_store.due_rotations(c, now, self._batch))
            done = 0
            for key_id in ids:
                if await db.write(partial(self._rotate, key_id=key_id, now=now)):
                    done += 1
            if done == 0:
                return

    def _rotate(self, conn: Conn, key_id: str, now: float) -> bool:
        key = key_store.get(conn, key_id, self._engine.partition, lock=True)
        if key is None or key.state is not KeyState.ENABLED or not key.rotation_enabled:
            return False
        due, period = key.rotation_due_at, key.rotation_period_days
        if due is None or due > now or period is None:
            return False
        scheduled = replace(key, rotation_due_at=due + period * DAY)
        rotated = rotate(conn, self._engine, scheduled, due, RotationType.AUTOMATIC)
        log.info(
            "kms key rotated",
            extra={"fields": {"key_id": key_id, "version": rotated.current_version}},
        )
        return True
