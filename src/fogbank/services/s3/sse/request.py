"""What a write asks for: ``x-amz-server-side-encryption`` (+ KMS key id, encryption
context, bucket-key flag) or a customer-provided key (SSE-C), checked with S3's errors."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors
from fogbank.services.s3.sse.record import ALGORITHMS, KMS_MODES

Params = Mapping[str, object]

SSE_HEADER = "x-amz-server-side-encryption"
CONTEXT_HEADER = "x-amz-server-side-encryption-context"
KMS_KEY_HEADER = "x-amz-server-side-encryption-aws-kms-key-id"


@dataclass(frozen=True)
class CustomerKey:
    """An SSE-C key as the request gave it (kept in memory for the request only)."""

    key: bytes = field(repr=False)
    md5: str  # base64, as the request's key-MD5 header


@dataclass(frozen=True)
class SseRequest:
    mode: str | None = None  # x-amz-server-side-encryption
    kms_key_id: str | None = None
    context: Mapping[str, str] | None = None
    bucket_key: bool | None = None
    customer: CustomerKey | None = None

    @property
    def given(self) -> bool:
        return self.mode is not None or self.customer is not None


def _text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def _flag(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def context_of(value: str) -> dict[str, str]:
    """A base64 JSON string-to-string map (``x-amz-server-side-encryption-context``)."""
    bad = errors.invalid_argument(
        f"The header '{CONTEXT_HEADER}' shall be Base64-encoded UTF-8 string holding JSON "
        "which represents a string-string map", CONTEXT_HEADER, value,
    )  # fmt: skip
    try:
        doc = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(doc, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in doc.items()
    ):
        raise bad
    return doc


def customer_key(params: Params, prefix: str = "SSECustomer") -> CustomerKey | None:
    """The SSE-C key of a request (``prefix`` ``CopySourceSSECustomer`` for a copy's
    source), checked as S3 checks it; None if the request has none."""
    algorithm = _text(params, prefix + "Algorithm")
    raw = _text(params, prefix + "Key")
    md5 = _text(params, prefix + "KeyMD5")
    if algorithm is None and raw is None and md5 is None:
        return None
    header = (
        "x-amz-copy-source-server-side-encryption"
        if prefix.startswith("CopySource")
        else SSE_HEADER
    )
    if algorithm is None:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide a valid encryption algorithm.", header, None,
        )  # fmt: skip
    if algorithm != "AES256":
        raise AwsError(
            "InvalidEncryptionAlgorithmError",
            "The Encryption request you specified is not valid. Supported value: AES256.",
            status=400,
            fields={"ArgumentName": header + "-customer-algorithm", "ArgumentValue": algorithm},
        )
    if raw is None:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide an appropriate secret key.", header, None,
        )  # fmt: skip
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise errors.invalid_argument(
            "The secret key was invalid for the specified algorithm.", header, None
        )
    actual = base64.b64encode(hashlib.md5(key).digest()).decode("ascii")  # noqa: S324
    if md5 is None:
        raise errors.invalid_argument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide the client calculated MD5 of the secret key.", header, None,
        )  # fmt: skip
    if md5 != actual:
        raise errors.invalid_argument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            header, None,
        )  # fmt: skip
    return CustomerKey(key, actual)


_MEMBERS = (
    "ServerSideEncryption",
    "SSEKMSKeyId",
    "SSEKMSEncryptionContext",
    "BucketKeyEnabled",
    "SSECustomerAlgorithm",
    "SSECustomerKey",
    "SSECustomerKeyMD5",
)
_NOTHING = SseRequest()


def parse(params: Params) -> SseRequest:
    """The encryption a write (PutObject, CreateMultipartUpload, CopyObject's target,
    a POST form's fields by member name) asks for."""
    if all(params.get(member) is None for member in _MEMBERS):
        return _NOTHING  # most writes: the bucket's default
    mode = _text(params, "ServerSideEncryption")
    kms_key = _text(params, "SSEKMSKeyId")
    raw_context = _text(params, "SSEKMSEncryptionContext")
    bucket_key = _flag(params.get("BucketKeyEnabled"))
    customer = customer_key(params)
    if mode is not None and mode not in ALGORITHMS:
        raise errors.invalid_argument(
            "The encryption method specified is not supported", SSE_HEADER, mode
        )
    if customer is not None and mode is not None:
        raise errors.invalid_argument(
            "Server Side Encryption with Customer provided key is incompatible with the "
            "encryption method specified", SSE_HEADER, mode,
        )  # fmt: skip
    if (kms_key is not None or raw_context is not None) and mode not in KMS_MODES:
        raise errors.invalid_argument(
            "Server Side Encryption with AWS KMS managed key requires HTTP header "
            f"{SSE_HEADER} : aws:kms", SSE_HEADER, mode,
        )  # fmt: skip
    if kms_key is not None and not kms_key:
        raise errors.invalid_argument(
            "KMS KeyId cannot be empty for SSE-KMS encryption", KMS_KEY_HEADER, kms_key
        )
    context = context_of(raw_context) if raw_context is not None else None
    return SseRequest(mode, kms_key, context, bucket_key, customer)
