"""The exact wire form of responses and errors, as AWS writes them (beyond what botocore's
lenient parser would notice)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fogbank.core.errors import AwsError
from fogbank.protocol.http import FileSlice
from fogbank.protocol.specs import OperationCall, Specs

RID = "REQ123"
WHEN = datetime(2024, 2, 29, 13, 14, 15, 500000, tzinfo=UTC)
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def body_text(body: object) -> str:
    assert isinstance(body, bytes)
    return body.decode("utf-8")


def test_s3_list_objects_v2_document(specs: Specs) -> None:
    response = specs.get("s3").serialize(
        OperationCall("s3", "ListObjectsV2", {}),
        {
            "Name": "b",
            "IsTruncated": False,
            "KeyCount": 1,
            "Contents": [{"Key": "a\x01b\nc\rd\te<&>", "ETag": '"e"', "LastModified": WHEN}],
        },
        RID,
    )
    text = body_text(response.body)
    assert text.startswith(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{S3_NS}">'
    )
    assert "<Contents><Key>a&#x01;b&#x0A;c&#x0D;d&#x09;e&lt;&amp;&gt;</Key>" in text
    assert "<ETag>&quot;e&quot;</ETag>" in text
    assert "<LastModified>2024-02-29T13:14:15.500Z</LastModified>" in text
    assert "<IsTruncated>false</IsTruncated>" in text
    assert response.status == 200
    assert response.header("x-amz-request-id") == RID
    assert response.header("x-amz-id-2")
    assert response.header("content-type") == "application/xml"


def test_s3_roots_and_status_codes(specs: Specs) -> None:
    s3 = specs.get("s3")
    location = s3.serialize(
        OperationCall("s3", "GetBucketLocation", {}), {"LocationConstraint": "eu-west-1"}, RID
    )
    assert body_text(location.body).endswith(
        f'<LocationConstraint xmlns="{S3_NS}">eu-west-1</LocationConstraint>'
    )
    initiate = s3.serialize(
        OperationCall("s3", "CreateMultipartUpload", {}),
        {"Bucket": "b", "Key": "k", "UploadId": "u"},
        RID,
    )
    assert f'<InitiateMultipartUploadResult xmlns="{S3_NS}"><Bucket>b</Bucket>' in body_text(
        initiate.body
    )
    copy = s3.serialize(
        OperationCall("s3", "CopyObject", {}), {"CopyObjectResult": {"ETag": '"x"'}}, RID
    )
    assert f'<CopyObjectResult xmlns="{S3_NS}"><ETag>' in body_text(copy.body)
    deleted = s3.serialize(OperationCall("s3", "DeleteObject", {}), {}, RID)
    assert (deleted.status, deleted.body) == (204, b"")
    acl = s3.serialize(
        OperationCall("s3", "GetBucketAcl", {}),
        {"Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "id1"}, "Permission": "READ"}]},
        RID,
    )
    assert (
        '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:type="CanonicalUser"><ID>id1</ID></Grantee>'
    ) in body_text(acl.body)


def test_s3_streaming_output_is_passed_through(specs: Specs) -> None:
    piece = FileSlice("/dev/null", 0, 0)
    response = specs.get("s3").serialize(
        OperationCall("s3", "GetObject", {}),
        {"Body": piece, "ContentLength": 0, "LastModified": WHEN, "Metadata": {"a": "1"}},
        RID,
    )
    assert response.body is piece
    assert response.header("Last-Modified") == "Thu, 29 Feb 2024 13:14:15 GMT"
    assert response.header("x-amz-meta-a") == "1"
    assert response.header("Content-Length") == "0"

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x"

    stream = chunks()
    again = specs.get("s3").serialize(OperationCall("s3", "GetObject", {}), {"Body": stream}, RID)
    assert again.body is stream


def test_headers_cannot_be_split(specs: Specs) -> None:
    response = specs.get("s3").serialize(
        OperationCall("s3", "HeadObject", {}),
        {"Metadata": {"x": "evil\r\nSet-Cookie: a=b", "y": "caf\u00e9", "z": "\u4e2d"}},
        RID,
    )
    for _, value in response.headers:
        assert "\r" not in value and "\n" not in value
    assert response.header("x-amz-meta-y") == "caf\u00e9"  # Latin-1 passes as sent
    assert response.header("x-amz-meta-z") == "=?UTF-8?B?5Lit?="


def test_query_and_ec2_documents(specs: Specs) -> None:
    iam = specs.get("iam").serialize(
        OperationCall("iam", "GetUser", {}),
        {"User": {"UserName": "ann", "Path": "/", "UserId": "U", "Arn": "a", "CreateDate": WHEN}},
        RID,
    )
    text = body_text(iam.body)
    assert (
        '<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult>' in text
    )
    assert text.endswith(
        "</GetUserResult><ResponseMetadata><RequestId>REQ123</RequestId>"
        "</ResponseMetadata></GetUserResponse>"
    )
    ec2 = specs.get("ec2").serialize(
        OperationCall("ec2", "DescribeInstances", {}),
        {"Reservations": [{"ReservationId": "r-1", "Instances": [{"InstanceId": "i-1"}]}]},
        RID,
    )
    assert body_text(ec2.body).endswith(
        '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        "<requestId>REQ123</requestId><reservationSet><item><reservationId>r-1</reservationId>"
        "<instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></item>"
        "</reservationSet></DescribeInstancesResponse>"
    )


def test_json_documents(specs: Specs) -> None:
    response = specs.get("kms").serialize(
        OperationCall("kms", "Encrypt", {}), {"CiphertextBlob": b"\x00\xff", "KeyId": "k"}, RID
    )
    assert response.header("Content-Type") == "application/x-amz-json-1.1"
    assert response.header("x-amzn-RequestId") == RID
    assert json.loads(body_text(response.body)) == {"CiphertextBlob": "AP8=", "KeyId": "k"}
    trail = specs.get("cloudtrail").serialize(
        OperationCall("cloudtrail", "LookupEvents", {}),
        {"Events": [{"EventTime": WHEN}]},
        RID,
    )
    assert json.loads(body_text(trail.body)) == {"Events": [{"EventTime": 1709212455.5}]}
    created = specs.get("efs").serialize(
        OperationCall("efs", "CreateFileSystem", {}), {"FileSystemId": "fs-1"}, RID
    )
    assert created.status == 201
    assert created.header("Content-Type") == "application/json"


def test_error_documents(specs: Specs) -> None:
    error = AwsError(
        "NoSuchKey", "The specified key does not exist.", status=404, fields={"Key": "k&"}
    )
    s3 = body_text(specs.get("s3").serialize_error(error, RID).body)
    assert s3.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>')
    assert "<Message>The specified key does not exist.</Message><Key>k&amp;</Key>" in s3
    assert "<RequestId>REQ123</RequestId><HostId>" in s3

    iam = body_text(
        specs.get("iam").serialize_error(AwsError("NoSuchEntity", "no", status=404), RID).body
    )
    assert iam.endswith(
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
        "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>no</Message></Error>"
        "<RequestId>REQ123</RequestId></ErrorResponse>"
    )
    ec2 = body_text(specs.get("ec2").serialize_error(AwsError("Bad", "no"), RID).body)
    assert ec2.endswith(
        "<Response><Errors><Error><Code>Bad</Code><Message>no</Message></Error></Errors>"
        "<RequestID>REQ123</RequestID></Response>"
    )
    kms = specs.get("kms").serialize_error(AwsError("NotFoundException", "gone"), RID)
    assert json.loads(body_text(kms.body)) == {"__type": "NotFoundException", "message": "gone"}
    assert kms.header("x-amzn-RequestId") == RID
    efs = specs.get("efs").serialize_error(AwsError("FileSystemNotFound", "gone", status=404), RID)
    assert efs.header("x-amzn-ErrorType") == "FileSystemNotFound"
    assert json.loads(body_text(efs.body)) == {"ErrorCode": "FileSystemNotFound", "Message": "gone"}
    internal = specs.get("efs").serialize_error(AwsError("InternalError", "x", status=500), RID)
    assert json.loads(body_text(internal.body)) == {"ErrorCode": "InternalError", "Message": "x"}
