"""Which installed server answers for each RDS engine, version and parameter-group family.

``mysql`` and ``mariadb`` are served by the installed MariaDB server, ``postgres`` by the
installed PostgreSQL server nearest to the version asked for. The servers are found at run
time (``discover_servers``); the ``Catalog`` itself is pure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fogbank.services.rds import errors
from fogbank.services.rds.models import EngineVersion

MARIADB = "mariadb"
POSTGRESQL = "postgresql"

# The engine versions fogbank accepts, per family, as AWS lists them (the last is the
# family's default). Other minor versions of a known family are accepted too.
FAMILY_VERSIONS: dict[str, tuple[str, ...]] = {
    "mysql8.0": ("8.0.36", "8.0.39", "8.0.40", "8.0.41", "8.0.42"),
    "mysql8.4": ("8.4.3", "8.4.4", "8.4.5"),
    "mariadb10.5": ("10.5.27", "10.5.28"),
    "mariadb10.6": ("10.6.20", "10.6.21"),
    "mariadb10.11": ("10.11.10", "10.11.11"),
    "mariadb11.4": ("11.4.4", "11.4.5"),
    "postgres13": ("13.18", "13.20"),
    "postgres14": ("14.15", "14.17"),
    "postgres15": ("15.10", "15.12"),
    "postgres16": ("16.6", "16.8"),
    "postgres17": ("17.2", "17.4"),
}
DEFAULT_FAMILY = {"mysql": "mysql8.0", "mariadb": "mariadb10.11", "postgres": "postgres16"}
ENGINE_KIND = {"mysql": MARIADB, "mariadb": MARIADB, "postgres": POSTGRESQL}
DEFAULT_PORT = {"mysql": 3306, "mariadb": 3306, "postgres": 5432}


@dataclass(frozen=True)
class Server:
    """One installed database server."""

    kind: str  # mariadb | postgresql
    version: str  # e.g. "10.11.19", "15.18"
    bin_dir: Path

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.version}"

    @property
    def description(self) -> str:
        return f"{'MariaDB' if self.kind == MARIADB else 'PostgreSQL'} {self.version}"

    def version_tuple(self) -> tuple[int, ...]:
        return _vtuple(self.version)


def _vtuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def family_of(engine: str, version: str) -> str:
    """``("mysql", "8.0.40")`` -> ``mysql8.0``; ``("postgres", "15.4")`` -> ``postgres15``."""
    parts = version.split(".")
    if engine == "postgres":
        return f"postgres{parts[0]}"
    return f"{engine}{'.'.join(parts[:2])}"


class Catalog:
    def __init__(self, servers: Sequence[Server]) -> None:
        self.servers = tuple(sorted(servers, key=lambda s: (s.kind, s.version_tuple())))

    def server(self, key: str) -> Server:
        for s in self.servers:
            if s.key == key:
                return s
        raise LookupError(f"server {key} is not installed")

    def _of_kind(self, kind: str) -> list[Server]:
        return [s for s in self.servers if s.kind == kind]

    def resolve(self, engine: str, version: str | None) -> tuple[str, str, Server]:
        """(engine version, family, serving server) for a CreateDBInstance request."""
        if engine not in ENGINE_KIND:
            raise errors.invalid_value(
                f"Invalid DB engine: {engine} (fogbank serves mysql, mariadb and postgres)"
            )
        if not version:
            family = DEFAULT_FAMILY[engine]
            version = FAMILY_VERSIONS[family][-1]
        else:
            family = _family_checked(engine, version)
            if version.count(".") < (1 if engine == "postgres" else 2):  # "15", "8.0"
                version = FAMILY_VERSIONS[family][-1]
        return version, family, self.server_for_family(family)

    def server_for_family(self, family: str) -> Server:
        if family not in FAMILY_VERSIONS:
            raise errors.invalid_value(f"Invalid DB parameter group family: {family}")
        engine = re.sub(r"[\d.]+$", "", family)
        candidates = self._of_kind(ENGINE_KIND[engine])
        if not candidates:
            kind = ENGINE_KIND[engine]
            raise errors.invalid_combination(
                f"No {kind} server is installed on this machine to serve {family}"
                " (run scripts/setup-system.sh)."
            )
        if engine == "mysql":  # any MariaDB answers; the newest is the nearest
            return candidates[-1]
        want = _vtuple(FAMILY_VERSIONS[family][-1])[: 1 if engine == "postgres" else 2]

        def distance(s: Server) -> tuple[int, int]:
            have = s.version_tuple()[: len(want)]
            gap = [a - b for a, b in zip(have, want, strict=False)]
            flat = gap[0] * 1000 + (gap[1] if len(gap) > 1 else 0)
            return (abs(flat), 0 if flat >= 0 else 1)  # prefer newer on a tie

        return min(candidates, key=distance)

    def families(self) -> list[str]:
        out = []
        for family in FAMILY_VERSIONS:
            engine = re.sub(r"[\d.]+$", "", family)
            if self._of_kind(ENGINE_KIND[engine]):
                out.append(family)
        return out

    def engine_versions(self) -> list[EngineVersion]:
        result: list[EngineVersion] = []
        for family in self.families():
            engine = re.sub(r"[\d.]+$", "", family)
            server = self.server_for_family(family)
            for version in FAMILY_VERSIONS[family]:
                result.append(
                    EngineVersion(
                        engine=engine,
                        version=version,
                        family=family,
                        server=server.key,
                        server_description=server.description,
                        is_default=(
                            family == DEFAULT_FAMILY[engine]
                            and version == FAMILY_VERSIONS[family][-1]
                        ),
                    )
                )
        return result


def _family_checked(engine: str, version: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+){0,2}", version):
        raise errors.invalid_value(f"Invalid engine version {version!r} for {engine}")
    if engine != "postgres" and "." not in version:
        raise errors.invalid_combination(f"Cannot find version {version} for {engine}")
    family = family_of(engine, version)
    if family not in FAMILY_VERSIONS:
        raise errors.invalid_combination(f"Cannot find version {version} for {engine}")
    return family


# -- discovery of the installed servers ------------------------------------------------

_MARIADB_VERSION = re.compile(r"Ver\s+(\d+\.\d+\.\d+)-MariaDB")
_PG_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)")


def _version_output(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except OSError:
        return ""
    return done.stdout + done.stderr


def discover_servers(
    mariadb_candidates: Sequence[str] = ("/usr/sbin/mariadbd", "/usr/sbin/mysqld"),
    postgres_glob: str = "/usr/lib/postgresql/*/bin/postgres",
) -> list[Server]:
    """The MariaDB and PostgreSQL servers installed on this machine (Debian's layout)."""
    found: list[Server] = []
    daemons = [c for c in mariadb_candidates if Path(c).exists()]
    which = shutil.which("mariadbd")
    if which:
        daemons.append(which)
    for daemon in daemons:
        m = _MARIADB_VERSION.search(_version_output([daemon, "--version"]))
        if m:
            found.append(Server(MARIADB, m.group(1), Path(daemon).resolve().parent))
            break
    for postgres in sorted(str(p) for p in Path("/").glob(postgres_glob.lstrip("/"))):
        m = _PG_VERSION.search(_version_output([postgres, "--version"]))
        if m:
            found.append(Server(POSTGRESQL, m.group(1), Path(postgres).parent))
    return found
