"""The EFS file-system tables (migration component ``efs_fs``).

One row per file system, per inode, per directory entry, per extended attribute and per
content block. Times are integer nanoseconds (POSIX ``st_*tim``); ``accessed_at`` is the
fogbank clock's simulated epoch seconds, which lifecycle management reads. An inode's
``has_extras`` is 0 while it has never had a block or an extended attribute, so that
removing it needs no deletes in those tables (version 2; older rows count as having some).
"""

from __future__ import annotations

from fogbank.storage.migrations import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "efs_fs",
        1,
        "file systems, inodes, entries, xattrs, blocks",
        (
            """CREATE TABLE efs_fs_filesystems (
                fs_id {text} PRIMARY KEY,
                encrypted {bool} NOT NULL,
                next_ino {bigint} NOT NULL,
                ia_after_s {double},
                back_on_access {bool} NOT NULL,
                created_at {double} NOT NULL
            )""",
            """CREATE TABLE efs_fs_inodes (
                fs_id {text} NOT NULL,
                ino {bigint} NOT NULL,
                parent {bigint} NOT NULL,
                mode {bigint} NOT NULL,
                uid {bigint} NOT NULL,
                gid {bigint} NOT NULL,
                nlink {bigint} NOT NULL,
                size {bigint} NOT NULL,
                atime_ns {bigint} NOT NULL,
                mtime_ns {bigint} NOT NULL,
                ctime_ns {bigint} NOT NULL,
                rdev {bigint} NOT NULL,
                generation {bigint} NOT NULL,
                target {blob},
                accessed_at {double} NOT NULL,
                storage_class {text} NOT NULL,
                PRIMARY KEY (fs_id, ino)
            )""",
            "CREATE INDEX efs_fs_inodes_cold ON efs_fs_inodes (fs_id, storage_class, accessed_at)",
            """CREATE TABLE efs_fs_entries (
                fs_id {text} NOT NULL,
                parent {bigint} NOT NULL,
                name {blob} NOT NULL,
                ino {bigint} NOT NULL,
                PRIMARY KEY (fs_id, parent, name)
            )""",
            """CREATE TABLE efs_fs_xattrs (
                fs_id {text} NOT NULL,
                ino {bigint} NOT NULL,
                name {blob} NOT NULL,
                value {blob} NOT NULL,
                PRIMARY KEY (fs_id, ino, name)
            )""",
            """CREATE TABLE efs_fs_blocks (
                fs_id {text} NOT NULL,
                ino {bigint} NOT NULL,
                idx {bigint} NOT NULL,
                length {bigint} NOT NULL,
                stored {bigint} NOT NULL,
                checksum {bigint} NOT NULL,
                blob_key {text},
                inline_data {blob},
                storage_class {text} NOT NULL,
                PRIMARY KEY (fs_id, ino, idx)
            )""",
        ),
    ),
    Migration(
        "efs_fs",
        2,
        "inodes flag whether they may have blocks or extended attributes",
        ("ALTER TABLE efs_fs_inodes ADD COLUMN has_extras {bigint} NOT NULL DEFAULT 1",),
    ),
)
