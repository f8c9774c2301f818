"""The EFS acceptance scenarios end to end, as a user runs them: the AWS CLI against a
live ``fogbank up`` (two gateway processes), and ``fogbank mount FS_ID MOUNTPOINT``.

A file system and a mount target made through the API, admitted by a security-group
rule; two mounts at once (close-to-open, renames, flock across them); an access point
(uid 1001, root /app); a policy that denies ClientWrite with ``--iam`` mounts; the data
dir of an Encrypted file system holding no plaintext; lifecycle to IA on the clock.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.efs.conftest import Mounts, cli_for, default_subnet
from tests.support.efs import ApiMount, fuse_available
from tests.support.server import FogbankServer

pytestmark = pytest.mark.skipif(fuse_available() is not None, reason=str(fuse_available()))

REGION = "us-east-1"


class Lab:
    def __init__(self, server: FogbankServer) -> None:
        self.server = server
        self.cli, self.fail = cli_for(server, REGION)
        self.env = server.cli_env()

    def file_system(self, token: str, *extra: str) -> str:
        fs = self.cli("efs", "create-file-system", "--creation-token", token, *extra)
        return str(fs["FileSystemId"])

    def mount_target(
        self, fs_id: str, zone: str = "a", group: str | None = None
    ) -> tuple[str, str]:
        """(mount target id, its security group), created in the default subnet; in a
        new group named ``group``, else in the VPC's default group."""
        subnet, _ = default_subnet(self.cli, zone)
        extra: list[str] = []
        if group is not None:
            made = self.cli(
                "ec2", "create-security-group", "--group-name", group, "--description", group
            )
            extra = ["--security-groups", made["GroupId"]]
        mt = self.cli(
            "efs", "create-mount-target", "--file-system-id", fs_id, "--subnet-id", subnet, *extra
        )
        groups = self.cli(
            "efs", "describe-mount-target-security-groups", "--mount-target-id", mt["MountTargetId"]
        )["SecurityGroups"]
        return str(mt["MountTargetId"]), str(groups[0])

    def allow_nfs(self, group: str, revoke: bool = False) -> None:
        verb = "revoke" if revoke else "authorize"
        self.cli(
            "ec2",
            f"{verb}-security-group-ingress",
            "--group-id",
            group,
            "--protocol",
            "tcp",
            "--port",
            "2049",
            "--cidr",
            "127.0.0.1/32",
        )

    def size(self, fs_id: str) -> dict[str, Any]:
        fs = self.cli("efs", "describe-file-systems", "--file-system-id", fs_id)["FileSystems"][0]
        return dict(fs["SizeInBytes"])


def _start(metadata_url_factory: Callable[[], str | None]) -> FogbankServer:
    return FogbankServer(metadata_url=metadata_url_factory(), workers=2).start()


@pytest.fixture(scope="module")
def lab_server(metadata_url_factory: Callable[[], str | None]) -> Iterator[FogbankServer]:
    server = _start(metadata_url_factory)
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="module")
def lab(lab_server: FogbankServer) -> Lab:
    return Lab(lab_server)


@pytest.fixture(scope="module")
def shared(lab: Lab) -> tuple[str, str]:
    """An Encrypted file system with a mount target whose group admits 127.0.0.1."""
    fs_id = lab.file_system("shared", "--encrypted", "--tags", "Key=Name,Value=shared")
    _, group = lab.mount_target(fs_id, "a", "nfs-shared")
    lab.allow_nfs(group)
    return fs_id, group


def _mounted(mounts: Mounts, env: dict[str, str], fs_id: str, *extra: str) -> ApiMount:
    m = mounts.mount(env, fs_id, *extra)
    assert m.error is None, m.error
    return m


def test_security_group_decides_who_connects(lab: Lab, mounts: Mounts) -> None:
    fs_id = lab.file_system("guarded")
    _, group = lab.mount_target(fs_id, "b")
    refused = mounts.mount(lab.env, fs_id)
    assert refused.error is not None
    assert f"refused by security group {group} (default)" in refused.error
    assert (
        f"aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp"
        " --port 2049 --cidr 127.0.0.1/32" in refused.error
    )
    lab.allow_nfs(group)
    kept = _mounted(mounts, lab.env, fs_id)
    (kept.path / "before").write_text("x")
    lab.allow_nfs(group, revoke=True)
    again = mounts.mount(lab.env, fs_id)
    assert again.error is not None and "refused" in again.error
    assert (kept.path / "before").read_text() == "x"  # open connections are kept


def test_two_mounts_see_each_other(lab: Lab, shared: tuple[str, str], mounts: Mounts) -> None:
    fs_id, _ = shared
    a = _mounted(mounts, lab.env, fs_id)
    b = _mounted(mounts, lab.env, fs_id)
    payload = os.urandom(5 * 1024 * 1024 + 123)
    (a.path / "data.bin").write_bytes(payload)
    assert (b.path / "data.bin").read_bytes() == payload
    (a.path / "data.bin").rename(a.path / "moved.bin")
    deadline = time.monotonic() + 2
    while (b.path / "data.bin").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not (b.path / "data.bin").exists()
    assert (b.path / "moved.bin").read_bytes() == payload

    with open(a.path / "lock", "w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with open(b.path / "lock") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = threading.Event()

            def wait_for_it() -> None:
                fcntl.flock(other, fcntl.LOCK_EX)
                got.set()

            waiter = threading.Thread(target=wait_for_it)
            waiter.start()
            time.sleep(0.5)
            assert not got.is_set()
            fcntl.flock(holder, fcntl.LOCK_UN)
            waiter.join(10)
            assert got.is_set()
    size = lab.size(fs_id)
    assert size["Value"] >= len(payload) and size["ValueInStandard"] == size["Value"]


def test_encrypted_data_dir_holds_no_plaintext(
    lab: Lab, lab_server: FogbankServer, shared: tuple[str, str], mounts: Mounts
) -> None:
    fs_id, _ = shared
    m = _mounted(mounts, lab.env, fs_id)
    marker = b"FOGBANK-EFS-MARKER-" + os.urandom(8).hex().encode()
    (m.path / "small.txt").write_bytes(marker)
    (m.path / "big.bin").write_bytes((marker + b"\n") * 100_000)
    assert (m.path / "small.txt").read_bytes() == marker
    files = [p for p in lab_server.data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".seg" for p in files)
    for path in files:
        assert marker not in path.read_bytes(), f"plaintext in {path}"


def test_access_point_forces_user_and_root(
    lab: Lab, shared: tuple[str, str], mounts: Mounts
) -> None:
    fs_id, _ = shared
    whole = _mounted(mounts, lab.env, fs_id)
    (whole.path / "outside.txt").write_text("not for the app")
    ap = lab.cli(
        "efs",
        "create-access-point",
        "--file-system-id",
        fs_id,
        "--posix-user",
        "Uid=1001,Gid=1001",
        "--root-directory",
        "Path=/app,CreationInfo={OwnerUid=1001,OwnerGid=1001,Permissions=755}",
    )["AccessPointId"]
    app = _mounted(mounts, lab.env, fs_id, "--access-point", ap)
    (app.path / "made.txt").write_text("by the app")
    os.mkdir(app.path / "sub")
    (app.path / "sub" / "deep.txt").write_text("deep")
    for name in ("made.txt", "sub", "sub/deep.txt"):
        st = os.stat(whole.path / "app" / name)
        assert (st.st_uid, st.st_gid) == (1001, 1001), name
    assert os.stat(whole.path / "app").st_uid == 1001
    assert sorted(os.listdir(app.path)) == ["made.txt", "sub"]
    assert not (app.path / "outside.txt").exists()
    assert not (app.path / "sub" / ".." / ".." / "outside.txt").exists()
    gone = mounts.mount(lab.env, fs_id, "--access-point", "fsap-0123456789abcdef0")
    assert gone.error is not None


def test_policy_denying_client_write(lab: Lab, mounts: Mounts) -> None:
    fs_id = lab.file_system("policed")
    _, group = lab.mount_target(fs_id, "c", "nfs-policed")
    lab.allow_nfs(group)
    before = _mounted(mounts, lab.env, fs_id)
    (before.path / "existing.txt").write_text("readable")
    deny_write = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "elasticfilesystem:ClientWrite",
            }
        ],
    }
    lab.cli(
        "efs",
        "put-file-system-policy",
        "--file-system-id",
        fs_id,
        "--policy",
        json.dumps(deny_write),
    )
    ro = _mounted(mounts, lab.env, fs_id, "--iam")
    assert (ro.path / "existing.txt").read_text() == "readable"
    with pytest.raises(OSError) as exc:
        (ro.path / "new.txt").write_text("nope")
    assert exc.value.errno in (errno.EROFS, errno.EACCES)
    with pytest.raises(OSError) as exc, open(ro.path / "existing.txt", "a") as f:
        f.write("more")
    assert exc.value.errno in (errno.EROFS, errno.EACCES)
    # A policy replaces the default one: it allows nothing to anonymous (non-IAM) clients.
    anonymous = mounts.mount(lab.env, fs_id)
    assert anonymous.error is not None and "ClientMount" in anonymous.error
    bad_key = mounts.mount(
        {**lab.env, "AWS_SECRET_ACCESS_KEY": "wrong-secret-0000000000000000000000000000"},
        fs_id,
        "--target",
        _address(lab, fs_id),
        "--iam",
    )
    assert bad_key.error is not None and "signature" in bad_key.error
    lab.cli("efs", "delete-file-system-policy", "--file-system-id", fs_id)
    rw = _mounted(mounts, lab.env, fs_id, "--iam")
    (rw.path / "new.txt").write_text("allowed again")


def _address(lab: Lab, fs_id: str) -> str:
    mt = lab.cli("efs", "describe-mount-targets", "--file-system-id", fs_id)["MountTargets"][0]
    return f"{mt['IpAddress']}:2049"


def test_mounts_need_a_mount_target(lab: Lab, mounts: Mounts) -> None:
    fs_id = lab.file_system("lonely")
    m = mounts.mount(lab.env, fs_id)
    assert m.error is not None and "has no available mount target" in m.error
    missing = mounts.mount(lab.env, "fs-0123456789abcdef0")
    assert missing.error is not None and "FileSystemNotFound" in missing.error


def test_lifecycle_moves_cold_files_to_ia_and_back(
    make_server: Callable[..., FogbankServer], mount_dir: Path
) -> None:
    server = make_server()
    lab = Lab(server)
    mounts = Mounts(mount_dir)
    try:
        fs_id = lab.file_system("cold")
        _, group = lab.mount_target(fs_id)
        lab.allow_nfs(group)
        lab.cli(
            "efs",
            "put-lifecycle-configuration",
            "--file-system-id",
            fs_id,
            "--lifecycle-policies",
            "TransitionToIA=AFTER_30_DAYS",
            "TransitionToPrimaryStorageClass=AFTER_1_ACCESS",
        )
        m = _mounted(mounts, lab.env, fs_id)
        big = os.urandom(3 * 1024 * 1024)
        (m.path / "big.bin").write_bytes(big)
        (m.path / "tiny.txt").write_bytes(b"t" * 1000)  # under 128 KiB: stays in Standard
        stored = lab.size(fs_id)
        assert stored["ValueInIA"] == 0 and stored["ValueInStandard"] >= len(big)
        server.fogbank("clock", "advance", "29d")
        assert lab.size(fs_id)["ValueInIA"] == 0
        server.fogbank("clock", "advance", "2d")
        cold = lab.size(fs_id)
        assert cold["ValueInIA"] >= len(big)
        assert 0 < cold["ValueInStandard"] < 1024 * 1024
        assert cold["Value"] == cold["ValueInIA"] + cold["ValueInStandard"]
        fresh = _mounted(mounts, lab.env, fs_id)  # no cached pages: the read reaches the server
        assert (fresh.path / "big.bin").read_bytes() == big
        warm = lab.size(fs_id)
        assert warm["ValueInIA"] == 0 and warm["ValueInStandard"] == stored["ValueInStandard"]
    finally:
        mounts.close()


def test_file_system_survives_a_restart(
    make_server: Callable[..., FogbankServer], mount_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = make_server(data_dir=data_dir)
    lab = Lab(first)
    mounts = Mounts(mount_dir)
    fs_id = lab.file_system("durable", "--encrypted")
    _, group = lab.mount_target(fs_id)
    lab.allow_nfs(group)
    m = _mounted(mounts, lab.env, fs_id)
    (m.path / "kept.txt").write_text("still here")
    mounts.close()
    first.stop()
    second = make_server(data_dir=data_dir, metadata_url=first.metadata_url)
    again = Mounts(mount_dir)
    try:
        m2 = _mounted(again, Lab(second).env, fs_id)
        assert (m2.path / "kept.txt").read_text() == "still here"
    finally:
        again.close()
