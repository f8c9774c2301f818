"""Where file contents live: blocks in files under ``<data-dir>/efs/``, behind a small
interface so that the shared blob store can take over later.

A block file gets a fresh random name, is written, ``fdatasync``ed and its directory
fsynced before the metadata that points at it commits; a crash in between leaves an
unreferenced file, never a reference to missing bytes. Blocks are never rewritten in
place: a changed block is a new file, and the old one is deleted after the commit.
Storage classes are directories (``STANDARD``/``IA``); a block moved between them is
renamed, and a reader looks in the other class if the metadata lags behind a move.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fogbank.services.efs.fs.model import INFREQUENT_ACCESS, STANDARD

INLINE_MAX = 4096  # blocks this small (after sealing) live in the metadata row
_NONCE = 12


class BlockStore(Protocol):
    def put(self, fs_id: str, data: bytes, storage_class: str = STANDARD, sync: bool = True) -> str:
        """Store (durably unless ``sync`` is false: then ``sync_keys`` later); returns the key."""
        ...

    def sync_keys(self, fs_id: str, keys: Iterable[str]) -> None:
        """Make blocks stored with ``sync=False`` durable (data and directory entries)."""
        ...

    def get(self, fs_id: str, key: str, storage_class: str = STANDARD) -> bytes: ...

    def delete(self, fs_id: str, keys: Iterable[str]) -> None: ...

    def move(self, fs_id: str, key: str, src: str, dst: str) -> None: ...

    def drop(self, fs_id: str) -> None: ...


class DiskBlockStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, fs_id: str, storage_class: str, key: str) -> Path:
        return self.root / fs_id / storage_class / key[:2]

    def _ensure(self, path: Path) -> None:
        if path.is_dir():
            return
        path.mkdir(parents=True, exist_ok=True)
        _fsync_dir(path.parent)
        _fsync_dir(path.parent.parent)

    def put(self, fs_id: str, data: bytes, storage_class: str = STANDARD, sync: bool = True) -> str:
        key = secrets.token_hex(16)
        folder = self._dir(fs_id, storage_class, key)
        self._ensure(folder)
        fd = os.open(folder / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            if sync:
                os.fdatasync(fd)
        finally:
            os.close(fd)
        if sync:
            _fsync_dir(folder)
        return key

    def sync_keys(self, fs_id: str, keys: Iterable[str]) -> None:
        folders: set[Path] = set()
        for key in keys:
            folder = self._dir(fs_id, STANDARD, key)
            try:
                fd = os.open(folder / key, os.O_RDONLY)
            except FileNotFoundError:
                continue  # replaced or deleted meanwhile
            try:
                os.fdatasync(fd)
            finally:
                os.close(fd)
            folders.add(folder)
        for folder in folders:
            _fsync_dir(folder)

    def get(self, fs_id: str, key: str, storage_class: str = STANDARD) -> bytes:
        other = INFREQUENT_ACCESS if storage_class == STANDARD else STANDARD
        for cls in (storage_class, other):
            try:
                with open(self._dir(fs_id, cls, key) / key, "rb") as f:
                    return f.read()
            except FileNotFoundError:
                continue
        raise FileNotFoundError(f"block {fs_id}/{key} is missing")

    def delete(self, fs_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            for cls in (STANDARD, INFREQUENT_ACCESS):
                with contextlib.suppress(FileNotFoundError):
                    (self._dir(fs_id, cls, key) / key).unlink()

    def move(self, fs_id: str, key: str, src: str, dst: str) -> None:
        target = self._dir(fs_id, dst, key)
        self._ensure(target)
        source = self._dir(fs_id, src, key)
        with contextlib.suppress(FileNotFoundError):
            (source / key).rename(target / key)
            _fsync_dir(target)
            _fsync_dir(source)

    def drop(self, fs_id: str) -> None:
        shutil.rmtree(self.root / fs_id, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlockCodec:
    """Seals block contents with AES-256-GCM under the file system's data key (or not)."""

    def __init__(self, data_key: bytes | None) -> None:
        if data_key is not None and len(data_key) != 32:
            raise ValueError("an EFS data key is 32 bytes (AES-256)")
        self._aead = AESGCM(data_key) if data_key is not None else None

    @property
    def encrypted(self) -> bool:
        return self._aead is not None

    def seal(self, aad: bytes, data: bytes) -> bytes:
        if self._aead is None:
            return data
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, data, aad)

    def open(self, aad: bytes, data: bytes) -> bytes:
        if self._aead is None:
            return data
        return self._aead.decrypt(data[:_NONCE], data[_NONCE:], aad)
