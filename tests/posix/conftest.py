"""Targets of the POSIX suite: a local directory and a fogbank EFS mount."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.efs import DataPlane, Mount


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
