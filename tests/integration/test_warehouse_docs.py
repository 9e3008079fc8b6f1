"""The warehouse documents itself: every object has a comment, docs/warehouse.md is generated from
them and never drifts, and its example queries run on the sample warehouse."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from pipelines.warehouse.comments import CommentError, apply_comments, catalogue, missing_comments
from pipelines.warehouse.docs import PAGE as DOCS_PAGE
from pipelines.warehouse.docs import render_markdown
from tests.paths import REPO

PAGE = REPO / DOCS_PAGE  # the checkout's page, wherever the test runs from

REGENERATE = (
    ".venv/bin/tthc run data/sample --db /tmp/w.duckdb --no-prefect && "
    ".venv/bin/python -m pipelines.warehouse.docs /tmp/w.duckdb docs/warehouse.md"
)
SEED_QUERY = "report_form_between(date '2024-01-01', date '2024-03-25')"


@pytest.fixture(scope="module")
def con(warehouse, sample_summary, tmp_path_factory):
    """A copy of the session's warehouse built from data/sample, opened writable, with the
    comments applied here (independently of whether build() applies them itself)."""
    assert sample_summary.status == "succeeded"
    db = tmp_path_factory.mktemp("docs") / "w.duckdb"
    shutil.copy2(warehouse, db)
    c = duckdb.connect(str(db))
    apply_comments(c)
    yield c
    c.close()


def _sql_blocks(page: str) -> list[str]:
    return re.findall(r"^```sql\n(.*?)^```", page, flags=re.S | re.M)


def test_every_table_column_and_macro_has_a_comment(con):
    items = catalogue(con)
    tables = {i["name"] for i in items if i["kind"] == "table"}
    macros = {i["name"] for i in items if i["kind"] in ("macro", "table_macro")}
    assert {
        "cases",
        "quarantine",
        "ingested_files",
        "runs",
        "report_form",
        "indicators",
        "periods",
        "communes",
        "communes_2025",
        "procedures",
        "reasons",
    } <= tables
    assert {
        "report_form_between",
        "indicators_between",
        "classified_for",
        "tthc_classify",
        "tthc_deadline",
        "tthc_parse_ts",
        "tthc_pct",
        "procedure_indicators",
    } <= macros
    assert all(i["columns"] for i in items if i["kind"] == "table")
    assert missing_comments(con) == [], "objects without a comment: add a description for each to sql/models.yml"
    seq = con.execute("select comment from duckdb_sequences() where sequence_name = 'file_seq_counter'").fetchone()
    assert seq and seq[0]


def test_comments_are_one_line_and_name_units(con):
    for item in catalogue(con):
        texts = [item["comment"]] + [c["comment"] for c in item.get("columns", [])]
        assert all("\n" not in t for t in texts), item["name"]
    comments = {
        (t["name"], c["name"]): c["comment"] for t in catalogue(con) if t["kind"] == "table" for c in t["columns"]
    }
    assert "Asia/Ho_Chi_Minh" in comments[("cases", "received_at")]
    assert "NULL = all sectors" in comments[("report_form", "sector")]
    assert "trước hạn" in comments[("report_form", "resolved_early")]
    assert "2 decimals" in comments[("indicators", "value")]


def test_the_page_is_generated_from_the_warehouse(con):
    assert PAGE.exists(), f"docs/warehouse.md is missing: generate it with\n  {REGENERATE}"
    committed = PAGE.read_text(encoding="utf-8")
    assert committed == render_markdown(con), (
        "docs/warehouse.md differs from the warehouse it documents (a comment, table, column or macro "
        f"changed): regenerate it with\n  {REGENERATE}"
    )


def test_the_page_has_no_run_dependent_text(con):
    page = render_markdown(con)
    run_id, as_of = con.execute("select run_id, as_of from runs").fetchone()
    assert run_id not in page and str(as_of) not in page and as_of.isoformat() not in page
    for (sha,) in con.execute("select sha256 from ingested_files").fetchall():
        assert sha not in page


def test_every_example_query_runs(con):
    page = PAGE.read_text(encoding="utf-8")
    blocks = _sql_blocks(page)
    assert len(blocks) >= 5
    for sql in blocks:
        try:
            con.execute(sql).fetchall()
        except duckdb.Error as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"example query in docs/warehouse.md fails: {exc}\n{sql}")
    seed = [b for b in blocks if SEED_QUERY in b]
    assert len(seed) == 1
    cur = con.execute(seed[0])
    rows = [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
    assert len(rows) == 1
    assert rows[0]["resolved_total"] == 353
    assert (rows[0]["resolved_early"], rows[0]["resolved_on_time"], rows[0]["resolved_late"]) == (345, 8, 0)


def test_units_current_example_rolls_up(con):
    blocks = [b for b in _sql_blocks(PAGE.read_text(encoding="utf-8")) if "units := 'current'" in b]
    assert blocks
    names = {r[1] for r in con.execute(blocks[0]).fetchall()}
    assert "Thiên Trường" in names and "Mỹ Tân" not in names


def test_a_missing_object_is_an_error_not_skipped(tmp_path):
    c = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        with pytest.raises(CommentError, match="must exist"):
            apply_comments(c)
    finally:
        c.close()
