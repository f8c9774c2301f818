"""A stand-in for a Python command on PATH (``aws``) that has the command forked from a
zygote (``tests/support/zygote.py``) instead of starting an interpreter and importing
it: for tests that run shell scripts as a user would (``bash -c "aws ..."``).

The forked child gets this process's own stdin, stdout and stderr, environment, working
directory and arguments, so it reads and writes exactly what the real command started
here would; this process waits for it and exits with its exit code (or dies of its
signal). When the zygote is not there, or this process's interpreter start-up
environment is not the zygote's, it execs the real command instead.

Standard library only, and quick to start: it runs as ``python -S``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

STARTUP_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "HOME")  # HOME: user site


def startup_environment(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The part of ``env`` that acts when an interpreter starts (a zygote's identity)."""
    return sorted(
        (k, v) for k, v in env.items() if k.startswith("PYTHON") or k in STARTUP_VARIABLES
    )


def shim_source(python: str, socket_path: str, script: str, startup: str) -> str:
    """The text of an executable shim for ``script`` served by the zygote at
    ``socket_path`` (``startup``: its start-up environment, as JSON)."""
    return (
        f"#!{python} -S\n"
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "import forkshim\n"
        f"forkshim.main({socket_path!r}, {script!r}, {startup!r}, {python!r})\n"
    )


def _forked(socket_path: str, script: str, args: Sequence[str]) -> int | None:
    """Run ``script args`` as a child of the zygote; its exit code (None: no zygote)."""
    request = {
        "args": list(args),
        "env": dict(os.environ),
        "cwd": str(Path.cwd()),
        "script": script,
    }
    mine, theirs = socket.socketpair()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.connect(socket_path)
            socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2, theirs.fileno()])
    except OSError:
        return None
    finally:
        theirs.close()
    buffered = b""
    started = False
    with mine:
        while True:
            data = mine.recv(65536)
            if not data:
                if started:
                    raise SystemExit(f"{script}: the zygote died; the exit code is unknown")
                return None
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                message = json.loads(line)
                if "returncode" in message:
                    return int(message["returncode"])
                if "error" in message:
                    return None
                started = True


def main(socket_path: str, script: str, startup: str, python: str) -> None:
    args = sys.argv[1:]
    code = None
    if json.loads(startup) == [list(p) for p in startup_environment(os.environ)]:
        code = _forked(socket_path, script, args)
    if code is None:
        os.execv(python, [python, script, *args])  # noqa: S606 (the real command, as given)
    if code < 0:  # killed by a signal: die of it too, as a shell would see the real one
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)
