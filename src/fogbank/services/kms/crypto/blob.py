"""The ciphertext blob of symmetric encryption: self-describing, authenticated, versioned.

Layout (all integers big-endian)::

    offset  size  field
    0       1     format version (1)
    1       16    key id (the KMS key's UUID, raw bytes)
    17      4     key material version (1 = original material, +1 per rotation)
    21      16    salt: per-message key derivation input
    37      12    AES-GCM nonce
    49      n+16  AES-256-GCM ciphertext of the n plaintext bytes, then the 16-byte tag

The per-message key is HKDF-SHA256(key material, salt, info="fogbank kms blob v1"), so
one key version can seal any number of messages without nonce-reuse concerns. The
additional authenticated data is the 49-byte header followed by the canonical encoding
of the encryption context, so a changed header, key id, version, or a wrong or missing
encryption context all fail authentication (``InvalidCiphertextException``).

Canonical encryption context: the pairs sorted by the UTF-8 bytes of their keys, as
``u16 count`` then, per pair, ``u16 len, key bytes, u16 len, value bytes``; an empty or
absent context encodes as ``u16 0``.
"""

from __future__ import annotations

import os
import struct
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = 1
_HEADER = struct.Struct(">B16sI16s12s")
HEADER_SIZE = _HEADER.size  # 49
MAX_MATERIAL_VERSION = 1 << 20
TAG_SIZE = 16
OVERHEAD = HEADER_SIZE + TAG_SIZE
_INFO = b"fogbank kms blob v1"


class BlobError(Exception):
    """Not a fogbank ciphertext, or it does not authenticate (tampered, wrong context)."""


@dataclass(frozen=True)
class BlobHeader:
    key_id: str
    material_version: int


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    if not context:
        return b"\x00\x00"
    pairs = sorted((k.encode(), v.encode()) for k, v in context.items())
    if len(pairs) > 0xFFFF:
        raise ValueError("too many encryption context pairs")
    out = bytearray(struct.pack(">H", len(pairs)))
    for k, v in pairs:
        if len(k) > 0xFFFF or len(v) > 0xFFFF:
            raise ValueError("encryption context entry too long")
        out += struct.pack(">H", len(k)) + k + struct.pack(">H", len(v)) + v
    return bytes(out)


def _message_key(material: bytes, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO)
    return hkdf.derive(material)


def seal(
    material: bytes,
    key_id: str,
    version: int,
    plaintext: bytes,
    context: Mapping[str, str] | None = None,
) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    header = _HEADER.pack(FORMAT_VERSION, uuid.UUID(key_id).bytes, version, salt, nonce)
    aead = AESGCM(_message_key(material, salt))
    return header + aead.encrypt(nonce, plaintext, header + canonical_context(context))


def parse_header(blob: bytes) -> BlobHeader:
    """Who sealed this blob (key id and material version), without decrypting it."""
    if len(blob) < OVERHEAD:
        raise BlobError("ciphertext too short")
    version, raw_id, material_version, _salt, _nonce = _HEADER.unpack_from(blob)
    key_id = uuid.UUID(bytes=raw_id)
    # Key ids are random UUIDs (version 4), and a key is rotated far fewer than 2**20
    # times: checking both makes random bytes (an RSA ciphertext sent without its key
    # id, say) pass for a fogbank ciphertext about once in 2**26 tries, not once in 256.
    if (
        version != FORMAT_VERSION
        or key_id.version != 4
        or not 1 <= material_version < MAX_MATERIAL_VERSION
    ):
        raise BlobError("not a fogbank ciphertext")
    return BlobHeader(str(key_id), material_version)


def open_blob(material: bytes, blob: bytes, context: Mapping[str, str] | None = None) -> bytes:
    parse_header(blob)
    header = blob[:HEADER_SIZE]
    salt = blob[21:37]
    nonce = blob[37:HEADER_SIZE]
    aead = AESGCM(_message_key(material, salt))
    try:
        return aead.decrypt(nonce, blob[HEADER_SIZE:], header + canonical_context(context))
    except InvalidTag:
        raise BlobError("ciphertext does not authenticate") from None
