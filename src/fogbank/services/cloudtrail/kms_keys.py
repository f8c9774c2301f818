"""``KeyResolver`` over the in-process KMS client: the keys encrypted trails name."""

from __future__ import annotations

from fogbank.core.errors import AwsError
from fogbank.services.cloudtrail.destination import KeyInfo
from fogbank.services.kms.client import KmsClient


class KmsKeys:
    def __init__(self, client: KmsClient) -> None:
        self._client = client

    async def resolve(self, account_id: str, region: str, key_id: str) -> KeyInfo | None:
        try:
            key = await self._client.describe_key(account_id, region, key_id)
        except AwsError:
            return None
        return KeyInfo(
            arn=key.arn,
            account_id=key.account_id,
            region=key.region,
            enabled=key.enabled,
            symmetric=key.symmetric,
            policy=key.policy,
        )
