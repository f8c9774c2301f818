"""Mount-target addresses: one loopback address of its own per mount target, kept for
its life, like RDS endpoints. All of 127.0.0.0/8 is loopback on Linux, so ``127.0.x.y``
needs no set-up and every mount target can listen on NFS's port 2049.

The default range, 127.0.128.1-127.0.255.254, is apart from RDS's first addresses;
``FOGBANK_EFS_ADDRESSES=FIRST-LAST`` picks another. A new mount target gets a free
address from a random place in the range (as EFS picks one from its subnet), so that
several fogbank servers on one machine rarely reach for the same one; an address
someone else listens on is skipped.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from fogbank.core.loopback import LoopbackRange, can_bind

DEFAULT_RANGE = "127.0.128.1-127.0.255.254"


@dataclass(frozen=True)
class AddressPool(LoopbackRange):
    first: str = "127.0.128.1"
    last: str = "127.0.255.254"
    what: ClassVar[str] = "EFS mount target addresses"

    def allocate(
        self,
        used: set[str],
        port: int,
        probe: Callable[[str, int], bool] = can_bind,
        start: int | None = None,
    ) -> str | None:
        """A free address: neither taken by a mount target nor bound by someone else,
        searching from ``start`` (random by default)."""
        lo, hi = self.bounds()
        if start is None:
            start = random.randrange(hi - lo + 1)  # spreads servers apart; not a secret
        for address in self.candidates(start):
            if address in used or address in ("127.0.0.1",) or address.startswith("127.0.1."):
                continue
            if probe(address, port):
                return address
        return None
