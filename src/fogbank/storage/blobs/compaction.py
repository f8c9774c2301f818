"""Compaction: a closed segment that is mostly dead space is rewritten without it.

1. The live records (every row that points at the segment, whatever its count: a released
   blob can still be revived within its grace period) are copied, header checks and all,
   into a new segment, which is fsynced.
2. One transaction points those rows at the new segment and puts the old one in the trash,
   due after the grace period (a reader may have looked its path up just before).
3. The sweeper deletes the old segment when due, if no row points at it any more.

A crash before step 2 leaves an unreferenced new segment (the sweeper deletes it after the
grace period) and the old one intact; after step 2, the old one is in the trash. Only
segments whose writer is gone and which have not been appended to for a grace period are
compacted, so no write can still be committed into one while it is being copied.
"""

from __future__ import annotations

import os

from fogbank.storage.blobs.disk import Disk
from fogbank.storage.blobs.segments import SegmentFile, read_record
from fogbank.storage.db import Conn, Database

_COPY_BATCH = 4 * 1024 * 1024


class Compactor:
    def __init__(self, db: Database, disk: Disk, grace_s: float) -> None:
        self._db = db
        self._disk = disk
        self._grace_s = grace_s

    def compact(self, tier: str, segment_id: str, now: float) -> int:
        """Rewrite a closed segment's live records into a new one; returns bytes freed."""
        old_path = self._disk.segment_path(tier, segment_id)
        rows = self._db.read_sync(
            lambda c: c.all(
                "SELECT blob_id, location_offset, stored_size FROM blobs"
                " WHERE tier = ? AND location = ? AND layout = 'packed'"
                " ORDER BY location_offset",
                (tier, segment_id),
            )
        )
        records = [
            (str(r["blob_id"]), int(r["location_offset"]), int(r["stored_size"]))  # type: ignore[call-overload]
            for r in rows
        ]
        old_size = old_path.stat().st_size
        new = SegmentFile.create(self._disk, tier)
        try:
            moved: list[tuple[str, int]] = []
            fd = os.open(old_path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                batch: list[tuple[str, bytes]] = []
                batch_bytes = 0
                for blob_id, offset, length in records:
                    batch.append((blob_id, read_record(fd, offset, length, blob_id)))
                    batch_bytes += length
                    if batch_bytes >= _COPY_BATCH:
                        moved.extend(zip((b for b, _ in batch), new.append(batch), strict=True))
                        batch, batch_bytes = [], 0
                if batch:
                    moved.extend(zip((b for b, _ in batch), new.append(batch), strict=True))
            finally:
                os.close(fd)
            new.sync()

            def switch(conn: Conn) -> None:
                for blob_id, offset in moved:
                    conn.execute(
                        "UPDATE blobs SET location = ?, location_offset = ?"
                        " WHERE blob_id = ? AND tier = ? AND location = ?",
                        (new.segment_id, offset, blob_id, tier, segment_id),
                    )
                conn.execute(
                    "INSERT INTO blob_trash (tier, kind, name, delete_after)"
                    " VALUES (?, 'segment', ?, ?)",
                    (tier, segment_id, now + self._grace_s),
                )

            self._db.write_sync(switch)
            return max(0, old_size - new.size)
        finally:
            new.close()
