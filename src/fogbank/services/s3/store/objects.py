"""Object versions: the latest one of a key, writes that replace it, deletes.

Until versioning is built, buckets hold only ``null`` versions; the functions already
follow S3's rules for a bucket whose versioning is unset or suspended (a write replaces
the null version, older non-null versions stay) or enabled (a write adds a version).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from fogbank.services.s3.checksums import Stored, parts_from_json, parts_to_json
from fogbank.services.s3.ids import opaque_id
from fogbank.services.s3.models import NULL_VERSION, ObjectMeta, ObjectVersion, Part
from fogbank.services.s3.sse.record import SseRecord
from fogbank.storage.db import Conn, Row

COLUMNS = (
    "bucket, key, version_id, seq, is_latest, delete_marker, blob_id, size, etag,"
    " last_modified, storage_class, owner_account, meta, checksum, checksum_algorithm,"
    " checksum_type, parts, tags, sse, acl"
)
_MARKS = ", ".join("?" * 20)
# Added by migration 2 (not written by INSERT: they start NULL).
LATER_COLUMNS = (
    "noncurrent_since, restore_ready, restore_expiry, restore_days, access_tier, last_access"
)
SELECT_COLUMNS = f"{COLUMNS}, {LATER_COLUMNS}"
# What listings need (no metadata documents).
LIST_COLUMNS = (
    "key, etag, size, last_modified, storage_class, owner_account, checksum_algorithm,"
    " checksum_type"
)


def new_version_id() -> str:
    """32 characters like S3's (letters, digits, ``.`` and ``_``)."""
    return opaque_id(32)


def _parts_json(parts: Sequence[Part]) -> str | None:
    if not parts:
        return None
    return json.dumps([[p.size, parts_to_json(p.checksums)] for p in parts])


def _parts(text: object) -> tuple[Part, ...]:
    if not isinstance(text, str) or not text:
        return ()
    return tuple(
        Part(i + 1, int(size), "", 0.0, parts_from_json(sums))
        for i, (size, sums) in enumerate(json.loads(text))
    )


def tags_json(tags: Sequence[tuple[str, str]]) -> str | None:
    return json.dumps([list(t) for t in tags], ensure_ascii=False) if tags else None


def tags_from(text: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(text, str) or not text:
        return ()
    return tuple((str(k), str(v)) for k, v in json.loads(text))


_PARSED = 4096
"""Documents kept parsed, per kind, by their text: a version read again (every GET of
a hot object) or sharing its neighbours' metadata (most share their content type)
costs a dictionary lookup, not a JSON parse. The values are frozen and never changed
by their users."""


@lru_cache(maxsize=_PARSED)
def _meta(text: str) -> ObjectMeta:
    return ObjectMeta.from_json(text)


@lru_cache(maxsize=_PARSED)
def _checksum(text: str) -> Stored | None:
    return Stored.from_json(text)


@lru_cache(maxsize=_PARSED)
def _sse(text: str) -> SseRecord | None:
    return SseRecord.from_json(text)


def version_from(row: Row) -> ObjectVersion:
    blob = row["blob_id"]
    meta, checksum, sse = row["meta"], row["checksum"], row["sse"]
    return ObjectVersion(
        bucket=str(row["bucket"]),
        key=str(row["key"]),
        version_id=str(row["version_id"]),
        is_latest=bool(row["is_latest"]),
        delete_marker=bool(row["delete_marker"]),
        blob_id=None if blob is None else str(blob),
        size=int(row["size"]),  # type: ignore[call-overload]
        etag=str(row["etag"]),
        last_modified=float(row["last_modified"]),  # type: ignore[arg-type]
        storage_class=str(row["storage_class"]),
        owner_account=str(row["owner_account"]),
        meta=_meta(meta) if isinstance(meta, str) else ObjectMeta.from_json(meta),
        checksum=_checksum(checksum) if isinstance(checksum, str) else None,
        parts=_parts(row["parts"]),
        tags=tags_from(row["tags"]),
        seq=int(row["seq"]),  # type: ignore[call-overload]
        noncurrent_since=_opt_float(row["noncurrent_since"]),
        restore_ready=_opt_float(row["restore_ready"]),
        restore_expiry=_opt_float(row["restore_expiry"]),
        restore_days=None if row["restore_days"] is None else int(row["restore_days"]),  # type: ignore[call-overload]
        sse=_sse(sse) if isinstance(sse, str) else None,
        access_tier=None if row["access_tier"] is None else str(row["access_tier"]),
        last_access=_opt_float(row["last_access"]),
        acl=None if row["acl"] is None else str(row["acl"]),
    )


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def latest(conn: Conn, bucket: str, key: str) -> ObjectVersion | None:
    """The key's latest version (possibly a delete marker), or None."""
    row = conn.one(
        f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
        " WHERE bucket = ? AND key = ? AND is_latest = ?",
        (bucket, key, True),
    )
    return None if row is None else version_from(row)


def version(conn: Conn, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
    row = conn.one(
        f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
        " WHERE bucket = ? AND key = ? AND version_id = ?",
        (bucket, key, version_id),
    )
    return None if row is None else version_from(row)


def current(conn: Conn, bucket: str, key: str) -> ObjectVersion | None:
    """The key's object as reads see it: the latest version unless it is a delete marker."""
    obj = latest(conn, bucket, key)
    return None if obj is None or obj.delete_marker else obj


def row_values(obj: ObjectVersion, sse: str | None, acl: str | None) -> tuple[object, ...]:
    return (
        obj.bucket, obj.key, obj.version_id, obj.seq, obj.is_latest, obj.delete_marker,
        obj.blob_id, obj.size, obj.etag, obj.last_modified, obj.storage_class,
        obj.owner_account, obj.meta.to_json(),
        None if obj.checksum is None else obj.checksum.to_json(),
        None if obj.checksum is None else obj.checksum.algorithm,
        None if obj.checksum is None else obj.checksum.type,
        _parts_json(obj.parts), tags_json(obj.tags),
        sse if sse is not None else (obj.sse.to_json() if obj.sse is not None else None),
        acl if acl is not None else obj.acl,
    )  # fmt: skip


def write(
    conn: Conn,
    obj: ObjectVersion,
    versioning: str | None,
    *,
    previous: ObjectVersion | None,
    sse: str | None = None,
    acl: str | None = None,
) -> tuple[ObjectVersion, list[str]]:
    """Make ``obj`` the key's latest version; ``previous`` is its latest version before.

    Returns the version as stored (its version id and sequence filled in) and the blob ids
    whose references the caller must release (a replaced null version's).
    """
    released: list[str] = []
    seq = (previous.seq if previous is not None else 0) + 1
    if versioning == "Enabled":
        stored = replace(obj, version_id=new_version_id(), seq=seq, is_latest=True)
        if previous is not None:
            _unlatest(conn, previous, stored.last_modified)
        conn.execute(
            f"INSERT INTO s3_objects ({COLUMNS}) VALUES ({_MARKS})",  # noqa: S608
            row_values(stored, sse, acl),
        )
        return stored, released
    stored = replace(obj, version_id=NULL_VERSION, seq=seq, is_latest=True)
    null = previous if previous is not None and previous.version_id == NULL_VERSION else None
    if null is None and versioning is not None:
        null = version(conn, obj.bucket, obj.key, NULL_VERSION)
    if previous is not None and previous.version_id != NULL_VERSION:
        _unlatest(conn, previous, stored.last_modified)
    if null is not None:
        if null.blob_id is not None:
            released.append(null.blob_id)
        values = row_values(stored, sse, acl)
        conn.execute(
            "UPDATE s3_objects SET seq = ?, is_latest = ?, delete_marker = ?, blob_id = ?,"
            " size = ?, etag = ?, last_modified = ?, storage_class = ?, owner_account = ?,"
            " meta = ?, checksum = ?, checksum_algorithm = ?, checksum_type = ?, parts = ?,"
            " tags = ?, sse = ?, acl = ?, noncurrent_since = NULL, restore_ready = NULL,"
            " restore_expiry = NULL, restore_days = NULL, access_tier = NULL, last_access = NULL"
            " WHERE bucket = ? AND key = ? AND version_id = ?",
            (*values[3:], obj.bucket, obj.key, NULL_VERSION),
        )
    else:
        conn.execute(
            f"INSERT INTO s3_objects ({COLUMNS}) VALUES ({_MARKS})",  # noqa: S608
            row_values(stored, sse, acl),
        )
    return stored, released


def _unlatest(conn: Conn, obj: ObjectVersion, since: float) -> None:
    conn.execute(
        "UPDATE s3_objects SET is_latest = ?, noncurrent_since = ?"
        " WHERE bucket = ? AND key = ? AND version_id = ?",
        (False, since, obj.bucket, obj.key, obj.version_id),
    )


def remove(conn: Conn, obj: ObjectVersion) -> None:
    """Delete one version row (the caller releases its blob). If it was the latest, the
    newest remaining version becomes the latest."""
    conn.execute(
        "DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
        (obj.bucket, obj.key, obj.version_id),
    )
    if obj.is_latest:
        row = conn.one(
            "SELECT version_id FROM s3_objects WHERE bucket = ? AND key = ?"
            " ORDER BY seq DESC LIMIT 1",
            (obj.bucket, obj.key),
        )
        if row is not None:
            conn.execute(
                "UPDATE s3_objects SET is_latest = ?, noncurrent_since = NULL"
                " WHERE bucket = ? AND key = ? AND version_id = ?",
                (True, obj.bucket, obj.key, str(row["version_id"])),
            )


def set_tags(conn: Conn, obj: ObjectVersion, tags: Sequence[tuple[str, str]]) -> None:
    conn.execute(
        "UPDATE s3_objects SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ?",
        (tags_json(tags), obj.bucket, obj.key, obj.version_id),
    )


def set_acl(conn: Conn, obj: ObjectVersion, acl: str | None) -> None:
    conn.execute(
        "UPDATE s3_objects SET acl = ? WHERE bucket = ? AND key = ? AND version_id = ?",
        (acl, obj.bucket, obj.key, obj.version_id),
    )


def count_and_size(conn: Conn, bucket: str) -> tuple[int, int]:
    row = conn.one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS total FROM s3_objects"
        " WHERE bucket = ? AND delete_marker = ?",
        (bucket, False),
    )
    assert row is not None
    return int(row["n"]), int(row["total"])  # type: ignore[call-overload]


def page(
    conn: Conn, bucket: str, after: str, inclusive: bool, before: str | None, limit: int
) -> list[Row]:
    """Up to ``limit`` current (not delete-marker) objects with keys from ``after`` on
    (inclusive or not) and below ``before``, in key order."""
    op = ">=" if inclusive else ">"
    sql = (
        f"SELECT {LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND key {op} ?"  # noqa: S608
        " AND is_latest = ? AND delete_marker = ?"
    )
    args: list[object] = [bucket, after, True, False]
    if before is not None:
        sql += " AND key < ?"
        args.append(before)
    sql += " ORDER BY key LIMIT ?"
    args.append(limit)
    return conn.all(sql, args)
