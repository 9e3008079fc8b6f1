"""The columns of Biểu 06 and the indicators, as the rest of the code sees them.

Both are data (schemas/report_form_columns.csv, schemas/indicators.csv), loaded into the
warehouse as reference tables for SQL (report_form_columns, indicator_definitions); the sheets,
the report text and the quality checks take order, headers, labels and kinds from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipelines.rules.vocab import _read_csv


@dataclass(frozen=True)
class FormColumn:
    column: str  # name in report_form
    number: int | None  # column number on the official form (3–13), None for our extra columns
    official: bool
    group: str  # the merged header above the column
    header: str


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str  # pct | count | days
    source: str  # cases (indicators, indicators_between) | catalogue (procedure_indicators)
    label: str
    formula: str  # how it is computed, in words, for officials


@lru_cache(maxsize=1)
def form_columns() -> tuple[FormColumn, ...]:
    """Biểu 06 columns in the order of the form (then the extra columns)."""
    return tuple(
        FormColumn(
            r["column"], int(r["number"]) if r["number"] else None, r["official"] == "yes", r["group"], r["header"]
        )
        for r in _read_csv("report_form_columns.csv")
    )


def form_column_names() -> list[str]:
    return [c.column for c in form_columns()]


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    """Every indicator in the order officials read them."""
    return tuple(
        Indicator(r["indicator"], r["kind"], r["source"], r["label"], r["formula"]) for r in _read_csv("indicators.csv")
    )


def indicator(code: str) -> Indicator | None:
    return next((i for i in indicators() if i.code == code), None)
