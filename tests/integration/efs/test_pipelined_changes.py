"""Creates and unlinks the mount client answers before the server has
(``mount/pipelined``): the attributes the caller sees are the ones the server keeps, other
mounts see the change once the directory is fsynced, and an error the server returns
late is reported by that fsync."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import time
from collections.abc import Iterator

import pytest

from fogbank.mount import kernel as k
from fogbank.mount.ops import FuseOps, Request
from fogbank.services.efs.fs.model import FsError, SetAttr
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Op, as_list
from tests.support.efs import DataPlane, Mount, fuse_available

pytestmark = pytest.mark.skipif(fuse_available() is not None, reason=str(fuse_available()))


@pytest.fixture(scope="module")
def plane() -> Iterator[DataPlane]:
    p = DataPlane({"file_systems": [{"id": "fs-pipelined"}]}).start()
    yield p
    p.stop()
    shutil.rmtree(p.dir, ignore_errors=True)


@pytest.fixture
def mounts() -> Iterator[list[Mount]]:
    made: list[Mount] = []
    yield made
    for m in made:
        m.close()


def _mount(plane: DataPlane, made: list[Mount]) -> Mount:
    m = Mount(plane, "fs-pipelined")
    made.append(m)
    assert m.error is None, m.error
    return m


def _fsync_dir(path: os.PathLike[str]) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def test_removed_names_and_directory_times_agree_with_the_server(
    plane: DataPlane, mounts: list[Mount]
) -> None:
    a, b = _mount(plane, mounts), _mount(plane, mounts)
    d = a.path / "many"
    d.mkdir()
    names = [f"f{i:03d}" for i in range(300)]
    for n in names:
        os.close(os.open(d / n, os.O_CREAT | os.O_WRONLY, 0o644))
    before = os.stat(d)
    for n in names[:-1]:
        os.unlink(d / n)
    os.unlink(d / names[-1])
    seen = os.stat(d)  # right after the last unlink returned, answered by A's client
    assert seen.st_mtime_ns > before.st_mtime_ns and seen.st_ctime_ns == seen.st_mtime_ns
    assert os.listdir(d) == []
    _fsync_dir(d)  # every unlink answered by the server, none failed
    after = os.stat(d)
    assert (after.st_mtime_ns, after.st_ctime_ns) == (seen.st_mtime_ns, seen.st_ctime_ns)
    assert os.listdir(b.path / "many") == []
    other = os.stat(b.path / "many")
    assert (other.st_mtime_ns, other.st_ctime_ns) == (seen.st_mtime_ns, seen.st_ctime_ns)
    # A name removed and made again at once: the create is ordered behind the unlink.
    os.close(os.open(d / "again", os.O_CREAT | os.O_WRONLY, 0o644))
    os.unlink(d / "again")
    (d / "again").write_bytes(b"second")
    assert (b.path / "many" / "again").read_bytes() == b"second"
    os.unlink(d / "again")
    with pytest.raises(FileNotFoundError):
        os.unlink(d / "again")
    d.rmdir()  # not pipelined; B's kernel drops its entry once the server's notice is in
    deadline = time.monotonic() + 2
    while (b.path / "many").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not (b.path / "many").exists()


def test_created_files_look_the_same_from_every_mount(
    plane: DataPlane, mounts: list[Mount]
) -> None:
    a, b = _mount(plane, mounts), _mount(plane, mounts)
    umask = os.umask(0)
    os.umask(umask)
    d = a.path / "made"
    d.mkdir()
    os.chown(d, 0, 1234)
    os.chmod(d, 0o2755)  # noqa: S103 - setgid: new files take the directory's group
    for i in range(100):
        fd = os.open(d / f"f{i}", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o640)
        os.close(fd)
    with open(d / "data", "wb") as f:  # written through a handle made before the server
        f.write(b"payload" * 1000)  # answered the create
    mine = {n: os.stat(d / n) for n in os.listdir(d)}
    dir_seen = os.stat(d)
    with pytest.raises(FileExistsError):
        os.open(d / "f7", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o640)
    _fsync_dir(d)
    theirs = {n: os.stat(b.path / "made" / n) for n in os.listdir(b.path / "made")}
    assert sorted(mine) == sorted(theirs) == sorted([*(f"f{i}" for i in range(100)), "data"])

    def key(st: os.stat_result) -> tuple[int, ...]:
        return (st.st_ino, st.st_mode, st.st_uid, st.st_gid, st.st_nlink, st.st_size,
                st.st_mtime_ns, st.st_ctime_ns)  # fmt: skip

    for n, st in mine.items():
        assert key(st) == key(theirs[n]) == key(os.stat(d / n)), n
        assert st.st_gid == 1234
        assert stat.S_IMODE(st.st_mode) == (0o666 if n == "data" else 0o640) & ~umask
    assert len({st.st_ino for st in mine.values()}) == 101
    assert (b.path / "made" / "data").read_bytes() == b"payload" * 1000
    other = os.stat(b.path / "made")
    assert (other.st_mtime_ns, other.st_ctime_ns) == (dir_seen.st_mtime_ns, dir_seen.st_ctime_ns)
    shutil.rmtree(d)
    deadline = time.monotonic() + 2
    while (b.path / "made").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not (b.path / "made").exists()


def _req(opcode: int, nodeid: int, body: bytes, uid: int = 0) -> Request:
    return Request(opcode, 1, nodeid, uid, uid, os.getpid(), body)


def test_a_late_error_is_reported_by_fsync_of_the_directory(plane: DataPlane) -> None:
    """The client's requests made by hand, as the kernel sends them; this client is not
    given the server's notices, standing in for a notice still on its way."""
    host, port = plane.targets["fs-pipelined"]
    rpc_a, rpc_b = RpcClient(host, port), RpcClient(host, port)
    try:
        welcome = rpc_a.hello("fs-pipelined")
        rpc_b.hello("fs-pipelined")
        ops = FuseOps(rpc_a, welcome.root_ino, 30.0)
        ops.pipelining, ops.root_access = True, welcome.root_access
        made = ops.mkdir(_req(k.Opcode.MKDIR, 1, k.MKDIR_IN.pack(0o777, 0) + b"shared\0"))
        d = k.ENTRY_OUT_HEAD.unpack_from(made)[0]  # the new directory's node id
        for name in (b"first", b"victim"):
            body = k.MKNOD_IN.pack(stat.S_IFREG | 0o644, 0, 0, 0) + name + b"\0"
            ops.mknod(_req(k.Opcode.MKNOD, d, body, uid=1000))
        # The first unlink waits for the server (it learns the server's clock).
        ops.unlink(_req(k.Opcode.UNLINK, d, b"first\0", uid=1000))
        # Another client takes write permission on the directory away from uid 1000.
        rpc_b.call(Op.LOOKUP, [0, 0, []], welcome.root_ino, b"shared")
        rpc_b.call(Op.SETATTR, [0, 0, []], d, codec.setattr_out(SetAttr(mode=0o755)))
        assert ops.unlink(_req(k.Opcode.UNLINK, d, b"victim\0", uid=1000)) == b""  # pipelined
        opened = ops.opendir(_req(k.Opcode.OPENDIR, d, k.OPEN_IN.pack(os.O_RDONLY, 0)))
        fh = k.OPEN_OUT.unpack_from(opened)[0]
        with pytest.raises(FsError) as exc:
            ops.fsyncdir(_req(k.Opcode.FSYNCDIR, d, k.FSYNC_IN.pack(fh, 0, 0)))
        assert exc.value.errno == errno.EACCES
        ops.fsyncdir(_req(k.Opcode.FSYNCDIR, d, k.FSYNC_IN.pack(fh, 0, 0)))  # reported once
        # The name is still there, for the server and again for this client.
        found = as_list(rpc_b.call(Op.LOOKUP, [0, 0, []], d, b"victim"))
        assert stat.S_ISREG(codec.attr_in(found).mode)
        assert not ops.listings.absent(d, b"victim")
        with pytest.raises(FsError) as exc:  # asked now, the server says no at once
            ops.unlink(_req(k.Opcode.UNLINK, d, b"victim\0", uid=1000))
        assert exc.value.errno == errno.EACCES

        # A create of a name this client thinks free, made by the other client meanwhile.
        made = ops.mkdir(_req(k.Opcode.MKDIR, 1, k.MKDIR_IN.pack(0o777, 0) + b"fresh\0"))
        e = k.ENTRY_OUT_HEAD.unpack_from(made)[0]
        rpc_b.call(Op.LOOKUP, [0, 0, []], welcome.root_ino, b"fresh")
        rpc_b.call(Op.CREATE, [0, 0, []], e, b"clash", stat.S_IFREG | 0o600, 0, None, None)
        body = k.CREATE_IN.pack(os.O_WRONLY | os.O_CREAT, stat.S_IFREG | 0o644, 0, 0)
        ops.create(_req(k.Opcode.CREATE, e, body + b"clash\0"))  # answered here
        opened = ops.opendir(_req(k.Opcode.OPENDIR, e, k.OPEN_IN.pack(os.O_RDONLY, 0)))
        fh = k.OPEN_OUT.unpack_from(opened)[0]
        with pytest.raises(FsError) as exc:
            ops.fsyncdir(_req(k.Opcode.FSYNCDIR, e, k.FSYNC_IN.pack(fh, 0, 0)))
        assert exc.value.errno == errno.EEXIST
        assert not ops.listings.absent(e, b"clash")  # the listing is asked for again
        kept = codec.attr_in(as_list(rpc_b.call(Op.LOOKUP, [0, 0, []], e, b"clash")))
        assert stat.S_IMODE(kept.mode) == 0o600  # the other client's file, untouched
    finally:
        rpc_a.close()
        rpc_b.close()
