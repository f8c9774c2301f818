"""A small SigV4 header signer for the load generator (S3 flavour: the path is signed as
sent, the payload hash travels in ``x-amz-content-sha256``). Written here, not borrowed
from botocore, so that signing costs the load generator microseconds, not milliseconds."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"


class Signer:
    def __init__(self, access_key: str, secret_key: str, region: str = "us-east-1") -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self._keys: dict[str, bytes] = {}

    def _key(self, date: str) -> bytes:
        key = self._keys.get(date)
        if key is None:
            k = hmac.new(
                ("AWS4" + self.secret_key).encode(), date.encode(), hashlib.sha256
            ).digest()
            for part in (self.region, "s3", "aws4_request"):
                k = hmac.new(k, part.encode(), hashlib.sha256).digest()
            key = self._keys[date] = k
        return key

    def headers(
        self,
        method: str,
        host: str,
        path: str,
        query: str = "",
        payload_hash: str = EMPTY_SHA256,
        extra: dict[str, str] | None = None,
    ) -> dict[str, str]:
        """The headers of a signed request (``path`` already URL-encoded; ``query`` the
        canonical query string, names sorted)."""
        now = time.gmtime()
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", now)
        date = amz_date[:8]
        headers = {"host": host, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
        if extra:
            headers.update({k.lower(): v for k, v in extra.items()})
        names = sorted(headers)
        canonical_headers = "".join(f"{n}:{headers[n].strip()}\n" for n in names)
        signed = ";".join(names)
        request = f"{method}\n{path}\n{query}\n{canonical_headers}\n{signed}\n{payload_hash}"
        scope = f"{date}/{self.region}/s3/aws4_request"
        to_sign = (
            f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n"
            + hashlib.sha256(request.encode()).hexdigest()
        )
        signature = hmac.new(self._key(date), to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}"
        )
        return headers


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items())
    )
