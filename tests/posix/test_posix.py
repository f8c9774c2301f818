"""The POSIX conformance suite: every check runs on a local directory and on a live
fogbank EFS mount in the same run, and both must give the same answer (and the one the
specification gives, where it gives one). Known, intended differences are listed in
``differences.py`` and in docs/efs.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.posix.catalog import CHECKS
from tests.posix.differences import DIFFERENCES
from tests.posix.framework import ANY, Check, execute


def _params() -> list[object]:
    out: list[object] = []
    for check in CHECKS:
        marks = []
        if check.id in DIFFERENCES:
            marks.append(pytest.mark.xfail(reason=DIFFERENCES[check.id], strict=True))
        out.append(pytest.param(check, id=check.id, marks=marks))
    return out


def test_ids_are_unique() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 400


@pytest.mark.parametrize("check", _params())
def test_posix(check: Check, local_root: Path, mount_root: Path) -> None:
    local = execute(check, local_root)
    mounted = execute(check, mount_root)
    if check.expect is not ANY:
        assert local == check.expect, "the local file system disagrees with the check"
    assert mounted == local
