"""IAM's tables (migration component ``iam``).

Every row is keyed by account. IAM names are unique per account without regard to case
("you cannot create groups named both ADMINS and admins"), so each entity has a
``name_key`` (the lower-cased name) as its key and keeps the name as created for display.
Entities refer to each other by name key; managed policies are referred to by ARN (AWS
managed policies, ``arn:aws:iam::aws:policy/...``, are not stored: they are data files).
STS sessions keep a SHA-256 of their session token, never the token.
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

_V2 = (
    """CREATE TABLE iam_users (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        user_name {text} NOT NULL,
        user_id {text} NOT NULL UNIQUE,
        path {text} NOT NULL,
        created_at {double} NOT NULL,
        boundary_arn {text},
        PRIMARY KEY (account_id, name_key)
    )""",
    """CREATE TABLE iam_groups (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        group_name {text} NOT NULL,
        group_id {text} NOT NULL UNIQUE,
        path {text} NOT NULL,
        created_at {double} NOT NULL,
        PRIMARY KEY (account_id, name_key)
    )""",
    """CREATE TABLE iam_group_members (
        account_id {text} NOT NULL,
        group_key {text} NOT NULL,
        user_key {text} NOT NULL,
        added_at {double} NOT NULL,
        PRIMARY KEY (account_id, group_key, user_key)
    )""",
    "CREATE INDEX iam_group_members_user ON iam_group_members (account_id, user_key)",
    """CREATE TABLE iam_roles (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        role_name {text} NOT NULL,
        role_id {text} NOT NULL UNIQUE,
        path {text} NOT NULL,
        created_at {double} NOT NULL,
        trust_policy {text} NOT NULL,
        description {text},
        max_session_duration INTEGER NOT NULL,
        boundary_arn {text},
        last_used_at {double},
        last_used_region {text},
        PRIMARY KEY (account_id, name_key)
    )""",
    """CREATE TABLE iam_policies (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        policy_name {text} NOT NULL,
        policy_id {text} NOT NULL UNIQUE,
        path {text} NOT NULL,
        description {text},
        default_version {text} NOT NULL,
        next_version INTEGER NOT NULL,
        created_at {double} NOT NULL,
        updated_at {double} NOT NULL,
        PRIMARY KEY (account_id, name_key)
    )""",
    """CREATE TABLE iam_policy_versions (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        version_id {text} NOT NULL,
        document {text} NOT NULL,
        created_at {double} NOT NULL,
        PRIMARY KEY (account_id, name_key, version_id)
    )""",
    """CREATE TABLE iam_attachments (
        account_id {text} NOT NULL,
        entity_type {text} NOT NULL,
        entity_key {text} NOT NULL,
        policy_arn {text} NOT NULL,
        attached_at {double} NOT NULL,
        PRIMARY KEY (account_id, entity_type, entity_key, policy_arn)
    )""",
    "CREATE INDEX iam_attachments_policy ON iam_attachments (account_id, policy_arn)",
    """CREATE TABLE iam_inline_policies (
        account_id {text} NOT NULL,
        entity_type {text} NOT NULL,
        entity_key {text} NOT NULL,
        name_key {text} NOT NULL,
        policy_name {text} NOT NULL,
        document {text} NOT NULL,
        PRIMARY KEY (account_id, entity_type, entity_key, name_key)
    )""",
    """CREATE TABLE iam_tags (
        account_id {text} NOT NULL,
        entity_type {text} NOT NULL,
        entity_key {text} NOT NULL,
        key_lower {text} NOT NULL,
        tag_key {text} NOT NULL,
        tag_value {text} NOT NULL,
        PRIMARY KEY (account_id, entity_type, entity_key, key_lower)
    )""",
    """CREATE TABLE iam_instance_profiles (
        account_id {text} NOT NULL,
        name_key {text} NOT NULL,
        profile_name {text} NOT NULL,
        profile_id {text} NOT NULL UNIQUE,
        path {text} NOT NULL,
        created_at {double} NOT NULL,
        PRIMARY KEY (account_id, name_key)
    )""",
    """CREATE TABLE iam_instance_profile_roles (
        account_id {text} NOT NULL,
        profile_key {text} NOT NULL,
        role_key {text} NOT NULL,
        PRIMARY KEY (account_id, profile_key, role_key)
    )""",
    "CREATE INDEX iam_instance_profile_roles_role ON iam_instance_profile_roles"
    " (account_id, role_key)",
    """CREATE TABLE iam_account_aliases (
        account_id {text} PRIMARY KEY,
        alias {text} NOT NULL UNIQUE
    )""",
    """CREATE TABLE iam_sessions (
        access_key_id {text} PRIMARY KEY,
        secret_access_key {text} NOT NULL,
        token_sha256 {text} NOT NULL,
        account_id {text} NOT NULL,
        kind {text} NOT NULL,
        issuer_name {text} NOT NULL,
        issuer_arn {text} NOT NULL,
        issuer_id {text} NOT NULL,
        session_name {text},
        created_at {double} NOT NULL,
        expires_at {double} NOT NULL,
        policy {text},
        policy_arns {text} NOT NULL,
        tags {text} NOT NULL,
        transitive_keys {text} NOT NULL,
        source_identity {text},
        chained {bool} NOT NULL
    )""",
    "CREATE INDEX iam_sessions_expiry ON iam_sessions (expires_at)",
)

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
    Migration(
        "iam",
        2,
        "users, groups, roles, managed and inline policies, tags, instance profiles, sessions",
        _V2,
    ),
)
