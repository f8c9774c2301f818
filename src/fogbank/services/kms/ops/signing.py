"""Sign, Verify, GenerateMac, VerifyMac, GetPublicKey."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors, specs
from fogbank.services.kms.crypto import asymmetric, mac
from fogbank.services.kms.engine import Engine, require_usable, require_usage
from fogbank.services.kms.lookup import load_key_material
from fogbank.services.kms.models import Key, KeyMaterial, KeyUsage, MacAlgorithm, MessageType
from fogbank.services.kms.ops.common import check_grant_tokens, check_plaintext
from fogbank.services.kms.results import (
    MacResult,
    PublicKeyResult,
    SignResult,
    VerifyMacResult,
    VerifyResult,
)

MAX_SIGNATURE = 6144


async def _signing_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    message_type: str | None,
    grant_tokens: Sequence[str],
    operation: str,
) -> tuple[Key, KeyMaterial, MessageType]:
    check_plaintext(message, "message")
    kind = specs.parse(MessageType, message_type or "RAW", "messageType")
    check_grant_tokens(engine, grant_tokens)
    key, material = await load_key_material(engine, account_id, region, key_id)
    require_usable(key)
    require_usage(key, KeyUsage.SIGN_VERIFY, operation)
    return key, material, kind


def _digest_error(exc: asymmetric.AsymmetricError) -> AwsError:
    return errors.validation(str(exc))


async def sign(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    signing_algorithm: str,
    message_type: str | None = None,
    grant_tokens: Sequence[str] = (),
) -> SignResult:
    key, material, kind = await _signing_key(
        engine, account_id, region, key_id, message, message_type, grant_tokens, "Sign"
    )
    alg = specs.check_signing_algorithm(key.spec, signing_algorithm)
    private = engine.secret(material)
    try:
        signature = await asyncio.to_thread(asymmetric.sign, private, alg, message, kind)
    except asymmetric.AsymmetricError as exc:
        raise _digest_error(exc) from None
    return SignResult(signature, key.arn, alg.value)


async def verify(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    signature: bytes,
    signing_algorithm: str,
    message_type: str | None = None,
    grant_tokens: Sequence[str] = (),
) -> VerifyResult:
    """A valid signature answers SignatureValid; an invalid one KMSInvalidSignatureException."""
    if not signature:
        raise errors.length_at_least("signature", 1)
    if len(signature) > MAX_SIGNATURE:
        raise errors.length_at_most("signature", MAX_SIGNATURE)
    key, material, kind = await _signing_key(
        engine, account_id, region, key_id, message, message_type, grant_tokens, "Verify"
    )
    alg = specs.check_signing_algorithm(key.spec, signing_algorithm)
    assert material.public_key is not None
    try:
        valid = await asyncio.to_thread(
            asymmetric.verify, material.public_key, alg, message, kind, signature
        )
    except asymmetric.AsymmetricError as exc:
        raise _digest_error(exc) from None
    if not valid:
        raise errors.invalid_signature()
    return VerifyResult(key.arn, alg.value)


async def _mac_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    mac_algorithm: str,
    grant_tokens: Sequence[str],
    operation: str,
) -> tuple[Key, bytes, MacAlgorithm]:
    check_plaintext(message, "message")
    check_grant_tokens(engine, grant_tokens)
    key, material = await load_key_material(engine, account_id, region, key_id)
    require_usable(key)
    require_usage(key, KeyUsage.GENERATE_VERIFY_MAC, operation)
    alg = specs.check_mac_algorithm(key.spec, mac_algorithm)
    return key, engine.secret(material), alg


async def generate_mac(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    mac_algorithm: str,
    grant_tokens: Sequence[str] = (),
) -> MacResult:
    key, secret, alg = await _mac_key(
        engine, account_id, region, key_id, message, mac_algorithm, grant_tokens, "GenerateMac"
    )
    return MacResult(mac.generate(secret, alg, message), key.arn, alg.value)


async def verify_mac(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    message: bytes,
    mac_value: bytes,
    mac_algorithm: str,
    grant_tokens: Sequence[str] = (),
) -> VerifyMacResult:
    """A matching MAC answers MacValid; a wrong one KMSInvalidMacException."""
    key, secret, alg = await _mac_key(
        engine, account_id, region, key_id, message, mac_algorithm, grant_tokens, "VerifyMac"
    )
    if not mac.verify(secret, alg, message, mac_value):
        raise errors.invalid_mac()
    return VerifyMacResult(key.arn, alg.value)


async def get_public_key(
    engine: Engine, account_id: str, region: str, key_id: str, grant_tokens: Sequence[str] = ()
) -> PublicKeyResult:
    check_grant_tokens(engine, grant_tokens)
    key, material = await load_key_material(engine, account_id, region, key_id, version=1)
    require_usable(key)
    if material.public_key is None:
        raise errors.unsupported(
            f"{key.arn} is not an asymmetric KMS key; only asymmetric keys have a public key."
        )
    return PublicKeyResult(
        key_arn=key.arn,
        public_key=material.public_key,
        key_spec=key.spec.value,
        key_usage=key.usage.value,
        encryption_algorithms=tuple(
            a.value for a in specs.encryption_algorithms(key.spec, key.usage)
        ),
        signing_algorithms=tuple(a.value for a in specs.signing_algorithms(key.spec, key.usage)),
    )
