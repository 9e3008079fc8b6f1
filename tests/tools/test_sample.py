"""Tests of the sample generator itself (tools/sample/).

The files are read back with plain csv / openpyxl and the seed-report figures are recomputed
here from the definitions in docs/reference/indicators.md, independently of the generator's own model and of
the rest of the pipeline.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest

from tools import sample

PERIOD_START = datetime(2024, 1, 1)
PERIOD_END = datetime(2024, 3, 25, 23, 59, 59)
CASE_ID = re.compile(r"^000\.\d{2}\.20\.H40-\d{6}-\d{4}$")
DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$")

# iGate wording (file 2) → canonical status of docs/reference/export-format.md
IGATE_STATUS = {
    "Mới tiếp nhận": "received",
    "Không được tiếp nhận": "refused",
    "Đang giải quyết": "processing",
    "Yêu cầu bổ sung giấy tờ": "awaiting_supplement",
    "Yêu cầu thực hiện nghĩa vụ tài chính": "awaiting_payment",
    "Công dân yêu cầu rút hồ sơ": "withdrawn",
    "Trả lại": "stopped",
    "Đã có kết quả": "resolved",
    "Đã trả": "returned",
}
A_STATUS = {
    "Đã tiếp nhận": "received",
    "Từ chối tiếp nhận": "refused",
    "Đang xử lý": "processing",
    "Chờ bổ sung": "awaiting_supplement",
    "Chờ thanh toán": "awaiting_payment",
    "Đã rút": "withdrawn",
    "Dừng xử lý": "stopped",
    "Chờ trả kết quả": "resolved",
    "Đã trả kết quả": "returned",
}
TERMINAL = {"refused", "withdrawn", "stopped", "resolved", "returned"}
NOT_RESOLVED = {"refused", "withdrawn", "stopped"}


# ---- reading the files back ----------------------------------------------------------------


def parse_dmy(text: str) -> datetime | None:
    """Day-first dd/mm/yyyy[ HH:MM[:SS]]; raises on impossible dates."""
    if not text:
        return None
    m = DMY.match(text)
    assert m, text
    d, mo, y, hh, mm, ss = m.groups()
    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))


def read_delimited(path: Path, encoding: str, delimiter: str, first_header: str) -> tuple[list[list[str]], int]:
    """All physical lines as fields, and the 0-based index of the header line."""
    text = path.read_bytes().decode(encoding)
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = next(i for i, row in enumerate(lines) if row and row[0] == first_header)
    return lines, header


def data_rows(path: Path, encoding: str, delimiter: str, first_header: str) -> list[dict[str, str]]:
    lines, header = read_delimited(path, encoding, delimiter, first_header)
    names = [unicodedata.normalize("NFC", h) for h in lines[header]]
    return [dict(zip(names, row)) for row in lines[header + 1 :] if len(row) == len(names) and any(row[1:])]


def igate_rows(folder: Path) -> list[dict[str, str]]:
    return data_rows(folder / sample.FILE_IGATE, "utf-8-sig", ";", "Ma ho so")


def dvcqg_rows(folder: Path) -> list[dict[str, str]]:
    return data_rows(folder / sample.FILE_DVCQG, "utf-8", ",", "MaHoSo")


def unicode_rows(folder: Path) -> list[dict[str, str]]:
    return data_rows(folder / sample.FILE_UNICODE, "utf-16", "\t", "STT")


def a_rows(folder: Path) -> list[dict[str, object]]:
    """Data rows of every sheet of snapshot A, keyed by the lower header row where split."""
    wb = openpyxl.load_workbook(folder / sample.FILE_A, read_only=True)
    rows = []
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        top = next(i for i, row in enumerate(values) if row[1] == "Mã hồ sơ")
        names = [low or up for up, low in zip(values[top], values[top + 1])]
        for row in values[top + 2 :]:
            if not isinstance(row[0], int):
                break
            rows.append({"sheet": ws.title, **dict(zip(names, row))})
    return rows


def is_my_tan(agency: str) -> bool:
    return agency.endswith("xã Mỹ Tân") or agency == "Xã Mỹ Tân"


def deadline(due: datetime) -> datetime:
    return due if due.time() != time(0) else datetime.combine(due.date(), time(23, 59, 59))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[sample.Defect]]:
    folder = tmp_path_factory.mktemp("sample")
    _, landed = sample.build_sample(folder)
    return folder, landed


@pytest.fixture(scope="module")
def sample_dir(built: tuple[Path, list[sample.Defect]]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def igate(sample_dir: Path) -> list[dict[str, str]]:
    return igate_rows(sample_dir)


@pytest.fixture(scope="module")
def snapshot_a(sample_dir: Path) -> list[dict[str, object]]:
    return a_rows(sample_dir)


@pytest.fixture(scope="module")
def b_ids(sample_dir: Path, igate: list[dict[str, str]]) -> list[str]:
    return (
        [r["Ma ho so"] for r in igate]
        + [r["MaHoSo"] for r in dvcqg_rows(sample_dir)]
        + [r["Số hồ sơ"] for r in unicode_rows(sample_dir)]
    )


# ---- the set of files ------------------------------------------------------------------------


def test_writes_four_files_of_a_few_megabytes(sample_dir: Path) -> None:
    names = sorted(p.name for p in sample_dir.iterdir())
    assert names == sorted([sample.FILE_A, sample.FILE_IGATE, sample.FILE_DVCQG, sample.FILE_UNICODE])
    total = sum(p.stat().st_size for p in sample_dir.iterdir())
    assert total < 4_500_000


@pytest.mark.slow
def test_same_seed_same_bytes_and_cells(sample_dir: Path, tmp_path: Path) -> None:
    assert sample.main([str(tmp_path)]) == 0  # also exercises the command line
    for name in (sample.FILE_IGATE, sample.FILE_DVCQG, sample.FILE_UNICODE, sample.FILE_A):
        assert (tmp_path / name).read_bytes() == (sample_dir / name).read_bytes(), name
    first, second = (openpyxl.load_workbook(d / sample.FILE_A, read_only=True) for d in (sample_dir, tmp_path))
    assert first.sheetnames == second.sheetnames
    for a, b in zip(first.worksheets, second.worksheets):
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))


def test_export_times_in_title_blocks(sample_dir: Path) -> None:
    wb = openpyxl.load_workbook(sample_dir / sample.FILE_A, read_only=True)
    for ws in wb.worksheets:
        assert ws["A4"].value == "Ngày xuất: 05/07/2024 08:15"
    for name, encoding in (
        (sample.FILE_IGATE, "utf-8-sig"),
        (sample.FILE_DVCQG, "utf-8"),
        (sample.FILE_UNICODE, "utf-16"),
    ):
        head = (sample_dir / name).read_bytes().decode(encoding)[:600]
        assert "Ngày xuất: 06/01/2025 07:30" in head, name


def test_snapshot_a_layout(sample_dir: Path) -> None:
    wb = openpyxl.load_workbook(sample_dir / sample.FILE_A)
    assert wb.sheetnames == [s[:31] for s in sample.SECTORS]
    assert "Thành lập và hoạt động của tổ h" in wb.sheetnames  # cut to Excel's 31 characters
    ws = wb["Hộ tịch"]
    assert "M6:O6" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["M6"].value, ws["M7"].value, ws["N7"].value, ws["O7"].value) == (
        "Nhận và trả kết quả",
        "Nhận hồ sơ",
        "Hẹn trả",
        "Trả kết quả",
    )
    assert ws["A1"].value == "DANH SÁCH HỒ SƠ"
    assert ws["A3"].value == "Từ ngày 01/01/2024 đến ngày 30/06/2024"
    assert isinstance(ws["M8"].value, datetime) and ws["M8"].number_format == "dd/mm/yyyy hh:mm"
    formats = {ws.cell(r, 14).number_format for r in range(8, 400)}
    assert formats == {"dd/mm/yyyy", "dd/mm/yyyy hh:mm"}  # plain and timed appointments
    footer = [r for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("Tổng cộng")]
    n = sum(1 for r in ws.iter_rows(min_row=8, values_only=True) if isinstance(r[0], int))
    assert footer[0][0] == f"Tổng cộng: {n} hồ sơ"


# ---- cases -----------------------------------------------------------------------------------


def test_case_ids_unique_stable_and_dvcqg_like(b_ids: list[str], snapshot_a: list[dict[str, object]]) -> None:
    counts = Counter(b_ids)
    assert [i for i, n in counts.items() if n > 1] == [d.case_id for d in sample.DEFECTS if d.what == sample.DUPLICATE]
    assert all(CASE_ID.match(i) for i in counts)
    a_ids = [r["Mã hồ sơ"] for r in snapshot_a if r["Mã hồ sơ"]]
    assert len(a_ids) == len(set(a_ids))
    assert set(a_ids) <= set(counts)  # A is an older view of cases that B has too


def test_every_commune_has_a_realistic_year(b_ids: list[str], igate: list[dict[str, str]]) -> None:
    per_commune = Counter(i[:13] for i in set(b_ids))
    assert set(per_commune) == {c.agency_code for c in sample.COMMUNES}
    assert all(950 <= n <= 1800 for n in per_commune.values()), per_commune
    received_quarters = Counter(
        (parse_dmy(r["Ngay tiep nhan"].replace("31/02", "28/02")).month - 1) // 3 for r in igate
    )
    assert all(received_quarters[q] > 800 for q in range(4))


def test_value_variety(sample_dir: Path, igate: list[dict[str, str]]) -> None:
    assert {r["Kenh thuc hien"] for r in igate} == {"Nộp trực tuyến", "Tại bộ phận một cửa", "Qua bưu điện"}
    assert {"Đã trả", "Đang giải quyết", "Công dân yêu cầu rút hồ sơ", "Trả lại", "Không được tiếp nhận"} <= {
        r["Trang thai ho so"] for r in igate
    }
    assert set(IGATE_STATUS) >= {r["Trang thai ho so"] for r in igate}
    assert {a.split(" xã ")[0] if " xã " in a else "Xã" for a in (r["Don vi xu ly"] for r in igate)} == {
        "UBND",
        "Ủy ban nhân dân",
        "Bộ phận một cửa",
        "Xã",
    }
    dues = [r["Ngay hen tra"] for r in igate if r["Ngay hen tra"]]
    assert any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", d) and len(d) < 10 for d in dues)
    assert any(len(d) == 16 for d in dues)
    dvcqg = dvcqg_rows(sample_dir)
    assert {r["TrangThaiHoSo"] for r in dvcqg} <= {str(i) for i in range(1, 11)}
    assert {r["KenhThucHien"] for r in dvcqg} == {"1", "2", "3"}
    assert all(re.fullmatch(r"\d{14}", r["NgayTiepNhan"]) for r in dvcqg)
    finished = [r["NgayKetThucXuLy"] for r in dvcqg if r["NgayKetThucXuLy"]]
    assert any(f.endswith("+07:00") for f in finished) and any(f.isdigit() for f in finished)
    assert any(int(r["PhiLePhi"]) > 0 for r in dvcqg) and any(r["PhiLePhi"] == "0" for r in dvcqg)
    raw = (sample_dir / sample.FILE_UNICODE).read_bytes()
    assert raw[:2] == b"\xff\xfe"
    header = raw.decode("utf-16").splitlines()[5]
    assert header == unicodedata.normalize("NFD", header)  # NFD headers


def test_personal_data_is_distinctive(
    sample_dir: Path, igate: list[dict[str, str]], snapshot_a: list[dict[str, object]]
) -> None:
    people: dict[str, tuple[str, str]] = {}
    for r in igate:
        people[r["Ma ho so"]] = (r["So dinh danh"], r["So dien thoai"])
    for r in dvcqg_rows(sample_dir):
        people[r["MaHoSo"]] = (r["SoDinhDanh"], r["SoDienThoai"])
    for r in unicode_rows(sample_dir):
        people[r["Số hồ sơ"]] = (r["Số giấy tờ"], r["Số điện thoại"])
    ids = [p[0] for p in people.values()]
    phones = [p[1] for p in people.values()]
    assert all(re.fullmatch(r"036\d{9}", i) for i in ids)
    assert all(re.fullmatch(r"09[4-9]\d{7}", p) for p in phones)
    assert len(set(ids)) == len(ids) == len(set(phones)) == len(people)
    for r in snapshot_a:
        if r["Mã hồ sơ"]:
            assert (r["Số CCCD"], r["Số điện thoại"]) == people[r["Mã hồ sơ"]]
            assert r["Chủ hồ sơ"] and r["Địa chỉ"].endswith("tỉnh Nam Định")


# ---- the seed report, recomputed from the newest snapshot -------------------------------------


@pytest.fixture(scope="module")
def my_tan_newest(igate: list[dict[str, str]]) -> list[dict[str, str]]:
    """Mỹ Tân is only in A (05/07/2024) and file 2 (06/01/2025); file 2 is newer and complete."""
    return [r for r in igate if is_my_tan(r["Don vi xu ly"])]


def test_my_tan_reproduces_the_seed_report(my_tan_newest: list[dict[str, str]]) -> None:
    rows = my_tan_newest
    assert rows and all(r["Ma ho so"].startswith("000.23.20.H40-") for r in rows)
    resolved = []
    for r in rows:
        status = IGATE_STATUS[r["Trang thai ho so"]]
        finished = parse_dmy(r["Ngay ket thuc xu ly"])
        if finished and PERIOD_START <= finished <= PERIOD_END and status not in NOT_RESOLVED:
            resolved.append((r, finished, parse_dmy(r["Ngay hen tra"])))
    early = [x for x in resolved if x[1].date() < x[2].date()]
    late = [x for x in resolved if x[1] > deadline(x[2])]
    on_time = [x for x in resolved if x not in early and x[1] <= deadline(x[2])]
    assert len(resolved) == 353
    assert sum(r["Kenh thuc hien"] == "Nộp trực tuyến" for r, _, _ in resolved) == 353
    assert (len(early), len(on_time), len(late)) == (345, 8, 0)
    assert round(100 * len(early) / len(resolved), 2) == 97.73
    assert round(100 * len(on_time) / len(resolved), 2) == 2.27
    assert sum(r["So hoa ho so"] == "1" for r, _, _ in resolved) == 353
    with_fee = [r for r, _, _ in resolved if int(r["Le phi"]) > 0]
    assert with_fee and all(r["TT truc tuyen"] == "Có" for r in with_fee)


def test_my_tan_paid_online_rate_is_100_percent(my_tan_newest: list[dict[str, str]]) -> None:
    """766 / 3.6: paid online over cases *received* in the period with a fee (not refused)."""
    received = [
        r
        for r in my_tan_newest
        if PERIOD_START <= parse_dmy(r["Ngay tiep nhan"]) <= PERIOD_END
        and IGATE_STATUS[r["Trang thai ho so"]] != "refused"
    ]
    with_fee = [r for r in received if int(r["Le phi"]) > 0]
    assert len(with_fee) > 50
    assert all(r["TT truc tuyen"] == "Có" for r in with_fee)


def test_my_tan_period_cases_agree_between_snapshots(
    my_tan_newest: list[dict[str, str]], snapshot_a: list[dict[str, object]]
) -> None:
    """Every Mỹ Tân case received in the period is in A and B; they differ only in progress."""
    newest = {r["Ma ho so"]: r for r in my_tan_newest if parse_dmy(r["Ngay tiep nhan"]) <= PERIOD_END}
    older = {
        r["Mã hồ sơ"]: r
        for r in snapshot_a
        if r["Mã hồ sơ"] and is_my_tan(r["Cơ quan giải quyết"]) and r["Nhận hồ sơ"] <= PERIOD_END
    }
    assert newest.keys() == older.keys() and len(newest) > 353
    for case_id, b in newest.items():
        a = older[case_id]
        assert a["Mã TTHC"] == b["Ma TTHC"] and a["Lĩnh vực"] == b["Linh vuc"]
        assert a["Nhận hồ sơ"] == parse_dmy(b["Ngay tiep nhan"])
        assert a["Hẹn trả"] == parse_dmy(b["Ngay hen tra"]) if b["Ngay hen tra"] else True
        assert a["Phí, lệ phí"] == int(b["Le phi"])
        b_finished = parse_dmy(b["Ngay ket thuc xu ly"])
        if b_finished and b_finished <= sample.EXPORT_A:
            assert A_STATUS[a["Trạng thái"]] in TERMINAL
            assert parse_dmy(a["Ngày có kết quả"]) == b_finished.replace(second=0)
        else:
            assert a["Ngày có kết quả"] is None and A_STATUS[a["Trạng thái"]] not in TERMINAL


# ---- deliberate defects ----------------------------------------------------------------------


def test_defects_land_where_documented(built: tuple[Path, list[sample.Defect]]) -> None:
    assert tuple(built[1]) == sample.DEFECTS
    for defect in sample.DEFECTS:
        assert not defect.case_id.startswith("000.23.20.H40-")  # never in Mỹ Tân
        assert f"line {defect.row}" in sample.__doc__ or f"row {defect.row}" in sample.__doc__


def test_defects_are_in_the_files(sample_dir: Path, igate: list[dict[str, str]]) -> None:
    by_kind = {d.what: d for d in sample.DEFECTS}

    d = by_kind[sample.BLANK_ID]
    ws = openpyxl.load_workbook(sample_dir / d.file)[d.sheet]
    row = [c.value for c in ws[d.row]]
    assert row[1] is None and isinstance(row[0], int) and row[3]
    twin = next(r for r in igate if r["Ma ho so"] == d.case_id)
    assert parse_dmy(twin["Ngay tiep nhan"]) == row[12]

    d = by_kind[sample.BAD_DATE]
    lines, _ = read_delimited(sample_dir / d.file, "utf-8-sig", ";", "Ma ho so")
    fields = lines[d.row - 1]
    assert fields[0] == d.case_id and fields[10].startswith("31/02/2024 ")
    with pytest.raises(ValueError):
        parse_dmy(fields[10])

    d = by_kind[sample.DUPLICATE]
    raw = (sample_dir / d.file).read_bytes().decode("utf-8").split("\r\n")
    assert raw[d.row - 1] == raw[d.row] and raw[d.row - 1].startswith(d.case_id + ",")

    d = by_kind[sample.UNKNOWN_STATUS]
    lines, _ = read_delimited(sample_dir / d.file, "utf-16", "\t", "STT")
    fields = lines[d.row - 1]
    assert fields[1] == d.case_id and fields[16] == sample.UNKNOWN_STATUS_LABEL
    assert fields[16] not in sample.STATUS_UNICODE.values()


# ---- benchmark writers -----------------------------------------------------------------------


def test_big_csv_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    first = sample.write_big_csv(tmp_path / "a.csv", 60_000, seed=7)  # crosses a chunk border
    second = sample.write_big_csv(tmp_path / "b.csv", 60_000, seed=7)
    assert first.read_bytes() == second.read_bytes()
    lines, header = read_delimited(first, "utf-8-sig", ";", "Ma ho so")
    assert lines[header] == list(sample.IGATE_HEADERS)
    assert "Ngày xuất: 06/01/2025 07:30" in lines[header - 2][0]
    rows = [r for r in lines[header + 1 :] if len(r) == len(sample.IGATE_HEADERS)]
    assert len(rows) == 60_000
    assert lines[-3:] == [["Tổng cộng: 60000 hồ sơ"], [], ["Người lập biểu"]]
    ids = [r[0] for r in rows]
    assert len(set(ids)) == len(ids) and all(CASE_ID.match(i) for i in ids)
    assert len({r[8] for r in rows}) == len(rows) == len({r[9] for r in rows})
    for r in rows[:5000]:
        received, due, finished = (parse_dmy(r[i]) for i in (10, 11, 12))
        assert received.year == 2024 and r[14] in IGATE_STATUS
        assert finished is None or finished >= received
        assert due is None or due >= received.replace(hour=0, minute=0, second=0)


def test_big_xlsx_has_the_snapshot_a_layout(tmp_path: Path) -> None:
    path = sample.write_big_xlsx(tmp_path / "big.xlsx", 1500, seed=5)
    ws = openpyxl.load_workbook(path).active
    assert "M6:O6" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A4"].value == "Ngày xuất: 06/01/2025 07:30"
    assert ws["M6"].value == "Nhận và trả kết quả" and ws["N7"].value == "Hẹn trả"
    data = [r for r in ws.iter_rows(min_row=8, values_only=True) if isinstance(r[0], int)]
    assert len(data) == 1500
    assert all(isinstance(r[12], datetime) for r in data)
    assert ws.cell(8, 13).number_format == "dd/mm/yyyy hh:mm"
    assert ws.cell(8 + len(data), 1).value == "Tổng cộng: 1500 hồ sơ"
