"""Running the gateway: one primary process, and one more worker process per extra core.

The primary prepares the store, binds the port, starts the workers (fresh interpreters
running ``python -m fogbank.server.worker``; each binds the same port with SO_REUSEPORT
so the kernel spreads connections), serves requests itself, restarts a worker that dies,
and on SIGINT/SIGTERM stops them all gracefully. Workers exit when the primary is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import logging
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import uvloop

from fogbank.config import Config, IamMode
from fogbank.server import listener as listener_mod
from fogbank.server.assemble import assemble, prepare
from fogbank.server.listener import Listener

if TYPE_CHECKING:
    from fogbank.services.kms.rootkey import RootKey as KmsRootKey

log = logging.getLogger("fogbank.runtime")

WORKER_CONFIG_ENV = "FOGBANK_WORKER_CONFIG"
# Secrets that never go into a worker's environment: handed over on its stdin instead.
_SECRET_FIELDS = (
    "kms_passphrase",
    "root_access_key_id",
    "root_secret_access_key",
    "s3_cold_store_access_key_id",
    "s3_cold_store_secret_access_key",
)


def config_to_json(config: Config) -> str:
    doc = dataclasses.asdict(config)
    for name in _SECRET_FIELDS:
        doc.pop(name)
    doc["data_dir"] = str(config.data_dir)
    doc["iam_mode"] = config.iam_mode.value
    doc["hostnames"] = list(config.hostnames)
    return json.dumps(doc)


def config_from_json(text: str, secrets: str = "{}") -> Config:
    doc = json.loads(text)
    doc["data_dir"] = Path(doc["data_dir"])
    doc["iam_mode"] = IamMode(doc["iam_mode"])
    doc["hostnames"] = tuple(doc["hostnames"])
    given = json.loads(secrets or "{}")
    doc.update({name: given.get(name) for name in _SECRET_FIELDS})
    return Config(**doc)


def secrets_to_json(config: Config) -> str:
    return json.dumps({name: getattr(config, name) for name in _SECRET_FIELDS})


def _tls_context(config: Config) -> ssl.SSLContext | None:
    if not config.tls:
        return None
    from fogbank.server import tls  # cryptography's x509 is only imported with --tls

    files = tls.ensure_tls(config.data_dir, [config.host, *config.hostnames])
    return tls.server_context(files)


GC_YOUNG_THRESHOLD = 10_000


async def serve(
    config: Config,
    sock: socket.socket,
    stop: asyncio.Event,
    on_ready: Callable[[], None] | None = None,
    primary: bool = False,
    kms_root: KmsRootKey | None = None,
) -> None:
    """Serve one process's share of the port until ``stop`` is set.

    The port is listened on once the edge, authentication and IAM are up; the other
    services are built on their first request, or once the store says they are in use
    (services/registry.py), so that their clock-driven jobs run and what they supervise
    (database engines, mount targets) resumes.
    """
    parts = assemble(config, kms_root, primary=primary)
    listener = Listener(parts.app, _tls_context(config))
    await parts.services.start_built()
    await parts.recorder.start()
    await parts.scheduler.start()
    await listener.start(sock)
    # What start-up built lives as long as the process: keep the collector off it.
    gc.freeze()
    # The youngest generation is collected after this many more container objects made
    # than freed (CPython's default: 700). Requests in flight hold about 60 each, so at
    # 16 concurrent requests the count crossed 700 every ~20 requests with little or no
    # garbage to find: 140 young and 13 middle collections per 3,000 small GETs, about
    # 16 us of each request's CPU. Garbage cycles are still collected, a little later.
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
    gc.enable()
    parts.admin.ready = True
    if on_ready is not None:
        on_ready()
    in_use = asyncio.create_task(parts.services.watch())
    try:
        await stop.wait()
    finally:
        await listener.shutdown()
        in_use.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await in_use
        await parts.recorder.stop()  # every answered request's event is stored
        await parts.scheduler.stop()
        await parts.services.stop()
        parts.db.close()


def _install_stop(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


class Workers:
    """The primary's secondary worker processes: started, restarted, stopped."""

    def __init__(self, config: Config, count: int) -> None:
        self.config = config
        self.count = count
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.stopping = False

    def start_all(self) -> None:
        for index in range(1, self.count + 1):
            self._start(index)

    def _start(self, index: int) -> None:
        env = dict(os.environ)
        for secret in (  # handed over on stdin, or not needed: the key is in the store
            "FOGBANK_KMS_PASSPHRASE",
            "FOGBANK_ROOT_ACCESS_KEY_ID",
            "FOGBANK_ROOT_SECRET_ACCESS_KEY",
            "FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID",
            "FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY",
        ):
            env.pop(secret, None)
        env[WORKER_CONFIG_ENV] = config_to_json(self.config)
        env["FOGBANK_WORKER_INDEX"] = str(index)
        env["FOGBANK_PRIMARY_PID"] = str(os.getpid())
        proc = subprocess.Popen(
            [sys.executable, "-m", "fogbank.server.worker"],
            env=env,
            close_fds=True,
            stdin=subprocess.PIPE,
        )
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(secrets_to_json(self.config).encode("utf-8"))
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        self.procs[index] = proc

    async def watch(self) -> None:
        while not self.stopping:
            await asyncio.sleep(0.5)
            for index, proc in list(self.procs.items()):
                code = proc.poll()
                if code is not None and not self.stopping:
                    log.warning("worker %d exited with %s; restarting it", index, code)
                    self._start(index)

    async def stop_all(self, timeout: float = 15.0) -> None:
        self.stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def run_primary(config: Config, announce: Callable[[str], None]) -> int:
    """``fogbank up``: prepare, bind, start workers, serve until told to stop."""
    temp_dir: str | None = None
    if config.ephemeral:
        temp_dir = tempfile.mkdtemp(prefix="fogbank-")
        config = config.with_(data_dir=Path(temp_dir))
    try:
        prepared = prepare(config)
        sock = listener_mod.bind(config.host, config.port)
        port = sock.getsockname()[1]
        config = config.with_(port=port)
        workers = Workers(config, config.workers - 1)
        workers.start_all()

        def ready() -> None:
            announce_ready(config, prepared.root_key, prepared.key_generated, announce)

        async def main() -> None:
            stop = asyncio.Event()
            _install_stop(asyncio.get_running_loop(), stop)
            watcher = asyncio.create_task(workers.watch())
            try:
                await serve(config, sock, stop, ready, primary=True, kms_root=prepared.kms_root)
            finally:
                watcher.cancel()
                await workers.stop_all()

        uvloop.run(main())
        sock.close()
        return 0
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


def announce_ready(
    config: Config,
    key: object,
    generated: bool,
    announce: Callable[[str], None],
) -> None:
    from fogbank.services.iam.root_keys import RootKey

    assert isinstance(key, RootKey)
    plain = f"http://{config.host}:{config.port}"
    where = f"{plain} and {config.endpoint}" if config.tls else plain
    lines = [
        f"fogbank is ready on {where}  (data dir {config.data_dir},"
        f" {config.workers} worker process{'es' if config.workers > 1 else ''})",
    ]
    if generated:
        lines += [
            "Root credentials of account "
            f"{key.account_id} (generated now; shown once, see `fogbank credentials`):",
            f"  AWS_ACCESS_KEY_ID={key.access_key_id}",
            f"  AWS_SECRET_ACCESS_KEY={key.secret_access_key}",
        ]
    if config.tls:
        from fogbank.server.tls import tls_files

        lines.append(f"TLS on the same port; CA bundle: {tls_files(config.data_dir).ca_cert}")
    lines.append(f"Use it with: export AWS_ENDPOINT_URL={config.endpoint}")
    announce("\n".join(lines))


def run_worker(config: Config) -> int:
    """A secondary worker: same port, same store; exits when the primary goes away."""
    primary = int(os.environ.get("FOGBANK_PRIMARY_PID", "0"))
    sock = listener_mod.bind(config.host, config.port)

    async def main() -> None:
        stop = asyncio.Event()
        _install_stop(asyncio.get_running_loop(), stop)

        async def orphan_watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(1.0)
                if primary and os.getppid() != primary:
                    stop.set()

        watcher = asyncio.create_task(orphan_watch())
        try:
            await serve(config, sock, stop)
        finally:
            watcher.cancel()

    uvloop.run(main())
    sock.close()
    return 0
