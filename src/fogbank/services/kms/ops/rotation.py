"""Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand, ListKeyRotations.

Rotating adds a material version that new encryptions use; older versions stay for
decrypting what they sealed. Automatic rotation is done by the key job (``jobs``) when
``rotation_due_at`` passes on the fogbank clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fogbank.services.kms import errors, factory, pagination, specs
from fogbank.services.kms.engine import Engine, require_customer_managed, require_usable
from fogbank.services.kms.lookup import change_key, load_key
from fogbank.services.kms.models import Key, KeyMaterial, KeyState, RotationType
from fogbank.services.kms.store import keys as key_store
from fogbank.services.kms.wire import Output, when
from fogbank.storage.db import Conn

DAY = factory.DAY
MIN_PERIOD, MAX_PERIOD = 90, 2560
MAX_ON_DEMAND = 25


@dataclass(frozen=True)
class RotationStatus:
    key_id: str
    enabled: bool
    period_days: int | None = None
    next_rotation_at: float | None = None

    def wire(self) -> Output:
        out: Output = {"KeyRotationEnabled": self.enabled, "KeyId": self.key_id}
        if self.enabled and self.period_days is not None:
            out["RotationPeriodInDays"] = self.period_days
        if self.enabled and self.next_rotation_at is not None:
            out["NextRotationDate"] = when(self.next_rotation_at)
        return out


def rotate(conn: Conn, engine: Engine, key: Key, at: float, how: RotationType) -> Key:
    """Add the next material version, dated ``at``; it becomes the current one."""
    return key_store.add_version(conn, key, factory.next_version(engine.keyring, key, at, how))


def _rotatable(key: Key) -> None:
    require_usable(key)
    if not specs.rotatable(key.spec):
        raise errors.not_symmetric_encrypt()
    require_customer_managed(key)


async def enable_key_rotation(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    rotation_period_in_days: int | None = None,
) -> Key:
    period = (
        factory.DEFAULT_ROTATION_DAYS
        if rotation_period_in_days is None
        else rotation_period_in_days
    )
    if not MIN_PERIOD <= period <= MAX_PERIOD:
        raise errors.value_between("rotationPeriodInDays", period, MIN_PERIOD, MAX_PERIOD)

    def change(conn: Conn, key: Key) -> Key:
        _rotatable(key)
        now = engine.now()
        due = now + period * DAY
        if key.rotation_enabled and key.rotation_due_at is not None and key.rotation_period_days:
            # A new period counts from the last rotation (or from when rotation began).
            due = max(now, key.rotation_due_at + (period - key.rotation_period_days) * DAY)
        enabled = replace(
            key, rotation_enabled=True, rotation_period_days=period, rotation_due_at=due
        )
        return key_store.save(conn, enabled)

    return await change_key(engine, account_id, region, key_id, change)


async def disable_key_rotation(engine: Engine, account_id: str, region: str, key_id: str) -> Key:
    def change(conn: Conn, key: Key) -> Key:
        _rotatable(key)
        disabled = replace(
            key, rotation_enabled=False, rotation_period_days=None, rotation_due_at=None
        )
        return key_store.save(conn, disabled)

    return await change_key(engine, account_id, region, key_id, change)


async def get_key_rotation_status(
    engine: Engine, account_id: str, region: str, key_id: str
) -> RotationStatus:
    key = await load_key(engine, account_id, region, key_id, allow_alias=False)
    enabled = key.rotation_enabled and key.state is not KeyState.PENDING_DELETION
    return RotationStatus(key.arn, enabled, key.rotation_period_days, key.rotation_due_at)


async def rotate_key_on_demand(engine: Engine, account_id: str, region: str, key_id: str) -> Key:
    """A rotation now; the automatic schedule, if any, is unchanged."""

    def change(conn: Conn, key: Key) -> Key:
        _rotatable(key)
        done = key_store.materials(conn, key.key_id, 1, MAX_ON_DEMAND + key.current_version)
        if sum(m.rotation_type is RotationType.ON_DEMAND for m in done) >= MAX_ON_DEMAND:
            raise errors.limit_exceeded(
                f"{key.arn} has reached the limit of {MAX_ON_DEMAND} on-demand rotations."
            )
        return rotate(conn, engine, key, engine.now(), RotationType.ON_DEMAND)

    return await change_key(engine, account_id, region, key_id, change)


async def list_key_rotations(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    limit: int | None = None,
    marker: str | None = None,
    include_key_material: str | None = None,
) -> tuple[Key, pagination.Page[KeyMaterial]]:
    """The rotations of a key, oldest first; the original material too with
    ``ALL_KEY_MATERIAL`` (by default, ``ROTATIONS_ONLY``, it is not a rotation)."""
    size = pagination.limit(limit)
    after = pagination.marker_after(marker)
    if after and not after.isdigit():
        raise errors.invalid_marker()
    everything = include_key_material == "ALL_KEY_MATERIAL"
    if include_key_material not in (None, "ALL_KEY_MATERIAL", "ROTATIONS_ONLY"):
        raise errors.enum_value(
            "includeKeyMaterial", include_key_material, ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"]
        )
    start = int(after) if after else (0 if everything else 1)
    key = await load_key(engine, account_id, region, key_id, allow_alias=False)
    if not specs.rotatable(key.spec):
        raise errors.not_symmetric_encrypt()
    rows = await engine.db.read(lambda c: key_store.materials(c, key.key_id, start, size + 1))
    return key, pagination.page(rows, size, lambda m: str(m.version))
