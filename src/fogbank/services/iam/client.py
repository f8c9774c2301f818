"""IAM's in-process client for STS: roles and users to issue sessions for, and sessions."""

from __future__ import annotations

from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import Role, SessionRecord, User
from fogbank.services.iam.store import entities
from fogbank.services.iam.store import sessions as session_store
from fogbank.storage.db import Conn


def role_name_of(arn: str) -> tuple[str, str] | None:
    """(account, role name) of ``arn:aws:iam::<account>:role/<path><name>``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or not parts[4]:
        return None
    if not parts[5].startswith("role/"):
        return None
    name = parts[5].rsplit("/", 1)[-1]
    return (parts[4], name) if name else None


class IamClient:
    def __init__(self, engine: IamEngine) -> None:
        self._engine = engine

    async def role_by_arn(self, arn: str) -> Role | None:
        """The role an ARN names (its path must match, as in the ARN)."""
        found = role_name_of(arn)
        if found is None:
            return None
        account, name = found
        role = await self._engine.read(lambda conn: entities.get_role(conn, account, name))
        if role is None or role.arn != arn:
            return None
        return role

    async def user(self, account_id: str, name: str) -> User | None:
        return await self._engine.read(lambda conn: entities.get_user(conn, account_id, name))

    async def policy_exists(self, arn: str, account_id: str) -> bool:
        def read(conn: Conn) -> bool:
            return self._engine.find_policy(conn, arn, account_id) is not None

        return await self._engine.read(read)

    async def open_session(self, record: SessionRecord) -> None:
        """Store a new session (a new key: no cache can hold it, so no change stamp)."""
        await self._engine.db.write(lambda conn: session_store.insert(conn, record))
