"""Real boto3 clients against fogbank's protocol layer (see ``loop.py``): what a user's
code sees, including botocore's client-side handlers and modeled exceptions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from fogbank.core.errors import AwsError
from fogbank.protocol.http import FileSlice
from fogbank.protocol.specs import OperationCall, Specs
from tests.protocol.loop import VIRTUAL_SUFFIX, Loop

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
HOSTILE_KEY = "a/../b c+d%20e\u00e9\n\r\tf&<g>"


def backend(outputs: Mapping[str, object]) -> object:
    def answer(call: OperationCall) -> Mapping[str, object]:
        result = outputs[call.operation]
        if isinstance(result, AwsError):
            raise result
        assert isinstance(result, Mapping)
        return result

    return answer


def loop(specs: Specs, service: str, outputs: Mapping[str, object]) -> Loop:
    return Loop(specs, service, backend(outputs))  # type: ignore[arg-type]


def http_host(lp: Loop) -> str:
    return lp.hosts[-1]


# --- S3 -----------------------------------------------------------------------------------


def test_s3_put_get_object_path_style(specs: Specs) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"hello "
        yield b"world"

    lp = loop(
        specs,
        "s3",
        {
            "PutObject": {"ETag": '"abc"', "VersionId": "v1"},
            "GetObject": {
                "Body": chunks(),
                "ContentLength": 11,
                "Metadata": {"colour": "blue"},
                "LastModified": WHEN,
                "ETag": '"abc"',
            },
        },
    )
    s3 = lp.client(s3={"addressing_style": "path"})
    put = s3.put_object(Bucket="bkt", Key=HOSTILE_KEY, Body=b"payload", Metadata={"Colour": "blue"})
    assert put["ETag"] == '"abc"' and put["VersionId"] == "v1"
    call = lp.calls[-1]
    assert call.operation == "PutObject"
    assert call.params["Bucket"] == "bkt"
    assert call.params["Key"] == HOSTILE_KEY
    assert call.params["Metadata"] == {"colour": "blue"}
    assert lp.bodies[-1] == b"payload"

    got = s3.get_object(Bucket="bkt", Key=HOSTILE_KEY)
    assert got["Body"].read() == b"hello world"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["LastModified"] == WHEN
    assert got["ResponseMetadata"]["RequestId"].startswith("REQ")


def test_s3_virtual_hosted_and_file_slice(specs: Specs, tmp_path: Path) -> None:
    blob = tmp_path / "blob"
    blob.write_bytes(b"0123456789")
    lp = loop(
        specs,
        "s3",
        {"GetObject": {"Body": FileSlice(str(blob), 2, 5), "ContentLength": 5}},
    )
    s3 = lp.client(endpoint_url="http://s3.fogbank.test:4566", s3={"addressing_style": "virtual"})
    got = s3.get_object(Bucket="vbucket", Key="dir/k", Range="bytes=2-6")
    assert got["Body"].read() == b"23456"
    call = lp.calls[-1]
    # botocore asks for checksum validation of GetObject by default
    assert call.params == {
        "Bucket": "vbucket",
        "Key": "dir/k",
        "Range": "bytes=2-6",
        "ChecksumMode": "ENABLED",
    }
    assert http_host(lp) == "vbucket" + VIRTUAL_SUFFIX


def test_s3_get_bucket_location(specs: Specs) -> None:
    lp = loop(specs, "s3", {"GetBucketLocation": {"LocationConstraint": "eu-west-1"}})
    s3 = lp.client(s3={"addressing_style": "path"})
    assert s3.get_bucket_location(Bucket="b")["LocationConstraint"] == "eu-west-1"
    lp2 = loop(specs, "s3", {"GetBucketLocation": {}})
    assert lp2.client().get_bucket_location(Bucket="b")["LocationConstraint"] is None


def test_s3_list_objects_v2_and_create_bucket(specs: Specs) -> None:
    lp = loop(
        specs,
        "s3",
        {
            "CreateBucket": {"Location": "/b"},
            "ListObjectsV2": {
                "Name": "b",
                "KeyCount": 1,
                "IsTruncated": False,
                "Contents": [{"Key": "k\r\n<&>", "Size": 3, "LastModified": WHEN}],
            },
        },
    )
    s3 = lp.client(s3={"addressing_style": "path"})
    s3.create_bucket(Bucket="b", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert lp.calls[-1].params == {
        "Bucket": "b",
        "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
    }
    listed = s3.list_objects_v2(Bucket="b", Prefix="k", MaxKeys=5)
    assert listed["Contents"][0]["Key"] == "k\r\n<&>"
    assert listed["Contents"][0]["LastModified"] == WHEN
    params = lp.calls[-1].params
    assert (params["Prefix"], params["MaxKeys"]) == ("k", 5)


def test_s3_errors(specs: Specs) -> None:
    lp = loop(
        specs,
        "s3",
        {
            "GetObject": AwsError(
                "InvalidObjectState",
                "The operation is not valid for the object's storage class",
                status=403,
                fields={"StorageClass": "GLACIER"},
            ),
            "HeadObject": AwsError("NoSuchKey", "nope", status=404),
        },
    )
    s3 = lp.client(s3={"addressing_style": "path"})
    with pytest.raises(s3.exceptions.InvalidObjectState) as info:
        s3.get_object(Bucket="b", Key="k")
    assert info.value.response["Error"]["Code"] == "InvalidObjectState"
    assert info.value.response["Error"]["StorageClass"] == "GLACIER"
    assert info.value.response["StorageClass"] == "GLACIER"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as head:
        s3.head_object(Bucket="b", Key="k")
    assert head.value.response["Error"]["Code"] == "404"
    assert head.value.response["ResponseMetadata"]["RequestId"].startswith("REQ")


# --- query / ec2 ------------------------------------------------------------------------


def test_iam_modeled_error_and_lists(specs: Specs) -> None:
    lp = loop(
        specs,
        "iam",
        {
            "GetUser": AwsError(
                "NoSuchEntity", "The user with name x cannot be found.", status=404
            ),
            "ListUsers": {
                "Users": [
                    {
                        "Path": "/",
                        "UserName": "ann",
                        "UserId": "AIDA1",
                        "Arn": "arn:aws:iam::123456789012:user/ann",
                        "CreateDate": WHEN,
                    }
                ],
                "IsTruncated": False,
            },
            "TagUser": {},
        },
    )
    iam = lp.client()
    with pytest.raises(iam.exceptions.NoSuchEntityException) as info:
        iam.get_user(UserName="x")
    assert info.value.response["Error"]["Code"] == "NoSuchEntity"
    assert info.value.response["Error"]["Type"] == "Sender"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    users = iam.list_users()["Users"]
    assert users[0]["UserName"] == "ann" and users[0]["CreateDate"] == WHEN
    iam.tag_user(UserName="ann", Tags=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}])
    assert lp.calls[-1].params == {
        "UserName": "ann",
        "Tags": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}],
    }


def test_sts_and_rds(specs: Specs) -> None:
    sts = loop(
        specs,
        "sts",
        {"GetCallerIdentity": {"Account": "123456789012", "Arn": "arn", "UserId": "AIDA"}},
    )
    assert sts.client().get_caller_identity()["Account"] == "123456789012"
    rds = loop(
        specs,
        "rds",
        {
            "DescribeDBInstances": AwsError(
                "DBInstanceNotFound", "DBInstance db1 not found.", status=404
            )
        },
    )
    client = rds.client()
    with pytest.raises(client.exceptions.DBInstanceNotFoundFault):
        client.describe_db_instances(DBInstanceIdentifier="db1")


def test_ec2_filters_and_error(specs: Specs) -> None:
    lp = loop(
        specs,
        "ec2",
        {
            "DescribeInstances": {
                "Reservations": [{"ReservationId": "r-1", "Instances": [{"InstanceId": "i-1"}]}]
            },
            "TerminateInstances": AwsError(
                "InvalidInstanceID.NotFound", "The instance ID 'i-2' does not exist", status=400
            ),
        },
    )
    ec2 = lp.client()
    got = ec2.describe_instances(Filters=[{"Name": "tag:a", "Values": ["x", "y"]}])
    assert got["Reservations"][0]["Instances"][0]["InstanceId"] == "i-1"
    assert lp.calls[-1].params == {"Filters": [{"Name": "tag:a", "Values": ["x", "y"]}]}
    with pytest.raises(ClientError) as info:
        ec2.terminate_instances(InstanceIds=["i-2"])
    assert info.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    assert info.value.response["ResponseMetadata"]["RequestId"].startswith("REQ")


# --- json / rest-json -------------------------------------------------------------------


def test_kms_blobs_and_modeled_error(specs: Specs) -> None:
    lp = loop(
        specs,
        "kms",
        {
            "Encrypt": {"CiphertextBlob": b"\x00\x01\xff", "KeyId": "arn:key"},
            "DescribeKey": AwsError("NotFoundException", "Key 'x' does not exist", status=400),
        },
    )
    kms = lp.client()
    assert kms.encrypt(KeyId="k", Plaintext=b"\xff\x00")["CiphertextBlob"] == b"\x00\x01\xff"
    assert lp.calls[-1].params == {"KeyId": "k", "Plaintext": b"\xff\x00"}
    with pytest.raises(kms.exceptions.NotFoundException) as info:
        kms.describe_key(KeyId="x")
    assert info.value.response["Error"]["Message"] == "Key 'x' does not exist"


def test_cloudtrail_timestamps(specs: Specs) -> None:
    lp = loop(
        specs,
        "cloudtrail",
        {"LookupEvents": {"Events": [{"EventId": "e1", "EventTime": WHEN}]}},
    )
    ct = lp.client()
    events = ct.lookup_events(StartTime=WHEN, EndTime=WHEN)["Events"]
    assert events[0]["EventTime"] == WHEN
    assert lp.calls[-1].params["StartTime"] == WHEN


def test_efs_status_codes_and_errors(specs: Specs) -> None:
    lp = loop(
        specs,
        "efs",
        {
            "CreateFileSystem": {
                "OwnerId": "123456789012",
                "CreationToken": "tok",
                "FileSystemId": "fs-1",
                "CreationTime": WHEN,
                "LifeCycleState": "creating",
                "NumberOfMountTargets": 0,
                "SizeInBytes": {"Value": 0},
                "PerformanceMode": "generalPurpose",
                "Tags": [],
            },
            "DescribeFileSystems": AwsError(
                "FileSystemNotFound", "File system 'fs-9' does not exist.", status=404
            ),
        },
    )
    efs = lp.client()
    created = efs.create_file_system(CreationToken="tok", Tags=[{"Key": "a", "Value": "b"}])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["CreationTime"] == WHEN
    with pytest.raises(efs.exceptions.FileSystemNotFound) as info:
        efs.describe_file_systems(FileSystemId="fs-9")
    assert info.value.response["Error"]["Code"] == "FileSystemNotFound"
    assert info.value.response["ErrorCode"] == "FileSystemNotFound"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
