"""Handlers of the cryptographic operations: encryption, data keys, random bytes,
signatures, MACs and public keys.

With ``DryRun`` these operations (which change nothing) run in full and then answer
``DryRunOperationException``, so a dry run fails exactly where the real call would.
Decrypt and ReEncrypt with the ``IGNORE_CIPHERTEXT`` modifier check only the key.
"""

from __future__ import annotations

from types import MappingProxyType

from fogbank.core.context import RequestContext
from fogbank.services.kms import errors
from fogbank.services.kms.api import params as p
from fogbank.services.kms.api.common import (
    Handlers,
    Output,
    dry_run,
    ignores_ciphertext,
    is_dry_run,
    no_recipient,
    touched,
)
from fogbank.services.kms.engine import Engine, require_usable, require_usage
from fogbank.services.kms.lookup import load_key
from fogbank.services.kms.models import KeyUsage
from fogbank.services.kms.ops import datakeys, encryption, signing

P = p.Params


def _done(ctx: RequestContext, params: P, out: Output, *arns: str) -> Output:
    for arn in arns:
        touched(ctx, arn)
    if is_dry_run(params):
        raise dry_run()
    return out


async def encrypt(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await encryption.encrypt(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.blob(params, "Plaintext"),
        p.pairs(params, "EncryptionContext"),
        p.strings(params, "GrantTokens"),
        p.opt_text(params, "EncryptionAlgorithm"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def _check_key_only(
    engine: Engine, ctx: RequestContext, key_id: str | None, blob: bytes, operation: str
) -> None:
    """A dry run that ignores the ciphertext: the key must exist and allow decryption."""
    if key_id is not None:
        key = await load_key(engine, ctx.account_id, ctx.region, key_id)
    else:
        found = await encryption.key_of_ciphertext(engine, ctx.region, blob)
        if found is None:
            raise errors.invalid_ciphertext()
        key = found
    touched(ctx, key.arn)
    require_usable(key)
    require_usage(key, KeyUsage.ENCRYPT_DECRYPT, operation)
    raise dry_run()


async def decrypt(engine: Engine, ctx: RequestContext, params: P) -> Output:
    no_recipient(params)
    blob, key_id = p.blob(params, "CiphertextBlob"), p.opt_text(params, "KeyId")
    if is_dry_run(params) and ignores_ciphertext(params):
        await _check_key_only(engine, ctx, key_id, blob, "Decrypt")
    result = await encryption.decrypt(
        engine,
        ctx.account_id,
        ctx.region,
        blob,
        p.pairs(params, "EncryptionContext"),
        p.strings(params, "GrantTokens"),
        key_id,
        p.opt_text(params, "EncryptionAlgorithm"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def re_encrypt(engine: Engine, ctx: RequestContext, params: P) -> Output:
    blob, source = p.blob(params, "CiphertextBlob"), p.opt_text(params, "SourceKeyId")
    destination = p.text(params, "DestinationKeyId")
    if is_dry_run(params) and ignores_ciphertext(params):
        dest = await load_key(engine, ctx.account_id, ctx.region, destination)
        touched(ctx, dest.arn)
        require_usable(dest)
        require_usage(dest, KeyUsage.ENCRYPT_DECRYPT, "ReEncrypt")
        await _check_key_only(engine, ctx, source, blob, "ReEncrypt")
    result = await encryption.re_encrypt(
        engine,
        ctx.account_id,
        ctx.region,
        blob,
        destination,
        source_context=p.pairs(params, "SourceEncryptionContext"),
        source_key_id=source,
        destination_context=p.pairs(params, "DestinationEncryptionContext"),
        source_encryption_algorithm=p.opt_text(params, "SourceEncryptionAlgorithm"),
        destination_encryption_algorithm=p.opt_text(params, "DestinationEncryptionAlgorithm"),
        grant_tokens=p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.source_key_arn, result.key_arn)


async def generate_data_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    no_recipient(params)
    result = await datakeys.generate_data_key(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.pairs(params, "EncryptionContext"),
        p.opt_text(params, "KeySpec"),
        p.opt_int(params, "NumberOfBytes"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def generate_data_key_without_plaintext(
    engine: Engine, ctx: RequestContext, params: P
) -> Output:
    result = await datakeys.generate_data_key_without_plaintext(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.pairs(params, "EncryptionContext"),
        p.opt_text(params, "KeySpec"),
        p.opt_int(params, "NumberOfBytes"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def generate_data_key_pair(engine: Engine, ctx: RequestContext, params: P) -> Output:
    no_recipient(params)
    result = await datakeys.generate_data_key_pair(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.text(params, "KeyPairSpec"),
        p.pairs(params, "EncryptionContext"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def generate_data_key_pair_without_plaintext(
    engine: Engine, ctx: RequestContext, params: P
) -> Output:
    result = await datakeys.generate_data_key_pair_without_plaintext(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.text(params, "KeyPairSpec"),
        p.pairs(params, "EncryptionContext"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def generate_random(engine: Engine, ctx: RequestContext, params: P) -> Output:
    no_recipient(params)
    if params.get("CustomKeyStoreId") is not None:
        raise errors.unsupported("Custom key stores are not supported by fogbank.")
    data = await datakeys.generate_random(p.opt_int(params, "NumberOfBytes"))
    return {"Plaintext": data}


async def sign(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await signing.sign(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.blob(params, "Message"),
        p.text(params, "SigningAlgorithm"),
        p.opt_text(params, "MessageType"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def verify(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await signing.verify(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.blob(params, "Message"),
        p.blob(params, "Signature"),
        p.text(params, "SigningAlgorithm"),
        p.opt_text(params, "MessageType"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def generate_mac(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await signing.generate_mac(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.blob(params, "Message"),
        p.text(params, "MacAlgorithm"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def verify_mac(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await signing.verify_mac(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.blob(params, "Message"),
        p.blob(params, "Mac"),
        p.text(params, "MacAlgorithm"),
        p.strings(params, "GrantTokens"),
    )
    return _done(ctx, params, result.wire(), result.key_arn)


async def get_public_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    result = await signing.get_public_key(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.strings(params, "GrantTokens"),
    )
    touched(ctx, result.key_arn)
    return result.wire()


HANDLERS: Handlers = MappingProxyType(
    {
        "Encrypt": encrypt,
        "Decrypt": decrypt,
        "ReEncrypt": re_encrypt,
        "GenerateDataKey": generate_data_key,
        "GenerateDataKeyWithoutPlaintext": generate_data_key_without_plaintext,
        "GenerateDataKeyPair": generate_data_key_pair,
        "GenerateDataKeyPairWithoutPlaintext": generate_data_key_pair_without_plaintext,
        "GenerateRandom": generate_random,
        "Sign": sign,
        "Verify": verify,
        "GenerateMac": generate_mac,
        "VerifyMac": verify_mac,
        "GetPublicKey": get_public_key,
    }
)
