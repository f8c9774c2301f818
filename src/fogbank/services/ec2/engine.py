"""The EC2 engine: the store, the clock, the change signal, and default networks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fogbank.core.clock import Clock
from fogbank.services.ec2 import defaults
from fogbank.services.ec2.changes import ChangeSignal
from fogbank.services.ec2.store import networks
from fogbank.storage.db import Conn, Database

T = TypeVar("T")


class Ec2Engine:
    """Built once per gateway process; operations and the in-process client share it."""

    def __init__(self, db: Database, clock: Clock, data_dir: Path | None) -> None:
        self.db = db
        self.clock = clock
        self.changes = ChangeSignal(None if data_dir is None else data_dir / "ec2" / "rules.stamp")
        self._ready: set[tuple[str, str]] = set()

    def now(self) -> float:
        return self.clock.time()

    async def ensure_defaults(self, account_id: str, region: str) -> None:
        """The default VPC exists from an account's first EC2 call in a region."""
        key = (account_id, region)
        if key in self._ready:
            return

        def ready(conn: Conn) -> bool:
            row = conn.one(
                "SELECT 1 AS x FROM ec2_regions_ready WHERE account_id = ? AND region = ?", key
            )
            return row is not None

        if not await self.db.read(ready):
            now = self.now()
            await self.db.write(lambda conn: defaults.ensure(conn, account_id, region, now))
        self._ready.add(key)

    async def read(self, account_id: str, region: str, fn: Callable[[Conn], T]) -> T:
        await self.ensure_defaults(account_id, region)
        return await self.db.read(fn)

    async def write(
        self, account_id: str, region: str, fn: Callable[[Conn], T], *, affects_rules: bool
    ) -> T:
        """One transaction; ``affects_rules``: announce the change to admission caches."""
        await self.ensure_defaults(account_id, region)

        def locked(conn: Conn) -> T:
            networks.lock_region(conn, account_id, region)
            return fn(conn)

        result = await self.db.write(locked)
        if affects_rules:
            await self.announce()
        return result

    async def announce(self) -> None:
        self.changes.bump_local()
        await asyncio.to_thread(self.changes.touch)
