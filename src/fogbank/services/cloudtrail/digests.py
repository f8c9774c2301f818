"""Digest files: the hourly, signed list of the log files a trail delivered.

Format: CloudTrail user guide, "CloudTrail digest file structure". The signature is
SHA256withRSA over the string the AWS CLI rebuilds in ``validate-logs``::

    digestEndTime "\\n" digestS3Bucket "/" digestS3Object "\\n"
    hex(sha256(uncompressed digest)) "\\n" (previousDigestSignature or "null")

and is stored, hex encoded, in the object metadata ``signature`` (with
``signature-algorithm: SHA256withRSA``). A starting digest (the first of a chain, or the
first after logging or validation restarts) has every ``previousDigest*`` field null.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.services.cloudtrail import signing
from fogbank.services.cloudtrail.logfiles import iso, sha256_hex
from fogbank.services.cloudtrail.store.files import Chain, LogFile


@dataclass(frozen=True)
class BuiltDigest:
    document: bytes  # uncompressed JSON
    sha256: str
    signature: str


def string_to_sign(
    end: str, bucket: str, key: str, digest_sha256: str, previous: str | None
) -> str:
    return f"{end}\n{bucket}/{key}\n{digest_sha256}\n{previous if previous is not None else 'null'}"


def build(
    *,
    account_id: str,
    bucket: str,
    key: str,
    start: float,
    end: float,
    chain: Chain,
    logs: Sequence[LogFile],
    signing_key: signing.SigningKey,
) -> BuiltDigest:
    newest = max((log.newest_event for log in logs), default=None)
    oldest = min((log.oldest_event for log in logs), default=None)
    starting = chain.prev_key is None
    document = {
        "awsAccountId": account_id,
        "digestStartTime": iso(start),
        "digestEndTime": iso(end),
        "digestS3Bucket": bucket,
        "digestS3Object": key,
        "digestPublicKeyFingerprint": signing_key.fingerprint,
        "digestSignatureAlgorithm": signing.ALGORITHM,
        "newestEventTime": None if newest is None else iso(newest),
        "oldestEventTime": None if oldest is None else iso(oldest),
        "previousDigestS3Bucket": None if starting else chain.prev_bucket,
        "previousDigestS3Object": None if starting else chain.prev_key,
        "previousDigestHashValue": None if starting else chain.prev_hash,
        "previousDigestHashAlgorithm": None if starting else "SHA-256",
        "previousDigestSignature": None if starting else chain.prev_signature,
        "logFiles": [
            {
                "s3Bucket": log.bucket,
                "s3Object": log.key,
                "hashValue": log.sha256,
                "hashAlgorithm": "SHA-256",
                "newestEventTime": iso(log.newest_event),
                "oldestEventTime": iso(log.oldest_event),
            }
            for log in logs
        ],
    }
    raw = json.dumps(document, separators=(",", ":")).encode("utf-8")
    digest_sha = sha256_hex(raw)
    message = string_to_sign(
        iso(end), bucket, key, digest_sha, None if starting else chain.prev_signature
    )
    return BuiltDigest(raw, digest_sha, signing.sign(signing_key, message.encode("utf-8")))
