"""What CloudTrail's operations and jobs work with, built once per gateway process."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from functools import partial

from fogbank.core.clock import Clock
from fogbank.services.cloudtrail import signing
from fogbank.services.cloudtrail.destination import KeyResolver, LogDestination
from fogbank.services.cloudtrail.store import keys as key_store
from fogbank.storage.db import Database


@dataclass(frozen=True)
class Engine:
    db: Database
    clock: Clock
    # Where trails deliver (the S3 adapter); None while no S3 is wired: every bucket is
    # then reported missing, so no trail can be created.
    destination: LogDestination | None = None
    # KMS keys for encrypted trails; None: KmsKeyId is checked for form only.
    keys: KeyResolver | None = None
    partition: str = "aws"

    def now(self) -> float:
        return self.clock.time()

    async def signing_key(self, region: str, at: float) -> signing.SigningKey:
        """The region's key pair for the period containing ``at``, made on first use."""
        found = await self.db.read(partial(key_store.covering, region=region, at=at))
        if found is not None:
            return found
        fresh = await asyncio.to_thread(signing.generate, region, at)
        with contextlib.suppress(Exception):  # another process stored its key first
            await self.db.write(partial(key_store.add, key=fresh))
        found = await self.db.read(partial(key_store.covering, region=region, at=at))
        assert found is not None
        return found
