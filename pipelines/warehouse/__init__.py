"""The DuckDB warehouse: schema, load, build, checks, publish, and its own documentation.
(The SQL models and their runner are pipelines/sqlfiles.py.)

    schema    create the objects, write the reference tables (rule files) and the registry
    load      staged files → cases, quarantine, ingested_files (the single writer)
    build     periods, report_form, indicators (full or incremental) and the checks
    publish   build in a private copy, swap it in atomically
    backups   keep, list, check and describe the backups of the published file
    docs      COMMENT ON from the manifest, docs/warehouse.md from the live catalogue
"""

from pipelines.sqlfiles import manifest, rules_hash, run_file, sql_text
from pipelines.warehouse.build import IdentityError, build
from pipelines.warehouse.load import known_files, load_staged_many, next_file_seq
from pipelines.warehouse.publish import building
from pipelines.warehouse.schema import init_schema, load_communes

__all__ = [
    "IdentityError",
    "build",
    "building",
    "init_schema",
    "known_files",
    "load_communes",
    "load_staged_many",
    "manifest",
    "next_file_seq",
    "rules_hash",
    "run_file",
    "sql_text",
]
