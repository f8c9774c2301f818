"""Writing a trail's files to its bucket: log files first, then the digests that list them.

Every file is stored (bytes included) in the same transaction that advances the trail's
cursor or digest chain, then written to S3, then marked delivered; a crash in between
writes the same bytes to the same key again. A failed write leaves the file pending (the
trail's status shows the error) and is retried on the next run.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from functools import partial

from fogbank.services.cloudtrail import digests, logfiles, planning
from fogbank.services.cloudtrail.destination import (
    DeliveryError,
    LogDestination,
    bucket_allows_delivery,
)
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.models import DIGEST_INTERVAL, LOG_INTERVAL, Trail
from fogbank.services.cloudtrail.store import events as event_store
from fogbank.services.cloudtrail.store import files as file_store
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.services.cloudtrail.store.events import PendingEvent
from fogbank.services.cloudtrail.store.files import Chain, Digest, LogFile
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.cloudtrail")

SIGNATURE_METADATA = "signature"
ALGORITHM_METADATA = "signature-algorithm"


class Shipper:
    def __init__(self, engine: Engine, chunk: int = 2000, max_digests: int = 2000) -> None:
        self._engine = engine
        self._chunk = chunk
        self._max_digests = max_digests

    # -- log files: plan -------------------------------------------------------------

    async def plan_logs(self, trail_id: int, now: float) -> None:
        db = self._engine.db
        while True:
            trail = await db.read(partial(trail_store.by_id, trail_id=trail_id))
            if trail is None:
                return
            boundary = None
            if trail.finalize_at is None:
                boundary = planning.grid_boundary(trail.next_slot, now)
                if boundary is None:
                    return  # no slot due yet: nothing to read
            pending = await db.read(
                partial(
                    event_store.after_cursor,
                    account_id=trail.account_id,
                    batch=trail.cursor_batch,
                    seq=trail.cursor_seq,
                    limit=self._chunk,
                    # the first event of a later slot ends this delivery (``planning``)
                    until_time=boundary,
                )
            )
            exhausted = len(pending) < self._chunk
            plan, made = await asyncio.to_thread(self._build, trail, pending, now, exhausted)
            if plan.cursor == (trail.cursor_batch, trail.cursor_seq) and (
                plan.next_slot == trail.next_slot
            ):
                return
            moved = await db.write(partial(self._commit, trail=trail, plan=plan, made=made))
            if not moved or exhausted:
                return

    def _build(
        self, trail: Trail, pending: list[PendingEvent], now: float, exhausted: bool
    ) -> tuple[planning.Plan, list[LogFile]]:
        plan = planning.plan(pending, trail, now, exhausted=exhausted)
        made: list[LogFile] = []
        for planned in plan.files:
            document = logfiles.log_document(planned.records)
            key = logfiles.log_key(
                trail.settings.key_prefix,
                trail.account_id,
                planned.region,
                planned.slot,
                logfiles.unique_suffix(),
            )
            made.append(
                LogFile(
                    id=0,
                    trail_id=trail.id,
                    region=planned.region,
                    bucket=trail.settings.bucket,
                    key=key,
                    body=logfiles.compress(document),
                    sha256=logfiles.sha256_hex(document),
                    oldest_event=planned.oldest,
                    newest_event=planned.newest,
                    slot_at=planned.slot,
                    delivered_at=None,
                    sse_kms_key=trail.settings.kms_key_id,
                )
            )
        return plan, made

    @staticmethod
    def _commit(conn: Conn, trail: Trail, plan: planning.Plan, made: list[LogFile]) -> bool:
        old = (trail.cursor_batch, trail.cursor_seq)
        if not trail_store.move_cursor(conn, trail.id, old, plan.cursor, plan.next_slot):
            return False
        for item in made:
            file_store.add_log(conn, item)
            if trail.settings.validation and (trail.logging or trail.finalize_at is not None):
                start = float(int(item.slot_at - LOG_INTERVAL))
                file_store.start_chain(conn, trail.id, item.region, start)
        return True

    # -- log files: write --------------------------------------------------------------

    async def deliver_logs(self, trail: Trail, now: float) -> bool:
        """Write the trail's pending log files; False when some could not be written."""
        db = self._engine.db
        pending = await db.read(partial(file_store.pending_logs, trail_id=trail.id))
        if not pending:
            return True
        chains = {c.region: c for c in await db.read(partial(file_store.chains, trail_id=trail.id))}
        checked: dict[str, str | None] = {}
        latest: float | None = None
        error: str | None = None
        for item in pending:
            if item.bucket not in checked:
                checked[item.bucket] = await self._bucket_error(trail, item.bucket)
            error = checked[item.bucket]
            if error is not None:
                break
            try:
                await self._put(
                    trail, item.bucket, item.key, item.body or b"", {}, item.sse_kms_key
                )
            except DeliveryError as exc:
                error = exc.code
                break
            chain = chains.get(item.region)
            digested = chain is not None and item.slot_at <= chain.last_end
            delivered_at = now if digested else item.slot_at
            keep = chain is not None and chain.active
            await db.write(
                partial(file_store.log_delivered, log_id=item.id, at=delivered_at, keep=keep)
            )
            latest = delivered_at if latest is None else max(latest, delivered_at)
        await db.write(
            partial(
                trail_store.delivery_status,
                trail_id=trail.id,
                attempt=now,
                delivered=latest,
                error=error,
            )
        )
        return error is None

    async def _bucket_error(self, trail: Trail, bucket: str) -> str | None:
        destination = self._engine.destination
        info = None if destination is None else await destination.bucket(bucket)
        if info is None:
            return "NoSuchBucket"
        allowed = bucket_allows_delivery(
            info,
            account_id=trail.account_id,
            key_prefix=trail.settings.key_prefix,
            trail_arn=trail.arn,
            region=trail.home_region,
            partition=self._engine.partition,
        )
        return None if allowed else "AccessDenied"

    async def _put(
        self,
        trail: Trail,
        bucket: str,
        key: str,
        body: bytes,
        metadata: dict[str, str],
        sse_kms_key: str | None,
    ) -> None:
        destination: LogDestination | None = self._engine.destination
        if destination is None:
            raise DeliveryError("NoSuchBucket")
        await destination.put_object(
            account_id=trail.account_id,
            bucket=bucket,
            key=key,
            body=body,
            metadata=metadata,
            sse_kms_key=sse_kms_key,
        )

    # -- digests -----------------------------------------------------------------------

    async def make_digests(self, trail: Trail, now: float) -> None:
        """Every digest due by ``now`` (and, for a stopping trail, its final one)."""
        db = self._engine.db
        limit = trail.finalize_at if trail.finalize_at is not None else now
        for chain in await db.read(partial(file_store.chains, trail_id=trail.id)):
            made = 0
            current: Chain | None = chain
            while (
                current is not None
                and current.active
                and current.last_end + DIGEST_INTERVAL <= limit
                and made < self._max_digests
            ):
                current = await self._digest(trail, current, current.last_end + DIGEST_INTERVAL)
                made += 1
            if (
                current is not None
                and current.active
                and trail.finalize_at is not None
                and current.last_end < trail.finalize_at
            ):
                await self._digest(trail, current, trail.finalize_at)

    async def _digest(self, trail: Trail, chain: Chain, end: float) -> Chain | None:
        db = self._engine.db
        key = logfiles.digest_key(
            trail.settings.key_prefix,
            trail.account_id,
            chain.region,
            trail.name,
            trail.home_region,
            end,
        )
        listed = await db.read(
            partial(
                file_store.delivered_between,
                trail_id=trail.id,
                region=chain.region,
                after=chain.last_end,
                until=end,
            )
        )
        signing_key = await self._engine.signing_key(chain.region, end)
        bucket = trail.settings.bucket
        built = await asyncio.to_thread(
            partial(
                digests.build,
                account_id=trail.account_id,
                bucket=bucket,
                key=key,
                start=chain.last_end,
                end=end,
                chain=chain,
                logs=listed,
                signing_key=signing_key,
            )
        )
        following = replace(
            chain,
            last_end=end,
            prev_bucket=bucket,
            prev_key=key,
            prev_hash=built.sha256,
            prev_signature=built.signature,
        )
        digest = Digest(
            id=0,
            trail_id=trail.id,
            region=chain.region,
            bucket=bucket,
            key=key,
            body=logfiles.compress(built.document),
            signature=built.signature,
            end_at=end,
            delivered_at=None,
        )
        ok = await db.write(partial(self._commit_digest, old=chain, new=following, digest=digest))
        return following if ok else None

    @staticmethod
    def _commit_digest(conn: Conn, old: Chain, new: Chain, digest: Digest) -> bool:
        current = file_store.chain(conn, old.trail_id, old.region)
        if current is None or not current.active or current.last_end != old.last_end:
            return False
        file_store.add_digest(conn, digest)
        file_store.advance_chain(conn, new)
        file_store.prune_logs(conn, old.trail_id, old.region, new.last_end)
        return True

    async def deliver_digests(self, trail: Trail) -> bool:
        db = self._engine.db
        pending = await db.read(partial(file_store.pending_digests, trail_id=trail.id))
        latest: float | None = None
        error: str | None = None
        checked: dict[str, str | None] = {}
        for digest in pending:
            if digest.bucket not in checked:
                checked[digest.bucket] = await self._bucket_error(trail, digest.bucket)
            error = checked[digest.bucket]
            if error is not None:
                break
            metadata = {
                SIGNATURE_METADATA: digest.signature,
                ALGORITHM_METADATA: "SHA256withRSA",
            }
            try:
                # Digest files are not KMS-encrypted (SSE-S3), whatever the trail's key.
                await self._put(
                    trail, digest.bucket, digest.key, digest.body or b"", metadata, None
                )
            except DeliveryError as exc:
                error = exc.code
                break
            await db.write(partial(file_store.digest_delivered, digest_id=digest.id))
            latest = digest.end_at if latest is None else max(latest, digest.end_at)
        if pending:
            await db.write(
                partial(trail_store.digest_status, trail_id=trail.id, delivered=latest, error=error)
            )
        return error is None
