"""Where S3's bytes live in the data directory (light: read at start-up)."""

from __future__ import annotations

from pathlib import Path


def blob_root(data_dir: Path) -> Path:
    return Path(data_dir) / "blobs"
