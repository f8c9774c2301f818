"""The POSIX conformance suite's machinery: a check is a small function run in a fresh
directory, as root or as another user (a forked child that drops to that uid), whose
answer (a value, or the errno name it failed with) is compared across targets and
against what the POSIX specification says."""

from __future__ import annotations

import errno
import os
import pickle
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ANY = object()  # the specification leaves it open: only compare the targets


@dataclass(frozen=True)
class User:
    uid: int
    gid: int
    groups: tuple[int, ...] = ()


ROOT = User(0, 0)
ALICE = User(1001, 1001)  # owns the files under test
BOB = User(1002, 1002, (1001, 3000))  # in alice's group through a supplementary group
CAROL = User(1003, 1003)  # other


@dataclass(frozen=True)
class Check:
    id: str
    spec: str  # the POSIX (or Linux man page) rule it checks
    run: Callable[[Path], object]
    expect: object = ANY
    user: User = ROOT
    setup: Callable[[Path], None] | None = None  # runs as root first

    def __str__(self) -> str:
        return self.id


def _in_child(fn: Callable[[], object], user: User) -> object:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            os.umask(0o022)
            if user != ROOT:
                os.setgroups(list(user.groups))
                os.setresgid(user.gid, user.gid, user.gid)
                os.setresuid(user.uid, user.uid, user.uid)
            try:
                result: object = ("ok", fn())
            except OSError as exc:
                result = ("ok", errno.errorcode.get(exc.errno or 0, str(exc.errno)))
            payload = pickle.dumps(result)
        except BaseException:
            payload = pickle.dumps(("crash", traceback.format_exc()))
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)  # noqa: S301 - our own child's answer
    if status == "crash":
        raise AssertionError(f"check crashed:\n{value}")
    return value


def execute(check: Check, base: Path) -> object:
    """Run ``check`` in a fresh directory ``base/<id>`` and return its answer."""
    work = base / check.id
    work.mkdir(mode=0o777)
    work.chmod(0o777)
    if check.setup is not None:
        setup = check.setup
        _in_child(lambda: setup(work), ROOT)
    return _in_child(lambda: check.run(work), check.user)
