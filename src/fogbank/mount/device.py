"""Opening /dev/fuse, mounting and unmounting.

As root the client calls mount(2) itself; otherwise it asks ``fusermount3`` (setuid)
to mount and hand the device back over a Unix socket, as libfuse does.
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import functools
import os
import socket
import subprocess
from pathlib import Path

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MNT_DETACH = 2


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _options(fd: int | None, read_only: bool, kernel_checks: bool) -> str:
    opts = [
        "rootmode=40000",
        f"user_id={os.getuid()}",
        f"group_id={os.getgid()}",
        "allow_other",
    ]
    if kernel_checks:
        # The kernel checks permissions against the attributes it caches (as NFS clients
        # do); the server checks again. Without it, names resolved from the kernel's
        # dentry cache would skip the server's search-permission check.
        opts.append("default_permissions")
    if fd is not None:
        opts.insert(0, f"fd={fd}")
    if read_only:
        opts.append("ro")
    return ",".join(opts)


def mount(mountpoint: Path, source: str, read_only: bool, kernel_checks: bool = True) -> int:
    """Mount a FUSE file system at ``mountpoint``; returns the /dev/fuse descriptor."""
    if os.geteuid() == 0:
        fd = os.open("/dev/fuse", os.O_RDWR | os.O_CLOEXEC)
        flags = MS_NOSUID | MS_NODEV | (MS_RDONLY if read_only else 0)
        opts = _options(fd, False, kernel_checks)
        rc = _libc().mount(
            source.encode(), str(mountpoint).encode(), b"fuse.fogbank", flags, opts.encode()
        )
        if rc != 0:
            err = ctypes.get_errno()
            os.close(fd)
            raise OSError(err, f"mount {mountpoint}: {os.strerror(err)}")
        return fd
    return _fusermount(mountpoint, source, read_only, kernel_checks)


def _fusermount(mountpoint: Path, source: str, read_only: bool, kernel_checks: bool) -> int:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    env = dict(os.environ, _FUSE_COMMFD=str(theirs.fileno()))
    opts = _options(None, read_only, kernel_checks).replace("rootmode=40000,", "")
    proc = subprocess.run(
        ["fusermount3", "-o", f"{opts},fsname={source},subtype=fogbank", "--", str(mountpoint)],
        env=env,
        pass_fds=(theirs.fileno(),),
        capture_output=True,
        check=False,
    )
    theirs.close()
    try:
        if proc.returncode != 0:
            raise OSError(f"fusermount3 failed: {proc.stderr.decode().strip()}")
        fds = array.array("i")
        _, ancdata, _, _ = ours.recvmsg(1, socket.CMSG_LEN(fds.itemsize))
        for level, kind, data in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: fds.itemsize])
        if not fds:
            raise OSError("fusermount3 did not pass the device")
        return fds[0]
    finally:
        ours.close()


def unmount(mountpoint: Path, lazy: bool = False) -> None:
    if os.geteuid() == 0:
        if _libc().umount2(str(mountpoint).encode(), MNT_DETACH if lazy else 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"umount {mountpoint}: {os.strerror(err)}")
        return
    args = ["fusermount3", "-u"] + (["-z"] if lazy else []) + [str(mountpoint)]
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        raise OSError(f"fusermount3 -u failed: {proc.stderr.decode().strip()}")


def raise_readahead(mountpoint: Path, kib: int = 8192) -> bool:
    """Let the kernel read ahead in large requests (its default for FUSE is 128 KiB)."""
    dev = mountpoint.stat().st_dev
    knob = Path(f"/sys/class/bdi/{os.major(dev)}:{os.minor(dev)}/read_ahead_kb")
    try:
        knob.write_text(str(kib))
    except OSError:
        return False
    return True


def is_mounted(mountpoint: Path) -> bool:
    target = os.path.realpath(mountpoint)
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == target for line in f if len(line.split()) > 1)
