"""Which operation a rest request is: S3's shared templates, keys, virtual hosts, S3
Control's greedy labels, EFS's literal segments, x-id hints."""

from __future__ import annotations

import pytest

from fogbank.protocol.plan import ShapeCompiler, compile_operation
from fogbank.protocol.rest_routing import RestRouter, compile_route
from fogbank.protocol.specs import Specs
from tests.unit.protocol.helpers import parse, parse_error, request

COPY = ("x-amz-copy-source", "src/key")


TAGGING = b"<Tagging><TagSet/></Tagging>"
DELETE = b"<Delete><Object><Key>k</Key></Object></Delete>"
NOTIFICATION = b"<NotificationConfiguration/>"
SELECT = (
    b"<SelectObjectContentRequest><Expression>s</Expression><ExpressionType>SQL</ExpressionType>"
    b"<InputSerialization/><OutputSerialization/></SelectObjectContentRequest>"
)


@pytest.mark.parametrize(
    ("method", "target", "headers", "operation"),
    [
        ("GET", "/b", (), "ListObjects"),
        ("GET", "/b/", (), "ListObjects"),
        ("GET", "/b?list-type=2", (), "ListObjectsV2"),
        ("GET", "/b?list-type=1&prefix=x", (), "ListObjects"),
        ("GET", "/b?location", (), "GetBucketLocation"),
        ("GET", "/b/?location=", (), "GetBucketLocation"),
        ("GET", "/", (), "ListBuckets"),
        ("HEAD", "/b", (), "HeadBucket"),
        ("HEAD", "/b/k", (), "HeadObject"),
        ("PUT", "/b", (), "CreateBucket"),
        ("PUT", "/b/k", (), "PutObject"),
        ("PUT", "/b/k", (COPY,), "CopyObject"),
        ("PUT", "/b/k?partNumber=1&uploadId=u", (), "UploadPart"),
        ("PUT", "/b/k?partNumber=1&uploadId=u", (COPY,), "UploadPartCopy"),
        ("PUT", "/b/k?tagging", (), "PutObjectTagging"),
        ("PUT", "/b?tagging", (), "PutBucketTagging"),
        ("PUT", "/b?notification", (), "PutBucketNotificationConfiguration"),
        ("GET", "/b/k", (), "GetObject"),
        ("GET", "/b/k?partNumber=2", (), "GetObject"),
        ("GET", "/b/k?uploadId=u", (), "ListParts"),
        ("DELETE", "/b/k", (), "DeleteObject"),
        ("DELETE", "/b/k?uploadId=u", (), "AbortMultipartUpload"),
        ("POST", "/b/k?uploads", (), "CreateMultipartUpload"),
        ("POST", "/b/k?uploadId=u", (), "CompleteMultipartUpload"),
        ("GET", "/b?uploads", (), "ListMultipartUploads"),
        ("POST", "/b?delete", (), "DeleteObjects"),
        ("GET", "/b?versions", (), "ListObjectVersions"),
        ("GET", "/b?analytics", (), "ListBucketAnalyticsConfigurations"),
        ("GET", "/b?analytics&id=a1", (), "GetBucketAnalyticsConfiguration"),
        ("GET", "/b?lifecycle", (), "GetBucketLifecycleConfiguration"),
        ("GET", "/b/k?acl", (), "GetObjectAcl"),
        ("GET", "/b?acl", (), "GetBucketAcl"),
        ("POST", "/b/k?select&select-type=2", (), "SelectObjectContent"),
    ],
)
def test_s3_operations(
    specs: Specs, method: str, target: str, headers: tuple[tuple[str, str], ...], operation: str
) -> None:
    body = {
        "PutObjectTagging": TAGGING,
        "PutBucketTagging": TAGGING,
        "DeleteObjects": DELETE,
        "PutBucketNotificationConfiguration": NOTIFICATION,
        "SelectObjectContent": SELECT,
    }.get(operation, b"")
    call = parse(specs.get("s3"), request(method, target, headers, body))
    assert call.operation == operation


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/b/a%20b%2Bc", "a b+c"),
        ("/b/a+b", "a+b"),  # '+' in a path is a plus, not a space
        ("/b/100%25", "100%"),  # decoded exactly once
        ("/b/%2541", "%41"),
        ("/b/dir/../x", "dir/../x"),
        ("/b/../../etc/passwd", "../../etc/passwd"),
        ("/b/line%0Abreak%0D", "line\nbreak\r"),
        ("/b/dir/", "dir/"),
        ("/b//leading", "/leading"),
        ("/b/caf%C3%A9/%E4%B8%AD", "caf\u00e9/\u4e2d"),
        ("/b/semi;colon=x", "semi;colon=x"),
    ],
)
def test_s3_keys(specs: Specs, path: str, key: str) -> None:
    call = parse(specs.get("s3"), request("GET", path))
    assert call.operation == "GetObject"
    assert call.params == {"Bucket": "b", "Key": key}


def test_s3_invalid_utf8_key(specs: Specs) -> None:
    error = parse_error(specs.get("s3"), request("GET", "/b/%FF%FE"))
    assert (error.code, error.status) == ("InvalidURI", 400)


@pytest.mark.parametrize(
    ("method", "target", "operation", "params"),
    [
        ("GET", "/", "ListObjects", {"Bucket": "vb"}),
        ("GET", "/?list-type=2&prefix=p", "ListObjectsV2", {"Bucket": "vb", "Prefix": "p"}),
        ("GET", "/?location", "GetBucketLocation", {"Bucket": "vb"}),
        ("PUT", "/", "CreateBucket", {"Bucket": "vb"}),
        ("GET", "/dir/k%20y", "GetObject", {"Bucket": "vb", "Key": "dir/k y"}),
        ("GET", "//k", "GetObject", {"Bucket": "vb", "Key": "/k"}),
        ("HEAD", "/k", "HeadObject", {"Bucket": "vb", "Key": "k"}),
    ],
)
def test_s3_virtual_hosted(
    specs: Specs, method: str, target: str, operation: str, params: dict[str, object]
) -> None:
    call = parse(specs.get("s3"), request(method, target, virtual_bucket="vb"))
    assert call.operation == operation
    assert call.params == params


def test_s3_method_not_allowed(specs: Specs) -> None:
    error = parse_error(specs.get("s3"), request("POST", "/b"))
    assert (error.code, error.status) == ("MethodNotAllowed", 405)
    assert error.message == "The specified method is not allowed against this resource."
    assert error.fields["Method"] == "POST"


def test_s3_upload_part_without_part_number(specs: Specs) -> None:
    # routed as UploadPart (it names an upload), not silently as a PutObject
    error = parse_error(specs.get("s3"), request("PUT", "/b/k?uploadId=u"))
    assert error.status == 400
    assert error.fields.get("ArgumentName") == "partNumber"


def test_s3_required_header_missing(specs: Specs) -> None:
    error = parse_error(specs.get("s3"), request("GET", "/b/k?attributes"))
    assert error.status == 400
    assert error.fields.get("ArgumentName") == "x-amz-object-attributes"


def test_s3_headers_and_metadata(specs: Specs) -> None:
    call = parse(
        specs.get("s3"),
        request(
            "GET",
            "/b/k?versionId=v1&response-content-type=text%2Fplain",
            [
                ("If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ("x-amz-checksum-mode", "ENABLED"),
                ("x-amz-unknown", "ignored"),
            ],
        ),
    )
    assert call.params["VersionId"] == "v1"
    assert call.params["ResponseContentType"] == "text/plain"
    assert call.params["IfModifiedSince"].isoformat() == "2015-10-21T07:28:00+00:00"
    assert call.params["ChecksumMode"] == "ENABLED"
    put = parse(
        specs.get("s3"),
        request(
            "PUT",
            "/b/k",
            [("x-amz-meta-Colour", "blue"), ("x-amz-meta-size", "L"), ("Content-Length", "0")],
        ),
    )
    assert put.params["Metadata"] == {"colour": "blue", "size": "L"}
    assert put.params["ContentLength"] == 0


@pytest.mark.parametrize(
    ("method", "path", "operation", "labels"),
    [
        ("GET", "/v20180820/mrap/instances/a/b", "GetMultiRegionAccessPoint", {"Name": "a/b"}),
        (
            "GET",
            "/v20180820/mrap/instances/a/b/policy",
            "GetMultiRegionAccessPointPolicy",
            {"Name": "a/b"},
        ),
        (
            "GET",
            "/v20180820/tags/arn%3Aaws%3As3%3A%3A%3Ab/x",
            "ListTagsForResource",
            {"ResourceArn": "arn:aws:s3:::b/x"},
        ),
        ("GET", "/v20180820/configuration/publicAccessBlock", "GetPublicAccessBlock", {}),
    ],
)
def test_s3control_routes(
    specs: Specs, method: str, path: str, operation: str, labels: dict[str, str]
) -> None:
    call = parse(
        specs.get("s3control"), request(method, path, [("x-amz-account-id", "123456789012")])
    )
    assert call.operation == operation
    assert call.params == {"AccountId": "123456789012", **labels}


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        (
            "GET",
            "/2015-02-01/file-systems/replication-configurations",
            "DescribeReplicationConfigurations",
        ),
        ("GET", "/2015-02-01/file-systems", "DescribeFileSystems"),
        ("PUT", "/2015-02-01/file-systems/fs-1", "UpdateFileSystem"),
        ("GET", "/2015-02-01/tags/fs-1/", "DescribeTags"),
        ("GET", "/2015-02-01/tags/fs-1", "DescribeTags"),
        ("DELETE", "/2015-02-01/access-points/fsap-1", "DeleteAccessPoint"),
    ],
)
def test_efs_routes(specs: Specs, method: str, path: str, operation: str) -> None:
    call = parse(specs.get("efs"), request(method, path, body=b"{}"))
    assert call.operation == operation


def _mini_router(operations: dict[str, object]) -> RestRouter:
    shapes = {
        "In": {
            "type": "structure",
            "required": ["Bucket", "Key"],
            "members": {
                "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"},
                "Key": {"shape": "S", "location": "uri", "locationName": "Key"},
            },
        },
        "PartsIn": {
            "type": "structure",
            "required": ["Bucket", "Key", "UploadId"],
            "members": {
                "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"},
                "Key": {"shape": "S", "location": "uri", "locationName": "Key"},
                "UploadId": {"shape": "S", "location": "querystring", "locationName": "uploadId"},
            },
        },
        "S": {"type": "string"},
    }
    compiler = ShapeCompiler(shapes)
    return RestRouter(
        compile_route(compile_operation(compiler, name, raw))  # type: ignore[arg-type]
        for name, raw in operations.items()
    )


def test_x_id_is_a_hint_not_a_requirement() -> None:
    router = _mini_router(
        {
            "GetObject": {
                "http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}?x-id=GetObject"},
                "input": {"shape": "In"},
            },
            "ListParts": {
                "http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}?x-id=ListParts"},
                "input": {"shape": "PartsIn"},
            },
        }
    )
    old_client = router.match("GET", "/b/k", {}, {})
    assert old_client is not None and old_client.route.operation == "GetObject"
    assert old_client.labels == {"Bucket": "b", "Key": "k"}
    parts = router.match("GET", "/b/k", {"uploadId": "u"}, {})
    assert parts is not None and parts.route.operation == "ListParts"
    hinted = router.match("GET", "/b/k", {"x-id": "ListParts"}, {})
    assert hinted is not None and hinted.route.operation == "ListParts"
    assert router.match("PUT", "/b/k", {}, {}) is None
