"""Which data keys GetObject's lookup may open in its own thread (to read and decrypt a
whole body there): those of plain and SSE-S3 objects only, never SSE-KMS (the caller's
kms:Decrypt is still to be decided) or SSE-C (the caller's key)."""

from __future__ import annotations

import asyncio
import os
from types import SimpleNamespace
from typing import Any, cast

import pytest

from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.rootkey import RootKey
from fogbank.services.s3.models import ObjectMeta, ObjectVersion
from fogbank.services.s3.ops import read
from fogbank.services.s3.sse.keys import SseKeys
from fogbank.services.s3.sse.record import SSE_C, SSE_KMS, SSE_S3, SseRecord
from fogbank.services.s3.sse.request import SseRequest


def _keys() -> SseKeys:
    return SseKeys(cast(KmsClient, None), RootKey(os.urandom(32)))  # SSE-S3 needs no KMS


def _version(sse: SseRecord | None) -> ObjectVersion:
    return ObjectVersion(
        bucket="b", key="k", version_id="null", is_latest=True, delete_marker=False,
        blob_id="0" * 32, size=1, etag="e", last_modified=0.0, storage_class="STANDARD",
        owner_account="000000000000", meta=ObjectMeta(), sse=sse,
    )  # fmt: skip


def _sse_s3(keys: SseKeys) -> tuple[bytes, SseRecord]:
    made = keys.create(SseRequest(SSE_S3), account_id="0" * 12, region="r", bucket="b", key="k")
    key, record = asyncio.run(made)
    assert record.mode == SSE_S3
    return key.key, record


def test_sse_s3_keys_open_without_the_caller() -> None:
    keys = _keys()
    data, record = _sse_s3(keys)
    assert keys.open_own(record).key == data
    assert keys.open_own(record).key_ref == record.key_ref  # cached, same answer
    assert asyncio.run(keys.open(record, None)).key == data
    for mode in (SSE_KMS, SSE_C):
        with pytest.raises(ValueError):
            keys.open_own(SseRecord(mode, "s3-x", b"wrapped"))


def test_only_plain_and_sse_s3_objects_are_decrypted_ahead() -> None:
    keys = _keys()
    data, record = _sse_s3(keys)
    engine: Any = SimpleNamespace(sse=keys)
    assert read._own_keys(engine, _version(None)) == []
    own = read._own_keys(engine, _version(record))
    assert own is not None and [k.key for k in own] == [data]
    kms = SseRecord(SSE_KMS, "s3-k", b"wrapped", kms_key="arn:aws:kms:us-east-1:0:key/x")
    assert read._own_keys(engine, _version(kms)) is None
    assert read._own_keys(engine, _version(SseRecord(SSE_C, "s3-c", b"wrapped"))) is None
