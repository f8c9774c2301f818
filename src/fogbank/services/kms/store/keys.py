"""Keys and their material versions."""

from __future__ import annotations

from dataclasses import replace

from fogbank.services.kms.models import (
    Key,
    KeyManager,
    KeyMaterial,
    KeySpec,
    KeyState,
    KeyUsage,
    RotationType,
)
from fogbank.services.kms.store.rows import (
    blob,
    flag,
    integer,
    opt_blob,
    opt_int,
    opt_real,
    opt_str,
    real,
    text,
)
from fogbank.storage.db import Conn, Row

_KEY_COLUMNS = (
    "k.key_id, k.account_id, k.region, k.key_spec, k.key_usage, k.key_manager, k.description,"
    " k.key_state, k.created_at, k.current_version, k.policy, k.deletion_at,"
    " k.pending_window_days, k.rotation_enabled, k.rotation_period_days, k.rotation_due_at,"
    " k.on_demand_rotation_at, m.material_id"
)
_KEY_FROM = (
    " FROM kms_keys k JOIN kms_key_materials m"
    " ON m.key_id = k.key_id AND m.version = k.current_version"
)


def _key(row: Row, partition: str) -> Key:
    return Key(
        key_id=text(row, "key_id"),
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        spec=KeySpec(text(row, "key_spec")),
        usage=KeyUsage(text(row, "key_usage")),
        manager=KeyManager(text(row, "key_manager")),
        description=text(row, "description"),
        state=KeyState(text(row, "key_state")),
        created_at=real(row, "created_at"),
        current_version=integer(row, "current_version"),
        current_material_id=text(row, "material_id"),
        policy=text(row, "policy"),
        deletion_at=opt_real(row, "deletion_at"),
        pending_window_days=opt_int(row, "pending_window_days"),
        rotation_enabled=flag(row, "rotation_enabled"),
        rotation_period_days=opt_int(row, "rotation_period_days"),
        rotation_due_at=opt_real(row, "rotation_due_at"),
        on_demand_rotation_at=opt_real(row, "on_demand_rotation_at"),
        partition=partition,
    )


def _material(row: Row) -> KeyMaterial:
    rotation = opt_str(row, "rotation_type")
    return KeyMaterial(
        key_id=text(row, "key_id"),
        version=integer(row, "version"),
        material_id=text(row, "material_id"),
        sealed=blob(row, "sealed"),
        public_key=opt_blob(row, "public_key"),
        created_at=real(row, "created_at"),
        rotation_type=None if rotation is None else RotationType(rotation),
    )


def insert(conn: Conn, key: Key, material: KeyMaterial) -> None:
    conn.execute(
        "INSERT INTO kms_keys (key_id, account_id, region, key_spec, key_usage, key_manager,"
        " description, key_state, created_at, current_version, policy, deletion_at,"
        " pending_window_days, rotation_enabled, rotation_period_days, rotation_due_at,"
        " on_demand_rotation_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key.key_id,
            key.account_id,
            key.region,
            key.spec.value,
            key.usage.value,
            key.manager.value,
            key.description,
            key.state.value,
            key.created_at,
            key.current_version,
            key.policy,
            key.deletion_at,
            key.pending_window_days,
            key.rotation_enabled,
            key.rotation_period_days,
            key.rotation_due_at,
            key.on_demand_rotation_at,
        ),
    )
    insert_material(conn, material)


def insert_material(conn: Conn, m: KeyMaterial) -> None:
    conn.execute(
        "INSERT INTO kms_key_materials (key_id, version, material_id, sealed, public_key,"
        " created_at, rotation_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            m.key_id,
            m.version,
            m.material_id,
            m.sealed,
            m.public_key,
            m.created_at,
            None if m.rotation_type is None else m.rotation_type.value,
        ),
    )


def get(conn: Conn, key_id: str, partition: str = "aws", lock: bool = False) -> Key | None:
    suffix = conn.dialect.for_update if lock else ""
    row = conn.one(f"SELECT {_KEY_COLUMNS}{_KEY_FROM} WHERE k.key_id = ?{suffix}", (key_id,))
    return None if row is None else _key(row, partition)


def list_ids(conn: Conn, account_id: str, region: str, after: str, limit: int) -> list[str]:
    rows = conn.all(
        "SELECT key_id FROM kms_keys WHERE account_id = ? AND region = ? AND key_id > ?"
        " ORDER BY key_id LIMIT ?",
        (account_id, region, after, limit),
    )
    return [text(r, "key_id") for r in rows]


def material(conn: Conn, key_id: str, version: int) -> KeyMaterial | None:
    row = conn.one(
        "SELECT key_id, version, material_id, sealed, public_key, created_at, rotation_type"
        " FROM kms_key_materials WHERE key_id = ? AND version = ?",
        (key_id, version),
    )
    return None if row is None else _material(row)


def materials(conn: Conn, key_id: str, after_version: int, limit: int) -> list[KeyMaterial]:
    rows = conn.all(
        "SELECT key_id, version, material_id, sealed, public_key, created_at, rotation_type"
        " FROM kms_key_materials WHERE key_id = ? AND version > ? ORDER BY version LIMIT ?",
        (key_id, after_version, limit),
    )
    return [_material(r) for r in rows]


def save(conn: Conn, key: Key) -> Key:
    """Write back the mutable fields of a key (state, description, policy, schedules)."""
    conn.execute(
        "UPDATE kms_keys SET description = ?, key_state = ?, current_version = ?, policy = ?,"
        " deletion_at = ?, pending_window_days = ?, rotation_enabled = ?,"
        " rotation_period_days = ?, rotation_due_at = ?, on_demand_rotation_at = ?"
        " WHERE key_id = ?",
        (
            key.description,
            key.state.value,
            key.current_version,
            key.policy,
            key.deletion_at,
            key.pending_window_days,
            key.rotation_enabled,
            key.rotation_period_days,
            key.rotation_due_at,
            key.on_demand_rotation_at,
            key.key_id,
        ),
    )
    return key


def add_version(conn: Conn, key: Key, m: KeyMaterial) -> Key:
    """Store a new material version and make it the one new encryptions use (with the
    other fields of ``key`` saved as given)."""
    insert_material(conn, m)
    return save(conn, replace(key, current_version=m.version, current_material_id=m.material_id))


def due_rotations(conn: Conn, now: float, limit: int) -> list[str]:
    rows = conn.all(
        "SELECT key_id FROM kms_keys WHERE rotation_due_at <= ? AND key_state = ?"
        " ORDER BY rotation_due_at LIMIT ?",
        (now, KeyState.ENABLED.value, limit),
    )
    return [text(r, "key_id") for r in rows]


def due_deletions(conn: Conn, now: float, limit: int) -> list[str]:
    rows = conn.all(
        "SELECT key_id FROM kms_keys WHERE deletion_at <= ? ORDER BY deletion_at LIMIT ?",
        (now, limit),
    )
    return [text(r, "key_id") for r in rows]


def destroy(conn: Conn, key_id: str) -> None:
    """Delete a key with everything that hangs on it; its material is gone for good."""
    for table in ("kms_grants", "kms_tags", "kms_aliases", "kms_key_materials"):
        conn.execute(f"DELETE FROM {table} WHERE key_id = ?", (key_id,))  # noqa: S608
    conn.execute("DELETE FROM kms_keys WHERE key_id = ?", (key_id,))


def tags(conn: Conn, key_id: str) -> list[tuple[str, str]]:
    rows = conn.all(
        "SELECT tag_key, tag_value FROM kms_tags WHERE key_id = ? ORDER BY tag_key", (key_id,)
    )
    return [(text(r, "tag_key"), text(r, "tag_value")) for r in rows]


def put_tags(conn: Conn, key_id: str, pairs: list[tuple[str, str]]) -> None:
    for k, v in pairs:
        updated = conn.execute(
            "UPDATE kms_tags SET tag_value = ? WHERE key_id = ? AND tag_key = ?", (v, key_id, k)
        )
        if updated.rowcount == 0:
            conn.execute(
                "INSERT INTO kms_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)",
                (key_id, k, v),
            )


def remove_tags(conn: Conn, key_id: str, keys: list[str]) -> None:
    for k in keys:
        conn.execute("DELETE FROM kms_tags WHERE key_id = ? AND tag_key = ?", (key_id, k))


def count_by_state(conn: Conn, account_id: str) -> dict[str, int]:
    """How many keys the account has, per key state (all regions)."""
    rows = conn.all(
        "SELECT key_state, COUNT(*) AS n FROM kms_keys WHERE account_id = ? GROUP BY key_state",
        (account_id,),
    )
    return {text(r, "key_state"): integer(r, "n") for r in rows}
