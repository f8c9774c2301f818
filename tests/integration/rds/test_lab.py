"""The lab of docs/rds.md, with the AWS CLI only: a security group, an instance in it,
``aws rds wait db-instance-available`` in under 20 s, and real clients at the endpoint."""

from __future__ import annotations

import time

from tests.integration.rds.clients import (
    PASSWORD,
    allow,
    aws,
    aws_error,
    describe,
    mariadb,
    mariadb_try,
    psql,
    psql_try,
    security_group,
    wait_available,
)
from tests.support.server import FogbankServer


def create(server: FogbankServer, ident: str, engine: str, user: str, group: str) -> float:
    """Create an instance and wait for it with the CLI's waiter; the seconds the wait took.

    The waiter looks once at once, then every 30 s: a wait under 20 s means its first
    look found the instance available. (Each CLI call also spends a few seconds starting
    on a busy machine.)
    """
    started = time.monotonic()
    aws(
        server,
        "rds",
        "create-db-instance",
        "--db-instance-identifier",
        ident,
        "--engine",
        engine,
        "--db-instance-class",
        "db.t3.micro",
        "--allocated-storage",
        "20",
        "--master-username",
        user,
        "--master-user-password",
        PASSWORD,
        "--db-name",
        "app",
        "--vpc-security-group-ids",
        group,
    )
    waiting = time.monotonic()
    assert waiting - started < 30, f"create took {waiting - started:.1f}s"
    wait_available(server, ident)
    return time.monotonic() - waiting


def delete(server: FogbankServer, ident: str) -> None:
    aws(
        server,
        "rds",
        "delete-db-instance",
        "--db-instance-identifier",
        ident,
        "--skip-final-snapshot",
    )


def test_mysql_lab(rds_server: FogbankServer) -> None:
    group = security_group(rds_server, "lab-mysql", 3306)
    seconds = create(rds_server, "lab-mysql", "mysql", "admin", group)
    assert seconds < 20, f"waited {seconds:.1f}s"
    db = describe(rds_server, "lab-mysql")
    assert db["DBInstanceStatus"] == "available"
    assert db["Engine"] == "mysql" and db["DBName"] == "app"
    assert db["Endpoint"]["Port"] == 3306
    host = db["Endpoint"]["Address"]
    assert host.startswith("127.") and host != "127.0.0.1"
    assert db["VpcSecurityGroups"] == [{"VpcSecurityGroupId": group, "Status": "active"}]
    mariadb(host, 3306, "CREATE TABLE pets (id INT PRIMARY KEY, name VARCHAR(20))")
    mariadb(host, 3306, "INSERT INTO pets VALUES (1, 'cat'), (2, 'dog'), (3, 'emu')")
    mariadb(host, 3306, "UPDATE pets SET name = 'ox' WHERE id = 2")
    mariadb(host, 3306, "DELETE FROM pets WHERE id = 3")
    assert mariadb(host, 3306, "SELECT id, name FROM pets ORDER BY id") == "1\tcat\n2\tox\n"
    delete(rds_server, "lab-mysql")


def test_postgres_lab(rds_server: FogbankServer) -> None:
    group = security_group(rds_server, "lab-postgres", 5432)
    seconds = create(rds_server, "lab-postgres", "postgres", "boss", group)
    assert seconds < 20, f"waited {seconds:.1f}s"
    db = describe(rds_server, "lab-postgres")
    assert db["Endpoint"]["Port"] == 5432
    host = db["Endpoint"]["Address"]
    psql(host, 5432, "CREATE TABLE pets (id int PRIMARY KEY, name text)")
    psql(host, 5432, "INSERT INTO pets VALUES (1, 'cat'), (2, 'dog'), (3, 'emu')")
    psql(host, 5432, "UPDATE pets SET name = 'ox' WHERE id = 2")
    psql(host, 5432, "DELETE FROM pets WHERE id = 3")
    assert psql(host, 5432, "SELECT id, name FROM pets ORDER BY id") == "1|cat\n2|ox\n"
    delete(rds_server, "lab-postgres")


def test_refused_without_an_ingress_rule_until_one_is_added(rds_server: FogbankServer) -> None:
    group = security_group(rds_server, "lab-closed", None)
    create(rds_server, "lab-closed", "mysql", "admin", group)
    host = describe(rds_server, "lab-closed")["Endpoint"]["Address"]
    code, _out, err = mariadb_try(host, 3306, "SELECT 1")
    assert code != 0
    assert group in err and "no inbound rule" in err
    allow(rds_server, group, 3306)
    assert mariadb(host, 3306, "SELECT 41 + 1") == "42\n"  # at once, for the next connection
    # The group is in use: EC2 refuses to delete it until the instance is gone.
    err = aws_error(rds_server, "ec2", "delete-security-group", "--group-id", group)
    assert "DependencyViolation" in err
    delete(rds_server, "lab-closed")
    aws(rds_server, "ec2", "delete-security-group", "--group-id", group)


def test_postgres_refusal_names_the_group(rds_server: FogbankServer) -> None:
    group = security_group(rds_server, "lab-pg-closed", 3306)  # the wrong port
    create(rds_server, "lab-pg-closed", "postgres", "boss", group)
    host = describe(rds_server, "lab-pg-closed")["Endpoint"]["Address"]
    code, _out, err = psql_try(host, 5432, "SELECT 1")
    assert code != 0 and group in err and "tcp/5432" in err
    allow(rds_server, group, 5432)
    assert psql(host, 5432, "SELECT 41 + 1") == "42\n"
    delete(rds_server, "lab-pg-closed")
