"""``fogbank s3``: client-side S3 reports over the S3 API (so they work against any fogbank).

``fogbank s3 usage [BUCKET]`` lists every version of every bucket (or of one) with
``ListObjectVersions`` and prints bytes and counts per storage class with what that would
cost a month at AWS list prices.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import click

from fogbank.cli.client import caller_credentials, endpoint_option
from fogbank.cli.s3_usage import Prices, Usage, load_prices, report, tally
from fogbank.config import DEFAULT_REGION

if TYPE_CHECKING:
    from botocore.client import BaseClient


@click.group()
def s3() -> None:
    """S3 reports for a running fogbank (or any S3 endpoint)."""


def _client(endpoint: str) -> BaseClient:
    import botocore.session
    from botocore.config import Config

    key, secret, token = caller_credentials()
    session = botocore.session.Session()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return session.create_client(
        "s3",
        endpoint_url=endpoint,
        region_name=region or DEFAULT_REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        verify=os.environ.get("AWS_CA_BUNDLE") or None,
        config=Config(retries={"max_attempts": 2}, s3={"addressing_style": "path"}),
    )


def _pages(client: BaseClient, bucket: str) -> Iterator[Mapping[str, object]]:
    paginator = client.get_paginator("list_object_versions")
    yield from paginator.paginate(Bucket=bucket)


def _usage(client: BaseClient, buckets: list[str]) -> dict[str, Usage]:
    return {name: tally(_pages(client, name)) for name in buckets}


@s3.command()
@click.argument("bucket", required=False)
@endpoint_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def usage(bucket: str | None, endpoint: str, as_json: bool) -> None:
    """Bytes and object counts per storage class, and their monthly cost on AWS.

    Counts current and noncurrent versions of every bucket (or of BUCKET); delete markers
    are counted apart. Prices: first-tier us-east-1 list prices from a dated data file.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    prices = load_prices()
    try:
        client = _client(endpoint)
        if bucket is None:
            names = [str(b["Name"]) for b in client.list_buckets().get("Buckets", [])]
        else:
            names = [bucket]
        per_bucket = _usage(client, names)
    except ClientError as err:
        error = err.response.get("Error", {})
        raise click.ClickException(f"{error.get('Code')}: {error.get('Message')}") from err
    except BotoCoreError as err:
        raise click.ClickException(f"no S3 answers at {endpoint} ({err})") from err
    overall = Usage()
    for found in per_bucket.values():
        overall.add(found)
    doc = report(overall, prices)
    doc["buckets"] = names
    if as_json:
        doc["by_bucket"] = {name: report(u, prices) for name, u in per_bucket.items()}
        for entry in doc["by_bucket"].values():  # type: ignore[attr-defined]
            entry.pop("prices")
        click.echo(json.dumps(doc, indent=2))
        return
    _print_table(doc, prices, bucket)


def _print_table(doc: Mapping[str, object], prices: Prices, bucket: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    scope = f"bucket {bucket}" if bucket else f"{len(doc['buckets'])} bucket(s)"  # type: ignore[arg-type]
    table = Table(title=f"S3 storage by class: {scope}")
    for header in ("Storage class", "Objects", "Size", "Noncurrent", "Noncurrent size",
                   f"{prices.currency}/GB-mo", f"{prices.currency}/month"):  # fmt: skip
        table.add_column(header, justify="left" if header == "Storage class" else "right")
    classes = doc["classes"]
    assert isinstance(classes, dict)
    for name, row in classes.items():
        price = row["price_per_gb_month"]
        cost = row["monthly_cost"]
        table.add_row(
            name, f"{row['current_objects']:,}", _size(row["current_bytes"]),
            f"{row['noncurrent_versions']:,}", _size(row["noncurrent_bytes"]),
            "?" if price is None else f"{price:g}", "?" if cost is None else _money(cost),
        )  # fmt: skip
    total = doc["total"]
    assert isinstance(total, dict)
    table.add_section()
    table.add_row(
        "Total", f"{total['current_objects']:,}", _size(total["current_bytes"]),
        f"{total['noncurrent_versions']:,}", _size(total["noncurrent_bytes"]), "",
        _money(float(total["monthly_cost"])),
    )  # fmt: skip
    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze into 80 columns
        console = Console(width=120)
    console.print(table)
    markers = doc["delete_markers"]
    assert isinstance(markers, dict)
    console.print(
        f"Sizes in KiB/MiB/GiB (2^10/2^20/2^30 bytes; --json has exact bytes). "
        f"Delete markers: {markers['current']} current, {markers['noncurrent']} noncurrent "
        "(no storage charge)."
    )
    console.print(
        f"Prices: AWS list prices, {prices.region}, first tier, taken {prices.taken} "
        f"from {prices.source}; storage only (no requests, retrievals or transfer)."
    )


def _money(cost: float) -> str:
    return f"{cost:.2f}" if cost >= 0.01 or cost == 0 else f"{cost:.8f}"


def _size(value: object) -> str:
    size = int(value)  # type: ignore[call-overload]
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
