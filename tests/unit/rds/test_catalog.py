"""Which installed server answers for which engine, version and family."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds.engines.catalog import MARIADB, POSTGRESQL, Catalog, Server, family_of

MARIA = Server(MARIADB, "10.11.19", Path("/usr/sbin"))
PG13 = Server(POSTGRESQL, "13.20", Path("/pg13"))
PG15 = Server(POSTGRESQL, "15.18", Path("/pg15"))
PG17 = Server(POSTGRESQL, "17.4", Path("/pg17"))


def test_families() -> None:
    assert family_of("mysql", "8.0.40") == "mysql8.0"
    assert family_of("mysql", "8.4.3") == "mysql8.4"
    assert family_of("mariadb", "10.11.9") == "mariadb10.11"
    assert family_of("postgres", "16.4") == "postgres16"


def test_mysql_and_mariadb_are_served_by_mariadb() -> None:
    catalog = Catalog([MARIA, PG15])
    assert catalog.resolve("mysql", "8.0.36") == ("8.0.36", "mysql8.0", MARIA)
    assert catalog.resolve("mysql", "8.4")[1:] == ("mysql8.4", MARIA)
    assert catalog.resolve("mariadb", "11.4.5")[1:] == ("mariadb11.4", MARIA)


def test_defaults_and_major_only_versions() -> None:
    catalog = Catalog([MARIA, PG15])
    version, family, _ = catalog.resolve("postgres", None)
    assert family == "postgres16" and version.startswith("16.")
    assert catalog.resolve("postgres", "14")[0].startswith("14.")
    assert catalog.resolve("mysql", "8.0")[0].startswith("8.0.")


def test_nearest_postgres_server() -> None:
    catalog = Catalog([MARIA, PG13, PG15, PG17])
    assert catalog.resolve("postgres", "13.4")[2] == PG13
    assert catalog.resolve("postgres", "14")[2] == PG15  # a tie goes to the newer
    assert catalog.resolve("postgres", "16.1")[2] == PG17
    assert catalog.resolve("postgres", "17")[2] == PG17


def test_unknown_engines_and_versions() -> None:
    catalog = Catalog([MARIA, PG15])
    for engine, version, code in (
        ("oracle-ee", None, "InvalidParameterValue"),
        ("mysql", "5.1.2", "InvalidParameterCombination"),
        ("mysql", "8", "InvalidParameterCombination"),
        ("postgres", "9.6", "InvalidParameterCombination"),
        ("postgres", "abc", "InvalidParameterValue"),
    ):
        with pytest.raises(AwsError) as caught:
            catalog.resolve(engine, version)
        assert caught.value.code == code


def test_missing_server_kind() -> None:
    catalog = Catalog([PG15])
    with pytest.raises(AwsError, match="No mariadb server"):
        catalog.resolve("mysql", "8.0.40")
    assert all(not f.startswith(("mysql", "mariadb")) for f in catalog.families())


def test_engine_versions_name_the_server() -> None:
    versions = Catalog([MARIA, PG15]).engine_versions()
    mysql = [v for v in versions if v.family == "mysql8.0"]
    assert mysql and {v.server_description for v in mysql} == {"MariaDB 10.11.19"}
    defaults = [v for v in versions if v.is_default]
    assert {v.engine for v in defaults} == {"mysql", "mariadb", "postgres"}
