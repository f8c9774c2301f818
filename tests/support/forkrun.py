"""Run a Python command-line tool (the AWS CLI, ``python -m fogbank``) as a fresh process
forked from a zygote that has imported it already (``tests/support/zygote.py``): the
real tool, its real code, a process of its own per call, but without paying a second
or more of interpreter start-up and imports each time.

:func:`run` answers like ``subprocess.run(argv, env=..., capture_output=True,
text=True, check=..., timeout=...)``: a CompletedProcess with the exit code and the
decoded output, CalledProcessError / TimeoutExpired as subprocess raises them.

One zygote per test process (so per pytest-xdist worker), per command and per
interpreter start-up environment (``PYTHON*`` variables and the locale: what a forked
child cannot change); started on first use, ended when the process exits. When a zygote
cannot be started or has died, the call runs as a plain subprocess; so it does with
``FOGBANK_TEST_FORK=0`` in the environment.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import locale
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support import forkshim

ZYGOTE = Path(__file__).with_name("zygote.py")
KILL_GRACE = 10.0


@dataclass(frozen=True)
class Command:
    """A Python tool: what ``subprocess`` would run (``argv``), how the zygote runs it (a
    ``script`` path or a ``module`` for ``-m``), and the modules it imports up front."""

    argv: tuple[str, ...]
    preload: tuple[str, ...]
    script: str | None = None
    module: str | None = None


def aws_cli() -> Command:
    """The AWS CLI of this interpreter's environment (its ``bin/aws`` script)."""
    script = str(Path(sys.executable).parent / "aws")
    return Command(
        argv=(script,),
        script=script,
        preload=("awscli.clidriver", "awscli.handlers"),
    )


def fogbank_cli() -> Command:
    """``python -m fogbank`` (its admin commands and ``mount``, which daemonizes: its
    background client is forked from the command's process as always; not ``up``)."""
    return Command(
        argv=(sys.executable, "-m", "fogbank"),
        module="fogbank",
        preload=(
            "fogbank.cli.main",
            "fogbank.cli.status",
            "fogbank.cli.clock",
            "fogbank.cli.account",
            "fogbank.cli.credentials",
            "fogbank.cli.mount",
            "botocore.session",
            "botocore.client",
            "botocore.auth",
            "urllib.request",
        ),
    )


def startup_environment(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The part of ``env`` that acts when an interpreter starts (a zygote's identity)."""
    return tuple(forkshim.startup_environment(env))


class ZygoteGone(Exception):
    """The zygote is not there (or died before it forked the child): run a subprocess."""


class Zygote:
    """The client side of one zygote process."""

    def __init__(self, command: Command, startup: tuple[tuple[str, str], ...]) -> None:
        self.command = command
        self.startup = startup
        self.lock = threading.Lock()
        self.dir = Path(tempfile.mkdtemp(prefix="fogbank-zygote-"))
        self.socket_path = str(self.dir / "socket")
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            listening.bind(self.socket_path)
            listening.listen(64)
            fds = [theirs.fileno(), listening.fileno()]
            self.proc = subprocess.Popen(
                [sys.executable, str(ZYGOTE), *map(str, fds), *command.preload],
                pass_fds=fds,
                env=dict(startup),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        except BaseException:
            self.control.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        finally:
            theirs.close()
            listening.close()

    def shim(self) -> Path:
        """A folder holding an executable named as the command's script that has it
        forked from this zygote (tests/support/forkshim.py): put it first on PATH."""
        assert self.command.script is not None, "shims are for script commands"
        folder = self.dir / "bin"
        path = folder / Path(self.command.script).name
        if not path.exists():
            folder.mkdir(exist_ok=True)
            startup = json.dumps([list(p) for p in self.startup])
            path.write_text(
                forkshim.shim_source(sys.executable, self.socket_path, self.command.script, startup)
            )
            path.chmod(0o755)
        return folder

    def run(
        self, args: Sequence[str], env: Mapping[str, str], cwd: str, timeout: float | None
    ) -> tuple[int, bytes, bytes]:
        request: dict[str, object] = {"args": list(args), "env": dict(env), "cwd": cwd}
        if self.command.script is not None:
            request["script"] = self.command.script
        else:
            request["module"] = self.command.module
        mine, theirs = socket.socketpair()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            with self.lock:
                socket.send_fds(
                    self.control,
                    [json.dumps(request).encode()],
                    [null, out_w, err_w, theirs.fileno()],
                )
        except OSError as exc:
            for fd in (out_r, err_r):
                os.close(fd)
            mine.close()
            raise ZygoteGone(str(exc)) from exc
        finally:
            for fd in (null, out_w, err_w):
                os.close(fd)
            theirs.close()
        with mine:
            return _collect(mine, out_r, err_r, args, timeout)

    def close(self) -> None:
        self.control.close()  # the zygote ends its children and itself on EOF
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _collect(
    status: socket.socket, out_r: int, err_r: int, args: Sequence[str], timeout: float | None
) -> tuple[int, bytes, bytes]:
    """Read the child's output and its exit code; on timeout have it killed, then raise
    TimeoutExpired with what it wrote (as subprocess.run does)."""
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    messages = b""
    pid: int | None = None
    returncode: int | None = None
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    with selectors.DefaultSelector() as sel:
        sel.register(out_r, selectors.EVENT_READ)
        sel.register(err_r, selectors.EVENT_READ)
        sel.register(status, selectors.EVENT_READ)
        try:
            while sel.get_map():
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                ready = sel.select(wait)
                if not ready and deadline is not None and time.monotonic() >= deadline:
                    if timed_out:
                        raise RuntimeError(f"{args!r}: not ended {KILL_GRACE}s after a kill")
                    timed_out = True
                    with contextlib.suppress(OSError):
                        status.send(b"k")  # the zygote kills the child
                    deadline = time.monotonic() + KILL_GRACE
                    continue
                for key, _ in ready:
                    if key.fileobj is status:
                        try:
                            data = status.recv(65536)
                        except ConnectionResetError:
                            data = b""
                        if not data:
                            sel.unregister(status)
                            continue
                        messages += data
                        while b"\n" in messages:
                            line, messages = messages.split(b"\n", 1)
                            message = json.loads(line)
                            if "error" in message:
                                raise ZygoteGone(str(message["error"]))
                            pid = message.get("pid", pid)
                            returncode = message.get("returncode", returncode)
                    else:
                        fd = int(key.fd)
                        data = os.read(fd, 65536)
                        if data:
                            chunks[fd].append(data)
                        else:
                            sel.unregister(fd)
        finally:
            os.close(out_r)
            os.close(err_r)
    stdout, stderr = b"".join(chunks[out_r]), b"".join(chunks[err_r])
    if pid is None:
        raise ZygoteGone("the zygote ended before it forked the command")
    if timed_out:
        raise subprocess.TimeoutExpired(list(args), timeout or 0.0, stdout, stderr)
    if returncode is None:
        raise RuntimeError(f"{args!r}: the zygote died; the command's exit code is unknown")
    return returncode, stdout, stderr


class Zygotes:
    """This process's zygotes, one per (command, start-up environment), made on demand."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.owner = os.getpid()
        self.fallbacks = 0
        self.made: dict[tuple[Command, tuple[tuple[str, str], ...]], Zygote] = {}
        self.broken: set[tuple[Command, tuple[tuple[str, str], ...]]] = set()
        self.warned = False
        atexit.register(self.close)

    def get(self, command: Command, env: Mapping[str, str]) -> Zygote | None:
        if os.environ.get("FOGBANK_TEST_FORK", "1") == "0":
            return None
        key = (command, startup_environment(env))
        with self.lock:
            if os.getpid() != self.owner:  # a forked copy of this process: not ours
                self.made, self.broken, self.owner = {}, set(), os.getpid()
            if key in self.broken:
                return None
            zygote = self.made.get(key)
            if zygote is None:
                try:
                    zygote = self.made[key] = Zygote(command, key[1])
                except OSError as exc:
                    self.fell_back(command, env, str(exc))
                    return None
            return zygote

    def fell_back(self, command: Command, env: Mapping[str, str], why: str) -> None:
        """The zygote for (command, env) is gone: subprocesses from now on."""
        key = (command, startup_environment(env))
        with self.lock:
            self.broken.add(key)
            zygote = self.made.pop(key, None)
        if zygote is not None:
            zygote.close()
        self.fallbacks += 1
        if not self.warned:
            self.warned = True
            warnings.warn(f"zygote unavailable, running subprocesses: {why}", stacklevel=3)

    def close(self) -> None:
        with self.lock:
            made, self.made = self.made, {}
        if os.getpid() == self.owner:
            for zygote in made.values():
                zygote.close()


ZYGOTES = Zygotes()


def shim_folder(
    command: Command, env: Mapping[str, str], zygotes: Zygotes = ZYGOTES
) -> Path | None:
    """A folder to put first on the PATH of ``env`` so that the command's name (``aws``)
    runs forked from a zygote, for scripts that call it; None: leave PATH as it is."""
    zygote = zygotes.get(command, env)
    return zygote.shim() if zygote is not None else None


def _text(data: bytes) -> str:
    """subprocess's text mode: the locale's encoding, universal newlines."""
    encoding = "utf-8" if sys.flags.utf8_mode else locale.getencoding()
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def run(
    command: Command,
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    check: bool = True,
    timeout: float | None = None,
    cwd: str | None = None,
    zygotes: Zygotes = ZYGOTES,
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([*command.argv, *args], env=env, capture_output=True, text=True,
    check=check, timeout=timeout, cwd=cwd, stdin=DEVNULL)``, forked from a zygote when
    one is there."""
    argv = [*command.argv, *args]
    zygote = zygotes.get(command, env)
    if zygote is not None:
        try:
            code, out, err = zygote.run(args, env, cwd or str(Path.cwd()), timeout)
        except ZygoteGone as exc:
            zygotes.fell_back(command, env, str(exc))
        else:
            if check and code:
                raise subprocess.CalledProcessError(code, argv, _text(out), _text(err))
            return subprocess.CompletedProcess(argv, code, _text(out), _text(err))
    return subprocess.run(
        argv,
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
