"""FOGBANK_RDS_TEMPLATE_CACHE: an engine template is made once, then copied by every other
data directory that names the same cache, also when several ask at the same time."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fogbank.services.rds.assembly import make_engines
from fogbank.services.rds.engines.base import Engine, RunAs
from fogbank.services.rds.engines.catalog import POSTGRESQL, Server, discover_servers
from fogbank.services.rds.engines.template_cache import TemplateCache, entry_key
from fogbank.services.rds.models import ParameterDef


@pytest.fixture
def scratch() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="fogbank-template-cache-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def engine() -> Engine:
    servers = [s for s in discover_servers() if s.kind == POSTGRESQL]
    if not servers:
        pytest.skip("no PostgreSQL server installed")
    server = servers[-1]
    return make_engines([server], RunAs.for_this_process())[server.key]


class Counted:
    """The engine's own make_template, counting its calls."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.made: list[Path] = []

    async def __call__(self, dest: Path) -> dict[str, ParameterDef]:
        self.made.append(dest)
        return await self.engine.make_template(dest)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_the_second_data_dir_copies_what_the_first_made(engine: Engine, scratch: Path) -> None:
    run_as = RunAs.for_this_process()
    make = Counted(engine)
    first, second = scratch / "a" / engine.server.key, scratch / "b" / engine.server.key
    stale = scratch / "cache" / f".new-{entry_key(engine, run_as)}-0123"  # a killed publisher's
    (stale / "data").mkdir(parents=True)

    async def both() -> tuple[dict[str, ParameterDef], dict[str, ParameterDef]]:
        made = await TemplateCache(scratch / "cache", run_as).ensure(engine, first, make)
        copied = await TemplateCache(scratch / "cache", run_as).ensure(engine, second, make)
        return made, copied

    made, copied = asyncio.run(both())
    assert make.made == [first]
    assert copied == made and "max_connections" in copied
    assert (second / "PG_VERSION").read_text() == (first / "PG_VERSION").read_text()
    assert _files(second) == _files(first)
    if run_as is not None:  # the engine user owns the copy, as it owns what it made
        assert second.stat().st_uid == run_as.uid == first.stat().st_uid
    assert not list(scratch.glob("b/*.work"))  # nothing left half-done
    assert not stale.exists()
    assert [p.name for p in (scratch / "cache").iterdir() if not p.name.endswith(".lock")] == [
        entry_key(engine, run_as)
    ]


def test_servers_asking_at_once_make_it_once(engine: Engine, scratch: Path) -> None:
    run_as = RunAs.for_this_process()
    make = Counted(engine)
    dests = [scratch / name / engine.server.key for name in ("a", "b", "c")]

    async def together() -> list[dict[str, ParameterDef]]:
        caches = [TemplateCache(scratch / "cache", run_as) for _ in dests]
        return await asyncio.gather(
            *(c.ensure(engine, d, make) for c, d in zip(caches, dests, strict=True))
        )

    results = asyncio.run(together())
    assert len(make.made) == 1
    assert results[0] == results[1] == results[2]
    for dest in dests:
        assert (dest / "PG_VERSION").is_file()


@dataclass(frozen=True)
class _Recipe:
    """Only what ``entry_key`` reads of an engine."""

    server: Server
    recipe: str

    def template_recipe(self) -> str:
        return self.recipe


def test_templates_made_differently_never_share_an_entry() -> None:
    pg16 = Server(POSTGRESQL, "16.4", Path("/usr/lib/postgresql/16/bin"))
    base = entry_key(_Recipe(pg16, "initdb -E UTF8"), None)  # type: ignore[arg-type]
    others = {
        entry_key(_Recipe(pg16, "initdb -E LATIN1"), None),  # type: ignore[arg-type]
        entry_key(_Recipe(Server(POSTGRESQL, "16.6", pg16.bin_dir), "initdb -E UTF8"), None),  # type: ignore[arg-type]
        entry_key(_Recipe(pg16, "initdb -E UTF8"), RunAs(999, 999, "fogbank")),  # type: ignore[arg-type]
    }
    assert base not in others and len(others) == 3
    assert base == entry_key(_Recipe(pg16, "initdb -E UTF8"), None)  # type: ignore[arg-type]
