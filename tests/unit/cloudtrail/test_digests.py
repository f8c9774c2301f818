"""Digest files and their signatures, checked with the AWS CLI's own validator class and with
the ``rsa`` library it uses."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

import pytest
import rsa
from awscli.customizations.cloudtrail.validation import (
    DigestSignatureError,
    Sha256RSADigestValidator,
)

from fogbank.services.cloudtrail import digests, logfiles, signing
from fogbank.services.cloudtrail.store.files import Chain, LogFile

END = 1_767_229_200.0  # 2026-01-01T01:00:00Z


@pytest.fixture(scope="module")
def key() -> signing.SigningKey:
    return signing.generate("us-east-1", END)


def chain(**changes: object) -> Chain:
    base = {
        "trail_id": 1,
        "region": "us-east-1",
        "active": True,
        "last_end": END - 3600,
        "prev_bucket": None,
        "prev_key": None,
        "prev_hash": None,
        "prev_signature": None,
    }
    base.update(changes)
    return Chain(**base)  # type: ignore[arg-type]


def log(key_name: str, body: bytes) -> LogFile:
    return LogFile(
        id=1,
        trail_id=1,
        region="us-east-1",
        bucket="logs",
        key=key_name,
        body=None,
        sha256=logfiles.sha256_hex(body),
        oldest_event=END - 3000,
        newest_event=END - 2000,
        slot_at=END - 1800,
        delivered_at=END - 1800,
        sse_kms_key=None,
    )


def cli_validate(
    built: digests.BuiltDigest, key: signing.SigningKey, bucket: str, name: str
) -> None:
    data = json.loads(built.document)
    data["_signature"] = built.signature
    data["_signature_algorithm"] = "SHA256withRSA"
    public = base64.b64encode(key.public_der).decode()
    Sha256RSADigestValidator().validate(bucket, name, public, data, built.document)


def test_starting_digest(key: signing.SigningKey) -> None:
    name = logfiles.digest_key(None, "111122223333", "us-east-1", "audit", "us-east-1", END)
    assert name == (
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/"
        "111122223333_CloudTrail-Digest_us-east-1_audit_us-east-1_20260101T010000Z.json.gz"
    )
    body = logfiles.log_document(['{"eventID":"a"}'])
    built = digests.build(
        account_id="111122223333",
        bucket="logs",
        key=name,
        start=END - 3600,
        end=END,
        chain=chain(),
        logs=[log("AWSLogs/x.json.gz", body)],
        signing_key=key,
    )
    doc = json.loads(built.document)
    assert doc["digestStartTime"] == "2026-01-01T00:00:00Z"
    assert doc["digestEndTime"] == "2026-01-01T01:00:00Z"
    assert doc["digestPublicKeyFingerprint"] == key.fingerprint
    for field in (
        "previousDigestS3Bucket",
        "previousDigestS3Object",
        "previousDigestHashValue",
        "previousDigestHashAlgorithm",
        "previousDigestSignature",
    ):
        assert doc[field] is None
    assert doc["logFiles"][0]["hashValue"] == hashlib.sha256(body).hexdigest()
    assert doc["oldestEventTime"] == "2026-01-01T00:10:00Z"
    assert built.sha256 == hashlib.sha256(built.document).hexdigest()
    # What validate-logs does with it:
    cli_validate(built, key, "logs", name)
    # And by hand: SHA256withRSA over the documented string, hex encoded.
    message = (f"2026-01-01T01:00:00Z\nlogs/{name}\n{built.sha256}\nnull").encode()
    public = rsa.PublicKey.load_pkcs1(key.public_der, format="DER")
    assert rsa.verify(message, binascii.unhexlify(built.signature), public) == "SHA-256"


def test_chained_digest_signs_the_previous_signature(key: signing.SigningKey) -> None:
    previous = chain(
        prev_bucket="logs",
        prev_key="AWSLogs/prev.json.gz",
        prev_hash="ab" * 32,
        prev_signature="cd" * 256,
    )
    name = "AWSLogs/next.json.gz"
    built = digests.build(
        account_id="111122223333",
        bucket="logs",
        key=name,
        start=END - 3600,
        end=END,
        chain=previous,
        logs=[],
        signing_key=key,
    )
    doc = json.loads(built.document)
    assert doc["previousDigestS3Object"] == "AWSLogs/prev.json.gz"
    assert doc["previousDigestHashAlgorithm"] == "SHA-256"
    assert doc["previousDigestSignature"] == "cd" * 256
    assert doc["logFiles"] == [] and doc["newestEventTime"] is None
    cli_validate(built, key, "logs", name)
    # Tampering with the chain link is caught by the signature.
    forged = json.loads(built.document)
    forged["previousDigestSignature"] = "ef" * 256
    raw = json.dumps(forged).encode()
    data = dict(forged, _signature=built.signature, _signature_algorithm="SHA256withRSA")
    with pytest.raises(DigestSignatureError):
        Sha256RSADigestValidator().validate(
            "logs", name, base64.b64encode(key.public_der).decode(), data, raw
        )


def test_another_key_does_not_verify(key: signing.SigningKey) -> None:
    other = signing.generate("eu-west-1", END)
    assert other.fingerprint != key.fingerprint
    built = digests.build(
        account_id="1",
        bucket="b",
        key="k",
        start=END - 3600,
        end=END,
        chain=chain(),
        logs=[],
        signing_key=key,
    )
    with pytest.raises(DigestSignatureError):
        cli_validate(built, other, "b", "k")


def test_log_files_compress_deterministically() -> None:
    doc = logfiles.log_document(['{"a":1}', '{"b":2}'])
    assert doc == b'{"Records":[{"a":1},{"b":2}]}'
    assert logfiles.compress(doc) == logfiles.compress(doc)
    key = logfiles.log_key("pre/fix", "111122223333", "eu-west-1", END, "A" * 16)
    assert key == (
        "pre/fix/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/01/"
        "111122223333_CloudTrail_eu-west-1_20260101T0100Z_AAAAAAAAAAAAAAAA.json.gz"
    )
