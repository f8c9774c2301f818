"""Instance classes -> memory, and AWS parameter formulas such as
``{DBInstanceClassMemory*3/4}`` or ``LEAST({DBInstanceClassMemory/9531392},5000)``.

An instance's ``DBInstanceClassMemory`` is its class's memory, bounded so that one
instance never claims more than an eighth of this machine's memory: a db.r5.4xlarge on a
24 GiB laptop gets a 3 GiB budget, and its buffer pool is three quarters of that.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from fogbank.services.rds import errors

GIB = 1 << 30
_SIZE_GIB = {
    "micro": 1,
    "small": 2,
    "medium": 4,
    "large": 8,
    "xlarge": 16,
    "2xlarge": 32,
    "4xlarge": 64,
    "8xlarge": 128,
    "12xlarge": 192,
    "16xlarge": 256,
    "24xlarge": 384,
}
_VCPU = {
    "micro": 2,
    "small": 2,
    "medium": 2,
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
}
_CLASS = re.compile(r"db\.([a-z]+)(\d+)([a-z]*)\.([0-9]*[a-z]+)")


@dataclass(frozen=True)
class ClassSize:
    name: str
    memory: int  # nominal bytes (AWS's figure)
    vcpu: int


def class_size(instance_class: str) -> ClassSize:
    m = _CLASS.fullmatch(instance_class)
    if m is None or m.group(4) not in _SIZE_GIB:
        raise errors.invalid_value(
            f"Invalid DB instance class: {instance_class} (e.g. db.t3.micro, db.m5.large)"
        )
    family, size = m.group(1), m.group(4)
    gib = _SIZE_GIB[size]
    if family == "t":  # burstable: micro 1, small 2, medium 4, large 8 GiB
        pass
    elif family in ("r", "x", "z"):  # memory optimised: twice the general-purpose size
        gib *= 2
    return ClassSize(instance_class, gib * GIB, _VCPU[size])


def host_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError):
        return 8 * GIB


def memory_budget(instance_class: str, host_bytes: int) -> int:
    """``DBInstanceClassMemory`` for an instance of this class on this machine."""
    return min(class_size(instance_class).memory, max(256 << 20, host_bytes // 8))


# -- formulas ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(LEAST|GREATEST|SUM|\{[^}]*\}|-?\d+|[(),])", re.IGNORECASE)
_TERM = re.compile(r"([A-Za-z]+|\d+)((?:\s*[*/]\s*\d+)*)")


def is_formula(value: str) -> bool:
    return "{" in value


def evaluate(value: str, variables: dict[str, int]) -> str:
    """Evaluate an AWS parameter formula to an integer string; plain values pass through."""
    if not is_formula(value):
        return value
    tokens = _tokens(value)
    result, rest = _expr(tokens, variables)
    if rest:
        raise errors.invalid_value(f"Invalid formula {value!r}")
    return str(result)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip():
                raise errors.invalid_value(f"Invalid formula {text!r}")
            break
        out.append(m.group(1))
        pos = m.end()
    return out


def _expr(tokens: list[str], variables: dict[str, int]) -> tuple[int, list[str]]:
    if not tokens:
        raise errors.invalid_value("Invalid formula: empty")
    head, rest = tokens[0], tokens[1:]
    if head.startswith("{"):
        return _braced(head[1:-1], variables), rest
    if head.upper() in ("LEAST", "GREATEST", "SUM"):
        if not rest or rest[0] != "(":
            raise errors.invalid_value(f"Invalid formula: {head} needs arguments")
        rest = rest[1:]
        args: list[int] = []
        while True:
            value, rest = _expr(rest, variables)
            args.append(value)
            if rest and rest[0] == ",":
                rest = rest[1:]
                continue
            if rest and rest[0] == ")":
                rest = rest[1:]
                break
            raise errors.invalid_value("Invalid formula: unbalanced parentheses")
        name = head.upper()
        if name == "LEAST":
            return min(args), rest
        if name == "GREATEST":
            return max(args), rest
        return sum(args), rest
    try:
        return int(head), rest
    except ValueError:
        raise errors.invalid_value(f"Invalid formula token {head!r}") from None


def _braced(body: str, variables: dict[str, int]) -> int:
    m = _TERM.fullmatch(body.strip())
    if m is None:
        raise errors.invalid_value(f"Invalid formula term {{{body}}}")
    base = m.group(1)
    if base.isdigit():
        value = int(base)
    elif base in variables:
        value = variables[base]
    else:
        raise errors.invalid_value(f"Unknown formula variable {base}")
    for op, num in re.findall(r"([*/])\s*(\d+)", m.group(2)):
        n = int(num)
        if op == "*":
            value *= n
        else:
            if n == 0:
                raise errors.invalid_value("Invalid formula: division by zero")
            value //= n
    return value


def formula_variables(
    instance_class: str, allocated_storage_gib: int, host_bytes: int
) -> dict[str, int]:
    return {
        "DBInstanceClassMemory": memory_budget(instance_class, host_bytes),
        "DBInstanceVCPU": class_size(instance_class).vcpu,
        "AllocatedStorage": allocated_storage_gib * GIB,
    }
