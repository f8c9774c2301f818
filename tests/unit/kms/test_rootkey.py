"""The root key (file and passphrase derivation) and the keyring's sealing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.models import KeyMaterial
from fogbank.services.kms.rootkey import (
    RootKey,
    RootKeyError,
    UnsealError,
    create_key_file,
    derive_from_passphrase,
    read_key_file,
)


def test_key_file_is_32_bytes_mode_0600_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "kms-root.key"
    first = create_key_file(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == first
    assert create_key_file(path) == first  # already there: kept, not replaced
    assert [p.name for p in path.parent.iterdir()] == ["kms-root.key"]  # no temp left


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kms-root.key"
    create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(RootKeyError, match="chmod 600"):
        read_key_file(path)


def test_key_file_of_wrong_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kms-root.key"
    path.write_bytes(b"short")
    path.chmod(0o600)
    with pytest.raises(RootKeyError, match="not a KMS root key"):
        read_key_file(path)


def test_passphrase_derivation_is_scrypt() -> None:
    salt = b"0123456789abcdef"
    params = {"n": 2**14, "r": 8, "p": 1}
    expected = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(b"correct horse")
    assert derive_from_passphrase("correct horse", salt, params) == expected
    assert derive_from_passphrase("correct horse!", salt, params) != expected


def test_seal_binds_additional_data() -> None:
    root = RootKey(os.urandom(32))
    sealed = root.seal(b"material", b"aad-1")
    assert b"material" not in sealed
    assert root.unseal(sealed, b"aad-1") == b"material"
    with pytest.raises(UnsealError):
        root.unseal(sealed, b"aad-2")
    with pytest.raises(UnsealError):
        RootKey(os.urandom(32)).unseal(sealed, b"aad-1")


def test_root_key_repr_and_verifier_reveal_nothing() -> None:
    secret = os.urandom(32)
    root = RootKey(secret)
    assert secret.hex() not in repr(root)
    assert root.verifier != secret and len(root.verifier) == 32
    assert RootKey(secret).verifier == root.verifier


def _material(key_id: str, version: int, sealed: bytes) -> KeyMaterial:
    return KeyMaterial(key_id, version, "0" * 64, sealed, None, 0.0, None)


def test_keyring_binds_key_id_and_version() -> None:
    ring = Keyring(RootKey(os.urandom(32)))
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    sealed = ring.seal(key_id, 2, b"k" * 32)
    assert ring.unseal(_material(key_id, 2, sealed)) == b"k" * 32
    other = Keyring(RootKey(os.urandom(32)))  # a different root key
    with pytest.raises(UnsealError):
        other.unseal(_material(key_id, 2, sealed))
    fresh = Keyring(ring._root)  # same root, empty cache: the binding is checked
    with pytest.raises(UnsealError):
        fresh.unseal(_material(key_id, 3, sealed))
    with pytest.raises(UnsealError):
        fresh.unseal(_material("ffffffff-12ab-34cd-56ef-1234567890ab", 2, sealed))


def test_grant_tokens_authenticate() -> None:
    ring = Keyring(RootKey(os.urandom(32)))
    grant_id = os.urandom(32).hex()
    token = ring.grant_token(grant_id)
    assert ring.grant_id_of(token) == grant_id
    assert ring.grant_token(grant_id) == token
    assert Keyring(RootKey(os.urandom(32))).grant_id_of(token) is None
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert ring.grant_id_of(flipped) is None
    assert ring.grant_id_of("not a token") is None
    assert ring.grant_id_of("") is None


def test_derivations_agree_with_cryptography() -> None:
    """The stdlib HKDF and scrypt give what cryptography's implementations give, so that
    root keys and verifiers stored before (made with cryptography) still open."""
    import os as _os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    from fogbank.services.kms import rootkey as rk

    for size in (1, 17, 40):
        secret, label = _os.urandom(32), _os.urandom(size)
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label)
        assert rk._derive(secret, label) == expected.derive(secret)
    salt = _os.urandom(16)
    params = {"n": 2**10, "r": 8, "p": 1}
    scrypt = Scrypt(salt=salt, length=32, n=2**10, r=8, p=1)
    assert rk.derive_from_passphrase("pass phrase", salt, params) == scrypt.derive(b"pass phrase")
