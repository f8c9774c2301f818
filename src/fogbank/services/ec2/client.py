"""EC2 for other services in the same process (RDS, EFS): admission, group usage and
membership, and the network lookups they need. They use this, never EC2's tables.

Errors are EC2's own (``InvalidGroup.NotFound`` ...) as ``AwsError``s; a caller may
answer them as they are or translate them into its own service's errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.services.ec2 import errors, ids, regions
from fogbank.services.ec2.admission import Admission, Admitter
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.models import DEFAULT_GROUP, Attachment, SecurityGroup, Subnet
from fogbank.services.ec2.store import attachments, networks
from fogbank.services.ec2.store import groups as group_store
from fogbank.storage.db import Conn


@dataclass(frozen=True)
class GroupRef:
    group_id: str
    name: str
    vpc_id: str


@dataclass(frozen=True)
class SubnetRef:
    subnet_id: str
    vpc_id: str
    zone: str
    zone_id: str
    cidr_block: str


def _group(g: SecurityGroup) -> GroupRef:
    return GroupRef(g.group_id, g.name, g.vpc_id)


def _subnet(s: Subnet) -> SubnetRef:
    return SubnetRef(s.subnet_id, s.vpc_id, s.zone, s.zone_id, s.cidr_block)


class Ec2Client:
    def __init__(self, engine: Ec2Engine, admitter: Admitter | None = None) -> None:
        self.engine = engine
        self.admitter = admitter or Admitter(engine.db, engine.changes)

    # -- admission -----------------------------------------------------------------

    async def admit(
        self,
        account_id: str,
        region: str,
        group_ids: Sequence[str],
        client_ip: str,
        protocol: str,
        port: int,
    ) -> Admission:
        """May ``client_ip`` connect to ``protocol``/``port`` of a resource in these groups?"""
        return await self.admitter.admit(account_id, region, group_ids, client_ip, protocol, port)

    async def admitted_networks(
        self, account_id: str, region: str, group_ids: Sequence[str], protocol: str, port: int
    ) -> tuple[str, ...]:
        """The IPv4 networks ``admit`` allows to ``protocol``/``port`` (for packet filters)."""
        return await self.admitter.admitted_networks(account_id, region, group_ids, protocol, port)

    # -- usage and membership ------------------------------------------------------

    async def register_usage(
        self,
        group_id: str,
        kind: str,
        resource_id: str,
        *,
        address: str | None = None,
        subnet_id: str | None = None,
    ) -> None:
        """``resource_id`` (of ``kind``: "rds-instance", "efs-mount-target" ...) uses the
        group: the group cannot be deleted (DependencyViolation) until it is unregistered.
        With ``address`` it is a member: rules naming the group as source admit it."""
        now = self.engine.now()

        def put(conn: Conn) -> None:
            group = group_store.get(conn, group_id)
            if group is None:
                raise errors.group_not_found(group_id)
            networks.lock_region(conn, group.account_id, group.region)
            if group_store.get(conn, group_id) is None:  # deleted while we waited
                raise errors.group_not_found(group_id)
            a = Attachment(group_id, kind, resource_id, address, subnet_id)
            attachments.put(conn, a, group.account_id, group.region, now)

        await self.engine.db.write(put)
        await self.engine.announce()

    async def unregister_usage(self, group_id: str, kind: str, resource_id: str) -> bool:
        removed = await self.engine.db.write(
            lambda conn: attachments.remove(conn, group_id, kind, resource_id)
        )
        await self.engine.announce()
        return removed

    async def set_membership(
        self,
        account_id: str,
        region: str,
        kind: str,
        resource_id: str,
        group_ids: Sequence[str],
        *,
        address: str | None = None,
        subnet_id: str | None = None,
    ) -> None:
        """Replace every group ``resource_id`` uses by ``group_ids`` (all or nothing)."""
        now = self.engine.now()

        def put(conn: Conn) -> None:
            networks.lock_region(conn, account_id, region)
            for gid in group_ids:
                g = group_store.get(conn, gid) if ids.well_formed(gid, "sg") else None
                if g is None or (g.account_id, g.region) != (account_id, region):
                    raise errors.group_not_found(gid)
            attachments.remove_resource(conn, kind, resource_id)
            for gid in dict.fromkeys(group_ids):
                a = Attachment(gid, kind, resource_id, address, subnet_id)
                attachments.put(conn, a, account_id, region, now)

        await self.engine.db.write(put)
        await self.engine.announce()

    async def clear_membership(self, kind: str, resource_id: str) -> None:
        await self.engine.db.write(lambda c: attachments.remove_resource(c, kind, resource_id))
        await self.engine.announce()

    async def memberships(self, kind: str, resource_id: str) -> list[Attachment]:
        return await self.engine.db.read(lambda c: attachments.of_resource(c, kind, resource_id))

    # -- lookups -------------------------------------------------------------------

    def zone(self, region: str, name: str) -> tuple[str, str] | None:
        """(zone name, zone id) of an Availability Zone of ``region``, if it has it."""
        found = regions.zone_by_name(region, name)
        return None if found is None else (found.name, found.zone_id)

    async def default_vpc_id(self, account_id: str, region: str) -> str | None:
        vpc = await self.engine.read(
            account_id, region, lambda c: networks.default_vpc(c, account_id, region)
        )
        return None if vpc is None else vpc.vpc_id

    async def default_security_group(
        self, account_id: str, region: str, vpc_id: str | None = None
    ) -> GroupRef:
        """The ``default`` group of ``vpc_id`` (of the default VPC when None)."""

        def find(conn: Conn) -> GroupRef:
            vid = vpc_id
            if vid is None:
                vpc = networks.default_vpc(conn, account_id, region)
                if vpc is None:
                    raise errors.no_default_vpc()
                vid = vpc.vpc_id
            elif networks.vpc(conn, account_id, region, vid) is None:
                raise errors.vpc_not_found(vid)
            group = group_store.by_name(conn, vid, DEFAULT_GROUP)
            if group is None:
                raise errors.group_name_not_found(DEFAULT_GROUP, vid)
            return _group(group)

        return await self.engine.read(account_id, region, find)

    async def security_groups(
        self, account_id: str, region: str, group_ids: Sequence[str]
    ) -> list[GroupRef]:
        """The groups, in order; InvalidGroupId.Malformed / InvalidGroup.NotFound else."""
        for gid in group_ids:
            ids.check(gid, "sg")
        found = await self.engine.read(
            account_id, region, lambda c: group_store.by_ids(c, list(group_ids))
        )
        by_id = {g.group_id: g for g in found if (g.account_id, g.region) == (account_id, region)}
        for gid in group_ids:
            if gid not in by_id:
                raise errors.group_not_found(gid)
        return [_group(by_id[gid]) for gid in group_ids]

    async def subnets(
        self, account_id: str, region: str, subnet_ids: Sequence[str]
    ) -> list[SubnetRef]:
        for sid in subnet_ids:
            ids.check(sid, "subnet")
        found = await self.engine.read(
            account_id, region, lambda c: networks.subnets_by_id(c, list(subnet_ids))
        )
        by_id = {s.subnet_id: s for s in found if (s.account_id, s.region) == (account_id, region)}
        for sid in subnet_ids:
            if sid not in by_id:
                raise errors.subnet_not_found(sid)
        return [_subnet(by_id[sid]) for sid in subnet_ids]

    async def default_subnets(self, account_id: str, region: str) -> list[SubnetRef]:
        """The default VPC's subnets (empty when the account has no default VPC)."""

        def find(conn: Conn) -> list[Subnet]:
            vpc = networks.default_vpc(conn, account_id, region)
            return [] if vpc is None else networks.subnets_in(conn, vpc.vpc_id)

        return [_subnet(s) for s in await self.engine.read(account_id, region, find)]
