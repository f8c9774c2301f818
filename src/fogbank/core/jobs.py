"""The shape of clock-driven background work, implemented by services, run by workers/."""

from __future__ import annotations

from typing import Protocol


class Job(Protocol):
    name: str

    async def run_due(self, now: float) -> None:
        """Do all work due at or before simulated epoch ``now``; idempotent, resumable."""
