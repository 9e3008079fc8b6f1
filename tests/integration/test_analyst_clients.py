"""The warehouse opens in the DuckDB that analysts install: the CLI of the `duckdb-cli` package
(1.5.x, a test dependency), read-only, with every table, comment and macro working there."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.run import run_local
from pipelines.warehouse.publish import storage_version
from tests.paths import SAMPLE

CLI = Path(sys.executable).with_name("duckdb")

# one query per macro of the warehouse; a new macro needs its line here (the test says which)
EXAMPLES = {
    "report_form_between": "select resolved_total, resolved_early, resolved_on_time from "
    "report_form_between(date '2024-01-01', date '2024-03-25') where commune_name = 'Mỹ Tân' and sector is null",
    "indicators_between": "select value from indicators_between(date '2024-01-01', date '2024-03-25') "
    "where commune_name = 'Mỹ Tân' and sector is null and indicator = 'early_pct'",
    "report_form_for": "select count(*) > 0 from report_form_for([{'period': 'q', 'period_start': date '2024-01-01', "
    "'period_end': date '2024-03-31'}], timestamp '2024-06-30 00:00')",
    "indicators_for": "select count(*) > 0 from indicators_for([{'period': 'q', 'period_start': date '2024-01-01', "
    "'period_end': date '2024-03-31'}], null)",
    "period_counts": "select sum(received_total) > 0 from period_counts(tthc_period_list('periods'), null)",
    "classified_for": "select count(*) filter (where k.resolved) > 0 from classified_for([{'period': 'q', "
    "'period_start': date '2024-04-01', 'period_end': date '2024-06-30'}], timestamp '2024-06-30 23:59:59')",
    "report_form_of": "with c as (select * from period_counts(tthc_period_list('periods'), null)) "
    "select count(*) > 0 from report_form_of('c')",
    "indicators_of": "with c as (select * from period_counts(tthc_period_list('periods'), null)) "
    "select count(*) > 0 from indicators_of('c')",
    "procedure_indicators": "select value from procedure_indicators('13723@2024') "
    "where indicator = 'procedures_published'",
    "reporting_units": "select unit_key = '13684@2025' from reporting_units(units := 'current') "
    "where recorded_key = '13723@2024'",
    "tthc_units_mode": "select tthc_units_mode(2025) = 'current' and tthc_units_mode('recorded') = 'recorded'",
    "tthc_period_list": "select len(tthc_period_list('periods')) > 0",
    "tthc_parse_ts": "select tthc_parse_ts('31/01/2024 08:30') = timestamp '2024-01-31 08:30'",
    "tthc_parse_ts_slow": "select tthc_parse_ts_slow(' 5/1/2024 ') = timestamp '2024-01-05'",
    "tthc_ts_dmy": "select tthc_ts_dmy('05-01-2024 8h30') = timestamp '2024-01-05 08:30'",
    "tthc_ts_hm_dmy": "select tthc_ts_hm_dmy('08:30 05/01/2024') = timestamp '2024-01-05 08:30'",
    "tthc_ts_window": "select tthc_ts_window('12-03-2024 Từ 13:30 đến 16:00') = timestamp '2024-03-12 16:00'",
    "tthc_ts_window_first": "select tthc_ts_window_first('Từ 7:30 đến 11:00 2/3/2024') = timestamp '2024-03-02 11:00'",
    "tthc_ts_compact": "select tthc_ts_compact('20240105083000') = timestamp '2024-01-05 08:30'",
    "tthc_ts_iso": "select tthc_ts_iso('2024-01-05T01:30:00Z') = timestamp '2024-01-05 08:30'",
    "tthc_iso_offset_minutes": "select tthc_iso_offset_minutes('+07:00') = 0",
    "tthc_ts_serial": "select tthc_ts_serial('45296') = timestamp '2024-01-05'",
    "tthc_ts_exact": "select tthc_ts_exact('31/02/2024', '%d/%m/%Y') is null",
    "tthc_ts_from_parts": "select tthc_ts_from_parts({'y': '2024', 'm': '1', 'd': '5', 'hh': '', 'mi': '', 'ss': ''}) "
    "= timestamp '2024-01-05'",
    "tthc_make_ts": "select tthc_make_ts(2024, 2, 30, 0, 0, 0) is null",
    "tthc_days_in_month": "select tthc_days_in_month(2024, 2) = 29",
    "tthc_ts_in_range": "select not tthc_ts_in_range(timestamp '1999-12-31')",
    "tthc_parse_amount": "select tthc_parse_amount('50.000 đ') = 50000",
    "tthc_parse_amount_slow": "select tthc_parse_amount_slow('1.234.567,5') = 1234567.5",
    "tthc_text": "select tthc_text('  Hộ   tịch ') = 'Hộ tịch'",
    "tthc_deadline": "select tthc_deadline(timestamp '2024-01-05') = timestamp '2024-01-05 23:59:59'",
    "tthc_classify": "select tthc_classify(timestamp '2024-01-02', timestamp '2024-01-03', timestamp '2024-01-05', "
    "'resolved', 'online', date '2024-01-01', date '2024-03-31', timestamp '2024-03-31 23:59:59').resolved_early",
    "tthc_is_received": "select tthc_is_received(timestamp '2024-01-02', 'active', date '2024-01-01', "
    "date '2024-01-31')",
    "tthc_is_resolved": "select tthc_is_resolved(timestamp '2024-01-02', timestamp '2024-01-03', 'resolved', "
    "date '2024-01-01', date '2024-01-31')",
    "tthc_is_in_progress": "select tthc_is_in_progress(timestamp '2024-01-02', null, 'active', date '2024-01-31')",
    "tthc_pct": "select tthc_pct(345, 353) = 97.73",
    "tthc_period_label": "select tthc_period_label(date '2024-01-01', date '2024-03-25') = '2024-01-01..2024-03-25'",
    "tthc_quarter_label": "select tthc_quarter_label(date '2024-05-02') = '2024Q2'",
    "tthc_year_label": "select tthc_year_label(date '2024-05-02') = '2024'",
    "tthc_local_now": "select tthc_local_now() > timestamp '2026-01-01'",
    "tthc_month_label": "select tthc_month_label(date '2026-08-15') = '2026-08'",
    "tthc_period_of": "select tthc_period_of('Tháng 8 năm 2026') = "
    "{'period': '2026-08', 'period_start': date '2026-08-01', 'period_end': date '2026-08-31'}",
    "report_form_for_period": "select received_total > 0 from report_form_for_period('2026Q3', units := 'current') "
    "where unit_key = '13684@2025' and sector is null",
    "indicators_for_period": "select value > 0 from indicators_for_period('Tháng 8 năm 2026', units := 'current') "
    "where unit_key = '13684@2025' and sector is null and indicator = 'early_pct'",
    "tthc_procedure_key": "select tthc_procedure_key('Thủ tục đăng ký  khai sinh') = 'dang ky khai sinh'",
    "statutory_dues": "with t as (select 1 as row_key, '1.004873' as procedure_code, 'x' as procedure_name, "
    "timestamp '2026-02-13 10:00' as received_at) "
    "select statutory_due_at = timestamp '2026-02-25' from statutory_dues('t')",
    "score766_classified_for": "select count(*) filter (where progress_counted) > 0 from score766_classified_for("
    "[{'period': 'm', 'period_start': date '2026-08-01', 'period_end': date '2026-08-31'}], null)",
    "score766_scored": "with k as (select * from score766_classified_for([{'period': 'm', 'period_start': "
    "date '2026-08-01', 'period_end': date '2026-08-31'}], null)) "
    "select count(*) > 0 from score766_scored('k')",
    "score766_for": "select count(*) > 0 from score766_for([{'period': 'm', 'period_start': date '2026-08-01', "
    "'period_end': date '2026-08-31'}], null)",
    "score766_between": "select points > 0 from score766_between(date '2026-08-01', date '2026-08-31', "
    "units := 'current') where unit_key = '13684@2025' and metric_code = 'TIEN_DO'",
    "score766_of": "select points > 0 from score766_of('Tháng 8 năm 2026', units := 'current') "
    "where unit_key = '13684@2025' and metric_code = 'TIEN_DO'",
    "score766_cases_for": "select count(*) > 0 from score766_cases_for([{'period': 'm', 'period_start': "
    "date '2026-08-01', 'period_end': date '2026-08-31'}], null, unit := '13684@2025')",
    "score766_cases_between": "select count(*) > 0 from score766_cases_between(date '2026-08-01', "
    "date '2026-08-31', units := 'current', unit := '13684@2025')",
    # the sample's generated due times break the statute for some cases; each row listed is one that does
    "due_checks_between": "select count(*) > 0 and bool_and(due_at > statutory_max_due_at) "
    "from due_checks_between(date '2026-08-01', date '2026-08-31')",
    "classified_as": "select count(*) filter (where k.resolved) > 0 from classified_as([{'period': 'q', "
    "'period_start': date '2024-01-01', 'period_end': date '2024-03-31'}], null, [{'model': 'm', 'convention': "
    "'tandan_06a', 'reading': null::varchar, 'known_at': null::timestamp, 'unit_key': null::varchar}])",
    "tthc_reconcile_words": "select tthc_reconcile_words('Tân Dân DVC, báo cáo 06a', 'plain', null) "
    "= 'cách đếm «Tân Dân DVC, báo cáo 06a»'",
    # the sample holds no report of theirs: the reconciliation macros run and find nothing to compare
    "reconcile_models": "select count(*) = 0 from reconcile_models(date '2024-01-01', date '2024-03-31')",
    "reconcile_flags": "select count(*) = 0 from reconcile_flags(date '2024-01-01', date '2024-03-31')",
    "reconcile_choice": "select count(*) = 0 from reconcile_choice(date '2024-01-01', date '2024-03-31')",
    "reconcile_between": "select count(*) = 0 from reconcile_between(date '2024-01-01', date '2024-03-31')",
    "reconcile_cases_between": "select count(*) = 0 from reconcile_cases_between(date '2024-01-01', date '2024-03-31')",
    "reconcile766_choice": "select count(*) = 0 from reconcile766_choice(date '2026-08-01', date '2026-08-31')",
    # 20 × 4/7 = 11.43; 6 × (4/7) / 90 % = 3.81; a denominator of 0 gives no points, never 0
    "tthc_points766": "select tthc_points766(20, 100, 4, 7) = 11.43 and tthc_points766(6, 90, 4, 7) = 3.81 "
    "and tthc_points766(20, 100, 0, 0) is null",
    "tthc_indicator_value": "select tthc_indicator_value('pct', 345, 353) = 97.73 "
    "and tthc_indicator_value('days', 7, 2) = 3.5 and tthc_indicator_value('count', 5, null) = 5",
}


def cli(db: Path, sql: str) -> list[list[str]]:
    """Rows of one query run by the DuckDB CLI on `db` opened read-only, as CSV text."""
    done = subprocess.run(
        [str(CLI), "-readonly", "-csv", str(db), "-c", sql], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{sql}\n{done.stderr}"
    return list(csv.reader(io.StringIO(done.stdout)))[1:]


@pytest.fixture(scope="module")
def published(tmp_path_factory, request) -> Path:
    if not CLI.exists():
        pytest.fail(f"the DuckDB CLI is missing at {CLI}: pip install -e '.[test]' (duckdb-cli)")
    from pipelines.config import Settings

    tmp = tmp_path_factory.mktemp("clients")
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", settle_seconds=0)
    run_local([SAMPLE], s)
    return s.db


def test_the_cli_is_a_1x_release():
    version = subprocess.run([str(CLI), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1."), version


def test_the_file_is_written_in_the_pinned_storage_format(published):
    assert storage_version(published) == "v1.4.0+"


def test_the_seed_figures_in_the_cli(published):
    assert cli(published, EXAMPLES["report_form_between"]) == [["353", "345", "8"]]
    assert cli(published, EXAMPLES["indicators_between"]) == [["97.73"]]


def test_every_table_and_comment_reads_in_the_cli(published):
    con = duckdb.connect(str(published), read_only=True)
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where not internal").fetchall()]
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    con.close()
    assert counts["cases"] > 0 and counts["report_form"] > 0  # the sample is in it
    for table in tables:  # the 1.x CLI reads every row the writer wrote, table by table
        assert cli(published, f"select count(*) from {table}") == [[str(counts[table])]], table
    comments = cli(published, "select count(*) from duckdb_tables() where comment is null or comment = ''")
    assert comments == [["0"]]


def test_every_macro_runs_in_the_cli(published):
    con = duckdb.connect(str(published), read_only=True)
    macros = {
        r[0]
        for r in con.execute(
            "select function_name from duckdb_functions() where not internal and function_type in ('macro', "
            "'table_macro') and database_name = current_database()"
        ).fetchall()
    }
    con.close()
    assert macros - EXAMPLES.keys() == set(), "add an example query for these macros"
    for name in sorted(macros):
        rows = cli(published, EXAMPLES[name])
        assert rows and all(v not in ("", "false") for v in rows[0]), (name, rows)


def test_a_warehouse_in_the_2_0_format_is_rewritten_once(published, tmp_path, settings):
    """A warehouse written by DuckDB 2.0's default format (an earlier release of this project)
    becomes readable by 1.x clients at the next run, with everything it held."""
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))  # storage version 69: what DuckDB 2.0 writes by default
    con.execute(f"attach '{published.as_posix()}' as src (read_only)")
    con.execute("copy from database src to old")
    con.close()
    assert storage_version(old).startswith("v2")
    assert subprocess.run([str(CLI), "-readonly", str(old), "-c", "select 1"], capture_output=True).returncode != 0
    settings.db = old
    shutil.rmtree(settings.stage, ignore_errors=True)
    run_local([], settings)  # a night with nothing new
    assert storage_version(old) == "v1.4.0+"
    assert cli(old, "select count(*) from cases") == cli(published, "select count(*) from cases")
    assert cli(old, EXAMPLES["report_form_between"]) == [["353", "345", "8"]]
