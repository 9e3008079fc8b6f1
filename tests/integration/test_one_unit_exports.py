"""The exports communes actually have (issue 18): a commune's own "Danh sách hồ sơ" that names its
unit in the title block and has no agency column, a list whose only intake date is "Ngày nộp",
and OpenCPS refusals without a due date. Every file is written here by hand in the layout of a
real list export (the Tân Dân DVC list and the OpenCPS dossier export of tests/corpus/, citations
in tests/corpus/README.md), for today's unit phường Thiên Trường (13684@2025) and, before the
reform, xã Mỹ Tân (13723@2024).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.outputs.figures import connect
from pipelines.outputs.quality import quality_report, render_text
from pipelines.run import run_local

pytestmark = pytest.mark.slow  # each test builds a warehouse (registry, schema, rebuild)

# the Tân Dân DVC list header (tests/corpus/write_corpus.py TANDAN_HEADER) without its agency
# column "Đơn vị tiếp nhận": what a commune's own list looks like, its unit named above the table
LIST_HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Trạng thái",
    "Người nộp",
    "Ngày nộp hồ sơ",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
]
# id, procedure, status, filed online, received, due, finished — all in Q3 2026
LIST_CASES = [
    ("000.00.22.H41-260702-0001", "Đăng ký khai sinh", "Đã trả kết quả", "", "02/07/2026 08:15:00",
     "06/07/2026 17:00:00", "06/07/2026 09:30:00"),
    ("000.00.22.H41-260703-0002", "Chứng thực bản sao từ bản chính", "Đã trả kết quả", "", "03/07/2026 09:00:00",
     "03/07/2026 17:00:00", "03/07/2026 10:00:00"),
    ("000.00.22.H41-260810-0003", "Đăng ký kết hôn", "Đang xử lý", "09/08/2026 21:10:05", "10/08/2026 08:00:00",
     "14/08/2026 17:00:00", ""),
]  # fmt: skip


def _list_workbook(path: Path, title: list[list[str | None]]) -> Path:
    """The list as a workbook: the title block, a blank row, the header, the cases, a signature."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách hồ sơ"
    for row in title:
        ws.append(row)
    ws.append([])
    ws.append(LIST_HEADER)
    for i, (case_id, proc, status, filed, received, due, finished) in enumerate(LIST_CASES, start=1):
        ws.append([i, case_id, proc, status, "Nguyễn Văn An", filed, received, due, finished])
    ws.append([])
    ws.append([None, None, None, None, None, None, "Người lập biểu"])
    wb.save(path)
    return path


def _settings(settings, **kw):
    return replace(settings, **kw)


def _units(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("select case_id, unit_key from cases").fetchall())
    finally:
        con.close()


def test_the_title_block_names_the_unit_of_a_list_without_an_agency_column(settings, tmp_path):
    f = _list_workbook(
        tmp_path / "ds-ho-so-quy-3-2026.xlsx",
        [
            ["ỦY BAN NHÂN DÂN PHƯỜNG THIÊN TRƯỜNG", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["BỘ PHẬN MỘT CỬA", None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
            ["DANH SÁCH HỒ SƠ"],
            ["Từ ngày 01/07/2026 đến ngày 30/09/2026"],
        ],
    )
    summary = run_local([f], settings)
    (out,) = summary.files
    assert out.status == "loaded", out.message
    assert (out.read, out.loaded, out.quarantined) == (3, 3, 0)
    assert set(_units(settings.db).values()) == {"13684@2025"}
    note = "đơn vị lấy từ dòng «ỦY BAN NHÂN DÂN PHƯỜNG THIÊN TRƯỜNG» ở đầu trang"
    assert any(note in n for n in out.notes), out.notes


def test_a_unit_line_of_the_title_resolves_for_the_period_of_the_cases(settings, tmp_path):
    """ "Đơn vị: UBND xã Mỹ Tân" over cases of 2024 is the old xã Mỹ Tân (13723@2024), as an agency
    column would be; the same words over cases after the reform name no unit of that time."""
    f = tmp_path / "so-theo-doi-my-tan-2024.csv"
    f.write_text(
        "SỔ THEO DÕI HỒ SƠ\nĐơn vị: UBND xã Mỹ Tân\n\n"
        "Mã hồ sơ;Tên thủ tục;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Hình thức nộp\n"
        "MT-2024-1;Đăng ký khai sinh;03/01/2024 08:00;05/01/2024;04/01/2024 10:00;Đã trả kết quả;Trực tuyến\n"
        "MT-2024-2;Chứng thực;04/03/2024 09:00;04/03/2024 17:00;04/03/2024 11:00;Đã trả kết quả;Trực tiếp\n",
        encoding="utf-8",
    )
    (out,) = run_local([f], settings).files
    assert out.status == "loaded", out.message
    assert _units(settings.db) == {"MT-2024-1": "13723@2024", "MT-2024-2": "13723@2024"}
    assert any("«UBND xã Mỹ Tân»" in n for n in out.notes), out.notes


NO_TITLE = (
    "Mã hồ sơ;Tên thủ tục;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Hình thức nộp\n"
    "TT-1;Đăng ký khai sinh;06/07/2026 08:00;08/07/2026;07/07/2026 10:00;Đã trả kết quả;Trực tuyến\n"
)


def test_without_agency_column_or_title_the_file_is_rejected_saying_what_to_add(settings, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(NO_TITLE, encoding="utf-8")
    (out,) = run_local([f], settings).files
    assert out.status == "rejected"
    assert "--unit" in out.message and "folder_units" in out.message and "Đơn vị giải quyết" in out.message


def test_tthc_run_unit_names_the_unit_of_such_a_file(settings, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(NO_TITLE, encoding="utf-8")
    (out,) = run_local([f], _settings(settings, unit="phường Thiên Trường")).files
    assert out.status == "loaded", out.message
    assert _units(settings.db) == {"TT-1": "13684@2025"}
    assert any("tùy chọn --unit «phường Thiên Trường»" in n for n in out.notes), out.notes


def test_a_folder_setting_names_the_unit_of_the_files_under_it(settings, tmp_path):
    folder = tmp_path / "inbox" / "thien-truong"
    folder.mkdir(parents=True)
    (folder / "export.csv").write_text(NO_TITLE, encoding="utf-8")
    s = _settings(settings, folder_units=[f"{tmp_path / 'inbox'} = xã Mỹ Tân", f"{folder} = phường Thiên Trường"])
    (out,) = run_local([tmp_path / "inbox"], s).files
    assert out.status == "loaded", out.message
    assert _units(settings.db) == {"TT-1": "13684@2025"}  # the deepest folder wins
    assert any("folder_units" in n and "phường Thiên Trường" in n for n in out.notes), out.notes


def test_the_filing_date_is_the_received_date_when_it_is_the_only_intake_date(settings, tmp_path):
    """A list whose only intake column is "Ngày nộp": its cases load, received on that date, and
    the summary and `tthc quality` say where the date came from."""
    f = tmp_path / "ds-ho-so-nop.csv"
    f.write_text(
        "Mã hồ sơ;Tên thủ tục;Đơn vị xử lý;Ngày nộp;Hạn xử lý;Ngày hoàn thành;Trạng thái;Hình thức nộp\n"
        "NP-1;Đăng ký khai sinh;UBND phường Thiên Trường;06/07/2026 08:00;08/07/2026;07/07/2026 10:00;"
        "Đã trả kết quả;Trực tiếp\n"
        "NP-2;Chứng thực;UBND phường Thiên Trường;07/07/2026 09:30;07/07/2026 17:00;;Đang xử lý;Trực tiếp\n",
        encoding="utf-8",
    )
    (out,) = run_local([f], settings).files
    assert out.status == "loaded", out.message
    assert (out.read, out.loaded) == (2, 2)
    con = duckdb.connect(str(settings.db), read_only=True)
    got = dict(con.execute("select case_id, strftime(received_at, '%d/%m/%Y %H:%M') from cases").fetchall())
    con.close()
    assert got == {"NP-1": "06/07/2026 08:00", "NP-2": "07/07/2026 09:30"}
    note = "ngày tiếp nhận lấy từ cột «Ngày nộp»: hồ sơ trực tuyến có thể được tiếp nhận muộn hơn"
    assert any(note in n for n in out.notes), out.notes
    with connect(settings.db) as con:
        text = render_text(quality_report(con))
    assert note[0].upper() + note[1:] in text


def test_with_a_reception_column_the_filing_date_is_ignored(settings, tmp_path):
    f = _list_workbook(tmp_path / "ds.xlsx", [["ỦY BAN NHÂN DÂN PHƯỜNG THIÊN TRƯỜNG"]])
    (out,) = run_local([f], settings).files
    con = duckdb.connect(str(settings.db), read_only=True)
    got = con.execute("select strftime(received_at, '%d/%m/%Y') from cases where case_id like '%0003'").fetchone()
    con.close()
    assert got == ("10/08/2026",)  # Ngày nhận, not Ngày nộp hồ sơ 09/08
    assert not any("Ngày nộp" in n for n in out.notes)


# the OpenCPS dossier export (tests/corpus/opencps_dossiers.csv, VietOpenCPS/opencps-v2 DossierTerm)
OPENCPS_HEADER = (
    "dossierNo,serviceName,domainName,govAgencyName,receiveDate,dueDate,releaseDate,finishDate,dossierStatus"
)


def test_a_refusal_without_a_due_date_is_a_refusal_at_the_desk(settings, tmp_path):
    """OpenCPS `denied` and "Từ chối" without a due date were refused at intake (they never got an
    appointment): Biểu 06 counts them as refused, outside every total. With a due date, a refusal
    is a stop during processing."""
    f = tmp_path / "opencps_dossiers_2026-07.csv"
    f.write_text(
        OPENCPS_HEADER + "\n"
        "TT.260706.1,Đăng ký khai sinh,Hộ tịch,UBND Phường Thiên Trường,06/07/2026 08:00:00,,,,denied\n"
        "TT.260706.2,Chứng thực,Chứng thực,UBND Phường Thiên Trường,06/07/2026 09:00:00,,,,Từ chối\n"
        "TT.260707.3,Đăng ký kết hôn,Hộ tịch,UBND Phường Thiên Trường,07/07/2026 08:00:00,10/07/2026 17:00:00,"
        "09/07/2026 10:00:00,,denied\n"
        "TT.260707.4,Đăng ký khai tử,Hộ tịch,UBND Phường Thiên Trường,07/07/2026 09:00:00,09/07/2026 17:00:00,"
        "08/07/2026 10:00:00,08/07/2026 15:00:00,done\n",
        encoding="utf-8",
    )
    (out,) = run_local([f], settings).files
    assert (out.status, out.read, out.loaded, out.quarantined) == ("loaded", 4, 4, 0), out.message
    con = duckdb.connect(str(settings.db), read_only=True)
    row = con.execute(
        "select refused_at_intake, withdrawn_stopped, received_total, resolved_total "
        "from report_form_between(date '2026-07-01', date '2026-09-30') where unit_key = '13684@2025' "
        "and sector is null"
    ).fetchone()
    statuses = dict(con.execute("select case_id, status from cases").fetchall())
    con.close()
    assert statuses == {"TT.260706.1": "refused", "TT.260706.2": "refused", "TT.260707.3": "stopped",
                        "TT.260707.4": "returned"}  # fmt: skip
    assert row == (2, 1, 2, 1)


def test_a_misspelt_unit_stops_the_run_with_the_closest_names(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(NO_TITLE, encoding="utf-8")
    done = CliRunner().invoke(
        app, ["run", "--no-prefect", "--unit", "Thien Truongg", "--db", str(tmp_path / "w.duckdb"), str(f)]
    )
    assert done.exit_code == 2, done.output
    assert "có phải phường Thiên Trường (13684@2025)" in " ".join(done.output.split())
    assert not (tmp_path / "w.duckdb").exists()
