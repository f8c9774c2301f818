"""Malformed, hostile or oversized requests become the protocol's own AWS error, with the
right status, and never a traceback; streaming bodies are never read by the parser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fogbank.protocol.http import Body
from fogbank.protocol.parse import MAX_DOCUMENT_BYTES
from fogbank.protocol.specs import Specs
from tests.unit.protocol.helpers import parse, parse_error, request

FORM = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Tagging><TagSet><Tag><Key>&lol3;</Key><Value>v</Value></Tag></TagSet></Tagging>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Tagging><TagSet><Tag><Key>&xxe;</Key><Value>v</Value></Tag></TagSet></Tagging>"""
DTD_ONLY = b"""<?xml version="1.0"?><!DOCTYPE Tagging><Tagging><TagSet/></Tagging>"""


class ExplodingBody(Body):
    """A body that fails if anyone reads it."""

    length = 10

    def chunks(self) -> AsyncIterator[bytes]:
        raise AssertionError("a streaming payload was read by the parser")


class RepeatingBody(Body):
    """``count`` chunks of ``chunk`` bytes, without holding them all in memory."""

    def __init__(self, chunk: bytes, count: int) -> None:
        super().__init__()
        self._chunk, self._count = chunk, count

    async def chunks(self) -> AsyncIterator[bytes]:
        for _ in range(self._count):
            yield self._chunk


# --- rest-xml (S3) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<Tagging><TagSet>",  # not well-formed
        b"not xml at all",
        BOMB,
        XXE,
        DTD_ONLY,
        b"<Other><TagSet/></Other>",  # wrong root element
        b"<Tagging/>",  # TagSet is required
        b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",  # Tag.Value required
    ],
)
def test_s3_malformed_xml(specs: Specs, body: bytes) -> None:
    error = parse_error(specs.get("s3"), request("PUT", "/b?tagging", body=body))
    assert (error.code, error.status, error.message) == ("MalformedXML", 400, MALFORMED_XML)


def test_s3_wrong_scalar_in_xml(specs: Specs) -> None:
    body = (
        b"<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter/>"
        b"<Expiration><Days>abc</Days></Expiration></Rule></LifecycleConfiguration>"
    )
    error = parse_error(specs.get("s3"), request("PUT", "/b?lifecycle", body=body))
    assert (error.code, error.status) == ("MalformedXML", 400)


def test_s3_namespaced_xml_is_fine(specs: Specs) -> None:
    body = (
        b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>'
        b"<Tag><Key>a&amp;b</Key><Value>&#x0D;</Value></Tag><Unknown>x</Unknown>"
        b"</TagSet></Tagging>"
    )
    call = parse(specs.get("s3"), request("PUT", "/b?tagging", body=body))
    assert call.params["Tagging"] == {"TagSet": [{"Key": "a&b", "Value": "\r"}]}


def test_s3_missing_body(specs: Specs) -> None:
    error = parse_error(specs.get("s3"), request("PUT", "/b?tagging"))
    assert (error.code, error.status) == ("MissingRequestBodyError", 400)


def test_s3_optional_body_may_be_empty(specs: Specs) -> None:
    call = parse(specs.get("s3"), request("PUT", "/b", body=b""))
    assert call.params == {"Bucket": "b"}


def test_s3_oversized_document(specs: Specs) -> None:
    chunk = b"x" * (1 << 20)
    body = RepeatingBody(chunk, MAX_DOCUMENT_BYTES // len(chunk) + 1)
    error = parse_error(specs.get("s3"), request("PUT", "/b?tagging", body=body))
    assert (error.code, error.status) == ("MaxMessageLengthExceeded", 400)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("max-keys=abc", "max-keys"),
        ("max-keys=1.5", "max-keys"),
        ("fetch-owner=maybe", "fetch-owner"),
    ],
)
def test_s3_wrong_scalar_types(specs: Specs, query: str, name: str) -> None:
    error = parse_error(specs.get("s3"), request("GET", f"/b?list-type=2&{query}"))
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.fields["ArgumentName"] == name


def test_s3_bad_header_value(specs: Specs) -> None:
    error = parse_error(
        specs.get("s3"), request("PUT", "/b/k", [("Content-Length", "ten")], body=b"")
    )
    assert (error.code, error.fields["ArgumentName"]) == ("InvalidArgument", "content-length")


def test_s3_streaming_body_is_not_read(specs: Specs) -> None:
    body = ExplodingBody()
    call = parse(specs.get("s3"), request("PUT", "/b/k", body=body))
    assert call.params["Body"] is body
    part = parse(specs.get("s3"), request("PUT", "/b/k?partNumber=2&uploadId=u", body=body))
    assert part.operation == "UploadPart" and part.params["Body"] is body


# --- query / ec2 --------------------------------------------------------------------------


def test_query_unknown_and_missing_action(specs: Specs) -> None:
    unknown = parse_error(
        specs.get("iam"), request("POST", "/", [FORM], b"Action=Frobnicate&Version=2010-05-08")
    )
    assert (unknown.code, unknown.status) == ("InvalidAction", 400)
    missing = parse_error(specs.get("iam"), request("POST", "/", [FORM], b"Version=2010-05-08"))
    assert (missing.code, missing.status) == ("MissingAction", 400)


def test_query_params_in_the_query_string(specs: Specs) -> None:
    call = parse(specs.get("sts"), request("GET", "/?Action=GetCallerIdentity&Version=2011-06-15"))
    assert (call.operation, call.params) == ("GetCallerIdentity", {})


@pytest.mark.parametrize(
    ("service", "body", "code"),
    [
        ("iam", b"Action=CreateUser&Version=2010-05-08", "ValidationError"),
        ("iam", b"Action=ListUsers&Version=2010-05-08&MaxItems=abc", "ValidationError"),
        ("sts", b"Action=AssumeRole&Version=2011-06-15&RoleArn=a", "ValidationError"),
        ("rds", b"Action=DeleteDBInstance&Version=2014-10-31", "MissingParameter"),
        (
            "rds",
            b"Action=DescribeDBInstances&Version=2014-10-31&MaxRecords=x",
            "InvalidParameterValue",
        ),
        (
            "ec2",
            b"Action=DescribeInstances&Version=2016-11-15&MaxResults=ten",
            "InvalidParameterValue",
        ),
        (
            "ec2",
            b"Action=DescribeInstances&Version=2016-11-15&DryRun=perhaps",
            "InvalidParameterValue",
        ),
        ("ec2", b"Action=TerminateInstances&Version=2016-11-15", "MissingParameter"),
    ],
)
def test_query_validation(specs: Specs, service: str, body: bytes, code: str) -> None:
    error = parse_error(specs.get(service), request("POST", "/", [FORM], body))
    assert (error.code, error.status) == (code, 400)


def test_query_messages_name_the_parameter(specs: Specs) -> None:
    iam = parse_error(
        specs.get("iam"), request("POST", "/", [FORM], b"Action=CreateUser&Version=2010-05-08")
    )
    assert "'userName'" in iam.message
    ec2 = parse_error(
        specs.get("ec2"),
        request("POST", "/", [FORM], b"Action=TerminateInstances&Version=2016-11-15"),
    )
    assert ec2.message == "The request must contain the parameter InstanceId"


def test_query_malformed_form(specs: Specs) -> None:
    error = parse_error(
        specs.get("iam"), request("POST", "/", [FORM], b"Action=ListUsers&Marker=%FF%FE\xff")
    )
    assert error.code == "MalformedQueryString"


def test_query_nested_and_indexed(specs: Specs) -> None:
    body = (
        b"Action=TagUser&Version=2010-05-08&UserName=u"
        b"&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.10.Key=c&Tags.member.10.Value=3"
        b"&Tags.member.1.Key=a&Tags.member.1.Value=%2B1"
    )
    call = parse(specs.get("iam"), request("POST", "/", [FORM], body))
    assert call.params["Tags"] == [
        {"Key": "a", "Value": "+1"},
        {"Key": "b", "Value": "2"},
        {"Key": "c", "Value": "3"},
    ]


# --- json / rest-json ---------------------------------------------------------------------


def kms(target: str, body: bytes) -> object:
    return request(
        "POST",
        "/",
        [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.1")],
        body,
    )


@pytest.mark.parametrize(
    ("target", "body", "code"),
    [
        ("TrentService.Frobnicate", b"{}", "UnknownOperationException"),
        ("OtherService.Encrypt", b"{}", "UnknownOperationException"),
        ("", b"{}", "UnknownOperationException"),
        ("TrentService.Encrypt", b'{"KeyId": "k", "Plaintext": ', "SerializationException"),
        ("TrentService.Encrypt", b"\xff\xfe", "SerializationException"),
        ("TrentService.Encrypt", b"[]", "SerializationException"),
        ("TrentService.Encrypt", b'{"KeyId": 5, "Plaintext": "AA=="}', "SerializationException"),
        ("TrentService.Encrypt", b'{"KeyId": "k", "Plaintext": "%%%"}', "SerializationException"),
        ("TrentService.ListKeys", b'{"Limit": "ten"}', "SerializationException"),
        ("TrentService.ListKeys", b'{"Limit": true}', "SerializationException"),
        ("TrentService.Encrypt", b'{"Plaintext": "AA=="}', "ValidationException"),
        ("TrentService.Encrypt", b"[" * 100000 + b"]" * 100000, "SerializationException"),
    ],
)
def test_json_errors(specs: Specs, target: str, body: bytes, code: str) -> None:
    error = parse_error(specs.get("kms"), kms(target, body))  # type: ignore[arg-type]
    assert (error.code, error.status) == (code, 400)


def test_json_empty_body_and_unknown_members(specs: Specs) -> None:
    empty = parse(specs.get("kms"), kms("TrentService.ListKeys", b""))  # type: ignore[arg-type]
    assert empty.params == {}
    extra = parse(
        specs.get("kms"),
        kms("TrentService.ListKeys", b'{"Limit": 10, "Bogus": [1], "Marker": null}'),  # type: ignore[arg-type]
    )
    assert extra.params == {"Limit": 10}


def test_json_timestamps(specs: Specs) -> None:
    for raw in (b"1700000000", b"1700000000.5", b'"2023-11-14T22:13:20.5Z"'):
        call = parse(
            specs.get("cloudtrail"),
            request(
                "POST",
                "/",
                [
                    (
                        "X-Amz-Target",
                        "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
                    )
                ],
                b'{"StartTime": ' + raw + b"}",
            ),
        )
        start = call.params["StartTime"]
        assert start.timestamp() in (1700000000, 1700000000.5)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/2015-02-01/file-systems", b"{not json"),
        ("POST", "/2015-02-01/file-systems", b'{"CreationToken": 7}'),
        ("POST", "/2015-02-01/file-systems", b"{}"),  # CreationToken is required
        ("POST", "/2015-02-01/access-points", b'{"ClientToken": "t"}'),  # FileSystemId too
        ("GET", "/2015-02-01/file-systems?MaxItems=lots", b""),
        ("PATCH", "/2015-02-01/file-systems", b""),
    ],
)
def test_rest_json_bad_request(specs: Specs, method: str, path: str, body: bytes) -> None:
    error = parse_error(specs.get("efs"), request(method, path, body=body))
    assert (error.code, error.status) == ("BadRequest", 400)
