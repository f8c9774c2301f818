"""The in-process KMS client for other services (S3 SSE-KMS, EFS, RDS ...).

Services call the engine directly, not over HTTP, acting as themselves: no IAM check is
made here (the calling service has already authorized its own request, including the
caller's KMS permissions where the service's semantics need them).
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.principal import Principal
from fogbank.services.kms import managed
from fogbank.services.kms.access import decide
from fogbank.services.kms.access.requirements import requirements_for
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

    # -- authorization of key use on a caller's behalf ------------------------------

    async def requirements(
        self,
        account_id: str,
        region: str,
        operation: str,
        params: Mapping[str, object],
        via_service: str,
    ) -> list[Requirement]:
        """What the equivalent KMS call would need (``kms:ViaService`` set); the calling
        service adds these to its own call's requirements."""
        return await requirements_for(
            self._engine, account_id, region, operation, dict(params), via_service=via_service
        )

    async def key_policy(self, requirement: Requirement) -> ResourcePolicy | None:
        """The key policy that decides a ``kms:`` requirement (required, as in KMS)."""
        return await decide.key_policy(self._engine, requirement)

    async def grant_allows(self, principal: Principal, requirement: Requirement) -> bool:
        return await decide.grant_allows(self._engine, principal, requirement)
