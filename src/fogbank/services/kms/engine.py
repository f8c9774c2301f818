"""The KMS engine's dependencies, and what every operation needs: finding the key a
``KeyId`` names and checking that its state and usage allow the operation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.services.kms import errors
from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.models import (
    Key,
    KeyManager,
    KeyMaterial,
    KeyState,
    KeyUsage,
    alias_arn,
    key_arn,
)
from fogbank.services.kms.rootkey import UnsealError, open_root_key
from fogbank.services.kms.store import aliases as alias_store
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn, Database

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Engine:
    """Everything an operation works with; built once per gateway process."""

    db: Database
    clock: Clock
    keyring: Keyring
    partition: str = "aws"

    @classmethod
    def open(
        cls,
        db: Database,
        clock: Clock,
        data_dir: Path,
        passphrase: str | None = None,
        partition: str = "aws",
    ) -> Engine:
        """Open the root key (blocking: start-up) and build the engine around it."""
        return cls(db, clock, Keyring(open_root_key(db, data_dir, passphrase)), partition)

    def now(self) -> float:
        return self.clock.time()

    def secret(self, material: KeyMaterial) -> bytes:
        """The unsealed secret of a material version."""
        try:
            return self.keyring.unseal(material)
        except UnsealError:
            raise errors.invalid_state(
                "The key material cannot be opened with this installation's root key."
            ) from None


@dataclass(frozen=True)
class KeyRef:
    """A parsed ``KeyId``: a key (by id) or an alias (by name), in an account and region."""

    account_id: str
    region: str
    key_id: str | None = None
    alias: str | None = None


def parse_ref(text: str, account_id: str, region: str, *, allow_alias: bool = True) -> KeyRef:
    """Key id, key ARN, alias name or alias ARN (the last two only if ``allow_alias``)."""
    if not text:
        raise errors.length_at_least("keyId", 1)
    if text.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms":
            raise errors.invalid_arn(f"Invalid arn {text}")
        _, _, _, arn_region, arn_account, resource = parts
        if resource.startswith("key/") and _UUID.match(resource[4:]):
            return KeyRef(arn_account, arn_region, key_id=resource[4:])
        if resource.startswith("alias/") and allow_alias:
            return KeyRef(arn_account, arn_region, alias=resource)
        raise errors.invalid_key_id(text)
    if text.startswith("alias/"):
        if not allow_alias:
            raise errors.invalid_key_id(text)
        return KeyRef(account_id, region, alias=text)
    if not _UUID.match(text):
        raise errors.invalid_key_id(text)
    return KeyRef(account_id, region, key_id=text)


def find_key(conn: Conn, ref: KeyRef, region: str, partition: str) -> Key:
    """The key a reference names, in ``region`` (keys are regional), or NotFound."""
    if ref.alias is not None:
        alias = alias_store.get(conn, ref.account_id, ref.region, ref.alias, partition)
        if alias is None or ref.region != region:
            raise errors.alias_not_found(
                alias_arn(partition, ref.region, ref.account_id, ref.alias)
            )
        key_id = alias.key_id
    else:
        assert ref.key_id is not None
        key_id = ref.key_id
    key = key_store.get(conn, key_id, partition)
    if key is None or key.region != region or key.account_id != ref.account_id:
        raise errors.key_not_found(key_arn(partition, ref.region, ref.account_id, key_id))
    return key


def find_key_by_id(conn: Conn, key_id: str, region: str, partition: str) -> Key | None:
    """A key by its UUID alone (ciphertext blobs carry only that), if it is in ``region``."""
    key = key_store.get(conn, key_id, partition)
    return key if key is not None and key.region == region else None


# -- guards: what KMS answers when a key's state or usage does not allow an operation ----


def require_usable(key: Key) -> None:
    """Cryptographic operations need an enabled key."""
    if key.state is KeyState.DISABLED:
        raise errors.disabled(key.arn)
    if key.state is KeyState.PENDING_DELETION:
        raise errors.pending_deletion(key.arn)


def require_not_pending(key: Key) -> None:
    if key.state is KeyState.PENDING_DELETION:
        raise errors.pending_deletion(key.arn)


def require_usage(key: Key, usage: KeyUsage, operation: str) -> None:
    if key.usage is not usage:
        raise errors.wrong_usage(key.arn, key.usage.value, operation)


def require_customer_managed(key: Key) -> None:
    if key.manager is KeyManager.AWS:
        raise errors.aws_managed(key.arn)
