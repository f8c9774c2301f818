"""A remote tier: blob bytes kept as objects in an S3-compatible bucket.

A tier of the blob store is a local root directory (``disk``) or, for cold storage, a
bucket of another S3 implementation (AWS S3, MinIO, another fogbank, ...) given by URL:

    http://HOST:PORT/BUCKET[/PREFIX]     path-style, any S3-compatible endpoint
    https://HOST/BUCKET[/PREFIX]
    s3://BUCKET[/PREFIX]                 AWS S3 itself (endpoint from the AWS config)

A blob in a remote tier is one object, ``PREFIX/<file id>``, holding exactly its stored
bytes (ciphertext, if the blob is encrypted: the remote never sees a key). It is durable
once the remote answered the PUT, and the blob store commits the row that points at it
only then. Such bytes are not read in place: they are moved back to a local tier first
(``TierMover``), which is what a restore of an archived object does. Deletion and the
orphan sweep work as for local files, by name and by the object's last-modified time.

Every call blocks (botocore); the blob store runs them in its threads.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from fogbank.storage.blobs.disk import is_id
from fogbank.storage.blobs.model import BlobError

if TYPE_CHECKING:
    from botocore.client import BaseClient

_CHUNK = 1024 * 1024


class RemoteTierError(BlobError):
    """The remote store refused a call or could not be reached."""


@dataclass(frozen=True)
class RemoteObject:
    name: str  # the blob file id
    size: int
    modified: float  # epoch seconds, the remote's clock


@dataclass(frozen=True)
class RemoteLocation:
    endpoint: str | None  # None: AWS S3's own endpoint
    bucket: str
    prefix: str  # "" or ending in "/"

    @classmethod
    def parse(cls, url: str) -> RemoteLocation:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "s3":
            bucket, _, rest = (parts.netloc + parts.path).partition("/")
            endpoint = None
        elif scheme in ("http", "https") and parts.netloc:
            bucket, _, rest = parts.path.lstrip("/").partition("/")
            endpoint = f"{scheme}://{parts.netloc}"
        else:
            raise ValueError(
                f"a remote cold store is s3://BUCKET[/PREFIX] or http(s)://HOST/BUCKET[/PREFIX],"
                f" not {url!r}"
            )
        if parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError(
                "a remote cold store URL has no query, fragment or credentials"
                " (credentials come from FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID and"
                " FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY, or the AWS credential chain)"
            )
        if not bucket:
            raise ValueError(f"no bucket in the remote cold store URL {url!r}")
        prefix = rest.strip("/")
        return cls(endpoint, bucket, prefix + "/" if prefix else "")

    def __str__(self) -> str:
        where = self.endpoint + "/" if self.endpoint else "s3://"
        return f"{where}{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class RemoteCredentials:
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    region: str = "us-east-1"


class S3RemoteTier:
    """One prefix of one bucket, through a botocore S3 client made on first use."""

    def __init__(
        self, location: RemoteLocation, credentials: RemoteCredentials | None = None
    ) -> None:
        self.location = location
        self._credentials = credentials or RemoteCredentials()
        self._client_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"S3RemoteTier({self.location})"

    @functools.cached_property
    def _client(self) -> BaseClient:
        import botocore.config
        import botocore.session

        with self._client_lock:
            creds = self._credentials
            return botocore.session.get_session().create_client(
                "s3",
                region_name=creds.region,
                endpoint_url=self.location.endpoint,
                aws_access_key_id=creds.access_key_id,
                aws_secret_access_key=creds.secret_access_key,
                config=botocore.config.Config(
                    s3={"addressing_style": "path"},
                    retries={"mode": "standard", "max_attempts": 4},
                    connect_timeout=10,
                    read_timeout=120,
                ),
            )

    def _key(self, name: str) -> str:
        if not is_id(name):
            raise ValueError(f"not a blob file id: {name!r}")
        return self.location.prefix + name

    def _call(self, what: str, fn: Callable[[], object]) -> object:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"{what}: no such object in {self.location}") from None
            raise RemoteTierError(f"{what} in {self.location}: {code or exc}") from None
        except BotoCoreError as exc:
            raise RemoteTierError(f"{what} in {self.location}: {exc}") from None

    def upload(self, name: str, body: IO[bytes] | bytes, length: int) -> None:
        """Store ``length`` bytes under ``name``; durable (as the remote promises) on return."""
        key = self._key(name)
        self._call(
            f"storing {name}",
            lambda: self._client.put_object(
                Bucket=self.location.bucket, Key=key, Body=body, ContentLength=length
            ),
        )

    def download(self, name: str, sink: Callable[[bytes], None], length: int) -> None:
        """Feed the object's bytes to ``sink``; its size must be ``length``."""
        key = self._key(name)

        def fetch() -> int:
            got = self._client.get_object(Bucket=self.location.bucket, Key=key)
            total = 0
            for chunk in got["Body"].iter_chunks(_CHUNK):
                total += len(chunk)
                sink(chunk)
            return total

        total = self._call(f"reading {name}", fetch)
        if total != length:
            raise RemoteTierError(f"{name} in {self.location} has {total} bytes, not {length}")

    def delete(self, name: str) -> bool:
        """Delete the object; False if it was not there."""
        key = self._key(name)
        try:
            self._call(
                f"checking {name}",
                lambda: self._client.head_object(Bucket=self.location.bucket, Key=key),
            )
        except FileNotFoundError:
            return False
        self._call(
            f"deleting {name}",
            lambda: self._client.delete_object(Bucket=self.location.bucket, Key=key),
        )
        return True

    def objects(self) -> Iterator[RemoteObject]:
        """Every blob object under the prefix (other keys there are left alone)."""
        paginator = self._client.get_paginator("list_objects_v2")
        pages = self._call(
            "listing",
            lambda: iter(
                paginator.paginate(Bucket=self.location.bucket, Prefix=self.location.prefix)
            ),
        )
        assert isinstance(pages, Iterator)
        while True:
            page = self._call("listing", lambda: next(pages, None))
            if page is None:
                return
            assert isinstance(page, dict)
            for item in page.get("Contents", []):
                name = str(item["Key"])[len(self.location.prefix) :]
                if is_id(name):
                    yield RemoteObject(name, int(item["Size"]), item["LastModified"].timestamp())
