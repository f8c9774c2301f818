"""Buckets: create (regions, names, owners), head, list, delete, location, tagging, CORS
configuration, ownership controls."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, empty_and_delete, status, unique_bucket
from tests.support.server import FogbankServer


def test_create_head_list_delete(s3: Any) -> None:
    name = unique_bucket()
    out = s3.create_bucket(Bucket=name)
    assert out["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    listed = s3.list_buckets()
    assert name in [b["Name"] for b in listed["Buckets"]]
    assert listed["Owner"]["ID"] and len(listed["Owner"]["ID"]) == 64
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as exc:
        s3.head_bucket(Bucket=name)
    assert status(exc) == 404
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=name)
    assert code(exc) == "NoSuchBucket"


def test_region_from_location_constraint(server: FogbankServer) -> None:
    eu = server.client("s3", region_name="eu-west-1")
    name = unique_bucket()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
        head = eu.head_bucket(Bucket=name)
        assert head["BucketRegion"] == "eu-west-1"
        listed = eu.list_buckets(BucketRegion="eu-west-1")["Buckets"]
        assert name in [b["Name"] for b in listed]  # other tests share this server
        assert {b["BucketRegion"] for b in listed} == {"eu-west-1"}
        others = eu.list_buckets(BucketRegion="us-east-1")["Buckets"]
        assert name not in [b["Name"] for b in others]
    finally:
        eu.delete_bucket(Bucket=name)


def test_region_rules(server: FogbankServer, s3: Any) -> None:
    eu = server.client("s3", region_name="eu-west-1")
    with pytest.raises(ClientError) as exc:  # a regional endpoint needs the constraint
        eu.create_bucket(Bucket=unique_bucket())
    assert code(exc) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(
            Bucket=unique_bucket(), CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    assert code(exc) == "InvalidLocationConstraint"
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(
            Bucket=unique_bucket(), CreateBucketConfiguration={"LocationConstraint": "mars-1"}
        )
    assert code(exc) == "InvalidLocationConstraint"


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 64, "Upper-case", "under_score", "-leading", "trailing-", "two..dots",
     "192.168.5.4", "xn--punycode", "bucket-s3alias", "dot.-hyphen", "sthree-x"],
)  # fmt: skip
def test_invalid_bucket_names(s3: Any, name: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.create_bucket(Bucket=name)
    assert code(exc) == "InvalidBucketName"


def test_bucket_already_owned_and_exists(server: FogbankServer, s3: Any, bucket: str) -> None:
    # us-east-1, same owner: legacy 200 OK
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    eu = server.client("s3", region_name="eu-west-1")
    name = unique_bucket()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        with pytest.raises(ClientError) as exc:
            eu.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
            )
        assert code(exc) == "BucketAlreadyOwnedByYou"
        assert status(exc) == 409
    finally:
        eu.delete_bucket(Bucket=name)


def test_delete_non_empty_bucket(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=bucket)
    assert code(exc) == "BucketNotEmpty"
    assert status(exc) == 409
    s3.delete_object(Bucket=bucket, Key="k")
    up = s3.create_multipart_upload(Bucket=bucket, Key="pending")["UploadId"]
    s3.delete_bucket(Bucket=bucket)  # uploads in progress do not keep a bucket alive
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key="pending", UploadId=up)
    assert code(exc) == "NoSuchBucket"
    s3.create_bucket(Bucket=bucket)


def test_list_buckets_pages_and_prefix(s3: Any) -> None:
    prefix = unique_bucket("lb")
    names = [f"{prefix}-{i}" for i in range(5)]
    for n in names:
        s3.create_bucket(Bucket=n)
    try:
        seen: list[str] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {"MaxBuckets": 2, "Prefix": prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = s3.list_buckets(**kwargs)
            assert len(page["Buckets"]) <= 2
            seen += [b["Name"] for b in page["Buckets"]]
            token = page.get("ContinuationToken")
            if not token:
                break
        assert seen == sorted(names)
        paginated = [
            b["Name"]
            for page in s3.get_paginator("list_buckets").paginate(
                Prefix=prefix, PaginationConfig={"PageSize": 3}
            )
            for b in page["Buckets"]
        ]
        assert paginated == sorted(names)
    finally:
        for n in names:
            s3.delete_bucket(Bucket=n)


def test_bucket_tagging(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(exc) == "NoSuchTagSet"
    tags = [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_tagging(
            Bucket=bucket,
            Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
        )
    assert code(exc) == "InvalidTag"
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
    assert code(exc) == "InvalidTag"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags  # unchanged by failures
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(exc) == "NoSuchTagSet"


def test_create_bucket_with_tags(s3: Any) -> None:
    name = unique_bucket()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"Tags": [{"Key": "k", "Value": "v"}]})
    try:
        assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "k", "Value": "v"}]
    finally:
        empty_and_delete(s3, name)


def test_cors_configuration(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert code(exc) == "NoSuchCORSConfiguration"
    rules = [
        {
            "AllowedOrigins": ["https://example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 300,
        }
    ]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]
            },
        )
    assert code(exc) == "InvalidRequest"
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_cors(Bucket=bucket)
    assert code(exc) == "NoSuchCORSConfiguration"


def test_ownership_controls(s3: Any, bucket: str) -> None:
    got = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert got == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    got = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert got == [{"ObjectOwnership": "ObjectWriter"}]
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert code(exc) == "OwnershipControlsNotFoundError"


def test_missing_bucket_errors(s3: Any) -> None:
    name = unique_bucket("missing")
    for call in (
        lambda: s3.get_object(Bucket=name, Key="k"),
        lambda: s3.put_object(Bucket=name, Key="k", Body=b""),
        lambda: s3.list_objects_v2(Bucket=name),
        lambda: s3.get_bucket_tagging(Bucket=name),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "NoSuchBucket"
        assert status(exc) == 404
