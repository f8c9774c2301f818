"""FOGBANK_RDS_TEMPLATE_CACHE reaches the RDS settings of every process (workers get the
config as JSON)."""

from __future__ import annotations

from pathlib import Path

from fogbank.config import config_from_env
from fogbank.server.assemble import rds_settings
from fogbank.server.runtime import config_from_json, config_to_json


def test_the_rds_template_cache_reaches_the_workers(tmp_path: Path) -> None:
    env = {"FOGBANK_DATA_DIR": str(tmp_path), "FOGBANK_RDS_TEMPLATE_CACHE": "~/rds-templates"}
    config = config_from_json(config_to_json(config_from_env(env)))
    assert rds_settings(config).template_cache == Path.home() / "rds-templates"
    assert rds_settings(config_from_env({"FOGBANK_DATA_DIR": str(tmp_path)})).template_cache is None
