"""Access-point rows."""

from __future__ import annotations

import json

from fogbank.services.efs.models import AccessPoint
from fogbank.services.efs.store.rows import opt_int, opt_text, real, text
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "ap_id, fs_id, account_id, region, client_token, posix_uid, posix_gid, secondary_gids,"
    " root_path, owner_uid, owner_gid, permissions, state, created_at"
)


def _row(r: Row) -> AccessPoint:
    gids = opt_text(r, "secondary_gids")
    return AccessPoint(
        ap_id=text(r, "ap_id"),
        fs_id=text(r, "fs_id"),
        account_id=text(r, "account_id"),
        region=text(r, "region"),
        client_token=text(r, "client_token"),
        posix_uid=opt_int(r, "posix_uid"),
        posix_gid=opt_int(r, "posix_gid"),
        secondary_gids=tuple(json.loads(gids)) if gids else (),
        root_path=text(r, "root_path"),
        owner_uid=opt_int(r, "owner_uid"),
        owner_gid=opt_int(r, "owner_gid"),
        permissions=opt_text(r, "permissions"),
        state=text(r, "state"),
        created_at=real(r, "created_at"),
    )


def insert(conn: Conn, ap: AccessPoint) -> None:
    conn.execute(
        f"INSERT INTO efs_access_points ({_COLUMNS}) VALUES"  # noqa: S608
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ap.ap_id,
            ap.fs_id,
            ap.account_id,
            ap.region,
            ap.client_token,
            ap.posix_uid,
            ap.posix_gid,
            json.dumps(list(ap.secondary_gids)) if ap.posix_uid is not None else None,
            ap.root_path,
            ap.owner_uid,
            ap.owner_gid,
            ap.permissions,
            ap.state,
            ap.created_at,
        ),
    )


def get(conn: Conn, ap_id: str) -> AccessPoint | None:
    r = conn.one(f"SELECT {_COLUMNS} FROM efs_access_points WHERE ap_id = ?", (ap_id,))  # noqa: S608
    return None if r is None else _row(r)


def by_token(conn: Conn, account_id: str, region: str, token: str) -> AccessPoint | None:
    r = conn.one(
        f"SELECT {_COLUMNS} FROM efs_access_points"  # noqa: S608
        " WHERE account_id = ? AND region = ? AND client_token = ?",
        (account_id, region, token),
    )
    return None if r is None else _row(r)


def page_of_file_system(conn: Conn, fs_id: str, after: str, limit: int) -> list[AccessPoint]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM efs_access_points"  # noqa: S608
        " WHERE fs_id = ? AND ap_id > ? ORDER BY ap_id LIMIT ?",
        (fs_id, after, limit),
    )
    return [_row(r) for r in rows]


def page_of_account(
    conn: Conn, account_id: str, region: str, after: str, limit: int
) -> list[AccessPoint]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM efs_access_points"  # noqa: S608
        " WHERE account_id = ? AND region = ? AND ap_id > ? ORDER BY ap_id LIMIT ?",
        (account_id, region, after, limit),
    )
    return [_row(r) for r in rows]


def count_of(conn: Conn, fs_id: str) -> int:
    value = conn.scalar("SELECT COUNT(*) FROM efs_access_points WHERE fs_id = ?", (fs_id,))
    assert isinstance(value, int)
    return value


def delete(conn: Conn, ap_id: str) -> None:
    conn.execute("DELETE FROM efs_access_points WHERE ap_id = ?", (ap_id,))


def delete_of_file_system(conn: Conn, fs_id: str) -> list[str]:
    ids = [
        text(r, "ap_id")
        for r in conn.all("SELECT ap_id FROM efs_access_points WHERE fs_id = ?", (fs_id,))
    ]
    conn.execute("DELETE FROM efs_access_points WHERE fs_id = ?", (fs_id,))
    return ids
