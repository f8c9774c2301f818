"""Moving a blob's bytes between tiers: the placement hook for cold storage.

1. The stored bytes (ciphertext, if encrypted: it is bound to the blob id, not to where it
   lies) are copied into a new file with a fresh id in the target tier: temp file, fsync,
   rename, fsync of the directory; or, for a remote tier (remote.py), an object uploaded
   under that id, or downloaded from one into such a file.
2. One transaction points the row at the new file, provided it still points where the copy
   was taken from, and puts the old copy (file or segment) in the trash, due after the
   grace period so that readers that looked up the old path can finish.

A crash before step 2 leaves an unreferenced file (or remote object) that the orphan sweep
deletes after the grace period; a lost race (the blob was compacted or moved meanwhile)
removes it at once. File names are never reused, so no deletion can hit a later copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from fogbank.storage.blobs import refs
from fogbank.storage.blobs.disk import Disk, new_id
from fogbank.storage.blobs.files import BlobFile
from fogbank.storage.blobs.model import BlobExpired, BlobInfo, BlobNotFound
from fogbank.storage.blobs.reader import stored_location
from fogbank.storage.blobs.remote import S3RemoteTier
from fogbank.storage.blobs.segments import read_record
from fogbank.storage.db import Conn, Database

_COPY_CHUNK = 1024 * 1024


class TierMover:
    def __init__(
        self,
        db: Database,
        disk: Disk,
        grace_s: float,
        clock: Callable[[], float],
        remotes: Mapping[str, S3RemoteTier] | None = None,
    ) -> None:
        self._db = db
        self._disk = disk
        self._remotes = dict(remotes or {})
        self._grace_s = grace_s
        self._clock = clock

    def move(self, blob_id: str, tier: str) -> None:
        """Put a blob's bytes (all of a composite's) in ``tier``. Blocking: run in a thread."""
        if tier not in self._remotes:
            self._disk.root(tier)  # unknown tiers fail before anything is done
        info = self._db.read_sync(lambda c: refs.get(c, blob_id))
        if info is None:
            raise BlobNotFound(blob_id)
        if info.layout != "composite":
            self._move_one(info, tier)
            return
        parts = self._db.read_sync(
            lambda c: sorted(
                {str(r["blob_id"]) for r in c.all(
                    "SELECT blob_id FROM blob_extents WHERE composite_id = ?", (blob_id,)
                )}
            )
        )  # fmt: skip
        for found in self._db.read_sync(lambda c: refs.get_many(c, parts)).values():
            self._move_one(found, tier)

    def _copy(self, info: BlobInfo, tier: str, file_id: str) -> float:
        """Copy the stored bytes to ``file_id`` in ``tier``; returns when they were durable
        there (for a remote upload: when it started, which is earlier)."""
        source = self._remotes.get(info.tier)
        if source is not None:
            return self._download(source, info, tier, file_id)
        target = self._remotes.get(tier)
        if target is not None:
            started = self._clock()
            self._upload(target, info, file_id)
            return started
        src, base = stored_location(self._disk, info)
        out = BlobFile(self._disk, tier)
        try:
            fd = os.open(src, os.O_RDONLY | os.O_CLOEXEC)
            try:
                if info.layout == "packed":
                    out.write([read_record(fd, base, info.stored_size, info.blob_id)])
                else:
                    pos = 0
                    while pos < info.stored_size:
                        data = os.pread(fd, min(_COPY_CHUNK, info.stored_size - pos), base + pos)
                        if not data:
                            raise OSError(f"blob {info.blob_id} is shorter than recorded")
                        out.write([data])
                        pos += len(data)
            finally:
                os.close(fd)
        except BaseException:
            out.abort()
            raise
        return out.commit(file_id)

    def _upload(self, target: S3RemoteTier, info: BlobInfo, file_id: str) -> None:
        src, base = stored_location(self._disk, info)
        if info.layout == "packed":
            fd = os.open(src, os.O_RDONLY | os.O_CLOEXEC)
            try:
                record = read_record(fd, base, info.stored_size, info.blob_id)
            finally:
                os.close(fd)
            target.upload(file_id, record, info.stored_size)
            return
        with open(src, "rb") as f:  # an own file holds exactly the stored bytes
            if os.fstat(f.fileno()).st_size != info.stored_size or base != 0:
                raise OSError(f"blob {info.blob_id}'s file is not {info.stored_size} bytes")
            target.upload(file_id, f, info.stored_size)

    def _download(self, source: S3RemoteTier, info: BlobInfo, tier: str, file_id: str) -> float:
        if tier in self._remotes:
            raise ValueError("a blob moves between a remote tier and a local one only")
        if info.location is None:
            raise ValueError(f"blob {info.blob_id} has no stored bytes of its own")
        out = BlobFile(self._disk, tier)
        try:
            source.download(info.location, lambda chunk: out.write([chunk]), info.stored_size)
        except BaseException:
            out.abort()
            raise
        return out.commit(file_id)

    def _discard(self, tier: str, file_id: str) -> None:
        """Remove a copy that lost its race (it was never referenced)."""
        remote = self._remotes.get(tier)
        if remote is not None:
            remote.delete(file_id)
        else:
            self._disk.blob_path(tier, file_id).unlink(missing_ok=True)

    def _move_one(self, info: BlobInfo, tier: str) -> None:
        if info.tier == tier:
            return
        file_id = new_id()
        try:
            written_at = self._copy(info, tier, file_id)
        except FileNotFoundError:
            # Compacted, moved or reclaimed while we copied: start again from the row.
            fresh = self._db.read_sync(lambda c: refs.get(c, info.blob_id))
            if fresh is None or fresh == info:
                raise
            self._move_one(fresh, tier)
            return
        now = self._clock()

        def switch(conn: Conn) -> bool:
            if now - written_at >= self._grace_s / 2:
                raise BlobExpired(f"copy of {info.blob_id} took too long to commit")
            cur = conn.execute(
                "UPDATE blobs SET tier = ?, layout = 'file', location = ?, location_offset = 0"
                " WHERE blob_id = ? AND tier = ? AND layout = ? AND location = ?",
                (tier, file_id, info.blob_id, info.tier, info.layout, info.location),
            )
            if not cur.rowcount:
                return False
            conn.execute(
                "INSERT INTO blob_trash (tier, kind, name, delete_after) VALUES (?, ?, ?, ?)",
                (
                    info.tier,
                    "segment" if info.layout == "packed" else "file",
                    info.location,
                    now + self._grace_s,
                ),
            )
            return True

        # If the commit fails, the copy is left to the orphan sweep: whether it committed is
        # not always knowable here, and the sweep checks the rows before deleting.
        switched = self._db.write_sync(switch)
        if not switched:  # compacted, moved or reclaimed meanwhile: try again from the top
            self._discard(tier, file_id)
            fresh = self._db.read_sync(lambda c: refs.get(c, info.blob_id))
            if fresh is not None:
                self._move_one(fresh, tier)
