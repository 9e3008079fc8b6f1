"""Many small files in one run go through one parse, one validation and one load per group; the
warehouse they make is the one loading them one by one makes: the same cases (newest snapshot
wins across files), quarantine, duplicates and per-file counts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import pipelines.run as run_module
import pipelines.transform.stage_many as stage_many
from pipelines.config import Settings
from pipelines.run import run_local

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"


def _write(folder: Path) -> None:
    """Twelve small exports of one commune: a case listed again later with its result (the newer
    snapshot must win, whichever group it is in), a case twice in one file (a duplicate), a case
    twice with different content (conflicting: quarantined), a bad row, a file without data."""
    folder.mkdir()
    for day in range(1, 11):
        rows = [
            f"D-{day}-{k};Khai sinh;UBND xã Mỹ Tân;Trực tiếp;{day:02d}/02/2024 08:00;{day + 3:02d}/02/2024;;Đang xử lý"
            for k in range(3)
        ]
        if day > 1:  # yesterday's first case, now resolved (exported today: a newer snapshot)
            rows.append(
                f"D-{day - 1}-0;Khai sinh;UBND xã Mỹ Tân;Trực tiếp;{day - 1:02d}/02/2024 08:00;"
                f"{day + 2:02d}/02/2024;{day:02d}/02/2024 09:00;Đã trả kết quả"
            )
        if day == 4:
            rows.append(rows[1])  # the same row twice: one case, one duplicate
            rows.append("D-4-2;Khai tử;UBND xã Mỹ Tân;Trực tuyến;04/02/2024 08:00;07/02/2024;;Đang xử lý")  # conflict
            rows.append("D-4-9;Khai sinh;UBND xã Mỹ Tân;Trực tiếp;không rõ;07/02/2024;;Đang xử lý")  # bad date
        lines = [f"Ngày xuất: {day:02d}/02/2024 18:00", HEADER, *rows]
        (folder / f"2024-02-{day:02d}_my-tan.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "2024-02-11_my-tan.csv").write_text(HEADER + "\n", encoding="utf-8")  # header only: rejected


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "cases": con.execute(
                "select case_id, status, finished_at, source_file, snapshot_at from cases order by case_id"
            ).fetchall(),
            "quarantine": con.execute(
                "select source_file, source_row, case_id, reasons from quarantine order by all"
            ).fetchall(),
            "files": con.execute(
                "select file_name, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate "
                "from ingested_files order by file_name"
            ).fetchall(),
            "form": con.execute(
                "select received_total, resolved_total, in_progress_total from report_form "
                "where sector is null order by period"
            ).fetchall(),
        }
    finally:
        con.close()


def _run(tmp: Path, folder: Path) -> dict[str, list[tuple]]:
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", backups=tmp / "b")
    summary = run_local([folder], s)
    assert summary.total("read") == summary.total("loaded") + summary.total("quarantined") + summary.total("duplicate")
    return _tables(s.db)


def test_grouped_small_files_make_the_warehouse_one_by_one_loading_makes(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    _write(folder)
    grouped = _run(tmp_path / "grouped", folder)

    monkeypatch.setattr(stage_many, "SMALL_BYTES", -1)  # every file staged alone
    monkeypatch.setattr(run_module, "BATCH_ROWS", 0)  # and loaded alone
    one_by_one = _run(tmp_path / "alone", folder)
    assert grouped == one_by_one

    cases = {c[0]: c for c in grouped["cases"]}
    assert cases["D-1-0"][1] == "returned" and cases["D-1-0"][3] == "2024-02-02_my-tan.csv"  # the newer snapshot
    assert ("2024-02-11_my-tan.csv", "rejected", 0, 0, 0, 0) in grouped["files"]
    day4 = next(f for f in grouped["files"] if f[0] == "2024-02-04_my-tan.csv")
    assert day4[2:] == (7, 3, 3, 1)  # read 7 = 3 loaded (D-4-0, D-4-1, D-3-0) + 3 quarantined + 1 duplicate
    reasons = {r[2]: r[3] for r in grouped["quarantine"]}
    assert reasons["D-4-2"] == ["conflicting_duplicate"] and "received_at_unparseable" in reasons["D-4-9"]


@pytest.mark.parametrize("n", [2, 5])
def test_a_group_with_a_file_that_is_not_an_export(tmp_path, n):
    """A broken file in a group is rejected alone; the others of its group load."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for i in range(n):
        (folder / f"f{i}.csv").write_text(
            HEADER + f"\nG-{i};Khai sinh;UBND xã Mỹ Tân;Trực tiếp;05/01/2024 08:00;09/01/2024;;Đang xử lý\n",
            encoding="utf-8",
        )
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    tables = _run(tmp_path / "w", folder)
    status = {f[0]: f[1] for f in tables["files"]}
    assert status.pop("broken.xlsx") == "rejected"
    assert set(status.values()) == {"loaded"} and len(tables["cases"]) == n
