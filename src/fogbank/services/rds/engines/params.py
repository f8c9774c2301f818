"""Parameter values: validation against the engine's own definitions, and what to apply.

The definitions come from the engine (``information_schema.SYSTEM_VARIABLES`` for
MariaDB, ``pg_settings`` for PostgreSQL) and are cached per server in the store as JSON.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.services.rds import errors
from fogbank.services.rds.engines import sizing
from fogbank.services.rds.models import ParameterDef

_TRUE = {"1", "on", "true", "yes"}
_FALSE = {"0", "off", "false", "no"}


def defs_to_json(defs: Mapping[str, ParameterDef]) -> str:
    return json.dumps([dataclasses.asdict(d) for d in defs.values()])


def defs_from_json(text: str) -> dict[str, ParameterDef]:
    out: dict[str, ParameterDef] = {}
    for doc in json.loads(text):
        doc["choices"] = tuple(doc.get("choices") or ())
        d = ParameterDef(**doc)
        out[d.name] = d
    return out


def validate(defn: ParameterDef, value: str) -> str:
    """The value as it will be stored, or InvalidParameterValue."""
    if not defn.modifiable:
        raise errors.invalid_value(f"The parameter {defn.name} cannot be modified.")
    text = value.strip()
    if "\n" in text or "\x00" in text or "\r" in text:
        raise errors.invalid_value(f"Invalid value for parameter {defn.name}: control character")
    if defn.data_type == "integer":
        if sizing.is_formula(text):
            sizing.evaluate(
                text, {"DBInstanceClassMemory": 1, "DBInstanceVCPU": 1, "AllocatedStorage": 1}
            )
            return text
        if not re.fullmatch(r"-?\d+", text):
            raise _bad(defn, value)
        _check_range(defn, float(text), value)
        return text
    if defn.data_type == "float":
        try:
            number = float(text)
        except ValueError:
            raise _bad(defn, value) from None
        _check_range(defn, number, value)
        return text
    if defn.data_type == "boolean":
        low = text.lower()
        if low not in _TRUE | _FALSE:
            raise _bad(defn, value)
        return "1" if low in _TRUE else "0"
    if defn.choices:
        by_lower = {c.lower(): c for c in defn.choices}
        items = [p.strip() for p in text.split(",")] if defn.is_set else [text]
        if defn.is_set and text == "":
            return ""
        chosen = []
        for item in items:
            if item.lower() not in by_lower:
                raise _bad(defn, value)
            chosen.append(by_lower[item.lower()])
        return ",".join(chosen)
    return text


def _check_range(defn: ParameterDef, number: float, value: str) -> None:
    if defn.minimum is not None and number < defn.minimum:
        raise _bad(defn, value)
    if defn.maximum is not None and number > defn.maximum:
        raise _bad(defn, value)


def _bad(defn: ParameterDef, value: str) -> Exception:
    allowed = f" (allowed values: {defn.allowed_values})" if defn.allowed_values else ""
    return errors.invalid_value(f"Invalid parameter value: {value} for: {defn.name}{allowed}")


def desired_values(
    system: Mapping[str, str],
    group: Mapping[str, tuple[str, str]],
    variables: dict[str, int],
) -> dict[str, str]:
    """The concrete values an instance should run with: fogbank's, then the group's."""
    merged = dict(system)
    merged.update({name: value for name, (value, _method) in group.items()})
    return {name: sizing.evaluate(v, variables) for name, v in merged.items()}


@dataclass(frozen=True)
class Plan:
    """What to do to a running instance after its parameter group changed."""

    live: dict[str, str | None]  # apply now (None: back to the engine default)
    pending: bool  # something differs that only a reboot applies


def plan(
    applied: Mapping[str, str],
    desired: Mapping[str, str],
    defs: Mapping[str, ParameterDef],
    methods: Mapping[str, str],
    same_group: bool,
) -> Plan:
    live: dict[str, str | None] = {}
    pending = False
    for name in sorted(set(applied) | set(desired)):
        now, want = applied.get(name), desired.get(name)
        if now == want:
            continue
        defn = defs.get(name)
        dynamic = defn is not None and defn.apply_type == "dynamic"
        if same_group and dynamic and methods.get(name, "immediate") == "immediate":
            live[name] = want
        else:
            pending = True
    return Plan(live, pending)
