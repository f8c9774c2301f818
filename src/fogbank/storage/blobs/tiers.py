"""Moving a blob's bytes between tiers (local roots): the placement hook for cold storage.

1. The stored bytes (ciphertext, if encrypted: it is bound to the blob id, not to where it
   lies) are copied into a new file with a fresh id in the target tier: temp file, fsync,
   rename, fsync of the directory.
2. One transaction points the row at the new file, provided it still points where the copy
   was taken from, and puts the old copy (file or segment) in the trash, due after the
   grace period so that readers that looked up the old path can finish.

A crash before step 2 leaves an unreferenced file that the orphan sweep deletes after the
grace period; a lost race (the blob was compacted or moved meanwhile) removes it at once.
File names are never reused, so no deletion can hit a later copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from fogbank.storage.blobs import refs
from fogbank.storage.blobs.disk import Disk, new_id
from fogbank.storage.blobs.files import BlobFile
from fogbank.storage.blobs.model import BlobExpired, BlobInfo, BlobNotFound
from fogbank.storage.blobs.reader import stored_location
from fogbank.storage.blobs.segments import read_record
from fogbank.storage.db import Conn, Database

_COPY_CHUNK = 1024 * 1024


class TierMover:
    def __init__(
        self, db: Database, disk: Disk, grace_s: float, clock: Callable[[], float]
    ) -> None:
        self._db = db
        self._disk = disk
        self._grace_s = grace_s
        self._clock = clock

    def move(self, blob_id: str, tier: str) -> None:
        """Put a blob's bytes (all of a composite's) in ``tier``. Blocking: run in a thread."""
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
            self._disk.blob_path(tier, file_id).unlink(missing_ok=True)
            fresh = self._db.read_sync(lambda c: refs.get(c, info.blob_id))
            if fresh is not None:
                self._move_one(fresh, tier)
