"""A zygote: a Python process that imports a command's modules once, then forks a fresh
child for each invocation, so a command-line tool written in Python (the AWS CLI, our
``fogbank`` command) starts in milliseconds instead of a second or more.

Run as ``python zygote.py CONTROL_FD LISTEN_FD PRELOAD...``; ``tests/support/forkrun.py``
starts it and talks to it on the control socket; a shim on PATH
(``tests/support/forkshim.py``) may connect to the listening one. Each request arrives
on either (SOCK_SEQPACKET) as one JSON message carrying four file descriptors: the
child's stdin, stdout and stderr, and a stream socket on which the zygote reports
``{"pid": N}`` when the child is forked and ``{"returncode": N}`` (negative: killed by
that signal, as subprocess reports it) when it has ended. A byte sent on that socket,
or its closing, kills the child. The zygote ends (killing the children it still has)
when the control socket closes.

The zygote itself stays pristine: it only imports modules (no session, no driver, no
state), it is single-threaded (fork is safe), and it never runs the command. The child
sets argv, the environment, the working directory, ``sys.path[0]`` and the standard
streams as the interpreter would for ``python SCRIPT ARGS`` or ``python -m MODULE ARGS``,
runs it with :mod:`runpy`, and exits the way the interpreter does (SystemExit codes,
tracebacks, non-daemon threads joined, atexit handlers, streams flushed).
What a fork cannot make fresh: the str hash seed is the zygote's, and the interpreter's
start-up environment (``PYTHON*``, locale) is the one the zygote was started with (the
client keeps one zygote per such environment).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import io
import json
import os
import runpy
import selectors
import shutil
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

MAX_REQUEST = 1 << 20


def _std_stream(fd: int, like: TextIO | None, write: bool) -> io.TextIOWrapper:
    """A standard stream on ``fd`` made as the interpreter makes one (encoding, errors
    and line buffering as the zygote's own, which the same start-up environment decided;
    line buffering also on a terminal)."""
    assert like is not None, "the zygote runs with stdin, stdout and stderr open"
    stream: io.TextIOWrapper = open(  # noqa: SIM115 (the process's standard stream, never closed)
        fd, "w" if write else "r", encoding=like.encoding, errors=like.errors, closefd=False
    )
    stream.reconfigure(line_buffering=bool(like.line_buffering) or (write and stream.isatty()))
    return stream


def _awscli_data_path() -> None:
    """``import awscli`` rewrites AWS_DATA_PATH from the environment it sees (its own data
    dir appended); the zygote imported it under its own environment, so the child does
    the same with the caller's."""
    awscli = sys.modules.get("awscli")
    if awscli is None:
        return
    paths: list[str] = []
    if "AWS_DATA_PATH" in os.environ:
        for path in os.environ["AWS_DATA_PATH"].split(os.pathsep):
            paths.append(str(Path(os.path.expandvars(path)).expanduser()))
    paths.append(str(Path(str(awscli.__file__)).absolute().parent / "data"))
    awscli._awscli_data_path = paths  # type: ignore[attr-defined]
    os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths)


def _exit_code(exc: SystemExit) -> int:
    """What the interpreter exits with for an uncaught SystemExit."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish(code: int) -> int:
    """The interpreter's shutdown: join non-daemon threads, run atexit, flush."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        try:
            shutdown()
        except BaseException:  # shutdown goes on, as the interpreter's does
            traceback.print_exc()
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except OSError:  # e.g. a closed pipe: the interpreter exits 120 then
        code = 120
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    return code


def _run_child(request: dict[str, Any]) -> int:
    """In the forked child: become ``python SCRIPT ARGS`` / ``python -m MODULE ARGS``."""
    os.environ.clear()
    os.environ.update(request["env"])
    _awscli_data_path()
    os.chdir(request["cwd"])
    sys.stdin = sys.__stdin__ = _std_stream(0, sys.__stdin__, write=False)  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = _std_stream(1, sys.__stdout__, write=True)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _std_stream(2, sys.__stderr__, write=True)  # type: ignore[misc]
    args = list(request["args"])
    try:
        if "script" in request:
            script = str(request["script"])
            sys.argv = [script, *args]
            sys.path.insert(0, str(Path(script).resolve().parent))
            runpy.run_path(script, run_name="__main__")
        else:
            sys.argv = ["-m", *args]
            sys.path.insert(0, str(Path.cwd()))
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:  # what the interpreter does with any uncaught one
        sys.excepthook(*sys.exc_info())
        code = 1
    return _finish(code)


def _fork(request: dict[str, Any], fds: list[int]) -> int:
    """Fork the child for ``request``; its pid (in the zygote)."""
    pid = os.fork()
    if pid != 0:
        return pid
    code = 70
    try:
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        code = _run_child(request)
    finally:
        os._exit(code)


class Zygote:
    """The zygote's single-threaded loop: requests in, children forked, exits reported."""

    def __init__(self, control: socket.socket, listening: socket.socket) -> None:
        self.control = control
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ, ("control", None))
        self.selector.register(listening, selectors.EVENT_READ, ("listen", None))
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pid -> (pidfd, status)

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select():
                kind, pid = key.data
                sock = key.fileobj
                assert isinstance(sock, socket.socket) or kind == "exited"
                if kind == "control":
                    if not self.request(self.control):
                        self.shut_down()
                        return
                elif kind == "listen":
                    with contextlib.suppress(OSError):
                        conn, _ = sock.accept()  # type: ignore[union-attr]
                        self.selector.register(conn, selectors.EVENT_READ, ("client", None))
                elif kind == "client":
                    if not self.request(sock):  # type: ignore[arg-type]
                        self.selector.unregister(sock)
                        sock.close()  # type: ignore[union-attr]
                elif kind == "exited":
                    self.reap(pid)
                else:
                    self.cancelled(pid, sock)  # type: ignore[arg-type]

    def request(self, source: socket.socket) -> bool:
        """Fork the child a request on ``source`` asks for; False when ``source`` ended."""
        try:
            data, fds, _, _ = socket.recv_fds(source, MAX_REQUEST, 4)
        except ConnectionResetError:
            return False
        if not data:
            return False
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            return True  # not a request: the caller sees its status socket closed
        status = socket.socket(fileno=fds[3])
        try:
            pid = _fork(json.loads(data), fds)
        except Exception as exc:  # reported to the caller; the zygote goes on
            self.send(status, {"error": f"{type(exc).__name__}: {exc}"})
            status.close()
            return True
        finally:
            for fd in fds[:3]:
                os.close(fd)
        pidfd = os.pidfd_open(pid)
        self.children[pid] = (pidfd, status)
        self.selector.register(pidfd, selectors.EVENT_READ, ("exited", pid))
        self.selector.register(status, selectors.EVENT_READ, ("cancel", pid))
        self.send(status, {"pid": pid})
        return True

    def cancelled(self, pid: int, status: socket.socket) -> None:
        """The caller gave up (timeout, or it is gone): kill the child (not yet reaped,
        so the pid is still its own)."""
        self.selector.unregister(status)
        with contextlib.suppress(OSError):
            status.recv(64)  # read, so that closing it later sends no reset
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def reap(self, pid: int) -> None:
        pidfd, status = self.children.pop(pid)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, wait_status = os.waitpid(pid, 0)
        with_status = {"returncode": os.waitstatus_to_exitcode(wait_status)}
        if status.fileno() in self.selector.get_map():
            self.selector.unregister(status)
        self.send(status, with_status)
        status.close()

    @staticmethod
    def send(status: socket.socket, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # else the caller is gone
            status.sendall(json.dumps(message).encode() + b"\n")

    def shut_down(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self.reap(pid)


def main(argv: list[str]) -> None:
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]  # this file's folder is no part of the commands' sys.path
    control = socket.socket(fileno=int(argv[1]))
    listening = socket.socket(fileno=int(argv[2]))
    for name in argv[3:]:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # children need not scan (and copy) the preloaded objects
    Zygote(control, listening).serve()
    folder = Path(listening.getsockname()).parent
    if folder.name.startswith("fogbank-zygote-"):  # its socket and shims: the owner may
        shutil.rmtree(folder, ignore_errors=True)  # have exited without removing them


if __name__ == "__main__":
    main(sys.argv)
