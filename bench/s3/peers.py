"""The servers the benchmark measures: fogbank, moto_server, MiniStack and nginx, each
started on a free port with its output in a log file, and the CPU time its processes use.

moto and MiniStack run from their own virtual environment (``--peers-venv``, created on
first use from ``peers-requirements.txt``): MiniStack pins an exact botocore that differs
from fogbank's, so the two cannot share one environment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
REQUIREMENTS = HERE / "peers-requirements.txt"
ACCESS_KEY = "AKIAFOGBANKBENCH0001"
SECRET_KEY = "fogbank-bench-secret-key-000000000000000"
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_peers_venv(path: Path) -> Path:
    """The peers' virtual environment, made on first use."""
    python = path / "bin" / "python"
    if not python.exists():
        print(f"making {path} for moto and MiniStack ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True
        )
    return path


def process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def rss_bytes(pid: int) -> int:
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def base_env() -> dict[str, str]:
    """The environment, with PYTHONPATH made absolute (servers run in their own dirs)."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(
            str(Path(p).absolute()) for p in env["PYTHONPATH"].split(os.pathsep) if p
        )
    return env


class Peer:
    name = ""
    s3 = True  # speaks S3 (nginx does not)

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / self.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def argv(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return base_env()

    def ready_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.dir / "server.log", "wb")  # noqa: SIM115 - kept for the process's life
        self.proc = subprocess.Popen(
            self.argv(), env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            cwd=self.dir, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited: " + (self.dir / "server.log").read_text()[-2000:]
                )
            try:
                urllib.request.urlopen(self.ready_url(), timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


class Fogbank(Peer):
    name = "fogbank"

    def __init__(self, workdir: Path, workers: int = 2) -> None:
        super().__init__(workdir)
        self.workers = workers

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "fogbank", "up", "--port", str(self.port),
                "--data-dir", str(self.dir / "data"), "--workers", str(self.workers)]  # fmt: skip

    def env(self) -> dict[str, str]:
        env = base_env()
        env.update({"FOGBANK_ROOT_ACCESS_KEY_ID": ACCESS_KEY,
                    "FOGBANK_ROOT_SECRET_ACCESS_KEY": SECRET_KEY})  # fmt: skip
        return env

    def ready_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/_fogbank/health"

    def start(self, timeout: float = 60.0) -> None:
        super().start(timeout)
        time.sleep(1.0)  # the other worker processes bind the port a moment later


class Moto(Peer):
    name = "moto"

    def __init__(self, workdir: Path, venv: Path) -> None:
        super().__init__(workdir)
        self.venv = venv

    def argv(self) -> list[str]:
        return [str(self.venv / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)]


class MiniStack(Peer):
    name = "ministack"

    def __init__(self, workdir: Path, venv: Path) -> None:
        super().__init__(workdir)
        self.venv = venv

    def argv(self) -> list[str]:
        return [str(self.venv / "bin" / "python"), "-m", "ministack"]

    def env(self) -> dict[str, str]:
        env = base_env()
        env.update({"GATEWAY_PORT": str(self.port), "SERVICES": "s3", "LOG_LEVEL": "WARNING"})
        return env

    def ready_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/_ministack/health"


NGINX_CONF = """
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""


class Nginx(Peer):
    """Serves the same bytes from files: the ceiling of HTTP GETs on this machine."""

    name = "nginx"
    s3 = False

    def __init__(self, workdir: Path, workers: int = 2) -> None:
        super().__init__(workdir)
        self.root = self.dir / "www"
        self.root.mkdir(exist_ok=True)
        self.dir.chmod(0o755)
        self.root.chmod(0o755)
        conf = NGINX_CONF.format(workers=workers, dir=self.dir, port=self.port, root=self.root)
        (self.dir / "nginx.conf").write_text(conf)

    def put_file(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.write_bytes(data)
        path.chmod(0o644)

    def argv(self) -> list[str]:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir),
                "-g", "daemon off;"]  # fmt: skip


def workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="fogbank-s3-bench-"))
    path.chmod(0o755)
    return path
