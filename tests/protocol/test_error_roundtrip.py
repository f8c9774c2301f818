"""Errors: fogbank's ``serialize_error`` -> botocore's parser -> code, message, request id,
status, extra fields; modeled error fields as botocore's endpoint merges them."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.core.errors import AwsError
from fogbank.protocol.specs import OperationCall, Specs
from tests.protocol.conftest import botocore_model
from tests.protocol.wire import botocore_parse, response_dict

REQUEST_ID = "8d2a1f0e-6c1b-4e8e-9b7a-2b8f5f6a9c01"
MESSAGE = 'Bad <thing> & "quotes" caf\u00e9\nline'

# (service, an operation, an error code botocore models for the service or not)
CASES = [
    ("s3", "GetObject", "NoSuchKey"),
    ("s3control", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration"),
    ("iam", "GetUser", "NoSuchEntity"),
    ("sts", "AssumeRole", "ExpiredTokenException"),
    ("rds", "DescribeDBInstances", "DBInstanceNotFound"),
    ("ec2", "DescribeInstances", "InvalidInstanceID.NotFound"),
    ("kms", "DescribeKey", "NotFoundException"),
    ("cloudtrail", "GetTrail", "TrailNotFoundException"),
    ("efs", "DescribeFileSystems", "FileSystemNotFound"),
]


def parse_error(service: str, operation: str, error: AwsError, specs: Specs) -> dict[str, Any]:
    model = botocore_model(service)
    op = model.operation_model(operation)
    call = OperationCall(service, operation, {})
    response = specs.get(service).serialize_error(error, REQUEST_ID, call)
    assert response.status == error.status
    parsed = botocore_parse(model.protocol, response, op.output_shape)
    # what botocore's endpoint adds for a modeled error
    shape = model.shape_for_error_code(parsed["Error"]["Code"])
    if shape is not None:
        from botocore.parsers import create_parser

        parsed.update(create_parser(model.protocol).parse(response_dict(response), shape))
    return parsed


@pytest.mark.parametrize(("service", "operation", "code"), CASES)
def test_error_code_message_request_id(
    specs: Specs, service: str, operation: str, code: str
) -> None:
    error = AwsError(code, MESSAGE, status=404, headers={"x-amz-extra": "1"})
    parsed = parse_error(service, operation, error, specs)
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == MESSAGE
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert parsed["ResponseMetadata"]["HTTPHeaders"]["x-amz-extra"] == "1"


@pytest.mark.parametrize("service", ["iam", "sts", "rds"])
def test_query_error_type(specs: Specs, service: str) -> None:
    op = botocore_model(service).operation_names[0]
    sender = parse_error(service, op, AwsError("Throttling", "slow", status=400), specs)
    receiver = parse_error(
        service, op, AwsError("InternalFailure", "x", status=500, sender_fault=False), specs
    )
    assert sender["Error"]["Type"] == "Sender"
    assert receiver["Error"]["Type"] == "Receiver"


def test_s3_error_extra_fields_and_host_id(specs: Specs) -> None:
    error = AwsError(
        "InvalidObjectState",
        "The operation is not valid for the object's storage class",
        status=403,
        fields={"StorageClass": "DEEP_ARCHIVE", "AccessTier": "DEEP_ARCHIVE_ACCESS"},
    )
    parsed = parse_error("s3", "GetObject", error, specs)
    assert parsed["Error"]["StorageClass"] == "DEEP_ARCHIVE"
    assert parsed["StorageClass"] == "DEEP_ARCHIVE"  # modeled member
    assert parsed["AccessTier"] == "DEEP_ARCHIVE_ACCESS"
    assert parsed["ResponseMetadata"]["HostId"]


def test_s3_head_error_has_no_body(specs: Specs) -> None:
    error = AwsError("NoSuchKey", "The specified key does not exist.", status=404)
    response = specs.get("s3").serialize_error(error, REQUEST_ID, method="HEAD")
    assert response.body == b""
    assert response.status == 404
    assert response.header("x-amz-request-id") == REQUEST_ID
    parsed = botocore_parse("rest-xml", response, None)
    assert parsed["Error"]["Code"] == "404"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_s3control_wraps_errors_in_error_response(specs: Specs) -> None:
    error = AwsError("NoSuchPublicAccessBlockConfiguration", "not found", status=404)
    response = specs.get("s3control").serialize_error(error, REQUEST_ID)
    assert isinstance(response.body, bytes)
    assert b"<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration</Code>" in (
        response.body
    )


def test_efs_error_members(specs: Specs) -> None:
    error = AwsError(
        "AccessPointAlreadyExists", "exists", status=409, fields={"AccessPointId": "fsap-1"}
    )
    parsed = parse_error("efs", "CreateAccessPoint", error, specs)
    assert parsed["Error"]["Code"] == "AccessPointAlreadyExists"
    assert parsed["ErrorCode"] == "AccessPointAlreadyExists"
    assert parsed["Message"] == "exists"
    assert parsed["AccessPointId"] == "fsap-1"


def test_json_error_fields(specs: Specs) -> None:
    error = AwsError("KMSInvalidStateException", "pending deletion", status=400)
    parsed = parse_error("kms", "Encrypt", error, specs)
    assert parsed["Error"]["Code"] == "KMSInvalidStateException"
    assert parsed["message"] == "pending deletion"


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("iam", "NoSuchEntity", 404),
        ("iam", "ReportExpired", 410),
        ("rds", "DBInstanceNotFound", 404),
        ("s3", "BucketAlreadyExists", 409),
        ("efs", "FileSystemNotFound", 404),
        ("efs", "NotAnError", None),
        ("kms", "NotFoundException", None),  # modeled without an httpStatusCode
    ],
)
def test_modeled_status(specs: Specs, service: str, code: str, status: int | None) -> None:
    assert specs.modeled_status(service, code) == status
