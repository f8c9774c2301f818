"""The periodic sweep as a scheduler ``Job`` (run by the one process holding the lease)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from fogbank.storage.blobs.store import BlobStore

log = logging.getLogger("fogbank.storage.blobs")


class BlobSweepJob:
    """Sweeps the blob store every ``interval_s`` of real time.

    The scheduler passes simulated time; the sweep ignores it (grace periods are real
    time, so that jumping the simulated clock forward never reclaims a blob under a
    writer) and only uses the tick as a chance to run.
    """

    name = "blob-sweep"

    def __init__(
        self, store: BlobStore, interval_s: float = 300.0, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._interval_s = interval_s
        self._clock = clock
        self._last = float("-inf")

    async def run_due(self, now: float) -> None:
        real = self._clock()
        if real - self._last < self._interval_s:
            return
        self._last = real
        report = await self._store.sweep(real)
        if report != type(report)():
            log.info("blob sweep: %s", report)
