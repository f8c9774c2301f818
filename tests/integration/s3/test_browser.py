"""What browsers and shared links use: presigned URLs (GET/PUT, SigV2 and SigV4, with
expiry), POST uploads with a signed policy, CORS preflight and CORS response headers."""

from __future__ import annotations

import http.client
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.config import Config as BotoConfig

from tests.support.server import FogbankServer


def fetch(url: str, method: str = "GET", data: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_presigned_get_and_put(server: FogbankServer, bucket: str, version: str) -> None:
    s3 = server.client("s3", config=BotoConfig(signature_version=version))
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"shared bytes")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "shared.txt"}, ExpiresIn=60
    )
    out = subprocess.run(["curl", "-sf", url], capture_output=True, check=True)
    assert out.stdout == b"shared bytes"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=60
    )
    # as `curl -T` does it: no Content-Type (SigV2 signs the Content-Type)
    parts = urllib.parse.urlsplit(put_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("PUT", f"{parts.path}?{parts.query}", body=b"uploaded through a link")
    assert conn.getresponse().status == 200
    conn.close()
    assert s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read() == b"uploaded through a link"
    tampered = url.replace("shared.txt", "up.txt")
    assert fetch(tampered)[0] == 403


def test_presigned_url_expiry(server: FogbankServer, bucket: str) -> None:
    s3 = server.client("s3", config=BotoConfig(signature_version="s3v4"))
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1
    )
    time.sleep(2.1)
    status, _, body = fetch(url)
    assert status == 403
    assert b"Request has expired" in body


def _multipart(fields: list[tuple[str, str]], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data;"
            f' name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_post_upload_with_policy(server: FogbankServer, bucket: str) -> None:
    s3 = server.client("s3")
    post = s3.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"success_action_status": "201", "x-amz-meta-origin": "browser"},
        Conditions=[["starts-with", "$key", "uploads/"], {"success_action_status": "201"},
                    {"x-amz-meta-origin": "browser"}, ["content-length-range", 1, 1000]],
        ExpiresIn=300,
    )  # fmt: skip
    body, ctype = _multipart(list(post["fields"].items()), "photo.jpg", b"jpeg bytes")
    status, headers, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 201, doc
    assert b"<Key>uploads/photo.jpg</Key>" in doc
    assert headers["etag"]
    got = s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")
    assert got["Body"].read() == b"jpeg bytes"
    assert got["Metadata"] == {"origin": "browser"}
    # too large for the policy's content-length-range
    body, ctype = _multipart(list(post["fields"].items()), "big.bin", b"x" * 2000)
    status, _, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 400 and b"EntityTooLarge" in doc
    # a field the policy does not cover
    fields = [*post["fields"].items(), ("x-amz-meta-extra", "1")]
    body, ctype = _multipart(fields, "a.txt", b"a")
    status, _, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 403 and b"Extra input fields" in doc
    # a key outside the allowed prefix
    fields = [(k, "elsewhere/x" if k == "key" else v) for k, v in post["fields"].items()]
    body, ctype = _multipart(fields, "a.txt", b"a")
    status, _, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 403 and b"Policy Condition failed" in doc
    # a signature that does not match
    fields = [(k, "0" * 64 if k in ("x-amz-signature", "signature") else v)
              for k, v in post["fields"].items()]  # fmt: skip
    body, ctype = _multipart(fields, "a.txt", b"a")
    status, _, doc = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 403 and b"SignatureDoesNotMatch" in doc
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_post_upload_default_status_and_redirect(server: FogbankServer, bucket: str) -> None:
    s3 = server.client("s3")
    post = s3.generate_presigned_post(bucket, "plain.txt")
    body, ctype = _multipart(list(post["fields"].items()), "plain.txt", b"plain")
    status, _, _ = fetch(post["url"], "POST", body, {"Content-Type": ctype})
    assert status == 204
    post = s3.generate_presigned_post(
        bucket, "r.txt", Fields={"success_action_redirect": "http://example.invalid/done"},
        Conditions=[{"success_action_redirect": "http://example.invalid/done"}],
    )  # fmt: skip
    body, ctype = _multipart(list(post["fields"].items()), "r.txt", b"r")
    opener = urllib.request.build_opener(_NoRedirect())
    req = urllib.request.Request(
        post["url"], data=body, method="POST", headers={"Content-Type": ctype}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(req, timeout=10)
    assert err.value.code == 303
    location = err.value.headers["Location"]
    assert location.startswith("http://example.invalid/done?") and "key=r.txt" in location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_cors_preflight_and_response_headers(server: FogbankServer, bucket: str) -> None:
    s3 = server.client("s3")
    url = f"{server.endpoint}/{bucket}/file.txt"
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "content-type, x-amz-meta-a"}  # fmt: skip
    status, _, body = fetch(url, "OPTIONS", headers=preflight)
    assert status == 403 and b"CORS is not enabled" in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["https://*.example"], "AllowedMethods": ["GET", "PUT"],
         "AllowedHeaders": ["Content-Type", "x-amz-meta-*"], "ExposeHeaders": ["ETag"],
         "MaxAgeSeconds": 600},
    ]})  # fmt: skip
    status, headers, _ = fetch(url, "OPTIONS", headers=preflight)
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert "PUT" in headers["access-control-allow-methods"]
    assert headers["access-control-max-age"] == "600"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-meta-a"
    denied = {**preflight, "Origin": "https://evil.test"}
    assert fetch(url, "OPTIONS", headers=denied)[0] == 403
    wrong_method = {**preflight, "Access-Control-Request-Method": "DELETE"}
    assert fetch(url, "OPTIONS", headers=wrong_method)[0] == 403
    # an actual request from an allowed origin carries the CORS headers
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"x")
    s3.meta.events.register(
        "before-sign.s3.GetObject",
        lambda request, **_: request.headers.add_header("Origin", "https://app.example"),
    )
    got = s3.get_object(Bucket=bucket, Key="file.txt")
    hdrs = got["ResponseMetadata"]["HTTPHeaders"]
    assert hdrs["access-control-allow-origin"] == "https://app.example"
    assert hdrs["access-control-expose-headers"] == "ETag"
