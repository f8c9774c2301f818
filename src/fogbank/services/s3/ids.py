"""Opaque ids S3 hands out (version ids, upload ids)."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits


def opaque_id(length: int, extra: str = "._") -> str:
    """``length`` random characters (letters, digits and ``extra``) starting with a letter or
    digit: never with ``-``, which command lines such as ``--version-id -x`` take for an
    option."""
    chars = _ALNUM + extra
    return secrets.choice(_ALNUM) + "".join(secrets.choice(chars) for _ in range(length - 1))
