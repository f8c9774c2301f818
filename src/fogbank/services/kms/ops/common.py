"""Checks the cryptographic operations share: sizes, encryption context, grant tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.services.kms import errors
from fogbank.services.kms.engine import Engine

MAX_PLAINTEXT = 4096
MAX_CIPHERTEXT = 6144
MAX_GRANT_TOKENS = 10

Context = Mapping[str, str]


def check_plaintext(data: bytes, field: str = "plaintext") -> bytes:
    if len(data) < 1:
        raise errors.length_at_least(field, 1)
    if len(data) > MAX_PLAINTEXT:
        raise errors.length_at_most(field, MAX_PLAINTEXT)
    return data


def check_ciphertext(data: bytes, field: str = "ciphertextBlob") -> bytes:
    if len(data) < 1:
        raise errors.length_at_least(field, 1)
    if len(data) > MAX_CIPHERTEXT:
        raise errors.length_at_most(field, MAX_CIPHERTEXT)
    return data


def check_context(context: Context | None) -> dict[str, str]:
    pairs = dict(context or {})
    for k, v in pairs.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise errors.validation("Encryption context keys and values must be strings.")
    return pairs


def no_context(context: Context | None, spec: str) -> None:
    """Only symmetric encryption keys take an encryption context."""
    if context:
        raise errors.validation(
            f"EncryptionContext is not supported with KMS keys of key spec {spec}."
        )


def check_grant_tokens(engine: Engine, tokens: Sequence[str]) -> list[str]:
    """The grants the tokens stand for; a token fogbank did not issue is rejected."""
    if len(tokens) > MAX_GRANT_TOKENS:
        raise errors.length_at_most("grantTokens", MAX_GRANT_TOKENS)
    ids = []
    for token in tokens:
        grant_id = engine.keyring.grant_id_of(token)
        if grant_id is None:
            raise errors.invalid_grant_token()
        ids.append(grant_id)
    return ids
