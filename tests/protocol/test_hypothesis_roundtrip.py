"""Property-based round trips for a subset of operations (the hot and the intricate ones):
random params through botocore's serializer and fogbank's parser, random outputs through
fogbank's serializer and botocore's parser. Same normalizations as the deterministic
round trips (see their modules)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.protocol.specs import OperationCall, Specs
from tests.protocol.conftest import botocore_model
from tests.protocol.strategies import Strategies
from tests.protocol.test_request_roundtrip import expected_params, received_params
from tests.protocol.test_response_roundtrip import expected_output
from tests.protocol.wire import botocore_parse, botocore_request, run

SUBSET = [
    ("s3", "PutObject"),
    ("s3", "GetObject"),
    ("s3", "HeadObject"),
    ("s3", "CopyObject"),
    ("s3", "UploadPart"),
    ("s3", "ListObjectsV2"),
    ("s3", "ListObjectVersions"),
    ("s3", "DeleteObjects"),
    ("s3", "CompleteMultipartUpload"),
    ("s3", "PutBucketLifecycleConfiguration"),
    ("s3", "GetBucketLifecycleConfiguration"),
    ("s3", "PutBucketAcl"),
    ("s3control", "PutPublicAccessBlock"),
    ("s3control", "ListTagsForResource"),
    ("iam", "CreateUser"),
    ("iam", "PutRolePolicy"),
    ("iam", "ListUsers"),
    ("iam", "GetAccountSummary"),
    ("sts", "AssumeRole"),
    ("rds", "CreateDBInstance"),
    ("rds", "DescribeDBInstances"),
    ("ec2", "DescribeInstances"),
    ("ec2", "AuthorizeSecurityGroupIngress"),
    ("ec2", "DescribeSecurityGroups"),
    ("kms", "Encrypt"),
    ("kms", "ListKeys"),
    ("cloudtrail", "LookupEvents"),
    ("cloudtrail", "PutEventSelectors"),
    ("efs", "CreateAccessPoint"),
    ("efs", "DescribeFileSystems"),
]
# FOGBANK_HYPOTHESIS_EXAMPLES=500 for a deep run; the suite default stays fast
EXAMPLES = settings(
    max_examples=int(os.environ.get("FOGBANK_HYPOTHESIS_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize(("service", "operation"), SUBSET)
@EXAMPLES
@given(data=st.data())
def test_request_property(specs: Specs, service: str, operation: str, data: Any) -> None:
    model = botocore_model(service)
    op = model.operation_model(operation)
    params = data.draw(Strategies(model.protocol, output=False).operation(op))
    call = run(specs.get(service).parse(botocore_request(op, params)))
    assert call.operation == operation
    assert received_params(call.params) == expected_params(op, params)


@pytest.mark.parametrize(("service", "operation"), SUBSET)
@EXAMPLES
@given(data=st.data())
def test_response_property(specs: Specs, service: str, operation: str, data: Any) -> None:
    model = botocore_model(service)
    op = model.operation_model(operation)
    output = data.draw(Strategies(model.protocol, output=True).operation(op))
    response = specs.get(service).serialize(OperationCall(service, operation, {}), output, "R1")
    expected = expected_output(op, output)
    payload = op.output_shape.serialization.get("payload") if op.output_shape else None
    if payload and op.output_shape.members[payload].type_name == "blob":  # type: ignore[union-attr]
        assert response.body is output.get(payload, b"")
        response.body = b""
        expected.pop(payload, None)
    parsed = botocore_parse(model.protocol, response, op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "R1"
    if payload and payload not in expected:
        parsed.pop(payload, None)
    assert parsed == expected
