"""Endpoint addresses: one loopback address of its own per instance, kept for its life.

Every instance can use its engine's standard port (3306, 5432) as on AWS. 127.0.0.1 is
never used (it is everyone's), nor 127.0.1.x (Debian names the host 127.0.1.1): the
default range starts at 127.0.2.1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from fogbank.core.loopback import LoopbackRange, can_bind


@dataclass(frozen=True)
class AddressPool(LoopbackRange):
    first: str = "127.0.2.1"
    last: str = "127.0.127.254"
    what: ClassVar[str] = "RDS endpoint addresses"

    def allocate(
        self, used: set[str], port: int, probe: Callable[[str, int], bool] = can_bind
    ) -> str | None:
        """The first address neither taken by an instance nor bound by someone else."""
        for address in self.candidates():
            if address in used or address in ("127.0.0.1",):
                continue
            if probe(address, port):
                return address
        return None
