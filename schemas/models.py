"""The row rules of docs/reference/export-format.md as a pandera model.

The frame it checks is the parsed batch (sql/staging/parse_batch.sql): dates already parsed in
DuckDB, vocabularies already mapped, plus a few boolean facts (`received_given`, ...) so each
rule is one vectorised expression. Every check's name is a reason code of schemas/reasons.csv.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class CaseRows(pa.DataFrameModel):
    case_id: Series[str] = pa.Field(nullable=True)
    received_at: Series[pd.Timestamp] = pa.Field(nullable=True)
    due_at: Series[pd.Timestamp] = pa.Field(nullable=True)
    due_deadline: Series[pd.Timestamp] = pa.Field(nullable=True)
    statutory_due_at: Series[pd.Timestamp] = pa.Field(nullable=True)
    finished_at: Series[pd.Timestamp] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(nullable=True)
    status_group: Series[str] = pa.Field(nullable=True)
    channel: Series[str] = pa.Field(nullable=True)
    status_given: Series[bool]
    received_given: Series[bool]
    due_given: Series[bool]
    finished_bad: Series[bool]
    returned_bad: Series[bool]
    out_of_range: Series[bool]
    is_terminal: Series[bool]
    channel_absent: Series[bool]  # the file has no channel column: unknown, not a bad row

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check(name="case_id_missing")
    def _case_id(cls, df: pd.DataFrame) -> Series[bool]:
        return df["case_id"].notna()

    @pa.dataframe_check(name="received_at_missing")
    def _received_missing(cls, df: pd.DataFrame) -> Series[bool]:
        return df["received_given"]

    @pa.dataframe_check(name="received_at_unparseable")
    def _received_bad(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["received_given"] | df["received_at"].notna()

    @pa.dataframe_check(name="status_missing")
    def _status_missing(cls, df: pd.DataFrame) -> Series[bool]:
        return df["status_given"]

    @pa.dataframe_check(name="status_unknown")
    def _status_known(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["status_given"] | df["status"].notna()

    @pa.dataframe_check(name="channel_unknown")
    def _channel_known(cls, df: pd.DataFrame) -> Series[bool]:
        return df["channel"].notna() | df["channel_absent"]

    @pa.dataframe_check(name="due_at_missing")
    def _due_missing(cls, df: pd.DataFrame) -> Series[bool]:
        # without a due time a case is judged by its procedure's statutory time on the working-day
        # calendar (statutory_due_at, transform/parse.py), when both are known
        return df["due_given"] | df["statutory_due_at"].notna() | (df["status_group"] == "refused").fillna(False)

    @pa.dataframe_check(name="due_at_unparseable")
    def _due_bad(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["due_given"] | df["due_at"].notna()

    @pa.dataframe_check(name="finished_at_unparseable")
    def _finished_bad(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["finished_bad"]

    @pa.dataframe_check(name="returned_at_unparseable")
    def _returned_bad(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["returned_bad"]

    @pa.dataframe_check(name="date_out_of_range")
    def _in_range(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["out_of_range"]

    @pa.dataframe_check(name="finished_before_received")
    def _finished_order(cls, df: pd.DataFrame) -> Series[bool]:
        f, r = df["finished_at"], df["received_at"]
        # a finish date without time of day (00:00) only has to fall on or after the day received
        same_day_dateonly = (f == f.dt.normalize()) & (f.dt.normalize() == r.dt.normalize())
        return (f.isna() | r.isna() | (f >= r) | same_day_dateonly).astype(bool)

    @pa.dataframe_check(name="due_before_received")
    def _due_order(cls, df: pd.DataFrame) -> Series[bool]:
        # the deadline (tthc_deadline, computed in staging/parse_batch.sql): a due date without
        # time of day runs to the end of that day
        deadline, r = df["due_deadline"], df["received_at"]
        return (deadline.isna() | r.isna() | (deadline >= r)).astype(bool)

    @pa.dataframe_check(name="terminal_without_finished_at")
    def _terminal_finished(cls, df: pd.DataFrame) -> Series[bool]:
        # refused cases were never accepted: their finish date is not needed for any figure
        needs = df["is_terminal"] & (df["status_group"] != "refused").fillna(True)
        return ~needs | df["finished_at"].notna()


CHECK_COLUMNS = list(CaseRows.to_schema().columns)
