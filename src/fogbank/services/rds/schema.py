"""RDS's tables (migration component ``rds``).

An instance row is both what DescribeDBInstances shows and the supervisor's work order:
``desired`` says whether its engine should run; every request that needs the supervisor
bumps ``intent_seq``, and the supervisor sets ``applied_seq`` once it has acted on it.
After a restart of fogbank the supervisor starts every instance whose ``desired`` is
``running``, so instances come back in their last state.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "rds",
        1,
        "DB instances, parameter groups, discovered engine parameters, events",
        (
            """CREATE TABLE rds_instances (
                resource_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                instance_id {text} NOT NULL,
                engine {text} NOT NULL,
                engine_version {text} NOT NULL,
                family {text} NOT NULL,
                server {text} NOT NULL,
                instance_class {text} NOT NULL,
                allocated_storage {bigint} NOT NULL,
                storage_type {text} NOT NULL,
                master_username {text} NOT NULL,
                db_name {text},
                address {text} NOT NULL,
                port {bigint} NOT NULL,
                parameter_group {text} NOT NULL,
                security_groups {text} NOT NULL,
                publicly_accessible {bool} NOT NULL,
                status {text} NOT NULL,
                status_reason {text},
                desired {text} NOT NULL,
                intent_seq {bigint} NOT NULL,
                applied_seq {bigint} NOT NULL,
                reboot_seq {bigint} NOT NULL,
                initialized {bool} NOT NULL,
                param_apply_status {text} NOT NULL,
                applied_parameters {text} NOT NULL,
                booted_parameter_group {text},
                pending_changes {text} NOT NULL,
                secret_change {text},
                admin_secret {text} NOT NULL,
                storage_used {bigint} NOT NULL,
                created_at {double} NOT NULL
            )""",
            "CREATE UNIQUE INDEX rds_instances_name ON rds_instances"
            " (account_id, region, instance_id)",
            "CREATE UNIQUE INDEX rds_instances_address ON rds_instances (address)",
            """CREATE TABLE rds_parameter_groups (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                name {text} NOT NULL,
                family {text} NOT NULL,
                description {text} NOT NULL,
                created_at {double} NOT NULL,
                PRIMARY KEY (account_id, region, name)
            )""",
            """CREATE TABLE rds_parameter_values (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                group_name {text} NOT NULL,
                name {text} NOT NULL,
                value {text} NOT NULL,
                apply_method {text} NOT NULL,
                PRIMARY KEY (account_id, region, group_name, name)
            )""",
            """CREATE TABLE rds_engine_parameters (
                server {text} PRIMARY KEY,
                discovered_at {double} NOT NULL,
                definitions {text} NOT NULL
            )""",
            """CREATE TABLE rds_events (
                id {serial_pk},
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                source_id {text} NOT NULL,
                source_type {text} NOT NULL,
                at {double} NOT NULL,
                message {text} NOT NULL,
                categories {text} NOT NULL
            )""",
            "CREATE INDEX rds_events_source ON rds_events (account_id, region, source_id, at)",
        ),
    ),
    Migration(
        "rds",
        2,
        "Instance options (network placement, windows, protection), tags, DB subnet groups",
        (
            "ALTER TABLE rds_instances ADD COLUMN options {text} NOT NULL DEFAULT '{{}}'",
            """CREATE TABLE rds_tags (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                resource_type {text} NOT NULL,
                resource_key {text} NOT NULL,
                tag_key {text} NOT NULL,
                tag_value {text} NOT NULL,
                PRIMARY KEY (account_id, region, resource_type, resource_key, tag_key)
            )""",
            """CREATE TABLE rds_subnet_groups (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                name {text} NOT NULL,
                description {text} NOT NULL,
                vpc_id {text} NOT NULL,
                subnets {text} NOT NULL,
                created_at {double} NOT NULL,
                PRIMARY KEY (account_id, region, name)
            )""",
        ),
    ),
)
