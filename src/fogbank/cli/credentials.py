"""``fogbank credentials`` and ``fogbank profile``: the root user's keys, for humans and SDKs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from fogbank.config import DEFAULT_ENDPOINT, DEFAULT_REGION, config_from_env
from fogbank.services.iam.root_keys import RootKey, read_key_file

PROFILE = "fogbank"

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The server's data dir [default: as `fogbank up`].",
)


def _root_key(data_dir: Path | None) -> RootKey:
    config = config_from_env(os.environ, data_dir=data_dir)
    if config.root_access_key_id and config.root_secret_access_key:
        return RootKey(config.account_id, config.root_access_key_id, config.root_secret_access_key)
    key = read_key_file(config.data_dir)
    if key is None:
        raise click.ClickException(
            f"no root credentials in {config.data_dir}: start the server once with `fogbank up`"
        )
    return key


@click.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of shell exports.")
@click.option("--endpoint", default=DEFAULT_ENDPOINT, show_default=True)
def credentials(data_dir: Path | None, as_json: bool, endpoint: str) -> None:
    """Print the root user's access key (as shell exports: eval "$(fogbank credentials)")."""
    key = _root_key(data_dir)
    region = config_from_env(os.environ, data_dir=data_dir).default_region
    if as_json:
        doc = {
            "AccountId": key.account_id,
            "AccessKeyId": key.access_key_id,
            "SecretAccessKey": key.secret_access_key,
            "EndpointUrl": endpoint,
            "Region": region,
        }
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"export AWS_ACCESS_KEY_ID={key.access_key_id}")
    click.echo(f"export AWS_SECRET_ACCESS_KEY={key.secret_access_key}")
    click.echo(f"export AWS_ENDPOINT_URL={endpoint}")
    # The CLI and SDKs refuse to sign without a region; a region already chosen stays.
    click.echo(f'export AWS_DEFAULT_REGION="${{AWS_DEFAULT_REGION:-{region}}}"')
    click.echo(f"# account {key.account_id}, root user")


def set_section(text: str, header: str, values: dict[str, str]) -> str:
    """Replace (or append) one INI section, leaving every other line as it was."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.strip() == f"[{header}]":
            start = i
            break
    body = [f"[{header}]", *(f"{k} = {v}" for k, v in values.items())]
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.extend(body)
    else:
        end = start + 1
        while end < len(lines) and not re.match(r"^\s*\[", lines[end]):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[start:end] = body
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".fogbank-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    tmp.replace(path)


@click.command()
@data_dir_option
@click.option("--endpoint", default=DEFAULT_ENDPOINT, show_default=True)
@click.option("--region", default=DEFAULT_REGION, show_default=True)
def profile(data_dir: Path | None, endpoint: str, region: str) -> None:
    """Write an AWS CLI/SDK profile named `fogbank` (other profiles are left as they are)."""
    key = _root_key(data_dir)
    home = Path.home()
    config_path = Path(os.environ.get("AWS_CONFIG_FILE") or home / ".aws" / "config")
    creds_path = Path(
        os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials"
    )
    config_text = config_path.read_text() if config_path.exists() else ""
    creds_text = creds_path.read_text() if creds_path.exists() else ""
    _write_private(
        config_path,
        set_section(
            config_text,
            f"profile {PROFILE}",
            {"region": region, "endpoint_url": endpoint, "output": "json"},
        ),
    )
    _write_private(
        creds_path,
        set_section(
            creds_text,
            PROFILE,
            {
                "aws_access_key_id": key.access_key_id,
                "aws_secret_access_key": key.secret_access_key,
            },
        ),
    )
    click.echo(f"wrote profile {PROFILE!r} to {config_path} and {creds_path}")
    click.echo(f"try: aws --profile {PROFILE} sts get-caller-identity")
