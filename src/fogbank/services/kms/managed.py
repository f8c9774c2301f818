"""AWS managed keys (``alias/aws/<service>``): created on first use, KeyManager ``AWS``.

A service's first use (the in-process client's ``managed_key``), or a request naming the
alias (``DescribeKey alias/aws/s3``), creates the key and its alias in the caller's
account and region. Concurrent first uses agree on one key: the alias insert is the
arbiter, and the loser's freshly made key is dropped in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors, factory, policy
from fogbank.services.kms.engine import Engine, KeyRef, find_key
from fogbank.services.kms.models import Alias, Key, KeyManager, KeySpec, KeyUsage
from fogbank.services.kms.store import aliases as alias_store
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn

PREFIX = "alias/aws/"


@dataclass(frozen=True)
class ManagedService:
    display: str  # how the key policy and description name the service
    noun: str  # what the default key protects
    grants: bool = False  # the service uses grants (EBS, RDS)

    @property
    def description(self) -> str:
        return f"Default key that protects my {self.noun} when no other key is defined"


SERVICES: MappingProxyType[str, ManagedService] = MappingProxyType(
    {
        "s3": ManagedService("S3", "S3 objects"),
        "rds": ManagedService("RDS", "RDS database volumes", grants=True),
        "elasticfilesystem": ManagedService("EFS", "EFS filesystems", grants=True),
        "ebs": ManagedService("EBS", "EBS volumes", grants=True),
        "dynamodb": ManagedService("DynamoDB", "DynamoDB data"),
        "secretsmanager": ManagedService("Secrets Manager", "Secrets Manager data"),
        "ssm": ManagedService("SSM", "SSM Parameter Store data"),
        "lambda": ManagedService("Lambda", "Lambda functions"),
        "sns": ManagedService("SNS", "SNS data"),
        "sqs": ManagedService("SQS", "SQS data"),
        "backup": ManagedService("Backup", "backups"),
        "cloudtrail": ManagedService("CloudTrail", "CloudTrail logs"),
    }
)


def alias_name(service: str) -> str:
    return PREFIX + service


def service_of(ref: KeyRef) -> str | None:
    """The managed service an alias reference names, if it is one fogbank knows."""
    if ref.alias is None or not ref.alias.startswith(PREFIX):
        return None
    service = ref.alias[len(PREFIX) :]
    return service if service in SERVICES else None


async def ensure(engine: Engine, account_id: str, region: str, service: str) -> Key:
    """The AWS managed key of ``service`` in this account and region, made if missing."""
    info = SERVICES.get(service)
    if info is None:
        raise errors.not_found(f"{alias_name(service)} is not an AWS managed key fogbank knows")
    name = alias_name(service)
    ref = KeyRef(account_id, region, alias=name)
    try:
        return await engine.db.read(lambda c: find_key(c, ref, region, engine.partition))
    except AwsError as exc:
        if exc.code != "NotFoundException":
            raise
    now = engine.now()
    key, first = factory.new_key(
        engine.keyring,
        account_id=account_id,
        region=region,
        spec=KeySpec.SYMMETRIC_DEFAULT,
        usage=KeyUsage.ENCRYPT_DECRYPT,
        manager=KeyManager.AWS,
        description=info.description,
        policy=policy.managed_policy(
            account_id, region, service, info.display, info.grants, engine.partition
        ),
        now=now,
        partition=engine.partition,
    )

    def create(conn: Conn) -> Key:
        if alias_store.get(conn, account_id, region, name) is not None:
            return find_key(conn, ref, region, engine.partition)  # someone else made it
        key_store.insert(conn, key, first)
        alias_store.insert(conn, Alias(account_id, region, name, key.key_id, now, now))
        return key

    try:
        return await engine.db.write(create)
    except AwsError:
        raise
    except Exception:  # a concurrent creator won the alias's primary key
        return await engine.db.read(lambda c: find_key(c, ref, region, engine.partition))
