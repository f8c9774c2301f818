"""What the authenticator needs to know about an access key, and where it asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fogbank.core.principal import Principal


@dataclass(frozen=True)
class Credential:
    access_key_id: str
    secret_access_key: str
    principal: Principal
    session_token: str | None = None  # set for temporary (ASIA...) credentials
    # Or, as stores keep it: the hex SHA-256 of the session token (never the token itself).
    session_token_sha256: str | None = None
    expires_at: float | None = None  # simulated epoch seconds; None for long-term keys
    active: bool = True


class CredentialLookup(Protocol):
    """Implemented by the IAM service (and STS sessions); handed to the authenticator."""

    async def lookup(self, access_key_id: str) -> Credential | None: ...
