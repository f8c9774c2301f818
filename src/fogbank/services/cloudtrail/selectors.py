"""Event selectors: which events a trail logs. Validated when put, matched at delivery.

Basic selectors (``EventSelectors``): management events by read/write type, minus excluded
sources (``kms.amazonaws.com``, ``rdsdata.amazonaws.com``), and data events for chosen
``DataResources`` (S3 objects: ``arn:aws:s3:::bucket/prefix``, a whole bucket with
``arn:aws:s3:::bucket/``, or every bucket with ``arn:aws:s3``).

Advanced selectors (``AdvancedEventSelectors``): each selector is a list of field conditions
that must all hold; a condition holds when the field matches one of its ``Equals`` /
``StartsWith`` / ``EndsWith`` values (if it has any) and none of its ``NotEquals`` /
``NotStartsWith`` / ``NotEndsWith`` values. A trail logs an event that any selector matches.
Source: CloudTrail user guide, "Logging data events", "Logging management events", and the
API reference of ``PutEventSelectors`` / ``AdvancedFieldSelector``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.core.errors import AwsError

MAX_BASIC = 5
MAX_DATA_VALUES = 250
MAX_ADVANCED_CONDITIONS = 500
DATA_TYPES = frozenset({"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"})
EXCLUDABLE_SOURCES = frozenset({"kms.amazonaws.com", "rdsdata.amazonaws.com"})
FIELDS = frozenset(
    {
        "eventCategory",
        "eventSource",
        "eventName",
        "eventType",
        "readOnly",
        "resources.type",
        "resources.ARN",
        "userIdentity.arn",
        "errorCode",
        "sessionCredentialFromConsole",
        "vpcEndpointId",
    }
)
_EQUALS_ONLY = frozenset({"eventCategory", "readOnly", "resources.type"})
_POSITIVE = ("Equals", "StartsWith", "EndsWith")
_NEGATIVE = ("NotEquals", "NotStartsWith", "NotEndsWith")


def invalid(message: str) -> AwsError:
    return AwsError("InvalidEventSelectorsException", message)


# -- validation --------------------------------------------------------------------------


def check_basic(selectors: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Validated basic selectors, with AWS's defaults filled in."""
    if len(selectors) > MAX_BASIC:
        raise invalid(f"A trail can have at most {MAX_BASIC} event selectors.")
    values = 0
    out: list[dict[str, object]] = []
    for selector in selectors:
        rw = selector.get("ReadWriteType", "All")
        if rw not in ("ReadOnly", "WriteOnly", "All"):
            raise invalid(f"Value {rw} for ReadWriteType is invalid.")
        excluded = list(_strings(selector.get("ExcludeManagementEventSources")))
        for source in excluded:
            if source not in EXCLUDABLE_SOURCES:
                raise invalid(f"Excluding management event source {source} is not supported.")
        resources: list[dict[str, object]] = []
        for resource in _mappings(selector.get("DataResources")):
            kind = resource.get("Type")
            if kind not in DATA_TYPES:
                raise invalid(f"Value {kind} for DataResources.Type is invalid.")
            items = list(_strings(resource.get("Values")))
            values += len(items)
            for value in items:
                if kind == "AWS::S3::Object" and not _valid_s3_value(value):
                    raise invalid(f"Value {value} for DataResources.Values is invalid.")
            resources.append({"Type": kind, "Values": items})
        out.append(
            {
                "ReadWriteType": rw,
                "IncludeManagementEvents": bool(selector.get("IncludeManagementEvents", True)),
                "DataResources": resources,
                "ExcludeManagementEventSources": excluded,
            }
        )
    if values > MAX_DATA_VALUES:
        raise invalid(f"A trail can have at most {MAX_DATA_VALUES} data resource values.")
    return out


def _valid_s3_value(value: str) -> bool:
    if value in ("arn:aws:s3", "arn:aws:s3:::"):
        return True
    rest = value.removeprefix("arn:aws:s3:::")
    return rest != value and "/" in rest and rest.split("/", 1)[0] != ""


def check_advanced(selectors: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    conditions = 0
    out: list[dict[str, object]] = []
    for selector in selectors:
        fields = list(_mappings(selector.get("FieldSelectors")))
        if not fields:
            raise invalid("Each advanced event selector needs at least one field selector.")
        names: list[str] = []
        cleaned: list[dict[str, object]] = []
        for field in fields:
            name = field.get("Field")
            if not isinstance(name, str) or name not in FIELDS:
                raise invalid(f"Field {name} is not a valid advanced event selector field.")
            entry: dict[str, object] = {"Field": name}
            for op in (*_POSITIVE, *_NEGATIVE):
                values = list(_strings(field.get(op)))
                if not values:
                    continue
                if name in _EQUALS_ONLY and op != "Equals":
                    raise invalid(f"Only the Equals operator is supported for field {name}.")
                conditions += len(values)
                entry[op] = values
            if len(entry) == 1:
                raise invalid(f"Field selector {name} has no condition.")
            names.append(name)
            cleaned.append(entry)
        category = next((f for f in cleaned if f["Field"] == "eventCategory"), None)
        if category is None:
            raise invalid("Each advanced event selector must have an eventCategory field.")
        kinds = category.get("Equals")
        if not isinstance(kinds, list) or not set(kinds) <= {"Management", "Data"}:
            raise invalid("Value for field eventCategory must be Management or Data.")
        if "Data" in kinds and "resources.type" not in names:
            raise invalid("Data event selectors must have a resources.type field.")
        item: dict[str, object] = {"FieldSelectors": cleaned}
        if isinstance(selector.get("Name"), str):
            item["Name"] = selector["Name"]
        out.append(item)
    if conditions > MAX_ADVANCED_CONDITIONS:
        raise invalid(f"A trail can have at most {MAX_ADVANCED_CONDITIONS} conditions.")
    return out


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


def _mappings(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


# -- matching ----------------------------------------------------------------------------


def _resources(record: Mapping[str, object]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    items = record.get("resources")
    if isinstance(items, list):
        for item in items:
            if isinstance(item, Mapping):
                out.append((str(item.get("type", "")), str(item.get("ARN", ""))))
    return out


def _s3_value_matches(value: str, resources: list[tuple[str, str]]) -> bool:
    if value in ("arn:aws:s3", "arn:aws:s3:::"):
        return True
    for kind, arn in resources:
        if kind == "AWS::S3::Object" and arn.startswith(value):
            return True
        if kind == "AWS::S3::Bucket" and value == arn + "/":
            return True  # bucket-level data calls (ListObjects ...) match a whole bucket
    return False


def _basic_matches(selectors: Sequence[Mapping[str, object]], record: Mapping[str, object]) -> bool:
    management = bool(record.get("managementEvent"))
    read_only = bool(record.get("readOnly"))
    source = record.get("eventSource")
    for selector in selectors:
        rw = selector.get("ReadWriteType", "All")
        if (rw == "ReadOnly" and not read_only) or (rw == "WriteOnly" and read_only):
            continue
        if management:
            if selector.get("IncludeManagementEvents", True) and source not in _strings(
                selector.get("ExcludeManagementEventSources")
            ):
                return True
            continue
        for resource in _mappings(selector.get("DataResources")):
            if resource.get("Type") == "AWS::S3::Object" and source == "s3.amazonaws.com":
                found = _resources(record)
                if any(_s3_value_matches(v, found) for v in _strings(resource.get("Values"))):
                    return True
    return False


def _field_values(name: str, record: Mapping[str, object]) -> list[str]:
    if name == "readOnly":
        return ["true" if record.get("readOnly") else "false"]
    if name == "resources.type":
        return [kind for kind, _ in _resources(record)]
    if name == "resources.ARN":
        return [arn for _, arn in _resources(record)]
    if name == "userIdentity.arn":
        identity = record.get("userIdentity")
        arn = identity.get("arn") if isinstance(identity, Mapping) else None
        return [arn] if isinstance(arn, str) else []
    if name == "sessionCredentialFromConsole":
        return ["false"]
    value = record.get(name)
    return [value] if isinstance(value, str) else []


def _condition_holds(field: Mapping[str, object], values: list[str]) -> bool:
    def one(value: str) -> bool:
        positive = [(op, v) for op in _POSITIVE for v in _strings(field.get(op))]
        if positive and not any(_test(op, value, v) for op, v in positive):
            return False
        negative = [(op, v) for op in _NEGATIVE for v in _strings(field.get(op))]
        return not any(_test(op[3:], value, v) for op, v in negative)

    if not values:
        # A missing field satisfies only purely negative conditions.
        return not any(_strings(field.get(op)) for op in _POSITIVE)
    return any(one(v) for v in values)


def _test(op: str, value: str, expected: str) -> bool:
    if op == "Equals":
        return value == expected
    if op == "StartsWith":
        return value.startswith(expected)
    return value.endswith(expected)


def _advanced_matches(
    selectors: Sequence[Mapping[str, object]], record: Mapping[str, object]
) -> bool:
    for selector in selectors:
        fields = _mappings(selector.get("FieldSelectors"))
        if all(_condition_holds(f, _field_values(str(f.get("Field")), record)) for f in fields):
            return True
    return False


def matches(selectors: Mapping[str, object], record: Mapping[str, object]) -> bool:
    """Whether a trail with ``selectors`` ({"basic": [...]} or {"advanced": [...]}) logs
    the event ``record``."""
    advanced = selectors.get("advanced")
    if isinstance(advanced, list):
        return _advanced_matches(advanced, record)
    basic = selectors.get("basic")
    return isinstance(basic, list) and _basic_matches(basic, record)
