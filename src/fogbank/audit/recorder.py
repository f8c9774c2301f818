"""The write-behind recorder: requests hand their events over and go on; a background task
turns them into CloudTrail records and stores them in batches (one store write per batch).

- ``record`` returns at once unless ``max_queue`` events are waiting; then the request
  waits for room (back-pressure instead of unbounded memory).
- A batch is written when ``batch_size`` events are waiting or ``interval`` seconds after
  the oldest arrived, whichever comes first.
- ``stop`` (the process's clean shutdown, after the listener stopped taking requests)
  writes everything still queued before it returns.
- An optional ``BatchFilter`` says, once per batch and before any record is built, which
  events the store wants at all (CloudTrail's data events only while a trail delivers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from fogbank.audit.events import AuditEvent, AuditSink

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
R_contra = TypeVar("R_contra", contravariant=True)

log = logging.getLogger("fogbank.audit")

_BUILD_SLICE = 100  # records built between two yields to the event loop


class RowBuilder(Protocol[R_co]):
    def build(self, event: AuditEvent) -> R_co | None:
        """The row to store for the event, or None when it stores nothing."""


class EventWriter(Protocol[R_contra]):
    async def write_events(self, rows: Sequence[R_contra]) -> None:
        """Store a batch of events durably, in one transaction."""


class BatchFilter(Protocol):
    async def wanted(self, events: Sequence[AuditEvent]) -> Callable[[AuditEvent], bool]:
        """Which of a batch's events to build and store (asked once per batch)."""


class AuditRecorder(Generic[R]):
    """Write-behind recorder of rows of type ``R`` (CloudTrail's event rows; S3's server
    access log records use the same machinery with their own rows)."""

    def __init__(
        self,
        builder: RowBuilder[R],
        writer: EventWriter[R],
        *,
        max_queue: int = 20_000,
        batch_size: int = 500,
        interval: float = 0.1,
        retry_delay: float = 1.0,
        keep: BatchFilter | None = None,
    ) -> None:
        self._builder = builder
        self._writer = writer
        self._keep = keep
        self._max_queue = max_queue
        self._batch_size = batch_size
        self._interval = interval
        self._retry_delay = retry_delay
        self._queue: deque[AuditEvent] = deque()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._flush_lock = asyncio.Lock()
        self.written = 0

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def record(self, event: AuditEvent) -> None:
        while len(self._queue) >= self._max_queue:
            self._room.clear()
            self._wake.set()
            await self._room.wait()
        self._queue.append(event)
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="audit-recorder")

    async def stop(self) -> None:
        """Stop the background task and write whatever is still queued."""
        task, self._task = self._task, None
        if task is not None:
            # Let the task finish the batch it is writing (cancelling it mid-write could
            # lose that batch), then drain what is left here.
            self._stopping = True
            self._wake.set()
            with contextlib.suppress(Exception):
                await task
        attempts = 0
        while self._queue and attempts < 5:
            if not await self.flush():
                attempts += 1
                await asyncio.sleep(self._retry_delay)
        if self._queue:
            log.error("audit: %d events could not be stored at shutdown", len(self._queue))

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            while self._queue and not self._stopping:
                if not await self.flush():
                    await asyncio.sleep(self._retry_delay)
                    break
                if len(self._queue) < self._batch_size:
                    break

    async def flush(self) -> bool:
        """Write one batch; False when the store refused it (the events stay queued)."""
        async with self._flush_lock:
            if not self._queue:
                return True
            count = min(len(self._queue), self._batch_size)
            taken = [self._queue.popleft() for _ in range(count)]
            rows: list[R] = []
            try:
                wanted = await self._keep.wanted(taken) if self._keep is not None else None
                for start in range(0, count, _BUILD_SLICE):
                    rows += self._build(taken[start : start + _BUILD_SLICE], wanted)
                    await asyncio.sleep(0)  # let requests run between slices of a big batch
                if rows:
                    await self._writer.write_events(rows)
            except Exception:
                log.exception("audit: storing %d events failed; will retry", len(rows))
                self._queue.extendleft(reversed(taken))
                return False
            self.written += len(rows)
            if len(self._queue) < self._max_queue:
                self._room.set()
            return True

    def _build(
        self, events: list[AuditEvent], wanted: Callable[[AuditEvent], bool] | None
    ) -> list[R]:
        rows: list[R] = []
        for event in events:
            if wanted is not None and not wanted(event):
                continue
            try:
                row = self._builder.build(event)
            except Exception:
                log.exception("audit: cannot build the record of request %s", event.request_id)
                continue
            if row is not None:
                rows.append(row)
        return rows


class RecorderSink(AuditSink, Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class FanOut:
    """Several write-behind recorders behind one sink: each event goes to every one."""

    def __init__(self, recorders: Sequence[RecorderSink]) -> None:
        self._recorders = tuple(recorders)

    async def record(self, event: AuditEvent) -> None:
        for recorder in self._recorders:
            await recorder.record(event)

    async def start(self) -> None:
        for recorder in self._recorders:
            await recorder.start()

    async def stop(self) -> None:
        for recorder in self._recorders:
            await recorder.stop()
