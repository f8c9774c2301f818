"""CreateFileSystem, DescribeFileSystems, UpdateFileSystem, DeleteFileSystem,
UpdateFileSystemProtection."""

from __future__ import annotations

import logging

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.efs import errors, ids, keys, validate, views
from fogbank.services.efs import models as m
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.ops.common import (
    Params,
    after,
    file_system,
    fs_id_of,
    items,
    marker,
    opt_int,
    opt_str,
    page_size,
    req_str,
    tag_pairs,
)
from fogbank.services.efs.store import access_points as ap_store
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.services.efs.store import tags as tag_store
from fogbank.services.efs.store import targets as mt_store
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.efs")

PERFORMANCE_MODES = (m.GENERAL_PURPOSE, m.MAX_IO)
THROUGHPUT_MODES = (m.BURSTING, m.PROVISIONED, m.ELASTIC)
MAX_PROVISIONED = 3414.0
DAY = 86400.0


async def describe_one(engine: EfsEngine, fs: m.FileSystem) -> dict[str, object]:
    def load(conn: Conn) -> tuple[list[tuple[str, str]], int]:
        return tag_store.of(conn, fs.fs_id), mt_store.count_of(conn, fs.fs_id)

    pairs, count = await engine.read(load)
    size = await engine.store.sizes(fs.fs_id)
    return views.file_system(fs, pairs, count, size)


def _enum(v: validate.Violations, value: str | None, member: str, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        v.add(value, member, f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def _throughput(mode: str, mibps: float | None) -> None:
    if mode == m.PROVISIONED and mibps is None:
        raise errors.bad_request(
            "ProvisionedThroughputInMibps is required when ThroughputMode is provisioned."
        )
    if mode != m.PROVISIONED and mibps is not None:
        raise errors.bad_request(
            "ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned."
        )
    if mibps is not None and mibps > MAX_PROVISIONED:
        raise errors.throughput_limit(mibps, MAX_PROVISIONED)


def _mibps(params: Params) -> float | None:
    value = params.get("ProvisionedThroughputInMibps")
    if value is None:
        return None
    assert isinstance(value, int | float)
    if value < 1.0:
        raise errors.validation(
            [
                f"Value '{value}' at 'provisionedThroughputInMibps' failed to satisfy"
                " constraint: Member must have value greater than or equal to 1.0"
            ]
        )
    return float(value)


async def create_file_system(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    token = req_str(params, "CreationToken")
    performance = opt_str(params, "PerformanceMode") or m.GENERAL_PURPOSE
    throughput = opt_str(params, "ThroughputMode") or m.BURSTING
    zone_name = opt_str(params, "AvailabilityZoneName")
    key_id = opt_str(params, "KmsKeyId")
    encrypted = bool(params.get("Encrypted", False))
    raw_tags = items(params, "Tags")
    v = validate.Violations()
    v.length(token, "creationToken", 1, 64)
    _enum(v, performance, "performanceMode", PERFORMANCE_MODES)
    _enum(v, throughput, "throughputMode", THROUGHPUT_MODES)
    v.length(key_id, "kmsKeyId", 1, 2048)
    validate.tags(v, raw_tags)
    v.raise_if_any()
    mibps = _mibps(params)
    _throughput(throughput, mibps)
    if key_id is not None and not encrypted:
        raise errors.bad_request("KmsKeyId can only be specified when Encrypted is true.")
    if performance == m.MAX_IO and (throughput == m.ELASTIC or zone_name is not None):
        raise errors.bad_request(
            "The maxIO performance mode is not supported for One Zone file systems or"
            " file systems that use Elastic throughput."
        )
    zone: tuple[str, str] | None = None
    if zone_name is not None:
        zone = engine.ec2.zone(ctx.region, zone_name)
        if zone is None:
            raise errors.unsupported_zone(zone_name, ctx.region)
    pairs = tag_pairs(raw_tags)
    if len(pairs) > tag_store.MAX_TAGS:
        raise errors.bad_request(f"A resource can have at most {tag_store.MAX_TAGS} tags.")
    backup = params.get("Backup")
    backup_on = bool(backup) if backup is not None else zone is not None

    existing = await engine.read(lambda c: fs_store.by_token(c, ctx.account_id, ctx.region, token))
    if existing is not None:
        raise errors.file_system_exists(existing.fs_id, token)
    fs_id = ids.new("fs")
    key_arn: str | None = None
    blob: bytes | None = None
    if encrypted:
        key_arn = await keys.resolve_key(engine.kms, ctx.account_id, ctx.region, key_id)
        blob = await keys.new_data_key(engine.kms, ctx.account_id, ctx.region, key_arn, fs_id)
    now = engine.now()
    fs = m.FileSystem(
        fs_id=fs_id,
        account_id=ctx.account_id,
        region=ctx.region,
        creation_token=token,
        created_at=now,
        state=m.CREATING,
        performance_mode=performance,
        throughput_mode=throughput,
        provisioned_mibps=mibps,
        throughput_changed_at=None,
        encrypted=encrypted,
        kms_key_arn=key_arn,
        data_key_blob=blob,
        zone_name=zone[0] if zone else None,
        zone_id=zone[1] if zone else None,
        backup_status="ENABLED" if backup_on else "DISABLED",
        replication_protection="ENABLED",
        lifecycle=m.Lifecycle(),
        policy=None,
    )
    limit = engine.limits.file_systems_per_region

    def insert(conn: Conn) -> None:
        other = fs_store.by_token(conn, ctx.account_id, ctx.region, token)
        if other is not None:
            raise errors.file_system_exists(other.fs_id, token)
        if fs_store.count(conn, ctx.account_id, ctx.region) >= limit:
            raise errors.file_system_limit(limit)
        fs_store.insert(conn, fs)
        tag_store.put(conn, fs_id, pairs)

    await engine.write(insert)
    try:
        await engine.store.create_file_system(fs_id, encrypted=encrypted)
    except Exception:
        log.exception("efs: creating the storage of %s failed", fs_id)
        await engine.write(lambda c: fs_store.set_state(c, fs_id, m.ERROR))
        raise
    await engine.write(lambda c: fs_store.set_state(c, fs_id, m.AVAILABLE))
    ctx.resources.append(("AWS::EFS::FileSystem", fs.arn))
    return await describe_one(engine, fs)


async def describe_file_systems(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs_param = opt_str(params, "FileSystemId")
    token = opt_str(params, "CreationToken")
    given_marker = opt_str(params, "Marker")
    limit = page_size(opt_int(params, "MaxItems"), 100, "maxItems")
    if fs_param is not None and token is not None:
        raise errors.bad_request("Specify either FileSystemId or CreationToken, not both.")
    found: list[m.FileSystem]
    next_marker: str | None = None
    if fs_param is not None:
        found = [await file_system(engine, ctx, fs_id_of(fs_param))]
    elif token is not None:
        one = await engine.read(lambda c: fs_store.by_token(c, ctx.account_id, ctx.region, token))
        found = [] if one is None else [one]
    else:
        start = after(given_marker)
        rows = await engine.read(
            lambda c: fs_store.page(c, ctx.account_id, ctx.region, start, limit + 1)
        )
        found = rows[:limit]
        if len(rows) > limit:
            next_marker = marker(found[-1].fs_id)
    out: dict[str, object] = {"FileSystems": [await describe_one(engine, fs) for fs in found]}
    if given_marker is not None:
        out["Marker"] = given_marker
    if next_marker is not None:
        out["NextMarker"] = next_marker
    return out


async def update_file_system(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    mode = opt_str(params, "ThroughputMode")
    v = validate.Violations()
    _enum(v, mode, "throughputMode", THROUGHPUT_MODES)
    v.raise_if_any()
    mibps = _mibps(params)
    if fs.state != m.AVAILABLE:
        raise errors.incorrect_state(fs.fs_id, fs.state)
    new_mode = mode or fs.throughput_mode
    new_mibps = (
        mibps
        if mibps is not None
        else (fs.provisioned_mibps if new_mode == m.PROVISIONED else None)
    )
    _throughput(new_mode, new_mibps)
    if fs.performance_mode == m.MAX_IO and new_mode == m.ELASTIC:
        raise errors.bad_request("Elastic throughput is not supported with maxIO performance mode.")
    restricted = new_mode != fs.throughput_mode or (
        new_mibps is not None
        and fs.provisioned_mibps is not None
        and new_mibps < fs.provisioned_mibps
    )
    now = engine.now()
    changed_at = fs.throughput_changed_at
    if restricted:
        if changed_at is not None and now - changed_at < DAY:
            raise errors.throughput_too_soon()
        changed_at = now
    fs_id = fs.fs_id
    await engine.write(lambda c: fs_store.set_throughput(c, fs_id, new_mode, new_mibps, changed_at))
    updated = await file_system(engine, ctx, fs_id)
    return await describe_one(engine, updated)


async def delete_file_system(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    fs_id = fs.fs_id

    def mark(conn: Conn) -> None:
        if mt_store.count_of(conn, fs_id) > 0:
            raise errors.file_system_in_use(fs_id)
        fs_store.set_state(conn, fs_id, m.DELETING)

    await engine.write(mark)
    await engine.store.delete_file_system(fs_id)

    def drop(conn: Conn) -> None:
        for ap_id in ap_store.delete_of_file_system(conn, fs_id):
            tag_store.drop(conn, ap_id)
        tag_store.drop(conn, fs_id)
        fs_store.delete(conn, fs_id)

    await engine.write(drop)
    ctx.resources.append(("AWS::EFS::FileSystem", fs.arn))
    return {}


async def update_protection(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    value = opt_str(params, "ReplicationOverwriteProtection")
    v = validate.Violations()
    _enum(v, value, "replicationOverwriteProtection", ("ENABLED", "DISABLED", "REPLICATING"))
    v.raise_if_any()
    if value == "REPLICATING":
        raise errors.bad_request("ReplicationOverwriteProtection cannot be set to REPLICATING.")
    if value is not None:
        await engine.write(lambda c: fs_store.set_protection(c, fs.fs_id, value))
    current = value or fs.replication_protection
    return {"ReplicationOverwriteProtection": current}
