"""Delivering access log records as log objects in their target buckets, on the fogbank
clock (every ``interval_s`` simulated seconds, default 5 minutes).

Exactly once, across restarts: a log object is planned first (one transaction gives its
rows their object key), then written through the in-process S3 client, then its rows are
deleted. A crash in between writes the same lines to the same key again on the next
run, which replaces the object; no record is written twice as two objects, none is lost.
Records whose target bucket has gone are dropped (S3 delivers on a best-effort basis).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from fogbank.core.errors import AwsError
from fogbank.services.s3.client import S3Client
from fogbank.storage.db import Conn, Database

log = logging.getLogger("fogbank.s3.access_logs")

_UPDATE_CHUNK = 500


@dataclass(frozen=True)
class _Pending:
    id: int
    source_bucket: str
    source_account: str
    source_region: str
    target_bucket: str
    target_prefix: str
    partitioned: bool
    date_source: str
    event_time: float


def object_key(first: _Pending, delivered_at: float, unique: str) -> str:
    """``TargetPrefix + YYYY-mm-DD-HH-MM-SS-UniqueString``, or the partitioned form
    ``TargetPrefix + account/region/bucket/YYYY/MM/DD/YYYY-mm-DD-HH-MM-SS-UniqueString``."""
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(delivered_at))
    name = f"{stamp}-{unique}"
    if not first.partitioned:
        return first.target_prefix + name
    dated = first.event_time if first.date_source == "EventTime" else delivered_at
    day = time.strftime("%Y/%m/%d", time.gmtime(dated))
    return (
        f"{first.target_prefix}{first.source_account}/{first.source_region}/"
        f"{first.source_bucket}/{day}/{name}"
    )


class AccessLogDelivery:
    name = "s3.access-logs"

    def __init__(
        self, db: Database, client: S3Client, interval_s: float = 300.0, batch: int = 5000
    ) -> None:
        self._db = db
        self._client = client
        self._interval_s = interval_s
        self._batch = batch
        self._next = 0.0

    async def run_due(self, now: float) -> None:
        if now < self._next:
            return
        self._next = now + self._interval_s
        await self._deliver_planned()
        while await self._db.write(lambda conn: self._plan(conn, now)):
            await self._deliver_planned()

    def _plan(self, conn: Conn, now: float) -> int:
        rows = conn.all(
            """SELECT id, source_bucket, source_account, source_region, target_bucket,
                      target_prefix, partitioned, date_source, event_time
               FROM s3_access_log_outbox WHERE delivery_key IS NULL ORDER BY id LIMIT ?""",
            (self._batch,),
        )
        groups: dict[tuple[object, ...], list[_Pending]] = {}
        for row in rows:
            item = _Pending(
                int(str(row["id"])), str(row["source_bucket"]), str(row["source_account"]),
                str(row["source_region"]), str(row["target_bucket"]), str(row["target_prefix"]),
                bool(row["partitioned"]), str(row["date_source"]), float(str(row["event_time"])),
            )  # fmt: skip
            day = int(item.event_time // 86400) if item.partitioned else 0
            group = (item.target_bucket, item.target_prefix, item.partitioned,
                     item.date_source, item.source_bucket, day)  # fmt: skip
            groups.setdefault(group, []).append(item)
        for items in groups.values():
            key = object_key(items[0], now, secrets.token_hex(8).upper())
            ids = [item.id for item in items]
            for start in range(0, len(ids), _UPDATE_CHUNK):
                chunk = ids[start : start + _UPDATE_CHUNK]
                marks = ", ".join("?" for _ in chunk)
                conn.execute(
                    f"UPDATE s3_access_log_outbox SET delivery_key = ? WHERE id IN ({marks})",  # noqa: S608
                    (key, *chunk),
                )
        return len(rows)

    async def _deliver_planned(self) -> None:
        planned = await self._db.read(
            lambda conn: [
                (str(row["target_bucket"]), str(row["delivery_key"]))
                for row in conn.all(
                    """SELECT DISTINCT target_bucket, delivery_key FROM s3_access_log_outbox
                       WHERE delivery_key IS NOT NULL"""
                )
            ]
        )
        for bucket, key in planned:
            await self._deliver(bucket, key)

    async def _deliver(self, bucket: str, key: str) -> None:
        lines = await self._db.read(
            lambda conn: [
                str(row["line"])
                for row in conn.all(
                    """SELECT line FROM s3_access_log_outbox
                       WHERE delivery_key = ? AND target_bucket = ? ORDER BY id""",
                    (key, bucket),
                )
            ]
        )
        body = "".join(f"{line}\n" for line in lines).encode()
        try:
            await self._client.put_object(bucket, key, body, content_type="text/plain")
        except AwsError as err:
            if err.code != "NoSuchBucket":
                log.warning("access logs: writing s3://%s/%s failed (%s)", bucket, key, err.code)
                return
            log.warning("access logs: target bucket %s is gone; records dropped", bucket)
        except Exception:
            log.exception("access logs: writing s3://%s/%s failed; will retry", bucket, key)
            return
        await self._db.write(
            lambda conn: conn.execute(
                "DELETE FROM s3_access_log_outbox WHERE delivery_key = ? AND target_bucket = ?",
                (key, bucket),
            )
        )
