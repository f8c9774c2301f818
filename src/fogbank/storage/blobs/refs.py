"""Reference changes and lookups, as functions of a ``Conn``.

They run inside the caller's transaction, so that the row that points at a blob and the
blob's reference count change together: registering a freshly written blob with the
object row that names it, adding a reference for a copy, releasing one for a delete.
A blob whose count falls to zero is stamped ``released_at``; the sweeper reclaims it once
the grace period has passed (a reference added meanwhile revives it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from fogbank.storage.blobs.disk import new_ordered_id
from fogbank.storage.blobs.model import (
    BlobExpired,
    BlobInfo,
    BlobNotFound,
    Extent,
    Layout,
    Piece,
    ReadPlan,
    WrittenBlob,
)
from fogbank.storage.db import Conn, Row

COLUMNS = (
    "blob_id, layout, tier, size, stored_size, location, location_offset, cipher, key_ref,"
    " refcount, created_at, released_at"
)


def info_from(row: Row) -> BlobInfo:
    def opt_int(v: object) -> int | None:
        return None if v is None else int(v)  # type: ignore[call-overload]

    def opt_str(v: object) -> str | None:
        return None if v is None else str(v)

    released = row["released_at"]
    layout: Layout = str(row["layout"])  # type: ignore[assignment]
    return BlobInfo(
        blob_id=str(row["blob_id"]),
        layout=layout,
        tier=str(row["tier"]),
        size=int(row["size"]),  # type: ignore[call-overload]
        stored_size=int(row["stored_size"]),  # type: ignore[call-overload]
        location=opt_str(row["location"]),
        location_offset=opt_int(row["location_offset"]),
        cipher=opt_str(row["cipher"]),
        key_ref=opt_str(row["key_ref"]),
        refcount=int(row["refcount"]),  # type: ignore[call-overload]
        created_at=float(row["created_at"]),  # type: ignore[arg-type]
        released_at=None if released is None else float(released),  # type: ignore[arg-type]
    )


def get(conn: Conn, blob_id: str) -> BlobInfo | None:
    row = conn.one(f"SELECT {COLUMNS} FROM blobs WHERE blob_id = ?", (blob_id,))  # noqa: S608
    return None if row is None else info_from(row)


def get_many(conn: Conn, blob_ids: Iterable[str]) -> dict[str, BlobInfo]:
    ids = sorted(set(blob_ids))
    found: dict[str, BlobInfo] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT {COLUMNS} FROM blobs WHERE blob_id IN ({marks})"  # noqa: S608
        for row in conn.all(sql, chunk):
            info = info_from(row)
            found[info.blob_id] = info
    return found


def register(conn: Conn, written: WrittenBlob, *, now: float, grace_s: float) -> BlobInfo:
    """Record a freshly written blob with one reference (the row being stored with it).

    Refused (``BlobExpired``) once half the grace period has passed since the write: the
    sweeper may reclaim an unregistered blob after the whole of it.
    """
    if now - written.written_at >= grace_s / 2:
        raise BlobExpired(f"blob {written.blob_id} was written too long ago to be committed")
    conn.execute(
        f"INSERT INTO blobs ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, NULL)",  # noqa: S608
        (
            written.blob_id,
            written.layout,
            written.tier,
            written.size,
            written.stored_size,
            written.location,
            written.location_offset,
            written.cipher,
            written.key_ref,
            now,
        ),
    )
    return BlobInfo(
        written.blob_id, written.layout, written.tier, written.size, written.stored_size,
        written.location, written.location_offset, written.cipher, written.key_ref,
        refcount=1, created_at=now, released_at=None,
    )  # fmt: skip


def add_reference(conn: Conn, blob_id: str, count: int = 1) -> None:
    """One more reference (a copy, a composite's extent); revives a released blob."""
    if count < 1:
        raise ValueError("count must be positive")
    cur = conn.execute(
        "UPDATE blobs SET refcount = refcount + ?, released_at = NULL WHERE blob_id = ?",
        (count, blob_id),
    )
    if cur.rowcount == 0:
        raise BlobNotFound(blob_id)


def release(conn: Conn, blob_id: str, *, now: float, count: int = 1) -> int:
    """Drop references; returns how many remain. At zero the grace period starts."""
    if count < 1:
        raise ValueError("count must be positive")
    cur = conn.execute(
        "UPDATE blobs SET refcount = refcount - ?,"
        " released_at = CASE WHEN refcount = ? THEN ? ELSE released_at END"
        " WHERE blob_id = ? AND refcount >= ?",
        (count, count, now, blob_id, count),
    )
    if cur.rowcount == 0:
        if get(conn, blob_id) is None:
            raise BlobNotFound(blob_id)
        raise ValueError(f"blob {blob_id} has fewer than {count} references to release")
    remaining: object = conn.scalar("SELECT refcount FROM blobs WHERE blob_id = ?", (blob_id,))
    assert isinstance(remaining, int)
    return remaining


def extents_in(conn: Conn, composite_id: str, start: int, end: int) -> list[Extent]:
    """The extents of a composite overlapping ``[start, end)``, clipped to it."""
    rows = conn.all(
        "SELECT pos, blob_id, blob_offset, length FROM blob_extents"
        " WHERE composite_id = ? AND pos < ? AND pos >= COALESCE("
        "  (SELECT MAX(pos) FROM blob_extents WHERE composite_id = ? AND pos <= ?), 0)"
        " ORDER BY pos",
        (composite_id, end, composite_id, start),
    )
    out: list[Extent] = []
    for row in rows:
        pos, offset, length = (int(row[k]) for k in ("pos", "blob_offset", "length"))  # type: ignore[call-overload]
        lo, hi = max(pos, start), min(pos + length, end)
        if hi > lo:
            out.append(Extent(str(row["blob_id"]), offset + (lo - pos), hi - lo))
    return out


def _flatten(conn: Conn, extents: Sequence[Extent]) -> list[Extent]:
    infos = get_many(conn, (e.blob_id for e in extents))
    flat: list[Extent] = []
    for e in extents:
        info = infos.get(e.blob_id)
        if info is None:
            raise BlobNotFound(e.blob_id)
        if e.offset < 0 or e.length < 0 or e.offset + e.length > info.size:
            raise ValueError(f"extent {e} lies outside blob of {info.size} bytes")
        if e.length == 0:
            continue
        if info.layout == "composite":
            flat.extend(extents_in(conn, e.blob_id, e.offset, e.offset + e.length))
        else:
            flat.append(e)
    return flat


def compose(conn: Conn, extents: Sequence[Extent], *, now: float, tier: str) -> BlobInfo:
    """A new composite blob (one reference) whose bytes are the extents' in order.

    Nothing is copied: the composite references its extents' blobs (extents of other
    composites are replaced by what they point at, so composites are always one level).
    """
    flat = _flatten(conn, extents)
    blob_id = new_ordered_id()
    size = sum(e.length for e in flat)
    conn.execute(
        f"INSERT INTO blobs ({COLUMNS})"  # noqa: S608
        " VALUES (?, 'composite', ?, ?, 0, NULL, NULL, NULL, NULL, 1, ?, NULL)",
        (blob_id, tier, size, now),
    )
    pos = 0
    for e in flat:
        conn.execute(
            "INSERT INTO blob_extents (composite_id, pos, blob_id, blob_offset, length)"
            " VALUES (?, ?, ?, ?, ?)",
            (blob_id, pos, e.blob_id, e.offset, e.length),
        )
        pos += e.length
    # In id order, so that concurrent transactions lock the rows in the same order.
    for target, n in sorted(Counter(e.blob_id for e in flat).items()):
        add_reference(conn, target, n)
    return BlobInfo(blob_id, "composite", tier, size, 0, None, None, None, None, 1, now, None)


def locate(conn: Conn, blob_id: str, start: int = 0, end: int | None = None) -> ReadPlan:
    """Where bytes ``[start, end)`` of a blob are (``end`` is clipped to the size)."""
    info = get(conn, blob_id)
    if info is None:
        raise BlobNotFound(blob_id)
    stop = info.size if end is None else min(end, info.size)
    if start < 0 or start > stop:
        raise ValueError(f"range [{start}, {end}) does not fit a blob of {info.size} bytes")
    if info.layout != "composite":
        single = (Piece(info, start, stop - start),) if stop > start else ()
        return ReadPlan(blob_id, info.size, start, stop, single)
    extents = extents_in(conn, blob_id, start, stop)
    infos = get_many(conn, (e.blob_id for e in extents))
    pieces = tuple(Piece(infos[e.blob_id], e.offset, e.length) for e in extents)
    return ReadPlan(blob_id, info.size, start, stop, pieces)


def key_refs(conn: Conn, blob_id: str) -> set[str]:
    """The data keys a blob's bytes are encrypted under (empty: plaintext)."""
    info = get(conn, blob_id)
    if info is None:
        raise BlobNotFound(blob_id)
    if info.layout != "composite":
        return {info.key_ref} if info.key_ref is not None else set()
    rows = conn.all(
        "SELECT DISTINCT b.key_ref FROM blob_extents e JOIN blobs b ON b.blob_id = e.blob_id"
        " WHERE e.composite_id = ? AND b.key_ref IS NOT NULL",
        (blob_id,),
    )
    return {str(r["key_ref"]) for r in rows}
