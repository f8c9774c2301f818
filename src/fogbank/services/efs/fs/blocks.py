"""Where file contents live: the ``BlockStore`` interface (so that the shared blob store
can take over later) and the codec that encrypts blocks of Encrypted file systems.

Blocks are never rewritten in place: a changed block is stored anew and the old one
freed after the metadata commit. ``segments.SegmentBlockStore`` is the implementation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fogbank.services.efs.fs.model import STANDARD

INLINE_MAX = 4096  # blocks this small (after sealing) live in the metadata row
_NONCE = 12


class BlockStore(Protocol):
    def put(
        self,
        fs_id: str,
        data: bytes | memoryview,
        storage_class: str = STANDARD,
        sync: bool = True,
    ) -> str:
        """Store (durably unless ``sync`` is false: then ``sync_keys`` later); returns the key."""
        ...

    def sync_keys(self, fs_id: str, keys: Iterable[str]) -> None:
        """Make blocks stored with ``sync=False`` durable (data and directory entries)."""
        ...

    def get(self, fs_id: str, key: str, storage_class: str = STANDARD) -> bytes: ...

    def delete(self, fs_id: str, keys: Iterable[str]) -> None: ...

    def move(self, fs_id: str, key: str, src: str, dst: str) -> str:
        """Move a block to another storage class; returns its new key."""
        ...

    def reclaim(self, fs_id: str, live: set[str]) -> int:
        """Free space no live block uses (``live``: the store's own container names)."""
        ...

    def drop(self, fs_id: str) -> None: ...


class BlockCodec:
    """Seals block contents with AES-256-GCM under the file system's data key (or not)."""

    def __init__(self, data_key: bytes | None) -> None:
        if data_key is not None and len(data_key) != 32:
            raise ValueError("an EFS data key is 32 bytes (AES-256)")
        self._aead = AESGCM(data_key) if data_key is not None else None

    @property
    def encrypted(self) -> bool:
        return self._aead is not None

    def seal(self, aad: bytes, data: bytes | memoryview) -> bytes | memoryview:
        if self._aead is None:
            return data
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, data, aad)

    def open(self, aad: bytes, data: bytes) -> bytes:
        if self._aead is None:
            return data
        return self._aead.decrypt(data[:_NONCE], data[_NONCE:], aad)
