"""Identifiers in the forms AWS uses."""

from __future__ import annotations

import base64
import os
import random
import secrets
import uuid

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def request_id() -> str:
    """A request id like S3's (16 upper-case hex); unique enough for one server. Ids name,
    they guard nothing: the standard generator (seeded from the system's randomness and
    again in each forked process) makes them without a system call per request."""
    return f"{random.getrandbits(64):016X}"


def random_bytes(n: int) -> bytes:
    """``n`` bytes from the system's cryptographic generator, as ``os.urandom`` gives them,
    but drawn with ``os.getrandom`` where there is one (Linux): that call keeps the GIL
    through its short system call, where ``os.urandom`` releases it, which on the event
    loop hands the GIL to a waiting thread and waits to get it back."""
    getrandom = getattr(os, "getrandom", None)
    if getrandom is None:  # not Linux
        return os.urandom(n)
    out: bytes = getrandom(n)
    while len(out) < n:  # never for the few bytes asked here, but the call may be short
        out += getrandom(n - len(out))
    return out


def random_hex(nbytes: int) -> str:
    """``secrets.token_hex``, from ``random_bytes``."""
    return random_bytes(nbytes).hex()


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
