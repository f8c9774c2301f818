"""Instance classes and AWS parameter formulas."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds.engines.sizing import GIB, class_size, evaluate, memory_budget


def test_class_sizes() -> None:
    assert class_size("db.t3.micro").memory == 1 * GIB
    assert class_size("db.m5.large").memory == 8 * GIB
    assert class_size("db.r6g.xlarge").memory == 32 * GIB
    assert class_size("db.m6i.2xlarge").vcpu == 8
    for bad in ("db.t3", "t3.micro", "db.t3.gigantic", ""):
        with pytest.raises(AwsError):
            class_size(bad)


def test_memory_budget_is_bounded_by_the_host() -> None:
    host = 24 * GIB
    assert memory_budget("db.t3.micro", host) == 1 * GIB
    assert memory_budget("db.r5.4xlarge", host) == 3 * GIB


def test_formulas() -> None:
    variables = {"DBInstanceClassMemory": 1 * GIB, "DBInstanceVCPU": 2}
    assert evaluate("{DBInstanceClassMemory*3/4}", variables) == str(3 * GIB // 4)
    assert evaluate("{DBInstanceClassMemory/12582880}", variables) == "85"
    assert evaluate("LEAST({DBInstanceClassMemory/9531392},5000)", variables) == "112"
    assert evaluate("GREATEST({DBInstanceVCPU*2},8)", variables) == "8"
    assert evaluate("SUM({DBInstanceVCPU},1)", variables) == "3"
    assert evaluate("plain", variables) == "plain"
    for bad in ("{Nope*2}", "LEAST({DBInstanceVCPU}", "{DBInstanceVCPU/0}", "{x y}"):
        with pytest.raises(AwsError):
            evaluate(bad, variables)
