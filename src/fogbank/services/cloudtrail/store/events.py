"""Recorded events: batch inserts (the recorder's writes), LookupEvents queries, claims for
delivery, and the purge of what no one needs any more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from fogbank.services.cloudtrail.events import EventRow
from fogbank.storage.db import Conn, Row

_EVENT_COLUMNS = (
    "event_id, account_id, region, event_time, event_name, event_source, username,"
    " access_key_id, read_only, management, record"
)
_ROWS_PER_STATEMENT = 100


def insert(conn: Conn, rows: Sequence[EventRow]) -> None:
    """Insert a batch of events and their resources (multi-row statements)."""
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        params: list[object] = []
        for row in chunk:
            params += [
                row.event_id,
                row.account_id,
                row.region,
                row.event_time,
                row.event_name,
                row.event_source,
                row.username,
                row.access_key_id,
                row.read_only,
                row.management,
                row.record,
            ]
        conn.execute(f"INSERT INTO cloudtrail_events ({_EVENT_COLUMNS}) VALUES {values}", params)  # noqa: S608
        resources = [(row, r) for row in chunk if row.management for r in row.resources]
        if resources:
            marks = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(resources))
            res_params: list[object] = []
            for row, res in resources:
                res_params += [
                    row.event_id,
                    row.account_id,
                    row.region,
                    row.event_time,
                    res.type,
                    res.name,
                ]
            conn.execute(
                "INSERT INTO cloudtrail_event_resources (event_id, account_id, region,"  # noqa: S608
                f" event_time, resource_type, resource_name) VALUES {marks}",
                res_params,
            )


# -- LookupEvents ----------------------------------------------------------------------


@dataclass(frozen=True)
class LookupQuery:
    account_id: str
    region: str
    start: float
    end: float
    attribute: tuple[str, str] | None  # (AttributeKey, AttributeValue)
    limit: int
    after: tuple[float, int] | None = None  # (event_time, seq) of the last event returned


@dataclass(frozen=True)
class FoundEvent:
    seq: int
    event_id: str
    event_name: str
    event_time: float
    event_source: str
    username: str | None
    access_key_id: str | None
    read_only: bool
    record: str
    resources: tuple[tuple[str, str], ...]  # (type, name)


_SIMPLE_ATTRIBUTES = {
    "EventName": "e.event_name",
    "EventSource": "e.event_source",
    "Username": "e.username",
    "AccessKeyId": "e.access_key_id",
    "EventId": "e.event_id",
}
_RESOURCE_ATTRIBUTES = {"ResourceType": "r.resource_type", "ResourceName": "r.resource_name"}


def lookup(conn: Conn, query: LookupQuery) -> list[FoundEvent]:
    """Management events, newest first, at most ``limit``."""
    source = "cloudtrail_events e"
    where = [
        "e.account_id = ?",
        "e.region = ?",
        "e.management = ?",
        "e.event_time >= ?",
        "e.event_time <= ?",
    ]
    params: list[object] = [query.account_id, query.region, True, query.start, query.end]
    order = "e.event_time DESC, e.seq DESC"
    if query.attribute is not None:
        key, value = query.attribute
        if key in _SIMPLE_ATTRIBUTES:
            where.append(f"{_SIMPLE_ATTRIBUTES[key]} = ?")
            params.append(value)
        elif key == "ReadOnly":
            if value not in ("true", "false"):
                return []
            where.append("e.read_only = ?")
            params.append(value == "true")
        elif key in _RESOURCE_ATTRIBUTES:
            # Driven by the (rarer) resource rows, newest first.
            source = (
                "cloudtrail_event_resources r JOIN cloudtrail_events e ON e.event_id = r.event_id"
            )
            where = [
                "r.account_id = ?",
                "r.region = ?",
                f"{_RESOURCE_ATTRIBUTES[key]} = ?",
                "r.event_time >= ?",
                "r.event_time <= ?",
                "e.management = ?",
            ]
            params = [query.account_id, query.region, value, query.start, query.end, True]
            order = "r.event_time DESC, e.seq DESC"
        else:
            return []
    if query.after is not None:
        where.append("(e.event_time < ? OR (e.event_time = ? AND e.seq < ?))")
        params += [query.after[0], query.after[0], query.after[1]]
    sql = (
        "SELECT e.seq, e.event_id, e.event_name, e.event_time, e.event_source, e.username,"  # noqa: S608
        f" e.access_key_id, e.read_only, e.record FROM {source} WHERE "
        + " AND ".join(where)
        + f" ORDER BY {order} LIMIT ?"
    )
    params.append(query.limit)
    rows = conn.all(sql, params)
    if not rows:
        return []
    ids = [str(r["event_id"]) for r in rows]
    marks = ", ".join("?" * len(ids))
    found: dict[str, list[tuple[str, str]]] = {}
    for res in conn.all(
        "SELECT event_id, resource_type, resource_name FROM cloudtrail_event_resources"  # noqa: S608
        f" WHERE event_id IN ({marks})",
        ids,
    ):
        found.setdefault(str(res["event_id"]), []).append(
            (str(res["resource_type"]), str(res["resource_name"]))
        )
    return [
        FoundEvent(
            seq=int(str(r["seq"])),
            event_id=str(r["event_id"]),
            event_name=str(r["event_name"]),
            event_time=float(str(r["event_time"])),
            event_source=str(r["event_source"]),
            username=None if r["username"] is None else str(r["username"]),
            access_key_id=None if r["access_key_id"] is None else str(r["access_key_id"]),
            read_only=bool(r["read_only"]),
            record=str(r["record"]),
            resources=tuple(found.get(str(r["event_id"]), ())),
        )
        for r in rows
    ]


# -- delivery ----------------------------------------------------------------------------


def claim(conn: Conn) -> int:
    """Number every unclaimed event with the next batch number; returns the newest batch
    number in use (0 before the first claim). Runs under the scheduler's lease."""
    current = conn.scalar(
        "SELECT value FROM cloudtrail_counters WHERE name = 'batch'"  # noqa: S608
        + conn.dialect.for_update
    )
    last = int(str(current)) if current is not None else 0
    claimed = conn.execute(
        "UPDATE cloudtrail_events SET batch = ? WHERE batch IS NULL", (last + 1,)
    ).rowcount
    if claimed <= 0:
        return last
    if current is None:
        conn.execute("INSERT INTO cloudtrail_counters (name, value) VALUES ('batch', ?)", (1,))
    else:
        conn.execute("UPDATE cloudtrail_counters SET value = ? WHERE name = 'batch'", (last + 1,))
    return last + 1


def last_batch(conn: Conn) -> int:
    value = conn.scalar("SELECT value FROM cloudtrail_counters WHERE name = 'batch'")
    return int(str(value)) if value is not None else 0


class PendingEvent(NamedTuple):
    """A claimed event as delivery reads it (a named tuple: thousands are made per
    delivery, and a frozen dataclass's ``__init__`` costs several times more)."""

    batch: int
    seq: int
    account_id: str
    region: str
    event_time: float
    event_name: str
    event_source: str
    read_only: bool
    management: bool
    record: str


_PAST_CURSOR = "account_id = ? AND batch >= ? AND (batch > ? OR seq > ?)"


def after_cursor(
    conn: Conn,
    account_id: str,
    batch: int,
    seq: int,
    limit: int,
    until_time: float | None = None,
) -> list[PendingEvent]:
    """Claimed events of an account past a trail's cursor, in (batch, seq) order.

    With ``until_time``, only those before the first one (in that order) whose time is
    ``until_time`` or later: a slot's delivery stops there, and what follows waits for a
    later slot, so reading (and decoding) it now would be wasted.

    ``batch >= ?`` is what starts the index range at the cursor (with only the OR, SQLite
    walked the account's whole history from its first claimed event on every call)."""
    where, params = _PAST_CURSOR, [account_id, batch, batch, seq]
    if until_time is not None:
        # Looked for among the next ``limit`` events only: a backlog (events claimed from
        # before the trail started, say) is read a chunk at a time, and a search through
        # all of it for every chunk would cost its square.
        stop = conn.one(
            "SELECT batch, seq FROM (SELECT batch, seq, event_time FROM cloudtrail_events"  # noqa: S608
            f" WHERE {_PAST_CURSOR} ORDER BY batch, seq LIMIT ?) AS ahead"
            " WHERE event_time >= ? ORDER BY batch, seq LIMIT 1",
            (*params, limit, until_time),
        )
        if stop is not None:
            stop_batch = _int(stop["batch"])
            where += " AND batch <= ? AND (batch < ? OR seq < ?)"
            params += [stop_batch, stop_batch, _int(stop["seq"])]
    rows = conn.all(
        "SELECT batch, seq, account_id, region, event_time, event_name, event_source,"  # noqa: S608
        f" read_only, management, record FROM cloudtrail_events WHERE {where}"
        " ORDER BY batch, seq LIMIT ?",
        (*params, limit),
    )
    return [
        PendingEvent(
            batch=_int(r["batch"]),
            seq=_int(r["seq"]),
            account_id=str(r["account_id"]),
            region=str(r["region"]),
            event_time=_float(r["event_time"]),
            event_name=str(r["event_name"]),
            event_source=str(r["event_source"]),
            read_only=bool(r["read_only"]),
            management=bool(r["management"]),
            record=str(r["record"]),
        )
        for r in rows
    ]


def _int(value: object) -> int:
    return value if isinstance(value, int) else int(str(value))


def _float(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else float(str(value))


# -- retention -------------------------------------------------------------------------


def purge_before(conn: Conn, cutoff: float, limit: int = 5000) -> int:
    """Delete up to ``limit`` events older than ``cutoff``; returns how many."""
    rows = conn.all(
        "SELECT seq, event_id FROM cloudtrail_events WHERE event_time < ? LIMIT ?",
        (cutoff, limit),
    )
    return _delete(conn, rows)


def purge_delivered_data(
    conn: Conn, cursor: tuple[int, int] | None, before: float, limit: int = 5000
) -> int:
    """Delete data events no trail will deliver any more: those every delivering trail's
    ``cursor`` has passed, or, when no trail delivers (``cursor`` None), those recorded
    before ``before``. They are not in the event history."""
    if cursor is None:
        rows = conn.all(
            "SELECT seq, event_id FROM cloudtrail_events WHERE NOT management"
            " AND event_time < ? LIMIT ?",
            (before, limit),
        )
        return _delete(conn, rows)
    batch, seq = cursor
    rows = conn.all(
        "SELECT seq, event_id FROM cloudtrail_events WHERE NOT management"
        " AND batch IS NOT NULL AND (batch < ? OR (batch = ? AND seq <= ?)) LIMIT ?",
        (batch, batch, seq, limit),
    )
    return _delete(conn, rows)


def _delete(conn: Conn, rows: list[Row]) -> int:
    if not rows:
        return 0
    seqs = [r["seq"] for r in rows]
    ids = [r["event_id"] for r in rows]
    marks = ", ".join("?" * len(rows))
    conn.execute(f"DELETE FROM cloudtrail_event_resources WHERE event_id IN ({marks})", ids)  # noqa: S608
    conn.execute(f"DELETE FROM cloudtrail_events WHERE seq IN ({marks})", seqs)  # noqa: S608
    return len(rows)
