"""S3 Intelligent-Tiering configurations: the opt-in Archive Access and Deep Archive Access
tiers (PutBucketIntelligentTieringConfiguration), validated, stored and evaluated.

A bucket has up to 1,000 configurations, by Id. An enabled one whose filter (prefix, a
tag, or ``And`` of a prefix and tags) matches an INTELLIGENT_TIERING object adds its
archive tiers to the automatic ones: after ``Days`` consecutive days without access the
object moves to ARCHIVE_ACCESS (90 to 730 days) or DEEP_ARCHIVE_ACCESS (180 to 730). The
stored document is ``{Id: configuration as given}``; ``archive_rules`` is what the
lifecycle planner evaluates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.services.s3 import errors
from fogbank.services.s3.lifecycle.rules import Filter

CONFIG_KIND = "intelligent_tiering"
MAX_CONFIGS = 1000
ARCHIVE_ACCESS = "ARCHIVE_ACCESS"
DEEP_ARCHIVE_ACCESS = "DEEP_ARCHIVE_ACCESS"
DAYS = {ARCHIVE_ACCESS: (90, 730), DEEP_ARCHIVE_ACCESS: (180, 730)}
MAX_ID = 64


@dataclass(frozen=True)
class ArchiveRule:
    id: str
    filter: Filter
    tiers: tuple[tuple[str, int], ...]  # (access tier, days without access)


def _invalid(message: str, name: str, value: object) -> Exception:
    return errors.invalid_argument(message, name, value)


def _tags(found: object) -> list[dict[str, str]]:
    items = found if isinstance(found, list) else [found]
    out = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("Key"), str):
            raise errors.malformed_xml()
        out.append({"Key": str(item["Key"]), "Value": str(item.get("Value") or "")})
    return out


def _filter(found: object) -> dict[str, object]:
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise errors.malformed_xml()
    given = [k for k in ("Prefix", "Tag", "And") if found.get(k) is not None]
    if len(given) > 1:
        raise errors.malformed_xml()
    if "Prefix" in given:
        return {"Prefix": str(found["Prefix"])}
    if "Tag" in given:
        return {"Tag": _tags(found["Tag"])[0]}
    if "And" in given:
        both = found["And"]
        if not isinstance(both, Mapping):
            raise errors.malformed_xml()
        out: dict[str, object] = {}
        if both.get("Prefix") is not None:
            out["Prefix"] = str(both["Prefix"])
        if both.get("Tags") is not None:
            out["Tags"] = _tags(both["Tags"])
        return {"And": out}
    return {}


def parse(config_id: str, body: object) -> dict[str, object]:
    """A PutBucketIntelligentTieringConfiguration body, checked; the document to store."""
    if not isinstance(body, Mapping):
        raise errors.malformed_xml()
    if not config_id or len(config_id) > MAX_ID:
        raise _invalid("The Id is not valid", "id", config_id)
    if str(body.get("Id") or "") != config_id:
        raise _invalid(
            "The Id in the query string and in the configuration do not match", "id", config_id
        )
    status = body.get("Status")
    if status not in ("Enabled", "Disabled"):
        raise errors.malformed_xml()
    tierings = body.get("Tierings")
    if not isinstance(tierings, list) or not tierings:
        raise errors.malformed_xml()
    seen: dict[str, int] = {}
    for item in tierings:
        if not isinstance(item, Mapping):
            raise errors.malformed_xml()
        tier, days = item.get("AccessTier"), item.get("Days")
        if tier not in DAYS or isinstance(days, bool) or not isinstance(days, int):
            raise errors.malformed_xml()
        if tier in seen:
            raise _invalid(f"Duplicate AccessTier {tier}", "AccessTier", tier)
        low, high = DAYS[str(tier)]
        if not low <= days <= high:
            raise _invalid(f"{tier} Days must be at least {low} and at most {high}", "Days", days)
        seen[str(tier)] = days
    if len(seen) == 2 and seen[DEEP_ARCHIVE_ACCESS] <= seen[ARCHIVE_ACCESS]:
        raise _invalid(
            "DEEP_ARCHIVE_ACCESS Days must be greater than ARCHIVE_ACCESS Days",
            "Days",
            seen[DEEP_ARCHIVE_ACCESS],
        )
    doc: dict[str, object] = {
        "Id": config_id,
        "Status": status,
        "Tierings": [{"Days": d, "AccessTier": t} for t, d in sorted(seen.items())],
    }
    flt = _filter(body.get("Filter"))
    if flt:
        doc["Filter"] = flt
    return doc


def put(stored: object, doc: Mapping[str, object]) -> dict[str, object]:
    """The bucket's document with ``doc`` added or replaced."""
    configs = dict(stored) if isinstance(stored, Mapping) else {}
    config_id = str(doc["Id"])
    if config_id not in configs and len(configs) >= MAX_CONFIGS:
        raise errors.too_many_configurations()
    configs[config_id] = dict(doc)
    return configs


def _rule_filter(doc: Mapping[str, object]) -> Filter:
    flt = doc.get("Filter")
    if not isinstance(flt, Mapping):
        return Filter()
    if "Tag" in flt:
        tag = flt["Tag"]
        assert isinstance(tag, Mapping)
        return Filter(tags=((str(tag["Key"]), str(tag["Value"])),))
    both = flt.get("And")
    if isinstance(both, Mapping):
        tags = both.get("Tags") or []
        assert isinstance(tags, Sequence)
        pairs = tuple((str(t["Key"]), str(t["Value"])) for t in tags)
        return Filter(prefix=str(both.get("Prefix") or ""), tags=pairs)
    return Filter(prefix=str(flt.get("Prefix") or ""))


def archive_rules(stored: object) -> tuple[ArchiveRule, ...]:
    """The enabled configurations of a stored document, by Id."""
    if not isinstance(stored, Mapping):
        return ()
    out = []
    for config_id in sorted(stored):
        doc = stored[config_id]
        if not isinstance(doc, Mapping) or doc.get("Status") != "Enabled":
            continue
        tierings = doc.get("Tierings") or []
        assert isinstance(tierings, Sequence)
        tiers = tuple((str(t["AccessTier"]), int(t["Days"])) for t in tierings)
        out.append(ArchiveRule(str(config_id), _rule_filter(doc), tiers))
    return tuple(out)


def archive_tiers(
    rules: Sequence[ArchiveRule], key: str, size: int, tags: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """The archive tiers that apply to an object, with their days (the fewest, if more
    than one enabled configuration matches)."""
    found: dict[str, int] = {}
    for rule in rules:
        if rule.filter.matches(key, size, tags):
            for tier, days in rule.tiers:
                found[tier] = min(days, found.get(tier, days))
    return found
