"""Check the published warehouse in older DuckDB CLIs (the suite pins one, duckdb-cli 1.5.6).

    .venv/bin/python bench/old_clients.py             # installs duckdb-cli 1.4.4.post2 and 1.5.6 in temp venvs

Builds a warehouse from data/sample/ and runs, read-only, in each CLI: one query per table and the
example query of every macro (tests/integration/test_analyst_clients.py). Prints one line per CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what a measured run keeps (archived inputs, backups, the secret key) goes to bench/work/site, never
# to the checkout's data/ (the defaults are relative to the working folder); every child inherits it
for _name, _sub in {"INPUT_ARCHIVE": "inputs", "BACKUPS": "backups", "SECRET_KEY": "secret.key"}.items():
    os.environ.setdefault(f"TTHC_{_name}", str(ROOT / "bench" / "work" / "site" / _sub))
os.environ.setdefault("TTHC_INBOX_ARCHIVE", "")
sys.path.insert(0, str(ROOT))

VERSIONS = ("1.4.4.post2", "1.5.6")


def main() -> int:
    from pipelines.config import Settings
    from pipelines.run import run_local
    from tests.integration.test_analyst_clients import EXAMPLES

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings.load(config_file=Path(tmp) / "none.toml", db=Path(tmp) / "w.duckdb", stage=Path(tmp) / "st")
        run_local([ROOT / "data" / "sample"], s)
        import duckdb

        con = duckdb.connect(str(s.db), read_only=True)
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        con.close()
        failures = 0
        for version in VERSIONS:
            env_dir = Path(tmp) / f"cli-{version}"
            venv.create(env_dir, with_pip=True)
            subprocess.run([env_dir / "bin" / "pip", "install", "-q", f"duckdb-cli=={version}"], check=True)
            cli = env_dir / "bin" / "duckdb"
            queries = [f"select count(*) from {t}" for t in tables] + list(EXAMPLES.values())
            bad = []
            for q in queries:
                r = subprocess.run([cli, "-readonly", "-csv", str(s.db), "-c", q], capture_output=True, text=True)
                if r.returncode != 0 or "false" in r.stdout.splitlines()[-1:]:
                    bad.append((q[:60], r.stderr.strip()[:200]))
            got = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.strip()
            print(f"duckdb-cli {version} ({got}): {len(queries) - len(bad)}/{len(queries)} queries ok")
            for q, e in bad:
                print(f"  FAILED {q}: {e}")
            failures += len(bad)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
