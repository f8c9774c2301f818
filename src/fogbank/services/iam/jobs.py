"""IAM's clock-driven work: forgetting STS sessions a day after they expired."""

from __future__ import annotations

from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.store import sessions

GRACE_SECONDS = 86400.0


class SessionPurge:
    name = "iam-session-purge"

    def __init__(self, engine: IamEngine) -> None:
        self._engine = engine

    async def run_due(self, now: float) -> None:
        await self._engine.db.write(lambda conn: sessions.purge_expired(conn, now - GRACE_SECONDS))
