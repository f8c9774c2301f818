"""S3 SigV2 header auth (``Authorization: AWS AK:sig``), as botocore signs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError

from .support import (
    TMP_AK,
    TMP_SECRET,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    capture,
    long_term,
    read_all,
    run,
    service,
    temporary,
    to_request,
)

V2 = Config(signature_version="s3")


def _auth(clock: MovableClock | None = None) -> Authenticator:
    return Authenticator(
        MemoryCredentials(long_term(), temporary()), (clock or MovableClock()).clock
    )


CALLS: list[Callable[[Any], object]] = [
    lambda c: c.get_object(Bucket="b", Key="dir/a b+c!.txt", VersionId="3/L4kqtJl"),
    lambda c: c.put_object(
        Bucket="b", Key="k", Body=b"data", Metadata={"m": "v"}, ContentType="text/plain"
    ),
    lambda c: c.get_bucket_acl(Bucket="b"),
    lambda c: c.list_objects_v2(Bucket="b", Prefix="p"),
    lambda c: c.create_multipart_upload(Bucket="b", Key="k"),
    lambda c: c.put_object_tagging(
        Bucket="b", Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]}
    ),
]


@pytest.mark.parametrize("call", CALLS)
def test_sigv2_header(call: Callable[[Any], object]) -> None:
    prepared, data = capture("s3", call, config=V2)
    assert prepared.headers["Authorization"].startswith(b"AWS ")
    request = to_request(prepared, data)
    result = run(_auth().authenticate(request, service("s3")))
    assert (result.method, result.auth_type, result.signature_age_ms) == (
        "sigv2-header",
        "REST-HEADER",
        None,
    )
    assert run(read_all(request.body)) == data


def test_sigv2_header_virtual_host() -> None:
    prepared, data = capture(
        "s3",
        lambda c: c.get_object(Bucket="bucket", Key="k"),
        config=Config(signature_version="s3", s3={"addressing_style": "virtual"}),
        endpoint="http://s3.fogbank.test:4566",
    )
    assert prepared.url.startswith("http://bucket.s3.fogbank.test")
    request = to_request(prepared, data, virtual_bucket="bucket")
    run(_auth().authenticate(request, service("s3")))


def test_sigv2_header_wrong_secret() -> None:
    prepared, data = capture("s3", CALLS[0], config=V2, secret="wrong")
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(to_request(prepared, data), service("s3")))
    assert (exc.value.code, exc.value.status) == ("SignatureDoesNotMatch", 403)


@pytest.mark.parametrize("minutes", [-20, 20])
def test_sigv2_header_skew(minutes: int) -> None:
    clock = MovableClock()
    prepared, data = capture("s3", CALLS[0], config=V2)
    clock.offset = minutes * 60
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(to_request(prepared, data), service("s3")))
    assert exc.value.code == "RequestTimeTooSkewed"


def test_sigv2_header_session_token() -> None:
    prepared, data = capture(
        "s3", CALLS[0], config=V2, access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN
    )
    run(_auth().authenticate(to_request(prepared, data), service("s3")))


def test_sigv2_header_tampered_subresource() -> None:
    prepared, data = capture("s3", CALLS[0], config=V2)
    request = to_request(prepared, data)
    request.query_string = request.query_string.replace("versionId=3", "versionId=4")
    request._query = None
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_sigv2_not_for_other_services() -> None:
    prepared, data = capture("s3", CALLS[0], config=V2)
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(to_request(prepared, data), service("iam")))
    assert exc.value.code == "IncompleteSignature"
