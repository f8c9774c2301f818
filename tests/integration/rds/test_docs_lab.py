"""The lab in docs/rds.md works as written: its shell blocks, run in order with bash
against a fresh server (the ``eval "$(fogbank credentials)"`` line is replaced by the
test server's environment)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.integration.rds.clients import address_range
from tests.support import forkrun
from tests.support.server import FogbankServer

DOC = Path(__file__).resolve().parents[3] / "docs" / "rds.md"


def lab_script() -> str:
    text = DOC.read_text()
    lab = text[text.index("## Lab") : text.index("## The API")]
    blocks = re.findall(r"```sh\n(.*?)```", lab, flags=re.S)
    lines = [
        line for block in blocks for line in block.splitlines() if not line.startswith("eval ")
    ]
    return "\n".join(lines) + "\n"


def test_the_lab_runs_as_written(make_server: Callable[..., FogbankServer]) -> None:
    server = make_server(env={"FOGBANK_RDS_ADDRESSES": address_range()})
    env = server.cli_env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    shims = forkrun.shim_folder(forkrun.aws_cli(), env)  # `aws` forked from a zygote
    if shims is not None:
        env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", lab_script()],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, f"{out}\n{done.stderr}"
    assert "2\tox" in out  # the mysql table after insert, update and delete
    assert "1\thello" in out or "1 | hello" in out  # psql's table
    assert "refused by security group" in done.stderr
    assert "max_connections\t250" in out
    assert "back_log\t90" in out
    assert '"pending-reboot"' in out
    assert "InvalidParameterValue, as RDS answers" in out
    assert "recovered from an engine crash" in out
    assert out.count('"deleting"') == 2
