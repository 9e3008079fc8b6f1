"""The cases a unit can act on this week, as Biểu 06 counts them: still in progress past their due
time, and resolved late in the period. The classification is the warehouse's own
(`classified_for`, `tthc_classify`); only the case's code, procedure, sector and dates are
shown (the warehouse holds no personal data, and the note column is not read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipelines.rules.periods import Period

# Biểu 06 flag → what the chair is asked to do about it
KINDS = {
    "in_progress_overdue": "Hồ sơ đang giải quyết đã quá hạn: giải quyết ngay, xin lỗi người dân bằng văn bản",
    "resolved_late": "Hồ sơ đã giải quyết quá hạn trong kỳ: rà soát nguyên nhân, tránh lặp lại",
}
SHOWN_PER_KIND = 10  # on the page; the print brief shows fewer (print CSS)


@dataclass
class Case:
    case_id: str
    procedure: str | None
    sector: str | None
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    days_late: int | None  # whole days past the due time (at the period end for open cases)


@dataclass
class CaseList:
    kind: str
    title: str
    total: int
    cases: list[Case]


def cases_to_act_on(
    con: duckdb.DuckDBPyConnection, period: Period, units: str, as_of: datetime | None
) -> dict[str, list[CaseList]]:
    """unit_key → the lists of KINDS that hold a case (most days late first)."""
    rows = con.execute(
        """
        with classified as materialized (
            -- materialized: filtering on the classification's struct inside the macro's plan
            -- classified every case again (1.5 s instead of 0.25 s on 702k cases)
            select unit_key, case_id, k.in_progress_overdue, k.resolved_late
            from classified_for(
                [{'period': 'p', 'period_start': ?::date, 'period_end': ?::date}], ?::timestamp, units := ?
            )
        ),

        k as (select * from classified where in_progress_overdue or resolved_late)
        select
            k.unit_key,
            case when k.in_progress_overdue then 'in_progress_overdue' else 'resolved_late' end as kind,
            c.case_id, c.procedure_name, c.sector, c.received_at, c.due_at, c.finished_at,
            date_diff('day', tthc_deadline(c.due_at),
                      coalesce(c.finished_at, least(?::date + interval 86399 second, ?::timestamp))) as days_late
        from k join cases c using (case_id)
        order by k.unit_key, kind, days_late desc nulls last, c.case_id
        """,
        [period.start, period.end, as_of, units, period.end, as_of],
    ).fetchall()
    grouped: dict[str, dict[str, list[Case]]] = {}
    for key, kind, *values in rows:
        grouped.setdefault(key, {}).setdefault(kind, []).append(Case(*values))
    return {
        key: [CaseList(k, KINDS[k], len(by_kind[k]), by_kind[k][:SHOWN_PER_KIND]) for k in KINDS if k in by_kind]
        for key, by_kind in grouped.items()
    }
