"""Making keys and material versions: generated, sealed, ready to store.

``new_key`` generates RSA material, which takes up to seconds: call it in a thread.
"""

from __future__ import annotations

import secrets
import uuid

from fogbank.services.kms.crypto import material as gen
from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.models import (
    Key,
    KeyManager,
    KeyMaterial,
    KeySpec,
    KeyState,
    KeyUsage,
    RotationType,
)

DAY = 86400.0
DEFAULT_ROTATION_DAYS = 365


def material_id() -> str:
    return secrets.token_hex(32)


def new_key(
    keyring: Keyring,
    *,
    account_id: str,
    region: str,
    spec: KeySpec,
    usage: KeyUsage,
    manager: KeyManager,
    description: str,
    policy: str,
    now: float,
    partition: str = "aws",
) -> tuple[Key, KeyMaterial]:
    key_id = str(uuid.uuid4())
    generated = gen.generate(spec)
    first = KeyMaterial(
        key_id=key_id,
        version=1,
        material_id=material_id(),
        sealed=keyring.seal(key_id, 1, generated.secret),
        public_key=generated.public_key,
        created_at=now,
        rotation_type=None,
    )
    # AWS managed keys rotate every year, always.
    rotating = manager is KeyManager.AWS
    key = Key(
        key_id=key_id,
        account_id=account_id,
        region=region,
        spec=spec,
        usage=usage,
        manager=manager,
        description=description,
        state=KeyState.ENABLED,
        created_at=now,
        current_version=1,
        current_material_id=first.material_id,
        policy=policy,
        rotation_enabled=rotating,
        rotation_period_days=DEFAULT_ROTATION_DAYS if rotating else None,
        rotation_due_at=now + DEFAULT_ROTATION_DAYS * DAY if rotating else None,
        partition=partition,
    )
    return key, first


def next_version(keyring: Keyring, key: Key, at: float, how: RotationType) -> KeyMaterial:
    """New symmetric material for ``key``, as the version after its current one."""
    version = key.current_version + 1
    return KeyMaterial(
        key_id=key.key_id,
        version=version,
        material_id=material_id(),
        sealed=keyring.seal(key.key_id, version, gen.generate(KeySpec.SYMMETRIC_DEFAULT).secret),
        public_key=None,
        created_at=at,
        rotation_type=how,
    )
