"""The EFS control plane on SQLite and PostgreSQL alike, below the HTTP layer: quotas,
the envelope of Encrypted file systems, and the data-plane host's lease (one process
serves a file system; another takes over when it stops)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import root_principal
from fogbank.services.ec2 import schema as ec2_schema
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.efs import keys
from fogbank.services.efs import schema as efs_schema
from fogbank.services.efs.engine import EfsEngine, Limits
from fogbank.services.efs.fs import schema as fs_schema
from fogbank.services.efs.fs.store import FsStore
from fogbank.services.efs.ops import access_points, filesystems, mount_targets
from fogbank.services.efs.serving.addresses import AddressPool
from fogbank.services.efs.serving.host import DataPlaneHost
from fogbank.services.efs.serving.wake import Wake
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.services.kms import schema as kms_schema
from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.engine import Engine as KmsEngine
from fogbank.storage import core_schema
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate
from tests.contract.kms_support import ManualClock

ACCOUNT = "111122223333"
REGION = "us-east-1"


@dataclass
class Plane:
    engine: EfsEngine
    io: ThreadPoolExecutor

    def ctx(self, operation: str) -> RequestContext:
        return RequestContext(
            "req", "efs", operation, REGION, root_principal(ACCOUNT), self.engine.clock
        )

    def call(self, fn: Any, operation: str, **params: object) -> Any:
        return asyncio.run(fn(self.engine, self.ctx(operation), dict(params)))


def _plane(db: Database, tmp_path: Path, limits: Limits | None = None) -> Plane:
    clock = ManualClock().clock
    io = ThreadPoolExecutor(4)
    third = random.randrange(130, 250)
    engine = EfsEngine(
        db,
        clock,
        FsStore(db, tmp_path / "data", clock, io),
        Ec2Client(Ec2Engine(db, clock, None)),
        KmsClient(KmsEngine.open(db, clock, tmp_path / "data")),
        Wake(None),
        AddressPool(f"127.0.{third}.1", f"127.0.{third}.254"),
        limits=limits,
        port=0,
    )
    return Plane(engine, io)


@pytest.fixture
def store(db: Database) -> Database:
    migrate(
        db,
        (
            *core_schema.MIGRATIONS,
            *kms_schema.MIGRATIONS,
            *ec2_schema.MIGRATIONS,
            *fs_schema.MIGRATIONS,
            *efs_schema.MIGRATIONS,
        ),
    )
    return db


@pytest.fixture
def plane(store: Database, tmp_path: Path) -> Iterator[Plane]:
    p = _plane(store, tmp_path, Limits(file_systems_per_region=2, access_points_per_file_system=3))
    yield p
    p.io.shutdown()


def _code(plane: Plane, fn: Any, operation: str, **params: object) -> str:
    with pytest.raises(AwsError) as exc:
        plane.call(fn, operation, **params)
    return exc.value.code


def test_access_point_and_file_system_quotas(plane: Plane) -> None:
    fs = plane.call(filesystems.create_file_system, "CreateFileSystem", CreationToken="a")
    plane.call(filesystems.create_file_system, "CreateFileSystem", CreationToken="b")
    code = _code(plane, filesystems.create_file_system, "CreateFileSystem", CreationToken="c")
    assert code == "FileSystemLimitExceeded"
    made = [
        plane.call(
            access_points.create_access_point,
            "CreateAccessPoint",
            ClientToken=f"t{i}",
            FileSystemId=fs["FileSystemId"],
        )["AccessPointId"]
        for i in range(3)
    ]
    with pytest.raises(AwsError) as exc:
        plane.call(
            access_points.create_access_point,
            "CreateAccessPoint",
            ClientToken="t3",
            FileSystemId=fs["FileSystemId"],
        )
    assert (exc.value.code, exc.value.status) == ("AccessPointLimitExceeded", 403)
    assert "(3)" in exc.value.message
    plane.call(access_points.delete_access_point, "DeleteAccessPoint", AccessPointId=made[0])
    plane.call(
        access_points.create_access_point,
        "CreateAccessPoint",
        ClientToken="t3",
        FileSystemId=fs["FileSystemId"],
    )


def test_encrypted_file_system_keeps_only_the_wrapped_data_key(plane: Plane) -> None:
    fs = plane.call(
        filesystems.create_file_system, "CreateFileSystem", CreationToken="e", Encrypted=True
    )
    row = asyncio.run(plane.engine.read(lambda c: fs_store.get(c, fs["FileSystemId"])))
    assert row is not None and row.data_key_blob is not None and row.kms_key_arn
    assert len(row.data_key_blob) > 32  # a KMS ciphertext blob, not a raw key
    key = asyncio.run(keys.unwrap(plane.engine.kms, ACCOUNT, REGION, row.data_key_blob, row.fs_id))
    assert len(key) == 32 and key not in row.data_key_blob
    with pytest.raises(AwsError):  # bound to its file system (encryption context)
        asyncio.run(keys.unwrap(plane.engine.kms, ACCOUNT, REGION, row.data_key_blob, "fs-other"))


def test_one_process_serves_a_file_system_and_another_takes_over(
    store: Database, tmp_path: Path
) -> None:
    first = _plane(store, tmp_path)  # two gateway processes of one installation
    second = _plane(store, tmp_path)
    second.engine.addresses = first.engine.addresses
    fs = first.call(filesystems.create_file_system, "CreateFileSystem", CreationToken="s")
    subnet = asyncio.run(first.engine.ec2.default_subnets(ACCOUNT, REGION))[0]
    mt = first.call(
        mount_targets.create_mount_target,
        "CreateMountTarget",
        FileSystemId=fs["FileSystemId"],
        SubnetId=subnet.subnet_id,
    )
    assert mt["LifeCycleState"] == "creating"

    async def scenario() -> tuple[set[str], set[str], set[str], str]:
        a = DataPlaneHost(first.engine, "host-a")
        b = DataPlaneHost(second.engine, "host-b")
        await a.sync()
        await b.sync()
        served = (a.served, b.served)
        await a.stop()  # releases its lease
        await b.sync()
        state = (
            await mount_targets.describe_mount_targets(
                second.engine,
                second.ctx("DescribeMountTargets"),
                {"MountTargetId": mt["MountTargetId"]},
            )
        )["MountTargets"][0]["LifeCycleState"]
        took_over = b.served
        await b.stop()
        return served[0], served[1], took_over, str(state)

    a_served, b_served, took_over, state = asyncio.run(scenario())
    assert a_served == {fs["FileSystemId"]} and b_served == set()
    assert took_over == {fs["FileSystemId"]}
    assert state == "available"
    first.io.shutdown()
    second.io.shutdown()
