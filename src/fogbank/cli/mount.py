"""``fogbank mount`` and ``fogbank umount``: the EFS client."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from pathlib import Path

import click

from fogbank.cli.client import caller_credentials, endpoint_option
from fogbank.config import DEFAULT_REGION
from fogbank.mount import device
from fogbank.mount.resolve import Caller, ResolveError, resolve
from fogbank.mount.runner import MountOptions, mount_and_serve
from fogbank.services.efs.rpc.client import AwsKeys

_FS_ID = re.compile(r"^fs-[0-9a-f]{8,40}$")


def _region(given: str | None) -> str:
    if given:
        return given
    import botocore.session

    return str(botocore.session.Session().get_config_variable("region") or DEFAULT_REGION)


def _target(
    endpoint: str, region: str, fs_id: str, target: str | None, zone: str | None
) -> tuple[str, int]:
    """The mount target's address: ``--target HOST:PORT``, else asked of the EFS API."""
    if target is not None:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit():
            raise click.BadParameter("use HOST:PORT", param_hint="--target")
        return host, int(port)
    key, secret, token = caller_credentials()
    try:
        return resolve(Caller(endpoint, region, key, secret, token), fs_id, zone)
    except ResolveError as exc:
        raise click.ClickException(str(exc)) from None


def _iam_keys(region: str) -> AwsKeys:
    import botocore.session

    creds = botocore.session.Session().get_credentials()
    if creds is None:
        raise click.ClickException("--iam needs AWS credentials (environment, profile, ...)")
    frozen = creds.get_frozen_credentials()
    return AwsKeys(frozen.access_key, frozen.secret_key, frozen.token, region)


def _daemonize(opts: MountOptions, log_file: str | None) -> None:
    """Fork; the child mounts and serves, the parent returns once the mount is ready."""
    read_end, write_end = os.pipe()
    if os.fork() > 0:
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            answer = pipe.read().decode()
        if answer != "ok":
            raise click.ClickException(f"mount failed: {answer or 'the client exited'}")
        return
    os.close(read_end)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    out = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if log_file else devnull
    os.dup2(devnull, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    def ready(error: str | None) -> None:
        with contextlib.suppress(OSError):
            os.write(write_end, b"ok" if error is None else error.encode())
            os.close(write_end)

    code = 0
    try:
        mount_and_serve(opts, ready)
    except BaseException:
        logging.exception("fogbank mount: client failed")
        code = 1
    finally:
        os._exit(code)


@click.command()
@click.argument("fs_id")
@click.argument("mountpoint", type=click.Path(file_okay=False, path_type=Path))
@click.option("--access-point", help="Mount through this access point (fsap-...).")
@click.option("--iam", is_flag=True, help="Authenticate with your AWS credentials.")
@click.option("--read-only", is_flag=True, help="Mount read-only.")
@click.option("--foreground", is_flag=True, help="Stay attached instead of daemonizing.")
@click.option("--target", help="Mount target address HOST:PORT (skips the API lookup).")
@click.option("--az", "zone", help="Use the mount target in this Availability Zone.")
@click.option("--region", help="AWS region (default: your AWS configuration, else us-east-1).")
@click.option(
    "--cache-timeout",
    default=30.0,
    show_default=True,
    help="Seconds entries and attributes stay cached (other clients' changes invalidate them).",
)
@click.option("--log-file", help="Where the background client logs.")
@endpoint_option
def mount(
    fs_id: str,
    mountpoint: Path,
    access_point: str | None,
    iam: bool,
    read_only: bool,
    foreground: bool,
    target: str | None,
    zone: str | None,
    region: str | None,
    cache_timeout: float,
    log_file: str | None,
    endpoint: str,
) -> None:
    """Mount EFS file system FS_ID at MOUNTPOINT (returns once mounted)."""
    if target is None and not _FS_ID.match(fs_id):
        raise click.BadParameter(f"{fs_id} is not a file system id (fs-...)", param_hint="FS_ID")
    if not mountpoint.is_dir():
        raise click.BadParameter(f"{mountpoint} is not a directory", param_hint="MOUNTPOINT")
    region = _region(region)
    host, port = _target(endpoint, region, fs_id, target, zone)
    opts = MountOptions(
        fs_id=fs_id,
        mountpoint=mountpoint.resolve(),
        host=host,
        port=port,
        access_point=access_point,
        keys=_iam_keys(region) if iam else None,
        read_only=read_only,
        cache_timeout=cache_timeout,
    )
    if not foreground:
        _daemonize(opts, log_file)
        return
    logging.basicConfig(level=logging.INFO)
    failure: list[str] = []

    def ready(error: str | None) -> None:
        if error is not None:
            failure.append(error)
        else:
            click.echo(f"mounted {fs_id} at {opts.mountpoint}", err=True)

    mount_and_serve(opts, ready)
    if failure:
        raise click.ClickException(f"mount failed: {failure[0]}")


@click.command()
@click.argument("mountpoint", type=click.Path(path_type=Path))
@click.option("--lazy", "-l", is_flag=True, help="Detach now, clean up when no longer busy.")
def umount(mountpoint: Path, lazy: bool) -> None:
    """Unmount a file system mounted with `fogbank mount`."""
    try:
        device.unmount(mountpoint.resolve(), lazy=lazy)
    except OSError as exc:
        raise click.ClickException(str(exc)) from exc
