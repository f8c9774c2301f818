"""Lifecycle rules: validation of a PutBucketLifecycleConfiguration (with S3's errors), the
stored document, and the typed rules the engine evaluates.

The stored document is the configuration as given, with dates as epoch seconds; ``Rule``
is what ``plan`` needs: a filter and the actions' numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fogbank.services.s3 import errors
from fogbank.services.s3.lifecycle.timing import is_midnight

if TYPE_CHECKING:
    from fogbank.services.s3.tiering_config import ArchiveRule

MAX_RULES = 1000
MIN_IA_DAYS = 30
# The waterfall: an object only moves to a class further down (higher rank).
RANK = {
    "STANDARD": 0,
    "REDUCED_REDUNDANCY": 0,
    "STANDARD_IA": 1,
    "INTELLIGENT_TIERING": 2,
    "ONEZONE_IA": 3,
    "GLACIER_IR": 4,
    "GLACIER": 5,
    "DEEP_ARCHIVE": 6,
}
TRANSITION_CLASSES = ("GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                      "DEEP_ARCHIVE", "GLACIER_IR")  # fmt: skip
MIN_SIZE_DEFAULT = "all_storage_classes_128K"
MIN_SIZE_VALUES = (MIN_SIZE_DEFAULT, "varies_by_storage_class")
SMALL = 128 * 1024


@dataclass(frozen=True)
class Filter:
    prefix: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    size_gt: int | None = None
    size_lt: int | None = None

    def matches_key(self, key: str) -> bool:
        return key.startswith(self.prefix)

    def matches(self, key: str, size: int, tags: Sequence[tuple[str, str]]) -> bool:
        if not key.startswith(self.prefix):
            return False
        if self.size_gt is not None and not size > self.size_gt:
            return False
        if self.size_lt is not None and not size < self.size_lt:
            return False
        return all(t in tags for t in self.tags)

    @property
    def only_key(self) -> bool:
        """No tag or size condition: applies to delete markers and uploads too."""
        return not self.tags and self.size_gt is None and self.size_lt is None


@dataclass(frozen=True)
class Rule:
    id: str
    filter: Filter
    expiration_days: int | None = None
    expiration_date: float | None = None
    expired_marker: bool = False
    transitions: tuple[tuple[int | None, float | None, str], ...] = ()  # days, date, class
    nc_transitions: tuple[tuple[int, int | None, str], ...] = ()  # days, newer, class
    nc_expiration: tuple[int, int | None] | None = None  # days, newer
    abort_days: int | None = None


@dataclass(frozen=True)
class Config:
    """A bucket's plan inputs: its enabled lifecycle rules, and the archive tiers its
    Intelligent-Tiering configurations opt into (tiering_config.py)."""

    rules: tuple[Rule, ...]
    min_size: str = MIN_SIZE_DEFAULT
    archive: tuple[ArchiveRule, ...] = ()

    def transition_allowed(self, size: int, target: str) -> bool:
        if size >= SMALL:
            return True
        # S3's default (since 2024) keeps objects under 128 KiB where they are.
        return self.min_size == "varies_by_storage_class" and target in (
            "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
        )  # fmt: skip


def _bad(message: str, name: str | None = None, value: object = None) -> Exception:
    return errors.invalid_argument(message, name, value)


def _int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.malformed_xml()
    try:
        return int(value)
    except ValueError:
        raise errors.malformed_xml() from None


def _date(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        t = (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    elif isinstance(value, int | float):
        t = float(value)
    else:
        raise errors.malformed_xml()
    if not is_midnight(t):
        raise _bad("'Date' must be at midnight GMT", "Date", value)
    return t


def _filter(rule: Mapping[str, object]) -> tuple[Filter, dict[str, object]]:
    """The rule's filter and its stored form."""
    legacy, doc = rule.get("Prefix"), rule.get("Filter")
    if legacy is not None and doc is not None:
        raise errors.malformed_xml()
    if doc is None:
        if legacy is None:
            raise errors.malformed_xml()
        return Filter(prefix=str(legacy)), {"Prefix": str(legacy)}
    if not isinstance(doc, Mapping):
        raise errors.malformed_xml()
    present = [k for k in ("Prefix", "Tag", "And", "ObjectSizeGreaterThan",
                           "ObjectSizeLessThan") if doc.get(k) is not None]  # fmt: skip
    if len(present) > 1:
        raise errors.malformed_xml()
    if not present:
        return Filter(), {}
    kind = present[0]
    if kind == "And":
        inner = doc["And"]
        if not isinstance(inner, Mapping):
            raise errors.malformed_xml()
        tags = _tags(inner.get("Tags") or [])
        found = Filter(
            str(inner.get("Prefix") or ""), tags,
            _int(inner.get("ObjectSizeGreaterThan")), _int(inner.get("ObjectSizeLessThan")),
        )  # fmt: skip
    elif kind == "Tag":
        found = Filter(tags=_tags([doc["Tag"]]))
    elif kind == "Prefix":
        found = Filter(prefix=str(doc["Prefix"]))
    elif kind == "ObjectSizeGreaterThan":
        found = Filter(size_gt=_int(doc[kind]))
    else:
        found = Filter(size_lt=_int(doc[kind]))
    for value in (found.size_gt, found.size_lt):
        if value is not None and value < 0:
            raise _bad("Object size filters must be non-negative", kind, value)
    if found.size_gt is not None and found.size_lt is not None and found.size_gt >= found.size_lt:
        raise _bad(
            "ObjectSizeGreaterThan must be less than ObjectSizeLessThan",
            "ObjectSizeGreaterThan", found.size_gt,
        )  # fmt: skip
    return found, {kind: doc[kind]}


def _tags(items: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        raise errors.malformed_xml()
    out = []
    for t in items:
        if not isinstance(t, Mapping) or t.get("Key") is None:
            raise errors.malformed_xml()
        out.append((str(t["Key"]), str(t.get("Value") or "")))
    return tuple(out)


def _days_check(days: int | None, action: str, member: str = "Days") -> None:
    if days is not None and days <= 0:
        raise _bad(f"'{member}' for {action} action must be a positive integer", member, days)


def _describe(f: Filter) -> str:
    return f"(prefix={f.prefix})"


def parse_rule(raw: object) -> tuple[Rule, dict[str, object]]:
    if not isinstance(raw, Mapping):
        raise errors.malformed_xml()
    status = raw.get("Status")
    if status not in ("Enabled", "Disabled"):
        raise errors.malformed_xml()
    rule_id = str(raw.get("ID") or "")
    if len(rule_id) > 255:
        raise _bad("ID length should not exceed allowed limit of 255", "ID", rule_id)
    flt, stored_filter = _filter(raw)
    doc: dict[str, object] = {"ID": rule_id, "Status": status}
    doc.update({"Prefix": stored_filter["Prefix"]} if "Prefix" in raw else
               {"Filter": stored_filter})  # fmt: skip
    exp = raw.get("Expiration")
    exp_days = exp_date = None
    marker = False
    if exp is not None:
        if not isinstance(exp, Mapping):
            raise errors.malformed_xml()
        exp_days, exp_date = _int(exp.get("Days")), _date(exp.get("Date"))
        marker = bool(exp.get("ExpiredObjectDeleteMarker"))
        given = [v for v in (exp_days, exp_date, exp.get("ExpiredObjectDeleteMarker"))
                 if v is not None]  # fmt: skip
        if len(given) != 1:
            raise errors.malformed_xml()
        _days_check(exp_days, "Expiration")
        if marker and flt.tags:
            raise errors.invalid_request(
                "Tag based filter cannot be used with ExpiredObjectDeleteMarker action"
            )
        doc["Expiration"] = _compact(
            Days=exp_days, Date=exp_date, ExpiredObjectDeleteMarker=marker or None
        )
    transitions = []
    for t in _list(raw.get("Transitions")):
        if not isinstance(t, Mapping) or t.get("StorageClass") not in TRANSITION_CLASSES:
            raise errors.malformed_xml()
        days, date, cls = _int(t.get("Days")), _date(t.get("Date")), str(t["StorageClass"])
        if (days is None) == (date is None):
            raise errors.malformed_xml()
        if days is not None and days < 0:
            raise _bad("'Days' in Transition action must be a non-negative integer", "Days", days)
        if days is not None and cls in ("STANDARD_IA", "ONEZONE_IA") and days < MIN_IA_DAYS:
            raise _bad(
                f"'Days' in Transition action must be greater than or equal to 30 for "
                f"storageClass '{cls}'", "Days", days,
            )  # fmt: skip
        transitions.append((days, date, cls))
    if len({c for _, _, c in transitions}) != len(transitions):
        raise errors.invalid_request(
            "'StorageClass' must be different for 'Transition' actions in same 'Rule' with "
            f"filter '{_describe(flt)}'"
        )
    if transitions and len({d is None for d, _, _ in transitions}) > 1:
        raise errors.invalid_request("Found mixed 'Date' and 'Days' based Transition actions")
    if exp_days is not None:
        for days, _, _ in transitions:
            if days is not None and days >= exp_days:
                raise _bad(
                    f"'Days' in the Expiration action for filter '{_describe(flt)}' must be "
                    f"greater than 'Days' in the Transition action", "Days", exp_days,
                )  # fmt: skip
    if transitions:
        doc["Transitions"] = [
            {k: v for k, v in (("Days", d), ("Date", dt), ("StorageClass", c)) if v is not None}
            for d, dt, c in transitions
        ]
    nc_transitions = []
    for t in _list(raw.get("NoncurrentVersionTransitions")):
        if not isinstance(t, Mapping) or t.get("StorageClass") not in TRANSITION_CLASSES:
            raise errors.malformed_xml()
        days, newer = _int(t.get("NoncurrentDays")), _int(t.get("NewerNoncurrentVersions"))
        cls = str(t["StorageClass"])
        if days is None or days < 0:
            raise errors.malformed_xml()
        if cls in ("STANDARD_IA", "ONEZONE_IA") and days < MIN_IA_DAYS:
            raise _bad(
                f"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than "
                f"or equal to 30 for storageClass '{cls}'", "NoncurrentDays", days,
            )  # fmt: skip
        _newer_check(newer)
        nc_transitions.append((days, newer, cls))
    if nc_transitions:
        doc["NoncurrentVersionTransitions"] = [
            _compact(NoncurrentDays=d, NewerNoncurrentVersions=n, StorageClass=c)
            for d, n, c in nc_transitions
        ]
    nc_exp = None
    nce = raw.get("NoncurrentVersionExpiration")
    if nce is not None:
        if not isinstance(nce, Mapping):
            raise errors.malformed_xml()
        days, newer = _int(nce.get("NoncurrentDays")), _int(nce.get("NewerNoncurrentVersions"))
        if days is None:
            raise errors.malformed_xml()
        _days_check(days, "NoncurrentVersionExpiration", "NoncurrentDays")
        _newer_check(newer)
        nc_exp = (days, newer)
        doc["NoncurrentVersionExpiration"] = {
            k: v
            for k, v in (("NoncurrentDays", days), ("NewerNoncurrentVersions", newer))
            if v is not None
        }
    abort = raw.get("AbortIncompleteMultipartUpload")
    abort_days = None
    if abort is not None:
        if not isinstance(abort, Mapping):
            raise errors.malformed_xml()
        abort_days = _int(abort.get("DaysAfterInitiation"))
        if abort_days is None:
            raise errors.malformed_xml()
        _days_check(abort_days, "AbortIncompleteMultipartUpload", "DaysAfterInitiation")
        if not flt.only_key:
            raise errors.invalid_request(
                "Tag based filter cannot be used with AbortIncompleteMultipartUpload action"
            )
        doc["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort_days}
    if exp is None and not transitions and not nc_transitions and nce is None and abort is None:
        raise errors.invalid_request("At least one action needs to be specified in a rule")
    rule = Rule(
        rule_id, flt, exp_days, exp_date, marker, tuple(transitions), tuple(nc_transitions),
        nc_exp, abort_days,
    )  # fmt: skip
    return rule, doc


def _compact(**members: object) -> dict[str, object]:
    return {k: v for k, v in members.items() if v is not None}


def _list(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.malformed_xml()
    return value


def _newer_check(newer: int | None) -> None:
    if newer is not None and not 1 <= newer <= 100:
        raise _bad(
            "NewerNoncurrentVersions must be between 1 and 100", "NewerNoncurrentVersions", newer
        )


def parse_config(rules: object, min_size: object = None) -> dict[str, object]:
    """Validate a configuration; its stored document (``load`` reads it back)."""
    if not isinstance(rules, list) or not rules or len(rules) > MAX_RULES:
        raise errors.malformed_xml()
    if min_size is not None and min_size not in MIN_SIZE_VALUES:
        raise _bad("Invalid TransitionDefaultMinimumObjectSize", "x-amz-transition-default-"
                   "minimum-object-size", min_size)  # fmt: skip
    docs = []
    ids: set[str] = set()
    for raw in rules:
        rule, doc = parse_rule(raw)
        if rule.id and rule.id in ids:
            raise _bad("Rule ID must be unique. Found same ID for more than one rule", "ID",
                       rule.id)  # fmt: skip
        ids.add(rule.id)
        docs.append(doc)
    return {"Rules": docs, "MinSize": str(min_size or MIN_SIZE_DEFAULT)}


def load(doc: object) -> Config | None:
    """The enabled rules of a stored document."""
    if not isinstance(doc, Mapping):
        return None
    rules = []
    for raw in doc.get("Rules") or []:
        if raw.get("Status") != "Enabled":
            continue
        rule, _ = parse_rule(raw)
        rules.append(rule)
    return Config(tuple(rules), str(doc.get("MinSize") or MIN_SIZE_DEFAULT))


def output_rules(doc: Mapping[str, object]) -> list[dict[str, object]]:
    """The stored rules as GetBucketLifecycleConfiguration answers them (dates as
    datetimes)."""
    out = []
    for raw in doc.get("Rules") or []:  # type: ignore[attr-defined]
        rule = dict(raw)
        exp = rule.get("Expiration")
        if isinstance(exp, Mapping) and "Date" in exp:
            rule["Expiration"] = {**exp, "Date": datetime.fromtimestamp(exp["Date"], UTC)}
        if isinstance(rule.get("Transitions"), list):
            rule["Transitions"] = [
                {**t, "Date": datetime.fromtimestamp(t["Date"], UTC)} if "Date" in t else t
                for t in rule["Transitions"]
            ]
        out.append(rule)
    return out
