"""EFS through real FUSE mounts: two clients, access points, IAM, encryption."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from fogbank.services.efs.fs.model import FsError
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Op
from tests.support.efs import DataPlane, Mount, fuse_available

pytestmark = pytest.mark.skipif(fuse_available() is not None, reason=str(fuse_available()))

KEY = "AKIAEFSTESTKEY000001"
SECRET = "efs-test-secret-key-0000000000000000000"
READER_KEY = "AKIAEFSREADONLY00001"
NOBODY_KEY = "AKIAEFSNOMOUNT000001"
DATA_KEY = "11" * 32


@pytest.fixture(scope="module")
def plane() -> Iterator[DataPlane]:
    config = {
        "file_systems": [{"id": "fs-shared"}, {"id": "fs-secret", "key": DATA_KEY}],
        "access_points": [
            {
                "id": "fsap-app",
                "fs_id": "fs-shared",
                "posix_user": {"uid": 1001, "gid": 1001, "secondary_gids": [3000]},
                "root": "/app",
                "creation_info": {"owner_uid": 1001, "owner_gid": 1001, "permissions": 0o755},
            }
        ],
        "keys": {KEY: SECRET, READER_KEY: SECRET, NOBODY_KEY: SECRET},
        "allow": {
            READER_KEY: ["ClientMount"],
            NOBODY_KEY: [],
        },
    }
    p = DataPlane(config).start()
    yield p
    p.stop()
    shutil.rmtree(p.dir, ignore_errors=True)


@pytest.fixture
def mounts() -> Iterator[list[Mount]]:
    made: list[Mount] = []
    yield made
    for m in made:
        m.close()


def _mount(plane: DataPlane, made: list[Mount], fs_id: str, *extra: str, **kw: object) -> Mount:
    m = Mount(plane, fs_id, *extra, **kw)  # type: ignore[arg-type]
    made.append(m)
    assert m.error is None, m.error
    return m


def test_two_mounts_close_to_open_rename_and_flock(plane: DataPlane, mounts: list[Mount]) -> None:
    a = _mount(plane, mounts, "fs-shared")
    b = _mount(plane, mounts, "fs-shared")
    payload = os.urandom(5 * 1024 * 1024 + 123)
    (a.path / "data.bin").write_bytes(payload)  # written and closed in A
    assert (b.path / "data.bin").read_bytes() == payload  # read back identical in B
    # Close-to-open: B had it cached; A rewrites it; B's next open sees the new bytes.
    changed = os.urandom(3 * 1024 * 1024)
    (a.path / "data.bin").write_bytes(changed)
    assert (b.path / "data.bin").read_bytes() == changed
    (a.path / "data.bin").write_bytes(payload)

    assert (b.path / "data.bin").stat().st_size == len(payload)  # now cached in B's kernel
    (a.path / "data.bin").rename(a.path / "renamed.bin")
    # The server tells B's client to drop the old entry: visible at once, not after the
    # cache timeout.
    deadline = time.monotonic() + 2
    while (b.path / "data.bin").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not (b.path / "data.bin").exists()
    assert "renamed.bin" in os.listdir(b.path)
    assert "data.bin" not in os.listdir(b.path)
    assert (b.path / "renamed.bin").read_bytes() == payload

    with open(a.path / "lock", "w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with open(b.path / "lock") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = threading.Event()

            def wait_for_it() -> None:
                fcntl.flock(other, fcntl.LOCK_EX)  # blocks in the server
                got.set()

            t = threading.Thread(target=wait_for_it)
            t.start()
            time.sleep(0.5)
            assert not got.is_set()
            fcntl.flock(holder, fcntl.LOCK_UN)
            t.join(10)
            assert got.is_set()

    with open(a.path / "range", "w") as f:
        fcntl.lockf(f, fcntl.LOCK_EX, 100, 0)
        probe = subprocess.run(
            [sys.executable, "-c", _PROBE, str(b.path / "range")], capture_output=True, text=True
        )
        assert probe.stdout.strip() == "busy"
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(b.path / "range")], capture_output=True, text=True
    )
    assert probe.stdout.strip() == "free"


_PROBE = """
import fcntl, sys
f = open(sys.argv[1], "r+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 50)
    print("free")
except OSError:
    print("busy")
"""


def test_access_point_forces_identity_and_root(plane: DataPlane, mounts: list[Mount]) -> None:
    full = _mount(plane, mounts, "fs-shared")
    (full.path / "outside.txt").write_text("not for the app")
    ap = _mount(plane, mounts, "fs-shared", "--access-point", "fsap-app")
    (ap.path / "made-by-app.txt").write_text("hello")
    os.mkdir(ap.path / "sub")
    st = os.stat(full.path / "app" / "made-by-app.txt")
    assert (st.st_uid, st.st_gid) == (1001, 1001)
    assert os.stat(full.path / "app" / "sub").st_uid == 1001
    assert os.stat(full.path / "app").st_uid == 1001  # created from CreationInfo
    assert sorted(os.listdir(ap.path)) == ["made-by-app.txt", "sub"]
    assert not (ap.path / "outside.txt").exists()
    # On the server, nothing above the access point's root can be named: ".." of the
    # root is the root, and inode numbers not handed to the session are refused.
    host, port = plane.targets["fs-shared"]
    rpc = RpcClient(host, port)
    welcome = rpc.hello("fs-shared", "fsap-app")
    try:
        ctx = [0, 0, []]
        up = codec.attr_in(rpc.call(Op.LOOKUP, ctx, welcome.root_ino, b".."))
        assert up.ino == welcome.root_ino
        with pytest.raises(FsError) as exc:
            rpc.call(Op.GETATTR, 1)  # the file system's real root
        assert exc.value.errno == errno.ESTALE
        with pytest.raises(FsError):
            rpc.call(Op.LOOKUP, ctx, welcome.root_ino, b"outside.txt")
    finally:
        rpc.close()


def test_iam_policy_without_client_write_is_read_only(
    plane: DataPlane, mounts: list[Mount]
) -> None:
    writer = _mount(plane, mounts, "fs-shared")
    (writer.path / "existing.txt").write_text("readable")
    env = {"AWS_ACCESS_KEY_ID": READER_KEY, "AWS_SECRET_ACCESS_KEY": SECRET}
    ro = _mount(plane, mounts, "fs-shared", "--iam", env=env)
    assert (ro.path / "existing.txt").read_text() == "readable"
    with pytest.raises(OSError) as exc:
        (ro.path / "new.txt").write_text("nope")
    assert exc.value.errno in (errno.EROFS, errno.EACCES)
    with pytest.raises(OSError) as exc, open(ro.path / "existing.txt", "a") as f:
        f.write("more")
    assert exc.value.errno in (errno.EROFS, errno.EACCES)

    full = _mount(plane, mounts, "fs-shared", "--iam", env={**env, "AWS_ACCESS_KEY_ID": KEY})
    (full.path / "by-iam.txt").write_text("allowed")

    denied = Mount(plane, "fs-shared", "--iam", env={**env, "AWS_ACCESS_KEY_ID": NOBODY_KEY})
    mounts.append(denied)
    assert denied.error is not None and "ClientMount" in denied.error
    bad = Mount(plane, "fs-shared", "--iam", env={**env, "AWS_SECRET_ACCESS_KEY": "wrong" + SECRET})
    mounts.append(bad)
    assert bad.error is not None and "signature" in bad.error


def test_encrypted_file_system_keeps_no_plaintext(plane: DataPlane, mounts: list[Mount]) -> None:
    m = _mount(plane, mounts, "fs-secret")
    marker = b"FOGBANK-MARKER-" + os.urandom(6).hex().encode()
    (m.path / "small.txt").write_bytes(marker)
    (m.path / "big.bin").write_bytes((marker + b"\n") * 200_000)
    assert (m.path / "small.txt").read_bytes() == marker
    for path in plane.data_dir.rglob("*"):
        if path.is_file():
            assert marker not in path.read_bytes(), f"plaintext found in {path}"


def test_parallel_unaligned_reads_of_one_descriptor(plane: DataPlane, mounts: list[Mount]) -> None:
    """Concurrent, out-of-order reads (as the kernel's read-ahead makes) read back exactly."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    m = _mount(plane, mounts, "fs-shared")
    payload = os.urandom(48 * 1024 * 1024 + 777)
    (m.path / "parallel.bin").write_bytes(payload)
    rng = random.Random(7)
    ranges = [(rng.randrange(0, len(payload)), rng.randrange(1, 3 << 20)) for _ in range(200)]
    fd = os.open(m.path / "parallel.bin", os.O_RDONLY | os.O_DIRECT)
    os.close(fd)
    fd = os.open(m.path / "parallel.bin", os.O_RDONLY)
    try:
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda r: os.pread(fd, r[1], r[0]), ranges))
    finally:
        os.close(fd)
    for (off, size), data in zip(ranges, got, strict=True):
        assert data == payload[off : off + size]


def test_a_name_made_in_one_mount_is_found_at_once_in_another(
    plane: DataPlane, mounts: list[Mount]
) -> None:
    """B knows the directory's whole listing (it just read it), so it answers lookups of
    missing names itself; A's create must make B ask the server again before B's next
    lookup, not whenever B's client gets round to reading the server's notice."""
    a = _mount(plane, mounts, "fs-shared")
    b = _mount(plane, mounts, "fs-shared")
    (a.path / "race").mkdir()
    misses = 0
    for i in range(300):
        assert f"f{i}" not in os.listdir(b.path / "race")  # B's listing is now complete
        (a.path / "race" / f"f{i}").write_bytes(b"x")  # created and closed in A
        try:
            assert (b.path / "race" / f"f{i}").read_bytes() == b"x"
        except FileNotFoundError:
            misses += 1
    assert misses == 0
