"""The foundation, end to end: a real server, real clients (boto3 and the AWS CLI)."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from typing import Any
from unittest import mock

import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config as BotoConfig
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.support.server import ACCESS_KEY, ACCOUNT_ID, SECRET_KEY, FogbankServer


def test_health_is_json_with_services(server: FogbankServer) -> None:
    doc = json.loads(server.health())
    assert doc["status"] == "ready"
    assert {"s3", "iam", "sts", "kms", "rds", "ec2", "efs", "cloudtrail"} <= set(doc["services"])


def test_caller_identity_with_boto3(server: FogbankServer) -> None:
    ident = server.client("sts").get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert ident["Account"] == ACCOUNT_ID
    assert ident["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ident["ResponseMetadata"]["RequestId"]


def test_caller_identity_with_the_aws_cli(server: FogbankServer) -> None:
    out = server.aws("sts", "get-caller-identity")
    assert json.loads(out.stdout)["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_wrong_secret_is_signature_does_not_match(server: FogbankServer) -> None:
    for service, op in (("sts", "get_caller_identity"), ("s3", "list_buckets")):
        client = server.client(service, aws_secret_access_key="wrong" * 8)
        with pytest.raises(ClientError) as exc:
            getattr(client, op)()
        assert _code(exc) == "SignatureDoesNotMatch"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize(
    ("service", "op", "code"),
    [
        ("s3", "list_buckets", "InvalidAccessKeyId"),
        ("sts", "get_caller_identity", "InvalidClientTokenId"),
        ("iam", "list_users", "InvalidClientTokenId"),
        ("kms", "list_keys", "UnrecognizedClientException"),
        ("ec2", "describe_vpcs", "AuthFailure"),
    ],
)
def test_unknown_key(server: FogbankServer, service: str, op: str, code: str) -> None:
    client = server.client(service, aws_access_key_id="AKIANOSUCHKEY0000000")
    with pytest.raises(ClientError) as exc:
        getattr(client, op)()
    assert _code(exc) == code


def _signed_at(server: FogbankServer, service: str, when: dt.datetime, **kw: Any) -> Any:
    """A raw request signed as if at ``when``."""
    creds = Credentials(ACCESS_KEY, SECRET_KEY)
    request = AWSRequest(**kw)
    auth = SigV4Auth(creds, service, "us-east-1")
    with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
        auth.add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(
        prepared.url, data=prepared.body, headers=dict(prepared.headers), method=prepared.method
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_skewed_request_is_refused(server: FogbankServer) -> None:
    skewed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
    status, body = _signed_at(
        server,
        "s3",
        skewed,
        method="GET",
        url=server.endpoint + "/",
        headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    assert status == 403
    assert b"<Code>RequestTimeTooSkewed</Code>" in body
    assert b"<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>" in body
    # The same request at the right time is accepted.
    now = dt.datetime.now(dt.UTC)
    status, _ = _signed_at(
        server,
        "s3",
        now,
        method="GET",
        url=server.endpoint + "/",
        headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    assert status != 403


def test_skew_in_query_protocol_format(server: FogbankServer) -> None:
    skewed = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)
    status, body = _signed_at(
        server,
        "sts",
        skewed,
        method="POST",
        url=server.endpoint + "/",
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert status == 403
    assert b"<ErrorResponse" in body
    assert b"<Code>SignatureDoesNotMatch</Code>" in body
    assert b"Signature not yet current" in body


def test_presigned_url_expires(server: FogbankServer) -> None:
    s3 = server.client("s3", config=BotoConfig(signature_version="s3v4"))
    url = s3.generate_presigned_url("list_buckets", ExpiresIn=1)
    time.sleep(2.2)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code == 403
    body = err.value.read()
    assert b"<Code>AccessDenied</Code>" in body
    assert b"Request has expired" in body


SERVICES_AND_CALLS = [
    ("s3", "get_bucket_website", {"Bucket": "some-bucket"}),
    ("iam", "list_open_id_connect_providers", {}),
    ("sts", "get_federation_token", {"Name": "bob"}),
    ("kms", "describe_custom_key_stores", {}),
    ("rds", "describe_db_proxies", {}),
    ("ec2", "describe_instances", {}),
    ("efs", "describe_replication_configurations", {}),
    ("cloudtrail", "list_channels", {}),
]


@pytest.mark.parametrize(("service", "op", "params"), SERVICES_AND_CALLS)
def test_unimplemented_operations_answer_not_implemented(
    server: FogbankServer, service: str, op: str, params: dict[str, Any]
) -> None:
    client = server.client(service)
    if op not in client.meta.method_to_api_mapping:
        pytest.fail(f"{service} has no {op}")
    with pytest.raises(ClientError) as exc:
        getattr(client, op)(**params)
    assert _code(exc) == "NotImplemented"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert exc.value.response["ResponseMetadata"]["RequestId"]


def test_unknown_service_does_not_crash(server: FogbankServer) -> None:
    session = botocore.session.get_session()
    sqs = session.create_client(
        "sqs",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=BotoConfig(retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError):
        sqs.list_queues()
    assert json.loads(server.health())["status"] == "ready"
