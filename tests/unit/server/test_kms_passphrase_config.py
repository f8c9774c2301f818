"""The KMS passphrase option: read from env or a file, never printed, never put in a
worker's environment (it goes over the worker's stdin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import config_from_env, read_passphrase_file
from fogbank.server.runtime import config_from_json, config_to_json, secrets_to_json


def test_env_and_file(tmp_path: Path) -> None:
    env = {"FOGBANK_DATA_DIR": str(tmp_path), "FOGBANK_KMS_PASSPHRASE": "from env"}
    assert config_from_env(env).kms_passphrase == "from env"
    assert config_from_env({"FOGBANK_DATA_DIR": str(tmp_path)}).kms_passphrase is None
    secret = tmp_path / "p"
    secret.write_text("from file\r\n")
    config = config_from_env(env, kms_passphrase_file=secret)
    assert config.kms_passphrase == "from file"  # the CLI option wins over the env
    assert "from file" not in repr(config)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        read_passphrase_file(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ValueError, match="is empty"):
        read_passphrase_file(empty)
    inner = tmp_path / "inner"
    inner.write_text("  spaces and\nlines kept \n")
    assert read_passphrase_file(inner) == "  spaces and\nlines kept "


def test_worker_config_carries_no_secret(tmp_path: Path) -> None:
    config = config_from_env(
        {"FOGBANK_DATA_DIR": str(tmp_path), "FOGBANK_KMS_PASSPHRASE": "s3cret phrase"}
    )
    doc = config_to_json(config)
    assert "s3cret" not in doc
    assert config_from_json(doc).kms_passphrase is None
    again = config_from_json(doc, secrets_to_json(config))
    assert again == config and again.kms_passphrase == "s3cret phrase"
