"""Exports in the layouts real one-stop systems write (tests/corpus/, citations in its README):
each loads with exactly the cases it was written from, or is rejected with a message that says why.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.outputs.figures import connect, find_unit, load_figures
from pipelines.outputs.report import render_markdown
from pipelines.rules.periods import parse_period
from pipelines.run import run_local
from tests.paths import REPO

CORPUS = REPO / "tests" / "corpus"
LAYOUTS = {
    "tandan": "tandan_danh_sach_ho_so 1_12_2026 9_5.xls",
    "book": "so_theo_doi_ho_so_TT03_2025.xlsx",
    "opencps": "opencps_dossiers.csv",
    "monthly": "so_thang_an.xlsx",
}
REJECTED = {"tandan_lech_cot.xls", "r3_so_theo_doi.xlsx"}
# the columns compared: those of the truth files (tests/corpus/write_corpus.py writes them)
COLUMNS = (CORPUS / "expected_tandan.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
IDENTITIES = (REPO / "sql" / "checks" / "report_form_identities.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    inbox = tmp / "inbox"
    inbox.mkdir()
    for name in [*LAYOUTS.values(), *REJECTED]:
        shutil.copy2(CORPUS / name, inbox / name)
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", out=tmp / "out")
    summary = run_local([inbox], s)
    return s, {f.name: f for f in summary.files}


def _expected(layout: str) -> set[tuple[str, ...]]:
    with open(CORPUS / f"expected_{layout}.csv", encoding="utf-8", newline="") as fh:
        return {tuple(r[c] for c in COLUMNS) for r in csv.DictReader(fh)}


def _loaded(db: Path, file_name: str) -> set[tuple[str, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(f"select {', '.join(COLUMNS)} from cases where source_file = ?", [file_name]).fetchall()
    finally:
        con.close()

    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S")
        return str(v)

    return {tuple(text(v) for v in r) for r in rows}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_loads_exactly_the_cases_it_holds(corpus_run, layout):
    settings, files = corpus_run
    f = files[LAYOUTS[layout]]
    assert f.status == "loaded", f.message
    assert f.quarantined == 0 and f.duplicate == 0, f.notes  # footers, headings, numbering rows are not bad rows
    assert f.read == f.loaded == len(_expected(layout))
    assert _loaded(settings.db, LAYOUTS[layout]) == _expected(layout)


def test_the_shifted_tan_dan_export_is_rejected_naming_the_shift(corpus_run):
    _, files = corpus_run
    f = files["tandan_lech_cot.xls"]
    assert f.status == "rejected"
    assert "11 ô" in f.message and "12 cột" in f.message and "lệch cột" in f.message


def test_the_r3_book_is_rejected_for_having_no_case_id(corpus_run):
    _, files = corpus_run
    f = files["r3_so_theo_doi.xlsx"]
    assert f.status == "rejected"
    assert "Mã hồ sơ" in f.message and "không ghép được" in f.message
    assert "không tìm thấy dòng tiêu đề" not in f.message


def test_layouts_without_status_or_channel_say_what_they_lack(corpus_run):
    _, files = corpus_run
    book = files[LAYOUTS["book"]]
    assert any("suy ra từ ngày" in n for n in book.notes), book.notes
    assert any("không rõ hình thức nộp" in n for n in book.notes), book.notes
    tandan = files[LAYOUTS["tandan"]]
    assert any("không rõ hình thức nộp" in n for n in tandan.notes), tandan.notes
    assert not any("suy ra từ ngày" in n for n in tandan.notes)  # it has a status column


def _one(db: Path, sql: str) -> tuple | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def test_opencps_counts_the_finish_of_processing_not_the_hand_over(corpus_run):
    """Written in the file: case 1 finished (releaseDate) 09/10 10:00, due 09/10 17:00, handed over
    (finishDate) 13/10; case 2 finished 07/10 (due 08/10); case 3 finished 10/10 16:30 (due 10/10
    17:00); case 4 finished 10/10 09:00 (due 09/10). Early 1, on time 2, late 1."""
    settings, _ = corpus_run
    row = _one(
        settings.db,
        "select resolved_total, resolved_early, resolved_on_time, resolved_late, received_online, received_offline "
        "from report_form_between(date '2025-10-01', date '2025-10-31') "
        "where unit_key = '13669@2025' and sector is null",
    )
    # received in October: cases 1–4, online true for 1 and 3
    assert row == (4, 1, 2, 1, 2, 2)


def test_unknown_channels_are_neither_online_nor_offline(corpus_run):
    """The Tân Dân list has no channel column: its 29 cases received in Q3 2026 (30 written, one
    refused at intake) are counted in column (3) and in 'không rõ hình thức nộp', never in (4)/(5)."""
    settings, _ = corpus_run
    row = _one(
        settings.db,
        "select received_total, received_online, received_offline, received_channel_unknown, carried_over "
        "from report_form_between(date '2026-07-01', date '2026-09-30', as_of := timestamp '2026-12-01 00:00') "
        "where unit_key = '13684@2025' and sector is null",
    )
    online = _one(
        settings.db,
        "select value from indicators_between(date '2026-07-01', date '2026-09-30') "
        "where unit_key = '13684@2025' and sector is null and indicator = 'online_pct'",
    )
    broken = _one(settings.db, f"select count(*) from ({IDENTITIES})")
    assert row == (29, 0, 0, 29, 0)
    assert online == (None,)  # chưa có số liệu, not 0 %
    assert broken == (0,)

    with connect(settings.db) as c:
        period = parse_period("2026Q3")
        target = find_unit(c, "Thiên Trường", period)
        text = render_markdown(load_figures(c, target, period))
    assert "29 hồ sơ không rõ hình thức nộp" in text
    assert "Qua mạng: chưa có số liệu" in text
