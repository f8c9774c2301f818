"""The AWS CLI's s3 commands against fogbank: mb, cp (1 GiB, multipart, CRC32 checksums)
both ways, sync of a 2,000-file tree both ways, ls, presign fetched with curl, rb."""

from __future__ import annotations

import filecmp
import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.s3.conftest import unique_bucket
from tests.support.server import FogbankServer

MiB = 1024 * 1024


def random_file(path: Path, size: int) -> str:
    """Write ``size`` random bytes; their SHA-256 (computed in the same pass)."""
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(8 * MiB, left))
            digest.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def sha256sum(path: Path) -> str:
    out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


@pytest.mark.slow
@pytest.mark.store_neutral  # bytes stream the same whatever holds the metadata
def test_cp_one_gib_both_ways(server: FogbankServer, tmp_path: Path) -> None:
    bucket = unique_bucket("cli")
    server.aws("s3", "mb", f"s3://{bucket}")
    try:
        source = tmp_path / "big.bin"
        expected = random_file(source, 1024 * MiB)
        server.aws("s3", "cp", str(source), f"s3://{bucket}/data/big.bin", "--only-show-errors")
        source.unlink()  # room for the copy coming back
        listed = server.aws("s3", "ls", f"s3://{bucket}/data/").stdout
        assert "big.bin" in listed and str(1024 * MiB) in listed
        back = tmp_path / "back.bin"
        server.aws("s3", "cp", f"s3://{bucket}/data/big.bin", str(back), "--only-show-errors")
        assert sha256sum(back) == expected
        head = server.client("s3").head_object(
            Bucket=bucket, Key="data/big.bin", ChecksumMode="ENABLED"
        )
        assert head["ETag"].endswith('-128"')  # 8 MiB parts, as the CLI cuts them
        assert head["ChecksumType"] == "COMPOSITE" and head["ChecksumCRC32"].endswith("-128")
    finally:
        server.aws("s3", "rb", f"s3://{bucket}", "--force", check=False)


def make_tree(root: Path, count: int) -> None:
    for i in range(count):
        path = root / f"d{i % 10}" / f"e{i % 7}" / f"file {i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"file {i}\n".encode() * (1 + i % 50))


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


@pytest.mark.slow
def test_sync_a_tree_both_ways(server: FogbankServer, tmp_path: Path) -> None:
    bucket = unique_bucket("sync")
    server.aws("s3", "mb", f"s3://{bucket}")
    try:
        up, down = tmp_path / "up", tmp_path / "down"
        make_tree(up, 2000)
        server.aws("s3", "sync", str(up), f"s3://{bucket}/tree", "--only-show-errors")
        count = sum(
            len(p.get("Contents", []))
            for p in server.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
        )
        assert count == 2000
        again = server.aws("s3", "sync", str(up), f"s3://{bucket}/tree")
        assert "upload:" not in again.stdout  # nothing changed: nothing sent
        server.aws("s3", "sync", f"s3://{bucket}/tree", str(down), "--only-show-errors")
        assert same_tree(up, down)
        (up / "d0" / "e0" / "file 00000.txt").write_bytes(b"changed\n")
        (up / "d1" / "e1" / "file 00001.txt").unlink()
        server.aws("s3", "sync", str(up), f"s3://{bucket}/tree", "--delete", "--only-show-errors")
        server.aws("s3", "sync", f"s3://{bucket}/tree", str(down), "--delete", "--only-show-errors")
        assert same_tree(up, down)
    finally:
        server.aws("s3", "rb", f"s3://{bucket}", "--force", check=False)


def test_presign_with_curl_and_rb(server: FogbankServer, tmp_path: Path) -> None:
    bucket = unique_bucket("presign")
    server.aws("s3", "mb", f"s3://{bucket}")
    local = tmp_path / "note.txt"
    local.write_text("presigned hello\n")
    server.aws("s3", "cp", str(local), f"s3://{bucket}/note.txt")
    url = server.aws(
        "s3", "presign", f"s3://{bucket}/note.txt", "--expires-in", "300"
    ).stdout.strip()
    fetched = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
    assert fetched == b"presigned hello\n"
    assert server.aws("s3", "rb", f"s3://{bucket}", check=False).returncode != 0  # not empty
    server.aws("s3", "rb", f"s3://{bucket}", "--force")
    assert bucket not in server.aws("s3", "ls").stdout
