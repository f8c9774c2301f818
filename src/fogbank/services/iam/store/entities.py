"""Users, groups, roles and instance profiles: rows in, frozen values out."""

from __future__ import annotations

from fogbank.services.iam.models import Group, InstanceProfile, Role, User
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn, Row

_USER_COLS = ("account_id", "user_name", "user_id", "path", "created_at", "boundary_arn")
_GROUP_COLS = ("account_id", "group_name", "group_id", "path", "created_at")
_ROLE_COLS = (
    "account_id",
    "role_name",
    "role_id",
    "path",
    "created_at",
    "trust_policy",
    "description",
    "max_session_duration",
    "boundary_arn",
    "last_used_at",
    "last_used_region",
)
_PROFILE_COLS = ("account_id", "profile_name", "profile_id", "path", "created_at")


def _select(table: str, cols: tuple[str, ...], alias: str = "") -> str:
    if alias:
        return f"SELECT {', '.join(f'{alias}.{c}' for c in cols)} FROM {table} {alias}"  # noqa: S608
    return f"SELECT {', '.join(cols)} FROM {table}"  # noqa: S608


_USER = _select("iam_users", _USER_COLS)
_GROUP = _select("iam_groups", _GROUP_COLS)
_ROLE = _select("iam_roles", _ROLE_COLS)
_PROFILE = _select("iam_instance_profiles", _PROFILE_COLS)
# A page: from a start key, under a path prefix, one more than asked (to know if truncated).
_PAGE = (
    " WHERE account_id = ? AND name_key >= ? AND substr(path, 1, ?) = ? ORDER BY name_key LIMIT ?"
)


def _page_args(account_id: str, prefix: str, start: str | None, limit: int) -> tuple[object, ...]:
    return (account_id, start or "", len(prefix), prefix, limit + 1)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _user(conn: Conn, r: Row, with_tags: bool) -> User:
    account, name = str(r["account_id"]), str(r["user_name"])
    return User(
        account_id=account,
        name=name,
        user_id=str(r["user_id"]),
        path=str(r["path"]),
        created_at=float(str(r["created_at"])),
        boundary_arn=_opt(r["boundary_arn"]),
        tags=tag_store.get(conn, account, "user", name.lower()) if with_tags else (),
    )


def _role(conn: Conn, r: Row, with_tags: bool) -> Role:
    account, name = str(r["account_id"]), str(r["role_name"])
    last = r["last_used_at"]
    return Role(
        account_id=account,
        name=name,
        role_id=str(r["role_id"]),
        path=str(r["path"]),
        created_at=float(str(r["created_at"])),
        trust_policy=str(r["trust_policy"]),
        description=_opt(r["description"]),
        max_session_duration=int(str(r["max_session_duration"])),
        boundary_arn=_opt(r["boundary_arn"]),
        last_used_at=None if last is None else float(str(last)),
        last_used_region=_opt(r["last_used_region"]),
        tags=tag_store.get(conn, account, "role", name.lower()) if with_tags else (),
    )


def _group(r: Row) -> Group:
    return Group(
        account_id=str(r["account_id"]),
        name=str(r["group_name"]),
        group_id=str(r["group_id"]),
        path=str(r["path"]),
        created_at=float(str(r["created_at"])),
    )


# -- users ----------------------------------------------------------------------------


def get_user(conn: Conn, account_id: str, name: str, with_tags: bool = True) -> User | None:
    row = conn.one(_USER + " WHERE account_id = ? AND name_key = ?", (account_id, name.lower()))
    return None if row is None else _user(conn, row, with_tags)


def user_by_id(conn: Conn, user_id: str) -> User | None:
    row = conn.one(_USER + " WHERE user_id = ?", (user_id,))
    return None if row is None else _user(conn, row, True)


def list_users(
    conn: Conn, account_id: str, prefix: str, start: str | None, limit: int
) -> list[User]:
    rows = conn.all(_USER + _PAGE, _page_args(account_id, prefix, start, limit))
    return [_user(conn, r, False) for r in rows]


def insert_user(conn: Conn, user: User) -> None:
    conn.execute(
        "INSERT INTO iam_users (account_id, name_key, user_name, user_id, path, created_at,"
        " boundary_arn) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            user.account_id,
            user.key,
            user.name,
            user.user_id,
            user.path,
            user.created_at,
            user.boundary_arn,
        ),
    )


def count_users(conn: Conn, account_id: str) -> int:
    return int(
        str(conn.scalar("SELECT COUNT(*) AS n FROM iam_users WHERE account_id = ?", (account_id,)))
    )


# -- groups ---------------------------------------------------------------------------


def get_group(conn: Conn, account_id: str, name: str) -> Group | None:
    row = conn.one(_GROUP + " WHERE account_id = ? AND name_key = ?", (account_id, name.lower()))
    return None if row is None else _group(row)


def list_groups(
    conn: Conn, account_id: str, prefix: str, start: str | None, limit: int
) -> list[Group]:
    rows = conn.all(_GROUP + _PAGE, _page_args(account_id, prefix, start, limit))
    return [_group(r) for r in rows]


def groups_of_user(conn: Conn, account_id: str, user_key: str) -> list[Group]:
    rows = conn.all(
        _select("iam_groups", _GROUP_COLS, "g") + " JOIN iam_group_members m"
        " ON g.account_id = m.account_id AND g.name_key = m.group_key"
        " WHERE m.account_id = ? AND m.user_key = ? ORDER BY g.name_key",
        (account_id, user_key),
    )
    return [_group(r) for r in rows]


def members_of_group(conn: Conn, account_id: str, group_key: str) -> list[User]:
    rows = conn.all(
        _select("iam_users", _USER_COLS, "u") + " JOIN iam_group_members m"
        " ON u.account_id = m.account_id AND u.name_key = m.user_key"
        " WHERE m.account_id = ? AND m.group_key = ? ORDER BY u.name_key",
        (account_id, group_key),
    )
    return [_user(conn, r, False) for r in rows]


def insert_group(conn: Conn, group: Group) -> None:
    conn.execute(
        "INSERT INTO iam_groups (account_id, name_key, group_name, group_id, path, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (group.account_id, group.key, group.name, group.group_id, group.path, group.created_at),
    )


# -- roles ----------------------------------------------------------------------------


def get_role(conn: Conn, account_id: str, name: str, with_tags: bool = True) -> Role | None:
    row = conn.one(_ROLE + " WHERE account_id = ? AND name_key = ?", (account_id, name.lower()))
    return None if row is None else _role(conn, row, with_tags)


def list_roles(
    conn: Conn, account_id: str, prefix: str, start: str | None, limit: int
) -> list[Role]:
    rows = conn.all(_ROLE + _PAGE, _page_args(account_id, prefix, start, limit))
    return [_role(conn, r, False) for r in rows]


def insert_role(conn: Conn, role: Role) -> None:
    conn.execute(
        "INSERT INTO iam_roles (account_id, name_key, role_name, role_id, path, created_at,"
        " trust_policy, description, max_session_duration, boundary_arn)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            role.account_id,
            role.key,
            role.name,
            role.role_id,
            role.path,
            role.created_at,
            role.trust_policy,
            role.description,
            role.max_session_duration,
            role.boundary_arn,
        ),
    )


# -- instance profiles ----------------------------------------------------------------


def _profile(conn: Conn, r: Row) -> InstanceProfile:
    account, name = str(r["account_id"]), str(r["profile_name"])
    role_rows = conn.all(
        _select("iam_roles", _ROLE_COLS, "r")
        + " JOIN iam_instance_profile_roles p ON p.account_id = r.account_id"
        " AND p.role_key = r.name_key WHERE p.account_id = ? AND p.profile_key = ?",
        (account, name.lower()),
    )
    return InstanceProfile(
        account_id=account,
        name=name,
        profile_id=str(r["profile_id"]),
        path=str(r["path"]),
        created_at=float(str(r["created_at"])),
        roles=tuple(_role(conn, row, False) for row in role_rows),
        tags=tag_store.get(conn, account, "instance-profile", name.lower()),
    )


def get_profile(conn: Conn, account_id: str, name: str) -> InstanceProfile | None:
    row = conn.one(_PROFILE + " WHERE account_id = ? AND name_key = ?", (account_id, name.lower()))
    return None if row is None else _profile(conn, row)


def list_profiles(
    conn: Conn, account_id: str, prefix: str, start: str | None, limit: int
) -> list[InstanceProfile]:
    rows = conn.all(_PROFILE + _PAGE, _page_args(account_id, prefix, start, limit))
    return [_profile(conn, r) for r in rows]


def profiles_of_role(conn: Conn, account_id: str, role_key: str) -> list[InstanceProfile]:
    rows = conn.all(
        _select("iam_instance_profiles", _PROFILE_COLS, "i")
        + " JOIN iam_instance_profile_roles p ON p.account_id = i.account_id"
        " AND p.profile_key = i.name_key WHERE p.account_id = ? AND p.role_key = ?"
        " ORDER BY i.name_key",
        (account_id, role_key),
    )
    return [_profile(conn, r) for r in rows]


def insert_profile(conn: Conn, profile: InstanceProfile) -> None:
    conn.execute(
        "INSERT INTO iam_instance_profiles (account_id, name_key, profile_name, profile_id,"
        " path, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            profile.account_id,
            profile.key,
            profile.name,
            profile.profile_id,
            profile.path,
            profile.created_at,
        ),
    )
