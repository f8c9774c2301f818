"""Flexible checksums and Content-MD5: verified on write, stored, returned with
ChecksumMode=ENABLED; in headers (http) and aws-chunked trailers (https)."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from awscrt import checksums as crt
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, empty_and_delete, unique_bucket
from tests.support.server import FogbankServer

DATA = b"The quick brown fox jumps over the lazy dog" * 100


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


EXPECTED = {
    "CRC32": b64(zlib.crc32(DATA).to_bytes(4, "big")),
    "CRC32C": b64(crt.crc32c(DATA).to_bytes(4, "big")),
    "CRC64NVME": b64(crt.crc64nvme(DATA).to_bytes(8, "big")),
    "SHA1": b64(hashlib.sha1(DATA).digest()),
    "SHA256": b64(hashlib.sha256(DATA).digest()),
}


@pytest.mark.parametrize("algorithm", sorted(EXPECTED))
def test_each_algorithm_round_trips(s3: Any, bucket: str, algorithm: str) -> None:
    put = s3.put_object(Bucket=bucket, Key=algorithm, Body=DATA, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == EXPECTED[algorithm]
    got = s3.get_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == EXPECTED[algorithm]
    assert got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == DATA  # botocore validates the checksum as it reads
    head = s3.head_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == EXPECTED[algorithm]
    plain = s3.head_object(Bucket=bucket, Key=algorithm)
    assert f"Checksum{algorithm}" not in plain


def test_default_checksum_is_crc64nvme(server: FogbankServer, bucket: str) -> None:
    s3 = server.client("s3", config=BotoConfig(request_checksum_calculation="when_required"))
    s3.put_object(Bucket=bucket, Key="plain", Body=DATA)
    got = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert got["ChecksumCRC64NVME"] == EXPECTED["CRC64NVME"]


def test_no_checksum_on_a_range(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=DATA, ChecksumAlgorithm="CRC32")
    got = s3.get_object(Bucket=bucket, Key="k", Range="bytes=0-9", ChecksumMode="ENABLED")
    assert "ChecksumCRC32" not in got
    assert got["Body"].read() == DATA[:10]


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256", "CRC64NVME"])
def test_wrong_header_checksum_is_bad_digest(raw_s3: Any, bucket: str, algorithm: str) -> None:
    wrong = EXPECTED[algorithm]
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(
            Bucket=bucket, Key="bad", Body=DATA + b"!", **{f"Checksum{algorithm}": wrong}
        )
    assert code(exc) == "BadDigest"
    with pytest.raises(ClientError) as exc:
        raw_s3.head_object(Bucket=bucket, Key="bad")
    assert exc.value.response["Error"]["Code"] == "404"


def test_invalid_checksum_value(raw_s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(Bucket=bucket, Key="bad", Body=DATA, ChecksumCRC32="not-base64!")
    assert code(exc) == "InvalidRequest"


def test_content_md5(raw_s3: Any, bucket: str) -> None:
    good = b64(hashlib.md5(DATA).digest())
    raw_s3.put_object(Bucket=bucket, Key="md5", Body=DATA, ContentMD5=good)
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(Bucket=bucket, Key="md5", Body=DATA + b"x", ContentMD5=good)
    assert code(exc) == "BadDigest"
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(Bucket=bucket, Key="md5", Body=DATA, ContentMD5="short")
    assert code(exc) == "InvalidDigest"


@pytest.fixture(scope="module")
def https_s3(metadata_url_factory: Any) -> Iterator[Any]:
    """A client over HTTPS: botocore then sends checksums as aws-chunked trailers."""
    srv = FogbankServer(metadata_url=metadata_url_factory(), extra_args=["--tls"]).start()
    try:
        ca = srv.data_dir / "tls" / "ca.pem"
        endpoint = srv.endpoint.replace("http://", "https://")
        client = srv.client("s3", endpoint_url=endpoint, verify=str(ca))
        yield client
    finally:
        srv.cleanup()


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA256"])
def test_trailer_checksums_over_https(https_s3: Any, algorithm: str) -> None:
    name = unique_bucket("tls")
    https_s3.create_bucket(Bucket=name)
    try:
        big = DATA * 300  # several aws-chunked chunks
        put = https_s3.put_object(Bucket=name, Key="t", Body=big, ChecksumAlgorithm=algorithm)
        got = https_s3.get_object(Bucket=name, Key="t", ChecksumMode="ENABLED")
        assert got["Body"].read() == big
        assert got[f"Checksum{algorithm}"] == put[f"Checksum{algorithm}"]
        assert got.get("ContentEncoding") in (None, "")  # aws-chunked is not stored
    finally:
        empty_and_delete(https_s3, name)
