"""The installation's root key: it seals every KMS key's material at rest.

Two ways to hold it:

- **key file** (default): 32 random bytes in ``<data dir>/kms-root.key``, mode 0600,
  created on first use (written to a temporary file, fsynced, then linked into place so
  that concurrent first starts agree on one key);
- **passphrase**: the key is derived with scrypt from a passphrase given at start and a
  salt kept in the metadata store.

Either way the store keeps a *verifier* (an HKDF output of the root key under a label of
its own, which reveals nothing of the key or of the sealing key) so that a wrong
passphrase, a replaced key file, or a key file gone missing is reported clearly instead
of producing keys that cannot decrypt anything. The root key itself never goes to the
store or to logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from fogbank.core.ids import random_bytes
from fogbank.services.kms.store import root as root_store
from fogbank.storage.db import Database

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE = "kms-root.key"
KEY_SIZE = 32
SCRYPT_PARAMS: Mapping[str, int] = {"n": 2**15, "r": 8, "p": 1}
_SEAL_VERSION = 1


class RootKeyError(Exception):
    """The root key cannot be opened; the message says why and what to do."""


class UnsealError(Exception):
    """Sealed material does not authenticate under this root key."""


class RootKey:
    """The root key, and the two keys derived from it: sealing, and grant-token MACs."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != KEY_SIZE:
            raise RootKeyError(f"a root key is {KEY_SIZE} bytes")
        self._seal_key = _derive(secret, b"fogbank kms seal v1")
        self._aead: AESGCM | None = None  # made on first use: start-up needs no cipher
        self._token_key = _derive(secret, b"fogbank kms grant tokens v1")
        self.verifier = _derive(secret, b"fogbank kms root verifier v1")

    def __repr__(self) -> str:
        return "RootKey(<secret>)"

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead = AESGCM(self._seal_key)
        return self._aead

    def seal(self, secret: bytes, aad: bytes) -> bytes:
        nonce = random_bytes(12)
        return bytes([_SEAL_VERSION]) + nonce + self._cipher().encrypt(nonce, secret, aad)

    def unseal(self, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < 29 or sealed[0] != _SEAL_VERSION:
            raise UnsealError("unknown sealed format")
        from cryptography.exceptions import InvalidTag

        try:
            return self._cipher().decrypt(sealed[1:13], sealed[13:], aad)
        except InvalidTag:
            raise UnsealError("sealed material does not authenticate") from None

    def mac(self, data: bytes) -> bytes:
        return hmac.new(self._token_key, data, "sha256").digest()


def _derive(secret: bytes, label: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) without salt, 32 bytes: one extract and one expand block."""
    prk = hmac.new(bytes(32), secret, "sha256").digest()
    return hmac.new(prk, label + b"\x01", "sha256").digest()


def derive_from_passphrase(passphrase: str, salt: bytes, params: Mapping[str, int]) -> bytes:
    n, r, p = params["n"], params["r"], params["p"]
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * (n + p + 2),  # what scrypt needs (128 r n, 128 r p), with room
        dklen=KEY_SIZE,
    )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise RootKeyError(
            f"{path} is readable by other users (mode {stat.S_IMODE(mode):04o}); "
            f"restrict it with: chmod 600 {path}"
        )
    secret = path.read_bytes()
    if len(secret) != KEY_SIZE:
        raise RootKeyError(f"{path} is not a KMS root key ({len(secret)} bytes, expected 32)")
    return secret


def create_key_file(path: Path) -> bytes:
    """Create the key file if absent (atomically, 0600, fsynced); return the key in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, os.urandom(KEY_SIZE))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it first: use theirs
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)
    return read_key_file(path)


def open_root_key(db: Database, data_dir: Path, passphrase: str | None = None) -> RootKey:
    """The root key of this installation, created on first use. Blocking (start-up).

    Raises ``RootKeyError`` on a wrong passphrase, a mode that differs from the one the
    store was set up with, or a key file that is missing or does not match the store.
    """
    record = db.read_sync(root_store.load)
    if passphrase is not None:
        if not passphrase:
            raise RootKeyError("the KMS passphrase must not be empty")
        return _open_passphrase(db, record, passphrase)
    return _open_file(db, record, data_dir / KEY_FILE)


def _create(db: Database, fresh: root_store.RootRecord) -> root_store.RootRecord:
    try:
        return db.write_sync(lambda c: root_store.create(c, fresh))
    except Exception:  # a concurrent first start won the insert: use what it stored
        stored = db.read_sync(root_store.load)
        if stored is None:
            raise
        return stored


def _open_passphrase(
    db: Database, record: root_store.RootRecord | None, passphrase: str
) -> RootKey:
    if record is not None and record.mode != "passphrase":
        raise RootKeyError(
            "this installation's KMS root key is kept in a key file, but a passphrase was "
            "given; start without the KMS passphrase"
        )
    if record is None:
        salt = os.urandom(16)
        key = RootKey(derive_from_passphrase(passphrase, salt, SCRYPT_PARAMS))
        fresh = root_store.RootRecord(
            "passphrase", "scrypt", json.dumps(dict(SCRYPT_PARAMS)), salt, key.verifier
        )
        record = _create(db, fresh)
        if record.salt != salt:  # another process set it up first: derive with theirs
            return _open_passphrase(db, record, passphrase)
        return key
    params = json.loads(record.kdf_params or "{}")
    key = RootKey(derive_from_passphrase(passphrase, record.salt or b"", params))
    if not hmac.compare_digest(key.verifier, record.verifier):
        raise RootKeyError(
            "wrong KMS passphrase: it does not match the one this installation was set up "
            "with (the keys it protects cannot be opened with another)"
        )
    return key


def _open_file(db: Database, record: root_store.RootRecord | None, path: Path) -> RootKey:
    if record is not None and record.mode != "file":
        raise RootKeyError(
            "this installation's KMS root key is protected by a passphrase; give the KMS "
            "passphrase at start"
        )
    if record is not None and not path.exists():
        raise RootKeyError(
            f"the KMS root key file {path} is missing; restore it from a backup (without "
            "it, no KMS key of this installation can be used)"
        )
    key = RootKey(read_key_file(path) if path.exists() else create_key_file(path))
    if record is None:
        record = _create(db, root_store.RootRecord("file", None, None, None, key.verifier))
    if not hmac.compare_digest(key.verifier, record.verifier):
        raise RootKeyError(
            f"the KMS root key file {path} is not the one this installation was set up with"
        )
    return key
