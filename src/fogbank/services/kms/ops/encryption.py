"""Encrypt, Decrypt, ReEncrypt.

Symmetric keys seal into fogbank's self-describing blob (crypto/blob.py): Decrypt needs
no KeyId, and the blob names the material version, so ciphertexts made before a rotation
still decrypt. RSA keys produce bare RSAES-OAEP ciphertexts, as KMS does; decrypting
them needs the KeyId and the algorithm.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.services.kms import errors, specs
from fogbank.services.kms.crypto import asymmetric
from fogbank.services.kms.crypto import blob as blobs
from fogbank.services.kms.engine import (
    Engine,
    find_key_by_id,
    require_usable,
    require_usage,
)
from fogbank.services.kms.lookup import load_key, load_key_material
from fogbank.services.kms.models import (
    EncryptionAlgorithm,
    Key,
    KeyMaterial,
    KeyUsage,
    key_arn,
)
from fogbank.services.kms.ops.common import (
    Context,
    check_ciphertext,
    check_context,
    check_grant_tokens,
    check_plaintext,
    no_context,
)
from fogbank.services.kms.results import DecryptResult, EncryptResult, ReEncryptResult
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn


@dataclass(frozen=True)
class Opened:
    plaintext: bytes
    key: Key
    algorithm: EncryptionAlgorithm
    material_id: str | None


async def seal_for(
    engine: Engine,
    key: Key,
    material: KeyMaterial,
    plaintext: bytes,
    context: Context,
    algorithm: str | None,
    operation: str,
) -> tuple[bytes, EncryptionAlgorithm]:
    """Encrypt under an (already loaded) key, checking state, usage and algorithm."""
    require_usable(key)
    require_usage(key, KeyUsage.ENCRYPT_DECRYPT, operation)
    alg = specs.check_encryption_algorithm(key.spec, algorithm)
    if key.symmetric:
        sealed = blobs.seal(
            engine.secret(material), key.key_id, material.version, plaintext, context
        )
        return sealed, alg
    no_context(context, key.spec.value)
    assert material.public_key is not None
    try:
        out = await asyncio.to_thread(asymmetric.rsa_encrypt, material.public_key, alg, plaintext)
    except asymmetric.AsymmetricError:
        raise errors.validation(
            f"Plaintext is too long for encryption algorithm {alg.value} with key spec "
            f"{key.spec.value}."
        ) from None
    return out, alg


async def key_of_ciphertext(engine: Engine, region: str, ciphertext_blob: bytes) -> Key | None:
    """The key a symmetric ciphertext names, without decrypting it (for the authorizer,
    which needs the key's ARN and policy before Decrypt runs); None if it names none."""
    try:
        header = blobs.parse_header(ciphertext_blob)
    except blobs.BlobError:
        return None
    return await engine.db.read(
        lambda c: find_key_by_id(c, header.key_id, region, engine.partition)
    )


async def encrypt(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    plaintext: bytes,
    context: Context | None = None,
    grant_tokens: Sequence[str] = (),
    encryption_algorithm: str | None = None,
) -> EncryptResult:
    check_plaintext(plaintext)
    pairs = check_context(context)
    check_grant_tokens(engine, grant_tokens)
    key, material = await load_key_material(engine, account_id, region, key_id)
    out, alg = await seal_for(
        engine, key, material, plaintext, pairs, encryption_algorithm, "Encrypt"
    )
    return EncryptResult(out, key.arn, alg.value)


async def open_ciphertext(
    engine: Engine,
    account_id: str,
    region: str,
    ciphertext: bytes,
    context: Context,
    key_id: str | None,
    algorithm: str | None,
    operation: str,
) -> Opened:
    """Decrypt a ciphertext (the work of Decrypt and of ReEncrypt's source side)."""
    named = await load_key(engine, account_id, region, key_id) if key_id is not None else None
    if named is not None and not named.symmetric:
        return await _open_rsa(engine, named, ciphertext, context, algorithm, operation)
    try:
        header = blobs.parse_header(ciphertext)
    except blobs.BlobError:
        raise errors.invalid_ciphertext() from None
    if named is not None and named.key_id != header.key_id:
        raise errors.incorrect_key()

    def read(conn: Conn) -> tuple[Key | None, KeyMaterial | None]:
        key = find_key_by_id(conn, header.key_id, region, engine.partition)
        if key is None:
            return None, None
        return key, key_store.material(conn, key.key_id, header.material_version)

    key, material = await engine.db.read(read)
    if key is None:
        raise errors.key_not_found(key_arn(engine.partition, region, account_id, header.key_id))
    require_usable(key)
    require_usage(key, KeyUsage.ENCRYPT_DECRYPT, operation)
    alg = specs.check_encryption_algorithm(key.spec, algorithm)
    if material is None:
        raise errors.invalid_ciphertext()
    try:
        plaintext = blobs.open_blob(engine.secret(material), ciphertext, context)
    except blobs.BlobError:
        raise errors.invalid_ciphertext() from None
    return Opened(plaintext, key, alg, material.material_id)


async def _open_rsa(
    engine: Engine,
    key: Key,
    ciphertext: bytes,
    context: Context,
    algorithm: str | None,
    operation: str,
) -> Opened:
    require_usable(key)
    require_usage(key, KeyUsage.ENCRYPT_DECRYPT, operation)
    alg = specs.check_encryption_algorithm(key.spec, algorithm)
    no_context(context, key.spec.value)
    material = await engine.db.read(lambda c: key_store.material(c, key.key_id, 1))
    if material is None:
        raise errors.key_not_found(key.arn)
    private = engine.secret(material)
    try:
        plaintext = await asyncio.to_thread(asymmetric.rsa_decrypt, private, alg, ciphertext)
    except asymmetric.AsymmetricError:
        raise errors.invalid_ciphertext() from None
    return Opened(plaintext, key, alg, None)


async def decrypt(
    engine: Engine,
    account_id: str,
    region: str,
    ciphertext_blob: bytes,
    context: Context | None = None,
    grant_tokens: Sequence[str] = (),
    key_id: str | None = None,
    encryption_algorithm: str | None = None,
) -> DecryptResult:
    check_ciphertext(ciphertext_blob)
    pairs = check_context(context)
    check_grant_tokens(engine, grant_tokens)
    opened = await open_ciphertext(
        engine, account_id, region, ciphertext_blob, pairs, key_id, encryption_algorithm, "Decrypt"
    )
    return DecryptResult(
        opened.plaintext, opened.key.arn, opened.algorithm.value, opened.material_id
    )


async def re_encrypt(
    engine: Engine,
    account_id: str,
    region: str,
    ciphertext_blob: bytes,
    destination_key_id: str,
    *,
    source_context: Context | None = None,
    source_key_id: str | None = None,
    destination_context: Context | None = None,
    source_encryption_algorithm: str | None = None,
    destination_encryption_algorithm: str | None = None,
    grant_tokens: Sequence[str] = (),
) -> ReEncryptResult:
    check_ciphertext(ciphertext_blob)
    source_pairs = check_context(source_context)
    dest_pairs = check_context(destination_context)
    check_grant_tokens(engine, grant_tokens)
    opened = await open_ciphertext(
        engine,
        account_id,
        region,
        ciphertext_blob,
        source_pairs,
        source_key_id,
        source_encryption_algorithm,
        "ReEncrypt",
    )
    key, material = await load_key_material(engine, account_id, region, destination_key_id)
    out, alg = await seal_for(
        engine,
        key,
        material,
        opened.plaintext,
        dest_pairs,
        destination_encryption_algorithm,
        "ReEncrypt",
    )
    return ReEncryptResult(
        ciphertext_blob=out,
        source_key_arn=opened.key.arn,
        key_arn=key.arn,
        source_encryption_algorithm=opened.algorithm.value,
        destination_encryption_algorithm=alg.value,
        source_key_material_id=opened.material_id,
        destination_key_material_id=material.material_id if key.symmetric else None,
    )
