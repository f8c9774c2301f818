"""``fogbank status``: does a server answer, and what does it hold?"""

from __future__ import annotations

import json

import click

from fogbank.cli.client import ServerError, call, endpoint_option


@click.command()
@endpoint_option
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON.")
def status(endpoint: str, as_json: bool) -> None:
    """Show whether fogbank answers at the endpoint, and what it holds."""
    try:
        health = call(endpoint, "GET", "/_fogbank/health", signed=False, timeout=5)
    except ServerError as err:
        raise click.ClickException(str(err)) from err
    try:
        doc = call(endpoint, "GET", "/_fogbank/status")
    except ServerError as err:
        doc = {**health, "detail": f"(details need the root user's credentials: {err})"}
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"fogbank {doc.get('version')} at {endpoint}: {doc.get('status')}")
    for key in ("data_dir", "metadata", "workers", "tls", "iam", "detail"):
        if key in doc:
            click.echo(f"  {key}: {doc[key]}")
    clock = doc.get("clock")
    if isinstance(clock, dict):
        click.echo(f"  clock: {clock.get('now')} (x{clock.get('scale')})")
    accounts = doc.get("accounts")
    if isinstance(accounts, list):
        click.echo(f"  accounts: {', '.join(str(a.get('id')) for a in accounts)}")
    if "access_keys" in doc:
        click.echo(f"  access keys: {doc['access_keys']}")
    services = doc.get("services")
    if isinstance(services, dict):
        click.echo(f"  services: {', '.join(f'{k} ({v})' for k, v in services.items())}")
    holdings = doc.get("holdings")
    if isinstance(holdings, dict):
        for name, summary in holdings.items():
            click.echo(f"  {name}: {summary}")
