"""Per-object data keys: made for a write, opened for a read.

Every encrypted object (and every multipart upload, whose parts share one data key) has
its own random 256-bit data key; the blob store encrypts the bytes with it (64 KiB
AES-256-GCM chunks, a subkey per blob). What is stored is the data key *wrapped*:

- SSE-S3 (``AES256``): sealed under the installation's root key (the key KMS keeps its
  key material under), with its reference as additional data: S3's own key, invisible
  to accounts, as in AWS.
- SSE-KMS (``aws:kms``, and ``aws:kms:dsse``, answered as one layer): a KMS
  ``GenerateDataKey`` ciphertext under the customer's key (or ``aws/s3``, made on first
  use), bound to the encryption context (the request's pairs and ``aws:s3:arn``, the
  object's ARN, or the bucket's with a bucket key). Reads ``Decrypt`` it; KMS errors
  reach the client as S3 gives them, ``KMS.<code>``.
- SSE-C: AES-GCM under the customer's key, so a wrong key fails to open it (403) before
  any byte is read. The customer's key is never stored.

The caller's permission to use the KMS key is checked by the gateway's authorizer before
the operation runs (``access``); the calls here act as S3.
"""

from __future__ import annotations

from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fogbank.core.errors import AwsError
from fogbank.core.ids import random_bytes
from fogbank.core.lru import Lru
from fogbank.services.kms.client import KmsClient
from fogbank.services.s3 import errors
from fogbank.services.s3.models import bucket_arn, object_arn
from fogbank.services.s3.sse.record import KMS_MODES, SSE_C, SSE_S3, SseRecord
from fogbank.services.s3.sse.request import CustomerKey, SseRequest
from fogbank.storage.blobs import DataKey

_S3_AAD = b"fogbank s3 sse-s3 data key v1\x00"
_C_AAD = b"fogbank s3 sse-c data key v1\x00"
ARN_CONTEXT = "aws:s3:arn"


class Sealer(Protocol):
    """The installation's root key (``kms.rootkey.RootKey``)."""

    def seal(self, secret: bytes, aad: bytes) -> bytes: ...

    def unseal(self, sealed: bytes, aad: bytes) -> bytes: ...


def kms_error(exc: AwsError) -> AwsError:
    """A KMS error as S3 answers it: the code prefixed with ``KMS.``."""
    if exc.code.startswith("KMS."):
        return exc
    return AwsError(f"KMS.{exc.code}", exc.message, status=exc.status)


def not_applicable() -> AwsError:
    return errors.invalid_request("The encryption parameters are not applicable to this object.")


def needs_customer_key() -> AwsError:
    return errors.invalid_request(
        "The object was stored using a form of Server Side Encryption. The correct "
        "parameters must be provided to retrieve the object."
    )


def _arn_parts(arn: str) -> tuple[str, str]:
    """(region, account) of a KMS key ARN."""
    parts = arn.split(":")
    return parts[3], parts[4]


class SseKeys:
    def __init__(self, kms: KmsClient, sealer: Sealer, opened: int = 4096) -> None:
        self.kms = kms
        self._sealer = sealer
        # SSE-S3 data keys already unsealed (as KMS keeps its opened key material): a
        # read of a recently read object needs no root-key decryption.
        self._opened: Lru[tuple[str, bytes], bytes] = Lru(opened)

    async def create(
        self, request: SseRequest, *, account_id: str, region: str, bucket: str, key: str
    ) -> tuple[DataKey, SseRecord]:
        """A new data key for ``request`` (already resolved against the bucket's default),
        and the record to store with the object or upload."""
        drawn = random_bytes(48)  # one draw: the reference's 16 bytes, the key's 32
        key_ref, data = "s3-" + drawn[:16].hex(), drawn[16:]
        customer = request.customer
        if customer is not None:
            nonce = random_bytes(12)
            sealed = nonce + AESGCM(customer.key).encrypt(nonce, data, _C_AAD + key_ref.encode())
            return DataKey(data, key_ref), SseRecord(
                SSE_C, key_ref, sealed, customer_md5=customer.md5
            )
        if request.mode in KMS_MODES:  # KMS makes the data key
            return await self._create_kms(request, account_id, region, bucket, key, key_ref)
        sealed = self._sealer.seal(data, _S3_AAD + key_ref.encode())
        return DataKey(data, key_ref), SseRecord(SSE_S3, key_ref, sealed)

    async def _create_kms(
        self, request: SseRequest, account_id: str, region: str, bucket: str, key: str,
        key_ref: str,
    ) -> tuple[DataKey, SseRecord]:  # fmt: skip
        assert request.mode is not None
        bucket_key = bool(request.bucket_key)
        arn = bucket_arn(bucket) if bucket_key else object_arn(bucket, key)
        context = {**(request.context or {}), ARN_CONTEXT: arn}
        try:
            key_id = request.kms_key_id or await self.kms.managed_key(account_id, region, "s3")
            plain, wrapped, key_arn = await self.kms.generate_data_key(
                account_id, region, key_id, context
            )
        except AwsError as exc:
            raise kms_error(exc) from None
        record = SseRecord(
            request.mode, key_ref, wrapped, kms_key=key_arn, context=context,
            context_given=request.context is not None, bucket_key=bucket_key,
        )  # fmt: skip
        return DataKey(plain, key_ref), record

    async def open(self, record: SseRecord, customer: CustomerKey | None) -> DataKey:
        """The data key of a stored record (the request's SSE-C key, if any, checked)."""
        if record.mode == SSE_C:
            if customer is None:
                raise needs_customer_key()
            sealed = record.wrapped
            try:
                data = AESGCM(customer.key).decrypt(
                    sealed[:12], sealed[12:], _C_AAD + record.key_ref.encode()
                )
            except InvalidTag:
                raise errors.access_denied() from None
            return DataKey(data, record.key_ref)
        if customer is not None:
            raise not_applicable()
        if record.is_kms:
            assert record.kms_key is not None
            region, account_id = _arn_parts(record.kms_key)
            try:
                data, _ = await self.kms.decrypt(
                    account_id, region, record.wrapped, record.context, key_id=record.kms_key
                )
            except AwsError as exc:
                raise kms_error(exc) from None
            return DataKey(data, record.key_ref)
        return self.open_own(record)

    def open_own(self, record: SseRecord) -> DataKey:
        """The data key of an SSE-S3 record, sealed under fogbank's own root key: no
        caller's key (SSE-C) and no caller's permission (SSE-KMS) is involved, so it may
        be opened anywhere, even in a thread. Blocking but cheap (cached)."""
        if record.mode != SSE_S3:
            raise ValueError(f"not an SSE-S3 record: {record.mode}")
        try:
            data = self._opened.get_or_make(
                (record.key_ref, record.wrapped),
                lambda: self._sealer.unseal(record.wrapped, _S3_AAD + record.key_ref.encode()),
            )
        except Exception:
            raise AwsError(
                "InternalError", "The object's data key cannot be opened.", status=500,
                sender_fault=False,
            ) from None  # fmt: skip
        return DataKey(data, record.key_ref)
