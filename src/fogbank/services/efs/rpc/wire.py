"""The data-plane wire format: length-prefixed frames carrying a compact value encoding.

Frame: ``u32 length`` then the body. A request body is ``u32 id, u16 op`` and the
arguments; a response body is ``u32 id, u16 status`` (0, or an errno) and the result.
Ids let a client keep many requests in flight on one connection (pipelining); responses
come back in completion order.

Values: None, bool, int (signed or unsigned 64-bit), bytes, str, list and dict with str keys, each a
one-byte tag followed by fixed-size fields or a ``u32`` length.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from enum import IntEnum

MAX_FRAME = 64 << 20
Value = None | bool | int | bytes | str | Sequence["Value"] | Mapping[str, "Value"]

_HDR = struct.Struct("!IIH")  # length, id, op/status
_U32 = struct.Struct("!I")
_I64 = struct.Struct("!q")
_U64 = struct.Struct("!Q")
_NONE, _FALSE, _TRUE, _INT, _BYTES, _STR, _LIST, _DICT, _UINT = range(9)
_I64_MAX = (1 << 63) - 1


class Op(IntEnum):
    CHALLENGE = 1
    HELLO = 2
    REFUSED = 3  # server -> client instead of CHALLENGE: not admitted (message)
    LOOKUP = 10
    GETATTR = 11
    SETATTR = 12
    CREATE = 13
    LINK = 14
    UNLINK = 15
    RMDIR = 16
    RENAME = 17
    READDIR = 18
    READLINK = 19
    OPEN = 20
    RELEASE = 21
    READ = 22
    WRITE = 23
    FSYNC = 24
    STATFS = 25
    GETXATTR = 26
    SETXATTR = 27
    LISTXATTR = 28
    REMOVEXATTR = 29
    ACCESS = 30
    GETLK = 31
    SETLK = 32
    CANCEL = 33
    RELEASE_LOCKS = 34
    NOTIFY = 35  # server -> client, with message id 0: caches to drop (other clients' changes)
    RESERVE = 36  # inode numbers for creates the client answers before the server (count)
    BATCH = 37  # pipelined requests, [[op, args], ...]; answered [[status, result], ...]


class Chunks:
    """Bytes held as several pieces: encoded as one bytes value, sent without joining."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts


_TAG_INT = struct.Struct("!Bq")  # tag and value in one pack
_TAG_LEN = struct.Struct("!BI")  # tag and length
_I64_MIN = -(1 << 63)


def _encode(value: Value | Chunks, out: list[bytes]) -> None:
    # The common types are told apart by ``type`` first: ints (not bools: ``type(True)``
    # is ``bool``), lists, bytes and None make up nearly every request and answer.
    kind = type(value)
    if kind is int:
        if _I64_MIN <= value <= _I64_MAX:  # type: ignore[operator]
            out.append(_TAG_INT.pack(_INT, value))
        else:
            out.append(b"\x08" + _U64.pack(value))
    elif kind is list or kind is tuple:
        out.append(_TAG_LEN.pack(_LIST, len(value)))  # type: ignore[arg-type]
        for item in value:  # type: ignore[union-attr]
            if type(item) is int and _I64_MIN <= item <= _I64_MAX:
                out.append(_TAG_INT.pack(_INT, item))
            elif item is None:
                out.append(b"\x00")
            elif type(item) is bytes:
                out.append(_TAG_LEN.pack(_BYTES, len(item)))
                out.append(item)
            else:
                _encode(item, out)
    elif value is None:
        out.append(b"\x00")
    elif kind is bytes:
        out.append(_TAG_LEN.pack(_BYTES, len(value)))  # type: ignore[arg-type]
        out.append(value)  # type: ignore[arg-type]
    else:
        _encode_other(value, out)


def _encode_other(value: Value | Chunks, out: list[bytes]) -> None:
    if isinstance(value, Chunks):
        out.append(b"\x04" + _U32.pack(sum(len(p) for p in value.parts)))
        out.extend(value.parts)
    elif value is None:
        out.append(b"\x00")
    elif value is True:
        out.append(b"\x02")
    elif value is False:
        out.append(b"\x01")
    elif isinstance(value, int):
        if value > _I64_MAX:
            out.append(b"\x08" + _U64.pack(value))
        else:
            out.append(b"\x03" + _I64.pack(value))
    elif isinstance(value, bytes | bytearray | memoryview):
        out.append(b"\x04" + _U32.pack(len(value)))
        out.append(bytes(value) if not isinstance(value, bytes) else value)
    elif isinstance(value, str):
        raw = value.encode()
        out.append(b"\x05" + _U32.pack(len(raw)) + raw)
    elif isinstance(value, Mapping):
        out.append(b"\x07" + _U32.pack(len(value)))
        for k, v in value.items():
            _encode(k, out)
            _encode(v, out)
    else:
        out.append(b"\x06" + _U32.pack(len(value)))
        for item in value:
            _encode(item, out)


_unpack_i64 = _I64.unpack_from
# A list of n ints (an inode's attributes, say) is read with one unpack.
_RUN_MAX = 32
_SMALL = 64 * 1024
_INT_TAGS = [bytes([_INT]) * n for n in range(_RUN_MAX + 1)]
_INT_RUNS = [struct.Struct("!" + "xq" * n) for n in range(_RUN_MAX + 1)]


def _decode(buf: bytes | memoryview, pos: int) -> tuple[Value, int]:
    tag = buf[pos]
    if tag == _LIST:
        return _decode_list(buf, pos + 5, _U32.unpack_from(buf, pos + 1)[0])
    pos += 1
    if tag == _INT:
        return _unpack_i64(buf, pos)[0], pos + 8
    if tag == _NONE:
        return None, pos
    if tag == _FALSE:
        return False, pos
    if tag == _TRUE:
        return True, pos
    if tag == _UINT:
        return _U64.unpack_from(buf, pos)[0], pos + 8
    (n,) = _U32.unpack_from(buf, pos)
    pos += 4
    if tag == _BYTES:
        return bytes(buf[pos : pos + n]), pos + n
    if tag == _STR:
        return bytes(buf[pos : pos + n]).decode(), pos + n
    if tag == _DICT:
        mapping: dict[str, Value] = {}
        for _ in range(n):
            key, pos = _decode(buf, pos)
            val, pos = _decode(buf, pos)
            mapping[str(key)] = val
        return mapping, pos
    raise ValueError(f"bad value tag {tag}")


def _decode_list(buf: bytes | memoryview, pos: int, n: int) -> tuple[list[Value], int]:
    """The ``n`` items of a list starting at ``pos``; ints, Nones, bytes and lists, which
    make up nearly all of them, without a call of ``_decode`` each."""
    if 1 < n <= _RUN_MAX and buf[pos] == _INT and buf[pos : pos + 9 * n : 9] == _INT_TAGS[n]:
        return list(_INT_RUNS[n].unpack_from(buf, pos)), pos + 9 * n  # all ints
    items: list[Value] = []
    append = items.append
    for _ in range(n):
        kind = buf[pos]
        if kind == _INT:
            append(_unpack_i64(buf, pos + 1)[0])
            pos += 9
        elif kind == _LIST:
            inner, pos = _decode_list(buf, pos + 5, _U32.unpack_from(buf, pos + 1)[0])
            append(inner)
        elif kind == _NONE:
            append(None)
            pos += 1
        elif kind == _BYTES:
            (size,) = _U32.unpack_from(buf, pos + 1)
            pos += 5 + size
            append(bytes(buf[pos - size : pos]))
        else:
            item, pos = _decode(buf, pos)
            append(item)
    return items, pos


def frame(msg_id: int, code: int, value: Value | Chunks) -> list[bytes]:
    """The pieces of one frame (join them, or hand them to ``writelines``/``sendmsg``)."""
    parts: list[bytes] = []
    _encode(value, parts)
    size = sum(map(len, parts)) + 6
    return [_HDR.pack(size, msg_id, code), *parts]


def parse_header(head: bytes | bytearray) -> tuple[int, int, int]:
    """``(body length after the 6-byte id/code, id, code)`` of a 10-byte header."""
    size, msg_id, code = _HDR.unpack(head)
    if size < 6 or size > MAX_FRAME:
        raise ValueError(f"bad frame size {size}")
    return size - 6, msg_id, code


HEADER_SIZE = _HDR.size


def decode(body: bytes | bytearray) -> Value:
    # Small bodies are read as bytes (indexing and strided slices are quicker than on a
    # memoryview); large ones through a memoryview, so a block is copied once.
    buf = bytes(body) if len(body) <= _SMALL else memoryview(body)
    value, _ = _decode(buf, 0)
    return value


def as_list(value: Value) -> list[Value]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def as_int(value: Value) -> int:
    if not isinstance(value, int):
        raise ValueError("expected an integer")
    return value


def as_bytes(value: Value) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("expected bytes")
    return value


def as_dict(value: Value) -> dict[str, Value]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    return value
