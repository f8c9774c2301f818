"""The refusal messages the front writes in the clients' own protocols."""

from __future__ import annotations

import struct

from fogbank.services.rds.engines import wire


def test_mysql_err_packet_layout() -> None:
    packet = wire.mysql_error(1130, "fogbank: refused")
    body = b"\xff" + struct.pack("<H", 1130) + b"fogbank: refused"
    assert packet[:3] == len(body).to_bytes(3, "little")
    assert packet[3] == 0  # the first packet of the connection
    assert packet[4:] == body
    assert packet[7:8] != b"#"  # no SQL state marker before the handshake


def test_mysql_err_packet_is_parsed_by_pymysql() -> None:
    import pymysql.err
    import pytest

    packet = wire.mysql_error(wire.ER_HOST_NOT_PRIVILEGED, "refused by security group sg-1")
    with pytest.raises(pymysql.err.OperationalError) as caught:
        pymysql.err.raise_mysql_exception(packet[4:])
    assert caught.value.args == (1130, "refused by security group sg-1")


def test_mysql_message_is_capped() -> None:
    assert len(wire.mysql_error(1130, "x" * 5000)) == 4 + 3 + 500


def test_pg_error_response_fields() -> None:
    msg = wire.pg_error("28000", "fogbank: no rule")
    assert msg[:1] == b"E"
    (length,) = struct.unpack("!I", msg[1:5])
    assert length == len(msg) - 1
    fields = msg[5:-1].split(b"\x00")[:-1]
    assert fields == [b"SFATAL", b"VFATAL", b"C28000", b"Mfogbank: no rule"]
    assert msg.endswith(b"\x00\x00")


def test_pg_first_messages_are_classified() -> None:
    ssl = struct.pack("!II", 8, wire.SSL_REQUEST)
    gss = struct.pack("!II", 8, wire.GSSENC_REQUEST)
    params = b"user\x00bob\x00database\x00app\x00\x00"
    startup = struct.pack("!II", 8 + len(params), wire.PROTOCOL_3) + params
    assert wire.pg_first_message(ssl) == ("ssl", 8)
    assert wire.pg_first_message(gss) == ("gssenc", 8)
    assert wire.pg_first_message(startup) == ("startup", len(startup))
    assert wire.pg_first_message(startup[:10]) is None
    assert wire.pg_first_message(ssl[:5]) is None
    assert wire.pg_first_message(struct.pack("!II", 4, 0)) == ("invalid", 8)
    assert wire.pg_startup_parameters(startup) == {"user": "bob", "database": "app"}
