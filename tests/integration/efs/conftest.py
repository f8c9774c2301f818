"""EFS fixtures: the AWS CLI against the shared server, each test in a region of its own
(file systems, mount targets and EC2 networks are per region), and a place for mounts."""

from __future__ import annotations

import json
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.efs import ApiMount
from tests.support.server import FogbankServer

Cli = Callable[..., Any]


@pytest.fixture
def region(request: pytest.FixtureRequest) -> str:
    return f"eu-efs-{zlib.crc32(request.node.nodeid.encode()) % 1_000_000}"


def cli_for(server: FogbankServer, region: str) -> tuple[Cli, Callable[..., str]]:
    def run(service: str, *args: str, **env: str) -> Any:
        out = server.aws(service, *args, "--region", region, **env)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def fail(service: str, *args: str, **env: str) -> str:
        out = server.aws(service, *args, "--region", region, check=False, **env)
        assert out.returncode != 0, out.stdout
        return out.stderr

    return run, fail


@pytest.fixture
def cli(server: FogbankServer, region: str) -> Cli:
    """``cli("efs", "describe-file-systems")``: the AWS CLI's parsed JSON output."""
    return cli_for(server, region)[0]


@pytest.fixture
def cli_error(server: FogbankServer, region: str) -> Callable[..., str]:
    """``cli_error("efs", "delete-file-system", ...)``: the CLI's error text (it must fail)."""
    return cli_for(server, region)[1]


@pytest.fixture
def efs(server: FogbankServer, region: str) -> Any:
    return server.client("efs", region_name=region)


@pytest.fixture
def mount_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="fogbank-efs-mnt-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Mounts:
    """Mounts made in a test; all unmounted at its end."""

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self.made: list[ApiMount] = []

    def mount(self, env: dict[str, str], fs_id: str, *extra: str) -> ApiMount:
        m = ApiMount(env, fs_id, self.parent, *extra)
        self.made.append(m)
        return m

    def close(self) -> None:
        for m in self.made:
            m.close()


@pytest.fixture
def mounts(mount_dir: Path) -> Iterator[Mounts]:
    made = Mounts(mount_dir)
    yield made
    made.close()


def file_system(cli: Cli, token: str, *extra: str) -> str:
    fs = cli("efs", "create-file-system", "--creation-token", token, *extra)
    return str(fs["FileSystemId"])


def default_subnet(cli: Cli, zone_suffix: str = "a") -> tuple[str, str]:
    """(subnet id, vpc id) of the default subnet in the region's zone ``zone_suffix``."""
    subnets = cli("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")
    for s in subnets["Subnets"]:
        if s["AvailabilityZone"].endswith(zone_suffix):
            return str(s["SubnetId"]), str(s["VpcId"])
    raise AssertionError("no default subnet")
