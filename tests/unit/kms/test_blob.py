"""The symmetric ciphertext blob: format, context binding, tampering.

The layout is checked against docs (an independent decryption written from the
documented layout with ``cryptography`` primitives), not against the code's constants.
"""

from __future__ import annotations

import os
import random
import uuid

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fogbank.services.kms.crypto.blob import (
    BlobError,
    canonical_context,
    open_blob,
    parse_header,
    seal,
)

KEY_ID = "1234abcd-12ab-44cd-96ef-1234567890ab"  # fogbank key ids are version 4 UUIDs
MATERIAL = bytes(range(32))


def test_round_trip_without_and_with_context() -> None:
    blob = seal(MATERIAL, KEY_ID, 1, b"hello")
    assert open_blob(MATERIAL, blob) == b"hello"
    ctx = {"bucket": "b1", "key": "photos/cat.jpg"}
    blob = seal(MATERIAL, KEY_ID, 7, b"x" * 4096, ctx)
    assert open_blob(MATERIAL, blob, dict(reversed(list(ctx.items())))) == b"x" * 4096


def test_header_names_key_and_material_version() -> None:
    blob = seal(MATERIAL, KEY_ID, 3, b"data")
    header = parse_header(blob)
    assert header.key_id == KEY_ID
    assert header.material_version == 3


def test_documented_layout_decrypts_independently() -> None:
    ctx = {"b": "2", "a": "1"}
    blob = seal(MATERIAL, KEY_ID, 2, b"secret payload", ctx)
    assert blob[0] == 1
    assert blob[1:17] == uuid.UUID(KEY_ID).bytes
    assert int.from_bytes(blob[17:21], "big") == 2
    salt, nonce, body = blob[21:37], blob[37:49], blob[49:]
    assert len(body) == len(b"secret payload") + 16
    message_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"fogbank kms blob v1"
    ).derive(MATERIAL)
    aad = blob[:49] + b"\x00\x02" + b"\x00\x01a\x00\x011" + b"\x00\x01b\x00\x012"
    assert AESGCM(message_key).decrypt(nonce, body, aad) == b"secret payload"


def test_canonical_context_sorts_by_utf8_key_bytes() -> None:
    assert canonical_context(None) == b"\x00\x00"
    assert canonical_context({}) == b"\x00\x00"
    assert canonical_context({"é": "1", "z": ""}) == (
        b"\x00\x02" + b"\x00\x01z\x00\x00" + b"\x00\x02\xc3\xa9\x00\x011"
    )


@pytest.mark.parametrize(
    "wrong",
    [None, {}, {"purpose": "other"}, {"purpose": "test", "extra": "1"}, {"Purpose": "test"}],
)
def test_wrong_or_missing_context_fails(wrong: dict[str, str] | None) -> None:
    blob = seal(MATERIAL, KEY_ID, 1, b"data", {"purpose": "test"})
    with pytest.raises(BlobError):
        open_blob(MATERIAL, blob, wrong)


def test_context_where_none_was_given_fails() -> None:
    blob = seal(MATERIAL, KEY_ID, 1, b"data")
    with pytest.raises(BlobError):
        open_blob(MATERIAL, blob, {"a": "b"})


@pytest.mark.parametrize("offset", [1, 16, 18, 20, 25, 40, 49, -1])
def test_any_flipped_byte_is_detected(offset: int) -> None:
    blob = bytearray(seal(MATERIAL, KEY_ID, 1, b"important data"))
    blob[offset] ^= 0x01
    with pytest.raises(BlobError):
        open_blob(MATERIAL, bytes(blob))


def test_wrong_material_fails() -> None:
    blob = seal(MATERIAL, KEY_ID, 1, b"data")
    with pytest.raises(BlobError):
        open_blob(os.urandom(32), blob)


@pytest.mark.parametrize(
    "junk",
    [b"", b"\x01" * 10, b"\x02" + bytes(80), bytes(range(48))],
    ids=["empty", "short", "unknown-version", "random-like"],
)
def test_junk_is_not_a_blob(junk: bytes) -> None:
    with pytest.raises(BlobError):
        parse_header(junk)


def test_each_seal_is_fresh() -> None:
    a = seal(MATERIAL, KEY_ID, 1, b"same")
    b = seal(MATERIAL, KEY_ID, 1, b"same")
    assert a != b
    assert open_blob(MATERIAL, a) == open_blob(MATERIAL, b) == b"same"


def test_random_bytes_are_not_taken_for_a_ciphertext() -> None:
    """An RSA ciphertext sent to Decrypt without its key id must come back as an invalid
    ciphertext, not as a lookup of whatever key id its bytes happen to spell."""
    rng = random.Random(7)
    taken = 0
    for _ in range(2_000):  # before the checks, nearly all of them were taken
        blob = bytes([1]) + rng.randbytes(255)  # the format byte right: the worst case
        try:
            parse_header(blob)
            taken += 1
        except BlobError:
            pass
    assert taken == 0
