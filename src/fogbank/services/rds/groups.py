"""DB parameter groups: the default group of each family, custom groups, their values.

The parameters listed are the serving engine's own (read from it, see ``templates``);
``default.<family>`` groups are not stored: they are fogbank's values for the family
(``system``) on top of the engine's defaults, and cannot be changed or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.core.clock import Clock
from fogbank.services.rds import errors, group_store, quotas, store, tagging, validation
from fogbank.services.rds.engines import params
from fogbank.services.rds.engines.base import Engine
from fogbank.services.rds.engines.catalog import Catalog
from fogbank.services.rds.engines.templates import read_definitions
from fogbank.services.rds.instances import RdsInstances
from fogbank.services.rds.models import (
    Parameter,
    ParameterChange,
    ParameterDef,
    ParameterGroup,
    Scope,
    Tags,
)
from fogbank.storage.db import Conn, Database

MAX_CHANGES = 20  # per ModifyDBParameterGroup call, as on AWS
APPLY_METHODS = ("immediate", "pending-reboot")


def _engine_of_family(family: str) -> str:
    return family.rstrip("0123456789.")


class ParameterGroups:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        catalog: Catalog,
        engines: dict[str, Engine],
        instances: RdsInstances,
    ) -> None:
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.engines = engines
        self.instances = instances

    async def definitions(self, family: str) -> dict[str, ParameterDef]:
        server = self.catalog.server_for_family(family)
        defs = await read_definitions(self.db, server.key)
        if defs is None:
            raise errors.invalid_combination(
                f"The parameters of {server.description} are not known yet; try again shortly."
            )
        return defs

    def _system(self, family: str) -> dict[str, str]:
        server = self.catalog.server_for_family(family)
        return self.engines[server.key].system_parameters(_engine_of_family(family))

    def _fixed(self, family: str) -> frozenset[str]:
        return self.engines[self.catalog.server_for_family(family).key].fixed_parameters()

    # -- groups --------------------------------------------------------------------------

    async def create(
        self,
        scope: Scope,
        name: str,
        family: str,
        description: str,
        tags: Tags = (),
        copy_from: str | None = None,
    ) -> ParameterGroup:
        """A custom group; ``copy_from`` (a custom group's name) gives it that group's values."""
        name = validation.group_name(name)
        if name.startswith("default."):
            raise errors.invalid_value("Parameter group names may not start with 'default.'")
        if family not in self.catalog.families():
            raise errors.invalid_value(f"Invalid DB parameter group family: {family}")
        now = self.clock.time()

        def insert(conn: Conn) -> None:
            if group_store.get_group(conn, scope, name) is not None:
                raise errors.group_exists(name)
            if len(group_store.list_groups(conn, scope)) >= quotas.DB_PARAMETER_GROUPS:
                raise errors.quota(
                    "DBParameterGroupQuotaExceeded",
                    f"The request would exceed the quota of {quotas.DB_PARAMETER_GROUPS}"
                    " DB parameter groups for this account and region.",
                )
            group_store.insert_group(conn, scope, name, family, description, now)
            if copy_from is not None:
                group_store.copy_values(conn, scope, copy_from, name)
            if tags:
                tagging.put(conn, scope, tagging.PARAMETER_GROUP, name, tags)

        await self.db.write(insert)
        return ParameterGroup(scope, name, family, description, False)

    async def describe(self, scope: Scope, name: str | None = None) -> list[ParameterGroup]:
        defaults = [
            ParameterGroup(scope, f"default.{f}", f, f"Default parameter group for {f}", True)
            for f in self.catalog.families()
        ]
        custom = [
            ParameterGroup(scope, n, f, d, False)
            for n, f, d in await self.db.read(lambda c: group_store.list_groups(c, scope))
        ]
        groups = defaults + custom
        if name is None:
            return groups
        found = [g for g in groups if g.name == name.lower()]
        if not found:
            raise errors.group_not_found(name)
        return found

    async def get(self, scope: Scope, name: str) -> ParameterGroup:
        return (await self.describe(scope, name))[0]

    async def delete(self, scope: Scope, name: str) -> None:
        group = await self.get(scope, name)
        if group.is_default:
            raise errors.invalid_value("Default DBParameterGroup cannot be deleted")

        def remove(conn: Conn) -> None:
            if group_store.group_in_use(conn, scope, group.name):
                raise errors.invalid_group_state(
                    f"One or more database instances are still members of this parameter"
                    f" group {group.name}, so the group cannot be deleted"
                )
            group_store.delete_group(conn, scope, group.name)

        await self.db.write(remove)

    # -- parameters ------------------------------------------------------------------------

    async def parameters(
        self, scope: Scope, name: str, source: str | None = None
    ) -> list[Parameter]:
        """DescribeDBParameters: every parameter of the engine, with the group's values."""
        group = await self.get(scope, name)
        defs = await self.definitions(group.family)
        system = self._system(group.family)
        fixed = self._fixed(group.family)
        values: dict[str, tuple[str, str]] = {}
        if not group.is_default:
            values = await self.db.read(lambda c: group_store.group_values(c, scope, group.name))
        out: list[Parameter] = []
        for pname in sorted(defs):
            defn = defs[pname]
            if pname in values:
                value, method = values[pname]
                param = Parameter(defn, value, "user", method)
            elif pname in system:
                param = Parameter(defn, system[pname], "system")
            else:
                origin = "system" if pname in fixed else "engine-default"
                param = Parameter(defn, None, origin)
            if source is None or param.source == source:
                out.append(param)
        return out

    async def engine_defaults(self, family: str) -> list[Parameter]:
        """DescribeEngineDefaultParameters."""
        if family not in self.catalog.families():
            raise errors.invalid_value(f"Invalid DB parameter group family: {family}")
        scope = Scope("", "")
        return await self.parameters(scope, f"default.{family}")

    async def modify(self, scope: Scope, name: str, changes: Sequence[ParameterChange]) -> None:
        """ModifyDBParameterGroup (values) and ResetDBParameterGroup (None values).

        Returns once the instances using the group have the dynamic values in effect.
        """
        group = await self.get(scope, name)
        if group.is_default:
            raise errors.invalid_value("Default DBParameterGroups cannot be modified")
        if not changes or len(changes) > MAX_CHANGES:
            raise errors.invalid_value(f"Give 1 to {MAX_CHANGES} parameters per call")
        defs = await self.definitions(group.family)
        checked: list[tuple[str, str | None, str]] = []
        for change in changes:
            pname = change.name.lower()
            defn = defs.get(pname)
            if defn is None:
                raise errors.invalid_value(f"Could not find parameter with name: {change.name}")
            if change.apply_method not in APPLY_METHODS:
                raise errors.invalid_value(f"Invalid ApplyMethod: {change.apply_method}")
            value = None if change.value is None else params.validate(defn, change.value)
            if defn.apply_type == "static" and change.apply_method == "immediate" and value:
                raise errors.invalid_combination(
                    f"cannot use immediate apply method for static parameter {pname}"
                )
            checked.append((pname, value, change.apply_method))

        def write(conn: Conn) -> list[str]:
            for pname, value, method in checked:
                group_store.set_value(conn, scope, group.name, pname, value, method)
            return store.bump_intents_for_group(conn, scope, group.name)

        touched = await self.db.write(write)
        self.instances.intents.ring()
        await self.instances.await_applied(touched)

    async def reset(self, scope: Scope, name: str, names: Sequence[str] | None = None) -> None:
        """ResetDBParameterGroup: the named parameters (or all) back to their defaults."""
        group = await self.get(scope, name)
        if group.is_default:
            raise errors.invalid_value("Default DBParameterGroups cannot be modified")
        if names is None:
            current = await self.db.read(lambda c: group_store.group_values(c, scope, group.name))
            names = sorted(current)
        for start in range(0, len(names), MAX_CHANGES):
            batch = names[start : start + MAX_CHANGES]
            await self.modify(scope, name, [ParameterChange(n, None) for n in batch])
