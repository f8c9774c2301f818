"""The EFS control-plane tables (migration component ``efs``).

File systems, mount targets, access points and tags, per account and region. The
file-system contents are the data plane's (``fs/schema.py``, component ``efs_fs``),
keyed by the same ``fs_id``.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "efs",
        1,
        "file systems, mount targets, access points, tags, account preferences",
        (
            """CREATE TABLE efs_file_systems (
                fs_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                creation_token {text} NOT NULL,
                created_at {double} NOT NULL,
                state {text} NOT NULL,
                performance_mode {text} NOT NULL,
                throughput_mode {text} NOT NULL,
                provisioned_mibps {double},
                throughput_changed_at {double},
                encrypted {bool} NOT NULL,
                kms_key_arn {text},
                data_key_blob {blob},
                zone_name {text},
                zone_id {text},
                backup_status {text} NOT NULL,
                replication_protection {text} NOT NULL,
                lifecycle {text} NOT NULL,
                policy {text},
                UNIQUE (account_id, region, creation_token)
            )""",
            "CREATE INDEX efs_file_systems_owner ON efs_file_systems (account_id, region, fs_id)",
            """CREATE TABLE efs_mount_targets (
                mt_id {text} PRIMARY KEY,
                fs_id {text} NOT NULL,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                subnet_id {text} NOT NULL,
                vpc_id {text} NOT NULL,
                zone_name {text} NOT NULL,
                zone_id {text} NOT NULL,
                ip_address {text} NOT NULL UNIQUE,
                eni_id {text} NOT NULL,
                security_groups {text} NOT NULL,
                state {text} NOT NULL,
                created_at {double} NOT NULL,
                UNIQUE (fs_id, zone_name)
            )""",
            "CREATE INDEX efs_mount_targets_fs ON efs_mount_targets (fs_id, mt_id)",
            """CREATE TABLE efs_access_points (
                ap_id {text} PRIMARY KEY,
                fs_id {text} NOT NULL,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                client_token {text} NOT NULL,
                posix_uid {bigint},
                posix_gid {bigint},
                secondary_gids {text},
                root_path {text} NOT NULL,
                owner_uid {bigint},
                owner_gid {bigint},
                permissions {text},
                state {text} NOT NULL,
                created_at {double} NOT NULL,
                UNIQUE (account_id, region, client_token)
            )""",
            "CREATE INDEX efs_access_points_fs ON efs_access_points (fs_id, ap_id)",
            """CREATE TABLE efs_tags (
                resource_id {text} NOT NULL,
                tag_key {text} NOT NULL,
                tag_value {text} NOT NULL,
                PRIMARY KEY (resource_id, tag_key)
            )""",
            """CREATE TABLE efs_account_preferences (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                resource_id_type {text} NOT NULL,
                PRIMARY KEY (account_id, region)
            )""",
        ),
    ),
)
