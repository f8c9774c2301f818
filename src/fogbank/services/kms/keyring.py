"""Sealing and unsealing key material under the root key, and grant tokens.

Each material version is sealed with AES-256-GCM under a key derived from the root key,
its additional data binding the key id and version, so sealed material moved to another
key or version does not open. Unsealed secrets are cached per process (bounded, LRU):
callers always read the material row from the store first, so material destroyed by the
deletion job is never served from the cache.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
from collections import OrderedDict

from fogbank.services.kms.models import KeyMaterial
from fogbank.services.kms.rootkey import RootKey

_TOKEN_VERSION = b"\x01"


def material_aad(key_id: str, version: int) -> bytes:
    return b"fogbank kms material v1\x00" + key_id.encode() + b"\x00" + version.to_bytes(4, "big")


class Keyring:
    def __init__(self, root: RootKey, cache_size: int = 1024) -> None:
        self._root = root
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Keyring({len(self._cache)} cached)"

    def seal(self, key_id: str, version: int, secret: bytes) -> bytes:
        return self._root.seal(secret, material_aad(key_id, version))

    def unseal(self, material: KeyMaterial) -> bytes:
        """The secret of a material version (raises ``rootkey.UnsealError``)."""
        slot = (material.key_id, material.version)
        with self._lock:
            hit = self._cache.get(slot)
            if hit is not None:
                self._cache.move_to_end(slot)
                return hit
        secret = self._root.unseal(material.sealed, material_aad(*slot))
        with self._lock:
            self._cache[slot] = secret
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return secret

    def forget(self, key_id: str) -> None:
        with self._lock:
            for slot in [s for s in self._cache if s[0] == key_id]:
                del self._cache[slot]

    # -- grant tokens: self-authenticating, so nothing secret is stored -------------

    def grant_token(self, grant_id: str) -> str:
        raw = bytes.fromhex(grant_id)
        body = _TOKEN_VERSION + raw + self._root.mac(b"grant-token\x00" + raw)
        return base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")

    def grant_id_of(self, token: str) -> str | None:
        """The grant a token was issued for, or None if the token is not one of ours."""
        try:
            body = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(body) != 65 or body[:1] != _TOKEN_VERSION:
            return None
        raw, mac = body[1:33], body[33:]
        if not hmac.compare_digest(mac, self._root.mac(b"grant-token\x00" + raw)):
            return None
        return raw.hex()
