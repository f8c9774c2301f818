"""Which service a request goes to, from headers alone (aws-protocol-notes §2.2)."""

from __future__ import annotations

import asyncio

import pytest

from fogbank.protocol.http import BytesBody, Headers, HttpRequest
from fogbank.protocol.routing import Router, UnknownService


def req(
    method: str = "GET",
    path: str = "/",
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> HttpRequest:
    h = {"host": "127.0.0.1:4566", **(headers or {})}
    return HttpRequest(method, path, query, Headers(h.items()), BytesBody(body))


def route(request: HttpRequest, hostnames: tuple[str, ...] = ()) -> str:
    return asyncio.run(Router(hostnames).route(request)).name


def sigv4(service: str) -> dict[str, str]:
    return {
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261125/us-west-2/"
        f"{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
    }


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("s3", "s3"),
        ("iam", "iam"),
        ("sts", "sts"),
        ("kms", "kms"),
        ("rds", "rds"),
        ("ec2", "ec2"),
        ("elasticfilesystem", "efs"),
        ("cloudtrail", "cloudtrail"),
    ],
)
def test_scope_names_the_service(scope: str, expected: str) -> None:
    assert route(req("POST", headers=sigv4(scope))) == expected


def test_s3_control_by_path() -> None:
    request = req("GET", "/v20180820/configuration/publicAccessBlock", headers=sigv4("s3"))
    assert route(request) == "s3control"


def test_presigned_query_scope() -> None:
    query = "X-Amz-Credential=AKIAEXAMPLE%2F20261125%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=x"
    assert route(req("GET", "/bucket/key", query)) == "s3"


def test_sigv2_is_s3() -> None:
    assert route(req("GET", "/b/k", "AWSAccessKeyId=AK&Expires=1&Signature=x")) == "s3"
    assert route(req("GET", "/b/k", headers={"authorization": "AWS AK:sig"})) == "s3"


def test_unsigned_routing() -> None:
    assert route(req("POST", headers={"x-amz-target": "TrentService.ListKeys"})) == "kms"
    target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
    assert route(req("POST", headers={"x-amz-target": target})) == "cloudtrail"
    assert route(req("GET", "/2015-02-01/file-systems")) == "efs"
    assert route(req("GET", "/", "Action=DescribeVpcs&Version=2016-11-15")) == "ec2"
    form = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    body = b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=x"
    assert route(req("POST", "/", headers=form, body=body)) == "sts"
    assert route(req("GET", "/some-bucket/some/key")) == "s3"


def test_unknown_service_is_an_error() -> None:
    with pytest.raises(UnknownService):
        route(req("POST", headers=sigv4("sqs")))
    with pytest.raises(UnknownService):
        route(req("POST", headers={"x-amz-target": "AmazonSQS.ListQueues"}))


def test_virtual_hosted_bucket() -> None:
    request = req("GET", "/key", headers={"host": "my-bucket.localhost:4566"})
    assert route(request) == "s3"
    assert request.virtual_bucket == "my-bucket"
    request = req("GET", "/key", headers={"host": "b.s3.localhost:4566"})
    assert route(request) == "s3"
    assert request.virtual_bucket == "b"
    request = req("GET", "/b/key", headers={"host": "localhost:4566"})
    route(request)
    assert request.virtual_bucket is None
    request = req("GET", "/b/key", headers={"host": "127.0.0.1:4566"})
    route(request)
    assert request.virtual_bucket is None
    request = req("GET", "/k", headers={"host": "logs.fogbank.test"})
    assert route(request, ("fogbank.test",)) == "s3"
    assert request.virtual_bucket == "logs"
