"""Reader threads: results and errors come back to the caller's loop, calls run off the
loop thread, a cancelled caller loses nothing for the others, shutdown finishes the
queue."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import uvloop

from fogbank.storage.readers import ReaderThreads


@pytest.mark.parametrize("use_uvloop", [True, False], ids=["uvloop", "asyncio"])
def test_results_and_errors_come_back_from_other_threads(use_uvloop: bool) -> None:
    readers = ReaderThreads(3, "test-read")
    loop_thread: list[int] = []

    def square(x: int, *, plus: int = 0) -> tuple[int, int]:
        return x * x + plus, threading.get_ident()

    def fail() -> None:
        raise KeyError("gone")

    async def main() -> None:
        loop_thread.append(threading.get_ident())
        answers = await asyncio.gather(*(readers.run(square, i, plus=1) for i in range(50)))
        assert [a for a, _ in answers] == [i * i + 1 for i in range(50)]
        assert all(t != loop_thread[0] for _, t in answers)
        with pytest.raises(KeyError, match="gone"):
            await readers.run(fail)

    try:
        if use_uvloop:
            uvloop.run(main())
        else:
            asyncio.run(main())
    finally:
        readers.shutdown()


def test_a_cancelled_caller_does_not_disturb_the_others() -> None:
    readers = ReaderThreads(1, "test-read")
    started = threading.Event()

    def slow() -> str:
        started.set()
        time.sleep(0.2)
        return "slow"

    async def main() -> None:
        slow_call = asyncio.create_task(readers.run(slow))
        await asyncio.to_thread(started.wait)
        slow_call.cancel()
        assert await readers.run(lambda: "next") == "next"  # queued behind the slow call
        with pytest.raises(asyncio.CancelledError):
            await slow_call

    try:
        asyncio.run(main())
    finally:
        readers.shutdown()


def test_shutdown_finishes_the_queue_then_refuses_new_calls() -> None:
    readers = ReaderThreads(2, "test-read")
    done: list[int] = []

    def slow(i: int) -> None:
        time.sleep(0.02)
        done.append(i)

    async def main() -> None:
        calls = [asyncio.ensure_future(readers.run(slow, i)) for i in range(6)]
        await asyncio.sleep(0.01)
        await asyncio.to_thread(readers.shutdown)  # the queued calls still run
        await asyncio.gather(*calls)
        with pytest.raises(RuntimeError, match="shut down"):
            await readers.run(slow, 99)

    asyncio.run(main())
    assert sorted(done) == list(range(6))
    assert not any(t.is_alive() for t in readers._threads)
