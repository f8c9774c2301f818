"""Loopback address ranges: where fogbank gives RDS endpoints and EFS mount targets an
address of their own. All of 127.0.0.0/8 is loopback on Linux, so ``127.x.y.z`` needs no
set-up and every listener can keep its service's standard port."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Self

_UPPER_HALF = int(ipaddress.IPv4Address("127.128.0.0"))


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
class LoopbackRange:
    """``first`` to ``last``, both loopback, in order."""

    first: str
    last: str
    what: ClassVar[str] = "addresses"  # for error messages: whose range this is

    @classmethod
    def parse(cls, text: str) -> Self:
        """``127.0.9.1-127.0.9.254`` (ValueError unless both ends are loopback, in order)."""
        first, sep, last = text.partition("-")
        try:
            lo = ipaddress.IPv4Address(first.strip())
            hi = ipaddress.IPv4Address((last if sep else first).strip())
        except ValueError:
            raise ValueError(f"{cls.what}: not FIRST-LAST: {text!r}") from None
        if not (lo.is_loopback and hi.is_loopback and lo <= hi):
            raise ValueError(f"{cls.what} must be a loopback range: {text!r}")
        return cls(str(lo), str(hi))

    def bounds(self) -> tuple[int, int]:
        return int(ipaddress.IPv4Address(self.first)), int(ipaddress.IPv4Address(self.last))

    def contains(self, address: str) -> bool:
        try:
            n = int(ipaddress.IPv4Address(address))
        except ValueError:
            return False
        lo, hi = self.bounds()
        return lo <= n <= hi

    def in_lower_half(self) -> bool:
        """Whether every address lies in 127.0.0.0/9 (RDS kernel routes put an engine's
        own listener at the same host part in 127.128.0.0/9)."""
        return self.bounds()[1] < _UPPER_HALF

    def candidates(self, start: int = 0) -> Iterator[str]:
        """Every usable address of the range (no .0 or .255), from the ``start``-th one,
        wrapping around."""
        lo, hi = self.bounds()
        size = hi - lo + 1
        for i in range(size):
            n = lo + (start + i) % size
            if n & 0xFF in (0, 255):
                continue
            yield str(ipaddress.IPv4Address(n))
