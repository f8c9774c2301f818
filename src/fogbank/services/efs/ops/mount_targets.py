"""CreateMountTarget, DescribeMountTargets, DeleteMountTarget,
DescribeMountTargetSecurityGroups, ModifyMountTargetSecurityGroups.

A mount target is a listener on a loopback address of its own (``127.0.x.y:2049``),
served by the gateway process that holds its file system's lease (``serving/host.py``);
it is ``creating`` until that process listens, then ``available``. Its security groups
admit connections (EC2's ``admit``) and are registered with EC2 as used by it, with its
address as a member.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.loopback import can_bind
from fogbank.services.base import Output
from fogbank.services.ec2.client import SubnetRef
from fogbank.services.efs import errors, ids, views
from fogbank.services.efs import models as m
from fogbank.services.efs.engine import MOUNT_TARGET_USAGE, EfsEngine
from fogbank.services.efs.ops.common import (
    Params,
    access_point,
    after,
    ap_id_of,
    file_system,
    fs_id_of,
    marker,
    mount_target,
    mt_id_of,
    opt_int,
    opt_str,
    page_size,
    req_str,
    require_available,
    strings,
)
from fogbank.services.efs.store import targets as mt_store
from fogbank.storage.db import Conn

_ALLOCATE_ATTEMPTS = 5


async def _subnet(engine: EfsEngine, ctx: RequestContext, subnet_id: str) -> SubnetRef:
    try:
        return (await engine.ec2.subnets(ctx.account_id, ctx.region, [subnet_id]))[0]
    except AwsError:
        raise errors.subnet_not_found(subnet_id) from None


async def _groups(
    engine: EfsEngine, ctx: RequestContext, vpc_id: str, given: Sequence[str] | None
) -> tuple[str, ...]:
    """The mount target's groups: the given ones (in the subnet's VPC), else the VPC's
    default group."""
    if given is None:
        default = await engine.ec2.default_security_group(ctx.account_id, ctx.region, vpc_id)
        return (default.group_id,)
    unique = tuple(dict.fromkeys(given))
    limit = engine.limits.security_groups_per_mount_target
    if len(unique) > limit:
        raise errors.security_group_limit(limit)
    if not unique:
        raise errors.bad_request("At least one security group is required.")
    for gid in unique:
        try:
            (ref,) = await engine.ec2.security_groups(ctx.account_id, ctx.region, [gid])
        except AwsError:
            raise errors.security_group_not_found(gid) from None
        if ref.vpc_id != vpc_id:
            raise errors.security_group_not_found(gid)
    return unique


def _requested_address(engine: EfsEngine, params: Params) -> str | None:
    if params.get("Ipv6Address") is not None or opt_str(params, "IpAddressType") in (
        "IPV6_ONLY",
        "DUAL_STACK",
    ):
        raise errors.bad_request(
            "IPv6 mount targets need a subnet with an IPv6 CIDR block; fogbank's subnets have none."
        )
    address = opt_str(params, "IpAddress")
    if address is None:
        return None
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        raise errors.bad_request(f"IP address {address} is not a valid IPv4 address.") from None
    if not parsed.is_loopback or not engine.addresses.contains(address):
        raise errors.bad_request(
            f"IP address {address} is not available to mount targets: fogbank gives them"
            f" loopback addresses from {engine.addresses.first}-{engine.addresses.last}."
        )
    return address


def _check_placement(fs: m.FileSystem, existing: list[m.MountTarget], subnet: SubnetRef) -> None:
    if fs.zone_name is not None and subnet.zone != fs.zone_name:
        raise errors.zones_mismatch(fs.zone_name, subnet.zone)
    for other in existing:
        if other.vpc_id != subnet.vpc_id:
            raise errors.mount_target_conflict(
                f"mount targets of a file system must be in one VPC ({other.vpc_id})"
            )
        if other.zone_name == subnet.zone:
            raise errors.mount_target_conflict("mount target already exists in this AZ")


async def create_mount_target(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    subnet_id = req_str(params, "SubnetId")
    requested = _requested_address(engine, params)
    require_available(fs)
    subnet = await _subnet(engine, ctx, subnet_id)
    existing = await engine.read(lambda c: mt_store.of_file_system(c, fs.fs_id))
    _check_placement(fs, existing, subnet)
    groups = await _groups(engine, ctx, subnet.vpc_id, strings(params, "SecurityGroups"))
    mt_id = ids.new("fsmt")
    now = engine.now()
    port = engine.port
    mt: m.MountTarget | None = None
    for _ in range(_ALLOCATE_ATTEMPTS):
        used = await engine.read(mt_store.used_addresses)
        if requested is not None:
            if requested in used:
                raise errors.ip_in_use(requested)
            address: str | None = requested
        else:
            address = await asyncio.to_thread(engine.addresses.allocate, used, port, can_bind)
        if address is None:
            raise errors.no_free_addresses()
        candidate = m.MountTarget(
            mt_id=mt_id,
            fs_id=fs.fs_id,
            account_id=ctx.account_id,
            region=ctx.region,
            subnet_id=subnet.subnet_id,
            vpc_id=subnet.vpc_id,
            zone_name=subnet.zone,
            zone_id=subnet.zone_id,
            ip_address=address,
            eni_id=ids.new("eni"),
            security_groups=groups,
            state=m.CREATING,
            created_at=now,
        )

        def insert(conn: Conn, target: m.MountTarget = candidate) -> bool:
            if target.ip_address in mt_store.used_addresses(conn):
                return False
            _check_placement(fs, mt_store.of_file_system(conn, fs.fs_id), subnet)
            mt_store.insert(conn, target)
            return True

        if await engine.write(insert):
            mt = candidate
            break
        if requested is not None:
            raise errors.ip_in_use(requested)
    if mt is None:
        raise errors.no_free_addresses()
    try:
        await engine.ec2.set_membership(
            ctx.account_id,
            ctx.region,
            MOUNT_TARGET_USAGE,
            mt.mt_id,
            list(groups),
            address=mt.ip_address,
            subnet_id=mt.subnet_id,
        )
    except AwsError:
        await engine.write(lambda c: mt_store.delete(c, mt_id))
        raise errors.security_group_not_found(groups[0]) from None
    await engine.wake.ring()
    return views.mount_target(mt)


async def describe_mount_targets(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs_param = opt_str(params, "FileSystemId")
    mt_param = opt_str(params, "MountTargetId")
    ap_param = opt_str(params, "AccessPointId")
    given_marker = opt_str(params, "Marker")
    limit = page_size(opt_int(params, "MaxItems"), 100, "maxItems")
    named = [p for p in (fs_param, mt_param, ap_param) if p is not None]
    if len(named) != 1:
        raise errors.bad_request(
            "Specify exactly one of FileSystemId, MountTargetId and AccessPointId."
        )
    found: list[m.MountTarget]
    next_marker: str | None = None
    if mt_param is not None:
        found = [await mount_target(engine, ctx, mt_id_of(mt_param))]
    else:
        if ap_param is not None:
            fs_id = (await access_point(engine, ctx, ap_id_of(ap_param))).fs_id
        else:
            fs_id = (await file_system(engine, ctx, fs_id_of(str(fs_param)))).fs_id
        start = after(given_marker)
        every = await engine.read(lambda c: mt_store.of_file_system(c, fs_id))
        rows = [mt for mt in every if mt.mt_id > start]
        found = rows[:limit]
        if len(rows) > limit:
            next_marker = marker(found[-1].mt_id)
    out: dict[str, object] = {"MountTargets": [views.mount_target(mt) for mt in found]}
    if given_marker is not None:
        out["Marker"] = given_marker
    if next_marker is not None:
        out["NextMarker"] = next_marker
    return out


async def delete_mount_target(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    mt = await mount_target(engine, ctx, mt_id_of(req_str(params, "MountTargetId")))
    await engine.write(lambda c: mt_store.delete(c, mt.mt_id))
    await engine.ec2.clear_membership(MOUNT_TARGET_USAGE, mt.mt_id)
    await engine.wake.ring()
    return {}


async def describe_security_groups(
    engine: EfsEngine, ctx: RequestContext, params: Params
) -> Output:
    mt = await mount_target(engine, ctx, mt_id_of(req_str(params, "MountTargetId")))
    return {"SecurityGroups": list(mt.security_groups)}


async def modify_security_groups(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    mt = await mount_target(engine, ctx, mt_id_of(req_str(params, "MountTargetId")))
    given = strings(params, "SecurityGroups")
    if mt.state not in (m.AVAILABLE, m.CREATING):
        raise errors.incorrect_mount_target_state(mt.mt_id, mt.state)
    groups = await _groups(engine, ctx, mt.vpc_id, given if given is not None else [])
    try:
        await engine.ec2.set_membership(
            ctx.account_id,
            ctx.region,
            MOUNT_TARGET_USAGE,
            mt.mt_id,
            list(groups),
            address=mt.ip_address,
            subnet_id=mt.subnet_id,
        )
    except AwsError:
        raise errors.security_group_not_found(groups[0]) from None
    await engine.write(lambda c: mt_store.set_groups(c, mt.mt_id, groups))
    await engine.wake.ring()
    return {}
