"""DB subnet groups: which VPC (and which subnets and zones of it) an instance lives in.

The subnets are EC2's (checked through ``network``). The group ``default`` is made from
the default VPC's subnets the first time an instance is created without a subnet group,
as RDS does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.core.clock import Clock
from fogbank.services.rds import errors, quotas, store, tagging
from fogbank.services.rds.models import Scope, Tags
from fogbank.services.rds.network import Network, Subnet
from fogbank.storage.db import Conn, Database, Row

DEFAULT = "default"
_NAME = re.compile(r"[A-Za-z0-9._ -]{1,255}")


@dataclass(frozen=True)
class SubnetGroup:
    scope: Scope
    name: str
    description: str
    vpc_id: str
    subnets: tuple[Subnet, ...]

    @property
    def zones(self) -> list[str]:
        return sorted({s.zone for s in self.subnets})


def check_name(value: str) -> str:
    if not _NAME.fullmatch(value) or value.lower() == DEFAULT:
        raise errors.invalid_value(
            f"The parameter DBSubnetGroupName is not a valid identifier: {value!r} (at most"
            " 255 letters, digits, periods, underscores, spaces or hyphens; not 'default')."
        )
    return value.lower()


def _from_row(scope: Scope, row: Row) -> SubnetGroup:
    subnets = tuple(
        Subnet(str(s["id"]), str(row["vpc_id"]), str(s["zone"]))
        for s in json.loads(str(row["subnets"]))
    )
    return SubnetGroup(
        scope, str(row["name"]), str(row["description"]), str(row["vpc_id"]), subnets
    )


def _get(conn: Conn, scope: Scope, name: str) -> SubnetGroup | None:
    row = conn.one(
        "SELECT name, description, vpc_id, subnets FROM rds_subnet_groups"
        " WHERE account_id = ? AND region = ? AND name = ?",
        (scope.account_id, scope.region, name),
    )
    return None if row is None else _from_row(scope, row)


def _list(conn: Conn, scope: Scope) -> list[SubnetGroup]:
    rows = conn.all(
        "SELECT name, description, vpc_id, subnets FROM rds_subnet_groups"
        " WHERE account_id = ? AND region = ? ORDER BY name",
        (scope.account_id, scope.region),
    )
    return [_from_row(scope, r) for r in rows]


def _encode(subnets: Sequence[Subnet]) -> str:
    return json.dumps([{"id": s.subnet_id, "zone": s.zone} for s in subnets])


def _users(conn: Conn, scope: Scope, name: str) -> list[str]:
    return [
        r.instance.instance_id
        for r in store.list_instances(conn, scope)
        if r.instance.options.subnet_group == name
    ]


class SubnetGroups:
    def __init__(self, db: Database, clock: Clock, network: Network) -> None:
        self.db = db
        self.clock = clock
        self.network = network

    async def _checked_subnets(self, scope: Scope, subnet_ids: Sequence[str]) -> list[Subnet]:
        unique = list(dict.fromkeys(subnet_ids))
        if not unique:
            raise errors.invalid_value("The parameter SubnetIds must contain at least one subnet.")
        if len(unique) > quotas.SUBNETS_PER_DB_SUBNET_GROUP:
            raise errors.quota(
                "DBSubnetQuotaExceededFault",
                f"A DB subnet group may have at most {quotas.SUBNETS_PER_DB_SUBNET_GROUP} subnets.",
            )
        subnets = await self.network.subnets(scope.account_id, scope.region, unique)
        vpcs = sorted({s.vpc_id for s in subnets})
        if len(vpcs) > 1:
            raise errors.invalid_subnet(
                "The subnets of a DB subnet group must be in one VPC; these are in"
                f" {', '.join(vpcs)}."
            )
        zones = sorted({s.zone for s in subnets})
        if len(zones) < 2:
            raise errors.not_enough_azs(zones)
        return subnets

    async def create(
        self,
        scope: Scope,
        name: str,
        description: str,
        subnet_ids: Sequence[str],
        tags: Tags = (),
    ) -> SubnetGroup:
        name = check_name(name)
        subnets = await self._checked_subnets(scope, subnet_ids)
        return await self._insert(scope, name, description, subnets, tags)

    async def _insert(
        self, scope: Scope, name: str, description: str, subnets: list[Subnet], tags: Tags
    ) -> SubnetGroup:
        group = SubnetGroup(scope, name, description, subnets[0].vpc_id, tuple(subnets))
        now = self.clock.time()

        def insert(conn: Conn) -> None:
            if _get(conn, scope, name) is not None:
                raise errors.subnet_group_exists(name)
            if len(_list(conn, scope)) >= quotas.DB_SUBNET_GROUPS:
                raise errors.quota(
                    "DBSubnetGroupQuotaExceeded",
                    f"The request would exceed the quota of {quotas.DB_SUBNET_GROUPS} DB"
                    " subnet groups for this account and region.",
                )
            conn.execute(
                "INSERT INTO rds_subnet_groups (account_id, region, name, description, vpc_id,"
                " subnets, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    scope.account_id,
                    scope.region,
                    name,
                    description,
                    group.vpc_id,
                    _encode(subnets),
                    now,
                ),
            )
            if tags:
                tagging.put(conn, scope, tagging.SUBNET_GROUP, name, tags)

        await self.db.write(insert)
        return group

    async def describe(self, scope: Scope, name: str | None = None) -> list[SubnetGroup]:
        if name is None:
            return await self.db.read(lambda c: _list(c, scope))
        return [await self.get(scope, name)]

    async def get(self, scope: Scope, name: str) -> SubnetGroup:
        key = name.lower()
        found = await self.db.read(lambda c: _get(c, scope, key))
        if found is None:
            raise errors.subnet_group_not_found(name)
        return found

    async def default(self, scope: Scope, create: bool) -> SubnetGroup:
        """The group ``default``, from the default VPC's subnets; stored (as RDS does on an
        instance's first creation without a subnet group) only with ``create``."""
        found = await self.db.read(lambda c: _get(c, scope, DEFAULT))
        if found is not None:
            return found
        subnets = await self.network.default_subnets(scope.account_id, scope.region)
        if not subnets:
            raise errors.invalid_vpc_state(
                "There is no default VPC (or it has no subnets) in this account and region:"
                " give a DBSubnetGroupName."
            )
        if not create:
            return SubnetGroup(scope, DEFAULT, DEFAULT, subnets[0].vpc_id, tuple(subnets))
        try:
            return await self._insert(scope, DEFAULT, DEFAULT, subnets, ())
        except Exception as exc:  # another request made it at the same moment
            found = await self.db.read(lambda c: _get(c, scope, DEFAULT))
            if found is None:
                raise exc from None
            return found

    async def modify(
        self,
        scope: Scope,
        name: str,
        subnet_ids: Sequence[str],
        description: str | None = None,
    ) -> SubnetGroup:
        current = await self.get(scope, name)
        subnets = await self._checked_subnets(scope, subnet_ids)
        vpc_id = subnets[0].vpc_id

        def update(conn: Conn) -> SubnetGroup:
            users = _users(conn, scope, current.name)
            if users and vpc_id != current.vpc_id:
                raise errors.invalid_subnet(
                    f"The new subnets are in {vpc_id}, not in {current.vpc_id} where DB"
                    f" instance {users[0]} of this subnet group is."
                )
            text = current.description if description is None else description
            conn.execute(
                "UPDATE rds_subnet_groups SET description = ?, vpc_id = ?, subnets = ?"
                " WHERE account_id = ? AND region = ? AND name = ?",
                (text, vpc_id, _encode(subnets), scope.account_id, scope.region, current.name),
            )
            return SubnetGroup(scope, current.name, text, vpc_id, tuple(subnets))

        return await self.db.write(update)

    async def delete(self, scope: Scope, name: str) -> None:
        key = name.lower()

        def remove(conn: Conn) -> None:
            if _get(conn, scope, key) is None:
                raise errors.subnet_group_not_found(name)
            users = _users(conn, scope, key)
            if users:
                raise errors.subnet_group_in_use(key, users[0])
            tagging.remove_all(conn, scope, tagging.SUBNET_GROUP, key)
            conn.execute(
                "DELETE FROM rds_subnet_groups WHERE account_id = ? AND region = ? AND name = ?",
                (scope.account_id, scope.region, key),
            )

        await self.db.write(remove)
