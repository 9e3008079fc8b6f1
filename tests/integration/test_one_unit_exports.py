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
from pipelines.config import Settings
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


NO_TITLE = (
    "Mã hồ sơ;Tên thủ tục;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Hình thức nộp\n"
    "TT-1;Đăng ký khai sinh;06/07/2026 08:00;08/07/2026;07/07/2026 10:00;Đã trả kết quả;Trực tuyến\n"
)
# the OpenCPS dossier export (tests/corpus/opencps_dossiers.csv, VietOpenCPS/opencps-v2 DossierTerm)
OPENCPS_HEADER = (
    "dossierNo,serviceName,domainName,govAgencyName,receiveDate,dueDate,releaseDate,finishDate,dossierStatus"
)


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    """One run over the layouts that name their unit themselves, with the lists of other systems."""
    tmp = tmp_path_factory.mktemp("one-unit")
    inbox = tmp / "inbox"
    inbox.mkdir()
    _list_workbook(
        inbox / "ds-ho-so-quy-3-2026.xlsx",
        [
            ["ỦY BAN NHÂN DÂN PHƯỜNG THIÊN TRƯỜNG", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["BỘ PHẬN MỘT CỬA", None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
            ["DANH SÁCH HỒ SƠ"],
            ["Từ ngày 01/07/2026 đến ngày 30/09/2026"],
        ],
    )
    (inbox / "so-theo-doi-my-tan-2024.csv").write_text(
        "SỔ THEO DÕI HỒ SƠ\nĐơn vị: UBND xã Mỹ Tân\n\n"
        "Mã hồ sơ;Tên thủ tục;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Hình thức nộp\n"
        "MT-2024-1;Đăng ký khai sinh;03/01/2024 08:00;05/01/2024;04/01/2024 10:00;Đã trả kết quả;Trực tuyến\n"
        "MT-2024-2;Chứng thực;04/03/2024 09:00;04/03/2024 17:00;04/03/2024 11:00;Đã trả kết quả;Trực tiếp\n",
        encoding="utf-8",
    )
    (inbox / "ds-ho-so-nop.csv").write_text(
        "Mã hồ sơ;Tên thủ tục;Đơn vị xử lý;Ngày nộp;Hạn xử lý;Ngày hoàn thành;Trạng thái;Hình thức nộp\n"
        "NP-1;Đăng ký khai sinh;UBND phường Thiên Trường;06/07/2026 08:00;08/07/2026;07/07/2026 10:00;"
        "Đã trả kết quả;Trực tiếp\n"
        "NP-2;Chứng thực;UBND phường Thiên Trường;07/07/2026 09:30;07/07/2026 17:00;;Đang xử lý;Trực tiếp\n",
        encoding="utf-8",
    )
    (inbox / "opencps_dossiers_2026-07.csv").write_text(
        OPENCPS_HEADER + "\n"
        "TT.260706.1,Đăng ký khai sinh,Hộ tịch,UBND Phường Thiên Trường,06/07/2026 08:00:00,,,,denied\n"
        "TT.260706.2,Chứng thực,Chứng thực,UBND Phường Thiên Trường,06/07/2026 09:00:00,,,,Từ chối\n"
        "TT.260707.3,Đăng ký kết hôn,Hộ tịch,UBND Phường Thiên Trường,07/07/2026 08:00:00,10/07/2026 17:00:00,"
        "09/07/2026 10:00:00,,denied\n"
        "TT.260707.4,Đăng ký khai tử,Hộ tịch,UBND Phường Thiên Trường,07/07/2026 09:00:00,09/07/2026 17:00:00,"
        "08/07/2026 10:00:00,08/07/2026 15:00:00,done\n",
        encoding="utf-8",
    )
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", settle_seconds=0)
    files = {f.name: f for f in run_local([inbox], s).files}
    con = duckdb.connect(str(s.db), read_only=True)
    cases = {r[0]: r[1:] for r in con.execute(
        "select case_id, unit_key, status, strftime(received_at, '%d/%m/%Y %H:%M') from cases"
    ).fetchall()}  # fmt: skip
    form = con.execute(
        "select refused_at_intake, withdrawn_stopped, received_total, resolved_total "
        "from report_form_between(date '2026-07-01', date '2026-09-30') where unit_key = '13684@2025' "
        "and sector is null"
    ).fetchone()
    con.close()
    with connect(s.db) as c:
        quality = render_text(quality_report(c))
    return files, cases, form, quality


def test_the_title_block_names_the_unit_of_a_list_without_an_agency_column(one_run):
    files, cases, _, _ = one_run
    out = files["ds-ho-so-quy-3-2026.xlsx"]
    assert out.status == "loaded", out.message
    assert (out.read, out.loaded, out.quarantined) == (3, 3, 0)
    assert {cases[c[0]][0] for c in LIST_CASES} == {"13684@2025"}
    note = "đơn vị lấy từ dòng «ỦY BAN NHÂN DÂN PHƯỜNG THIÊN TRƯỜNG» ở đầu trang"
    assert any(note in n for n in out.notes), out.notes


def test_with_a_reception_column_the_filing_date_is_ignored(one_run):
    files, cases, _, _ = one_run
    assert cases["000.00.22.H41-260810-0003"][2] == "10/08/2026 08:00"  # Ngày nhận, not Ngày nộp hồ sơ 09/08
    assert not any("Ngày nộp" in n for n in files["ds-ho-so-quy-3-2026.xlsx"].notes)


def test_a_unit_line_of_the_title_resolves_for_the_period_of_the_cases(one_run):
    """ "Đơn vị: UBND xã Mỹ Tân" over cases of 2024 is the old xã Mỹ Tân (13723@2024), as an agency
    column would be."""
    files, cases, _, _ = one_run
    out = files["so-theo-doi-my-tan-2024.csv"]
    assert out.status == "loaded", out.message
    assert (cases["MT-2024-1"][0], cases["MT-2024-2"][0]) == ("13723@2024", "13723@2024")
    assert any("«UBND xã Mỹ Tân»" in n for n in out.notes), out.notes


def test_the_filing_date_is_the_received_date_when_it_is_the_only_intake_date(one_run):
    """A list whose only intake column is "Ngày nộp": its cases load, received on that date, and
    the summary and `tthc quality` say where the date came from."""
    files, cases, _, quality = one_run
    out = files["ds-ho-so-nop.csv"]
    assert out.status == "loaded", out.message
    assert (out.read, out.loaded) == (2, 2)
    assert (cases["NP-1"][2], cases["NP-2"][2]) == ("06/07/2026 08:00", "07/07/2026 09:30")
    note = "ngày tiếp nhận lấy từ cột «Ngày nộp»: hồ sơ trực tuyến có thể được tiếp nhận muộn hơn"
    assert any(note in n for n in out.notes), out.notes
    assert note[0].upper() + note[1:] in quality


def test_a_refusal_without_a_due_date_is_a_refusal_at_the_desk(one_run):
    """OpenCPS `denied` and "Từ chối" without a due date were refused at intake (they never got an
    appointment): Biểu 06 counts them as refused, outside every total. With a due date, a refusal
    is a stop during processing."""
    files, cases, form, _ = one_run
    out = files["opencps_dossiers_2026-07.csv"]
    assert (out.status, out.read, out.loaded, out.quarantined) == ("loaded", 4, 4, 0), out.message
    statuses = {k: cases[k][1] for k in ("TT.260706.1", "TT.260706.2", "TT.260707.3", "TT.260707.4")}
    assert statuses == {"TT.260706.1": "refused", "TT.260706.2": "refused", "TT.260707.3": "stopped",
                        "TT.260707.4": "returned"}  # fmt: skip
    # the Q3 2026 cases of 13684@2025 in this run: 4 OpenCPS (2 refused), 3 of the list, 2 of "Ngày nộp"
    refused, stopped, received, resolved = form
    assert (refused, stopped) == (2, 1)
    assert received == 2 + 3 + 2 and resolved == 1 + 2 + 1


def test_a_file_without_agency_or_title_is_refused_unless_its_folder_names_the_unit(settings, tmp_path):
    """Two folders of such files: the one `folder_units` names loads under its unit (the deepest
    folder wins), the other is refused with a message naming the three ways to give the unit."""
    inbox = tmp_path / "inbox"
    named, unnamed = inbox / "my-loc" / "thien-truong", inbox / "khac"
    for folder in (named, unnamed):
        folder.mkdir(parents=True)
        (folder / "export.csv").write_text(NO_TITLE.replace("TT-1", f"{folder.name}-1"), encoding="utf-8")
    s = _settings(settings, folder_units=[f"{inbox / 'my-loc'} = xã Mỹ Tân", f"{named} = phường Thiên Trường"])
    summary = run_local([inbox], s)
    loaded = [f for f in summary.files if f.status == "loaded"]
    rejected = [f for f in summary.files if f.status == "rejected"]
    assert len(loaded) == 1 and len(rejected) == 1, [(f.name, f.status, f.message) for f in summary.files]
    assert _units(settings.db) == {"thien-truong-1": "13684@2025"}
    assert any("folder_units" in n and "phường Thiên Trường" in n for n in loaded[0].notes), loaded[0].notes
    message = rejected[0].message
    assert "--unit" in message and "folder_units" in message and "Đơn vị giải quyết" in message


def test_tthc_run_unit_names_the_unit_of_such_a_file(settings, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(NO_TITLE, encoding="utf-8")
    (out,) = run_local([f], _settings(settings, unit="phường Thiên Trường")).files
    assert out.status == "loaded", out.message
    assert _units(settings.db) == {"TT-1": "13684@2025"}
    assert any("tùy chọn --unit «phường Thiên Trường»" in n for n in out.notes), out.notes


def test_a_misspelt_unit_stops_the_run_with_the_closest_names(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(NO_TITLE, encoding="utf-8")
    done = CliRunner().invoke(
        app, ["run", "--no-prefect", "--unit", "Thien Truongg", "--db", str(tmp_path / "w.duckdb"), str(f)]
    )
    assert done.exit_code == 2, done.output
    assert "có phải phường Thiên Trường (13684@2025)" in " ".join(done.output.split())
    assert not (tmp_path / "w.duckdb").exists()
