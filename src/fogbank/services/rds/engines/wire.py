"""The few protocol messages the front writes itself: refusals in the client's protocol.

MySQL/MariaDB servers speak first, so a refusal is an ERR packet in place of the initial
handshake (sequence id 0, no SQL state marker, as a server refusing a host sends it); the
client prints ``ERROR 1130 (HY000): <message>``. PostgreSQL clients speak first: an
SSLRequest or GSSENCRequest is answered ``N`` (no encryption), and the StartupMessage
that follows with an ErrorResponse (``FATAL``), which psql prints as it is.
"""

from __future__ import annotations

import struct

ER_HOST_NOT_PRIVILEGED = 1130  # "Host ... is not allowed to connect to this server"
ER_SERVER_SHUTDOWN = 1053  # the engine is not running (stopped, rebooting ...)
PG_INVALID_AUTHORIZATION = "28000"
PG_CANNOT_CONNECT_NOW = "57P03"

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_3 = 196608
MAX_STARTUP_LENGTH = 10000


def mysql_error(code: int, message: str, sequence: int = 0) -> bytes:
    """An ERR packet: header (3-byte length, sequence), 0xFF, error code, message."""
    body = b"\xff" + struct.pack("<H", code) + message.encode("utf-8")[:500]
    return struct.pack("<I", len(body))[:3] + bytes([sequence & 0xFF]) + body


def pg_error(sqlstate: str, message: str, severity: str = "FATAL") -> bytes:
    """An ErrorResponse ('E') with severity, code and message fields."""
    fields = b""
    for tag, value in ((b"S", severity), (b"V", severity), (b"C", sqlstate), (b"M", message)):
        fields += tag + value.encode("utf-8").replace(b"\x00", b"") + b"\x00"
    fields += b"\x00"
    return b"E" + struct.pack("!I", len(fields) + 4) + fields


def pg_first_message(buffer: bytes) -> tuple[str, int] | None:
    """Classify a PostgreSQL client's untyped first message, once it is complete.

    Returns (kind, length) with kind ``ssl``, ``gssenc``, ``cancel``, ``startup`` or
    ``invalid``; None while more bytes are needed.
    """
    if len(buffer) < 8:
        return None
    length, code = struct.unpack("!II", buffer[:8])
    if length < 8 or length > MAX_STARTUP_LENGTH:
        return ("invalid", len(buffer))
    if len(buffer) < length:
        return None
    kinds = {SSL_REQUEST: "ssl", GSSENC_REQUEST: "gssenc", CANCEL_REQUEST: "cancel"}
    if code in kinds:
        return (kinds[code], length)
    if code >> 16 == 3:
        return ("startup", length)
    return ("invalid", length)


def pg_startup_parameters(message: bytes) -> dict[str, str]:
    """The key/value pairs of a StartupMessage (user, database ...)."""
    parts = message[8:].split(b"\x00")
    out: dict[str, str] = {}
    for key, value in zip(parts[0::2], parts[1::2], strict=False):
        if not key:
            break
        out[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    return out
