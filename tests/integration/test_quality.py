"""`tthc quality` after a run with a drifted file and a half-broken file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.run import run_local

HEAD = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Số hóa"


def rows(prefix: str, n: int, date_form: str = "dmy") -> list[str]:
    out = []
    for i in range(n):
        r = f"0{i % 9 + 1}/02/2024 08:00" if date_form == "dmy" else f"2024-02-0{i % 9 + 1} 08:00:00"
        out.append(f"{prefix}{i};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;{r};20/02/2024;12/02/2024;Đã trả kết quả;Có")
    return out


def test_drift_and_threshold_rejection(tmp_path, settings):
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir(), day2.mkdir()
    (day1 / "2024-03-01_xa-my-tan.csv").write_text("\n".join([HEAD] + rows("A", 20)), encoding="utf-8")
    run_local([day1], settings)
    # next night: same source, "Số hóa" gone and received dates now ISO
    head2 = HEAD.rsplit(";", 1)[0]
    drifted = [";".join(r.split(";")[:-1]) for r in rows("B", 20, "iso")]
    (day2 / "2024-03-02_xa-my-tan.csv").write_text("\n".join([head2] + drifted), encoding="utf-8")
    # and a half-broken file: 6 of 10 rows have an impossible received date
    broken = rows("C", 4) + [r.replace("08:00", "08:00").replace(r.split(";")[4], "31/02/2024") for r in rows("D", 6)]
    (day2 / "2024-03-02_xa-khac.csv").write_text("\n".join([HEAD] + broken), encoding="utf-8")
    summary = run_local([day2], settings)
    status = {f.name: f.status for f in summary.files}
    assert status == {"2024-03-02_xa-my-tan.csv": "loaded", "2024-03-02_xa-khac.csv": "rejected"}

    runner = CliRunner()
    out = runner.invoke(app, ["quality", "--db", str(settings.db)]).output
    assert "2024-03-02_xa-khac.csv — TỪ CHỐI" in out
    assert "vượt ngưỡng 20%" in out and "6/10" in out
    assert "Ngày tiếp nhận không đọc được" in out and "«31/02/2024»" in out
    assert "Thay đổi cấu trúc so với 2024-03-01_xa-my-tan.csv" in out
    assert "mất cột Số hóa" in out
    assert "cột Ngày tiếp nhận đổi dạng ngày dd/mm/yyyy → ngày yyyy-mm-dd" in out
    # words for people, never the internal codes (they are in --format json)
    for code in ("is_digitized", "received_at", "received_at_unparseable", "succeeded"):
        assert code not in out, code

    report = json.loads(runner.invoke(app, ["quality", "--format", "json", "--db", str(settings.db)]).output)
    broken_file = next(f for f in report["files"] if f["file"] == "2024-03-02_xa-khac.csv")
    assert broken_file["rows"]["read"] == 10 and broken_file["quarantine_share"] == 60.0
    md = runner.invoke(app, ["quality", "--format", "md", "--db", str(settings.db)]).output
    assert md.startswith("## Báo cáo chất lượng dữ liệu")
