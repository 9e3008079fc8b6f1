"""Where the project's own data files live (schemas/, sql/, data/reference/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SQL = ROOT / "sql"
REFERENCE = ROOT / "data" / "reference"
