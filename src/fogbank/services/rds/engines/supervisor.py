"""The supervisor: makes every instance's engine match its row in the store.

It runs in the one gateway process that owns long-running children (``primary``). API
calls, from any process, write what they want into the instance row (``desired``, a new
``intent_seq``, a ``reboot_seq`` ...) and ring the ``intents`` doorbell; the supervisor
acts (``actions.Actions``), records statuses and events, sets ``applied_seq`` and rings
``progress``. At start it brings back every instance whose ``desired`` is ``running``;
when an engine exits unasked it is restarted (with a back-off, then ``failed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fogbank.services.rds import store
from fogbank.services.rds.engines import base
from fogbank.services.rds.engines.actions import Actions
from fogbank.services.rds.engines.doorbell import Doorbell
from fogbank.services.rds.engines.runtime import InstanceRuntime, describe_exit
from fogbank.services.rds.models import Desired, Status
from fogbank.services.rds.store import Record
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.rds")

MAX_CRASHES = 5  # in five minutes; then the instance is marked failed
USAGE_INTERVAL = 30.0


class Supervisor:
    def __init__(
        self, actions: Actions, intents: Doorbell, progress: Doorbell, poll: float = 2.0
    ) -> None:
        self.actions = actions
        self.intents = intents
        self.progress = progress
        self.poll = poll
        self._tasks: list[asyncio.Task[None]] = []
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()

    @property
    def runtimes(self) -> dict[str, InstanceRuntime]:
        return self.actions.runtimes

    def engine_pid(self, resource_id: str) -> int | None:
        rt = self.runtimes.get(resource_id)
        return None if rt is None else rt.pid

    async def start(self) -> None:
        """Bring back the instances that should run; then watch for requests."""
        root = self.actions.paths.instances
        # fogbank's own (the engine user may only pass through); each instance's
        # directory below belongs to the engine user.
        base.make_dir(root.parent, None, mode=0o711)
        base.make_dir(root, None, mode=0o711)
        base.ensure_reachable(root, self.actions.run_as)
        # No engine runs yet: say so until each is back (the rows said "available").
        await self.actions.db.write(_mark_restarting)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._warm_templates()),
            loop.create_task(self._loop()),
            loop.create_task(self._usage_loop()),
        ]

    async def stop(self) -> None:
        """Stop every engine cleanly (their rows keep saying how to bring them back)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        busy = list(self._busy.values())
        for task in busy:
            task.cancel()
        for task in busy:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.gather(*(rt.stop() for rt in self.runtimes.values()))
        await self.actions.front.close()

    async def _warm_templates(self) -> None:
        for key in self.actions.engines:
            try:
                await self.actions.templates.ensure(key)
            except Exception:
                log.exception("could not prepare the template of %s", key)

    async def _loop(self) -> None:
        while True:
            try:
                await self.reconcile_all()
            except Exception:
                log.exception("reconciling RDS instances failed")
            await self.intents.wait(self.poll)

    async def reconcile_all(self) -> None:
        records = await self.actions.db.read(lambda c: store.list_instances(c))
        present = {r.resource_id for r in records}
        for rec in records:
            rt = self.runtimes.get(rec.resource_id)
            wanted = rec.instance.desired
            if (
                rec.applied_seq < rec.intent_seq
                or rt is None
                or (wanted == Desired.STOPPED and rt.running)
            ):
                self._schedule(rec.resource_id)
        for rid in list(self.runtimes):
            if rid not in present and rid not in self._busy:
                rt = self.runtimes.pop(rid)
                await rt.stop()
                await self.actions.front.remove(rid)

    def _schedule(self, rid: str) -> None:
        if rid in self._busy:
            self._again.add(rid)
            return
        self._busy[rid] = asyncio.get_running_loop().create_task(self._reconcile(rid))

    async def _reconcile(self, rid: str) -> None:
        try:
            while True:
                self._again.discard(rid)
                await self._reconcile_once(rid)
                if rid not in self._again:
                    break
        finally:
            self._busy.pop(rid, None)
            self.progress.ring()

    async def _reconcile_once(self, rid: str) -> None:
        db = self.actions.db
        rec = await db.read(lambda c: store.get(c, rid))
        if rec is None:
            return
        rt = self.actions.runtime(rec)
        async with rt.lock:
            rec = await db.read(lambda c: store.get(c, rid))
            if rec is None:
                return
            seq = rec.intent_seq
            try:
                await self._act(rec, rt)
            except Exception as exc:
                log.exception("DB instance %s: %s", rec.instance.instance_id, exc)
                await self.actions.fail(rid, str(exc))
            await db.write(lambda c: _mark_applied(c, rid, seq))

    async def _act(self, rec: Record, rt: InstanceRuntime) -> None:
        a = self.actions
        desired = rec.instance.desired
        if desired == Desired.DELETED:
            await a.delete(rec, rt)
        elif desired == Desired.STOPPED:
            await a.stop(rec, rt)
        elif not rec.initialized:
            await a.create(rec, rt, lambda code: self._crashed(rec.resource_id, code))
        elif not rt.running:
            if rec.instance.status == Status.FAILED and rec.applied_seq >= rec.intent_seq:
                return  # given up on; a new request (reboot, start ...) tries again
            await a.boot(rec, rt, lambda code: self._crashed(rec.resource_id, code))
        elif rec.reboot_seq > rt.booted_reboot_seq:
            await a.reboot(rec, rt, lambda code: self._crashed(rec.resource_id, code))
        else:
            await a.apply_live(rec, rt)

    # -- crashes -------------------------------------------------------------------------

    def _crashed(self, rid: str, code: int | None) -> None:
        task = asyncio.get_running_loop().create_task(self._recover(rid, code))
        self._tasks.append(task)

    async def _recover(self, rid: str, code: int | None) -> None:
        a = self.actions
        rt = self.runtimes.get(rid)
        if rt is None:
            return
        async with rt.lock:
            rec = await a.db.read(lambda c: store.get(c, rid))
            if rec is None or rec.instance.desired != Desired.RUNNING or rt.running:
                return
            crashes = rt.record_crash()
            await a.event(
                rec,
                f"The database engine process {describe_exit(code)} unexpectedly;"
                " fogbank is restarting it (crash recovery).",
                ("failure", "availability"),
            )
            if crashes > MAX_CRASHES:
                await a.fail(rid, f"the engine crashed {crashes} times in five minutes")
                return
            await asyncio.sleep(min(30.0, 2.0 ** (crashes - 1) - 1.0))
            started = time.monotonic()
            try:
                await a.boot(rec, rt, lambda c: self._crashed(rid, c), recovering=True)
            except Exception as exc:
                log.exception("restarting DB instance %s failed", rec.instance.instance_id)
                await a.fail(rid, str(exc))
                return
            log.info(
                "DB instance %s recovered in %.2fs",
                rec.instance.instance_id,
                time.monotonic() - started,
            )
        self.progress.ring()

    # -- storage used ----------------------------------------------------------------------

    async def _usage_loop(self) -> None:
        while True:
            await asyncio.sleep(USAGE_INTERVAL)
            with contextlib.suppress(Exception):
                await self.refresh_usage()

    async def refresh_usage(self) -> None:
        for rid, rt in list(self.runtimes.items()):
            if rt.layout.data.is_dir():
                used = await asyncio.to_thread(base.disk_usage, rt.layout.data)

                def save(c: Conn, r: str = rid, u: int = used) -> None:
                    store.update(c, r, storage_used=u)

                await self.actions.db.write(save)


def _mark_restarting(conn: Conn) -> None:
    conn.execute(
        "UPDATE rds_instances SET status = ? WHERE desired = ? AND initialized = ?"
        " AND status IN (?, ?, ?)",
        (
            Status.REBOOTING,
            Desired.RUNNING,
            True,
            Status.AVAILABLE,
            Status.BACKING_UP,
            Status.MODIFYING,
        ),
    )


def _mark_applied(conn: Conn, rid: str, seq: int) -> None:
    conn.execute(
        "UPDATE rds_instances SET applied_seq = ? WHERE resource_id = ? AND applied_seq < ?",
        (seq, rid, seq),
    )
