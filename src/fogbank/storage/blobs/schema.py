"""The blob store's tables (migration component ``blobs``).

``blobs``: one row per blob, with its reference count. ``blob_extents``: the extents of
composite blobs (objects made of other blobs' bytes: completed multipart uploads, ranged
copies). ``blob_trash``: physical copies that are to go once readers that may still hold
their path are done (a file left behind by a tier move, a segment emptied by compaction).
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "blobs",
        1,
        "blobs, composite extents, deferred deletions",
        (
            """CREATE TABLE blobs (
                blob_id {text} PRIMARY KEY,
                layout {text} NOT NULL,
                tier {text} NOT NULL,
                size {bigint} NOT NULL,
                stored_size {bigint} NOT NULL,
                location {text},
                location_offset {bigint},
                cipher {text},
                key_ref {text},
                refcount {bigint} NOT NULL,
                created_at {double} NOT NULL,
                released_at {double}
            )""",
            "CREATE INDEX blobs_by_location ON blobs (location) WHERE location IS NOT NULL",
            "CREATE INDEX blobs_released ON blobs (released_at) WHERE refcount = 0",
            """CREATE TABLE blob_extents (
                composite_id {text} NOT NULL,
                pos {bigint} NOT NULL,
                blob_id {text} NOT NULL,
                blob_offset {bigint} NOT NULL,
                length {bigint} NOT NULL,
                PRIMARY KEY (composite_id, pos)
            )""",
            """CREATE TABLE blob_trash (
                id {serial_pk},
                tier {text} NOT NULL,
                kind {text} NOT NULL,
                name {text} NOT NULL,
                delete_after {double} NOT NULL
            )""",
            "CREATE INDEX blob_trash_due ON blob_trash (delete_after)",
            "CREATE INDEX blob_trash_name ON blob_trash (name)",
        ),
    ),
)
