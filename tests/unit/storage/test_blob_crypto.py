"""The chunked AES-256-GCM format: round trips, ranges, and what must fail to decrypt."""

from __future__ import annotations

import os
import random

import pytest

from fogbank.storage.blobs import crypto
from fogbank.storage.blobs.crypto import CHUNK, STORED_CHUNK, Decryptor, Encryptor, encrypt
from fogbank.storage.blobs.disk import new_id
from fogbank.storage.blobs.model import BlobCorrupt, DataKey

KEY = DataKey(bytes(range(32)), "key-1")
SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17, 40 * CHUNK + 5]


def _decrypt_all(stored: bytes, blob_id: str, size: int, key: DataKey = KEY) -> bytes:
    dec = Decryptor(key, blob_id, size)
    return dec.read_range(0, size, lambda off, n: stored[off : off + n]) if size else b""


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_stored_size(size: int) -> None:
    blob_id = new_id()
    data = os.urandom(size)
    stored = encrypt(KEY, blob_id, data)
    assert len(stored) == crypto.stored_size(size)
    assert _decrypt_all(stored, blob_id, size) == data


def _sealed(enc: Encryptor, batch: list[bytes], last: bool, into: bool, slack: int) -> bytes:
    """The stored bytes of ``batch``: from ``seal``, or ``seal_into`` a buffer of its own
    (``slack`` bytes longer than needed)."""
    if not into:
        return enc.seal(batch, last).tobytes()
    target = memoryview(bytearray(enc.sealed_size(batch, last) + slack))
    return target[: enc.seal_into(batch, target, last)].tobytes()


@pytest.mark.parametrize("into", [False, True], ids=["seal", "seal_into"])
@pytest.mark.parametrize("size", SIZES)
def test_streaming_matches_one_shot(size: int, into: bool) -> None:
    rng = random.Random(size)
    blob_id = new_id()
    data = rng.randbytes(size)
    enc = Encryptor(KEY, blob_id)
    out: list[bytes] = []
    pos = 0
    while pos < size:
        batch: list[bytes] = []
        for _ in range(rng.choice([0, 1, 2, 5])):  # batches of parts, some empty
            n = rng.choice([0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 300_000])
            batch.append(data[pos : pos + n])
            pos += len(batch[-1])
        out.append(_sealed(enc, batch, False, into, rng.choice([0, 9])))
    out.append(_sealed(enc, [], True, into, 0))
    assert b"".join(out) == encrypt(KEY, blob_id, data)
    assert _decrypt_all(b"".join(out), blob_id, size) == data


def test_sealing_into_a_buffer_too_small_is_refused() -> None:
    enc = Encryptor(KEY, new_id())
    part = [b"x" * (CHUNK + 1)]
    with pytest.raises(ValueError, match="do not fit"):
        enc.seal_into(part, memoryview(bytearray(enc.sealed_size(part) - 1)))


def test_batches_seal_every_completed_chunk_but_hold_the_last_back() -> None:
    enc = Encryptor(KEY, new_id())
    assert len(enc.seal([b"a" * CHUNK])) == 0  # full, but it may be the last chunk
    assert len(enc.seal([b"b"])) == STORED_CHUNK  # now it is known not to be
    assert len(enc.seal([b"c" * (CHUNK - 1), b"d" * (2 * CHUNK)])) == 2 * STORED_CHUNK
    assert len(enc.seal([], last=True)) == CHUNK + crypto.TAG


def test_ranges_across_chunk_boundaries_are_exact() -> None:
    rng = random.Random(7)
    blob_id = new_id()
    size = 5 * CHUNK + 123
    data = rng.randbytes(size)
    stored = encrypt(KEY, blob_id, data)
    reads: list[tuple[int, int]] = []

    def at(off: int, n: int) -> bytes:
        reads.append((off, n))
        return stored[off : off + n]

    dec = Decryptor(KEY, blob_id, size)
    edges = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, size - 1, size]
    for start in edges:
        for end in edges:
            if start <= end:
                assert dec.read_range(start, end, at) == data[start:end]
    reads.clear()
    assert dec.read_range(CHUNK - 1, CHUNK + 1, at) == data[CHUNK - 1 : CHUNK + 1]
    assert reads == [(0, 2 * STORED_CHUNK)]  # only the two chunks the range overlaps
    for _ in range(200):
        a, b = sorted(rng.randrange(size + 1) for _ in range(2))
        assert dec.read_range(a, b, at) == data[a:b]


def test_a_flipped_byte_fails_authentication() -> None:
    blob_id = new_id()
    data = os.urandom(3 * CHUNK)
    stored = bytearray(encrypt(KEY, blob_id, data))
    stored[STORED_CHUNK + 5] ^= 0x01
    dec = Decryptor(KEY, blob_id, len(data))
    assert dec.read_range(0, CHUNK, lambda o, n: bytes(stored[o : o + n])) == data[:CHUNK]
    with pytest.raises(BlobCorrupt, match="authentication"):
        dec.read_range(CHUNK, CHUNK + 1, lambda o, n: bytes(stored[o : o + n]))


def test_reordered_chunks_fail() -> None:
    blob_id = new_id()
    data = os.urandom(3 * CHUNK)
    s = encrypt(KEY, blob_id, data)
    swapped = s[STORED_CHUNK : 2 * STORED_CHUNK] + s[:STORED_CHUNK] + s[2 * STORED_CHUNK :]
    with pytest.raises(BlobCorrupt):
        _decrypt_all(swapped, blob_id, len(data))


def test_chunks_of_another_blob_fail_even_under_the_same_key() -> None:
    data = os.urandom(CHUNK)
    a, b = new_id(), new_id()
    assert encrypt(KEY, a, data) != encrypt(KEY, b, data)  # distinct nonce spaces
    with pytest.raises(BlobCorrupt):
        _decrypt_all(encrypt(KEY, a, data), b, len(data))


def test_truncation_is_detected() -> None:
    blob_id = new_id()
    data = os.urandom(3 * CHUNK)
    stored = encrypt(KEY, blob_id, data)
    # The metadata claims a shorter plaintext: chunk 1 was not sealed as the last one.
    with pytest.raises(BlobCorrupt):
        _decrypt_all(stored[: 2 * STORED_CHUNK], blob_id, 2 * CHUNK)
    # The stored bytes are cut short of what the metadata says.
    with pytest.raises(BlobCorrupt):
        _decrypt_all(stored[: 2 * STORED_CHUNK], blob_id, len(data))


def test_wrong_key_fails() -> None:
    blob_id = new_id()
    stored = encrypt(KEY, blob_id, b"secret")
    with pytest.raises(BlobCorrupt):
        _decrypt_all(stored, blob_id, 6, DataKey(bytes(32), "other"))


def test_data_keys_are_256_bit_and_not_shown() -> None:
    with pytest.raises(ValueError):
        DataKey(b"short", "k")
    assert bytes(range(32)).hex() not in repr(KEY)


@pytest.mark.parametrize("size", [0, 1, 4096, CHUNK])
def test_one_chunk_blob_is_the_documented_aes_gcm_message(size: int) -> None:
    """A blob of at most one chunk (sealed in one call) decrypts as the module documents:
    key HKDF-SHA256(data key, SALT, blob id), nonce index 0 and the last flag, AAD
    "fbc1" + blob id + index + last flag, all built here independently."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    blob_id = new_id()
    data = os.urandom(size)
    raw_id = bytes.fromhex(blob_id)
    subkey = HKDF(
        algorithm=SHA256(), length=32, salt=b"fogbank blob chunk key v1", info=raw_id
    ).derive(KEY.key)
    nonce = bytes(11) + b"\x01"
    aad = b"fbc1" + raw_id + bytes(8) + b"\x01"
    stored = encrypt(KEY, blob_id, data)
    assert len(stored) == size + 16
    assert AESGCM(subkey).decrypt(nonce, stored, aad) == data
