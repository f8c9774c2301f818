"""Kernel routes without the kernel: the nft scripts, and what happens when nft refuses."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence

import pytest

from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.engines.netfilter import KernelRoutes, Route, render, twin


class Nft:
    """Records what would be run; fails the calls it is told to."""

    def __init__(self, tables: Sequence[str] = ()) -> None:
        self.scripts: list[str] = []
        self.fail = False
        self.tables = list(tables)

    def __call__(self, argv: Sequence[str], script: str) -> str:
        if list(argv[1:]) == ["-j", "list", "tables"]:
            return json.dumps({"nftables": [{"table": {"name": n}} for n in self.tables]})
        if self.fail and "dnat to" in script:
            raise OSError("nft: Error: syntax error")
        self.scripts.append(script)
        return ""


ROUTE = Route(("127.0.2.1", 3306), ("127.128.2.1", 3306), ("127.0.0.1/32", "127.0.9.0/24"))


def test_twin_is_the_other_half_of_loopback() -> None:
    assert twin("127.0.2.1") == "127.128.2.1"
    assert twin("127.128.2.1") == "127.0.2.1"
    with pytest.raises(ValueError):
        twin("10.0.0.1")


def test_the_script_replaces_the_whole_table_in_one_transaction() -> None:
    script = render("fogbank_rds_1", [ROUTE], guard=True)
    lines = script.splitlines()
    # creating then deleting first makes "delete" valid when the table is not there yet
    assert lines[:2] == ["table ip fogbank_rds_1", "delete table ip fogbank_rds_1"]
    assert (
        "ip daddr 127.0.2.1 tcp dport 3306 ip saddr { 127.0.0.1/32, 127.0.9.0/24 }"
        " dnat to 127.128.2.1:3306"
    ) in script
    direct = "ip daddr 127.128.2.1 tcp dport 3306 ct direction original"
    assert f"{direct} ct status dnat accept" in script
    assert f"{direct} reject with tcp reset" in script
    assert script.index("ct status dnat accept") < script.index("reject with tcp reset")


def test_no_admitted_network_means_no_route_but_still_a_guard() -> None:
    closed = Route(ROUTE.endpoint, ROUTE.engine, ())
    script = render("t", [closed], guard=True)
    assert "dnat" not in script.replace("ct status dnat", "")
    assert "reject with tcp reset" in script
    assert "reject" not in render("t", [closed], guard=False)


def test_unchanged_routes_are_not_written_again() -> None:
    nft = Nft()
    routes = KernelRoutes("nft", runner=nft)
    assert routes.changed([ROUTE])
    routes.write([ROUTE])
    assert not routes.changed([ROUTE])
    assert routes.changed([])
    routes.close()
    assert nft.scripts[-1].endswith(f"delete table ip {routes.table}\n")


def test_refused_routes_leave_only_the_guards_and_are_not_retried() -> None:
    nft = Nft()
    routes = KernelRoutes("nft", runner=nft)
    nft.fail = True
    routes.write([ROUTE])
    assert len(nft.scripts) == 1
    kept = nft.scripts[0]
    assert "reject with tcp reset" in kept and "dnat to" not in kept
    assert not routes.changed([ROUTE])  # the same routes: not tried again
    assert routes.changed([])  # other routes are


def test_when_even_the_guards_are_refused_the_table_is_dropped() -> None:
    def refuse_all(argv: Sequence[str], script: str) -> str:
        if "delete table" in script and "chain" not in script:
            dropped.append(script)
            return ""
        raise OSError("nft: Error: Could not process rule")

    dropped: list[str] = []
    routes = KernelRoutes("nft", runner=refuse_all)
    routes.write([ROUTE])
    assert dropped == [f"table ip {routes.table}\ndelete table ip {routes.table}\n"]


def test_sweep_drops_only_tables_of_dead_processes() -> None:
    dead = _dead_pid()
    mine = f"fogbank_rds_{os.getpid()}"
    nft = Nft([mine, f"fogbank_rds_{dead}", f"fogbank_rds_{os.getppid()}", "filter"])
    KernelRoutes("nft", runner=nft).sweep()
    assert nft.scripts == [f"delete table ip fogbank_rds_{dead}\n"]


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def test_only_pools_in_the_lower_half_can_have_twins() -> None:
    # A pool's twins must not be addresses another pool hands out.
    assert AddressPool().in_lower_half()
    assert AddressPool.parse("127.64.0.1-127.127.255.254").in_lower_half()
    assert not AddressPool.parse("127.0.2.1-127.128.0.1").in_lower_half()
    assert not AddressPool.parse("127.200.0.1-127.200.0.9").in_lower_half()
    lower = AddressPool.parse("127.0.2.1-127.0.2.9")
    assert all(not AddressPool(twin(a), twin(a)).in_lower_half() for a in lower.candidates())
