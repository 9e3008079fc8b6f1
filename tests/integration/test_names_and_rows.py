"""One bad name or row is one bad name or row (issue 17): a tab or line break in a file name, a name
that is not UTF-8, a name that looks like terminal markup, one row longer than its header, a
warehouse under a folder named it's. Each is that file's or that row's matter; the run, the later
runs and `tthc rebuild` go on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import EXIT_OK, app
from pipelines.config import Settings
from pipelines.run import run_local

pytestmark = pytest.mark.slow  # every test runs the pipeline, some through tthc processes

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả"
CLI = [sys.executable, "-m", "pipelines.cli"]


def _export(path: Path | bytes, *ids: str) -> Path:
    text = HEADER + "\n" + "\n".join(ROW.format(id=i) for i in ids) + "\n"
    with open(path, "wb") as fh:  # bytes: a name may be any bytes
        fh.write(text.encode("utf-8"))
    return Path(os.fsdecode(path))


def _cases(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("select case_id from cases order by case_id").fetchall()]
    finally:
        con.close()


def test_a_tab_and_a_line_break_in_a_file_name(tmp_path):
    s = Settings.load()
    odd = _export(os.fsencode(tmp_path / "a\nb\tc.csv"), "A-1")
    first = run_local([odd], s)
    assert [(f.name, f.status) for f in first.files] == [("a\\nb\\tc.csv", "loaded")]  # one line wherever shown
    # every later run that loads a file, and the rebuild from the archive, go on
    second = CliRunner().invoke(app, ["run", "--no-prefect", str(_export(tmp_path / "d.csv", "D-1"))])
    assert second.exit_code == EXIT_OK, second.output
    index = (Path(s.input_archive) / "index.tsv").read_text(encoding="utf-8").splitlines()
    assert len(index) == 3  # the header and one line per input
    rebuilt = subprocess.run([*CLI, "rebuild"], capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == EXIT_OK, rebuilt.stdout + rebuilt.stderr
    assert "Traceback" not in rebuilt.stderr
    assert _cases(s.db) == ["A-1", "D-1"]
    con = duckdb.connect(str(s.db), read_only=True)
    try:
        names = {r[0] for r in con.execute("select file_name from ingested_files").fetchall()}
    finally:
        con.close()
    assert names == {"a\\nb\\tc.csv", "d.csv"}


def test_a_file_name_that_is_not_utf8_is_one_file(tmp_path):
    """'Danh sách.csv' unzipped from a Windows archive (the name in Windows-1258 bytes), next to
    a good file and a name that looks like terminal markup."""
    folder = tmp_path / "in"
    folder.mkdir()
    _export(os.fsencode(folder) + b"/Danh s\xe1ch.csv", "B-1")
    _export(folder / "good.csv", "G-1")
    _export(folder / "[bold]DS[red] thang 1.csv", "M-1")
    done = subprocess.run([*CLI, "run", "--no-prefect", str(folder)], capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "bị hỏng" not in done.stderr
    shown = done.stdout.replace("\n", " ")
    assert "Danh s\ufffdch.csv" in shown and "[bold]DS[red] thang 1.csv" in shown
    s = Settings.load()
    assert _cases(s.db) == ["B-1", "G-1", "M-1"]
    assert subprocess.run([*CLI, "rebuild"], capture_output=True, timeout=300).returncode == EXIT_OK
    assert _cases(s.db) == ["B-1", "G-1", "M-1"]


def test_one_longer_row_is_that_rows_problem(tmp_path):
    """An unquoted ';' typed in the last column of one row: that row is quarantined with its extra
    cells in the reason; the other 8 rows load."""
    lines = [HEADER] + [ROW.format(id=f"W-{i}") for i in range(1, 10)]
    lines[4] += ";gọi lại sau"  # W-4: one cell more than the header
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = run_local([path], Settings.load())
    (f,) = summary.files
    assert (f.status, f.read, f.loaded, f.quarantined) == ("loaded", 9, 8, 1)
    con = duckdb.connect(str(Settings.load().db), read_only=True)
    try:
        row, case, reasons, text = con.execute(
            "select source_row, case_id, reasons, reason_text from quarantine"
        ).fetchone()
    finally:
        con.close()
    assert (row, case, reasons) == (5, "W-4", ["malformed_row"])
    assert "«gọi lại sau»" in text


def test_every_line_ending_with_a_separator_is_the_files_layout(tmp_path):
    """Some exports end every data line with the separator the header line lacks: an empty cell
    past the header on every row is the layout, not nine bad rows."""
    lines = [HEADER] + [ROW.format(id=f"T-{i}") + ";" for i in range(1, 10)]
    path = tmp_path / "trailing.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (f,) = run_local([path], Settings.load()).files
    assert (f.status, f.read, f.loaded, f.quarantined) == ("loaded", 9, 9, 0)


def test_a_warehouse_under_a_folder_named_its(tmp_path):
    folder = tmp_path / "it's"
    db = folder / "w.duckdb"
    env = {"TTHC_DB": str(db)}
    runner = CliRunner()
    for name in ("a.csv", "b.csv"):  # the second run reads the published file and checks its format
        result = runner.invoke(app, ["run", "--no-prefect", str(_export(tmp_path / name, name[0]))], env=env)
        assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["export", "--out", str(folder / "pq")], env=env)
    assert result.exit_code == EXIT_OK, result.output
    assert (folder / "pq" / "cases").is_dir()
    assert runner.invoke(app, ["restore", "--list"], env=env).exit_code == EXIT_OK
    assert _cases(db) == ["a", "b"]
