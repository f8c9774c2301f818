"""GenerateDataKey(+WithoutPlaintext), GenerateDataKeyPair(+WithoutPlaintext),
GenerateRandom.

Data keys and data key pairs' private keys are sealed under a symmetric encryption KMS
key with the request's encryption context, in the same blob format as Encrypt's, so
Decrypt opens them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fogbank.services.kms import errors, specs
from fogbank.services.kms.crypto import material as gen
from fogbank.services.kms.engine import Engine, require_usable, require_usage
from fogbank.services.kms.lookup import load_key_material
from fogbank.services.kms.models import DataKeyPairSpec, DataKeySpec, Key, KeyUsage
from fogbank.services.kms.ops.common import Context, check_context, check_grant_tokens
from fogbank.services.kms.ops.encryption import seal_for
from fogbank.services.kms.results import DataKeyPairResult, DataKeyResult

UNSUPPORTED_PAIR_SPECS = frozenset(
    {"SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}
)


def _size(key_spec: str | None, number_of_bytes: int | None) -> int:
    if (key_spec is None) == (number_of_bytes is None):
        raise errors.validation("Please specify either number of bytes or key spec.")
    if number_of_bytes is not None:
        if not 1 <= number_of_bytes <= 1024:
            raise errors.value_between("numberOfBytes", number_of_bytes, 1, 1024)
        return number_of_bytes
    assert key_spec is not None
    spec = specs.parse(DataKeySpec, key_spec, "keySpec")
    return 16 if spec is DataKeySpec.AES_128 else 32


def _symmetric_only(key: Key, operation: str) -> None:
    require_usable(key)
    require_usage(key, KeyUsage.ENCRYPT_DECRYPT, operation)
    if not key.symmetric:
        raise errors.incompatible_algorithm("SYMMETRIC_DEFAULT", key.spec.value)


async def _data_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    context: Context | None,
    key_spec: str | None,
    number_of_bytes: int | None,
    grant_tokens: Sequence[str],
    operation: str,
) -> tuple[bytes, DataKeyResult]:
    size = _size(key_spec, number_of_bytes)
    pairs = check_context(context)
    check_grant_tokens(engine, grant_tokens)
    key, material = await load_key_material(engine, account_id, region, key_id)
    _symmetric_only(key, operation)
    plaintext = gen.data_key(size)
    sealed, _ = await seal_for(engine, key, material, plaintext, pairs, None, operation)
    return plaintext, DataKeyResult(sealed, None, key.arn, material.material_id)


async def generate_data_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    context: Context | None = None,
    key_spec: str | None = None,
    number_of_bytes: int | None = None,
    grant_tokens: Sequence[str] = (),
) -> DataKeyResult:
    plaintext, result = await _data_key(
        engine,
        account_id,
        region,
        key_id,
        context,
        key_spec,
        number_of_bytes,
        grant_tokens,
        "GenerateDataKey",
    )
    return DataKeyResult(result.ciphertext_blob, plaintext, result.key_arn, result.key_material_id)


async def generate_data_key_without_plaintext(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    context: Context | None = None,
    key_spec: str | None = None,
    number_of_bytes: int | None = None,
    grant_tokens: Sequence[str] = (),
) -> DataKeyResult:
    _, result = await _data_key(
        engine,
        account_id,
        region,
        key_id,
        context,
        key_spec,
        number_of_bytes,
        grant_tokens,
        "GenerateDataKeyWithoutPlaintext",
    )
    return result


async def _data_key_pair(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    key_pair_spec: str,
    context: Context | None,
    grant_tokens: Sequence[str],
    with_plaintext: bool,
) -> DataKeyPairResult:
    if key_pair_spec in UNSUPPORTED_PAIR_SPECS:
        raise errors.unsupported(f"KeyPairSpec {key_pair_spec} is not supported by fogbank.")
    pair_spec = specs.parse(DataKeyPairSpec, key_pair_spec, "keyPairSpec")
    pairs = check_context(context)
    check_grant_tokens(engine, grant_tokens)
    operation = "GenerateDataKeyPair" + ("" if with_plaintext else "WithoutPlaintext")
    key, material = await load_key_material(engine, account_id, region, key_id)
    _symmetric_only(key, operation)
    pair = await asyncio.to_thread(gen.generate_pair, pair_spec)
    assert pair.public_key is not None
    sealed, _ = await seal_for(engine, key, material, pair.secret, pairs, None, operation)
    return DataKeyPairResult(
        private_key_ciphertext_blob=sealed,
        private_key_plaintext=pair.secret if with_plaintext else None,
        public_key=pair.public_key,
        key_arn=key.arn,
        key_pair_spec=pair_spec.value,
        key_material_id=material.material_id,
    )


async def generate_data_key_pair(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    key_pair_spec: str,
    context: Context | None = None,
    grant_tokens: Sequence[str] = (),
) -> DataKeyPairResult:
    return await _data_key_pair(
        engine, account_id, region, key_id, key_pair_spec, context, grant_tokens, True
    )


async def generate_data_key_pair_without_plaintext(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    key_pair_spec: str,
    context: Context | None = None,
    grant_tokens: Sequence[str] = (),
) -> DataKeyPairResult:
    return await _data_key_pair(
        engine, account_id, region, key_id, key_pair_spec, context, grant_tokens, False
    )


async def generate_random(number_of_bytes: int | None = None) -> bytes:
    """GenerateRandom: 1-1024 random bytes from the operating system's CSPRNG."""
    if number_of_bytes is None:
        raise errors.validation("NumberOfBytes is required.")
    if not 1 <= number_of_bytes <= 1024:
        raise errors.value_between("numberOfBytes", number_of_bytes, 1, 1024)
    return gen.random_bytes(number_of_bytes)
