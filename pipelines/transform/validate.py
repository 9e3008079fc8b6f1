"""Run the pandera row rules on a parsed batch and return every reason per failing row."""

from __future__ import annotations

import pandas as pd
import pandera.errors

from schemas.models import CaseRows


def row_reasons(frame: pd.DataFrame) -> dict[int, list[str]]:
    """Position in the batch -> reason codes (schemas/reasons.csv), in rule order."""
    try:
        CaseRows.validate(frame, lazy=True)
        return {}
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    schema_level = cases[cases["index"].isna()]
    if not schema_level.empty:  # a dtype or column problem is a bug upstream, not bad data
        raise RuntimeError(f"parsed batch does not match the row model: {schema_level.to_dict('records')[:3]}")
    # a dataframe-level check is reported once per column: keep each (row, reason) once
    pairs = cases[["index", "check"]].drop_duplicates()
    out: dict[int, list[str]] = {}
    for idx, check in zip(pairs["index"].astype(int), pairs["check"].astype(str), strict=True):
        out.setdefault(int(idx), []).append(check)
    return out
