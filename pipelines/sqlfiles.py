"""The SQL of the warehouse as models: the manifest (sql/models.yml) and the one SQL runner.

Every object of the warehouse is listed once in the manifest with the file that creates it, its
layer, grain, key, what it depends on and its description. From it come: the order in which the
schema is created, the COMMENT ON of every object and column (warehouse/docs.py), the key checks
of the marts the build writes (warehouse/build.py), and the rules hash that decides when a
warehouse must be rebuilt in full.

Statements are split by DuckDB's own parser (`extract_statements`), and each is given exactly the
named parameters it uses (`$name`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipelines.resources import SCHEMAS, SQL

MANIFEST = "models.yml"


@dataclass(frozen=True)
class SqlObject:
    name: str
    kind: str  # table | sequence | macro | table_macro
    file: str  # relative to sql/
    layer: str  # sources | macros | marts
    description: str
    grain: str | None = None
    key: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    built_by: str | None = None  # tables a build script (re)creates, not created with the schema
    columns: dict[str, str] = field(default_factory=dict, hash=False)
    returns: dict[str, str] = field(default_factory=dict, hash=False)  # a table macro's contract columns


@dataclass(frozen=True)
class Manifest:
    objects: tuple[SqlObject, ...]

    def get(self, name: str) -> SqlObject:
        for o in self.objects:
            if o.name == name:
                return o
        raise KeyError(f"{name!r} is not in sql/{MANIFEST}")

    def schema_files(self) -> list[str]:
        """The files that create the schema (every object not built by a build script), each once,
        dependencies first."""
        created = [o for o in self.objects if o.built_by is None]
        return _order_files(created, self)

    def files_for(self, names: list[str]) -> list[str]:
        """The files that create `names` and everything they depend on, dependencies first."""
        wanted: dict[str, SqlObject] = {}
        todo = list(names)
        while todo:
            o = self.get(todo.pop())
            if o.name not in wanted:
                wanted[o.name] = o
                todo.extend(o.depends_on)
        return _order_files(list(wanted.values()), self)

    def checked_keys(self) -> list[SqlObject]:
        """Built tables with a declared key: the build checks each key is unique."""
        return [o for o in self.objects if o.built_by and o.key and o.kind == "table"]


def _order_files(objects: list[SqlObject], manifest: Manifest) -> list[str]:
    """Topological order of the files of `objects` (a file goes after every file it depends on)."""
    file_of = {o.name: o.file for o in manifest.objects}
    needs: dict[str, set[str]] = {}
    for o in objects:
        deps = needs.setdefault(o.file, set())
        for d in o.depends_on:
            if d not in file_of:
                raise ValueError(f"sql/{MANIFEST}: {o.name} depends on unknown object {d!r}")
            if file_of[d] != o.file:
                deps.add(file_of[d])
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(f: str, path: tuple[str, ...]) -> None:
        if state.get(f) == "done":
            return
        if state.get(f) == "visiting":
            raise ValueError(f"sql/{MANIFEST}: dependency cycle {' → '.join(path + (f,))}")
        state[f] = "visiting"
        for d in sorted(needs.get(f, ())):
            if d in needs:  # only files of the requested objects are ordered
                visit(d, path + (f,))
        state[f] = "done"
        order.append(f)

    for f in sorted(needs):
        visit(f, ())
    return order


@lru_cache(maxsize=1)
def manifest() -> Manifest:
    # the C loader when PyYAML has it: the pure-Python one spends ~0.3 s on this manifest
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load((SQL / MANIFEST).read_text(encoding="utf-8"), Loader=loader)
    objects = []
    for raw in data["objects"]:
        objects.append(
            SqlObject(
                name=raw["name"],
                kind=raw["kind"],
                file=raw["file"],
                layer=raw["layer"],
                description=raw["description"],
                grain=raw.get("grain"),
                key=tuple(raw.get("key", ())),
                depends_on=tuple(raw.get("depends_on", ())),
                built_by=raw.get("built_by"),
                columns=dict(raw.get("columns", {})),
                returns=dict(raw.get("returns", {})),
            )
        )
    names = [o.name for o in objects]
    if len(names) != len(set(names)):
        raise ValueError(f"sql/{MANIFEST}: an object is listed twice")
    return Manifest(tuple(objects))


@lru_cache(maxsize=64)
def sql_text(relative: str) -> str:
    return (SQL / relative).read_text(encoding="utf-8")


def run_file(con: duckdb.DuckDBPyConnection, relative: str, **params: object) -> duckdb.DuckDBPyConnection:
    """Execute every statement of sql/<relative>, each with the named parameters it uses.

    Returns the connection after the last statement, so a file ending in a SELECT can be read
    with fetchall()."""
    result = con
    for stmt in con.extract_statements(sql_text(relative)):
        names = stmt.named_parameters
        missing = names - params.keys()
        if missing:
            raise ValueError(f"sql/{relative}: parameter(s) {sorted(missing)} not given")
        result = con.execute(stmt, {k: params[k] for k in names}) if names else con.execute(stmt)
    return result


def create_objects(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> None:
    """Create the schema (or only `names` and what they need), in dependency order."""
    m = manifest()
    for f in m.schema_files() if names is None else m.files_for(names):
        run_file(con, f)


@lru_cache(maxsize=1)
def rules_hash() -> str:
    """SHA-256 over every file that defines how cases count: the SQL (models and manifest) and
    the rule files of schemas/ (CSV and the pandera model). Stored in runs: when it changes,
    the next build is a full one."""
    h = hashlib.sha256()
    files = sorted(p for p in Path(SQL).rglob("*") if p.is_file() and p.suffix in (".sql", ".yml"))
    files += sorted(p for p in Path(SCHEMAS).iterdir() if p.is_file() and p.suffix in (".csv", ".py"))
    for p in files:
        base = SQL if p.is_relative_to(SQL) else SCHEMAS
        h.update(str(p.relative_to(base)).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> Any:
    """The first value of the first row of a query (a query that returns no row is a bug here)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"no row from: {sql[:80]}")
    return row[0]
