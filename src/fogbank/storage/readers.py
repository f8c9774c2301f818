"""Reader threads: blocking calls off the event loop, their results handed back with one
wake-up and none of ``concurrent.futures``' machinery.

``loop.run_in_executor`` costs, per call, a ``concurrent.futures.Future`` (a lock and a
condition), the executor's work item and thread accounting, an asyncio future chained
to it by callbacks both ways, and a check of whether the function is a coroutine
function: about 5 % of a small GET, which makes one or two metadata reads. Here a call
is one queue item and one ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from fogbank.core.threads import yield_to_the_loop

P = ParamSpec("P")
T = TypeVar("T")

_STOP = object()


class _Call(Generic[T]):
    __slots__ = ("fn", "future", "loop")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[T], fn: Callable[[], T]
    ) -> None:
        self.loop = loop
        self.future = future
        self.fn = fn


def _settle(future: asyncio.Future[T], result: T | None, error: BaseException | None) -> None:
    if future.done():  # the caller was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]


class ReaderThreads:
    """``count`` threads (started on first use) that run calls in the order given."""

    def __init__(self, count: int, name: str) -> None:
        self._count = max(1, count)
        self._name = name
        self._queue: queue.SimpleQueue[_Call[object] | object] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in one of the threads."""
        if self._closed:
            raise RuntimeError(f"{self._name}: shut down")
        if not self._threads:
            self._start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Call(loop, future, lambda: fn(*args, **kwargs)))
        return await future

    def shutdown(self) -> None:
        """Let the threads finish what is queued, then stop them (blocking)."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(_STOP)
        for thread in threads:
            thread.join()

    def _start(self) -> None:
        with self._lock:
            if self._threads:
                return
            if self._closed:
                raise RuntimeError(f"{self._name}: shut down")
            for i in range(self._count):
                thread = threading.Thread(target=self._serve, name=f"{self._name}_{i}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _serve(self) -> None:
        yield_to_the_loop()
        get = self._queue.get
        while True:
            call = get()
            if call is _STOP:
                return
            assert isinstance(call, _Call)
            result: object = None
            error: BaseException | None = None
            try:
                result = call.fn()
            except BaseException as exc:
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop may be gone at shutdown
                call.loop.call_soon_threadsafe(_settle, call.future, result, error)
            del call, result, error
