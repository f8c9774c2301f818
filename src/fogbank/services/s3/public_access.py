"""Block Public Access: the four settings, kept per bucket and per account, and in effect
as the most restrictive of the two (S3 user guide, "Blocking public access to your Amazon
S3 storage").

Bucket settings are the bucket's ``public_access_block`` configuration document; account
settings (``s3control`` Put/Get/DeletePublicAccessBlock) live in the same table under a
key that no bucket name can take (``#account:<id>``: ``#`` is not allowed in bucket names).
New buckets get all four settings on, as S3 does since April 2023.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.services.s3.engine import S3Engine

KIND = "public_access_block"
FIELDS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
ALL_ON: dict[str, bool] = dict.fromkeys(FIELDS, True)


def account_key(account_id: str) -> str:
    return f"#account:{account_id}"


@dataclass(frozen=True)
class Settings:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    @classmethod
    def of(cls, doc: object) -> Settings:
        if not isinstance(doc, Mapping):
            return cls()
        return cls(*(bool(doc.get(name)) for name in FIELDS))

    def __or__(self, other: Settings) -> Settings:
        return Settings(
            self.block_public_acls or other.block_public_acls,
            self.ignore_public_acls or other.ignore_public_acls,
            self.block_public_policy or other.block_public_policy,
            self.restrict_public_buckets or other.restrict_public_buckets,
        )


def document(config: object) -> dict[str, bool]:
    """A stored document from a request's ``PublicAccessBlockConfiguration`` (absent
    members are false, as S3 stores them)."""
    given = config if isinstance(config, Mapping) else {}
    return {name: bool(given.get(name)) for name in FIELDS}


async def effective(engine: S3Engine, bucket: str, owner_account: str) -> Settings:
    own = Settings.of(await engine.bucket_config(bucket, KIND))
    account = Settings.of(await engine.bucket_config(account_key(owner_account), KIND))
    return own | account
