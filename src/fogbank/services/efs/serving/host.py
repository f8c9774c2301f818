"""The data-plane host of one gateway process: serves the mount targets of the file
systems whose lease this process holds.

One process serves all mount targets of a file system (locks, open files and change
notifications live there). Every process runs this loop: it reads the mount targets
from the store, takes the lease (``efs-fs:<fs_id>``) of file systems nobody serves,
renews its own, starts and stops listeners as mount targets come and go, keeps their
security groups current, and marks new mount targets ``available`` once they listen.
It wakes when an API call rings the ``Wake`` (at once in this process, within 0.1 s in
the others) and at least every ``interval`` seconds. A process that stops (or dies)
releases (or lets expire) its leases, and another one takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from fogbank.core.errors import AwsError
from fogbank.services.efs import keys
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.fs.filesystem import FileSystem as FsCore
from fogbank.services.efs.models import FileSystem, MountTarget
from fogbank.services.efs.rpc.locks import LockTable
from fogbank.services.efs.rpc.memory import tune_malloc, tune_threads
from fogbank.services.efs.rpc.server import MountTargetServer
from fogbank.services.efs.serving.mounts import MountGate, TargetGroups
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.services.efs.store import targets as mt_store
from fogbank.storage.leases import Lease

log = logging.getLogger("fogbank.efs.host")

LEASE_PREFIX = "efs-fs:"


@dataclass
class _Target:
    server: MountTargetServer
    groups: TargetGroups


@dataclass
class _Served:
    row: FileSystem
    core: FsCore
    lease: Lease
    gate: MountGate
    renewed: float
    locks: LockTable = field(default_factory=LockTable)
    targets: dict[str, _Target] = field(default_factory=dict)


class DataPlaneHost:
    def __init__(
        self,
        engine: EfsEngine,
        holder: str,
        *,
        interval: float = 2.0,
        lease_ttl: float = 30.0,
    ) -> None:
        self.engine = engine
        self.holder = holder
        self.interval = interval
        self.lease_ttl = lease_ttl
        self._served: dict[str, _Served] = {}
        self._task: asyncio.Task[None] | None = None
        self._tuned = False
        self.syncs = 0

    @property
    def served(self) -> set[str]:
        return set(self._served)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        for fs_id in list(self._served):
            await self._stop(fs_id, release=True)

    async def _run(self) -> None:
        while True:
            try:
                await self.sync()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("efs data-plane host: sync failed")
            await self.engine.wake.wait(self.interval)

    async def sync(self) -> None:
        targets = await self.engine.read(mt_store.every)
        by_fs: dict[str, list[MountTarget]] = {}
        for mt in targets:
            by_fs.setdefault(mt.fs_id, []).append(mt)
        rows = {
            fs.fs_id: fs for fs in await self.engine.read(lambda c: fs_store.every(c, list(by_fs)))
        }
        for fs_id in list(self._served):
            if fs_id not in by_fs or fs_id not in rows:
                await self._stop(fs_id, release=True)
        now = time.monotonic()
        for fs_id, mts in by_fs.items():
            row = rows.get(fs_id)
            if row is None:
                continue
            served = self._served.get(fs_id)
            if served is None:
                served = await self._take(row)
                if served is None:
                    continue
            elif now - served.renewed > self.lease_ttl / 3:
                if not await served.lease.acquire():
                    log.warning("efs: lost the lease of %s; another process serves it", fs_id)
                    await self._stop(fs_id, release=False)
                    continue
                served.renewed = now
            served.row = row
            await self._reconcile(served, mts)
        self.syncs += 1

    async def _take(self, row: FileSystem) -> _Served | None:
        lease = Lease(self.engine.db, LEASE_PREFIX + row.fs_id, self.holder, self.lease_ttl)
        if not await lease.acquire():
            return None
        try:
            key = None
            if row.encrypted and row.data_key_blob is not None:
                key = await keys.unwrap(
                    self.engine.kms, row.account_id, row.region, row.data_key_blob, row.fs_id
                )
            if not await self.engine.store.exists(row.fs_id):
                raise RuntimeError(f"the storage of {row.fs_id} is missing")
        except (AwsError, RuntimeError) as exc:
            log.error("efs: cannot serve %s: %s", row.fs_id, exc)
            await lease.release()
            return None
        if not self._tuned:
            tune_malloc()
            tune_threads()
            self._tuned = True
        core = self.engine.store.open(row.fs_id, key)
        await core.recover()
        gate = MountGate(self.engine, row.fs_id, row.account_id, row.region)
        served = _Served(row, core, lease, gate, time.monotonic())
        self._served[row.fs_id] = served
        log.info("efs: serving %s in this process", row.fs_id)
        return served

    async def _reconcile(self, served: _Served, mts: list[MountTarget]) -> None:
        wanted = {mt.mt_id: mt for mt in mts}
        for mt_id in [m for m in served.targets if m not in wanted]:
            gone = served.targets.pop(mt_id)
            await gone.server.stop()
            log.info("efs: mount target %s of %s stopped", mt_id, served.row.fs_id)
        for mt_id, mt in wanted.items():
            target = served.targets.get(mt_id)
            if target is not None:
                target.groups.groups = mt.security_groups
                if mt.state == "creating":
                    await self._available(mt)
                continue
            groups = TargetGroups(mt.security_groups)
            server = MountTargetServer(
                served.core,
                mt.ip_address,
                self.engine.port,
                admit=served.gate.admit_for(groups),
                authorizer=served.gate.authorize,
                access_points=served.gate.access_point,
                credentials=self.engine.credentials,
                locks=served.locks,
            )
            try:
                await server.start()
            except OSError as exc:
                log.warning(
                    "efs: mount target %s cannot listen on %s:%s yet: %s",
                    mt_id,
                    mt.ip_address,
                    self.engine.port,
                    exc,
                )
                continue
            served.targets[mt_id] = _Target(server, groups)
            log.info("efs: mount target %s listening on %s:%s", mt_id, *server.address)
            await self._available(mt)

    async def _available(self, mt: MountTarget) -> None:
        if mt.state == "creating":
            await self.engine.write(lambda c: mt_store.mark_available(c, mt.mt_id))

    async def _stop(self, fs_id: str, *, release: bool) -> None:
        served = self._served.pop(fs_id, None)
        if served is None:
            return
        for target in served.targets.values():
            with contextlib.suppress(Exception):
                await target.server.stop()
        if release:
            with contextlib.suppress(Exception):
                await served.lease.release()
        log.info("efs: stopped serving %s", fs_id)
