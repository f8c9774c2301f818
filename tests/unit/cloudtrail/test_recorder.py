"""The write-behind recorder: batches, back-pressure, retries, and nothing lost at stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from fogbank.audit.events import AuditEvent
from fogbank.audit.record import RecordBuilder
from fogbank.audit.recorder import AuditRecorder
from fogbank.services.cloudtrail.events import EventRow
from tests.unit.cloudtrail.conftest import MakeEvent


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


class SlowWriter:
    """Stores batches after a delay; can be told to fail."""

    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[EventRow]] = []
        self.delay = delay
        self.failures = 0

    async def write_events(self, rows: Sequence[EventRow]) -> None:
        await asyncio.sleep(self.delay)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("store unavailable")
        self.batches.append(list(rows))

    @property
    def stored(self) -> int:
        return sum(len(b) for b in self.batches)


def test_events_are_written_in_batches_behind_the_requests(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    async def main() -> None:
        writer = SlowWriter()
        recorder = AuditRecorder(builder, writer, batch_size=50, interval=0.05)
        await recorder.start()
        for _ in range(120):
            await recorder.record(make_event("sts", "GetCallerIdentity"))
        assert writer.stored < 120  # nothing waited for the store
        await until(lambda: writer.stored == 120)
        assert max(len(b) for b in writer.batches) <= 50
        assert len(writer.batches) <= 5
        await recorder.stop()

    asyncio.run(main())


def test_a_lone_event_is_written_within_the_interval(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    async def main() -> None:
        writer = SlowWriter()
        recorder = AuditRecorder(builder, writer, interval=0.05)
        await recorder.start()
        await recorder.record(make_event("sts", "GetCallerIdentity"))
        await until(lambda: writer.stored == 1)
        await recorder.stop()

    asyncio.run(main())


def test_stop_writes_everything_still_queued(builder: RecordBuilder, make_event: MakeEvent) -> None:
    async def main() -> None:
        writer = SlowWriter(delay=0.02)
        recorder = AuditRecorder(builder, writer, batch_size=100, interval=10.0)
        await recorder.start()
        for _ in range(250):
            await recorder.record(make_event("sts", "GetCallerIdentity"))
        await recorder.stop()
        assert writer.stored == 250
        assert recorder.pending == 0

    asyncio.run(main())


def test_a_full_queue_makes_requests_wait(builder: RecordBuilder, make_event: MakeEvent) -> None:
    async def main() -> None:
        writer = SlowWriter(delay=0.1)
        recorder = AuditRecorder(builder, writer, max_queue=10, batch_size=10, interval=0.01)
        await recorder.start()
        peak = 0
        for _ in range(40):
            await recorder.record(make_event("sts", "GetCallerIdentity"))
            peak = max(peak, recorder.pending)
        assert peak <= 10  # bounded: the 11th event waited for room
        await recorder.stop()
        assert writer.stored == 40

    asyncio.run(main())


def test_a_failed_write_is_retried_without_losing_events(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    async def main() -> None:
        writer = SlowWriter()
        writer.failures = 2
        recorder = AuditRecorder(builder, writer, interval=0.01, retry_delay=0.02)
        await recorder.start()
        for _ in range(5):
            await recorder.record(make_event("sts", "GetCallerIdentity"))
        await until(lambda: writer.stored == 5)
        await recorder.stop()

    asyncio.run(main())


def test_events_that_are_not_recorded_are_dropped_quietly(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    from dataclasses import replace

    async def main() -> None:
        writer = SlowWriter()
        recorder = AuditRecorder(builder, writer)
        await recorder.record(replace(make_event("sts", "GetCallerIdentity"), principal=None))
        await recorder.record(make_event("sts", "GetCallerIdentity"))
        await recorder.stop()
        assert writer.stored == 1

    asyncio.run(main())


class DropData:
    """A batch filter that keeps management events only, and counts its calls."""

    def __init__(self, builder: RecordBuilder) -> None:
        self.builder = builder
        self.calls = 0

    async def wanted(self, events: Sequence[AuditEvent]) -> Callable[[AuditEvent], bool]:
        self.calls += 1
        return lambda event: not self.builder.is_data_event(event)


def test_a_batch_filter_decides_which_events_are_built_and_stored(
    builder: RecordBuilder, make_event: MakeEvent
) -> None:
    async def main() -> None:
        writer = SlowWriter()
        keep = DropData(builder)
        recorder = AuditRecorder(builder, writer, batch_size=50, interval=0.05, keep=keep)
        await recorder.start()
        for _ in range(30):
            await recorder.record(make_event("s3", "GetObject", {"Bucket": "b", "Key": "k"}))
            await recorder.record(make_event("s3", "ListBuckets"))
        await recorder.stop()
        names = [row.event_name for batch in writer.batches for row in batch]
        assert names == ["ListBuckets"] * 30
        assert keep.calls >= 1

    asyncio.run(main())
