"""IAM's tables."""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "iam",
        1,
        "access keys",
        (
            """CREATE TABLE iam_access_keys (
                access_key_id {text} PRIMARY KEY,
                secret_access_key {text} NOT NULL,
                account_id {text} NOT NULL,
                user_name {text},
                status {text} NOT NULL,
                created_at {double} NOT NULL,
                last_used_at {double},
                last_used_service {text},
                last_used_region {text},
                bootstrap {bool} NOT NULL
            )""",
            "CREATE INDEX iam_access_keys_owner ON iam_access_keys (account_id, user_name)",
        ),
    ),
)
