"""Signature Version 4: canonical request, string to sign, key derivation.

Pure functions over strings; the rules are AWS's (docs.aws.amazon.com/IAM/latest/UserGuide/
create-signed-request.html) as botocore implements them, which is what clients send
(reference/aws-protocol-notes.md §1.1):
- the canonical URI is the raw path for S3; other services remove dot segments and empty
  segments and percent-encode the (already encoded) path again;
- the canonical query re-encodes every name and value with RFC 3986 unreserved characters
  left alone, sorted by name then value; a valueless ``?uploads`` is ``uploads=``;
- header values are trimmed with inner runs of whitespace collapsed; repeated headers are
  joined with ``,``.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from collections.abc import Sequence
from email.utils import parsedate_tz
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

from fogbank.protocol.http import Headers

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_ECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
_AMZ_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def is_sha256_hex(value: str) -> bool:
    return _SHA256_HEX.fullmatch(value) is not None


# --- keys and signatures -----------------------------------------------------------------


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


@lru_cache(maxsize=4096)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").

    Cached per (secret, date, region, service): one derivation per key per day.
    """
    k_date = hmac_sha256(("AWS4" + secret).encode("utf-8"), date.encode("utf-8"))
    k_region = hmac_sha256(k_date, region.encode("utf-8"))
    k_service = hmac_sha256(k_region, service.encode("utf-8"))
    return hmac_sha256(k_service, TERMINATOR.encode("ascii"))


@lru_cache(maxsize=4096)
def _keyed(key: bytes) -> hmac.HMAC:
    """An HMAC-SHA256 keyed with ``key`` and fed nothing: each signature starts from a
    copy. A signing key signs every request of its holder for a day; copying skips
    hashing the padded key twice per signature."""
    return hmac.new(key, digestmod=hashlib.sha256)


def sigv4_signature(key: bytes, string_to_sign: str) -> str:
    """Lower-case hex HMAC-SHA256 of the string to sign under a derived signing key."""
    mac = _keyed(key).copy()
    mac.update(string_to_sign.encode("utf-8"))
    return mac.hexdigest()


def signatures_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.lower().encode("ascii", "replace"), b.encode("ascii", "replace"))


def credential_scope(date: str, region: str, service: str) -> str:
    return f"{date}/{region}/{service}/{TERMINATOR}"


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


# --- canonical request -------------------------------------------------------------------


def s3_canonical_uri(raw_path: str) -> str:
    """S3 signs the path exactly as sent: encoded once, never normalized."""
    return raw_path or "/"


def uri_encode_path(raw_path: str) -> str:
    """AWS UriEncode of the decoded path (``/`` kept): what a strict client would have sent."""
    return quote(unquote_to_bytes(raw_path or "/"), safe="/~")


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, plus the removal of empty segments that AWS services expect."""
    if not path:
        return ""
    out: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and out else ""
    return first + "/".join(out) + last


def canonical_uri(raw_path: str) -> str:
    """Every service but S3: normalize, then encode the encoded path again."""
    return quote(remove_dot_segments(raw_path or "/") or "/", safe="/~")


def canonical_query(raw_query: str, exclude: str | None = None) -> str:
    """The canonical query string of a raw (encoded) query; ``exclude`` drops a parameter."""
    if not raw_query:
        return ""
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        enc_name = quote(unquote_to_bytes(name), safe="-_.~")
        if exclude is not None and enc_name == exclude:
            continue
        pairs.append((enc_name, quote(unquote_to_bytes(value), safe="-_.~")))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_headers(headers: Headers, signed: Sequence[str], *, utf8_values: bool = False) -> str:
    """``name:value\\n`` for each signed header, in the order given.

    Header values arrive decoded as latin-1. botocore signs the text it sent (latin-1 on the
    wire); clients that send UTF-8 sign the UTF-8 text: ``utf8_values`` re-decodes for them.
    A text that is all ASCII reads the same either way (``str.isascii``).
    """
    lines = []
    for name in signed:
        values: Sequence[str] = headers.values(name)
        if utf8_values:
            values = [_as_utf8(v) for v in values]
        if len(values) == 1:
            lines.append(f"{name}:{' '.join(values[0].split())}\n")
        else:
            lines.append(f"{name}:{','.join(' '.join(v.split()) for v in values)}\n")
    return "".join(lines)


def _as_utf8(value: str) -> str:
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def canonical_request(
    method: str,
    uri: str,
    query: str,
    canon_headers: str,
    signed_headers: str,
    payload_hash: str,
) -> str:
    return f"{method.upper()}\n{uri}\n{query}\n{canon_headers}\n{signed_headers}\n{payload_hash}"


# --- time --------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def parse_amz_date(value: str) -> float | None:
    """``20130524T000000Z`` -> epoch seconds; None if malformed.

    Cached: concurrent requests carry the same few values (one per second).
    """
    match = _AMZ_DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = map(int, match.groups())
    valid = year >= 1 and 1 <= month <= 12 and 1 <= day <= 31
    if not (valid and hour < 24 and minute < 60 and second < 61):
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))


def parse_http_date(value: str) -> float | None:
    """An RFC 1123 ``Date`` header -> epoch seconds; None if malformed."""
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    offset = parsed[9] or 0
    return float(calendar.timegm((*parsed[:6], 0, 0, 0))) - offset


def format_amz_date(epoch: float) -> str:
    return time.strftime(AMZ_DATE_FORMAT, time.gmtime(epoch))


def format_iso8601(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
