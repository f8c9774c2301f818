"""STS sessions: temporary credentials (ASIA...) and what they were issued for."""

from __future__ import annotations

import json

from fogbank.services.iam.models import SessionRecord
from fogbank.storage.db import Conn, Row

_COLS = (
    "SELECT access_key_id, secret_access_key, token_sha256, account_id, kind, issuer_name,"
    " issuer_arn, issuer_id, session_name, created_at, expires_at, policy, policy_arns, tags,"
    " transitive_keys, source_identity, chained FROM iam_sessions"
)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _record(r: Row) -> SessionRecord:
    tags = json.loads(str(r["tags"]))
    return SessionRecord(
        access_key_id=str(r["access_key_id"]),
        secret_access_key=str(r["secret_access_key"]),
        token_sha256=str(r["token_sha256"]),
        account_id=str(r["account_id"]),
        kind=str(r["kind"]),
        issuer_name=str(r["issuer_name"]),
        issuer_arn=str(r["issuer_arn"]),
        issuer_id=str(r["issuer_id"]),
        session_name=_opt(r["session_name"]),
        created_at=float(str(r["created_at"])),
        expires_at=float(str(r["expires_at"])),
        policy=_opt(r["policy"]),
        policy_arns=tuple(json.loads(str(r["policy_arns"]))),
        tags=tuple((str(k), str(v)) for k, v in tags),
        transitive_keys=tuple(json.loads(str(r["transitive_keys"]))),
        source_identity=_opt(r["source_identity"]),
        chained=bool(r["chained"]),
    )


def get(conn: Conn, access_key_id: str) -> SessionRecord | None:
    row = conn.one(_COLS + " WHERE access_key_id = ?", (access_key_id,))
    return None if row is None else _record(row)


def insert(conn: Conn, s: SessionRecord) -> None:
    conn.execute(
        "INSERT INTO iam_sessions (access_key_id, secret_access_key, token_sha256, account_id,"
        " kind, issuer_name, issuer_arn, issuer_id, session_name, created_at, expires_at,"
        " policy, policy_arns, tags, transitive_keys, source_identity, chained)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            s.access_key_id,
            s.secret_access_key,
            s.token_sha256,
            s.account_id,
            s.kind,
            s.issuer_name,
            s.issuer_arn,
            s.issuer_id,
            s.session_name,
            s.created_at,
            s.expires_at,
            s.policy,
            json.dumps(list(s.policy_arns)),
            json.dumps([list(t) for t in s.tags]),
            json.dumps(list(s.transitive_keys)),
            s.source_identity,
            s.chained,
        ),
    )


def purge_expired(conn: Conn, before: float) -> int:
    cur = conn.execute("DELETE FROM iam_sessions WHERE expires_at < ?", (before,))
    return cur.rowcount
