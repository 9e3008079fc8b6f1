"""Each rule is defined once; where SQL must spell a list that a rule file also holds (the columns
of a SELECT, the indicators of a formula), these tests keep the two from drifting apart."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import duckdb
import pytest

from pipelines.resources import SCHEMAS, SQL
from pipelines.rules.indicators import form_column_names, indicators
from pipelines.rules.periods import parse_period, quarter_of
from pipelines.rules.vocab import reason_table, statuses, vocabularies
from schemas.models import CaseRows

ONE_UNIT = (
    "insert into communes (unit_key, commune_code, era, commune_name, unit_type) "
    "values ('1@2024', '1', '2024', 'A', 'xã')"
)
KEY = ["unit_key", "commune_code", "commune_name", "period", "period_start", "period_end", "sector"]


def _columns(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from ({sql}) limit 0").description]


# Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) as the form prints it: column (3) to (13), typed
# here from the form, not read from schemas/report_form_columns.csv
FORM_06 = {
    3: "received_total",
    4: "received_online",
    5: "received_offline",
    6: "carried_over",
    7: "resolved_total",
    8: "resolved_early",
    9: "resolved_on_time",
    10: "resolved_late",
    11: "in_progress_total",
    12: "in_progress_on_time",
    13: "in_progress_overdue",
}


def test_report_form_columns_follow_the_form_definition(con):
    cols = _columns(con, "select * from report_form_between(date '2024-01-01', date '2024-03-31')")
    assert cols == KEY + form_column_names()
    # the official columns of the rule file carry the form's numbers, in the form's order
    official = con.execute(
        "select list((form_number, column_name) order by rowid) from report_form_columns where official"
    ).fetchone()[0]
    assert [(int(n), c) for n, c in official] == sorted(FORM_06.items())


def test_indicators_of_computes_exactly_the_defined_indicators(con):
    con.execute(ONE_UNIT)
    con.execute(
        "insert into cases (case_id, unit_key, commune_code, commune_name, sector, channel, received_at, due_at, "
        "status) values ('c1', '1@2024', '1', 'A', 'S', 'online', '2024-01-02 08:00', '2024-01-05', 'processing')"
    )
    got = {
        r[0]
        for r in con.execute(
            "select distinct indicator from indicators_between(date '2024-01-01', date '2024-03-31')"
        ).fetchall()
    }
    defined = {i.code for i in indicators() if i.source == "cases"}
    assert got == defined
    catalogue = {r[0] for r in con.execute("select indicator from procedure_indicators('1@2024')").fetchall()}
    assert catalogue == {i.code for i in indicators() if i.source == "catalogue"}


def test_indicator_kinds_decide_how_values_are_rounded(con):
    """The kind of schemas/indicators.csv (not the code's name) decides the value: a pct
    indicator is 0–100, a count is the count."""
    con.execute(ONE_UNIT)
    con.executemany(
        "insert into cases (case_id, unit_key, commune_code, commune_name, sector, channel, received_at, due_at, "
        "finished_at, status, is_digitized) values (?, '1@2024', '1', 'A', 'S', ?, ?, ?, ?, 'resolved', ?)",
        [
            ["c1", "online", "2024-01-02 08:00", "2024-01-10", "2024-01-03 09:00", True],
            ["c2", "direct", "2024-01-02 08:00", "2024-01-03", "2024-01-03 10:00", False],
            ["c3", "direct", "2024-01-02 08:00", "2024-01-03", "2024-01-05 10:00", False],
        ],
    )
    values = dict(
        con.execute(
            "select indicator, value from indicators_between(date '2024-01-01', date '2024-03-31') where sector is null"
        ).fetchall()
    )
    assert values["early_pct"] == 33.33 and values["late_pct"] == 33.33
    assert values["resolved_digitized"] == 1 and values["resolved_online"] == 1
    kinds = {i.code: i.kind for i in indicators()}
    assert all(kinds[code] == "pct" for code in values if code.endswith("_pct"))


def test_every_status_of_the_vocabulary_has_a_group():
    groups = {row["group"] for row in statuses().values()}
    assert groups == {"refused", "withdrawn_stopped", "active", "resolved"}
    assert set(vocabularies()["status"].values()) <= set(statuses())


def test_the_status_groups_drive_the_classification(con):
    """Which statuses are withdrawn/stopped is read from statuses (schemas/statuses.csv): change the
    group of a status there and the same case counts differently."""
    con.execute(ONE_UNIT)
    con.execute(
        "insert into cases (case_id, unit_key, commune_code, commune_name, sector, channel, received_at, due_at, "
        "finished_at, status) values ('c1', '1@2024', '1', 'A', 'S', 'direct', '2024-01-02 08:00', '2024-01-10', "
        "'2024-01-03', 'stopped')"
    )
    sql = (
        "select resolved_total, withdrawn_stopped from report_form_between(date '2024-01-01', "
        "date '2024-03-31') where sector is null"
    )
    assert con.execute(sql).fetchone() == (0, 1)
    con.execute("update statuses set status_group = 'resolved' where status = 'stopped'")
    assert con.execute(sql).fetchone() == (1, 0)


def test_reasons_name_existing_columns_and_cover_every_rule():
    with open(SCHEMAS / "columns.csv", encoding="utf-8") as fh:
        cols = {row["canonical"] for row in csv.DictReader(fh)}
    for r in reason_table().values():
        assert r.column is None or r.column in cols, r
    checks = {c.name for c in CaseRows.to_schema().checks}
    assert checks <= set(reason_table())


@pytest.mark.parametrize("start", [date(2023, 12, 30), date(2025, 6, 29)])
def test_period_labels_agree_between_python_and_sql(con, start):
    for offset in range(0, 400, 7):
        day = start + timedelta(days=offset)
        q = quarter_of(day)
        sql_q, sql_y = con.execute(
            "select tthc_quarter_label(?::date), tthc_year_label(?::date)", [day, day]
        ).fetchone()
        assert sql_q == q.label and q.start <= day <= q.end
        assert sql_y == parse_period(str(day.year)).label
    p = parse_period("01/01/2024-25/03/2024")
    assert con.execute("select tthc_period_label(?::date, ?::date)", [p.start, p.end]).fetchone()[0] == p.label


@pytest.mark.parametrize(
    "text",
    [
        "2026-08",
        "Tháng 8 năm 2026",
        "tháng 2/2026",
        "2024-02",
        "2026Q3",
        "2026q1@nd09",
        "2026H1",
        "2026H2@nd09",
        "2026-9M",
        "2026",
        "2024@nd09",
        "2024-01-01..2024-03-25",
    ],
)
def test_period_of_a_label_agrees_between_python_and_sql(con, text):
    """What users type (rules/periods.py) and what the SQL macros take (tthc_period_of) name the same
    dates and the same canonical label."""
    p = parse_period(text)
    got = con.execute("select tthc_period_of(?)", [text]).fetchone()[0]
    assert (got["period"], got["period_start"], got["period_end"]) == (p.label, p.start, p.end)
    assert con.execute("select tthc_month_label(?::date)", [p.end]).fetchone()[0] == f"{p.end:%Y-%m}"


def test_a_period_label_sql_cannot_read_is_an_error_not_an_empty_answer(con):
    with pytest.raises(duckdb.Error, match="kỳ báo cáo không hợp lệ: '2026-13'"):
        con.execute("select * from report_form_for_period('2026-13')").fetchall()


def test_now_is_local_time_of_the_configured_zone(con):
    utc_plus_7 = con.execute("select tthc_local_now()").fetchone()[0]
    con.execute("update deployment set timezone = 'UTC'")
    utc = con.execute("select tthc_local_now()").fetchone()[0]
    assert round((utc_plus_7 - utc).total_seconds() / 3600) == 7


def test_the_766_metrics_add_up_to_their_groups_and_to_100():
    from pipelines.rules.score766 import groups, metrics

    assert [g.code for g in groups()] == ["CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH"]
    assert {g.code: g.max_points for g in groups()} == {
        "CKMB": 18,
        "TDGQ": 20,
        "CLGQ": 12,
        "TTTT": 10,
        "MDHL": 18,
        "MDSH": 22,
    }
    for g in groups():
        assert sum(m.max_points for m in metrics() if m.group == g.code) == g.max_points, g.code
    assert sum(m.max_points for m in metrics()) == 100
    assert all(m.source for m in metrics())


def test_score766_for_scores_exactly_the_metrics_the_file_says_come_from_cases(con):
    """Every metric of schemas/score766_metrics.csv gets a row; SQL computes a numerator exactly for
    the metrics whose formula kind says the cases give them (ratio, share)."""
    from pipelines.rules.score766 import metrics

    con.execute(ONE_UNIT)
    con.execute(
        "insert into cases (case_id, unit_key, commune_code, commune_name, sector, channel, received_at, due_at, "
        "status, is_digitized, has_e_result, fee_amount, is_paid_online) values ('c1', '1@2024', '1', 'A', 'S', "
        "'online', '2024-01-02 08:00', '2024-01-05', 'processing', true, false, 1000, true)"
    )
    rows = con.execute(
        "select metric_code, numerator is not null, max_points, formula_kind from score766_between("
        "date '2024-01-01', date '2024-01-31')"
    ).fetchall()
    assert {r[0] for r in rows} == {m.code for m in metrics()}
    assert {r[0] for r in rows if r[1]} == {m.code for m in metrics() if m.from_cases}
    assert {(r[0], r[2], r[3]) for r in rows} == {(m.code, m.max_points, m.kind) for m in metrics()}


def test_every_reason_a_case_costs_points_is_written_by_the_sql_and_has_words():
    from pipelines.rules.score766 import reasons

    sql = (SQL / "marts" / "score766_classified_for.sql").read_text(encoding="utf-8")
    sql += (SQL / "marts" / "score766_cases_for.sql").read_text(encoding="utf-8")
    for code, label in reasons().items():
        assert f"'{code}'" in sql and label, code


@pytest.mark.parametrize(
    "name, call",
    [
        ("score766_for", "score766_between(date '2026-02-01', date '2026-02-28')"),
        ("score766_cases_for", "score766_cases_between(date '2026-02-01', date '2026-02-28')"),
    ],
)
def test_table_macros_return_the_columns_their_contract_names(con, name, call):
    """The contract columns of sql/models.yml (returns:), which analysts and other tools rely on, are
    exactly what the macro returns, in that order."""
    from pipelines.sqlfiles import manifest

    assert _columns(con, f"select * from {call}") == list(manifest().get(name).returns)
