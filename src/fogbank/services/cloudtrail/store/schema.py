"""CloudTrail's tables (component ``cloudtrail``).

- ``cloudtrail_events``: every recorded event (the audit recorder's outbox and the event
  history at once). ``batch`` is NULL until the delivery job claims the event; claims are
  numbered in commit order, so a trail's cursor ``(batch, seq)`` never skips an event that
  committed late.
- ``cloudtrail_event_resources``: the resources of each event, for LookupEvents.
- ``cloudtrail_trails``: trail settings, logging state and delivery cursor.
- ``cloudtrail_log_files`` / ``cloudtrail_digests``: every file a trail delivers. A file is
  planned (bytes stored, cursor advanced) in one transaction, then written to S3, then marked
  delivered: after a crash the same bytes go to the same key again, so each event reaches S3
  exactly once.
- ``cloudtrail_digest_chains``: per trail and region, the end of the last digest and what
  the next one must chain to.
- ``cloudtrail_signing_keys``: the RSA key pairs digests are signed with, per region.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "cloudtrail",
        1,
        "events, trails, deliveries, digests, signing keys",
        (
            """CREATE TABLE cloudtrail_events (
                seq {serial_pk},
                event_id {text} NOT NULL UNIQUE,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                event_time {double} NOT NULL,
                event_name {text} NOT NULL,
                event_source {text} NOT NULL,
                username {text},
                access_key_id {text},
                read_only {bool} NOT NULL,
                management {bool} NOT NULL,
                record {text} NOT NULL,
                batch {bigint}
            )""",
            "CREATE INDEX ix_ct_events_time ON cloudtrail_events (account_id, region, event_time)",
            "CREATE INDEX ix_ct_events_name ON cloudtrail_events"
            " (account_id, region, event_name, event_time)",
            "CREATE INDEX ix_ct_events_source ON cloudtrail_events"
            " (account_id, region, event_source, event_time)",
            "CREATE INDEX ix_ct_events_user ON cloudtrail_events"
            " (account_id, region, username, event_time)",
            "CREATE INDEX ix_ct_events_key ON cloudtrail_events"
            " (account_id, region, access_key_id, event_time)",
            "CREATE INDEX ix_ct_events_ro ON cloudtrail_events"
            " (account_id, region, read_only, event_time)",
            "CREATE INDEX ix_ct_events_unclaimed ON cloudtrail_events (seq) WHERE batch IS NULL",
            "CREATE INDEX ix_ct_events_cursor ON cloudtrail_events (account_id, batch, seq)",
            "CREATE INDEX ix_ct_events_age ON cloudtrail_events (event_time)",
            "CREATE INDEX ix_ct_events_data ON cloudtrail_events (batch, seq) WHERE NOT management",
            "CREATE INDEX ix_ct_events_data_age ON cloudtrail_events (event_time)"
            " WHERE NOT management",
            """CREATE TABLE cloudtrail_event_resources (
                event_id {text} NOT NULL,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                event_time {double} NOT NULL,
                resource_type {text} NOT NULL,
                resource_name {text} NOT NULL
            )""",
            "CREATE INDEX ix_ct_res_event ON cloudtrail_event_resources (event_id)",
            "CREATE INDEX ix_ct_res_type ON cloudtrail_event_resources"
            " (account_id, region, resource_type, event_time)",
            "CREATE INDEX ix_ct_res_name ON cloudtrail_event_resources"
            " (account_id, region, resource_name, event_time)",
            "CREATE INDEX ix_ct_res_age ON cloudtrail_event_resources (event_time)",
            """CREATE TABLE cloudtrail_counters (
                name {text} PRIMARY KEY,
                value {bigint} NOT NULL
            )""",
            """CREATE TABLE cloudtrail_trails (
                id {serial_pk},
                arn {text} NOT NULL,
                account_id {text} NOT NULL,
                home_region {text} NOT NULL,
                name {text} NOT NULL,
                status {text} NOT NULL,
                settings {text} NOT NULL,
                selectors {text} NOT NULL,
                insight_selectors {text},
                tags {text} NOT NULL,
                created_at {double} NOT NULL,
                logging {bool} NOT NULL,
                start_logging_at {double},
                stop_logging_at {double},
                cursor_batch {bigint} NOT NULL,
                cursor_seq {bigint} NOT NULL,
                next_slot {double} NOT NULL,
                latest_delivery_at {double},
                latest_delivery_attempt_at {double},
                latest_delivery_error {text},
                latest_digest_at {double},
                latest_digest_error {text},
                finalize_at {double}
            )""",
            "CREATE UNIQUE INDEX ux_ct_trails_arn ON cloudtrail_trails (arn)"
            " WHERE status = 'active'",
            "CREATE INDEX ix_ct_trails_account ON cloudtrail_trails (account_id, status)",
            """CREATE TABLE cloudtrail_log_files (
                id {serial_pk},
                trail_id {bigint} NOT NULL,
                region {text} NOT NULL,
                bucket {text} NOT NULL,
                object_key {text} NOT NULL,
                body {blob},
                sha256 {text} NOT NULL,
                oldest_event {double} NOT NULL,
                newest_event {double} NOT NULL,
                slot_at {double} NOT NULL,
                delivered_at {double},
                sse_kms_key {text}
            )""",
            "CREATE INDEX ix_ct_logs_pending ON cloudtrail_log_files (trail_id, id)"
            " WHERE delivered_at IS NULL",
            "CREATE INDEX ix_ct_logs_delivered ON cloudtrail_log_files"
            " (trail_id, region, delivered_at)",
            """CREATE TABLE cloudtrail_digest_chains (
                trail_id {bigint} NOT NULL,
                region {text} NOT NULL,
                active {bool} NOT NULL,
                last_end {double} NOT NULL,
                prev_bucket {text},
                prev_key {text},
                prev_hash {text},
                prev_signature {text},
                PRIMARY KEY (trail_id, region)
            )""",
            """CREATE TABLE cloudtrail_digests (
                id {serial_pk},
                trail_id {bigint} NOT NULL,
                region {text} NOT NULL,
                bucket {text} NOT NULL,
                object_key {text} NOT NULL,
                body {blob},
                signature {text} NOT NULL,
                end_at {double} NOT NULL,
                delivered_at {double}
            )""",
            "CREATE INDEX ix_ct_digests_pending ON cloudtrail_digests (trail_id, id)"
            " WHERE delivered_at IS NULL",
            """CREATE TABLE cloudtrail_signing_keys (
                region {text} NOT NULL,
                valid_from {double} NOT NULL,
                valid_to {double} NOT NULL,
                fingerprint {text} NOT NULL,
                public_der {blob} NOT NULL,
                private_der {blob} NOT NULL,
                PRIMARY KEY (region, valid_from)
            )""",
        ),
    ),
)
