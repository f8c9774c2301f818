"""What an encrypted object (or multipart upload) keeps about its encryption: the mode,
the wrapped data key and the reference the blob store knows it by, and for SSE-KMS the
key's ARN, the encryption context and the bucket-key flag. Never the plaintext data key,
never a customer's key (only its MD5, which S3 echoes)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

SSE_S3 = "AES256"
SSE_KMS = "aws:kms"
DSSE_KMS = "aws:kms:dsse"
SSE_C = "SSE-C"
KMS_MODES = frozenset((SSE_KMS, DSSE_KMS))
ALGORITHMS = (SSE_S3, SSE_KMS, DSSE_KMS)  # x-amz-server-side-encryption values


def encode_context(context: Mapping[str, str]) -> str:
    """The wire form of an encryption context: base64 of its JSON."""
    text = json.dumps(dict(context), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(text.encode()).decode("ascii")


@dataclass(frozen=True)
class SseRecord:
    mode: str  # SSE_S3, SSE_KMS, DSSE_KMS or SSE_C
    key_ref: str  # the blob store's reference to the data key
    wrapped: bytes = field(repr=False)  # the data key, wrapped (KMS, root key, customer key)
    kms_key: str | None = None  # key ARN (SSE-KMS)
    context: Mapping[str, str] = field(default_factory=dict)  # SSE-KMS encryption context
    context_given: bool = False  # the request named a context: echo it
    bucket_key: bool = False
    customer_md5: str | None = None  # SSE-C: base64 MD5 of the customer's key

    @property
    def is_kms(self) -> bool:
        return self.mode in KMS_MODES

    def to_json(self) -> str:
        doc: dict[str, object] = {
            "m": self.mode,
            "r": self.key_ref,
            "w": base64.b64encode(self.wrapped).decode("ascii"),
        }
        if self.kms_key is not None:
            doc["k"] = self.kms_key
            doc["c"] = dict(self.context)
            doc["cg"] = self.context_given
        if self.bucket_key:
            doc["bk"] = True
        if self.customer_md5 is not None:
            doc["cm"] = self.customer_md5
        return json.dumps(doc, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: object) -> SseRecord | None:
        if not isinstance(text, str) or not text:
            return None
        doc = json.loads(text)
        return cls(
            mode=str(doc["m"]),
            key_ref=str(doc["r"]),
            wrapped=base64.b64decode(doc["w"]),
            kms_key=doc.get("k"),
            context={str(k): str(v) for k, v in (doc.get("c") or {}).items()},
            context_given=bool(doc.get("cg", False)),
            bucket_key=bool(doc.get("bk", False)),
            customer_md5=doc.get("cm"),
        )

    def output(self, *, context: bool = False, bucket_key: bool = True) -> dict[str, object]:
        """Response members as S3 gives them (``context``: on writes that echo it;
        ``bucket_key``: where the operation's output has the member)."""
        if self.mode == SSE_C:
            return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": self.customer_md5}
        out: dict[str, object] = {"ServerSideEncryption": self.mode}
        if self.is_kms:
            out["SSEKMSKeyId"] = self.kms_key
            if context and self.context_given:
                out["SSEKMSEncryptionContext"] = encode_context(self.context)
            if bucket_key and self.bucket_key:
                out["BucketKeyEnabled"] = True
        return out


_HEADER_OF = {
    "ServerSideEncryption": "x-amz-server-side-encryption",
    "SSEKMSKeyId": "x-amz-server-side-encryption-aws-kms-key-id",
    "SSEKMSEncryptionContext": "x-amz-server-side-encryption-context",
    "BucketKeyEnabled": "x-amz-server-side-encryption-bucket-key-enabled",
    "SSECustomerAlgorithm": "x-amz-server-side-encryption-customer-algorithm",
    "SSECustomerKeyMD5": "x-amz-server-side-encryption-customer-key-MD5",
}


def sse_headers(record: SseRecord) -> list[tuple[str, str]]:
    """The response headers of a record, for answers written without the model (POST)."""
    out = []
    for member, value in record.output(context=True).items():
        text = "true" if value is True else str(value)
        out.append((_HEADER_OF[member], text))
    return out
