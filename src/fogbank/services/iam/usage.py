"""When credentials were last used: noted per request in memory, written in batches.

``GetAccessKeyLastUsed`` and ``GetRole``'s ``RoleLastUsed`` read what was written. Writing
on every request would cost a transaction per request, so each process keeps the latest
use per key and role and flushes them together about once a second (and at shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.iam.store import keys as key_store
from fogbank.storage.db import Conn, Database

log = logging.getLogger("fogbank.iam")


class UsageRecorder:
    def __init__(self, db: Database, interval: float = 1.0) -> None:
        self._db = db
        self._interval = interval
        self._keys: dict[str, tuple[float, str, str]] = {}
        self._roles: dict[tuple[str, str], tuple[float, str]] = {}
        self._task: asyncio.Task[None] | None = None

    def note(self, principal: Principal, service: str, region: str, when: float) -> None:
        key_id = principal.access_key_id
        if key_id is None:
            return
        if principal.kind is PrincipalKind.ASSUMED_ROLE:
            issuer = principal.session.issuer if principal.session else None
            if issuer is not None:
                self._roles[(issuer.account_id, issuer.name.lower())] = (when, region)
            return
        if principal.session is None:
            self._keys[key_id] = (when, service, region)

    async def flush(self) -> None:
        keys, roles = self._keys, self._roles
        if not keys and not roles:
            return
        self._keys, self._roles = {}, {}

        def apply(conn: Conn) -> None:
            for key_id, (when, service, region) in keys.items():
                key_store.record_use(conn, key_id, when, service, region)
            for (account, role_key), (when, region) in roles.items():
                conn.execute(
                    "UPDATE iam_roles SET last_used_at = ?, last_used_region = ?"
                    " WHERE account_id = ? AND name_key = ?"
                    " AND (last_used_at IS NULL OR last_used_at <= ?)",
                    (when, region, account, role_key, when),
                )

        await self._db.write(apply)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.flush()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception:
                log.exception("cannot record credential use")
