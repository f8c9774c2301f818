"""Endpoint addresses: one loopback address of its own per instance, kept for its life.

All of 127.0.0.0/8 is loopback on Linux, so ``127.0.x.y`` needs no set-up, and every
instance can use its engine's standard port (3306, 5432) as on AWS. 127.0.0.1 is never
used (it is everyone's), nor 127.0.1.x (Debian names the host 127.0.1.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass


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
    first: str = "127.0.2.1"
    last: str = "127.0.127.254"

    @classmethod
    def parse(cls, text: str) -> AddressPool:
        """``127.0.9.1-127.0.9.254`` (ValueError unless both ends are loopback, in order)."""
        first, sep, last = text.partition("-")
        try:
            lo = ipaddress.IPv4Address(first.strip())
            hi = ipaddress.IPv4Address((last if sep else first).strip())
        except ValueError:
            raise ValueError(f"RDS endpoint addresses: not FIRST-LAST: {text!r}") from None
        if not (lo.is_loopback and hi.is_loopback and lo <= hi):
            raise ValueError(f"RDS endpoint addresses must be a loopback range: {text!r}")
        return cls(str(lo), str(hi))

    def in_lower_half(self) -> bool:
        """Whether every address lies in 127.0.0.0/9, so that none is another's twin
        (engines/netfilter.twin: the same host part in 127.128.0.0/9)."""
        return int(ipaddress.IPv4Address(self.last)) < int(ipaddress.IPv4Address("127.128.0.0"))

    def candidates(self) -> Iterator[str]:
        lo = int(ipaddress.IPv4Address(self.first))
        hi = int(ipaddress.IPv4Address(self.last))
        for n in range(lo, hi + 1):
            if n & 0xFF in (0, 255):
                continue
            yield str(ipaddress.IPv4Address(n))

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
