"""DB instances: the async interface the RDS API handlers call (from any gateway process).

Calls validate, write the request into the instance's row and ring the supervisor; they
return the instance as stored, in its transitional status (``creating``, ``rebooting``
...), as AWS does. ``wait_for_status`` waits for the supervisor to get somewhere.
Changes that AWS applies at once (parameter values, security groups, the master password)
are awaited until the supervisor has applied them.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from fogbank.core.clock import Clock
from fogbank.core.errors import AwsError
from fogbank.core.loopback import can_bind
from fogbank.services.rds import errors, group_store, quotas, store, tagging, validation
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.engines.base import Engine
from fogbank.services.rds.engines.catalog import DEFAULT_PORT, Catalog, Server
from fogbank.services.rds.engines.doorbell import Doorbell
from fogbank.services.rds.engines.sizing import class_size
from fogbank.services.rds.models import (
    Desired,
    Event,
    Instance,
    InstanceChanges,
    InstanceSpec,
    Scope,
    Status,
)
from fogbank.services.rds.store import Record
from fogbank.storage.db import Conn, Database

APPLY_TIMEOUT = 60.0


class RdsInstances:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        engines: Mapping[str, Engine],
        intents: Doorbell,
        progress: Doorbell,
        addresses: AddressPool | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.engines = engines
        self.intents = intents
        self.progress = progress
        self.addresses = addresses or AddressPool()

    # -- reading ---------------------------------------------------------------------------

    async def describe(self, scope: Scope, instance_id: str | None = None) -> list[Instance]:
        if instance_id is not None:
            return [await self.get(scope, instance_id)]
        records = await self.db.read(lambda c: store.list_instances(c, scope))
        return [r.instance for r in records]

    async def get(self, scope: Scope, instance_id: str) -> Instance:
        return (await self._record(scope, instance_id)).instance

    async def _record(self, scope: Scope, instance_id: str) -> Record:
        ident = instance_id.lower()
        rec = await self.db.read(lambda c: store.get_by_name(c, scope, ident))
        if rec is None:
            raise errors.instance_not_found(instance_id)
        return rec

    async def events(
        self, scope: Scope, source_id: str | None = None, since: float | None = None
    ) -> list[Event]:
        return await self.db.read(lambda c: store.list_events(c, scope, source_id, since))

    async def wait_for_status(
        self, scope: Scope, instance_id: str, statuses: Collection[str], timeout: float = 60.0
    ) -> Instance:
        """The instance once its status is one of ``statuses``; TimeoutError after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            instance = await self.get(scope, instance_id)
            if instance.status in statuses:
                return instance
            if loop.time() >= deadline:
                raise TimeoutError(f"{instance_id} is {instance.status}, not {sorted(statuses)}")
            await self.progress.wait(min(0.5, deadline - loop.time()))

    # -- lifecycle -------------------------------------------------------------------------

    async def check(self, scope: Scope, spec: InstanceSpec) -> None:
        """Every check ``create`` makes, changing nothing (for callers that must make other
        things first, and only for a request that will succeed)."""
        checked = await self._checked(scope, spec)
        await self.db.read(lambda c: _check_free(c, scope, checked.ident, checked.storage))

    async def _checked(self, scope: Scope, spec: InstanceSpec) -> _Checked:
        engine_name = spec.engine.lower()
        ident = validation.instance_identifier(spec.instance_id)
        version, family, server = self.catalog.resolve(engine_name, spec.engine_version)
        class_size(spec.instance_class)
        validation.master_username(engine_name, spec.master_username)
        validation.master_password(engine_name, spec.master_password)
        db_name = validation.db_name(engine_name, spec.db_name)
        validation.storage_type(spec.storage_type)
        storage = validation.allocated_storage(
            engine_name, spec.allocated_storage, spec.storage_type
        )
        port = validation.port(spec.port or DEFAULT_PORT[engine_name])
        group = (spec.parameter_group or f"default.{family}").lower()
        await self._check_group(scope, group, family)
        return _Checked(engine_name, ident, version, family, server, db_name, storage, port, group)

    async def create(self, scope: Scope, spec: InstanceSpec) -> Instance:
        c = await self._checked(scope, spec)
        engine_name, ident, version, family, server = (
            c.engine,
            c.ident,
            c.version,
            c.family,
            c.server,
        )
        db_name, storage, port, group = c.db_name, c.storage, c.port, c.group
        verifier = self.engines[server.key].password_verifier(spec.master_password)
        now = self.clock.time()

        def insert(conn: Conn) -> Record:
            _check_free(conn, scope, ident, storage)
            address = self.addresses.allocate(store.used_addresses(conn), port, can_bind)
            if address is None:
                raise errors.no_address_left()
            instance = Instance(
                scope=scope,
                instance_id=ident,
                resource_id=resource_id(),
                engine=engine_name,
                engine_version=version,
                family=family,
                server=server.key,
                instance_class=spec.instance_class,
                allocated_storage=storage,
                storage_type=spec.storage_type,
                master_username=spec.master_username,
                db_name=db_name,
                address=address,
                port=port,
                parameter_group=group,
                parameter_apply_status="in-sync",
                security_group_ids=tuple(spec.security_group_ids),
                publicly_accessible=spec.publicly_accessible,
                status=Status.CREATING,
                desired=Desired.RUNNING,
                created_at=now,
                storage_used=0,
                pending_changes={},
                options=spec.options,
            )
            record = Record(
                instance=instance,
                intent_seq=1,
                applied_seq=0,
                reboot_seq=0,
                initialized=False,
                applied_parameters={},
                booted_parameter_group=None,
                secret_change=verifier,
                admin_secret=secrets.token_urlsafe(24),
            )
            store.insert_instance(conn, record)
            if spec.tags:
                tagging.put(conn, scope, tagging.DB, instance.resource_id, spec.tags)
            return record

        for attempt in range(5):  # another gateway process may take the same address
            try:
                record = await self.db.write(insert)
                break
            except AwsError:
                raise
            except Exception as exc:
                if "address" not in str(exc) or attempt == 4:
                    raise
        self.intents.ring()
        return record.instance

    async def _check_group(self, scope: Scope, group: str, family: str) -> None:
        if group.startswith("default."):
            if group != f"default.{family}":
                raise errors.invalid_combination(
                    f"The parameter group {group} cannot be used with family {family}"
                )
            return
        found = await self.db.read(lambda c: group_store.get_group(c, scope, group))
        if found is None:
            raise errors.group_not_found(group)
        if found[0] != family:
            raise errors.invalid_combination(
                f"The parameter group {group} with DBParameterGroupFamily {found[0]} cannot"
                f" be used for this instance. Please use a Parameter Group with"
                f" DBParameterGroupFamily {family}"
            )

    async def _request(
        self,
        rec: Record,
        wait: bool = False,
        check: Callable[[Conn], None] | None = None,
        **values: object,
    ) -> Instance:
        rid = rec.resource_id

        def write(conn: Conn) -> None:
            if check is not None:
                check(conn)
            store.update_values(conn, rid, values, bump_intent=True)

        await self.db.write(write)
        self.intents.ring()
        if wait:
            await self.await_applied([rid])
        fresh = await self.db.read(lambda c: store.get(c, rid))
        return (fresh or rec).instance

    async def reboot(self, scope: Scope, instance_id: str) -> Instance:
        rec = await self._record(scope, instance_id)
        self._require(rec, "reboot", Status.AVAILABLE, Status.FAILED)
        return await self._request(rec, status=Status.REBOOTING, reboot_seq=rec.reboot_seq + 1)

    async def stop(self, scope: Scope, instance_id: str) -> Instance:
        rec = await self._record(scope, instance_id)
        self._require(rec, "stop", Status.AVAILABLE)
        return await self._request(rec, status=Status.STOPPING, desired=Desired.STOPPED)

    async def start(self, scope: Scope, instance_id: str) -> Instance:
        rec = await self._record(scope, instance_id)
        self._require(rec, "start", Status.STOPPED, Status.FAILED)
        return await self._request(rec, status=Status.STARTING, desired=Desired.RUNNING)

    async def delete(self, scope: Scope, instance_id: str) -> Instance:
        rec = await self._record(scope, instance_id)
        if rec.instance.status == Status.DELETING:
            raise errors.invalid_state(rec.instance.instance_id, Status.DELETING, "delete")
        return await self._request(rec, status=Status.DELETING, desired=Desired.DELETED)

    @staticmethod
    def _require(rec: Record, action: str, *allowed: str) -> None:
        if rec.instance.status not in allowed:
            raise errors.invalid_state(rec.instance.instance_id, rec.instance.status, action)

    async def modify(
        self,
        scope: Scope,
        instance_id: str,
        changes: InstanceChanges,
        apply_immediately: bool = False,
    ) -> Instance:
        rec = await self._record(scope, instance_id)
        i = rec.instance
        self._require(rec, "modify", Status.AVAILABLE, Status.STOPPED)
        values: dict[str, object] = {}
        pending = dict(i.pending_changes)
        restart = False
        if changes.security_group_ids is not None:
            values["security_groups"] = list(changes.security_group_ids)
        if changes.publicly_accessible is not None:
            values["publicly_accessible"] = changes.publicly_accessible
        if changes.options is not None:
            values["options"] = changes.options
        if changes.master_password is not None:
            validation.master_password(i.engine, changes.master_password)
            values["secret_change"] = self.engines[i.server].password_verifier(
                changes.master_password
            )
        if changes.parameter_group is not None:
            group = changes.parameter_group.lower()
            await self._check_group(scope, group, i.family)
            values["parameter_group"] = group
        if changes.port is not None and changes.port != i.port:
            values["port"] = validation.port(changes.port)  # RDS restarts at once for a port
            pending.pop("Port", None)
            restart = True
        if changes.instance_class is not None:
            class_size(changes.instance_class)
        grow = 0
        if changes.allocated_storage is not None:
            validation.allocated_storage(i.engine, changes.allocated_storage, i.storage_type)
            if changes.allocated_storage < i.allocated_storage:
                raise errors.invalid_combination(
                    f"Invalid storage size {changes.allocated_storage}: the allocated storage"
                    f" of a DB instance cannot be decreased (it is {i.allocated_storage} GiB)."
                )
            grow = changes.allocated_storage - i.allocated_storage
        new_id = None
        if changes.new_instance_id is not None:
            new_id = validation.instance_identifier(changes.new_instance_id)
            if new_id == i.instance_id:
                new_id = None
        deferred = {
            "DBInstanceClass": changes.instance_class,
            "AllocatedStorage": changes.allocated_storage,
            "DBInstanceIdentifier": new_id,
        }
        columns = {
            "DBInstanceClass": "instance_class",
            "AllocatedStorage": "allocated_storage",
            "DBInstanceIdentifier": "instance_id",
        }
        for key, value in deferred.items():
            if value is None:
                continue
            if apply_immediately:
                values[columns[key]] = value
                pending.pop(key, None)
                restart = restart or key == "DBInstanceClass"
            else:
                pending[key] = value
        values["pending_changes"] = pending
        if restart and i.status == Status.AVAILABLE:
            values["status"] = Status.MODIFYING
            values["reboot_seq"] = rec.reboot_seq + 1

        def check(conn: Conn) -> None:
            if new_id is not None and store.get_by_name(conn, scope, new_id) is not None:
                raise errors.instance_exists(new_id)
            if grow > 0:
                present = store.list_instances(conn, scope)
                quotas.check_storage(sum(r.instance.allocated_storage for r in present), grow)

        return await self._request(rec, wait=not restart, check=check, **values)

    async def await_applied(
        self, resource_ids: Collection[str], timeout: float = APPLY_TIMEOUT
    ) -> None:
        """Until the supervisor has acted on what was asked of these instances so far."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = set(resource_ids)

        def seqs(conn: Conn) -> dict[str, tuple[int, int]]:
            return {
                r.resource_id: (r.intent_seq, r.applied_seq)
                for r in store.list_instances(conn)
                if r.resource_id in wanted
            }

        targets = {rid: intent for rid, (intent, _a) in (await self.db.read(seqs)).items()}
        while targets and loop.time() < deadline:
            now = await self.db.read(seqs)
            for rid, seq in list(targets.items()):
                if rid not in now or now[rid][1] >= seq:
                    del targets[rid]
            if targets:
                await self.progress.wait(min(0.5, max(0.0, deadline - loop.time())))


@dataclass(frozen=True)
class _Checked:
    engine: str
    ident: str
    version: str
    family: str
    server: Server
    db_name: str | None
    storage: int
    port: int
    group: str


def _check_free(conn: Conn, scope: Scope, ident: str, storage: int) -> None:
    """The name is free and the account's quotas leave room for one more instance."""
    if store.get_by_name(conn, scope, ident) is not None:
        raise errors.instance_exists(ident)
    present = store.list_instances(conn, scope)
    quotas.check_instances(
        len(present), sum(r.instance.allocated_storage for r in present), storage
    )


def resource_id() -> str:
    """A DbiResourceId: ``db-`` and 26 upper-case base32 characters."""
    return "db-" + base64.b32encode(secrets.token_bytes(20)).decode("ascii")[:26]
