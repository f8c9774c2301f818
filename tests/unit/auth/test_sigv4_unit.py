"""The canonical-request pieces against botocore's own signer functions, and the checksums."""

from __future__ import annotations

import base64
import zlib

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from fogbank.auth.checksums import ALGORITHMS, decode_value, encode_digest, new_checksum
from fogbank.auth.sigv4 import (
    canonical_query,
    canonical_uri,
    parse_amz_date,
    parse_http_date,
    remove_dot_segments,
    signing_key,
)

from .support import derive_key


@pytest.mark.parametrize(
    "path",
    ["/", "", "/a/b/../c", "/a/./b//c/", "/%2F/x y", "/arn%3Aaws%3Aefs/x", "/../..", "/a/b/.."],
)
def test_canonical_uri_matches_botocore(path: str) -> None:
    signer = SigV4Auth(Credentials("a", "b"), "iam", "us-east-1")
    assert canonical_uri(path) == signer._normalize_url_path(path)


@given(st.text(alphabet="ab/.%2F", max_size=30))
def test_remove_dot_segments_matches_botocore(path: str) -> None:
    from botocore.utils import remove_dot_segments as reference

    assert remove_dot_segments(path) == reference(path)


@given(
    st.lists(
        st.tuples(st.text(max_size=8), st.text(max_size=8)),
        max_size=6,
    )
)
def test_canonical_query_matches_botocore(pairs: list[tuple[str, str]]) -> None:
    from urllib.parse import quote

    raw = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    request = AWSRequest(method="GET", url="http://h/?" + raw if raw else "http://h/")
    signer = SigV4Auth(Credentials("a", "b"), "iam", "us-east-1")
    assert canonical_query(raw) == signer.canonical_query_string(request)


def test_canonical_query_valueless_and_exclude() -> None:
    assert canonical_query("uploads") == "uploads="
    assert canonical_query("b=2&a=1&X-Amz-Signature=x", exclude="X-Amz-Signature") == "a=1&b=2"
    assert canonical_query("k=a+b&j=%7e") == "j=~&k=a%2Bb"


def test_signing_key_matches_independent_derivation_and_is_cached() -> None:
    signing_key.cache_clear()
    key = signing_key("secret", "20250101", "eu-west-1", "s3")
    assert key == derive_key("secret", "20250101", "eu-west-1", "s3")
    signing_key("secret", "20250101", "eu-west-1", "s3")
    assert signing_key.cache_info().hits == 1


def test_dates() -> None:
    assert parse_amz_date("20130524T000000Z") == 1369353600.0
    assert parse_amz_date("2013-05-24T00:00:00Z") is None
    assert parse_http_date("Fri, 24 May 2013 00:00:00 GMT") == 1369353600.0
    assert parse_http_date("Fri, 24 May 2013 02:00:00 +0200") == 1369353600.0
    assert parse_http_date("yesterday") is None


def test_checksum_known_values() -> None:
    crc32 = new_checksum("crc32")
    crc32.update(b"hello ")
    crc32.update(memoryview(b"world"))
    assert encode_digest(crc32.digest()) == "DUoRhQ=="
    nvme = new_checksum("crc64nvme")
    nvme.update(b"123456789")
    assert nvme.digest() == (0xAE8B14860A799888).to_bytes(8, "big")
    crc32c = new_checksum("crc32c")
    crc32c.update(b"a" * 66560)
    assert encode_digest(crc32c.digest()) == "sOO8/Q=="  # the AWS trailer example


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_checksums_match_botocore(algorithm: str) -> None:
    import hashlib

    from botocore.httpchecksum import _CHECKSUM_CLS, Sha256Checksum

    if algorithm == "md5":  # not a botocore checksum; hashlib is the reference
        reference = Sha256Checksum()
        reference._checksum = hashlib.md5()
    else:
        reference = _CHECKSUM_CLS[algorithm]()
    ours = new_checksum(algorithm)
    for part in (b"abc", b"", b"x" * 100_000):
        reference.update(part)
        ours.update(part)
    assert encode_digest(ours.digest()) == reference.b64digest()
    assert decode_value(algorithm, reference.b64digest()) == ours.digest()


def test_decode_value_rejects() -> None:
    assert decode_value("crc32", "DUoRhQ") is None
    assert decode_value("crc32", base64.b64encode(b"12345").decode()) is None
    assert decode_value("crc32", base64.b64encode(zlib.crc32(b"").to_bytes(4, "big")).decode())
