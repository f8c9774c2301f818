"""``fogbank account``: more accounts on one server, for cross-account practice."""

from __future__ import annotations

import json

import click

from fogbank.cli.client import call, endpoint_option


@click.group()
def account() -> None:
    """Create and list accounts (each with its own root user, IAM, buckets and keys)."""


@account.command()
@click.option("--id", "account_id", default=None, help="12-digit account id [random].")
@click.option("--name", default=None, help="A name for the account.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of shell exports.")
@endpoint_option
def create(account_id: str | None, name: str | None, as_json: bool, endpoint: str) -> None:
    """Create an account and print its root user's access key."""
    body: dict[str, object] = {}
    if account_id is not None:
        body["id"] = account_id
    if name is not None:
        body["name"] = name
    doc = call(endpoint, "POST", "/_fogbank/accounts", body)
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo(f"export AWS_ACCESS_KEY_ID={doc['AccessKeyId']}")
    click.echo(f"export AWS_SECRET_ACCESS_KEY={doc['SecretAccessKey']}")
    click.echo(f"# account {doc['AccountId']} ({doc['Name']}), root user")


@account.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@endpoint_option
def list_(as_json: bool, endpoint: str) -> None:
    """List the server's accounts."""
    doc = call(endpoint, "GET", "/_fogbank/accounts")
    accounts = doc.get("Accounts")
    rows = accounts if isinstance(accounts, list) else []
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['AccountId']}  {row['Name']}")
