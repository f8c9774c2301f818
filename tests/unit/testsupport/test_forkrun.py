"""The zygote runner (tests/support/forkrun.py) answers as ``subprocess.run`` does, and
every call is a fresh process: exit codes, streams, environment, cwd, timeouts, and the
fall-back to a plain subprocess when the zygote is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import forkrun

SCRIPT = r"""
import json, os, sys, time
import email.utils  # a preloaded module, to mutate

action = sys.argv[1]
if action == "echo":
    print(json.dumps({
        "argv": sys.argv, "path0": sys.path[0], "cwd": os.getcwd(), "pid": os.getpid(),
        "ppid": os.getppid(),
        "env": {k: os.environ.get(k) for k in ("ZYGOTE_A", "ZYGOTE_B")},
        "marked": getattr(email.utils, "ZYGOTE_MARK", None),
        "stdin": sys.stdin.read(),
    }))
    email.utils.ZYGOTE_MARK = "set by an earlier call"
    os.environ["ZYGOTE_B"] = "set inside a call"
elif action == "exit":
    sys.stdout.write("out-text")
    sys.stderr.write("err-text")
    sys.exit(int(sys.argv[2]))
elif action == "message":
    sys.exit("a message for stderr")
elif action == "raise":
    raise ValueError("boom")
elif action == "big":
    sys.stdout.write("o" * 300_000)
    sys.stderr.write("e" * 300_000)
elif action == "sleep":
    print(os.getpid(), flush=True)
    time.sleep(60)
elif action == "atexit":
    import atexit
    atexit.register(lambda: print("atexit ran"))
elif action == "newlines":
    sys.stdout.buffer.write("crlf\r\nhéllo\r".encode())
"""


@pytest.fixture
def command(tmp_path: Path) -> forkrun.Command:
    script = tmp_path / "bin" / "tool.py"
    script.parent.mkdir()
    script.write_text(SCRIPT)
    return forkrun.Command(
        argv=(sys.executable, str(script)), script=str(script), preload=("json", "email.utils")
    )


@pytest.fixture
def zygotes() -> Iterator[forkrun.Zygotes]:
    made = forkrun.Zygotes()
    yield made
    made.close()


def run(
    command: forkrun.Command, zygotes: forkrun.Zygotes, *args: str, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update({k: str(v) for k, v in kwargs.pop("env", {}).items()})  # type: ignore[attr-defined]
    done = forkrun.run(command, args, env=env, zygotes=zygotes, **kwargs)  # type: ignore[arg-type]
    assert zygotes.fallbacks == 0
    return done


def test_exit_codes_and_streams(command: forkrun.Command, zygotes: forkrun.Zygotes) -> None:
    done = run(command, zygotes, "exit", "3", check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out-text", "err-text")
    assert done.args == [*command.argv, "exit", "3"]
    assert run(command, zygotes, "exit", "0").returncode == 0
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run(command, zygotes, "exit", "7")
    assert failed.value.returncode == 7
    assert (failed.value.stdout, failed.value.stderr) == ("out-text", "err-text")
    message = run(command, zygotes, "message", check=False)
    assert (message.returncode, message.stderr) == (1, "a message for stderr\n")
    raised = run(command, zygotes, "raise", check=False)
    assert raised.returncode == 1
    assert "Traceback" in raised.stderr and "ValueError: boom" in raised.stderr
    assert run(command, zygotes, "atexit").stdout == "atexit ran\n"


def test_same_answers_as_a_subprocess(command: forkrun.Command, zygotes: forkrun.Zygotes) -> None:
    for args in (["exit", "4"], ["message"], ["newlines"]):
        forked = run(command, zygotes, *args, check=False)
        plain = subprocess.run(
            [*command.argv, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        assert (forked.returncode, forked.stdout, forked.stderr) == (
            plain.returncode,
            plain.stdout,
            plain.stderr,
        )
    assert run(command, zygotes, "newlines").stdout == "crlf\nhéllo\n"


def test_each_call_is_a_fresh_process(
    command: forkrun.Command, zygotes: forkrun.Zygotes, tmp_path: Path
) -> None:
    import json

    first = json.loads(run(command, zygotes, "echo", "x", env={"ZYGOTE_A": "one"}).stdout)
    second = json.loads(run(command, zygotes, "echo", "y", cwd=str(tmp_path)).stdout)
    assert first["env"] == {"ZYGOTE_A": "one", "ZYGOTE_B": None}
    assert second["env"] == {"ZYGOTE_A": None, "ZYGOTE_B": None}  # nothing carried over
    assert first["marked"] is None and second["marked"] is None
    assert first["pid"] != second["pid"] and os.getpid() not in (first["pid"], second["pid"])
    assert first["argv"] == [command.script, "echo", "x"]
    assert first["path0"] == str(Path(str(command.script)).parent)
    assert (first["cwd"], second["cwd"]) == (str(Path.cwd()), str(tmp_path))
    assert first["stdin"] == ""


def test_output_larger_than_a_pipe(command: forkrun.Command, zygotes: forkrun.Zygotes) -> None:
    done = run(command, zygotes, "big")
    assert done.stdout == "o" * 300_000 and done.stderr == "e" * 300_000


def test_timeout_kills_the_child(command: forkrun.Command, zygotes: forkrun.Zygotes) -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as expired:
        run(command, zygotes, "sleep", timeout=1.0)
    assert time.monotonic() - started < 15
    pid = int(expired.value.stdout or b"0")
    assert pid > 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
    assert run(command, zygotes, "exit", "0").returncode == 0  # the zygote goes on


def test_calls_from_threads(command: forkrun.Command, zygotes: forkrun.Zygotes) -> None:
    codes: list[int] = []

    def call(code: int) -> None:
        codes.append(run(command, zygotes, "exit", str(code), check=False).returncode)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == list(range(6))


def test_a_dead_zygote_falls_back_to_subprocess(
    command: forkrun.Command, zygotes: forkrun.Zygotes
) -> None:
    assert run(command, zygotes, "exit", "0").returncode == 0
    (zygote,) = zygotes.made.values()
    os.kill(zygote.proc.pid, signal.SIGKILL)
    zygote.proc.wait()
    with pytest.warns(UserWarning, match="zygote unavailable"):
        done = forkrun.run(
            command, ["exit", "5"], env=dict(os.environ), check=False, zygotes=zygotes
        )
    assert (done.returncode, done.stdout, done.stderr) == (5, "out-text", "err-text")
    assert zygotes.fallbacks == 1 and not zygotes.made


def test_switched_off_by_the_environment(
    command: forkrun.Command, zygotes: forkrun.Zygotes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOGBANK_TEST_FORK", "0")
    assert run(command, zygotes, "exit", "2", check=False).returncode == 2
    assert not zygotes.made


def test_the_real_aws_cli(zygotes: forkrun.Zygotes) -> None:
    env = dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    import awscli  # type: ignore[import-untyped]

    forked = forkrun.run(forkrun.aws_cli(), ["--version"], env=env, zygotes=zygotes)
    assert forked.stdout.startswith(f"aws-cli/{awscli.__version__} Python/")
    args = ["ec2", "no-such-op"]
    bad = forkrun.run(forkrun.aws_cli(), args, env=env, check=False, zygotes=zygotes)
    plain = subprocess.run(
        [*forkrun.aws_cli().argv, *args], env=env, capture_output=True, text=True
    )
    assert bad.returncode != 0 and "Invalid choice" in bad.stderr
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        plain.returncode,
        plain.stdout,
        plain.stderr,
    )
    assert zygotes.fallbacks == 0


def test_a_shim_on_path_runs_the_command_forked(
    command: forkrun.Command, zygotes: forkrun.Zygotes, tmp_path: Path
) -> None:
    import json

    folder = forkrun.shim_folder(command, dict(os.environ), zygotes=zygotes)
    assert folder is not None
    (zygote,) = zygotes.made.values()
    script = (
        "echo piped | tool.py echo a b; tool.py exit 3; echo rc=$?;"
        " tool.py message; echo rc=$?; cd /; tool.py echo c"
    )
    env = {**os.environ, "PATH": f"{folder}:{Path(str(command.script)).parent}:/usr/bin:/bin"}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    lines = done.stdout.splitlines()
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert first["ppid"] == zygote.proc.pid and last["ppid"] == zygote.proc.pid  # forked
    assert first["argv"] == [command.script, "echo", "a", "b"]
    assert first["stdin"] == "piped\n" and last["cwd"] == "/"
    assert lines[1:-1] == ["out-textrc=3", "rc=1"]
    assert done.stderr == "err-texta message for stderr\n"
    # Another interpreter start-up environment: the real command, started here.
    env["PYTHONFOO"] = "1"
    alone = subprocess.run(
        ["bash", "-c", "tool.py echo d"], env=env, capture_output=True, text=True
    )
    assert json.loads(alone.stdout)["ppid"] != zygote.proc.pid


OWNER = r"""
import os, sys, time
from tests.support import forkrun
command = forkrun.Command(argv=(sys.executable, sys.argv[1]), script=sys.argv[1], preload=("json",))
forkrun.run(command, ["exit", "0"], env=dict(os.environ))
(zygote,) = forkrun.ZYGOTES.made.values()
print(zygote.proc.pid, zygote.dir, flush=True)
if sys.argv[2] == "hang":
    time.sleep(60)
"""


def _gone(pid: int, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            return True
        if state == "Z":  # ended; its parent (gone too) had no time to reap it
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("end", ["exit", "hang"])
def test_the_zygote_ends_with_its_owner(command: forkrun.Command, end: str) -> None:
    """One zygote per process that uses it: gone when that process exits, or is killed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(command.script), end],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    pid, folder = owner.stdout.readline().split()
    if end == "hang":
        owner.kill()
    owner.wait(30)
    assert _gone(int(pid))
    if end == "exit":
        assert not Path(folder).exists()  # its socket and shims are removed too
