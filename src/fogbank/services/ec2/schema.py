"""EC2's tables (migration component ``ec2``).

``ec2_regions_ready`` records the account+regions whose default VPC has been made (made
lazily, once: deleting the default VPC does not bring it back). Rules keep a canonical
``rule_key`` (protocol, ports, source) so that a duplicate is refused by the store too.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "ec2",
        1,
        "default VPC markers, VPCs, subnets, security groups, rules, tags, attachments",
        (
            """CREATE TABLE ec2_regions_ready (
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                created_at {double} NOT NULL,
                PRIMARY KEY (account_id, region)
            )""",
            """CREATE TABLE ec2_vpcs (
                vpc_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                cidr_block {text} NOT NULL,
                cidr_assoc_id {text} NOT NULL,
                ipv6_block {text},
                ipv6_assoc_id {text},
                is_default {bool} NOT NULL,
                dhcp_options_id {text} NOT NULL,
                instance_tenancy {text} NOT NULL,
                state {text} NOT NULL,
                created_at {double} NOT NULL
            )""",
            "CREATE INDEX ec2_vpcs_owner ON ec2_vpcs (account_id, region)",
            """CREATE TABLE ec2_subnets (
                subnet_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                vpc_id {text} NOT NULL,
                cidr_block {text} NOT NULL,
                zone {text} NOT NULL,
                zone_id {text} NOT NULL,
                default_for_az {bool} NOT NULL,
                map_public_ip {bool} NOT NULL,
                state {text} NOT NULL,
                created_at {double} NOT NULL
            )""",
            "CREATE INDEX ec2_subnets_owner ON ec2_subnets (account_id, region)",
            "CREATE INDEX ec2_subnets_vpc ON ec2_subnets (vpc_id)",
            """CREATE TABLE ec2_security_groups (
                group_id {text} PRIMARY KEY,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                vpc_id {text} NOT NULL,
                group_name {text} NOT NULL,
                description {text} NOT NULL,
                created_at {double} NOT NULL,
                UNIQUE (vpc_id, group_name)
            )""",
            "CREATE INDEX ec2_groups_owner ON ec2_security_groups (account_id, region)",
            """CREATE TABLE ec2_sg_rules (
                rule_id {text} PRIMARY KEY,
                group_id {text} NOT NULL,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                is_egress {bool} NOT NULL,
                protocol {text} NOT NULL,
                from_port INTEGER,
                to_port INTEGER,
                source_kind {text} NOT NULL,
                source_value {text} NOT NULL,
                source_user {text},
                description {text},
                position {bigint} NOT NULL,
                rule_key {text} NOT NULL,
                UNIQUE (group_id, is_egress, rule_key)
            )""",
            "CREATE INDEX ec2_rules_owner ON ec2_sg_rules (account_id, region)",
            "CREATE INDEX ec2_rules_source ON ec2_sg_rules (source_value)",
            """CREATE TABLE ec2_tags (
                resource_id {text} NOT NULL,
                tag_key {text} NOT NULL,
                tag_value {text} NOT NULL,
                resource_type {text} NOT NULL,
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                PRIMARY KEY (resource_id, tag_key)
            )""",
            "CREATE INDEX ec2_tags_owner ON ec2_tags (account_id, region)",
            """CREATE TABLE ec2_sg_attachments (
                group_id {text} NOT NULL,
                kind {text} NOT NULL,
                resource_id {text} NOT NULL,
                address {text},
                subnet_id {text},
                account_id {text} NOT NULL,
                region {text} NOT NULL,
                created_at {double} NOT NULL,
                PRIMARY KEY (group_id, kind, resource_id)
            )""",
            "CREATE INDEX ec2_attachments_resource ON ec2_sg_attachments (kind, resource_id)",
            "CREATE INDEX ec2_attachments_subnet ON ec2_sg_attachments (subnet_id)",
        ),
    ),
)
