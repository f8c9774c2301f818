"""What a set of buckets holds per storage class, and what that would cost a month on AWS.

Pure tallying and pricing over ``ListObjectVersions`` entries; the prices come from
``fogbank/data/s3_prices.json`` (dated AWS list prices, so that they can be updated).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources


@dataclass(frozen=True)
class Prices:
    region: str
    currency: str
    taken: str
    source: str
    gb_bytes: int
    per_gb_month: Mapping[str, float]

    def monthly(self, storage_class: str, size: int) -> float | None:
        price = self.per_gb_month.get(storage_class)
        return None if price is None else size / self.gb_bytes * price


def load_prices() -> Prices:
    doc = json.loads(resources.files("fogbank.data").joinpath("s3_prices.json").read_text())
    return Prices(
        region=str(doc["region"]),
        currency=str(doc["currency"]),
        taken=str(doc["taken"]),
        source=str(doc["source"]),
        gb_bytes=int(doc["gb_bytes"]),
        per_gb_month={str(k): float(v) for k, v in doc["per_gb_month"].items()},
    )


@dataclass
class ClassUsage:
    current_objects: int = 0
    current_bytes: int = 0
    noncurrent_versions: int = 0
    noncurrent_bytes: int = 0

    @property
    def size(self) -> int:
        return self.current_bytes + self.noncurrent_bytes

    def add(self, other: ClassUsage) -> None:
        self.current_objects += other.current_objects
        self.current_bytes += other.current_bytes
        self.noncurrent_versions += other.noncurrent_versions
        self.noncurrent_bytes += other.noncurrent_bytes


@dataclass
class Usage:
    classes: dict[str, ClassUsage] = field(default_factory=dict)
    current_delete_markers: int = 0
    noncurrent_delete_markers: int = 0

    def count_version(self, entry: Mapping[str, object]) -> None:
        cls = self.classes.setdefault(str(entry.get("StorageClass") or "STANDARD"), ClassUsage())
        size = int(entry.get("Size") or 0)  # type: ignore[call-overload]
        if entry.get("IsLatest"):
            cls.current_objects += 1
            cls.current_bytes += size
        else:
            cls.noncurrent_versions += 1
            cls.noncurrent_bytes += size

    def count_marker(self, entry: Mapping[str, object]) -> None:
        if entry.get("IsLatest"):
            self.current_delete_markers += 1
        else:
            self.noncurrent_delete_markers += 1

    def add(self, other: Usage) -> None:
        for name, cls in other.classes.items():
            self.classes.setdefault(name, ClassUsage()).add(cls)
        self.current_delete_markers += other.current_delete_markers
        self.noncurrent_delete_markers += other.noncurrent_delete_markers

    def total(self) -> ClassUsage:
        out = ClassUsage()
        for cls in self.classes.values():
            out.add(cls)
        return out


def tally(pages: Iterable[Mapping[str, object]]) -> Usage:
    """Usage from the pages of a ``ListObjectVersions`` listing."""
    usage = Usage()
    for page in pages:
        for entry in _entries(page, "Versions"):
            usage.count_version(entry)
        for entry in _entries(page, "DeleteMarkers"):
            usage.count_marker(entry)
    return usage


def _entries(page: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    found = page.get(name)
    return [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []


def report(usage: Usage, prices: Prices) -> dict[str, object]:
    """The usage as a JSON-ready document, with each class's monthly cost."""
    classes: dict[str, object] = {}
    total_cost = 0.0
    unpriced: list[str] = []
    for name in sorted(usage.classes):
        cls = usage.classes[name]
        cost = prices.monthly(name, cls.size)
        if cost is None:
            unpriced.append(name)
        else:
            total_cost += cost
        classes[name] = {
            "current_objects": cls.current_objects,
            "current_bytes": cls.current_bytes,
            "noncurrent_versions": cls.noncurrent_versions,
            "noncurrent_bytes": cls.noncurrent_bytes,
            "price_per_gb_month": prices.per_gb_month.get(name),
            "monthly_cost": cost,
        }
    total = usage.total()
    return {
        "classes": classes,
        "delete_markers": {
            "current": usage.current_delete_markers,
            "noncurrent": usage.noncurrent_delete_markers,
        },
        "total": {
            "current_objects": total.current_objects,
            "current_bytes": total.current_bytes,
            "noncurrent_versions": total.noncurrent_versions,
            "noncurrent_bytes": total.noncurrent_bytes,
            "monthly_cost": total_cost,
        },
        "unpriced_classes": unpriced,
        "prices": {
            "region": prices.region,
            "currency": prices.currency,
            "taken": prices.taken,
            "source": prices.source,
            "gb_bytes": prices.gb_bytes,
        },
    }
