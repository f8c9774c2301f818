"""The Condition element, compiled to closures.

IAM user guide, "IAM JSON policy elements: Condition operators" and "Condition with
multiple context keys or values" / "Single-valued vs. multivalued context keys":

* Operators within a block, and keys within an operator, are ANDed; the values listed for
  one key are ORed. For a negated operator (``StringNotEquals``, ``NotIpAddress``,
  ``ArnNotLike`` ...) the values are combined with NOR: the request value must match none.
* A key absent from the request makes the condition false, except: a negated operator is
  then true; ``...IfExists`` is then true; ``Null`` tests presence itself;
  ``ForAllValues:`` is true (also for an empty set of values) and ``ForAnyValue:`` false.
* ``ForAllValues:`` requires every request value to satisfy the operator against the policy
  values, ``ForAnyValue:`` at least one; negation applies per request value.
* Without a set operator a multivalued request key is tested like ``ForAnyValue:`` for a
  positive operator, and the negated operator is its complement (no request value matches).
* Key names are case-insensitive; value case follows the operator (``StringEquals``
  exact, ``StringEqualsIgnoreCase`` not, ``ArnLike`` case-sensitive).
* Policy variables are allowed in String, ARN and Bool values only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import TypeVar

from fogbank.authz.policy.context import RequestContext, Scalar, scalar_text
from fogbank.authz.policy.errors import PolicyErrorReason, policy_error
from fogbank.authz.policy.matching import ArnPattern
from fogbank.authz.policy.values import (
    read_address,
    read_binary,
    read_bool_text,
    read_date,
    read_decimal,
    read_network,
)
from fogbank.authz.policy.variables import Glob, Lookup, Template, exact_text, parse_template

Matcher = Callable[[Scalar, Lookup], bool]  # does one request value match any policy value?
_Builder = Callable[[tuple[str, ...], bool, str], Matcher]


class SetOperator(Enum):
    NONE = ""
    FOR_ALL_VALUES = "ForAllValues"
    FOR_ANY_VALUE = "ForAnyValue"


@dataclass(frozen=True)
class Condition:
    """One (operator, key, values) test of a Condition block."""

    operator: str  # as written in the policy
    key: str  # lower-case
    values: tuple[str, ...]
    set_operator: SetOperator
    if_exists: bool
    negated: bool
    _match: Matcher | None = field(compare=False, repr=False)  # None: the Null operator

    def evaluate(self, ctx: RequestContext) -> bool:
        raw = ctx.get(self.key)
        if self._match is None:
            absent = raw is None or (isinstance(raw, list | tuple) and not raw)
            return ("true" if absent else "false") in self.values
        if raw is None:
            found: list[Scalar] | None = None
        elif isinstance(raw, list | tuple):
            found = list(raw)
        else:
            found = [raw]
        setop = self.set_operator
        if setop is not SetOperator.NONE and found == [""]:
            found = []  # an empty string is an empty data set for the set operators
        if found is None or (not found and setop is SetOperator.NONE):
            if self.if_exists or setop is SetOperator.FOR_ALL_VALUES:
                return True
            if setop is SetOperator.FOR_ANY_VALUE:
                return False
            return self.negated
        match, negated = self._match, self.negated
        if setop is SetOperator.FOR_ANY_VALUE or (setop is SetOperator.NONE and not negated):
            return any(match(value, ctx) != negated for value in found)
        return all(match(value, ctx) != negated for value in found)


def _string(values: tuple[str, ...], variables: bool, comparison: str) -> Matcher:
    if comparison == "like":
        globs = [Glob.compile(v, variables=variables) for v in values]
        return lambda value, lookup: any(g.matches(scalar_text(value), lookup) for g in globs)
    fold = comparison == "eq_ic"
    templates = [parse_template(v, variables=variables) for v in values]
    static = frozenset(_fold(t.source, fold) for t in templates if not t.has_variables)
    dynamic = [t for t in templates if t.has_variables]

    def match(value: Scalar, lookup: Lookup) -> bool:
        text = _fold(scalar_text(value), fold)
        return text in static or any(_render(t, lookup, fold) == text for t in dynamic)

    return match


def _fold(text: str, fold: bool) -> str:
    return text.lower() if fold else text


def _render(template: Template, lookup: Lookup, fold: bool) -> str | None:
    parts = template.resolve(lookup)
    return None if parts is None else _fold(exact_text(parts), fold)


_T = TypeVar("_T", Decimal, datetime)


def _comparator(comparison: str, _kind: type[_T]) -> Callable[[_T, _T], bool]:
    """``request <comparison> policy`` (NumericLessThan: the request value is less)."""
    if comparison == "lt":
        return lambda left, right: left < right
    if comparison == "le":
        return lambda left, right: left <= right
    if comparison == "gt":
        return lambda left, right: left > right
    if comparison == "ge":
        return lambda left, right: left >= right
    return lambda left, right: left == right


def _numeric(values: tuple[str, ...], _variables: bool, comparison: str) -> Matcher:
    compare = _comparator(comparison, Decimal)
    numbers = [n for n in (read_decimal(v) for v in values) if n is not None]

    def match(value: Scalar, _lookup: Lookup) -> bool:
        number = read_decimal(value)
        return number is not None and any(compare(number, n) for n in numbers)

    return match


def _date(values: tuple[str, ...], _variables: bool, comparison: str) -> Matcher:
    compare = _comparator(comparison, datetime)
    dates = [d for d in (read_date(v) for v in values) if d is not None]

    def match(value: Scalar, _lookup: Lookup) -> bool:
        moment = read_date(value)
        return moment is not None and any(compare(moment, d) for d in dates)

    return match


def _bool(values: tuple[str, ...], variables: bool, _comparison: str) -> Matcher:
    templates = [parse_template(v, variables=variables) for v in values]

    def match(value: Scalar, lookup: Lookup) -> bool:
        text = read_bool_text(value)
        return text is not None and any(_render(t, lookup, True) == text for t in templates)

    return match


def _binary(values: tuple[str, ...], _variables: bool, _comparison: str) -> Matcher:
    blobs = frozenset(b for b in (read_binary(v) for v in values) if b is not None)
    return lambda value, _lookup: read_binary(value) in blobs


def _ip(values: tuple[str, ...], _variables: bool, _comparison: str) -> Matcher:
    networks = [n for n in (read_network(v) for v in values) if n is not None]

    def match(value: Scalar, _lookup: Lookup) -> bool:
        address = read_address(value)
        return address is not None and any(
            address.version == n.version and address in n for n in networks
        )

    return match


def _arn(values: tuple[str, ...], variables: bool, _comparison: str) -> Matcher:
    patterns = [ArnPattern.compile(v, variables=variables) for v in values]

    def match(value: Scalar, lookup: Lookup) -> bool:
        return isinstance(value, str) and any(p.matches(value, lookup) for p in patterns)

    return match


# lower-case operator name -> (builder, negated, comparison)
_OPERATORS: Mapping[str, tuple[_Builder, bool, str]] = MappingProxyType(
    {
        "stringequals": (_string, False, "eq"),
        "stringnotequals": (_string, True, "eq"),
        "stringequalsignorecase": (_string, False, "eq_ic"),
        "stringnotequalsignorecase": (_string, True, "eq_ic"),
        "stringlike": (_string, False, "like"),
        "stringnotlike": (_string, True, "like"),
        "numericequals": (_numeric, False, "eq"),
        "numericnotequals": (_numeric, True, "eq"),
        "numericlessthan": (_numeric, False, "lt"),
        "numericlessthanequals": (_numeric, False, "le"),
        "numericgreaterthan": (_numeric, False, "gt"),
        "numericgreaterthanequals": (_numeric, False, "ge"),
        "dateequals": (_date, False, "eq"),
        "datenotequals": (_date, True, "eq"),
        "datelessthan": (_date, False, "lt"),
        "datelessthanequals": (_date, False, "le"),
        "dategreaterthan": (_date, False, "gt"),
        "dategreaterthanequals": (_date, False, "ge"),
        "bool": (_bool, False, "eq"),
        "binaryequals": (_binary, False, "eq"),
        "ipaddress": (_ip, False, "in"),
        "notipaddress": (_ip, True, "in"),
        "arnequals": (_arn, False, "like"),
        "arnlike": (_arn, False, "like"),
        "arnnotequals": (_arn, True, "like"),
        "arnnotlike": (_arn, True, "like"),
    }
)
_SET_PREFIXES = (
    ("forallvalues:", SetOperator.FOR_ALL_VALUES),
    ("foranyvalue:", SetOperator.FOR_ANY_VALUE),
)


def compile_conditions(
    block: object, *, variables: bool, resource_style: bool = False
) -> tuple[Condition, ...]:
    """Validate and compile a statement's ``Condition`` object."""

    def fail(reason: PolicyErrorReason, detail: str) -> Exception:
        return policy_error(reason, detail, resource_style=resource_style)

    if not isinstance(block, dict):
        raise fail(PolicyErrorReason.SYNTAX, "Condition")
    out: list[Condition] = []
    for op_name, body in block.items():
        if not isinstance(body, dict):
            raise fail(PolicyErrorReason.SYNTAX, op_name)
        name = op_name.lower()
        setop = SetOperator.NONE
        for prefix, candidate in _SET_PREFIXES:
            if name.startswith(prefix):
                name, setop = name[len(prefix) :], candidate
        if_exists = name.endswith("ifexists") and name != "ifexists"
        base = name[: -len("ifexists")] if if_exists else name
        if base == "null" and not if_exists:
            builder_entry = None
        elif base in _OPERATORS:
            builder_entry = _OPERATORS[base]
        else:
            raise fail(PolicyErrorReason.INVALID_CONDITION, op_name)
        for key, raw_values in body.items():
            values = _condition_values(raw_values)
            if values is None or not key:
                raise fail(PolicyErrorReason.SYNTAX, key)
            if builder_entry is None:
                lowered = tuple(v.lower() for v in values)
                out.append(Condition(op_name, key.lower(), lowered, setop, False, False, None))
                continue
            builder, negated, comparison = builder_entry
            if builder is _date and any(read_date(v) is None for v in values):
                # IAM rejects unreadable dates while parsing (moto: _legacy_parse_date...).
                raise fail(PolicyErrorReason.LEGACY_PARSING, key)
            matcher = builder(values, variables, comparison)
            out.append(Condition(op_name, key.lower(), values, setop, if_exists, negated, matcher))
    return tuple(out)


def _condition_values(raw: object) -> tuple[str, ...] | None:
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            return None
    return tuple(out)
