"""Clock-driven background work: lifecycle, expiries, deliveries, rotations, backups.

Each job does everything that is due at a simulated time and records its progress in the
store, so running it twice is harmless and a restart neither repeats nor skips work. Every
gateway process runs a scheduler; a lease taken per tick makes exactly one of them run the
jobs at a time. ``run_now`` is what ``fogbank clock advance`` awaits, so that the work made
due by the jump is done when the command returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fogbank.core.clock import Clock
from fogbank.core.jobs import Job
from fogbank.storage.leases import Lease

log = logging.getLogger("fogbank.workers")


class Scheduler:
    def __init__(self, clock: Clock, lease: Lease, jobs: list[Job], interval: float = 1.0) -> None:
        self.clock = clock
        self.lease = lease
        self.jobs = jobs
        self.interval = interval
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.ticks = 0

    def add(self, job: Job) -> None:
        self.jobs.append(job)

    async def start(self) -> None:
        if self._task is None:  # jobs may be added later (services built on first use)
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # Wait for the tick to unwind (it releases the lease) before the store closes.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.tick(wait=False)
            except Exception:
                log.exception("scheduler tick failed")

    async def tick(self, wait: bool) -> bool:
        """Run every job once if this process gets the lease. With ``wait``, insist."""
        async with self._lock:
            deadline = time.monotonic() + 600
            while not await self.lease.acquire():
                if not wait or time.monotonic() > deadline:
                    return False
                await asyncio.sleep(0.05)
            try:
                now = self.clock.time()
                for job in self.jobs:
                    try:
                        await job.run_due(now)
                    except Exception:
                        log.exception("job %s failed", job.name)
                self.ticks += 1
            finally:
                await self.lease.release()
            return True

    async def run_now(self) -> None:
        if self.jobs:
            await self.tick(wait=True)
