"""The same flows with botocore's pure-Python signers (what clients without awscrt use).

botocore picks the awscrt signers when awscrt is installed (it is, here); most boto3 users
have the pure-Python ``SigV4Auth``/``S3SigV4Auth``/``SigV4QueryAuth``/``S3SigV4QueryAuth``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import botocore.auth
import pytest
from botocore.auth import (
    HmacV1Auth,
    HmacV1QueryAuth,
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from fogbank.auth.authenticator import Authenticator
from fogbank.auth.rds_token import verify_rds_token
from fogbank.core.errors import AwsError

from .support import (
    AK,
    SECRET,
    TMP_AK,
    TMP_SECRET,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    capture,
    client_for,
    long_term,
    read_all,
    run,
    service,
    temporary,
    to_request,
    url_request,
)


@pytest.fixture(autouse=True)
def python_signers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, cls in {
        "v4": SigV4Auth,
        "v4-query": SigV4QueryAuth,
        "s3v4": S3SigV4Auth,
        "s3v4-query": S3SigV4QueryAuth,
    }.items():
        monkeypatch.setitem(botocore.auth.AUTH_TYPE_MAPS, name, cls)
    yield


def _auth(clock: MovableClock | None = None) -> Authenticator:
    return Authenticator(
        MemoryCredentials(long_term(), temporary()), (clock or MovableClock()).clock
    )


CALLS: dict[str, Callable[[Any], object]] = {
    "s3": lambda c: c.put_object(Bucket="b", Key="dir/ü b+!.txt", Body=os.urandom(3000)),
    "iam": lambda c: c.create_user(UserName="bob", Path="/a b/"),
    "sts": lambda c: c.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="session-1"
    ),
    "rds": lambda c: c.describe_db_instances(),
    "ec2": lambda c: c.describe_instances(Filters=[{"Name": "tag:a b", "Values": ["*"]}]),
    "kms": lambda c: c.encrypt(KeyId="alias/a", Plaintext=b"secret stuff"),
    "cloudtrail": lambda c: c.lookup_events(),
    "efs": lambda c: c.tag_resource(
        ResourceId="arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1", Tags=[]
    ),
}


@pytest.mark.parametrize("endpoint", ["http://localhost:4566", "https://localhost:4566"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_header_auth(name: str, endpoint: str) -> None:
    prepared, data = capture(name, CALLS[name], endpoint=endpoint)
    request = to_request(prepared, data, piece_size=1000)
    result = run(_auth().authenticate(request, service(name)))
    assert result.method == "sigv4-header"
    body = run(read_all(request.body))
    if name == "s3" and endpoint.startswith("https"):
        assert request.body.trailers  # decoded from aws-chunked
    else:
        assert body == data


@pytest.mark.parametrize("name", sorted(CALLS))
def test_header_auth_session_token(name: str) -> None:
    prepared, data = capture(name, CALLS[name], access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    result = run(_auth().authenticate(to_request(prepared, data), service(name)))
    assert result.access_key_id == TMP_AK


@pytest.mark.parametrize("name", sorted(CALLS))
def test_header_auth_wrong_secret(name: str) -> None:
    prepared, data = capture(name, CALLS[name], secret="wrong-secret")
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(to_request(prepared, data), service(name)))
    assert exc.value.status in (400, 403)


def test_presigned_s3_and_sts() -> None:
    s3 = client_for("s3", config=Config(signature_version="s3v4"))
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "a b/ü!"}, ExpiresIn=60
    )
    assert run(_auth().authenticate(url_request(url), service("s3"))).method == "sigv4-query"
    sts = client_for("sts")
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert run(_auth().authenticate(url_request(url), service("sts"))).method == "sigv4-query"


def test_db_auth_token() -> None:
    rds = client_for("rds", region="eu-central-1")
    token = rds.generate_db_auth_token(DBHostname="db.local", Port=5432, DBUsername="u")
    identity = run(verify_rds_token(token, MemoryCredentials(long_term()), MovableClock().clock))
    assert identity.db_user == "u"


# --- the signer classes used directly, on hand-made requests -------------------------------


def _signed(
    signer: Any, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    signer.add_auth(request)
    return request


def _to_request(aws_request: AWSRequest) -> Any:
    prepared = aws_request.prepare()
    return to_request(prepared, prepared.body or b"")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566/",
        "http://localhost:4566/?Action=ListUsers&Version=2010-05-08&Marker=a%2Bb%20c",
        "http://localhost:4566/2015-02-01/resource-tags/arn%3Aaws%3Aefs",
        "http://localhost:4566/a/./b/../c//d",
    ],
)
def test_sigv4auth_directly(url: str) -> None:
    credentials = Credentials(AK, SECRET)
    request = _signed(SigV4Auth(credentials, "iam", "us-west-2"), "POST", url, b"Action=ListUsers")
    run(_auth().authenticate(_to_request(request), service("iam")))


@pytest.mark.parametrize("key", ["a b", "ü/日本", "x+y=z&w", "!*'()", "a/../b", "c//d/"])
def test_s3sigv4auth_directly(key: str) -> None:
    from urllib.parse import quote

    credentials = Credentials(AK, SECRET)
    url = f"http://localhost:4566/bucket/{quote(key, safe='/~')}?tagging&versionId=a%2Fb"
    request = _signed(
        S3SigV4Auth(credentials, "s3", "ap-south-1"),
        "PUT",
        url,
        b"<Tagging/>",
        {"X-Amz-Meta-Note": "  two  spaces  ", "Content-Type": "text/xml"},
    )
    result = run(_auth().authenticate(_to_request(request), service("s3")))
    assert result.region == "ap-south-1"


def test_query_signers_directly() -> None:
    auth = _auth()
    credentials = Credentials(TMP_AK, TMP_SECRET, TOKEN)
    request = _signed(
        S3SigV4QueryAuth(credentials, "s3", "us-east-1", expires=120),
        "GET",
        "http://localhost:4566/b/k%20k",
    )
    assert run(auth.authenticate(url_request(request.url), service("s3"))).method == "sigv4-query"
    request = _signed(
        SigV4QueryAuth(credentials, "sts", "us-east-1", expires=120),
        "GET",
        "http://localhost:4566/?Action=GetCallerIdentity&Version=2011-06-15",
    )
    assert run(auth.authenticate(url_request(request.url), service("sts"))).method == "sigv4-query"


def test_hmacv1_signers_directly() -> None:
    credentials = Credentials(AK, SECRET)
    request = _signed(HmacV1Auth(credentials), "GET", "http://localhost:4566/bucket/k?acl")
    assert run(_auth().authenticate(_to_request(request), service("s3"))).method == "sigv2-header"
    query = AWSRequest(method="GET", url="http://localhost:4566/bucket/k?versionId=v1", headers={})
    HmacV1QueryAuth(credentials, expires=60).add_auth(query)
    assert run(_auth().authenticate(url_request(query.url), service("s3"))).method == "sigv2-query"
