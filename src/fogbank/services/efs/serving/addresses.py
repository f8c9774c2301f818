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

import ipaddress
import random
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DEFAULT_RANGE = "127.0.128.1-127.0.255.254"


def can_bind(address: str, port: int) -> bool:
    """True when nothing else listens on ``(address, port)`` (or on the wildcard)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class AddressPool:
    first: str = "127.0.128.1"
    last: str = "127.0.255.254"

    @classmethod
    def parse(cls, text: str) -> AddressPool:
        """``127.0.9.1-127.0.9.254`` (ValueError unless both ends are loopback, in order)."""
        first, sep, last = text.partition("-")
        try:
            lo = ipaddress.IPv4Address(first.strip())
            hi = ipaddress.IPv4Address((last if sep else first).strip())
        except ValueError:
            raise ValueError(f"EFS mount target addresses: not FIRST-LAST: {text!r}") from None
        if not (lo.is_loopback and hi.is_loopback and lo <= hi):
            raise ValueError(f"EFS mount target addresses must be a loopback range: {text!r}")
        return cls(str(lo), str(hi))

    def contains(self, address: str) -> bool:
        try:
            n = int(ipaddress.IPv4Address(address))
        except ValueError:
            return False
        return int(ipaddress.IPv4Address(self.first)) <= n <= int(ipaddress.IPv4Address(self.last))

    def candidates(self, start: int = 0) -> Iterator[str]:
        """Every usable address of the range, from the ``start``-th one, wrapping around."""
        lo = int(ipaddress.IPv4Address(self.first))
        hi = int(ipaddress.IPv4Address(self.last))
        size = hi - lo + 1
        for i in range(size):
            n = lo + (start + i) % size
            if n & 0xFF in (0, 255):
                continue
            yield str(ipaddress.IPv4Address(n))

    def allocate(
        self,
        used: set[str],
        port: int,
        probe: Callable[[str, int], bool] = can_bind,
        start: int | None = None,
    ) -> str | None:
        """A free address: neither taken by a mount target nor bound by someone else,
        searching from ``start`` (random by default)."""
        lo = int(ipaddress.IPv4Address(self.first))
        hi = int(ipaddress.IPv4Address(self.last))
        if start is None:
            start = random.randrange(hi - lo + 1)  # spreads servers apart; not a secret
        for address in self.candidates(start):
            if address in used or address in ("127.0.0.1",) or address.startswith("127.0.1."):
                continue
            if probe(address, port):
                return address
        return None
