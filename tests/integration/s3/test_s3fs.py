"""s3fs-fuse mounts a bucket from fogbank; what it writes reads back through boto3."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import ACCESS_KEY, SECRET_KEY, FogbankServer

pytestmark = pytest.mark.skipif(
    shutil.which("s3fs") is None or not os.access("/dev/fuse", os.R_OK | os.W_OK),
    reason="s3fs (Debian package s3fs) and /dev/fuse are needed",
)


def test_s3fs_writes_read_back_with_boto3(
    server: FogbankServer, s3: Any, bucket: str, tmp_path: Path
) -> None:
    mount = tmp_path / "mnt"
    mount.mkdir()
    creds = tmp_path / "passwd"
    creds.write_text(f"{ACCESS_KEY}:{SECRET_KEY}\n")
    creds.chmod(0o600)
    s3.put_object(Bucket=bucket, Key="existing/hello.txt", Body=b"from boto3\n")
    proc = subprocess.run(
        ["s3fs", bucket, str(mount), "-o", f"url={server.endpoint}", "-o", "use_path_request_style",
         "-o", f"passwd_file={creds}", "-o", "endpoint=us-east-1", "-o", "sigv4",
         "-o", "stat_cache_expire=1", "-o", "dbglevel=warn"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    try:
        deadline = time.monotonic() + 20
        while not os.path.ismount(mount) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert os.path.ismount(mount)
        assert (mount / "existing" / "hello.txt").read_bytes() == b"from boto3\n"
        data = os.urandom(3 * 1024 * 1024) + b"tail"
        (mount / "new dir").mkdir()
        (mount / "new dir" / "written by s3fs.bin").write_bytes(data)
        small = mount / "note.txt"
        small.write_text("line one\n")
        with small.open("a") as f:  # s3fs rewrites the object on append
            f.write("line two\n")
        os.sync()
        got = s3.get_object(Bucket=bucket, Key="new dir/written by s3fs.bin")["Body"].read()
        assert got == data
        assert (
            s3.get_object(Bucket=bucket, Key="note.txt")["Body"].read() == b"line one\nline two\n"
        )
        assert sorted(p.name for p in mount.iterdir()) == ["existing", "new dir", "note.txt"]
        (mount / "note.txt").unlink()
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert "note.txt" not in keys
    finally:
        subprocess.run(["fusermount", "-u", str(mount)], capture_output=True, timeout=30)
