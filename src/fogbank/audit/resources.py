"""The ``resources`` of an event: what the operation says it touched, else what its
parameters name.

Types are CloudTrail's (``AWS::S3::Bucket``, ``AWS::IAM::User``, ``AWS::KMS::Key`` ...).
LookupEvents shows S3 resources by name (bucket, ``bucket/key``) and the others by ARN.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Resource:
    type: str
    arn: str
    account_id: str | None

    @property
    def name(self) -> str:
        """The ``ResourceName`` LookupEvents shows."""
        if self.arn.startswith("arn:aws:s3:::"):
            return self.arn[len("arn:aws:s3:::") :]
        return self.arn

    def as_record(self) -> dict[str, object]:
        item: dict[str, object] = {}
        if self.account_id:
            item["accountId"] = self.account_id
        item["type"] = self.type
        item["ARN"] = self.arn
        return item


@dataclass(frozen=True)
class Where:
    partition: str
    region: str
    account: str


Extractor = Callable[[str, Where], Resource | None]


def _s3_bucket(value: str, where: Where) -> Resource:
    return Resource("AWS::S3::Bucket", f"arn:{where.partition}:s3:::{value}", where.account)


def _iam(kind: str, type_: str) -> Extractor:
    def make(value: str, where: Where) -> Resource:
        return Resource(
            type_, f"arn:{where.partition}:iam::{where.account}:{kind}/{value}", where.account
        )

    return make


def _arn_of(type_: str) -> Extractor:
    def make(value: str, where: Where) -> Resource | None:
        if not value.startswith("arn:"):
            return None
        parts = value.split(":", 5)
        account = parts[4] if len(parts) == 6 and parts[4] else where.account
        return Resource(type_, value, account)

    return make


def _kms_key(value: str, where: Where) -> Resource | None:
    if value.startswith("arn:") and ":key/" in value:
        return _arn_of("AWS::KMS::Key")(value, where)
    if _UUID.match(value):
        arn = f"arn:{where.partition}:kms:{where.region}:{where.account}:key/{value}"
        return Resource("AWS::KMS::Key", arn, where.account)
    return None


def _regional(service: str, kind: str, type_: str, sep: str = "/") -> Extractor:
    def make(value: str, where: Where) -> Resource:
        if value.startswith("arn:"):
            return Resource(type_, value, where.account)
        arn = f"arn:{where.partition}:{service}:{where.region}:{where.account}:{kind}{sep}{value}"
        return Resource(type_, arn, where.account)

    return make


# service -> parameter member -> how to turn its value into a resource
PARAMETER_RESOURCES: Mapping[str, Mapping[str, Extractor]] = {
    "iam": {
        "UserName": _iam("user", "AWS::IAM::User"),
        "RoleName": _iam("role", "AWS::IAM::Role"),
        "GroupName": _iam("group", "AWS::IAM::Group"),
        "InstanceProfileName": _iam("instance-profile", "AWS::IAM::InstanceProfile"),
        "PolicyArn": _arn_of("AWS::IAM::Policy"),
    },
    "sts": {"RoleArn": _arn_of("AWS::IAM::Role")},
    "kms": {"KeyId": _kms_key, "TargetKeyId": _kms_key, "DestinationKeyId": _kms_key},
    "rds": {
        "DBInstanceIdentifier": _regional("rds", "db", "AWS::RDS::DBInstance", ":"),
        "DBClusterIdentifier": _regional("rds", "cluster", "AWS::RDS::DBCluster", ":"),
        "DBSnapshotIdentifier": _regional("rds", "snapshot", "AWS::RDS::DBSnapshot", ":"),
    },
    "efs": {
        "FileSystemId": _regional("elasticfilesystem", "file-system", "AWS::EFS::FileSystem"),
        "AccessPointId": _regional("elasticfilesystem", "access-point", "AWS::EFS::AccessPoint"),
    },
    "cloudtrail": {
        "Name": _regional("cloudtrail", "trail", "AWS::CloudTrail::Trail"),
        "TrailName": _regional("cloudtrail", "trail", "AWS::CloudTrail::Trail"),
    },
    "ec2": {
        "InstanceId": _regional("ec2", "instance", "AWS::EC2::Instance"),
        "GroupId": _regional("ec2", "security-group", "AWS::EC2::SecurityGroup"),
        "VpcId": _regional("ec2", "vpc", "AWS::EC2::VPC"),
        "SubnetId": _regional("ec2", "subnet", "AWS::EC2::Subnet"),
    },
}

# Outputs that name the resource a call created (the params cannot).
OUTPUT_RESOURCES: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    # service -> ((structure member, ARN member, type), ...)
    "kms": (("KeyMetadata", "Arn", "AWS::KMS::Key"),),
    "iam": (
        ("User", "Arn", "AWS::IAM::User"),
        ("Role", "Arn", "AWS::IAM::Role"),
        ("Group", "Arn", "AWS::IAM::Group"),
        ("Policy", "Arn", "AWS::IAM::Policy"),
    ),
}


def _s3(params: Mapping[str, object], where: Where) -> list[Resource]:
    bucket = params.get("Bucket")
    if not isinstance(bucket, str) or not bucket:
        return []
    found = [_s3_bucket(bucket, where)]
    key = params.get("Key")
    if isinstance(key, str) and key:
        found.append(
            Resource("AWS::S3::Object", f"arn:{where.partition}:s3:::{bucket}/{key}", None)
        )
    return found


def from_call(
    service: str,
    params: Mapping[str, object] | None,
    output: Mapping[str, object] | None,
    where: Where,
) -> list[Resource]:
    """Resources named by a call's parameters (and, for creations, its output)."""
    found: list[Resource] = []
    if params:
        if service == "s3":
            found.extend(_s3(params, where))
        for member, make in PARAMETER_RESOURCES.get(service, {}).items():
            value = params.get(member)
            if isinstance(value, str) and value:
                resource = make(value, where)
                if resource is not None:
                    found.append(resource)
    if output:
        for container, arn_member, type_ in OUTPUT_RESOURCES.get(service, ()):
            inner = output.get(container)
            if isinstance(inner, Mapping):
                arn = inner.get(arn_member)
                if isinstance(arn, str) and all(r.arn != arn for r in found):
                    made = _arn_of(type_)(arn, where)
                    if made is not None:
                        found.append(made)
    return found


def from_context(items: list[tuple[str, str]], where: Where) -> list[Resource]:
    """Resources an operation reported on its request context, as (type, ARN)."""
    out = []
    for type_, arn in items:
        parts = arn.split(":", 5)
        account = parts[4] if len(parts) == 6 and parts[4] else None
        if type_ == "AWS::S3::Bucket":
            account = account or where.account
        out.append(Resource(type_, arn, account))
    return out
