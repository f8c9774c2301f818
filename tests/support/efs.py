"""A data-plane server and FUSE mounts for tests and benchmarks, through the Python APIs
and the `fogbank mount` command (no HTTP API needed), forked from a zygote
(tests/support/forkrun.py) as every run of our CLI in the tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import forkrun
from tests.support.server import FogbankServer

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def fuse_available() -> str | None:
    """Why FUSE mounts cannot be tested here, or None if they can."""
    if not Path("/dev/fuse").exists():
        return "no /dev/fuse"
    if os.geteuid() != 0:
        return "FUSE mount tests run as root (they switch users)"
    if shutil.which("fusermount3") is None:
        return "fuse3 is not installed (scripts/setup-system.sh)"
    return None


class DataPlane:
    """``python -m fogbank.services.efs.rpc.standalone`` with a config of our own."""

    def __init__(self, config: dict[str, object], workdir: Path | None = None) -> None:
        self.dir = workdir or Path(tempfile.mkdtemp(prefix="fogbank-efs-"))
        self.data_dir = self.dir / "data"
        config = {"data_dir": str(self.data_dir), **config}
        self.config_path = self.dir / "config.json"
        self.config_path.write_text(json.dumps(config))
        self.targets: dict[str, tuple[str, int]] = {}
        self.proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 30.0) -> DataPlane:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fogbank.services.efs.rpc.standalone", str(self.config_path)],
            stdout=subprocess.PIPE,
            stderr=open(self.dir / "server.log", "w"),  # noqa: SIM115
            text=True,
            env=ENV,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"data plane exited: {(self.dir / 'server.log').read_text()}")
            if line.startswith("READY "):
                _, fs_id, host, port = line.split()
                self.targets[fs_id] = (host, int(port))
            if line.startswith("ALL READY"):
                return self
        raise RuntimeError("data plane did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Mount:
    """`fogbank mount` at a fresh mount point; always unmounted (lazily) by ``close``."""

    def __init__(
        self,
        plane: DataPlane,
        fs_id: str,
        *extra: str,
        env: dict[str, str] | None = None,
        parent: Path | None = None,
    ) -> None:
        parent = parent or plane.dir
        self.path = Path(tempfile.mkdtemp(prefix="mnt-", dir=parent))
        self.path.chmod(0o755)
        host, port = plane.targets[fs_id]
        self.log = plane.dir / f"{self.path.name}.log"
        args = [
            "mount", fs_id, str(self.path),
            "--target", f"{host}:{port}", "--log-file", str(self.log), *extra,
        ]  # fmt: skip
        proc = forkrun.run(
            forkrun.fogbank_cli(), args, env={**ENV, **(env or {})}, check=False, timeout=60
        )
        self.error = proc.stderr.strip() if proc.returncode else None

    def close(self) -> None:
        subprocess.run(["fusermount3", "-u", "-z", str(self.path)], capture_output=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def unmount_all(paths: list[Path]) -> None:
    for path in paths:
        subprocess.run(["fusermount3", "-u", "-z", str(path)], capture_output=True)


class ApiMount:
    """``fogbank mount FS_ID MOUNTPOINT`` against a live ``fogbank up``: the mount target is
    found through the EFS API with the server's credentials (or ``env``'s)."""

    def __init__(
        self,
        env: dict[str, str],
        fs_id: str,
        parent: Path,
        *extra: str,
    ) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="mnt-", dir=parent))
        self.path.chmod(0o755)
        self.log = parent / f"{self.path.name}.log"
        args = ["mount", fs_id, str(self.path), "--log-file", str(self.log), *extra]
        env = {**env, "PYTHONPATH": ENV["PYTHONPATH"]}
        proc = forkrun.run(forkrun.fogbank_cli(), args, env=env, check=False, timeout=90)
        self.error = proc.stderr.strip() if proc.returncode else None

    def close(self) -> None:
        subprocess.run(["fusermount3", "-u", "-z", str(self.path)], capture_output=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def api_file_system(server: FogbankServer, token: str, *, encrypted: bool = False) -> str:
    """A file system made through the EFS API, with a mount target in the default subnet
    of us-east-1a whose security group admits 127.0.0.1 on tcp/2049; its id."""
    efs = server.client("efs")
    ec2 = server.client("ec2")
    fs_id = str(efs.create_file_system(CreationToken=token, Encrypted=encrypted)["FileSystemId"])
    subnets = ec2.describe_subnets(
        Filters=[
            {"Name": "default-for-az", "Values": ["true"]},
            {"Name": "availability-zone", "Values": ["us-east-1a"]},
        ]
    )["Subnets"]
    group = ec2.create_security_group(GroupName=f"nfs-{token}", Description="nfs")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=2049, ToPort=2049, CidrIp="127.0.0.1/32"
    )
    efs.create_mount_target(
        FileSystemId=fs_id, SubnetId=subnets[0]["SubnetId"], SecurityGroups=[group]
    )
    return fs_id
