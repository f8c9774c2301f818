"""Targets of the POSIX suite: a local directory and a fogbank EFS mount.

The mount comes from one of two factories (``FOGBANK_POSIX_TARGETS``, comma-separated;
both by default, ``api`` only on PostgreSQL): ``api`` — a live ``fogbank up``, a file
system and a mount target made through the EFS API, mounted with ``fogbank mount FS_ID``
(the metadata store is the suite's backend, SQLite or PostgreSQL); ``standalone`` — the
data-plane server on its own (``rpc/standalone.py``, SQLite), mounted with ``--target``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.efs import ApiMount, DataPlane, Mount, api_file_system, fuse_available
from tests.support.server import FogbankServer

# The standalone data plane keeps its store in SQLite whatever the suite's backend, so
# the PostgreSQL pass runs only the api target: the other would repeat the SQLite pass.
_DEFAULT_TARGETS = (
    "api" if os.environ.get("FOGBANK_TEST_METADATA") == "postgresql" else "api,standalone"
)
TARGETS = [t for t in os.environ.get("FOGBANK_POSIX_TARGETS", _DEFAULT_TARGETS).split(",") if t]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = fuse_available()
    if reason is None:
        return
    for item in items:
        if "tests/posix" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def local_root(mount_root: Path) -> Iterator[Path]:
    """A fresh local directory for each mount target (the checks' directories are named
    after them)."""
    path = Path(tempfile.mkdtemp(prefix="fogbank-posix-local-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _standalone() -> Iterator[Path]:
    plane = DataPlane({"file_systems": [{"id": "fs-posix"}]})
    plane.dir.chmod(0o755)
    plane.start()
    mount = Mount(plane, "fs-posix")
    try:
        if mount.error:
            raise RuntimeError(f"mount failed: {mount.error}")
        mount.path.chmod(0o755)
        yield mount.path
    finally:
        mount.close()
        plane.stop()
        shutil.rmtree(plane.dir, ignore_errors=True)


def _api(metadata_url: str | None) -> Iterator[Path]:
    server = FogbankServer(metadata_url=metadata_url).start()
    parent = Path(tempfile.mkdtemp(prefix="fogbank-posix-mnt-"))
    parent.chmod(0o755)
    mount: ApiMount | None = None
    try:
        fs_id = api_file_system(server, "posix")
        mount = ApiMount(server.cli_env(), fs_id, parent)
        if mount.error:
            raise RuntimeError(f"mount failed: {mount.error}")
        mount.path.chmod(0o755)
        yield mount.path
    finally:
        if mount is not None:
            mount.close()
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="session", params=TARGETS)
def mount_root(
    request: pytest.FixtureRequest, metadata_url_factory: Callable[[], str | None]
) -> Iterator[Path]:
    if request.param == "standalone":
        yield from _standalone()
    elif request.param == "api":
        yield from _api(metadata_url_factory())
    else:
        raise ValueError(f"unknown POSIX target {request.param!r} (api, standalone)")
