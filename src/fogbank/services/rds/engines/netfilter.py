"""Kernel routes: admitted connections go to the engine without passing through Python.

Security groups are packet filters on AWS; here they can be too. For every endpoint whose
engine accepts, this process's nftables table holds one rule: a connection to the
endpoint ``(address, port)`` from a network the instance's groups admit is rewritten
(DNAT) to the engine's own TCP listener, the endpoint's *twin* (see ``twin``). Everything
else still reaches the front, which admits it one by one as before and answers a refusal
in the client's protocol, naming the group. A second chain refuses any connection to a
twin that did not come through that rewrite, so the engine's listener does not bypass
the groups. The rules are a subset of what the front admits, and are replaced in one
transaction (``nft -f``) whenever the groups' rules or an engine's state change.

Needs root and the ``nft`` program (Debian package ``nftables``); without them, or with
``FOGBANK_RDS_KERNEL_ROUTES=off``, every byte goes through the front.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger("fogbank.rds.netfilter")

TABLE_PREFIX = "fogbank_rds_"
_OWNED = re.compile(re.escape(TABLE_PREFIX) + r"(\d+)$")

Runner = Callable[[Sequence[str], str], str]  # (argv, stdin) -> stdout; raises on failure


@dataclass(frozen=True)
class Route:
    """Connections to ``endpoint`` from ``sources`` go straight to ``engine``."""

    endpoint: tuple[str, int]
    engine: tuple[str, int]
    sources: tuple[str, ...]  # IPv4 networks, CIDR text


def twin(address: str) -> str:
    """The address an engine listens on behind endpoint ``address``: the same host part in
    the other half of 127.0.0.0/8 (127.0.2.1 -> 127.128.2.1), so the engine keeps the
    endpoint's port (what ``SHOW VARIABLES LIKE 'port'`` tells a client)."""
    a = ipaddress.IPv4Address(address)
    if not a.is_loopback:
        raise ValueError(f"not a loopback address: {address}")
    return str(ipaddress.IPv4Address(int(a) ^ (0x80 << 16)))


def run_nft(argv: Sequence[str], script: str) -> str:
    done = subprocess.run(
        list(argv), input=script, capture_output=True, text=True, check=False, timeout=30
    )
    if done.returncode != 0:
        raise OSError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _nets(sources: Sequence[str]) -> str:
    return ", ".join(sources)


def render(table: str, routes: Sequence[Route], guard: bool) -> str:
    """The whole table, replacing what was there (one ``nft -f`` transaction)."""
    lines = [
        f"table ip {table}",
        f"delete table ip {table}",
        f"table ip {table} {{",
        "  chain endpoints {",
        "    type nat hook output priority -100; policy accept;",
    ]
    for r in routes:
        if not r.sources:
            continue
        (addr, port), (eaddr, eport) = r.endpoint, r.engine
        lines.append(
            f"    ip daddr {addr} tcp dport {port} ip saddr {{ {_nets(r.sources)} }}"
            f" dnat to {eaddr}:{eport}"
        )
    lines += ["  }", "  chain guard {", "    type filter hook output priority 0; policy accept;"]
    if guard:
        for r in routes:
            eaddr, eport = r.engine
            match = f"ip daddr {eaddr} tcp dport {eport} ct direction original"
            lines.append(f"    {match} ct status dnat accept")
            lines.append(f"    {match} reject with tcp reset")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


class KernelRoutes:
    """This process's nftables table (``fogbank_rds_<pid>``); blocking calls (threads)."""

    def __init__(self, nft: str, *, guard: bool = True, runner: Runner = run_nft) -> None:
        self.nft = nft
        self.guard = guard  # False only for benchmarks that reach the engine directly
        self.table = f"{TABLE_PREFIX}{os.getpid()}"
        self._runner = runner
        self._applied: str | None = None
        self._touched = False
        self._refused: str | None = None  # not retried until the routes change

    @classmethod
    def detect(cls, setting: str | None, *, guard: bool = True) -> KernelRoutes | None:
        """On when root and ``nft`` is installed (``setting``: "auto"/None, "on", "off")."""
        mode = (setting or "auto").lower()
        if mode == "off":
            return None
        nft = shutil.which("nft") or next(
            (p for p in ("/usr/sbin/nft", "/sbin/nft") if os.access(p, os.X_OK)), None
        )
        if nft is None or os.geteuid() != 0:
            if mode == "on":
                log.warning("RDS kernel routes need root and nft; using the front only")
            return None
        return cls(nft, guard=guard)

    def sweep(self) -> None:
        """Drop tables left by fogbank processes that died without cleaning up (kill -9)."""
        try:
            listed = json.loads(self._runner([self.nft, "-j", "list", "tables"], ""))
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            log.debug("nft list tables: %s", exc)
            return
        for item in listed.get("nftables", ()):
            name = str(item.get("table", {}).get("name", ""))
            found = _OWNED.match(name)
            if found is None or name == self.table or _alive(int(found.group(1))):
                continue
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                self._runner([self.nft, "-f", "-"], f"delete table ip {name}\n")
                log.info("dropped stale RDS kernel routes %s", name)

    def _render(self, routes: Sequence[Route]) -> str:
        return render(self.table, sorted(routes, key=lambda r: r.endpoint), self.guard)

    def changed(self, routes: Sequence[Route]) -> bool:
        """Whether ``write(routes)`` has anything to do (cheap: no nft call)."""
        return self._render(routes) not in (self._applied, self._refused)

    def write(self, routes: Sequence[Route]) -> None:
        """Make the table hold exactly ``routes`` (blocking). When nft refuses, the table
        keeps only the guards (no route: every connection goes through the front, which
        decides afresh, and no engine listener is reachable around it); if even that is
        refused, the table is dropped. The refused routes are not retried until they
        change."""
        self._touched = True
        script = self._render(routes)
        try:
            self._runner([self.nft, "-f", "-"], script)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("RDS kernel routes not applied (the front serves all): %s", exc)
            self._refused = script
            guards = self._render([Route(r.endpoint, r.engine, ()) for r in routes])
            try:
                self._runner([self.nft, "-f", "-"], guards)
                self._applied = guards
            except (OSError, subprocess.SubprocessError) as again:
                log.error("RDS kernel routes: even the guards were refused: %s", again)
                self._applied = None
                self._drop()
            return
        self._applied, self._refused = script, None

    def close(self) -> None:
        if self._touched:
            self._applied = None
            self._drop()

    def _drop(self) -> None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            script = f"table ip {self.table}\ndelete table ip {self.table}\n"
            self._runner([self.nft, "-f", "-"], script)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
