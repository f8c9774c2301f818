"""Header forms and canonical forms the fast paths must treat exactly as the general ones:
Authorization headers spelled in other legitimate ways, the last canonical form (path
re-encoded and header values as UTF-8), a wrong signature over every form, bad dates."""

from __future__ import annotations

import hashlib

import pytest

from fogbank.auth.authenticator import Authenticator
from fogbank.auth.error_codes import Family
from fogbank.auth.sigv4 import parse_amz_date
from fogbank.auth.sigv4_request import parse_authorization
from fogbank.core.errors import AwsError
from fogbank.protocol.http import Headers, HttpRequest

from .support import (
    DOC_AK,
    DOC_SECRET,
    MemoryCredentials,
    MovableClock,
    PiecesBody,
    long_term,
    run,
    service,
    sign_headers_v4,
)

DOC_TIME = 1369353600.0  # 20130524T000000Z
DOC_DATE = "20130524T000000Z"
EMPTY = hashlib.sha256(b"").hexdigest()


def _auth() -> Authenticator:
    return Authenticator(
        MemoryCredentials(long_term(DOC_AK, DOC_SECRET)), MovableClock(fixed=DOC_TIME).clock
    )


SIG = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
CRED = "AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request"


@pytest.mark.parametrize(
    "value",
    [
        f"AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders=Host;X-Amz-Date, Signature={SIG}",
        f"AWS4-HMAC-SHA256 Credential={CRED},SignedHeaders=Host;X-Amz-Date,Signature={SIG}",
        f"AWS4-HMAC-SHA256 Signature={SIG}, Credential={CRED}, SignedHeaders=Host;X-Amz-Date",
        f"AWS4-HMAC-SHA256  Credential={CRED} ,  SignedHeaders=Host;X-Amz-Date, Signature={SIG} ",
        f"AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders= Host ; X-Amz-Date, Signature={SIG}",
    ],
)
def test_authorization_spellings_give_the_same_claims(value: str) -> None:
    parts = parse_authorization(value.strip(), Family.QUERY)
    assert parts.access_key_id == "AKIDEXAMPLE"
    assert (parts.date, parts.region, parts.service) == ("20150830", "us-east-1", "iam")
    assert parts.signed_headers == ("host", "x-amz-date")
    assert parts.signature == SIG
    assert not parts.presigned


def _request(path: str, meta: str, *, sign_uri: str, sign_meta: str) -> HttpRequest:
    headers = {"host": "localhost:4566", "x-amz-date": DOC_DATE, "x-amz-content-sha256": EMPTY}
    auth, _ = sign_headers_v4(
        method="PUT",
        canonical_uri=sign_uri,
        canonical_query="",
        headers={**headers, "x-amz-meta-name": sign_meta},
        payload_hash=EMPTY,
        secret=DOC_SECRET,
        access_key=DOC_AK,
        amz_date=DOC_DATE,
    )
    sent = [*headers.items(), ("x-amz-meta-name", meta), ("authorization", auth)]
    return HttpRequest("PUT", path, "", Headers(sent), PiecesBody([b""]))


RAW = "/bucket/a!b(c)"
ENCODED = "/bucket/a%21b%28c%29"
VALUE = "Zoë ✓"
WIRE = VALUE.encode("utf-8").decode("latin-1")  # what the edge decodes


def test_the_last_form_path_re_encoded_and_values_as_utf8_is_accepted() -> None:
    request = _request(RAW, WIRE, sign_uri=ENCODED, sign_meta=VALUE)
    run(_auth().authenticate(request, service("s3")))


def test_a_wrong_signature_is_refused_after_every_form_with_the_strict_one_reported() -> None:
    request = _request(RAW, WIRE, sign_uri="/bucket/other", sign_meta=VALUE)
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"
    canonical = str(exc.value.fields["CanonicalRequest"])
    assert canonical.startswith(f"PUT\n{RAW}\n")  # the strict form: the path as sent
    assert f"x-amz-meta-name:{WIRE}\n" in canonical  # and the values as received


@pytest.mark.parametrize(
    "value",
    ["00001126T000000Z", "20131326T000000Z", "20130532T000000Z", "20130524T240000Z", "2013"],
)
def test_impossible_amz_dates_are_refused_not_crashed(value: str) -> None:
    assert parse_amz_date(value) is None
    request = _request("/bucket/k", "x", sign_uri="/bucket/k", sign_meta="x")
    items = [(k, value if k == "x-amz-date" else v) for k, v in request.headers.items()]
    request.headers = Headers(items)
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert (exc.value.code, exc.value.status) == ("AccessDenied", 403)


def test_amz_dates_read_the_same_when_cached() -> None:
    assert parse_amz_date(DOC_DATE) == DOC_TIME
    assert parse_amz_date(DOC_DATE) == DOC_TIME
    assert parse_amz_date("20130524T000001Z") == DOC_TIME + 1
