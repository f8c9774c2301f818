"""The in-process KMS client for other services (S3 SSE-KMS, EFS, RDS ...).

Services call the engine directly, not over HTTP, acting as themselves: no IAM check is
made here (the calling service has already authorized its own request, including the
caller's KMS permissions where the service's semantics need them).
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.services.kms import managed
from fogbank.services.kms.engine import Engine
from fogbank.services.kms.lookup import load_key
from fogbank.services.kms.models import Key
from fogbank.services.kms.ops import datakeys, encryption


class KmsClient:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def generate_data_key(
        self,
        account_id: str,
        region: str,
        key_id: str,
        context: Mapping[str, str] | None = None,
        number_of_bytes: int = 32,
    ) -> tuple[bytes, bytes, str]:
        """A fresh data key: (plaintext, ciphertext blob, key ARN)."""
        result = await datakeys.generate_data_key(
            self._engine, account_id, region, key_id, context, number_of_bytes=number_of_bytes
        )
        assert result.plaintext is not None
        return result.plaintext, result.ciphertext_blob, result.key_arn

    async def decrypt(
        self,
        account_id: str,
        region: str,
        ciphertext_blob: bytes,
        context: Mapping[str, str] | None = None,
        key_id: str | None = None,
    ) -> tuple[bytes, str]:
        """(plaintext, key ARN) of a ciphertext blob made by ``generate_data_key``/Encrypt."""
        result = await encryption.decrypt(
            self._engine, account_id, region, ciphertext_blob, context, key_id=key_id
        )
        return result.plaintext, result.key_arn

    async def managed_key(self, account_id: str, region: str, service: str) -> str:
        """The ARN of the AWS managed key ``alias/aws/<service>``, created on first use."""
        key = await managed.ensure(self._engine, account_id, region, service)
        return key.arn

    async def describe_key(self, account_id: str, region: str, key_id: str) -> Key:
        """The key a service was given (id, ARN, alias name or alias ARN)."""
        return await load_key(self._engine, account_id, region, key_id)
