"""Everything RDS's handlers work with, built once per gateway process.

The engine layer is built on RDS's first use, not when fogbank starts: a server that never
serves RDS runs no database program, makes no engine templates and finds no servers.
Finding the installed servers runs programs, so it happens off the event loop. The
supervisor (engines, endpoints) runs only in the primary process, which starts it at once
when instances exist (they come back after a restart), when one of its own requests needs
RDS, or when another process rings ``rds/wake.stamp`` on its first RDS request.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.core.errors import AwsError
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.assembly import RdsEngineLayer, build_engine_layer
from fogbank.services.rds.engines.catalog import discover_servers
from fogbank.services.rds.engines.doorbell import Doorbell
from fogbank.services.rds.network import Ec2, EndpointAdmitter, Network
from fogbank.services.rds.subnet_groups import SubnetGroups
from fogbank.storage.db import Conn, Database

WAKE_POLL = 0.5


def _any_instances(conn: Conn) -> bool:
    return conn.one("SELECT resource_id FROM rds_instances LIMIT 1") is not None


# How long a call that starts work on an instance (create, reboot, start, modify ...)
# waits for it to settle before answering; see docs/rds.md ("Statuses and waiting").
SETTLE_SECONDS = 15.0


@dataclass(frozen=True)
class RdsSettings:
    data_dir: Path | None  # None: offline (documentation tools); nothing can be started
    addresses: AddressPool | None = None  # endpoint addresses (default 127.0.2.1 ...)
    template_cache: Path | None = None  # engine templates shared between data dirs
    kernel_routes: str = "auto"  # "auto" | "on" | "off" (engines/netfilter.py)
    settle_seconds: float = SETTLE_SECONDS


class RdsBackend:
    def __init__(self, db: Database, clock: Clock, ec2: Ec2, settings: RdsSettings) -> None:
        self.db = db
        self.clock = clock
        self.ec2 = ec2
        self.settings = settings
        self.network = Network(ec2)
        self.subnet_groups = SubnetGroups(db, clock, self.network)
        self.primary = False
        self._serving = False
        self._wake: Doorbell | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._building: asyncio.Task[RdsEngineLayer] | None = None

    async def start(self, primary: bool) -> None:
        if self.settings.data_dir is None:
            return
        self.primary = primary
        self._serving = True
        self._wake = Doorbell(self.settings.data_dir / "rds" / "wake.stamp")
        if primary:
            rung = self._wake.stamp_time()
            self._watcher = asyncio.get_running_loop().create_task(self._watch(rung))

    async def _watch(self, rung: int) -> None:
        """Start the engines once RDS is in use (here, in another process, or before)."""
        assert self._wake is not None
        # The store is looked at again on every poll: RDS may be built here only after
        # another process first used it (services/registry.py), after it rang.
        while (
            self._building is None
            and self._wake.stamp_time() == rung
            and not await self.db.read(_any_instances)
        ):
            await asyncio.sleep(WAKE_POLL)
        await self.layer()

    async def _build(self) -> RdsEngineLayer:
        assert self.settings.data_dir is not None
        servers = await asyncio.to_thread(discover_servers)
        layer = build_engine_layer(
            db=self.db,
            clock=self.clock,
            data_dir=self.settings.data_dir,
            admitter=EndpointAdmitter(self.ec2),
            primary=self.primary,
            servers=servers,
            addresses=self.settings.addresses,
            template_cache=self.settings.template_cache,
            kernel_routes=self.settings.kernel_routes,
        )
        await layer.start()
        return layer

    @property
    def serving(self) -> bool:
        """True between ``start`` and ``stop`` in a process that serves (not offline)."""
        return self._serving

    async def layer(self) -> RdsEngineLayer:
        if not self._serving:
            raise AwsError("InternalFailure", "RDS is not running in this process.", status=500)
        if self._building is None:
            self._building = asyncio.get_running_loop().create_task(self._build())
            if not self.primary and self._wake is not None:
                self._wake.ring()  # the primary starts the supervisor
        return await asyncio.shield(self._building)

    async def stop(self) -> None:
        self._serving = False
        for task in (self._watcher, self._building):
            if task is not None and not task.done():
                task.cancel()
        if self._watcher is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watcher
        task, self._building, self._watcher = self._building, None, None
        if task is None:
            return
        with contextlib.suppress(asyncio.CancelledError, Exception):
            layer = await task
            await layer.stop()
