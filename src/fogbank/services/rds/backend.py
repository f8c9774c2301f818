"""Everything RDS's handlers work with, built once per gateway process.

The engine layer is built when the process starts serving (``start``): finding the
installed servers runs programs, so it happens off the event loop, and the handlers that
need the layer wait for it. The supervisor (engines, endpoints) runs only in the primary.
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
from fogbank.services.rds.network import Ec2, EndpointAdmitter, Network
from fogbank.services.rds.subnet_groups import SubnetGroups
from fogbank.storage.db import Database

# How long a call that starts work on an instance (create, reboot, start, modify ...)
# waits for it to settle before answering; see docs/rds.md ("Statuses and waiting").
SETTLE_SECONDS = 15.0


@dataclass(frozen=True)
class RdsSettings:
    data_dir: Path | None  # None: offline (documentation tools); nothing can be started
    addresses: AddressPool | None = None  # endpoint addresses (default 127.0.2.1 ...)
    settle_seconds: float = SETTLE_SECONDS


class RdsBackend:
    def __init__(self, db: Database, clock: Clock, ec2: Ec2, settings: RdsSettings) -> None:
        self.db = db
        self.clock = clock
        self.ec2 = ec2
        self.settings = settings
        self.network = Network(ec2)
        self.subnet_groups = SubnetGroups(db, clock, self.network)
        self._building: asyncio.Task[RdsEngineLayer] | None = None

    async def start(self, primary: bool) -> None:
        if self.settings.data_dir is None:
            return
        self._building = asyncio.get_running_loop().create_task(self._build(primary))

    async def _build(self, primary: bool) -> RdsEngineLayer:
        assert self.settings.data_dir is not None
        servers = await asyncio.to_thread(discover_servers)
        layer = build_engine_layer(
            db=self.db,
            clock=self.clock,
            data_dir=self.settings.data_dir,
            admitter=EndpointAdmitter(self.ec2),
            primary=primary,
            servers=servers,
            addresses=self.settings.addresses,
        )
        await layer.start()
        return layer

    @property
    def started(self) -> bool:
        return self._building is not None

    async def layer(self) -> RdsEngineLayer:
        if self._building is None:
            raise AwsError("InternalFailure", "RDS is not running in this process.", status=500)
        return await asyncio.shield(self._building)

    async def stop(self) -> None:
        task, self._building = self._building, None
        if task is None:
            return
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            layer = await task
            await layer.stop()
