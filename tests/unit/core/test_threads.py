"""Helper threads give up wake-up preemption; the thread that asks is the only one changed."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from fogbank.core.threads import yield_to_the_loop
from fogbank.storage.readers import ReaderThreads

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux scheduling")


def _policy_in_thread(fn: object = None) -> int:
    seen: list[int] = []

    def run() -> None:
        if fn is not None:
            yield_to_the_loop()
        seen.append(os.sched_getscheduler(0))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seen[0]


def test_the_calling_thread_is_batch_and_the_others_are_not() -> None:
    before = os.sched_getscheduler(0)
    assert _policy_in_thread(yield_to_the_loop) == os.SCHED_BATCH
    assert _policy_in_thread() == before
    assert os.sched_getscheduler(0) == before


def test_reader_threads_run_as_batch() -> None:
    readers = ReaderThreads(2, "test-read")
    try:
        assert asyncio.run(readers.run(os.sched_getscheduler, 0)) == os.SCHED_BATCH
    finally:
        readers.shutdown()
