"""Identifiers in the forms AWS uses."""

from __future__ import annotations

import base64
import random
import secrets
import uuid

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def request_id() -> str:
    """A request id like S3's (16 upper-case hex); unique enough for one server. Ids name,
    they guard nothing: the standard generator (seeded from the system's randomness and
    again in each forked process) makes them without a system call per request."""
    return f"{random.getrandbits(64):016X}"


def uuid_str() -> str:
    return str(uuid.uuid4())


def _b32(n: int) -> str:
    return "".join(secrets.choice(_B32) for _ in range(n))


def access_key_id(prefix: str = "AKIA") -> str:
    """Long-term keys start AKIA, temporary (STS) keys ASIA; 20 characters in all."""
    return prefix + _b32(16)


def secret_access_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


def unique_id(prefix: str) -> str:
    """IAM unique ids: AIDA (user), AROA (role), ANPA (policy), AGPA (group), AIPA (profile)."""
    return prefix + _b32(17)


def hex_id(prefix: str, length: int = 17) -> str:
    """EC2/EFS style ids: ``sg-0a1b2c...``, ``fs-...``."""
    return f"{prefix}-{secrets.token_hex((length + 1) // 2)[:length]}"
