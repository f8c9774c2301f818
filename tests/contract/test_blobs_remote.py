"""A remote tier: blob bytes moved to a bucket of another S3 implementation and back.

The remote is a real fogbank server (the session's shared one), spoken to through the S3
API as any S3-compatible store would be. Sweeps are given an explicit ``now``.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from fogbank.storage.blobs import BlobError, BlobStore, DataKey, Extent
from fogbank.storage.blobs.disk import new_id
from fogbank.storage.blobs.remote import (
    RemoteCredentials,
    RemoteLocation,
    RemoteTierError,
    S3RemoteTier,
)
from fogbank.storage.db import Database
from tests.support.blobs import commit
from tests.support.server import ACCESS_KEY, SECRET_KEY, FogbankServer

MIB = 1024 * 1024
GRACE = 900.0


@pytest.fixture
def remote(server: FogbankServer) -> tuple[S3RemoteTier, Any, str]:
    s3 = server.client("s3")
    bucket = "cold-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    tier = S3RemoteTier(
        RemoteLocation.parse(f"{server.endpoint}/{bucket}/archive/"),
        RemoteCredentials(ACCESS_KEY, SECRET_KEY),
    )
    return tier, s3, bucket


def _objects(s3: Any, bucket: str) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_location_urls() -> None:
    loc = RemoteLocation.parse("http://127.0.0.1:9000/bucket/some/prefix/")
    assert (loc.endpoint, loc.bucket, loc.prefix) == (
        "http://127.0.0.1:9000",
        "bucket",
        "some/prefix/",
    )
    loc = RemoteLocation.parse("s3://bucket")
    assert (loc.endpoint, loc.bucket, loc.prefix) == (None, "bucket", "")
    for bad in ("ftp://h/b", "http://h/", "http://key:secret@h/b", "http://h/b?x=1", "s3://"):
        with pytest.raises(ValueError):
            RemoteLocation.parse(bad)


def test_bytes_move_to_the_remote_and_back(
    blob_db: Database, tmp_path: Path, remote: tuple[S3RemoteTier, Any, str]
) -> None:
    tier, s3, bucket = remote
    store = BlobStore(tmp_path / "data", blob_db, tiers={"cold": tier})
    key = DataKey(os.urandom(32), "key-1")

    async def main() -> None:
        small = await store.write_bytes(b"glacier me")
        big = await store.write_bytes(os.urandom(2 * MIB) + b"tail")
        secret = await store.write_bytes(b"plaintext that must not leave" * 100, encryption=key)
        for w in (small, big, secret):
            await commit(blob_db, store, w)
        data = {
            w.blob_id: await store.read_bytes(w.blob_id, keys=[key]) for w in (small, big, secret)
        }
        whole = await blob_db.write(
            lambda c: store.compose(c, [Extent(big.blob_id, 0, 10), Extent(small.blob_id, 0, 3)])
        )
        await store.move(whole.blob_id, "cold")  # a composite moves all its parts
        await store.move(secret.blob_id, "cold")
        remote_bytes = _objects(s3, bucket)
        assert len(remote_bytes) == 3
        assert all(k.startswith("archive/") for k in remote_bytes)
        assert data[big.blob_id] in remote_bytes.values()
        assert data[small.blob_id] in remote_bytes.values()
        assert not any(b"must not leave" in b for b in remote_bytes.values())  # ciphertext
        for w in (small, big, secret):
            info = blob_db.read_sync(lambda c, w=w: store.info(c, w.blob_id))
            assert info is not None and (info.tier, info.layout) == ("cold", "file")
            with pytest.raises(BlobError):  # not read in place
                await store.read_bytes(w.blob_id, keys=[key])
        old_big = store.disk.blob_path("hot", big.location)
        assert old_big.exists()  # readers may still hold the old path
        store.sweep_sync(time.time() + 2 * GRACE)
        assert not old_big.exists()

        for w in (big, secret):  # restore
            await store.move(w.blob_id, "hot")
            assert await store.read_bytes(w.blob_id, keys=[key]) == data[w.blob_id]
        assert len(_objects(s3, bucket)) == 3  # the remote copies stay until due
        store.sweep_sync(time.time() + 4 * GRACE)
        left = _objects(s3, bucket)
        assert list(left.values()) == [data[small.blob_id]]

        # Released while cold: the object goes with the blob.
        await blob_db.write(lambda c: store.release(c, whole.blob_id))
        await blob_db.write(lambda c: store.release(c, small.blob_id))
        store.sweep_sync(time.time() + 8 * GRACE)  # the composite goes, releasing its parts
        store.sweep_sync(time.time() + 10 * GRACE)  # and then its parts
        assert _objects(s3, bucket) == {}
        assert await store.read_bytes(big.blob_id, keys=[key]) == data[big.blob_id]

    try:
        asyncio.run(main())
    finally:
        store.close()


def test_orphans_in_the_remote_are_swept(
    blob_db: Database, tmp_path: Path, remote: tuple[S3RemoteTier, Any, str]
) -> None:
    tier, s3, bucket = remote
    store = BlobStore(tmp_path / "data", blob_db, tiers={"cold": tier})
    orphan = new_id()
    tier.upload(orphan, b"left by a crash before the commit", 33)
    s3.put_object(Bucket=bucket, Key="archive/not-a-blob", Body=b"someone else's")
    s3.put_object(Bucket=bucket, Key="elsewhere/" + new_id(), Body=b"outside the prefix")
    try:
        store.sweep_sync(time.time() + 10)  # too young: kept
        assert f"archive/{orphan}" in _objects(s3, bucket)
        report = store.sweep_sync(time.time() + 2 * GRACE)
        assert report.orphans_deleted == 1
        left = set(_objects(s3, bucket))
        assert f"archive/{orphan}" not in left
        assert "archive/not-a-blob" in left and len(left) == 2  # only blob ids are swept
    finally:
        store.close()


def test_an_unreachable_remote_fails_the_move_and_keeps_the_bytes(
    blob_db: Database, tmp_path: Path
) -> None:
    with socket_port() as port:
        tier = S3RemoteTier(
            RemoteLocation.parse(f"http://127.0.0.1:{port}/bucket"),
            RemoteCredentials("AKIDEXAMPLE", "secret"),
        )
        store = BlobStore(tmp_path / "data", blob_db, tiers={"cold": tier})

        async def main() -> None:
            w = await store.write_bytes(os.urandom(300 * 1024))
            await commit(blob_db, store, w)
            before = await store.read_bytes(w.blob_id)
            with pytest.raises(RemoteTierError):
                await store.move(w.blob_id, "cold")
            info = blob_db.read_sync(lambda c: store.info(c, w.blob_id))
            assert info is not None and info.tier == "hot"
            assert await store.read_bytes(w.blob_id) == before
            store.sweep_sync(time.time() + 2 * GRACE)  # the remote's failure is only logged
            assert await store.read_bytes(w.blob_id) == before

        try:
            asyncio.run(main())
        finally:
            store.close()


class socket_port:
    """A loopback port that refuses connections while the block runs."""

    def __enter__(self) -> int:
        import socket

        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))  # bound, never listening: connections refused
        return int(self._sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self._sock.close()
