"""Reclamation: what nothing needs any more goes, and only once nobody can still need it.

A sweep, in order:

1. **Released blobs**: rows at zero references for longer than the grace period are
   deleted (a composite's extents are released in the same transaction); then the files
   of own-file blobs are unlinked. A packed blob's record becomes dead space in its
   segment. A crash between the commit and the unlink leaves an orphan file (step 4).
2. **Trash**: copies left by tier moves and segments emptied by compaction, once due,
   unless a row points at them again.
3. **Temp files** older than ``temp_grace_s`` that no writer holds locked.
4. **Orphan files**: own-file blobs that no row names, written longer ago than the grace
   period (a writer commits within half of it, or its commit is refused).
5. **Segments** not appended to for the grace period and not held by a writer: deleted
   when no row (nor pending trash entry) points at them, compacted when mostly dead.

A remote tier (remote.py) has only own-file blobs: steps 1, 2 and 4 delete its objects,
aged by their last-modified time. A remote that cannot be reached is logged and skipped;
the next sweep tries again.

Every step is idempotent, so a sweep interrupted by a crash is simply run again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import TypeVar

from fogbank.storage.blobs.compaction import Compactor
from fogbank.storage.blobs.disk import Disk, is_locked, unlink_if_unlocked, unlink_quiet
from fogbank.storage.blobs.model import BlobError, BlobSettings, SweepReport
from fogbank.storage.blobs.refs import COLUMNS, info_from, release
from fogbank.storage.blobs.remote import S3RemoteTier
from fogbank.storage.blobs.segments import HEADER
from fogbank.storage.db import Conn, Database

log = logging.getLogger("fogbank.storage.blobs")
T = TypeVar("T")


@dataclass
class _Tally:
    blobs_reclaimed: int = 0
    files_deleted: int = 0
    temp_files_deleted: int = 0
    orphans_deleted: int = 0
    segments_deleted: int = 0
    segments_compacted: int = 0
    bytes_freed: int = 0

    def report(self) -> SweepReport:
        return SweepReport(**{f.name: getattr(self, f.name) for f in fields(self)})


def _age(path: Path, now: float) -> float | None:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class Sweeper:
    def __init__(
        self,
        db: Database,
        disk: Disk,
        settings: BlobSettings,
        remotes: Mapping[str, S3RemoteTier] | None = None,
    ) -> None:
        self._db = db
        self._disk = disk
        self._settings = settings
        self._remotes = dict(remotes or {})
        self._compactor = Compactor(db, disk, settings.grace_s)

    def sweep(self, now: float) -> SweepReport:
        tally = _Tally()
        self._released(now, tally)
        self._trash(now, tally)
        for tier in self._disk.roots:
            self._temp_files(tier, now, tally)
            self._orphans(tier, now, tally)
            self._segments(tier, now, tally)
        for tier, remote in self._remotes.items():
            try:
                self._remote_orphans(tier, remote, now, tally)
            except (BlobError, OSError):
                log.exception("sweeping the remote tier %s failed; next sweep tries again", tier)
        return tally.report()

    def _delete_file(self, tier: str, name: str, size: int | None = None) -> int | None:
        """Delete an own-file blob's file (or remote object): the bytes freed, or None if
        it was not there. A remote that fails raises (BlobError, OSError)."""
        remote = self._remotes.get(tier)
        if remote is not None:
            return (size or 0) if remote.delete(name) else None
        path = self._disk.blob_path(tier, name)
        found = _size(path) if size is None else size
        return found if unlink_quiet(path) else None

    # 1 -------------------------------------------------------------------------------

    def _released(self, now: float, tally: _Tally) -> None:
        cutoff = now - self._settings.grace_s
        limit = self._settings.sweep_batch

        def reclaim(conn: Conn) -> tuple[int, int, list[tuple[str, str, int]]]:
            rows = conn.all(
                f"SELECT {COLUMNS} FROM blobs WHERE refcount = 0 AND released_at < ?"  # noqa: S608
                f" ORDER BY released_at LIMIT {limit}",
                (cutoff,),
            )
            files: list[tuple[str, str, int]] = []
            reclaimed = 0
            for info in map(info_from, rows):
                gone = conn.execute(
                    "DELETE FROM blobs WHERE blob_id = ? AND refcount = 0", (info.blob_id,)
                )
                if not gone.rowcount:
                    continue
                reclaimed += 1
                if info.layout == "composite":
                    parts = conn.all(
                        "SELECT blob_id, COUNT(*) AS n FROM blob_extents"
                        " WHERE composite_id = ? GROUP BY blob_id ORDER BY blob_id",
                        (info.blob_id,),
                    )
                    conn.execute("DELETE FROM blob_extents WHERE composite_id = ?", (info.blob_id,))
                    for part in parts:
                        release(conn, str(part["blob_id"]), now=now, count=int(part["n"]))  # type: ignore[call-overload]
                elif info.layout == "file" and info.location is not None:
                    files.append((info.tier, info.location, info.stored_size))
            return len(rows), reclaimed, files

        while True:
            seen, reclaimed, files = self._db.write_sync(reclaim)
            tally.blobs_reclaimed += reclaimed
            for tier, location, size in files:
                if tier not in self._disk.roots and tier not in self._remotes:
                    continue  # a tier this store was opened without: its orphan sweep's
                try:
                    freed = self._delete_file(tier, location, size)
                except (BlobError, OSError):  # left to the orphan sweep
                    log.exception("deleting %s from tier %s failed", location, tier)
                    continue
                if freed is not None:
                    tally.files_deleted += 1
                    tally.bytes_freed += freed
            if seen < limit:
                return

    # 2 -------------------------------------------------------------------------------

    def _trash(self, now: float, tally: _Tally) -> None:
        rows = self._db.read_sync(
            lambda c: c.all(
                "SELECT id, tier, kind, name FROM blob_trash WHERE delete_after < ? ORDER BY id",
                (now,),
            )
        )
        for row in rows:
            tier, kind, name = str(row["tier"]), str(row["kind"]), str(row["name"])
            if tier not in self._disk.roots and tier not in self._remotes:
                continue
            if not self._db.read_sync(partial(_in_use, tier=tier, location=name)):
                if kind == "segment":
                    path = self._disk.segment_path(tier, name)
                    size = _size(path)
                    if unlink_if_unlocked(path):
                        tally.segments_deleted += 1
                        tally.bytes_freed += size
                else:
                    try:
                        freed = self._delete_file(tier, name)
                    except (BlobError, OSError):  # the entry stays: the next sweep tries
                        log.exception("deleting %s from tier %s failed", name, tier)
                        continue
                    if freed is not None:
                        tally.files_deleted += 1
                        tally.bytes_freed += freed
            self._db.write_sync(partial(_drop_trash, trash_id=row["id"]))

    # 3 -------------------------------------------------------------------------------

    def _temp_files(self, tier: str, now: float, tally: _Tally) -> None:
        for path in self._disk.temp_files(tier):
            age = _age(path, now)
            if age is not None and age > self._settings.temp_grace_s and unlink_if_unlocked(path):
                tally.temp_files_deleted += 1

    # 4 -------------------------------------------------------------------------------

    def _orphans(self, tier: str, now: float, tally: _Tally) -> None:
        for batch in _batches(self._disk.blob_files(tier), self._settings.sweep_batch):
            # The age is checked before the lookup: a file old enough now was old enough
            # for its commit to be refused before the lookup could miss it.
            old = {
                name: path
                for name, path in batch
                if (age := _age(path, now)) is not None and age > self._settings.grace_s
            }
            if not old:
                continue
            names = sorted(old)
            known = self._db.read_sync(partial(_known_files, tier=tier, names=names))
            for name in names:
                if name not in known:
                    size = _size(old[name])
                    if unlink_quiet(old[name]):
                        tally.orphans_deleted += 1
                        tally.bytes_freed += size

    def _remote_orphans(self, tier: str, remote: S3RemoteTier, now: float, tally: _Tally) -> None:
        for batch in _batches(remote.objects(), self._settings.sweep_batch):
            old = {o.name: o for o in batch if now - o.modified > self._settings.grace_s}
            if not old:
                continue
            names = sorted(old)
            known = self._db.read_sync(partial(_known_files, tier=tier, names=names))
            for name in names:
                if name not in known and remote.delete(name):
                    tally.orphans_deleted += 1
                    tally.bytes_freed += old[name].size

    # 5 -------------------------------------------------------------------------------

    def _segments(self, tier: str, now: float, tally: _Tally) -> None:
        settings = self._settings
        for segment_id, path in list(self._disk.segment_files(tier)):
            age = _age(path, now)
            if age is None or age <= settings.grace_s or is_locked(path):
                continue
            count, live = self._db.read_sync(partial(_live, tier=tier, segment_id=segment_id))
            size = _size(path)
            if count == 0:
                pending = self._db.read_sync(partial(_in_trash, segment_id=segment_id))
                if not pending and unlink_if_unlocked(path):
                    tally.segments_deleted += 1
                    tally.bytes_freed += size
                continue
            dead = size - live
            if live < settings.compact_below * size and dead >= settings.compact_min_dead:
                try:
                    tally.bytes_freed += self._compactor.compact(tier, segment_id, now)
                except (BlobError, OSError):
                    log.exception("compaction of segment %s failed; left as it is", segment_id)
                    continue
                tally.segments_compacted += 1


def _in_use(conn: Conn, *, tier: str, location: str) -> bool:
    row = conn.one(
        "SELECT blob_id FROM blobs WHERE tier = ? AND location = ? LIMIT 1", (tier, location)
    )
    return row is not None


def _in_trash(conn: Conn, *, segment_id: str) -> bool:
    row = conn.one(
        "SELECT id FROM blob_trash WHERE kind = 'segment' AND name = ? LIMIT 1", (segment_id,)
    )
    return row is not None


def _drop_trash(conn: Conn, *, trash_id: object) -> None:
    conn.execute("DELETE FROM blob_trash WHERE id = ?", (trash_id,))


def _known_files(conn: Conn, *, tier: str, names: list[str]) -> set[str]:
    marks = ", ".join("?" * len(names))
    rows = conn.all(
        f"SELECT location FROM blobs WHERE tier = ? AND layout = 'file'"  # noqa: S608
        f" AND location IN ({marks})",
        (tier, *names),
    )
    return {str(r["location"]) for r in rows}


def _live(conn: Conn, *, tier: str, segment_id: str) -> tuple[int, int]:
    row = conn.one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(stored_size), 0) AS bytes FROM blobs"
        " WHERE tier = ? AND location = ? AND layout = 'packed'",
        (tier, segment_id),
    )
    assert row is not None
    count = int(row["n"])  # type: ignore[call-overload]
    return count, int(row["bytes"]) + HEADER * count  # type: ignore[call-overload]


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
