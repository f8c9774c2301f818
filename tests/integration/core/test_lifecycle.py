"""Starting, stopping, restarting: the server as a process."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import forkrun
from tests.support.server import ACCOUNT_ID, FogbankServer


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_sigterm_stops_cleanly_and_ephemeral_dir_is_removed(
    make_server: Callable[..., FogbankServer],
) -> None:
    srv = make_server(extra_args=["--ephemeral"], workers=2)
    data_dir = re.search(r"data dir (\S+?),", "".join(srv.output))
    assert data_dir is not None
    temp = Path(data_dir.group(1))
    assert temp.exists() and temp != srv.data_dir
    children = _children(srv.pid)
    assert len(children) == 1  # one more worker for two
    assert srv.stop(signal.SIGTERM) == 0
    assert not temp.exists()
    for pid in children:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )


def test_ctrl_c_stops_cleanly(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server()
    assert srv.stop(signal.SIGINT) == 0


def test_dead_worker_is_replaced(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server(workers=2)
    (worker,) = _children(srv.pid)
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = [p for p in _children(srv.pid) if p != worker]
        if now:
            break
        time.sleep(0.2)
    assert now, "the worker was not restarted"
    for _ in range(20):  # every request is served while and after it restarts
        assert srv.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID


def test_generated_root_key_is_printed_once_and_kept(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    env = {"FOGBANK_ROOT_ACCESS_KEY_ID": "", "FOGBANK_ROOT_SECRET_ACCESS_KEY": ""}
    srv = make_server(data_dir=tmp_path / "d", env=env)
    first = "".join(srv.output)
    key = re.search(r"AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})", first)
    secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", first)
    assert key and secret
    kept = tmp_path / "d" / "root-credentials.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert json.loads(kept.read_text())["access_key_id"] == key.group(1)
    ident = srv.client(
        "sts", aws_access_key_id=key.group(1), aws_secret_access_key=secret.group(1)
    ).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    srv.stop()
    again = make_server(data_dir=tmp_path / "d", env=env, metadata_url=srv.metadata_url)
    assert "AWS_SECRET_ACCESS_KEY=" not in "".join(again.output)
    ident = again.client(
        "sts", aws_access_key_id=key.group(1), aws_secret_access_key=secret.group(1)
    ).get_caller_identity()
    assert ident["Account"] == ACCOUNT_ID
    printed = forkrun.run(
        forkrun.fogbank_cli(),
        ["credentials", "--data-dir", str(tmp_path / "d")],
        env={**os.environ, **env},
    ).stdout
    assert f"AWS_ACCESS_KEY_ID={key.group(1)}" in printed
    assert f"AWS_SECRET_ACCESS_KEY={secret.group(1)}" in printed
    # eval'd in a shell without a region, the exports give one (the CLI needs it)
    shell = subprocess.run(
        [
            "bash",
            "-c",
            'unset AWS_DEFAULT_REGION AWS_REGION; eval "$0"; echo "$AWS_DEFAULT_REGION"',
            printed,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.strip() == "us-east-1"


def test_profile_writes_only_its_own_profile(server: FogbankServer, tmp_path: Path) -> None:
    config = tmp_path / "config"
    creds = tmp_path / "credentials"
    config.write_text("[profile other]\nregion = eu-west-1\n")
    creds.write_text("[other]\naws_access_key_id = AKIAOTHER\n")
    env = {
        **os.environ,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(creds),
        "FOGBANK_ROOT_ACCESS_KEY_ID": server.env["FOGBANK_ROOT_ACCESS_KEY_ID"],
        "FOGBANK_ROOT_SECRET_ACCESS_KEY": server.env["FOGBANK_ROOT_SECRET_ACCESS_KEY"],
    }
    forkrun.run(forkrun.fogbank_cli(), ["profile", "--endpoint", server.endpoint], env=env)
    assert "[profile other]\nregion = eu-west-1" in config.read_text()
    assert "[other]\naws_access_key_id = AKIAOTHER" in creds.read_text()
    env.pop("FOGBANK_ROOT_ACCESS_KEY_ID")
    env.pop("FOGBANK_ROOT_SECRET_ACCESS_KEY")
    out = forkrun.run(
        forkrun.aws_cli(),
        ["--profile", "fogbank", "sts", "get-caller-identity"],
        env={k: v for k, v in env.items() if not k.startswith("AWS_") or "FILE" in k},
    )
    assert json.loads(out.stdout)["Account"] == ACCOUNT_ID


def test_status_and_clock_commands(make_server: Callable[..., FogbankServer]) -> None:
    server = make_server()
    out = server.fogbank("status").stdout
    assert "ready" in out and ACCOUNT_ID in out
    before = json.loads(server.fogbank("status", "--json").stdout)["clock"]["epoch"]
    moved = server.fogbank("clock", "advance", "30d").stdout
    assert "ahead of real time" in moved
    after = json.loads(server.fogbank("status", "--json").stdout)["clock"]["epoch"]
    assert after - before >= 30 * 86400
    # Clients sign with real time; a simulated jump must not make them "skewed".
    assert server.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID
    bad = server.fogbank("clock", "advance", "soon", check=False)
    assert bad.returncode != 0


def test_admin_calls_need_credentials(server: FogbankServer) -> None:
    req = urllib.request.Request(
        server.endpoint + "/_fogbank/clock/advance", data=b'{"duration":"1d"}', method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)
    assert err.value.code in (400, 403)


def test_tls_and_plain_http_on_one_port(make_server: Callable[..., FogbankServer]) -> None:
    srv = make_server(extra_args=["--tls"])
    out = "".join(srv.output)
    ca = re.search(r"CA bundle: (\S+)", out)
    assert ca, out
    https = srv.endpoint.replace("http://", "https://")
    assert srv.endpoint.startswith("http://")
    secure = srv.client("sts", endpoint_url=https, verify=ca.group(1))
    assert secure.get_caller_identity()["Account"] == ACCOUNT_ID
    assert srv.client("sts").get_caller_identity()["Account"] == ACCOUNT_ID
    with pytest.raises(Exception):  # noqa: B017 - an untrusted certificate is refused
        srv.client("sts", endpoint_url=https).get_caller_identity()
    # An idle HTTPS keep-alive connection does not hold up a stop: the server does not wait
    # for the client's TLS close_notify, which an idle client never sends (it took the
    # whole 10 s shutdown timeout).
    started = time.monotonic()
    assert srv.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 5
    secure.close()  # (kept open, idle, until now)


def test_state_survives_restart_on_the_same_store(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    srv = make_server(data_dir=tmp_path / "d")
    srv.fogbank("clock", "advance", "10d")
    epoch = json.loads(srv.fogbank("status", "--json").stdout)["clock"]["epoch"]
    srv.stop()
    again = make_server(data_dir=tmp_path / "d", metadata_url=srv.metadata_url)
    after = json.loads(again.fogbank("status", "--json").stdout)["clock"]["epoch"]
    assert after >= epoch and after - time.time() > 9 * 86400
