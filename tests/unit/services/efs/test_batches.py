"""Pipelined requests in batches: the client's ``Batcher``, the server's ``run_batch``
and ``FileSystem.unlink_many`` (several unlinks in one write, each failing alone)."""

from __future__ import annotations

import asyncio
import errno
import stat
import time
from concurrent.futures import Future

import pytest

from fogbank.services.efs.fs.model import ROOT, ROOT_INO, FsError, Identity
from fogbank.services.efs.fs.store import FsStore
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.batch import Batcher, run_batch
from fogbank.services.efs.rpc.locks import LockTable
from fogbank.services.efs.rpc.session import Session
from fogbank.services.efs.rpc.wire import Op, Value

USER = Identity(1000, 1000, ())


class Wire:
    """Stands in for the connection: records each batch sent; the test answers them."""

    def __init__(self) -> None:
        self.sent: list[tuple[list[Value], Future[Value]]] = []

    def send(self, items: list[Value]) -> Future[Value]:
        fut: Future[Value] = Future()
        self.sent.append((items, fut))
        return fut


def add(batcher: Batcher, op: Op, args: tuple[Value, ...]) -> Future[Value]:
    """``Batcher.add``, its answer in a future."""
    fut: Future[Value] = Future()

    def done(err: FsError | None, value: Value) -> None:
        if err is not None:
            fut.set_exception(err)
        else:
            fut.set_result(value)

    batcher.add(op, args, done)
    return fut


def test_batcher_sends_one_batch_at_a_time_and_queues_the_rest() -> None:
    wire = Wire()
    batcher = Batcher(wire.send, in_flight=1)
    first = add(batcher, Op.UNLINK, (1, b"a"))
    assert [items for items, _ in wire.sent] == [[[Op.UNLINK, [1, b"a"]]]]
    second = add(batcher, Op.UNLINK, (1, b"b"))
    third = add(batcher, Op.RELEASE, (9,))
    assert len(wire.sent) == 1  # held until the first batch is answered
    wire.sent[0][1].set_result([[0, "done a"]])
    assert first.result() == "done a"
    assert [items for items, _ in wire.sent[1:]] == [[[Op.UNLINK, [1, b"b"]], [Op.RELEASE, [9]]]]
    wire.sent[1][1].set_result([[errno.EACCES, None], [0, None]])
    with pytest.raises(FsError) as err:
        second.result()
    assert err.value.errno == errno.EACCES
    assert third.result() is None
    assert len(wire.sent) == 2


def test_batcher_fails_every_request_of_a_lost_batch() -> None:
    wire = Wire()
    batcher = Batcher(wire.send, in_flight=1)
    first = add(batcher, Op.UNLINK, (1, b"a"))
    second = add(batcher, Op.UNLINK, (1, b"b"))
    wire.sent[0][1].set_exception(FsError(errno.EIO, "connection lost"))
    with pytest.raises(FsError):
        first.result()
    wire.sent[1][1].set_exception(FsError(errno.EIO, "connection lost"))
    with pytest.raises(FsError):
        second.result()


def test_batcher_reports_each_batch_answered_after_its_requests() -> None:
    wire, seen = Wire(), []

    def failing(err: FsError | None, value: Value) -> None:
        seen.append("failing")
        raise RuntimeError("a bug in a Done")

    batcher = Batcher(wire.send, in_flight=1, answered=lambda n: seen.append(n))
    batcher.add(Op.UNLINK, (1, b"a"), failing)
    batcher.add(Op.UNLINK, (1, b"b"), lambda err, value: seen.append(value))
    batcher.add(Op.UNLINK, (1, b"c"), lambda err, value: seen.append(err and err.errno))
    wire.sent[0][1].set_result([[0, None]])
    assert seen == ["failing", 1]  # logged, and the batch still counted
    wire.sent[1][1].set_result([[0, "b"], [errno.ENOENT, None]])
    assert seen == ["failing", 1, "b", errno.ENOENT, 2]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_batcher_lingers_between_the_batches_of_a_burst() -> None:
    wire, clock = Wire(), Clock()
    # A linger of 1,000 s on a clock that does not reach it: the timer never sends here.
    batcher = Batcher(wire.send, in_flight=1, linger=1000.0, clock=clock)
    first = add(batcher, Op.UNLINK, (1, b"a"))  # nothing sent for a while: goes at once
    assert len(wire.sent) == 1
    second = add(batcher, Op.UNLINK, (1, b"b"))
    clock.now += 0.5
    wire.sent[0][1].set_result([[0, None]])  # answered well within the linger
    assert first.done() and len(wire.sent) == 1  # the next batch waits
    add(batcher, Op.UNLINK, (1, b"c"))
    assert len(wire.sent) == 1
    batcher.flush()  # someone waits for the answers: no lingering
    assert [len(items) for items, _ in wire.sent] == [1, 2]
    wire.sent[1][1].set_result([[0, None]] * 2)
    assert second.done()
    # A full batch does not linger either.
    for n in range(33):
        add(batcher, Op.UNLINK, (1, b"%d" % n))
    assert [len(items) for items, _ in wire.sent] == [1, 2, 32]
    wire.sent[2][1].set_result([[0, None]] * 32)
    assert len(wire.sent) == 3
    batcher.flush()
    assert [len(items) for items, _ in wire.sent] == [1, 2, 32, 1]
    batcher.close()


def test_batcher_timer_sends_the_last_batch_of_a_burst() -> None:
    wire = Wire()
    batcher = Batcher(wire.send, in_flight=1, linger=0.01)
    add(batcher, Op.UNLINK, (1, b"a"))
    last = add(batcher, Op.UNLINK, (1, b"b"))
    wire.sent[0][1].set_result([[0, None]])
    deadline = time.monotonic() + 5
    while len(wire.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert [items for items, _ in wire.sent[1:]] == [[[Op.UNLINK, [1, b"b"]]]]
    wire.sent[1][1].set_result([[0, "gone"]])
    assert last.result() == "gone"
    batcher.close()


def test_run_batch_groups_consecutive_requests_and_keeps_order() -> None:
    calls: list[object] = []

    async def dispatch(op: int, args: list[Value]) -> Value:
        calls.append(("one", op, args))
        if args == ["bad"]:
            raise FsError(errno.EEXIST)
        return f"{op}:" + str(args[0])

    async def unlinks(runs: list[list[Value]]) -> list[tuple[int, Value]]:
        calls.append(("group", runs))
        return [(0, "gone " + str(r[0])) for r in runs]

    items: list[Value] = [
        [Op.UNLINK, ["x"]], [Op.UNLINK, ["y"]], [Op.CREATE, ["bad"]], [Op.UNLINK, ["z"]],
        [Op.RELEASE, ["h"]],
    ]  # fmt: skip
    answers = asyncio.run(run_batch(dispatch, items, {Op.UNLINK: unlinks}))
    assert answers == [
        [0, "gone x"], [0, "gone y"], [errno.EEXIST, None], [0, f"{Op.UNLINK}:z"],
        [0, f"{Op.RELEASE}:h"],
    ]  # fmt: skip
    # A run of one goes the ordinary way; tasks start in the batch's order.
    assert calls == [
        ("group", [["x"], ["y"]]),
        ("one", Op.CREATE, ["bad"]),
        ("one", Op.UNLINK, ["z"]),
        ("one", Op.RELEASE, ["h"]),
    ]


def test_run_batch_refuses_nested_batches() -> None:
    async def dispatch(op: int, args: list[Value]) -> Value:
        raise AssertionError("nothing runs")

    with pytest.raises(FsError) as err:
        asyncio.run(run_batch(dispatch, [[Op.BATCH, [[]]]], {}))
    assert err.value.errno == errno.EPROTO


def test_unlink_many_fails_each_unlink_alone(fs_store: FsStore) -> None:
    async def go() -> None:
        await fs_store.create_file_system("fs-1", encrypted=False)
        fs = fs_store.open("fs-1", None)
        d = (await fs.create(ROOT, ROOT_INO, b"d", stat.S_IFDIR | 0o755)).attr
        assert d is not None
        for name in (b"a", b"b", b"c"):
            await fs.create(ROOT, d.ino, name, stat.S_IFREG | 0o644)
        results = await fs.unlink_many(
            [
                (ROOT, d.ino, b"a", None),
                (ROOT, d.ino, b"missing", None),
                (USER, d.ino, b"b", None),  # no write permission on d
                (ROOT, d.ino, b"c", None),
            ]
        )
        assert [r.errno if isinstance(r, FsError) else 0 for r in results] == [
            0, errno.ENOENT, errno.EACCES, 0
        ]  # fmt: skip
        names = [e.name for e in await fs.readdir(ROOT, d.ino, None, 100)]
        assert b"b" in names and b"a" not in names and b"c" not in names
        # The directory's attributes handed back are those the server keeps.
        last = results[3]
        assert not isinstance(last, FsError)
        assert last.dirs[0] == await fs.getattr(d.ino)

    asyncio.run(go())


def test_a_batch_of_unlinks_reports_each_directory_once(fs_store: FsStore) -> None:
    """The directory's attributes come back with its last unlink of the batch that was
    made, and are the ones the server keeps; the other answers leave them out."""

    async def go() -> None:
        await fs_store.create_file_system("fs-1", encrypted=False)
        fs = fs_store.open("fs-1", None)
        session = Session("s", fs, LockTable(), ROOT_INO, None, True, False)
        dirs = []
        for dname, names in ((b"d1", (b"a", b"b", b"c")), (b"d2", (b"x",))):
            d = (await fs.create(ROOT, ROOT_INO, dname, stat.S_IFDIR | 0o755)).attr
            assert d is not None
            session._known.add(d.ino)
            for name in names:
                await fs.create(ROOT, d.ino, name, stat.S_IFREG | 0o644)
            dirs.append(d.ino)
        d1, d2 = dirs
        ctx: list[Value] = [0, 0, []]
        out = await session._unlinks(
            [[ctx, d1, b"a", None], [ctx, d1, b"b", None], [ctx, d2, b"x", None],
             [ctx, d1, b"c", None], [ctx, d1, b"missing", None]]
        )  # fmt: skip
        assert [status for status, _ in out] == [0, 0, 0, 0, errno.ENOENT]
        changes = [codec.change_in(value) for _, value in out[:4]]
        assert [len(c.dirs) for c in changes] == [0, 0, 1, 1]
        assert changes[2].dirs[0] == await fs.getattr(d2)
        assert changes[3].dirs[0] == await fs.getattr(d1)

    asyncio.run(go())


def test_unlink_many_leaves_each_directory_with_its_last_unlinks_times(
    fs_store: FsStore,
) -> None:
    async def go() -> None:
        await fs_store.create_file_system("fs-1", encrypted=False)
        fs = fs_store.open("fs-1", None)
        made = []
        for dname in (b"d1", b"d2"):
            d = (await fs.create(ROOT, ROOT_INO, dname, stat.S_IFDIR | 0o755)).attr
            assert d is not None
            for name in (b"a", b"b"):
                await fs.create(ROOT, d.ino, name, stat.S_IFREG | 0o644)
            made.append(d)
        d1, d2 = made
        now = time.time_ns()
        results = await fs.unlink_many(
            [
                (ROOT, d1.ino, b"a", now + 10),
                (ROOT, d2.ino, b"a", now + 20),
                (ROOT, d1.ino, b"b", now + 30),
                (ROOT, d2.ino, b"missing", now + 40),
                (ROOT, d2.ino, b"b", now + 50),
                (ROOT, d1.ino, b"missing", now + 60),
            ]
        )
        changes = [r for r in results if not isinstance(r, FsError)]
        assert [c.dirs[0].mtime_ns - now for c in changes] == [10, 20, 30, 50]
        after1, after2 = await fs.getattr(d1.ino), await fs.getattr(d2.ino)
        assert after1 == changes[2].dirs[0] and after2 == changes[3].dirs[0]
        assert (after1.mtime_ns, after1.ctime_ns, after1.nlink) == (now + 30, now + 30, 2)
        assert await fs.readdir(ROOT, d1.ino, None, 10) == []

    asyncio.run(go())


def test_session_takes_each_callers_identity_as_sent(fs_store: FsStore) -> None:
    """The identity of the last caller is kept for the next request (a burst comes from
    one caller); any other value is read anew, and a malformed one refused."""
    fs = fs_store.open("fs-1", None)
    squashing = Session("s", fs, LockTable(), ROOT_INO, None, False, False)
    assert squashing._ident([0, 0, []]) == Identity(65534, 65534, ())
    assert squashing._ident([0, 0, []]) == Identity(65534, 65534, ())
    assert squashing._ident([1000, 100, [5]]) == Identity(1000, 100, (5,))
    assert squashing._ident([1000, 100, [5, 6]]) == Identity(1000, 100, (5, 6))
    for bad in (None, [], [0, 0]):
        with pytest.raises((ValueError, IndexError)):
            squashing._ident(bad)
    root = Session("r", fs, LockTable(), ROOT_INO, None, True, False)
    with pytest.raises(ValueError):
        root._ident(None)
    assert root._ident([0, 0, []]) == Identity(0, 0, ())
