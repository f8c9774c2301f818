"""S3's tables (migration component ``s3``).

- ``s3_buckets``: one row per bucket. Names are global (across accounts), as in S3.
- ``s3_bucket_configs``: a bucket's sub-resources (tagging, CORS, ownership controls, and
  later policy, lifecycle, encryption ...), one JSON document per kind.
- ``s3_objects``: object *versions*, keyed by (bucket, key, version id). Until versioning is
  built every object is its bucket's ``null`` version, but the row already has what
  versions need: ``is_latest``, ``delete_marker``, ``seq`` (order of a key's versions),
  the storage class, the owner, SSE and ACL documents. Bytes are a blob (``blob_id``) in
  the blob store, whose reference count changes in the same transaction as the row.
- ``s3_uploads`` and ``s3_parts``: multipart uploads in progress; each part is a blob.
  Completing an upload composes the parts' blobs (no bytes copied).

Migration 2 adds what versioning, archive restores and the lifecycle engine need:
``noncurrent_since`` (when a version stopped being the latest), ``restore_*`` (a Glacier
restore in progress or done), ``s3_lifecycle_due`` (per key, the next instant at which
lifecycle or a restore may change it: the engine reads only rows that are due) and
``s3_lifecycle_scans`` (buckets whose keys must be re-planned after a configuration
change, with a cursor so that the work resumes after a restart).

Migration 3 adds ``s3_access_log_outbox``: server access log records waiting for
delivery; ``delivery_key`` is set (in one transaction for a whole log object) once the
record's log object is planned, and the rows are deleted once it is written.

Keys are bytewise-sorted text (``{text}``), so listings come out in S3's order (UTF-8
byte order) on both backends. Keys never become file paths: bytes live under generated
blob ids.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "s3",
        1,
        "buckets, bucket configurations, object versions, multipart uploads",
        (
            """CREATE TABLE s3_buckets (
                name {text} PRIMARY KEY,
                owner_account {text} NOT NULL,
                region {text} NOT NULL,
                created_at {double} NOT NULL,
                versioning {text},
                object_lock {bool} NOT NULL
            )""",
            "CREATE INDEX s3_buckets_by_owner ON s3_buckets (owner_account, name)",
            """CREATE TABLE s3_bucket_configs (
                bucket {text} NOT NULL,
                kind {text} NOT NULL,
                document {text} NOT NULL,
                updated_at {double} NOT NULL,
                PRIMARY KEY (bucket, kind)
            )""",
            """CREATE TABLE s3_objects (
                bucket {text} NOT NULL,
                key {text} NOT NULL,
                version_id {text} NOT NULL,
                seq {bigint} NOT NULL,
                is_latest {bool} NOT NULL,
                delete_marker {bool} NOT NULL,
                blob_id {text},
                size {bigint} NOT NULL,
                etag {text} NOT NULL,
                last_modified {double} NOT NULL,
                storage_class {text} NOT NULL,
                owner_account {text} NOT NULL,
                meta {text} NOT NULL,
                checksum {text},
                checksum_algorithm {text},
                checksum_type {text},
                parts {text},
                tags {text},
                sse {text},
                acl {text},
                PRIMARY KEY (bucket, key, version_id)
            )""",
            """CREATE TABLE s3_uploads (
                upload_id {text} PRIMARY KEY,
                bucket {text} NOT NULL,
                key {text} NOT NULL,
                initiated {double} NOT NULL,
                owner_account {text} NOT NULL,
                initiator_arn {text} NOT NULL,
                initiator_id {text} NOT NULL,
                storage_class {text} NOT NULL,
                meta {text} NOT NULL,
                checksum_algorithm {text},
                checksum_type {text},
                tags {text},
                sse {text},
                acl {text}
            )""",
            "CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket, key, initiated, upload_id)",
            """CREATE TABLE s3_parts (
                upload_id {text} NOT NULL,
                part_number {bigint} NOT NULL,
                blob_id {text} NOT NULL,
                size {bigint} NOT NULL,
                etag {text} NOT NULL,
                last_modified {double} NOT NULL,
                checksums {text},
                PRIMARY KEY (upload_id, part_number)
            )""",
        ),
    ),
    Migration(
        "s3",
        2,
        "versions: noncurrent time, restores; lifecycle due-time index and rescans",
        (
            "ALTER TABLE s3_objects ADD COLUMN noncurrent_since {double}",
            "ALTER TABLE s3_objects ADD COLUMN restore_ready {double}",
            "ALTER TABLE s3_objects ADD COLUMN restore_expiry {double}",
            "ALTER TABLE s3_objects ADD COLUMN restore_days {bigint}",
            "CREATE INDEX s3_objects_by_seq ON s3_objects (bucket, key, seq DESC)",
            """CREATE TABLE s3_lifecycle_due (
                bucket {text} NOT NULL,
                key {text} NOT NULL,
                due {double} NOT NULL,
                PRIMARY KEY (bucket, key)
            )""",
            "CREATE INDEX s3_lifecycle_due_by_time ON s3_lifecycle_due (due, bucket, key)",
            """CREATE TABLE s3_lifecycle_scans (
                bucket {text} PRIMARY KEY,
                after_key {text} NOT NULL,
                started_at {double} NOT NULL
            )""",
        ),
    ),
    Migration(
        "s3",
        3,
        "server access logging: the outbox of records waiting for delivery",
        (
            """CREATE TABLE s3_access_log_outbox (
                id {serial_pk},
                source_bucket {text} NOT NULL,
                source_account {text} NOT NULL,
                source_region {text} NOT NULL,
                target_bucket {text} NOT NULL,
                target_prefix {text} NOT NULL,
                partitioned {bool} NOT NULL,
                date_source {text} NOT NULL,
                event_time {double} NOT NULL,
                line {text} NOT NULL,
                delivery_key {text}
            )""",
            "CREATE INDEX s3_access_log_outbox_by_key ON s3_access_log_outbox "
            "(delivery_key, target_bucket, id)",
        ),
    ),
    Migration(
        "s3",
        4,
        "versions: Intelligent-Tiering access tier and last access",
        (
            "ALTER TABLE s3_objects ADD COLUMN access_tier {text}",
            "ALTER TABLE s3_objects ADD COLUMN last_access {double}",
            # monitored objects stored before: due now, so the engine plans their moves
            "INSERT INTO s3_lifecycle_due (bucket, key, due) SELECT DISTINCT bucket, key, 0"
            " FROM s3_objects WHERE storage_class = 'INTELLIGENT_TIERING'"
            " AND size >= 131072 AND NOT delete_marker"
            " ON CONFLICT (bucket, key) DO UPDATE SET due = 0",
        ),
    ),
)
