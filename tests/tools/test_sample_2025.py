"""Tests of the 2025–2026 extension of the sample (tools/sample/era2025.py and its writers).

The three new files are read back with plain csv / openpyxl: ids, the cases carried over the
reform of 01/07/2025, agency wordings old and new, volumes, fake people, and that the shipped
files are exactly what the generator writes (the four 2024 files included).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.paths import SAMPLE
from tests.tools.test_sample import A_STATUS, IGATE_STATUS, TERMINAL, data_rows, parse_dmy
from tools import sample

FILE_H1 = "2025-07-01_huyen-my-loc_ds-ho-so-6-thang-2025.csv"
FILE_Q3 = "2025-10-06_ninh-binh_ds-ho-so-quy-3-2025.xlsx"
FILE_2026 = "2026-12-01_ninh-binh_ds-ho-so-2025-2026.csv"
FILES_2024 = (sample.FILE_A, sample.FILE_IGATE, sample.FILE_DVCQG, sample.FILE_UNICODE)
ALL_FILES = (*FILES_2024, FILE_H1, FILE_Q3, FILE_2026)

OLD = {  # id prefix → old commune
    "000.11.20.H40": "Mỹ Hà",
    "000.17.20.H40": "Mỹ Thắng",
    "000.20.20.H40": "Mỹ Trung",
    "000.23.20.H40": "Mỹ Tân",
    "000.26.20.H40": "Mỹ Phúc",
    "000.32.20.H40": "Mỹ Thuận",
    "000.35.20.H40": "Mỹ Lộc",
}
NEW = {
    "000.84.00.H42": "Thiên Trường",
    "000.93.00.H42": "Đông A",
    "000.69.00.H42": "Nam Định",
    "000.08.00.H42": "Mỹ Lộc",
}
SUCCESSOR = {
    "Mỹ Tân": "Thiên Trường",
    "Mỹ Trung": "Thiên Trường",
    "Mỹ Hà": "Đông A",
    "Mỹ Thắng": "Đông A",
    "Mỹ Phúc": "Nam Định",
    "Mỹ Thuận": "Mỹ Lộc",
    "Mỹ Lộc": "Mỹ Lộc",
}
OLD_FORMS = ("UBND xã ", "Ủy ban nhân dân xã ", "Bộ phận một cửa xã ", "Xã ")
NEW_FORMS = ("UBND phường ", "Ủy ban nhân dân phường ", "Trung tâm Phục vụ hành chính công phường ", "Phường ")
ID = re.compile(r"^(000\.\d{2}\.(?:20\.H40|00\.H42))-(\d{6})-(\d{4})$")
DVCQG_TERMINAL = {"3", "7", "8", "9", "10"}


def split_agency(agency: str, forms: tuple[str, ...]) -> tuple[str, str]:
    """(form, unit name) of an agency wording; fails on any other wording."""
    form = next(f for f in forms if agency.startswith(f))
    return form, agency[len(form) :]


def parse_compact(text: str) -> datetime | None:
    """DVCQG sync dates: yyyyMMddHHmmss or ISO 8601 with +07:00."""
    if not text:
        return None
    if text.endswith("+07:00"):
        return datetime.fromisoformat(text[:-6])
    assert re.fullmatch(r"\d{14}", text), text
    return datetime.strptime(text, "%Y%m%d%H%M%S")


def id_date(case_id: str) -> date:
    return datetime.strptime(ID.match(case_id).group(2), "%y%m%d").date()


def workbook_rows(path: Path) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = []
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        top = next(i for i, row in enumerate(values) if row[1] == "Mã hồ sơ")
        names = [low or up for up, low in zip(values[top], values[top + 1], strict=True)]
        for row in values[top + 2 :]:
            if not isinstance(row[0], int):
                break
            rows.append({"sheet": ws.title, **dict(zip(names, row, strict=True))})
    return rows


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample2025")
    sample.generate_sample(out)
    return out


@pytest.fixture(scope="module")
def h1(folder: Path) -> list[dict[str, str]]:
    return data_rows(folder / FILE_H1, "utf-8-sig", ";", "Ma ho so")


@pytest.fixture(scope="module")
def q3(folder: Path) -> list[dict[str, object]]:
    return workbook_rows(folder / FILE_Q3)


@pytest.fixture(scope="module")
def y26(folder: Path) -> list[dict[str, str]]:
    return data_rows(folder / FILE_2026, "utf-8", ",", "MaHoSo")


@pytest.fixture(scope="module")
def ids_2024(folder: Path) -> set[str]:
    return (
        {r["Ma ho so"] for r in data_rows(folder / sample.FILE_IGATE, "utf-8-sig", ";", "Ma ho so")}
        | {r["MaHoSo"] for r in data_rows(folder / sample.FILE_DVCQG, "utf-8", ",", "MaHoSo")}
        | {r["Số hồ sơ"] for r in data_rows(folder / sample.FILE_UNICODE, "utf-16", "\t", "STT")}
    )


# ---- the files -------------------------------------------------------------------------------


def test_seven_files_and_the_shipped_sample_is_what_the_generator_writes(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(ALL_FILES)
    for name in ALL_FILES:  # the four 2024 files unchanged, the three new ones committed as written
        assert (folder / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    new_size = sum((folder / n).stat().st_size for n in (FILE_H1, FILE_Q3, FILE_2026))
    assert 4_000_000 < new_size < 6_500_000


@pytest.mark.slow
def test_2025_files_same_seed_same_bytes(folder: Path, tmp_path: Path) -> None:
    paths = sample.build_sample_2025(tmp_path)
    assert [p.name for p in paths] == [FILE_H1, FILE_Q3, FILE_2026]
    for path in paths:
        assert path.read_bytes() == (folder / path.name).read_bytes(), path.name


def test_title_blocks_and_footers(folder: Path, h1: list[dict[str, str]], q3: list[dict[str, object]]) -> None:
    text = (folder / FILE_H1).read_bytes().decode("utf-8-sig").split("\r\n")
    assert text[:4] == [
        "DANH SÁCH HỒ SƠ",
        "UBND HUYỆN MỸ LỘC",
        "Từ ngày 01/01/2025 đến ngày 30/06/2025",
        "Ngày xuất: 01/07/2025 07:30",
    ]
    assert text[-4:-1] == [f"Tổng cộng: {len(h1)} hồ sơ", "", "Người lập biểu"]
    wb = openpyxl.load_workbook(folder / FILE_Q3)
    assert wb.sheetnames == [s[:31] for s in sample.SECTORS]
    for ws in wb.worksheets:
        assert [ws.cell(r, 1).value for r in range(1, 6)] == [
            "UBND TỈNH NINH BÌNH",
            "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH NINH BÌNH",
            "DANH SÁCH HỒ SƠ",
            "Từ ngày 01/07/2025 đến ngày 30/09/2025 (kèm hồ sơ chuyển tiếp từ trước ngày 01/07/2025)",
            "Ngày xuất: 06/10/2025 08:00",
        ]
        assert "M7:O7" in {str(r) for r in ws.merged_cells.ranges}
        assert (ws["M7"].value, ws["M8"].value, ws["N8"].value, ws["O8"].value) == (
            "Nhận và trả kết quả",
            "Nhận hồ sơ",
            "Hẹn trả",
            "Trả kết quả",
        )
        n = sum(1 for r in ws.iter_rows(min_row=9, values_only=True) if isinstance(r[0], int))
        assert [r[0] for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("Tổng cộng")] == [
            f"Tổng cộng: {n} hồ sơ"
        ]
        assert isinstance(ws["M9"].value, datetime) and ws["M9"].number_format == "dd/mm/yyyy hh:mm"
    head = (folder / FILE_2026).read_bytes()
    assert not head.startswith(b"\xef\xbb\xbf")
    assert head.decode("utf-8").split("\r\n")[1] == "Ngày xuất: 01/12/2026 07:00"


# ---- ids -------------------------------------------------------------------------------------


def test_ids_unique_dvcqg_like_and_never_2024(
    h1: list[dict[str, str]], q3: list[dict[str, object]], y26: list[dict[str, str]], ids_2024: set[str]
) -> None:
    for ids in ([r["Ma ho so"] for r in h1], [r["Mã hồ sơ"] for r in q3], [r["MaHoSo"] for r in y26]):
        assert len(ids) == len(set(ids)) and all(ID.match(i) for i in ids)
        assert not set(ids) & ids_2024
    for r in h1:
        assert r["Ma ho so"][:13] in OLD and id_date(r["Ma ho so"]) == parse_dmy(r["Ngay tiep nhan"]).date()
        assert date(2025, 1, 1) <= id_date(r["Ma ho so"]) <= date(2025, 6, 30)
    for r in y26:
        received = parse_compact(r["NgayTiepNhan"])
        assert id_date(r["MaHoSo"]) == received.date()
        if r["MaHoSo"][:13] in NEW:  # a new unit's own case: its prefix, received after the reform
            assert (
                received >= datetime(2025, 7, 1) and split_agency(r["DonViXuLy"], NEW_FORMS)[1] == NEW[r["MaHoSo"][:13]]
            )
        else:
            assert r["MaHoSo"][:13] in OLD and received < datetime(2025, 7, 1)


def test_q3_is_an_older_view_of_the_2026_file(q3: list[dict[str, object]], y26: list[dict[str, str]]) -> None:
    newest = {r["MaHoSo"]: r for r in y26}
    for r in q3:
        later = newest[r["Mã hồ sơ"]]  # the same case, with the same facts
        assert r["Nhận hồ sơ"] == parse_compact(later["NgayTiepNhan"])
        assert r["Mã TTHC"] == later["MaTTHC"] and r["Phí, lệ phí"] == int(later["PhiLePhi"])
        assert r["Số CCCD"] == later["SoDinhDanh"] and r["Số điện thoại"] == later["SoDienThoai"]
        assert split_agency(r["Cơ quan giải quyết"], NEW_FORMS)[1] == split_agency(later["DonViXuLy"], NEW_FORMS)[1]
        if A_STATUS[r["Trạng thái"]] in TERMINAL and r["Ngày có kết quả"]:
            assert later["TrangThaiHoSo"] in DVCQG_TERMINAL
    received = [r["Nhận hồ sơ"] for r in q3 if r["Mã hồ sơ"][:13] in NEW]
    assert min(received) >= datetime(2025, 7, 1) and max(received) < datetime(2025, 10, 1)


# ---- the reform: cases carried over ----------------------------------------------------------


def test_every_open_case_of_30_06_2025_continues_under_its_successor(
    h1: list[dict[str, str]], q3: list[dict[str, object]], y26: list[dict[str, str]]
) -> None:
    open_h1 = {r["Ma ho so"]: r for r in h1 if IGATE_STATUS[r["Trang thai ho so"]] not in TERMINAL}
    closed_h1 = {r["Ma ho so"] for r in h1} - open_h1.keys()
    assert 80 <= len(open_h1) <= 300
    june = sum(parse_dmy(r["Ngay tiep nhan"]) >= datetime(2025, 6, 16) for r in open_h1.values())
    assert june >= 0.7 * len(open_h1)  # mostly received in the last two weeks before the merger
    assert all(not r["Ngay ket thuc xu ly"] for r in open_h1.values())
    for later, key, agency_col, received_of in (
        (q3, "Mã hồ sơ", "Cơ quan giải quyết", lambda r: r["Nhận hồ sơ"]),
        (y26, "MaHoSo", "DonViXuLy", lambda r: parse_compact(r["NgayTiepNhan"])),
    ):
        carried = {r[key]: r for r in later if r[key][:13] in OLD}
        assert carried.keys() == open_h1.keys() and not carried.keys() & closed_h1
        for case_id, r in carried.items():
            old = open_h1[case_id]
            assert received_of(r) == parse_dmy(old["Ngay tiep nhan"])  # same received date (and time)
            old_unit = split_agency(old["Don vi xu ly"], OLD_FORMS)[1]
            assert split_agency(r[agency_col], NEW_FORMS)[1] == SUCCESSOR[old_unit]
    final = {r["MaHoSo"]: r for r in y26 if r["MaHoSo"] in open_h1}
    finished = [parse_compact(r["NgayKetThucXuLy"]) for r in final.values() if r["NgayKetThucXuLy"]]
    assert len(finished) > 0.8 * len(final) and min(finished) >= datetime(2025, 7, 1)
    assert any(r["TrangThaiHoSo"] not in DVCQG_TERMINAL for r in final.values())  # a few still open


# ---- agency wordings, volumes, people ---------------------------------------------------------


def test_agency_forms_old_before_and_new_after(
    h1: list[dict[str, str]], q3: list[dict[str, object]], y26: list[dict[str, str]]
) -> None:
    seen = Counter(split_agency(r["Don vi xu ly"], OLD_FORMS) for r in h1)
    assert {unit for _, unit in seen} == set(OLD.values())
    assert {form for form, _ in seen} == set(OLD_FORMS)
    for r in h1:
        assert split_agency(r["Don vi xu ly"], OLD_FORMS)[1] == OLD[r["Ma ho so"][:13]]
    for agencies in ([r["Cơ quan giải quyết"] for r in q3], [r["DonViXuLy"] for r in y26]):
        pairs = {split_agency(a, NEW_FORMS) for a in agencies}
        assert pairs == {(f, u) for f in NEW_FORMS for u in NEW.values()}  # every form for every unit
        assert not any(" xã " in a or a.startswith("Xã ") for a in agencies)


def test_volumes_follow_2024(ids_2024: set[str], h1: list[dict[str, str]], y26: list[dict[str, str]]) -> None:
    per_2024 = Counter(OLD[i[:13]] for i in ids_2024)
    per_h1 = Counter(OLD[r["Ma ho so"][:13]] for r in h1)
    for name, n in per_2024.items():
        assert 0.38 * n <= per_h1[name] <= 0.6 * n, name
    per_unit = Counter(NEW[r["MaHoSo"][:13]] for r in y26 if r["MaHoSo"][:13] in NEW)
    for unit, n in per_unit.items():
        predecessors = sum(per_2024[old] for old, new in SUCCESSOR.items() if new == unit)
        assert 0.85 <= n * 12 / 17 / predecessors <= 1.15, unit  # 17 months ≈ the predecessors' 2024 rate


def test_fake_people_unique_across_all_seven_files(
    folder: Path, h1: list[dict[str, str]], q3: list[dict[str, object]], y26: list[dict[str, str]]
) -> None:
    people: dict[str, tuple[str, str]] = {}

    def add(case_id: str, cccd: str, phone: str) -> None:
        assert people.setdefault(case_id, (cccd, phone)) == (cccd, phone), case_id

    for r in data_rows(folder / sample.FILE_IGATE, "utf-8-sig", ";", "Ma ho so"):
        add(r["Ma ho so"], r["So dinh danh"], r["So dien thoai"])
    for r in data_rows(folder / sample.FILE_DVCQG, "utf-8", ",", "MaHoSo"):
        add(r["MaHoSo"], r["SoDinhDanh"], r["SoDienThoai"])
    for r in data_rows(folder / sample.FILE_UNICODE, "utf-16", "\t", "STT"):
        add(r["Số hồ sơ"], r["Số giấy tờ"], r["Số điện thoại"])
    for r in h1:
        add(r["Ma ho so"], r["So dinh danh"], r["So dien thoai"])
    for r in q3:
        add(r["Mã hồ sơ"], r["Số CCCD"], r["Số điện thoại"])
        if r["Mã hồ sơ"][:13] in NEW:
            assert r["Địa chỉ"].endswith(f"phường {NEW[r['Mã hồ sơ'][:13]]}, tỉnh Ninh Bình")
    for r in y26:
        add(r["MaHoSo"], r["SoDinhDanh"], r["SoDienThoai"])
        assert r["Email"].endswith("@gmail.com") and r["ChuHoSo"]
    cccds = [p[0] for p in people.values()]
    phones = [p[1] for p in people.values()]
    assert all(re.fullmatch(r"036\d{9}", c) for c in cccds)
    assert all(re.fullmatch(r"09[4-9]\d{7}", p) for p in phones)
    assert len(set(cccds)) == len(set(phones)) == len(people)


def test_new_files_are_clean(h1: list[dict[str, str]], q3: list[dict[str, object]], y26: list[dict[str, str]]) -> None:
    """No deliberate defects after 2024: every row parses and is consistent."""
    for r in h1:
        received, due, finished = (parse_dmy(r[c]) for c in ("Ngay tiep nhan", "Ngay hen tra", "Ngay ket thuc xu ly"))
        assert r["Trang thai ho so"] in IGATE_STATUS and r["Ten TTHC"] and r["Linh vuc"]
        assert due is not None or IGATE_STATUS[r["Trang thai ho so"]] == "refused"
        assert finished is None or received <= finished <= datetime(2025, 6, 30, 23, 59, 59)
    for r in q3:
        assert r["Mã hồ sơ"] and r["Trạng thái"] in A_STATUS and isinstance(r["Nhận hồ sơ"], datetime)
        assert r["Hẹn trả"] is None or isinstance(r["Hẹn trả"], datetime)
        assert r["Nhận hồ sơ"] <= datetime(2025, 10, 6, 8, 0)
    for r in y26:
        assert r["TrangThaiHoSo"] in {str(i) for i in range(2, 11)} and r["KenhThucHien"] in {"1", "2", "3"}
        received, finished = parse_compact(r["NgayTiepNhan"]), parse_compact(r["NgayKetThucXuLy"])
        assert received <= datetime(2026, 11, 30, 23, 59, 59)
        assert finished is None or received <= finished <= datetime(2026, 12, 1, 7, 0)
        assert parse_compact(r["NgayHenTra"]) or r["TrangThaiHoSo"] == "3"
        assert int(r["PhiLePhi"]) >= 0 and r["HoSoCoThanhPhanSoHoa"] in {"0", "1"}
