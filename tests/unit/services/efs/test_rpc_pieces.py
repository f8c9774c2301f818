"""Pure pieces of the data plane: the wire format, the lock table, the connect signature."""

from __future__ import annotations

import asyncio
import errno
import struct

import pytest

from fogbank.services.efs.fs.model import FsError
from fogbank.services.efs.rpc import wire
from fogbank.services.efs.rpc.auth import compute_signature, date_ok, sign_connect
from fogbank.services.efs.rpc.locks import F_RDLCK, F_UNLCK, F_WRLCK, OFFSET_MAX, LockTable


def test_wire_round_trip() -> None:
    value: wire.Value = [
        None, True, False, 0, -5, (1 << 63) - 1, (1 << 64) - 1, b"\x00bytes", "text é",
        [1, [2, b"3"]], {"k": [None, {"n": 1}]},
    ]  # fmt: skip
    parts = wire.frame(7, wire.Op.LOOKUP, value)
    raw = b"".join(parts)
    size, msg_id, code = wire.parse_header(raw[: wire.HEADER_SIZE])
    assert (msg_id, code, size) == (7, wire.Op.LOOKUP, len(raw) - wire.HEADER_SIZE)
    assert wire.decode(raw[wire.HEADER_SIZE :]) == value


def test_wire_lists_of_ints_and_of_other_values() -> None:
    values: list[wire.Value] = [
        [], [7], list(range(-16, 17)), list(range(40)), [1, 2, (1 << 64) - 1], [1, True, 2],
        [1, None, 2], (5, 6), [wire.Op.UNLINK, [1, 2]], [-(1 << 63), (1 << 63) - 1],
        [1, 2, b"x" * 70000, [3, 4], "s"], [[1, 2], [b"", None, [5, [6, 7]]]],
    ]  # fmt: skip
    for value in values:
        raw = b"".join(wire.frame(1, 0, value))
        assert wire.decode(raw[wire.HEADER_SIZE :]) == list(value), value
        assert wire.decode(bytearray(raw[wire.HEADER_SIZE :])) == list(value), value
    with pytest.raises(struct.error):
        wire.frame(1, 0, [-(1 << 63) - 1])


def test_wire_chunks_encode_as_one_bytes_value() -> None:
    parts = wire.frame(1, wire.Op.WRITE, [wire.Chunks([b"ab", b"cd"])])  # type: ignore[list-item]
    raw = b"".join(parts)
    assert wire.decode(raw[wire.HEADER_SIZE :]) == [b"abcd"]


def test_wire_rejects_bad_frames() -> None:
    with pytest.raises(ValueError):
        wire.parse_header(b"\x00\x00\x00\x01" + b"\x00" * 6)


def test_posix_locks_conflict_split_and_release() -> None:
    async def go() -> None:
        t = LockTable()
        a, b = ("s1", 1), ("s2", 9)
        await t.acquire(5, a, 0, 99, F_WRLCK, 100, flock=False, wait=False)
        with pytest.raises(FsError) as exc:
            await t.acquire(5, b, 50, 60, F_RDLCK, 200, flock=False, wait=False)
        assert exc.value.errno == errno.EAGAIN
        found = t.test(5, b, 0, OFFSET_MAX, F_RDLCK, flock=False)
        assert found is not None and (found.start, found.end, found.pid) == (0, 99, 100)
        await t.acquire(5, a, 40, 59, F_UNLCK, 100, flock=False, wait=False)  # split
        await t.acquire(5, b, 45, 55, F_WRLCK, 200, flock=False, wait=False)
        assert t.test(5, b, 0, 10, F_RDLCK, flock=False) is not None
        # flock and POSIX locks do not interact; one session's flock blocks another's
        await t.acquire(5, a, 0, OFFSET_MAX, F_WRLCK, 100, flock=True, wait=False)
        waiter = asyncio.create_task(
            t.acquire(5, b, 0, OFFSET_MAX, F_WRLCK, 200, flock=True, wait=True)
        )
        await asyncio.sleep(0.01)
        assert not waiter.done()
        t.drop_session("s1")  # a client went away: its locks go with it
        await asyncio.wait_for(waiter, 1)

    asyncio.run(go())


def test_connect_signature() -> None:
    signed = sign_connect("AKID", "secret", None, "fs-1", b"challenge", "us-east-1", now=1.7e9)
    again = compute_signature(
        "secret", "fs-1", b"challenge", "AKID", signed.amz_date, "us-east-1", None
    )
    assert signed.signature == again
    other = compute_signature(
        "secret", "fs-2", b"challenge", "AKID", signed.amz_date, "us-east-1", None
    )
    assert other != again
    assert date_ok(signed.amz_date, 1.7e9 + 60)
    assert not date_ok(signed.amz_date, 1.7e9 + 3600)
