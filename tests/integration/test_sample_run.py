"""The shipped sample through the whole run (without Prefect): the seed's figures, conservation,
idempotence, snapshot order, the known bad rows, and no personal data in the warehouse."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pytest

from pipelines.config import Settings
from pipelines.rules.vocab import column_map
from pipelines.run import run_local
from tests.paths import REPO as ROOT

SAMPLE = ROOT / "data" / "sample"
FILES = sorted(SAMPLE.iterdir())
SEED = dict(resolved_total=353, resolved_early=345, resolved_on_time=8, resolved_late=0)


def _settings(tmp: Path, name: str) -> Settings:
    return Settings.load(config_file=tmp / "none.toml", db=tmp / f"{name}.duckdb", stage=tmp / f"stage-{name}")


def q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_seed_figures_for_my_tan(warehouse):
    cols = ", ".join(SEED)
    row = q(
        warehouse,
        f"select {cols} from report_form_between(date '2024-01-01', date '2024-03-25') "
        "where commune_name = 'Mỹ Tân' and sector is null",
    )
    assert row == [tuple(SEED.values())]
    ind = dict(
        q(
            warehouse,
            "select indicator, value from indicators_between(date '2024-01-01', date '2024-03-25') "
            "where commune_code = '13723' and sector is null",
        )
    )
    assert ind["resolved_online"] == 353
    assert ind["resolved_digitized"] == 353
    assert ind["early_pct"] == 97.73
    assert ind["on_time_pct"] == 2.27
    assert ind["late_pct"] == 0
    assert ind["digitized_pct"] == 100
    assert ind["paid_online_pct"] == 100


def test_every_quarter_and_year_is_materialised_for_every_commune(warehouse):
    periods = [r[0] for r in q(warehouse, "select period from periods order by period_start, period_kind")]
    quarters = [f"{y}Q{n}" for y in (2024, 2025, 2026) for n in (1, 2, 3, 4)]
    assert sorted(periods) == sorted(quarters + ["2024", "2025", "2026"])  # the sample runs to 12/2026
    units = {}
    for period, key in q(warehouse, "select period, unit_key from report_form where sector is null"):
        units.setdefault(period, set()).add(key)
    old = {f"{c}@2024" for c in ("13711", "13717", "13720", "13723", "13726", "13732", "13735")}
    new = {f"{c}@2025" for c in ("13669", "13684", "13693", "13708")}
    for quarter in quarters[:4]:  # 2024: the 7 communes of huyện Mỹ Lộc
        assert units[quarter] == old, quarter
    for quarter in quarters[4:6]:  # 2025H1: the 7, and today's units for the cases they re-listed
        assert old <= units[quarter] <= old | new, quarter
    for quarter in quarters[6:]:  # from 2025Q3: the 4 units they became (and old cases never closed)
        assert new <= units[quarter] <= old | new, quarter
    # the materialised quarter equals the range macro over the same dates
    a = q(warehouse, "select * exclude (period) from report_form where period = '2024Q2' order by all")
    b = q(
        warehouse,
        "select * exclude (period) from report_form_between(date '2024-04-01', date '2024-06-30', "
        "as_of := (select max(as_of) from runs)) order by all",
    )
    assert a == b


def test_identities_hold_everywhere(warehouse):
    bad = q(warehouse, (ROOT / "sql" / "checks" / "report_form_identities.sql").read_text())
    assert bad == []


def test_row_conservation_per_file(warehouse):
    rows = q(
        warehouse, "select file_name, rows_read, rows_loaded, rows_quarantined, rows_duplicate from ingested_files"
    )
    assert len(rows) == len(FILES)
    for name, read, loaded, quarantined, duplicate in rows:
        assert read == loaded + quarantined + duplicate, name
    assert q(warehouse, "select count(*) from quarantine")[0][0] == sum(r[3] for r in rows)


def test_known_bad_rows_are_quarantined_with_reasons(warehouse):
    got = {
        (f.split("_")[1], sheet, row): reasons
        for f, sheet, row, reasons in q(
            warehouse, "select source_file, source_sheet, source_row, reasons from quarantine"
        )
    }
    assert got == {
        ("huyen-my-loc", "Chứng thực", 702): ["case_id_missing"],
        ("igate", None, 776): ["received_at_unparseable"],
        ("so-theo-doi", None, 754): ["status_unknown"],
    }
    dup = q(warehouse, "select rows_duplicate from ingested_files where file_name like '%dvcqg%'")
    assert dup == [(1,)]


def test_newest_snapshot_wins(warehouse):
    # a case in progress in July (file A) and resolved by January (file B) shows its January state
    rows = q(warehouse, "select case_id from cases where snapshot_at = timestamp '2024-07-05 08:15'")
    # every case of A is also in B, which is newer, except the one whose B row is quarantined
    # (received 31/02/2024): its last valid state is A's
    assert rows == [("000.17.20.H40-240226-0001",)]
    # 8,476 cases in B (the one with an unknown status exists nowhere else), 4,019 received in
    # 2025H1 (their 136 open on 30/06/2025 listed again by today's units, same ids), 11,968 from 07/2025
    assert q(warehouse, "select count(*) from cases")[0][0] == 8476 - 1 + 4019 + 11968
    carried = q(
        warehouse,
        "select count(*), min(unit_key like '%@2025'), min(snapshot_at) from cases "
        "where received_at < date '2025-07-01' and source_file like '2026-12-01%'",
    )
    assert carried == [(136, True, datetime(2026, 12, 1, 7, 0))]


def test_loading_again_changes_nothing(warehouse_copy, tmp_path):
    db = warehouse_copy
    before = q(db, "select * from report_form order by all")
    s = Settings.load(config_file=tmp_path / "none.toml", db=db, stage=tmp_path / "stage")
    summary = run_local([SAMPLE], s)
    assert [f.status for f in summary.files] == ["skipped"] * len(FILES)
    assert q(db, "select * from report_form order by all") == before
    assert q(db, "select count(*) from ingested_files")[0][0] == len(FILES)


def test_file_order_does_not_matter(warehouse, tmp_path):
    # the newer snapshot B first, the older A afterwards: A must not overwrite B
    s = _settings(tmp_path, "reordered")
    newer = [f for f in FILES if not f.name.startswith("2024")]
    older = [f for f in FILES if f.name.startswith("2024")]
    run_local(newer, s)
    run_local(older, s)
    cols = "commune_code, period, sector, received_total, resolved_total, resolved_early, in_progress_total"
    assert q(s.db, f"select {cols} from report_form order by all") == q(
        warehouse, f"select {cols} from report_form order by all"
    )


def _personal_values() -> set[str]:
    """Every value under a personal-data header in the inputs, read independently of the pipeline."""
    cmap = column_map()
    values: set[str] = set()

    def take(rows: list[list[object]]) -> None:
        for i, row in enumerate(rows[:60]):
            cols = [j for j, h in enumerate(row) if h and cmap.is_personal(h)]
            if len(cols) >= 2:
                for r in rows[i + 1 :]:
                    for j in cols:
                        if j < len(r) and r[j] and len(str(r[j]).strip()) >= 6:
                            values.add(str(r[j]).strip())
                return

    for f in FILES:
        if f.suffix == ".xlsx":
            wb = openpyxl.load_workbook(f, read_only=True)
            for ws in wb.worksheets:
                take([list(r) for r in ws.iter_rows(values_only=True)])
        else:
            raw = f.read_bytes()
            text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig")
            sep = max([",", ";", "\t"], key=lambda s: text[:5000].count(s))
            take(list(csv.reader(io.StringIO(text), delimiter=sep)))
    return values


# Every personal value found as a substring of a stored text: the windows of each text are joined
# to the values on their first 6 characters (every value has at least 6), then compared in full.
# One query over every text column of every table, and over the ASCII runs of the raw file.
_SUBSTRING_HITS = """
with texts as (select distinct t from ({stored}) where t <> ''),
     windows as (select t, unnest(range(1, length(t) - 4)) as i from texts),
     raw_windows as (select t, unnest(range(1, length(t) - 4)) as i from raw_runs)
select 'stored' as kind, p.v
from windows as w join personal as p on substr(p.v, 1, 6) = substr(w.t, w.i, 6)
where substr(w.t, w.i, length(p.v)) = p.v
union
select 'raw' as kind, p.v
from raw_windows as w join personal as p on p.is_ascii and substr(p.v, 1, 6) = substr(w.t, w.i, 6)
where substr(w.t, w.i, length(p.v)) = p.v
"""


def test_no_personal_data_in_the_warehouse(warehouse):
    values = _personal_values()
    assert len(values) > 8000  # names, CCCD numbers, phones, addresses of every case
    raw = warehouse.read_bytes()
    # an ASCII value found in the file's bytes lies inside a run of the characters ASCII values are made of
    chars = re.escape("".join(sorted({c for v in values if v.isascii() for c in v}))).encode()
    runs = [m.decode("ascii") for m in re.findall(b"[" + chars + b"]{6,}", raw)] if chars else []
    ordered = sorted(values)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        text_cols = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON') or data_type like 'VARCHAR[]%'"
        ).fetchall()
        con.register(
            "personal",
            pa.table(
                {"v": pa.array(ordered, pa.string()), "is_ascii": pa.array([v.isascii() for v in ordered], pa.bool_())}
            ),
        )
        con.register("raw_runs", pa.table({"t": pa.array(runs, pa.string())}))
        stored = " union ".join(f'select "{column}"::varchar as t from "{table}"' for table, column in text_cols)
        hits = con.execute(_SUBSTRING_HITS.format(stored=stored)).fetchall()
    finally:
        con.close()
    found = {v for kind, v in hits if kind == "stored"}
    assert not found, sorted(found)[:5]
    leaked = sorted(v for kind, v in hits if kind == "raw")
    assert not leaked, leaked[:5]


@pytest.mark.slow
def test_incremental_rebuild_equals_a_full_rebuild(tmp_path):
    from pipelines.warehouse import build

    s = _settings(tmp_path, "inc")
    run_local([f for f in FILES if f.name.startswith("2024")], s)
    run_local([f for f in FILES if f.name.startswith("2025")], s)  # an incremental rebuild
    copy = tmp_path / "full.duckdb"
    shutil.copy(s.db, copy)
    con = duckdb.connect(str(copy))
    try:
        as_of = con.execute("select max(as_of) from runs").fetchone()[0]
        incremental = con.execute("select * from report_form order by all").fetchall()
        inc_ind = con.execute("select * from indicators order by all").fetchall()
        assert build(con, as_of) == "full"
        assert con.execute("select * from report_form order by all").fetchall() == incremental
        assert con.execute("select * from indicators order by all").fetchall() == inc_ind
    finally:
        con.close()


def test_a_duplicate_case_id_written_by_the_run_fails_the_build(warehouse_copy):
    """The uniqueness check looks at the case ids of the run's own files: a copy of a case
    written with a new file number breaks the build; rows of earlier files are not re-scanned."""
    from pipelines.warehouse import IdentityError, build

    copy = warehouse_copy
    con = duckdb.connect(str(copy))
    try:
        as_of = con.execute("select max(as_of) from runs").fetchone()[0]
        new_seq = con.execute("select max(file_seq) + 1 from cases").fetchone()[0]
        assert build(con, as_of, new_since_seq=new_seq) == "full"  # nothing new: nothing to find
        con.execute("insert into cases select * replace (? as file_seq) from cases limit 1", [new_seq])
        with pytest.raises(IdentityError, match="duplicate case ids"):
            build(con, as_of, new_since_seq=new_seq)
        with pytest.raises(IdentityError, match="duplicate case ids"):
            build(con, as_of)  # 0: every case
    finally:
        con.close()
