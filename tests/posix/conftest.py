"""Targets of the POSIX suite: a local directory and a fogbank EFS mount."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.efs import DataPlane, Mount, fuse_available


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = fuse_available()
    if reason is None:
        return
    for item in items:
        if "tests/posix" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def local_root() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="fogbank-posix-local-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def mount_root() -> Iterator[Path]:
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
