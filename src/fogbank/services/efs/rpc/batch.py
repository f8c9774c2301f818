"""Pipelined requests travel in batches: one ``BATCH`` frame carries several requests
and one answer frame their answers (a status and a result each, in order).

Client side (``Batcher``): a pipelined request joins the next batch, which goes out when
fewer than ``in_flight`` batches are unanswered and the last batch left at least
``linger`` seconds ago (at once if it holds ``FULL_BATCH`` requests, or someone waits for
the answers: ``flush``). A lone request therefore waits for nothing, and a burst of them
(a ``rm -r``, an untar) costs one frame, one server wake-up and one reply per ``linger``
(2 ms: a dozen removes), instead of one each; a timer thread sends a burst's last batch.
Batches leave in the order their requests were made.

Server side (``run_batch``): the requests run as concurrent tasks started in order, as
if their frames had arrived in one read: their writes join the same group commit and
each succeeds or fails alone.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future

from fogbank.services.efs.fs.model import FsError
from fogbank.services.efs.rpc.wire import Op, Value, as_int, as_list

log = logging.getLogger(__name__)
MAX_BATCH = 256  # requests in one frame at most
FULL_BATCH = 32  # a batch this large goes without lingering
# Between two batches of a burst, at least: what another client may wait longer to see
# a pipelined change, for about four times fewer frames than sending on each answer.
BATCH_LINGER_S = 0.002

# Called with a request's answer: its error (None if it succeeded) and result.
Done = Callable[[FsError | None, Value], None]
Item = tuple[Op, tuple[Value, ...], Done]
SendBatch = Callable[[list[Value]], "Future[Value]"]


class Batcher:
    def __init__(
        self,
        send: SendBatch,
        in_flight: int = 1,
        linger: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        answered: Callable[[int], None] = lambda count: None,
    ) -> None:
        self._send = send  # sends one BATCH frame; its future holds the answers
        self._answered_hook = answered  # after a batch's ``Done``s ran: how many
        self._in_flight = in_flight
        self._linger = linger  # seconds between two batches of a burst, at least
        self._clock = clock
        # Held while a batch is taken and sent, so batches leave in order; reentrant: a
        # send that fails at once answers its batch (and sends the next) right away.
        self._cond = threading.Condition(threading.RLock())
        self._waiting: list[Item] = []
        self._out = 0  # batches sent and not yet answered
        self._last = -math.inf  # when the last batch was sent (``clock``)
        self._urgent = False  # someone waits for every request to be answered
        self._timer: threading.Thread | None = None  # sends a burst's last batch
        self._timer_idle = False  # the timer waits to be told of waiting requests
        self._closed = False

    def add(self, op: Op, args: tuple[Value, ...], done: Done) -> None:
        """Send a request in a batch; ``done`` runs with its answer (on the thread that
        received it), in the order the requests were added."""
        with self._cond:
            self._waiting.append((op, args, done))
            # A timer counting down to the next batch sends it (off the caller's path,
            # which is answering the kernel); else the caller sends if it may.
            self._consider(self._timer is not None and not self._timer_idle)

    def flush(self) -> None:
        """Send what waits as soon as a batch may go, without lingering (the caller is
        about to wait for the answers)."""
        with self._cond:
            if self._waiting:
                self._urgent = True
                self._consider()

    def close(self) -> None:
        """Stop the timer (what still waits is sent by ``flush`` or not at all)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _consider(self, timed: bool = False) -> None:
        """Send the waiting requests if a batch may go now (``timed``: unless only its
        time has come, which the timer, counting down, will see to); else make sure the
        timer (or an answer) will send them."""
        if not self._waiting or self._out >= self._in_flight:
            return
        if self._urgent or len(self._waiting) >= FULL_BATCH:
            self._send_locked()
        elif self._clock() - self._last >= self._linger:
            if not timed:
                self._send_locked()
        elif self._timer is None:
            self._timer = threading.Thread(
                target=self._timer_loop, name="efs-rpc-batch", daemon=True
            )
            self._timer.start()
        elif self._timer_idle:
            self._cond.notify()

    def _timer_loop(self) -> None:
        with self._cond:
            while not self._closed:
                if self._waiting and self._out < self._in_flight:
                    due = self._last + self._linger - self._clock()
                    if due <= 0:
                        self._send_locked()
                        continue
                    self._timer_idle = False
                    self._cond.wait(due)
                else:
                    self._timer_idle = True
                    self._cond.wait()
                    self._timer_idle = False

    def _send_locked(self) -> None:
        items, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
        if not self._waiting:
            self._urgent = False
        self._out += 1
        self._last = self._clock()
        batch = self._send([[int(op), list(args)] for op, args, _ in items])
        batch.add_done_callback(lambda answer: self._answered(items, answer))

    def _answered(self, items: list[Item], answer: Future[Value]) -> None:
        """One batch answered (on the RPC reader thread, or the sender's if it failed)."""
        with self._cond:
            self._out -= 1
            self._consider()
        try:
            exc = answer.exception()
            if exc is not None:
                lost = exc if isinstance(exc, FsError) else FsError(errno.EIO, str(exc))
                for _, _, done in items:
                    _run(done, lost, None)
                return
            results = as_list(answer.result())
            for (_, _, done), result in zip(items, results, strict=True):
                status, value = as_list(result)
                if status:
                    err = FsError(as_int(status), "" if value is None else str(value))
                    _run(done, err, None)
                else:
                    _run(done, None, value)
        finally:
            self._answered_hook(len(items))


def _run(done: Done, error: FsError | None, value: Value) -> None:
    """One request's ``Done``; what it raises is logged (it runs on the reader thread)."""
    try:
        done(error, value)
    except Exception:
        log.exception("efs data plane: handling a pipelined answer failed")


Dispatch = Callable[[int, list[Value]], Awaitable[Value]]


def status_of(exc: BaseException, op: int) -> int:
    """The errno a request's answer carries for the exception it ended with."""
    if isinstance(exc, FsError):
        return exc.errno
    if isinstance(exc, asyncio.CancelledError):
        return errno.EINTR
    if isinstance(exc, ValueError | IndexError | TypeError):
        return errno.EPROTO
    log.error("efs data plane: op %s failed", op, exc_info=exc)
    return errno.EIO


async def outcome(dispatch: Dispatch, op: int, args: Value) -> tuple[int, Value]:
    """A request's status (0 or an errno) and result, as its answer frame carries them."""
    try:
        return 0, await dispatch(op, as_list(args))
    except (Exception, asyncio.CancelledError) as exc:
        return status_of(exc, op), None


Outcome = tuple[int, Value]
# Runs several requests of one kind together (their argument lists; one outcome each).
Group = Callable[[list[list[Value]]], Awaitable[list[Outcome]]]


async def _alone(dispatch: Dispatch, op: int, args: Value) -> list[Outcome]:
    return [await outcome(dispatch, op, args)]


async def run_batch(dispatch: Dispatch, items: list[Value], groups: dict[int, Group]) -> Value:
    """The ``[op, args]`` requests of a batch, started in order as tasks: a run of
    consecutive requests whose op has a ``groups`` entry is one task, each other
    request a task of its own."""
    if len(items) > MAX_BATCH:
        raise FsError(errno.E2BIG, "batch too large")
    requests = [as_list(item) for item in items]
    if any(len(r) != 2 or as_int(r[0]) == Op.BATCH for r in requests):
        raise FsError(errno.EPROTO, "a batch holds [op, args] pairs, no batches")
    tasks: list[asyncio.Future[list[Outcome]]] = []
    i = 0
    while i < len(requests):
        op = as_int(requests[i][0])
        group = groups.get(op)
        j = i + 1
        while group is not None and j < len(requests) and as_int(requests[j][0]) == op:
            j += 1
        if group is not None and j - i > 1:
            run = [as_list(r[1]) for r in requests[i:j]]
            tasks.append(asyncio.ensure_future(_grouped(group, op, run)))
        else:
            tasks.append(asyncio.ensure_future(_alone(dispatch, op, requests[i][1])))
        i = j
    return [[status, value] for done in await asyncio.gather(*tasks) for status, value in done]


async def _grouped(group: Group, op: int, run: list[list[Value]]) -> list[Outcome]:
    try:
        return await group(run)
    except (Exception, asyncio.CancelledError) as exc:  # the group's failure is each one's
        return [(status_of(exc, op), None)] * len(run)
