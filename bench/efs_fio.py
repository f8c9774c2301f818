"""EFS benchmark: fio sequential 1 MiB write/read on a fogbank mount vs the local disk,
and creating, stat-ing and removing 5,000 files on a fogbank mount vs sshfs to localhost.

    python -m bench.efs_fio [--size 1G] [--files 5000] [--markdown]

Needs fio, sshfs and openssh-server (scripts/setup-system.sh test) and root (for
/dev/fuse, sshd and dropping the page cache between write and read). Everything runs on
loopback; the throwaway sshd listens on 127.0.0.1 only and stops at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.efs import DataPlane, Mount


def drop_caches() -> None:
    os.sync()
    with contextlib.suppress(OSError), open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def fio(directory: Path, rw: str, size: str) -> float:
    """MiB/s of one fio job: sequential 1 MiB blocks, psync, fsync at the end of writes."""
    args = [
        "fio", "--name=seq", f"--directory={directory}", "--filename=fio.dat", f"--rw={rw}",
        "--bs=1M", f"--size={size}", "--ioengine=psync", "--numjobs=1", "--output-format=json",
    ]  # fmt: skip
    if rw == "write":
        args.append("--end_fsync=1")
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    job = json.loads(out.stdout)["jobs"][0]
    part = job["write" if rw == "write" else "read"]
    return float(part["bw_bytes"]) / (1 << 20)


def _tree(pids: list[int]) -> list[int]:
    """``pids`` and all their descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds so far of these processes (all their threads)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def files_benchmark(directory: Path, count: int, pids: list[int]) -> dict[str, float]:
    """Seconds to create (open O_CREAT + close), stat and remove ``count`` files, and the
    CPU milliseconds per file the processes ``pids`` (and descendants) spent on each."""
    work = directory / "many"
    work.mkdir()
    names = [str(work / f"f{i:05d}") for i in range(count)]
    procs = _tree(pids)
    c0, t0 = cpu_seconds(procs), time.perf_counter()
    for n in names:
        os.close(os.open(n, os.O_CREAT | os.O_WRONLY, 0o644))
    c1, t1 = cpu_seconds(procs), time.perf_counter()
    for n in names:
        os.stat(n)
    c2, t2 = cpu_seconds(procs), time.perf_counter()
    for n in names:
        os.unlink(n)
    t3 = time.perf_counter()
    c3 = cpu_seconds(procs)
    work.rmdir()
    ms = 1000 / count
    return {
        "create": t1 - t0, "stat": t2 - t1, "remove": t3 - t2, "total": t3 - t0,
        "create_cpu_ms": (c1 - c0) * ms, "stat_cpu_ms": (c2 - c1) * ms,
        "remove_cpu_ms": (c3 - c2) * ms,
    }  # fmt: skip


@contextlib.contextmanager
def sshfs_mount(base: Path) -> Iterator[tuple[Path, list[int]]]:
    """sshfs to localhost through a throwaway sshd on a loopback port."""
    keys = base / "ssh"
    keys.mkdir(mode=0o700)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host")], check=True
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "user")], check=True
    )
    shutil.copy(keys / "user.pub", keys / "authorized_keys")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPermitRootLogin yes\n"
        f"PasswordAuthentication no\nUsePAM no\nStrictModes no\nPidFile {keys / 'pid'}\n"
        "Subsystem sftp internal-sftp\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    sshd = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL
    )
    remote = base / "sshfs-remote"
    remote.mkdir()
    mnt = base / "sshfs-mnt"
    mnt.mkdir()
    try:
        for _ in range(50):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        subprocess.run(
            [
                "sshfs",
                f"root@127.0.0.1:{remote}",
                str(mnt),
                "-p",
                str(port),
                "-o",
                f"IdentityFile={keys / 'user'},StrictHostKeyChecking=no,"
                "UserKnownHostsFile=/dev/null,LogLevel=ERROR",
            ],
            check=True,
        )
        sshfs = [p for p in _tree([os.getpid()]) if _comm(p) == "sshfs"]
        yield mnt, [sshd.pid, *sshfs]
    finally:
        subprocess.run(["fusermount3", "-u", "-z", str(mnt)], capture_output=True)
        sshd.terminate()
        sshd.wait(10)


def _comm(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    return ""


def _holding(path: Path) -> list[int]:
    """The processes with ``path`` open (the `fogbank mount` client: its log file)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if any(os.readlink(fd) == str(path) for fd in (entry / "fd").iterdir()):
                    found.append(int(entry.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1G", help="fio file size")
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--skip-fio", action="store_true", help="only the files benchmark")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="fogbank-bench-efs-"))
    (base / "plane").mkdir()
    plane = DataPlane({"file_systems": [{"id": "fs-bench"}]}, base / "plane")
    results: dict[str, object] = {}
    mounts: list[Mount] = []
    try:
        plane.start()
        mount = Mount(plane, "fs-bench")
        mounts.append(mount)
        if mount.error:
            raise SystemExit(f"mount failed: {mount.error}")
        local = base / "local"
        local.mkdir()
        for name, where in (
            () if args.skip_fio else (("local disk", local), ("fogbank mount", mount.path))
        ):
            w = fio(where, "write", args.size)
            drop_caches()
            r = fio(where, "read", args.size)
            (where / "fio.dat").unlink()
            results[name] = {"write_mib_s": round(w, 1), "read_mib_s": round(r, 1)}
        assert plane.proc is not None
        pids = [plane.proc.pid, *_holding(mount.log)]
        results["files fogbank mount"] = files_benchmark(mount.path, args.files, pids)
        with sshfs_mount(base) as (ssh, ssh_pids):
            results["files sshfs"] = files_benchmark(ssh, args.files, ssh_pids)
    finally:
        for m in mounts:
            m.close()
        plane.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(results, indent=2))
    if args.markdown:
        print(_markdown(results, args.size, args.files))


def _markdown(results: dict[str, object], size: str, count: int) -> str:
    lines: list[str] = []
    loc, mnt = results.get("local disk"), results.get("fogbank mount")
    if isinstance(loc, dict) and isinstance(mnt, dict):
        lines += [
            f"| fio, 1 MiB sequential, {size} | local disk | fogbank mount | mount / local |",
            "|---|---|---|---|",
        ]
        for key, label in (
            ("write_mib_s", "write (end_fsync), MiB/s"),
            ("read_mib_s", "read, MiB/s"),
        ):
            lines.append(f"| {label} | {loc[key]} | {mnt[key]} | {mnt[key] / loc[key]:.0%} |")
    fb, ss = results["files fogbank mount"], results["files sshfs"]
    assert isinstance(fb, dict) and isinstance(ss, dict)
    lines += [
        "",
        f"| {count} files, seconds | fogbank mount | sshfs to localhost |",
        "|---|---|---|",
    ]
    for key in ("create", "stat", "remove", "total"):
        lines.append(f"| {key} | {fb[key]:.2f} | {ss[key]:.2f} |")
    lines += [
        "",
        "| CPU ms per file (client + server processes) | fogbank mount | sshfs to localhost |",
        "|---|---|---|",
    ]
    for key in ("create", "stat", "remove"):
        k = f"{key}_cpu_ms"
        lines.append(f"| {key} | {fb[k]:.3f} | {ss[k]:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
