"""One instance's engine process: start (and wait until it accepts), watch, stop.

The process is a child of fogbank (through ``setpriv``, which drops to the engine user and
asks for SIGTERM should fogbank die). An exit nobody asked for is reported to the
supervisor through ``on_crash``; the supervisor decides what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from fogbank.services.rds.engines import base
from fogbank.services.rds.engines.base import Engine, EngineError, Layout, RunAs

START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0


def describe_exit(code: int | None) -> str:
    if code is None:
        return "is still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"exited with status {code}"


def _stale_pid(pid_file: Path, marker: str) -> int | None:
    """The pid in ``pid_file`` if that process is alive and is this instance's engine."""
    try:
        pid = int(pid_file.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return None
    return pid if marker.encode() in cmdline else None


class InstanceRuntime:
    def __init__(
        self, resource_id: str, layout: Layout, engine: Engine, run_as: RunAs | None
    ) -> None:
        self.resource_id = resource_id
        self.layout = layout
        self.engine = engine
        self.run_as = run_as
        self.lock = asyncio.Lock()
        self.proc: asyncio.subprocess.Process | None = None
        self.accepting = False
        self.port = 0
        self.booted_reboot_seq = -1
        self.crash_times: list[float] = []
        self._expected_exit = False
        self._watch: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.running and self.proc is not None else None

    def socket_path(self) -> Path:
        return self.engine.socket_path(self.layout, self.port)

    async def start(
        self, port: int, admin_secret: str | None, on_crash: Callable[[int | None], None]
    ) -> None:
        """Start the engine and return once it accepts fogbank's admin login."""
        if self.running:
            return
        self.port = port
        await self._reap_stale()
        base.make_dir(self.layout.run, self.run_as)
        self._expected_exit = False
        proc = await base.spawn(self.engine.command(self.layout), self.run_as, self.layout.log)
        self.proc = proc
        deadline = time.monotonic() + START_TIMEOUT
        while not await self.engine.ready(self.layout, port, admin_secret):
            if proc.returncode is not None or time.monotonic() > deadline:
                await self._terminate(proc)
                raise EngineError(
                    f"the engine did not start: {base.tail(self.layout.log).strip()[-600:]}"
                )
            await asyncio.sleep(0.03)
        self.accepting = True
        self._watch = asyncio.get_running_loop().create_task(self._watch_exit(proc, on_crash))

    async def _watch_exit(
        self, proc: asyncio.subprocess.Process, on_crash: Callable[[int | None], None]
    ) -> None:
        code = await proc.wait()
        if proc is self.proc:
            self.accepting = False
        if not self._expected_exit and proc is self.proc:
            on_crash(code)

    async def stop(self) -> None:
        self.accepting = False
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        self._expected_exit = True
        await self._terminate(proc)

    async def _terminate(self, proc: asyncio.subprocess.Process) -> None:
        self._expected_exit = True
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(self.engine.stop_signal)
        try:
            await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def _reap_stale(self) -> None:
        """Stop an engine left over from an earlier fogbank process on the same files."""
        pid = _stale_pid(self.engine.pid_file(self.layout), str(self.layout.root))
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, self.engine.stop_signal)
        for _ in range(int(STOP_TIMEOUT / 0.1)):
            if _stale_pid(self.engine.pid_file(self.layout), str(self.layout.root)) is None:
                return
            await asyncio.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def record_crash(self, window: float = 300.0) -> int:
        """Count this crash; how many there were in the last ``window`` seconds."""
        now = time.monotonic()
        self.crash_times = [t for t in self.crash_times if now - t < window] + [now]
        return len(self.crash_times)
