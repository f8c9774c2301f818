"""Talking to a running gateway from the command line: signed admin calls.

The endpoint comes from ``--endpoint``, else ``AWS_ENDPOINT_URL``, else the default.
Requests are signed (SigV4, scope service ``fogbank``) with the standard AWS credential
chain; when the chain has nothing, the root key kept in the data dir is used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from fogbank.config import DEFAULT_ENDPOINT, DEFAULT_REGION, default_data_dir

if TYPE_CHECKING:
    import ssl

endpoint_option = click.option(
    "--endpoint",
    envvar="AWS_ENDPOINT_URL",
    default=DEFAULT_ENDPOINT,
    show_default=True,
    help="fogbank's URL (also read from AWS_ENDPOINT_URL).",
)


class ServerError(click.ClickException):
    pass


def caller_credentials() -> tuple[str, str, str | None]:
    import botocore.session

    session = botocore.session.Session()
    creds = session.get_credentials()
    if creds is not None:
        frozen = creds.get_frozen_credentials()
        return frozen.access_key, frozen.secret_key, frozen.token
    from fogbank.services.iam.root_keys import read_key_file

    kept = read_key_file(default_data_dir(os.environ))
    if kept is None:
        raise click.ClickException(
            "no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "use a profile, or run on the machine whose data dir holds the root key)"
        )
    return kept.access_key_id, kept.secret_access_key, None


def _ssl_context() -> ssl.SSLContext | None:
    import ssl

    bundle = os.environ.get("AWS_CA_BUNDLE")
    if bundle:
        return ssl.create_default_context(cafile=bundle)
    return None


def call(
    endpoint: str,
    method: str,
    path: str,
    body: Mapping[str, object] | None = None,
    *,
    signed: bool = True,
    timeout: float = 60.0,
) -> dict[str, object]:
    import urllib.error
    import urllib.request

    url = endpoint.rstrip("/") + path
    data = json.dumps(body).encode() if body is not None else None
    headers = {"content-type": "application/json"} if data is not None else {}
    if signed:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        key, secret, token = caller_credentials()
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        aws_request = AWSRequest(method=method, url=url, data=data or b"", headers=headers)
        SigV4Auth(Credentials(key, secret, token), "fogbank", region or DEFAULT_REGION).add_auth(
            aws_request
        )
        headers = dict(aws_request.headers.items())
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=timeout, context=_ssl_context()
        ) as resp:
            doc = json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        try:
            doc = json.loads(err.read() or b"{}")
            message = f"{doc.get('__type', err.code)}: {doc.get('message', '')}"
        except ValueError:
            message = f"HTTP {err.code}"
        raise ServerError(message) from err
    except (urllib.error.URLError, OSError) as err:
        raise ServerError(f"no fogbank answers at {endpoint} ({err})") from err
    if not isinstance(doc, dict):
        raise ServerError("unexpected answer from the server")
    return doc
