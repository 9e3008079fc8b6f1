"""The Prefect flow end to end on small exports, under one session-scoped test harness."""

from __future__ import annotations

import duckdb

from pipelines.flows import run_flow, stage_task

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"


def test_flow_loads_rejects_and_skips(tmp_path, settings, prefect_harness):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.csv").write_text(
        HEADER + "\n"
        "HS-1;Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả\n"
        "HS-2;Khai tử;UBND xã Mỹ Hà;Trực tiếp;06/01/2024 08:00;09/01/2024;;Đang xử lý\n",
        encoding="utf-8",
    )
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    summary = run_flow([str(inbox)], settings)
    by_name = {f.name: f for f in summary.files}
    assert by_name["good.csv"].status == "loaded" and by_name["good.csv"].loaded == 2
    assert by_name["broken.xlsx"].status == "rejected" and "hỏng" in by_name["broken.xlsx"].message
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select count(*) from cases").fetchone()[0] == 2
        statuses = dict(con.execute("select file_name, status from ingested_files").fetchall())
        assert statuses == {"good.csv": "loaded", "broken.xlsx": "rejected"}
        assert con.execute("select status from runs").fetchall() == [("succeeded",)]
    finally:
        con.close()
    again = run_flow([str(inbox)], settings)
    assert {f.name: f.status for f in again.files}["good.csv"] == "skipped"


def test_stage_task_is_a_plain_function(tmp_path, settings):
    """Tasks stay testable without any Prefect server: .fn is the function itself."""
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "\nHS-1;Khai sinh;UBND xã Mỹ Tân;2;05/01/2024;09/01/2024;08/01/2024;10\n", encoding="utf-8")
    staged = stage_task.fn(str(path), "0" * 64, settings)
    assert staged.status == "staged" and staged.rows_valid == 1
