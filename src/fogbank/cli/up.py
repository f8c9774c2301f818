"""``fogbank up``: serve in the foreground."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from fogbank.config import DEFAULT_HOST, DEFAULT_PORT, IamMode, config_from_env, default_workers


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port (0: any).")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where state lives [default: $FOGBANK_DATA_DIR or $XDG_DATA_HOME/fogbank"
    " or ~/.local/share/fogbank].",
)
@click.option("--ephemeral", is_flag=True, help="Use a temporary data dir, removed at exit.")
@click.option(
    "--metadata-url",
    help="postgresql://... to keep metadata in PostgreSQL [default: SQLite in the data dir].",
)
@click.option(
    "--time-scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Simulated time runs this many times faster than real time.",
)
@click.option("--tls", is_flag=True, help="Also serve HTTPS on the same port (local CA).")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Gateway processes [default: one per CPU core].",
)
@click.option(
    "--iam",
    "iam_mode",
    type=click.Choice([m.value for m in IamMode]),
    default=IamMode.ENFORCE.value,
    show_default=True,
    help="enforce policies; audit: allow but log would-be denials; off: no checks.",
)
@click.option(
    "--log-format", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@click.option("--quiet", is_flag=True, help="No per-request log lines.")
@click.option(
    "--hostname",
    "hostnames",
    multiple=True,
    help="Extra host name for virtual-hosted S3 (bucket.NAME); localhost always works.",
)
@click.option(
    "--rds-addresses",
    help="Loopback range for RDS endpoints, FIRST-LAST [default: 127.0.2.1-127.0.127.254].",
)
@click.option(
    "--kms-passphrase-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Derive the KMS root key from the passphrase in this file instead of keeping a key"
    " file in the data dir [env: FOGBANK_KMS_PASSPHRASE holds the passphrase itself].",
)
def up(
    host: str,
    port: int,
    data_dir: Path | None,
    ephemeral: bool,
    metadata_url: str | None,
    time_scale: float,
    tls: bool,
    workers: int | None,
    iam_mode: str,
    log_format: str,
    quiet: bool,
    hostnames: tuple[str, ...],
    rds_addresses: str | None,
    kms_passphrase_file: Path | None,
) -> None:
    """Serve every fogbank service on one port, in the foreground (Ctrl-C stops)."""
    gc.disable()  # start-up makes long-lived objects, not garbage; serve() turns it back on
    from fogbank.server import logs
    from fogbank.server.assemble import StartupError
    from fogbank.server.runtime import run_primary

    try:
        config = config_from_env(
            os.environ,
            host=host,
            port=port,
            data_dir=data_dir,
            ephemeral=ephemeral,
            metadata_url=metadata_url,
            time_scale=time_scale,
            tls=tls,
            workers=workers if workers is not None else default_workers(),
            iam_mode=IamMode(iam_mode),
            log_format=log_format,
            log_requests=not quiet,
            hostnames=hostnames,
            rds_addresses=rds_addresses,
            kms_passphrase_file=kms_passphrase_file,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    logs.configure(log_format)

    def announce(text: str) -> None:
        print(text, file=sys.stdout, flush=True)

    try:
        code = run_primary(config, announce)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)
