"""KMS's tables (migration component ``kms``).

Key material is only ever stored sealed under the root key (``kms_key_materials.sealed``).
The clock-driven job finds its work through two indexes on due times: the next automatic
rotation (``rotation_due_at``) and the end of a deletion window (``deletion_at``).
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "kms",
        1,
        "root key record, keys, key material versions, aliases, tags, grants",
        (
            """CREATE TABLE kms_root (
                id INTEGER PRIMARY KEY,
                mode {text} NOT NULL,
                kdf {text},
                kdf_params {text},
                salt {blob},
                verifier {blob} NOT NULL,
                created_at {double} NOT NULL
            )""",
            """CREATE TABLE kms_keys (
                key_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                key_spec {text} NOT NULL,
                key_usage {text} NOT NULL,
                key_manager {text} NOT NULL,
                description {text} NOT NULL,
                key_state {text} NOT NULL,
                created_at {double} NOT NULL,
                current_version INTEGER NOT NULL,
                policy {text} NOT NULL,
                deletion_at {double},
                pending_window_days INTEGER,
                rotation_enabled {bool} NOT NULL,
                rotation_period_days INTEGER,
                rotation_due_at {double},
                on_demand_rotation_at {double}
            )""",
            "CREATE INDEX kms_keys_owner ON kms_keys (account_id, region, key_id)",
            "CREATE INDEX kms_keys_rotation_due ON kms_keys (rotation_due_at)",
            "CREATE INDEX kms_keys_deletion_due ON kms_keys (deletion_at)",
            """CREATE TABLE kms_key_materials (
                key_id {text} NOT NULL REFERENCES kms_keys (key_id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                material_id {text} NOT NULL,
                sealed {blob} NOT NULL,
                public_key {blob},
                created_at {double} NOT NULL,
                rotation_type {text},
                PRIMARY KEY (key_id, version)
            )""",
            """CREATE TABLE kms_aliases (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                alias_name {text} NOT NULL,
                key_id {text} NOT NULL REFERENCES kms_keys (key_id) ON DELETE CASCADE,
                created_at {double} NOT NULL,
                updated_at {double} NOT NULL,
                PRIMARY KEY (account_id, region, alias_name)
            )""",
            "CREATE INDEX kms_aliases_key ON kms_aliases (key_id)",
            """CREATE TABLE kms_tags (
                key_id {text} NOT NULL REFERENCES kms_keys (key_id) ON DELETE CASCADE,
                tag_key {text} NOT NULL,
                tag_value {text} NOT NULL,
                PRIMARY KEY (key_id, tag_key)
            )""",
            """CREATE TABLE kms_grants (
                grant_id {text} PRIMARY KEY,
                key_id {text} NOT NULL REFERENCES kms_keys (key_id) ON DELETE CASCADE,
                name {text},
                grantee_principal {text} NOT NULL,
                retiring_principal {text},
                issuing_account {text} NOT NULL,
                operations {text} NOT NULL,
                constraint_kind {text},
                constraint_context {text},
                created_at {double} NOT NULL
            )""",
            "CREATE INDEX kms_grants_key ON kms_grants (key_id, grant_id)",
            "CREATE INDEX kms_grants_grantee ON kms_grants (grantee_principal, key_id)",
            "CREATE INDEX kms_grants_retiring ON kms_grants (retiring_principal, grant_id)",
        ),
    ),
)
