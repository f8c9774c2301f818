"""Multipart uploads in progress and their parts."""

from __future__ import annotations

from fogbank.services.s3.checksums import parts_from_json, parts_to_json
from fogbank.services.s3.models import ObjectMeta, Part, Upload
from fogbank.services.s3.sse.record import SseRecord
from fogbank.services.s3.store.objects import tags_from, tags_json
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "upload_id, bucket, key, initiated, owner_account, initiator_arn, initiator_id,"
    " storage_class, meta, checksum_algorithm, checksum_type, tags, sse, acl"
)
_PART_COLUMNS = "part_number, blob_id, size, etag, last_modified, checksums"


def _upload(row: Row) -> Upload:
    alg, kind = row["checksum_algorithm"], row["checksum_type"]
    return Upload(
        upload_id=str(row["upload_id"]),
        bucket=str(row["bucket"]),
        key=str(row["key"]),
        initiated=float(row["initiated"]),  # type: ignore[arg-type]
        owner_account=str(row["owner_account"]),
        initiator_arn=str(row["initiator_arn"]),
        initiator_id=str(row["initiator_id"]),
        storage_class=str(row["storage_class"]),
        meta=ObjectMeta.from_json(row["meta"]),
        checksum_algorithm=None if alg is None else str(alg),
        checksum_type=None if kind is None else str(kind),
        tags=tags_from(row["tags"]),
        sse=SseRecord.from_json(row["sse"]),
        acl=None if row["acl"] is None else str(row["acl"]),
    )


def _part(row: Row) -> Part:
    return Part(
        number=int(row["part_number"]),  # type: ignore[call-overload]
        size=int(row["size"]),  # type: ignore[call-overload]
        etag=str(row["etag"]),
        last_modified=float(row["last_modified"]),  # type: ignore[arg-type]
        checksums=parts_from_json(row["checksums"]),
        blob_id=str(row["blob_id"]),
    )


def insert(conn: Conn, up: Upload, sse: str | None = None, acl: str | None = None) -> None:
    conn.execute(
        f"INSERT INTO s3_uploads ({_COLUMNS})"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (up.upload_id, up.bucket, up.key, up.initiated, up.owner_account, up.initiator_arn,
         up.initiator_id, up.storage_class, up.meta.to_json(), up.checksum_algorithm,
         up.checksum_type, tags_json(up.tags),
         sse if sse is not None else (up.sse.to_json() if up.sse is not None else None),
         acl if acl is not None else up.acl),
    )  # fmt: skip


def get(conn: Conn, upload_id: str) -> Upload | None:
    row = conn.one(
        f"SELECT {_COLUMNS} FROM s3_uploads WHERE upload_id = ?",  # noqa: S608
        (upload_id,),
    )
    return None if row is None else _upload(row)


def delete(conn: Conn, upload_id: str) -> list[str]:
    """Remove an upload and its parts; returns the parts' blob ids (to release)."""
    blobs = [
        str(r["blob_id"])
        for r in conn.all("SELECT blob_id FROM s3_parts WHERE upload_id = ?", (upload_id,))
    ]
    conn.execute("DELETE FROM s3_parts WHERE upload_id = ?", (upload_id,))
    conn.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    return blobs


def of_bucket(conn: Conn, bucket: str) -> list[str]:
    rows = conn.all("SELECT upload_id FROM s3_uploads WHERE bucket = ?", (bucket,))
    return [str(r["upload_id"]) for r in rows]


def put_part(conn: Conn, upload_id: str, part: Part) -> str | None:
    """Store a part (replacing one with the same number); returns the replaced blob id."""
    assert part.blob_id is not None
    old = conn.scalar(
        "SELECT blob_id FROM s3_parts WHERE upload_id = ? AND part_number = ?",
        (upload_id, part.number),
    )
    values = (part.blob_id, part.size, part.etag, part.last_modified,
              parts_to_json(part.checksums))  # fmt: skip
    if old is not None:
        conn.execute(
            "UPDATE s3_parts SET blob_id = ?, size = ?, etag = ?, last_modified = ?,"
            " checksums = ? WHERE upload_id = ? AND part_number = ?",
            (*values, upload_id, part.number),
        )
        return str(old)
    conn.execute(
        f"INSERT INTO s3_parts (upload_id, {_PART_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
        (upload_id, part.number, *values),
    )
    return None


def parts(conn: Conn, upload_id: str, after: int = 0, limit: int | None = None) -> list[Part]:
    sql = (
        f"SELECT {_PART_COLUMNS} FROM s3_parts"  # noqa: S608
        " WHERE upload_id = ? AND part_number > ? ORDER BY part_number"
    )
    args: list[object] = [upload_id, after]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_part(r) for r in conn.all(sql, args)]


def page(
    conn: Conn,
    bucket: str,
    *,
    prefix: str,
    key_marker: str,
    upload_marker: str | None,
    limit: int,
) -> list[Upload]:
    """Uploads in (key, initiation, id) order after the markers, keys starting ``prefix``."""
    sql = f"SELECT {_COLUMNS} FROM s3_uploads WHERE bucket = ?"  # noqa: S608
    args: list[object] = [bucket]
    if upload_marker:
        marker = get(conn, upload_marker)
        if marker is not None and marker.key == key_marker:
            sql += (
                " AND (key > ? OR (key = ? AND (initiated > ? OR"
                " (initiated = ? AND upload_id > ?))))"
            )
            args += [key_marker, key_marker, marker.initiated, marker.initiated, upload_marker]
        else:
            sql += " AND key > ?"
            args.append(key_marker)
    elif key_marker:
        sql += " AND key > ?"
        args.append(key_marker)
    if prefix:
        sql += " AND key >= ?"
        args.append(prefix)
    sql += " ORDER BY key, initiated, upload_id LIMIT ?"
    args.append(limit)
    return [u for u in (_upload(r) for r in conn.all(sql, args)) if u.key.startswith(prefix)]
