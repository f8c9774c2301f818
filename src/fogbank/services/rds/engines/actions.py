"""What the supervisor does to one instance: create, boot, reboot, stop, delete, apply.

Each action records the statuses it passes through and the events AWS would publish;
it runs under the instance runtime's lock, so actions on one instance never overlap.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.core.loopback import can_bind
from fogbank.services.rds import group_store, store
from fogbank.services.rds.engines import base, params, sizing
from fogbank.services.rds.engines.base import Bootstrap, Engine, EngineError, Layout, RunAs
from fogbank.services.rds.engines.front import Front, Target
from fogbank.services.rds.engines.netfilter import twin
from fogbank.services.rds.engines.runtime import InstanceRuntime
from fogbank.services.rds.engines.templates import Templates
from fogbank.services.rds.models import Event, ParameterDef, Status
from fogbank.services.rds.store import Record
from fogbank.storage.db import Conn, Database

log = logging.getLogger("fogbank.rds")

OnCrash = Callable[[int | None], None]
EventSink = Callable[[str, str], None]


@dataclass(frozen=True)
class Paths:
    root: Path  # <data-dir>/rds

    @property
    def instances(self) -> Path:
        return self.root / "instances"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def layout(self, resource_id: str) -> Layout:
        return Layout(self.instances / resource_id)


def desired_parameters(
    conn: Conn,
    rec: Record,
    engine: Engine,
    defs: Mapping[str, ParameterDef],
    host_memory: int,
) -> tuple[dict[str, str], dict[str, str]]:
    """(values the instance should run with, apply method per group-set parameter)."""
    i = rec.instance
    group: dict[str, tuple[str, str]] = {}
    if not i.parameter_group.startswith("default."):
        group = group_store.group_values(conn, i.scope, i.parameter_group)
    variables = sizing.formula_variables(i.instance_class, i.allocated_storage, host_memory)
    values = params.desired_values(engine.system_parameters(i.engine), group, variables)
    fixed = engine.fixed_parameters()
    wanted = {n: v for n, v in values.items() if n in defs and n not in fixed}
    return wanted, {n: m for n, (_v, m) in group.items()}


class Actions:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        paths: Paths,
        engines: Mapping[str, Engine],
        templates: Templates,
        front: Front,
        run_as: RunAs | None,
        host_memory: int,
        on_event: EventSink | None = None,
        diagnostic_tcp_offset: int | None = None,
        engine_tcp: bool = False,
    ) -> None:
        self.db = db
        self.clock = clock
        self.paths = paths
        self.engines = engines
        self.templates = templates
        self.front = front
        self.run_as = run_as
        self.host_memory = host_memory
        self.on_event = on_event
        self.diagnostic_tcp_offset = diagnostic_tcp_offset
        self.engine_tcp = engine_tcp  # engines listen on TCP at their twin (kernel routes)
        self.runtimes: dict[str, InstanceRuntime] = {}

    def runtime(self, rec: Record) -> InstanceRuntime:
        rt = self.runtimes.get(rec.resource_id)
        if rt is None:
            layout = self.paths.layout(rec.resource_id)
            rt = InstanceRuntime(
                rec.resource_id, layout, self.engines[rec.instance.server], self.run_as
            )
            self.runtimes[rec.resource_id] = rt
        return rt

    # -- records, statuses, events -------------------------------------------------------

    async def event(self, rec: Record, message: str, categories: tuple[str, ...]) -> None:
        i = rec.instance
        event = Event(i.scope, i.instance_id, "db-instance", self.clock.time(), message, categories)
        await self.db.write(lambda c: store.add_event(c, event))
        log.info("DB instance %s: %s", i.instance_id, message)
        if self.on_event is not None:
            self.on_event(i.instance_id, message)

    async def status(self, rec: Record, status: str, reason: str | None = None) -> Record:
        rid = rec.resource_id
        await self.db.write(lambda c: store.update(c, rid, status=status, status_reason=reason))
        rec = store.with_status(rec, status)
        self.front.update(self._target(rec))
        return rec

    async def fail(self, rid: str, reason: str) -> None:
        rec = await self.db.read(lambda c: store.get(c, rid))
        if rec is None:
            return
        rec = await self.status(rec, Status.FAILED, reason)
        await self.event(rec, f"The DB instance has failed: {reason}", ("failure",))

    def _target(self, rec: Record) -> Target:
        i = rec.instance
        rt = self.runtimes.get(rec.resource_id)
        accepting = rt is not None and rt.accepting
        backend = rt.socket_path() if rt is not None and accepting else None
        engine_tcp = rt.layout.tcp if rt is not None and accepting else None
        return Target(
            resource_id=i.resource_id,
            instance_id=i.instance_id,
            protocol="postgres" if i.engine == "postgres" else "mysql",
            security_group_ids=i.security_group_ids,
            publicly_accessible=i.publicly_accessible,
            status=i.status,
            backend=backend,
            engine_tcp=engine_tcp,
            account_id=i.scope.account_id,
            region=i.scope.region,
        )

    async def expose(self, rec: Record) -> None:
        try:
            await self.front.expose(rec.instance.address, rec.instance.port, self._target(rec))
        except OSError as exc:
            i = rec.instance
            reason = f"cannot listen on {i.address}:{i.port}: {exc.strerror or exc}"
            rec = await self.status(rec, Status.INCOMPATIBLE_NETWORK, reason)
            await self.event(rec, f"The DB instance's endpoint is unusable: {reason}", ("failure",))
            raise EngineError(reason) from exc

    async def _engine_listener(self, rec: Record) -> tuple[str, int] | None:
        """Where the engine listens on TCP, if anywhere (besides its unix socket)."""
        i = rec.instance
        if self.diagnostic_tcp_offset is not None:
            return (i.address, i.port + self.diagnostic_tcp_offset)
        if not self.engine_tcp:
            return None
        address = twin(i.address)
        if not await asyncio.to_thread(can_bind, address, i.port):
            log.warning("%s:%s taken: the front serves all of %s", address, i.port, i.instance_id)
            return None
        return (address, i.port)

    async def _defs(self, rec: Record) -> dict[str, ParameterDef]:
        return await self.templates.ensure(rec.instance.server)

    # -- lifecycle -----------------------------------------------------------------------

    async def create(self, rec: Record, rt: InstanceRuntime, on_crash: OnCrash) -> None:
        i = rec.instance
        engine = rt.engine
        await self.expose(rec)  # clients get "not accepting (creating)" meanwhile
        template = self.templates.path(i.server)
        await self._defs(rec)
        layout = rt.layout
        await asyncio.to_thread(shutil.rmtree, layout.root, True)
        base.make_dir(layout.root, self.run_as)
        await base.copy_tree(template, layout.data, self.run_as)
        if rec.secret_change is None:
            raise EngineError("no master password was given")
        spec = Bootstrap(rec.admin_secret, i.master_username, rec.secret_change, i.db_name)
        rec = await self.boot(rec, rt, on_crash, bootstrap=spec)
        rid = rec.resource_id
        await self.db.write(lambda c: store.update(c, rid, initialized=True, secret_change=None))
        rec = await self.status(rec, Status.BACKING_UP)
        await self.event(rec, "DB instance created", ("creation",))
        used = await asyncio.to_thread(base.disk_usage, layout.data)
        await self.db.write(lambda c: store.update(c, rid, storage_used=used))
        await self.status(rec, Status.AVAILABLE)
        log.debug("engine %s serves %s", engine.server.key, i.instance_id)

    async def boot(
        self,
        rec: Record,
        rt: InstanceRuntime,
        on_crash: OnCrash,
        bootstrap: Bootstrap | None = None,
        recovering: bool = False,
    ) -> Record:
        """Start the engine with the parameters of its group; pending changes apply now."""
        rid = rec.resource_id
        rec = await self._take_pending(rec)
        i = rec.instance
        transitional: Status = {
            Status.STOPPED.value: Status.STARTING,
            Status.STARTING.value: Status.STARTING,
            Status.MODIFYING.value: Status.MODIFYING,
        }.get(i.status, Status.REBOOTING)
        if bootstrap is None:
            rec = await self.status(rec, transitional)
        await self.expose(rec)
        defs = await self._defs(rec)
        desired, _methods = await self.db.read(
            lambda c: desired_parameters(c, rec, rt.engine, defs, self.host_memory)
        )
        rt.layout = replace(rt.layout, tcp=await self._engine_listener(rec))
        engine, layout = rt.engine, rt.layout
        port = layout.tcp[1] if layout.tcp is not None else i.port
        engine.write_config(layout, port, desired, defs, bootstrap=bootstrap is not None)
        await rt.start(port, None if bootstrap is not None else rec.admin_secret, on_crash)
        if bootstrap is not None:
            await engine.bootstrap(layout, port, bootstrap)
            engine.write_config(layout, port, desired, defs, bootstrap=False)
            await engine.apply_live(layout, port, rec.admin_secret, {}, defs, desired)
        after = engine.after_start(desired, defs)
        if after:
            await engine.apply_live(layout, port, rec.admin_secret, after, defs, desired)
        rt.booted_reboot_seq = rec.reboot_seq
        group = i.parameter_group
        await self.db.write(
            lambda c: store.update(
                c,
                rid,
                applied_parameters=desired,
                booted_parameter_group=group,
                param_apply_status="in-sync",
            )
        )
        if rec.secret_change is not None and bootstrap is None:
            await self._set_password(rec, rt)
        if bootstrap is None:
            rec = await self.status(rec, Status.AVAILABLE)
            message = {
                Status.STARTING: "DB instance started",
                Status.MODIFYING: "Finished applying modification to the DB instance",
            }.get(transitional, "DB instance restarted")
            if recovering:
                message = "DB instance restarted (recovered from an engine crash)"
            await self.event(rec, message, ("availability",))
        await self.expose(rec)
        return rec

    async def _take_pending(self, rec: Record) -> Record:
        """Pending modified values (ApplyImmediately=false) take effect at a (re)boot."""
        pending = rec.instance.pending_changes
        if not pending:
            return rec
        rid = rec.resource_id
        columns: dict[str, object] = {"pending_changes": {}}
        names = {
            "DBInstanceClass": "instance_class",
            "AllocatedStorage": "allocated_storage",
            "Port": "port",
            "DBInstanceIdentifier": "instance_id",
        }
        for key, value in pending.items():
            if key in names:
                columns[names[key]] = value

        def take(conn: Conn) -> None:
            new_id = columns.get("instance_id")
            if isinstance(new_id, str) and store.get_by_name(conn, rec.instance.scope, new_id):
                log.warning("rename of %s to %s dropped: name taken", rid, new_id)
                del columns["instance_id"]  # another instance took the name meanwhile
            store.update_values(conn, rid, columns)

        await self.db.write(take)
        fresh = await self.db.read(lambda c: store.get(c, rid))
        assert fresh is not None
        return fresh

    async def reboot(self, rec: Record, rt: InstanceRuntime, on_crash: OnCrash) -> None:
        if rec.instance.status not in (Status.MODIFYING, Status.REBOOTING):
            rec = await self.status(rec, Status.REBOOTING)
        await rt.stop()
        await self.boot(rec, rt, on_crash)

    async def stop(self, rec: Record, rt: InstanceRuntime) -> None:
        if rt.running:
            rec = await self.status(rec, Status.STOPPING)
            await rt.stop()
        await self.expose(rec)
        if rec.instance.status != Status.STOPPED:
            # The event first: whoever sees "stopped" also sees since when (auto-start).
            await self.event(rec, "DB instance stopped", ("notification",))
            rec = await self.status(rec, Status.STOPPED)

    async def delete(self, rec: Record, rt: InstanceRuntime) -> None:
        if rec.instance.status != Status.DELETING:
            rec = await self.status(rec, Status.DELETING)
        await rt.stop()
        await self.front.remove(rec.resource_id)
        await asyncio.to_thread(shutil.rmtree, rt.layout.root, True)
        rid = rec.resource_id
        await self.db.write(lambda c: store.delete_instance(c, rid))
        self.runtimes.pop(rid, None)
        await self.event(rec, "DB instance deleted", ("deletion",))

    # -- changes to a running instance ---------------------------------------------------------

    async def apply_live(self, rec: Record, rt: InstanceRuntime) -> None:
        """Parameter-group changes (dynamic ones at once), passwords, statuses, endpoint."""
        defs = await self._defs(rec)
        desired, methods = await self.db.read(
            lambda c: desired_parameters(c, rec, rt.engine, defs, self.host_memory)
        )
        same_group = rec.booted_parameter_group == rec.instance.parameter_group
        plan = params.plan(rec.applied_parameters, desired, defs, methods, same_group)
        applied = dict(rec.applied_parameters)
        for name, value in plan.live.items():
            if value is None:
                applied.pop(name, None)
            else:
                applied[name] = value
        if plan.live:
            await rt.engine.apply_live(
                rt.layout, rt.port, rec.admin_secret, plan.live, defs, applied
            )
        apply_status = "pending-reboot" if plan.pending else "in-sync"
        rid = rec.resource_id
        await self.db.write(
            lambda c: store.update(
                c, rid, applied_parameters=applied, param_apply_status=apply_status
            )
        )
        if rec.secret_change is not None:
            await self._set_password(rec, rt)
        if rec.instance.status in (Status.MODIFYING, Status.REBOOTING, Status.STARTING):
            rec = await self.status(rec, Status.AVAILABLE)
        await self.expose(rec)

    async def _set_password(self, rec: Record, rt: InstanceRuntime) -> None:
        assert rec.secret_change is not None
        await rt.engine.set_master_password(
            rt.layout, rt.port, rec.admin_secret, rec.instance.master_username, rec.secret_change
        )
        rid = rec.resource_id
        await self.db.write(lambda c: store.update(c, rid, secret_change=None))
        await self.event(rec, "Reset master credentials", ("configuration change",))
