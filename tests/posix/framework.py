"""The POSIX conformance suite's machinery: a check is a small function run in a fresh
directory, as root or as another user (a forked child that drops to that uid), whose
answer (a value, or the errno name it failed with) is compared across targets and
against what the POSIX specification says."""

from __future__ import annotations

import errno
import os
import pickle
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


def child_answer(fn: Callable[[], object], user: User) -> bytes:
    """Run ``fn`` in a forked child as ``user``; its answer, pickled: ``("ok", value)``
    (an OSError becomes its errno name) or ``("crash", traceback)``."""
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
    return data


def run_phase(check: Check, phase: str, work: Path) -> bytes:
    """A check's ``setup`` (as root) or ``run`` (as its user) in ``work``, in a child."""
    if phase == "setup":
        setup = check.setup
        assert setup is not None
        return child_answer(lambda: setup(work), ROOT)
    return child_answer(lambda: check.run(work), check.user)


class _Runner:
    """A small process (``tests.posix.runner``) that forks the checks' children.

    Forking the test process itself costs what its memory costs: an xdist worker that
    has run a few thousand tests holds 250-300 MB, and each fork of it took about 60 ms
    here, four of them per check. The runner holds only the checks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "tests.posix.runner"],
                cwd=Path(__file__).resolve().parents[2],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._proc

    def answer(self, check: Check, phase: str, work: Path) -> bytes:
        with self._lock:
            proc = self._started()
            assert proc.stdin is not None and proc.stdout is not None
            write_frame(proc.stdin, pickle.dumps((check.id, phase, str(work))))
            data = read_frame(proc.stdout)
            if data is None:
                raise AssertionError(f"the POSIX runner exited (code {proc.wait()})")
            return data


def write_frame(out: BinaryIO, data: bytes) -> None:
    out.write(struct.pack(">I", len(data)) + data)
    out.flush()


def read_frame(inp: BinaryIO) -> bytes | None:
    head = inp.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    data = inp.read(size)
    return data if len(data) == size else None


_RUNNER = _Runner()


def _decode(data: bytes) -> object:
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
        _decode(_RUNNER.answer(check, "setup", work))
    return _decode(_RUNNER.answer(check, "run", work))
