"""Test doubles for CloudTrail's delivery: a local-directory ``LogDestination`` (buckets are
directories, objects are files, metadata and the encryption key sit next to each object),
and the pieces the AWS CLI's ``validate-logs`` code needs to run against that directory
instead of S3 (an S3 client and a CloudTrail client that answer from it)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from fogbank.services.cloudtrail.destination import BucketInfo, DeliveryError


def cloudtrail_policy(bucket: str, account: str, prefix: str | None = None) -> str:
    """The bucket policy of the CloudTrail user guide."""
    base = f"{prefix}/" if prefix else ""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{bucket}",
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket}/{base}AWSLogs/{account}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                },
            ],
        }
    )


@dataclass
class Written:
    bucket: str
    key: str
    metadata: dict[str, str]
    sse_kms_key: str | None


class DirectoryDestination:
    """Buckets under ``root``: ``root/<bucket>/`` holds objects; ``root/<bucket>.json``
    holds the bucket's owner, region and policy."""

    def __init__(self, root: Path, owner: str) -> None:
        self.root = root
        self.owner = owner
        self.writes: list[Written] = []
        self.fail_with: str | None = None

    def make_bucket(
        self, name: str, *, policy: str | None = None, region: str = "us-east-1"
    ) -> None:
        (self.root / name).mkdir(parents=True, exist_ok=True)
        self.set_policy(name, policy, region)

    def set_policy(self, name: str, policy: str | None, region: str = "us-east-1") -> None:
        doc = {"owner": self.owner, "region": region, "policy": policy}
        (self.root / f"{name}.json").write_text(json.dumps(doc))

    async def bucket(self, name: str) -> BucketInfo | None:
        doc_path = self.root / f"{name}.json"
        if not doc_path.exists():
            return None
        doc = json.loads(doc_path.read_text())
        return BucketInfo(name, doc["owner"], doc["region"], doc["policy"])

    async def put_object(
        self,
        *,
        account_id: str,
        bucket: str,
        key: str,
        body: bytes,
        metadata: Mapping[str, str],
        sse_kms_key: str | None,
    ) -> None:
        if self.fail_with is not None:
            raise DeliveryError(self.fail_with)
        if not (self.root / bucket).is_dir():
            raise DeliveryError("NoSuchBucket")
        path = self.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        meta = {"metadata": dict(metadata), "sse_kms_key": sse_kms_key}
        path.with_name(path.name + ".meta").write_text(json.dumps(meta))
        self.writes.append(Written(bucket, key, dict(metadata), sse_kms_key))

    def keys(self, bucket: str) -> list[str]:
        base = self.root / bucket
        return sorted(
            str(p.relative_to(base)) for p in base.rglob("*") if p.is_file() and p.suffix == ".gz"
        )


# -- the AWS CLI's validate-logs against the directory -----------------------------------


class _Pages:
    def __init__(self, keys: list[str]) -> None:
        self._keys = keys

    def search(self, expression: str) -> Iterator[str]:
        assert expression == "Contents[*].Key"
        yield from self._keys


class _Paginator:
    def __init__(self, client: LocalS3) -> None:
        self._client = client

    def paginate(self, Bucket: str, Marker: str, Prefix: str) -> _Pages:
        keys = [k for k in self._client.dest.keys(Bucket) if k.startswith(Prefix) and k > Marker]
        return _Pages(keys)


class LocalS3:
    """What ``validate-logs`` calls on S3, answered from a ``DirectoryDestination``."""

    def __init__(self, dest: DirectoryDestination) -> None:
        self.dest = dest

    def get_bucket_location(self, Bucket: str) -> dict[str, Any]:
        return {"LocationConstraint": None}

    def get_paginator(self, name: str) -> _Paginator:
        assert name == "list_objects"
        return _Paginator(self)

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        path = self.dest.root / Bucket / Key
        if not path.exists():
            raise ClientError(
                {"Error": {"Code": "NoSuchKey", "Message": "The specified key does not exist."}},
                "GetObject",
            )
        meta = json.loads(path.with_name(path.name + ".meta").read_text())["metadata"]
        return {"Body": io.BytesIO(path.read_bytes()), "Metadata": meta}


class LocalS3Provider:
    def __init__(self, client: LocalS3) -> None:
        self.client = client

    def get_client(self, bucket_name: str) -> LocalS3:
        return self.client


class CloudTrailAnswers:
    """``DescribeTrails`` and ``ListPublicKeys`` as the CLI calls them, from given data."""

    def __init__(self, trails: list[dict[str, Any]], keys: list[dict[str, Any]]) -> None:
        self.trails = trails
        self.keys = keys
        self.key_requests: list[tuple[datetime, datetime]] = []

    def describe_trails(self) -> dict[str, Any]:
        return {"trailList": self.trails}

    def list_public_keys(self, StartTime: datetime, EndTime: datetime) -> dict[str, Any]:
        self.key_requests.append((StartTime, EndTime))
        return {"PublicKeyList": self.keys}


@dataclass
class Validation:
    exit_code: int
    stdout: str
    stderr: str


def validate_logs(
    dest: DirectoryDestination,
    answers: CloudTrailAnswers,
    trail_arn: str,
    start: datetime,
    end: datetime,
    region: str | None = None,
) -> Validation:
    """Run the AWS CLI's own ``validate-logs`` command logic over the directory."""
    from awscli.customizations.cloudtrail.validation import CloudTrailValidateLogs

    command = CloudTrailValidateLogs(session=None)
    command.trail_arn = trail_arn
    command.is_verbose = True
    command.s3_bucket = None
    command.s3_prefix = None
    command.account_id = None
    command.start_time = start
    command.end_time = end
    command._source_region = region or trail_arn.split(":")[3]
    command.s3_client_provider = LocalS3Provider(LocalS3(dest))
    command.cloudtrail_client = answers
    command.organization_client = None
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        command._call()
    finally:
        sys.stdout, sys.stderr = saved
    invalid = command._invalid_digests + command._invalid_logs
    return Validation(1 if invalid else 0, out.getvalue(), err.getvalue())
