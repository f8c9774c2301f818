"""Validation of parameter values, and what a group change does to a running instance."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds.engines import params
from fogbank.services.rds.models import ParameterDef

INT = ParameterDef(
    "max_connections",
    "151",
    "integer",
    "dynamic",
    True,
    "10-100000",
    "",
    minimum=10,
    maximum=100000,
)
STATIC = ParameterDef("back_log", "80", "integer", "static", True, "0-65535", "", 0, 65535)
BOOL = ParameterDef("autocommit", "ON", "boolean", "dynamic", True, "0,1", "")
ENUM = ParameterDef(
    "wal_level",
    "replica",
    "string",
    "static",
    True,
    "minimal,replica,logical",
    "",
    choices=("minimal", "replica", "logical"),
)
SET = ParameterDef(
    "sql_mode", "", "list", "dynamic", True, "A,B", "", choices=("ANSI", "TRADITIONAL"), is_set=True
)
FIXED = ParameterDef("datadir", "/x", "string", "static", False, None, "")


def test_valid_values_are_normalised() -> None:
    assert params.validate(INT, " 200 ") == "200"
    assert params.validate(INT, "{DBInstanceClassMemory/12582880}").startswith("{")
    assert params.validate(BOOL, "ON") == "1" and params.validate(BOOL, "false") == "0"
    assert params.validate(ENUM, "LOGICAL") == "logical"
    assert params.validate(SET, "ansi,traditional") == "ANSI,TRADITIONAL"


@pytest.mark.parametrize(
    ("defn", "value"),
    [
        (INT, "9"),
        (INT, "abc"),
        (INT, "1.5"),
        (BOOL, "maybe"),
        (ENUM, "full"),
        (SET, "ANSI,NOPE"),
        (FIXED, "/tmp"),
        (INT, "{Unknown}"),
    ],
)
def test_invalid_values_are_refused(defn: ParameterDef, value: str) -> None:
    with pytest.raises(AwsError) as caught:
        params.validate(defn, value)
    assert caught.value.code == "InvalidParameterValue"


def test_control_characters_never_reach_a_config_file() -> None:
    text = ParameterDef("init_connect", "", "string", "dynamic", True, None, "")
    with pytest.raises(AwsError):
        params.validate(text, "a\nskip-grant-tables")


def test_desired_values_layer_group_over_system() -> None:
    system = {"max_connections": "{DBInstanceClassMemory/12582880}", "back_log": "50"}
    group = {"back_log": ("90", "pending-reboot")}
    values = params.desired_values(system, group, {"DBInstanceClassMemory": 1 << 30})
    assert values == {"max_connections": "85", "back_log": "90"}


def test_plan_applies_dynamic_at_once_and_leaves_static_pending() -> None:
    defs = {d.name: d for d in (INT, STATIC, BOOL)}
    applied = {"max_connections": "151", "back_log": "80", "autocommit": "1"}
    desired = {"max_connections": "200", "back_log": "90"}
    plan = params.plan(applied, desired, defs, {}, same_group=True)
    assert plan.live == {"max_connections": "200", "autocommit": None}
    assert plan.pending
    deferred = params.plan(applied, desired, defs, {"max_connections": "pending-reboot"}, True)
    assert deferred.live == {"autocommit": None}
    other_group = params.plan(applied, desired, defs, {}, same_group=False)
    assert other_group.live == {} and other_group.pending
    assert params.plan(applied, applied, defs, {}, True) == params.Plan({}, False)


def test_definitions_round_trip_through_json() -> None:
    defs = {d.name: d for d in (INT, ENUM, SET)}
    assert params.defs_from_json(params.defs_to_json(defs)) == defs
