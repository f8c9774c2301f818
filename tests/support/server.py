"""A real ``fogbank up`` process for integration tests, and clients pointed at it."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from tests.support import forkrun

ACCESS_KEY = "AKIAFOGBANKTESTROOT1"
SECRET_KEY = "fogbank-test-secret-key-0000000000000000"
ACCOUNT_ID = "000000000000"
CLI_TIMEOUT = 300.0  # one CLI call; a hung one fails its test instead of the whole run
READY = re.compile(r"fogbank is ready on (https?://[^\s]+)")


class FogbankServer:
    """Starts ``python -m fogbank up`` on a free port and waits until it is ready."""

    def __init__(
        self,
        metadata_url: str | None = None,
        extra_args: Sequence[str] = (),
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
        workers: int = 1,
    ) -> None:
        self.metadata_url = metadata_url
        self.extra_args = list(extra_args)
        self.own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="fogbank-test-"))
        self.workers = workers
        self.env = dict(os.environ)
        self.env.update(
            {
                "FOGBANK_ROOT_ACCESS_KEY_ID": ACCESS_KEY,
                "FOGBANK_ROOT_SECRET_ACCESS_KEY": SECRET_KEY,
                "FOGBANK_ACCOUNT_ID": ACCOUNT_ID,
            }
        )
        self.env.pop("AWS_ENDPOINT_URL", None)
        self.env.update(env or {})
        self.proc: subprocess.Popen[str] | None = None
        self.endpoint = ""
        self.output: list[str] = []
        self.startup_seconds = 0.0

    def argv(self) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "fogbank",
            "up",
            "--port",
            "0",
            "--data-dir",
            str(self.data_dir),
            "--workers",
            str(self.workers),
            "--log-format",
            "json",
        ]
        if self.metadata_url:
            argv += ["--metadata-url", self.metadata_url]
        return argv + self.extra_args

    def start(self, timeout: float = 30.0) -> FogbankServer:
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv(),
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        found = threading.Event()
        ready: list[str] = []

        def read_stdout() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.output.append(line)
                m = READY.search(line)
                if m and not found.is_set():
                    self.endpoint = m.group(1)
                    ready.append(self.endpoint)
                    found.set()
            found.set()  # the process closed its output: it will not become ready

        def read_stderr() -> None:
            assert self.proc is not None and self.proc.stderr is not None
            for line in self.proc.stderr:
                self.output.append(line)

        threading.Thread(target=read_stdout, daemon=True).start()
        errors = threading.Thread(target=read_stderr, daemon=True)
        errors.start()
        if not found.wait(timeout) or not ready:
            self.stop()
            errors.join(5)  # the last words are often on stderr
            raise RuntimeError("fogbank did not start:\n" + "".join(self.output[-50:]))
        self.startup_seconds = time.monotonic() - started
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def health(self) -> bytes:
        with urllib.request.urlopen(self.endpoint + "/_fogbank/health", timeout=5) as r:
            return bytes(r.read())

    def client(self, service: str, **kwargs: Any) -> Any:
        config = kwargs.pop("config", None) or BotoConfig(
            retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60
        )
        params: dict[str, Any] = {
            "endpoint_url": self.endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "config": config,
        }
        params.update(kwargs)
        return boto3.session.Session().client(service, **params)

    def cli_env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            }
        )
        env.update(extra)
        return env

    def aws(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run the AWS CLI (from this venv) against the server: a process of its own,
        forked from a zygote that has imported the CLI already (tests/support/forkrun.py)."""
        return forkrun.run(
            forkrun.aws_cli(), args, env=self.cli_env(**env), check=check, timeout=CLI_TIMEOUT
        )

    def fogbank(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``python -m fogbank ARGS`` (forked from a zygote, as ``aws``)."""
        return forkrun.run(
            forkrun.fogbank_cli(), args, env=self.cli_env(), check=check, timeout=CLI_TIMEOUT
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        return code

    def kill(self) -> None:
        """kill -9 the primary and every worker process."""
        if self.proc is None:
            return
        children = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        self.proc.send_signal(signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
