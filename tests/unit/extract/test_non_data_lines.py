"""Which lines of an export are not cases (footers, signatures, headings, numbering rows) and which
values do not fit their columns, on the wordings real exports use."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.extract import FileRejected
from pipelines.extract.alignment import check_alignment, looks_like_date, misfits
from pipelines.extract.header import detect_header
from pipelines.extract.shape import is_footer_text, is_signature, sector_heading, shape, sheet_sector
from pipelines.rules.vocab import column_map


@pytest.mark.parametrize(
    "text",
    [
        "Tổng cộng",
        "Cộng:",
        "Trang 1/3",
        "Người lập biểu",
        "Người lập sổ",
        "Thủ trưởng đơn vị",
        "Chủ tịch UBND xã",
        "KT. CHỦ TỊCH",
        "TM. UBND XÃ",
        "(Ký, ghi rõ họ tên)",
        "Mỹ Tân, ngày 31 tháng 3 năm 2024",
        "Lĩnh vực: Hộ tịch",
        "I. Lĩnh vực hộ tịch",
        "Tháng 10/2023",
        "Quý I",
    ],
)
def test_footer_and_heading_wordings(text):
    assert is_footer_text(text)


@pytest.mark.parametrize("text", ["Công nhận hộ nghèo", "Trang thiết bị y tế", "Đăng ký khai sinh", "Đã trả kết quả"])
def test_case_wordings_are_not_footers(text):
    assert not is_footer_text(text)


def test_signatures_and_sector_lines():
    assert is_signature("Người lập biểu") and is_signature("Đông A, ngày 30 tháng 9 năm 2026")
    assert not is_signature("Tổng cộng")  # a totals line does not end the list
    assert sector_heading("Lĩnh vực: Hộ tịch") == "Hộ tịch"
    assert sector_heading("II. LĨNH VỰC - ĐẤT ĐAI") == "ĐẤT ĐAI"
    assert sector_heading("Lĩnh vực hộ tịch") is None  # no separator: a heading, but no sector named
    assert sheet_sector("Chứng thực") == "Chứng thực"
    assert [sheet_sector(n) for n in ("Sheet1", "Tháng 1", "Danh sách hồ sơ", "2024", "DS")] == [None] * 5


HEADER = ["STT", "Mã hồ sơ", "Tên thủ tục", "Đơn vị giải quyết", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái"]


def _shape(rows: list[list[str | None]]):
    grid = [HEADER, *rows]
    layout = detect_header(grid, column_map())
    assert layout is not None
    cols = {j: pa.array([r[j] if j < len(r) else None for r in rows], pa.string()) for j in layout.mapping}
    return shape(cols, layout, "Tháng 1", pa.array(range(2, 2 + len(rows)), pa.int64())), layout


def test_footers_in_any_column_headings_give_the_sector_and_the_signer_is_not_a_case():
    case = ["1", "A-1", "Khai sinh", "UBND xã Mỹ Tân", "05/01/2024 08:00", "08/01/2024", "Đang xử lý"]
    shaped, _ = _shape(
        [
            [None, "Lĩnh vực: Hộ tịch"],
            case,
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
            ["Tổng cộng", None, None, None, None, None, "1"],
            [None, None, "Người lập biểu", None, None, None, "Chủ tịch UBND xã"],
            [None, None, "Trần Thị Biểu", None, None, None, "Lê Văn Chủ"],
            [None, None, None, None, "Mỹ Tân, ngày 31 tháng 1 năm 2024"],
        ]
    )
    assert shaped.table.num_rows == 1 and shaped.skipped == 6 and shaped.headings == 1
    assert shaped.table["sector"].to_pylist() == ["Hộ tịch"]


def test_a_row_without_a_date_that_names_a_case_stays_for_the_row_rules():
    shaped, _ = _shape([["1", "A-2", "Khai sinh", "UBND xã Mỹ Tân", "không rõ", "08/01/2024", "Đang xử lý"]])
    assert shaped.table.num_rows == 1  # quarantined later (received_at_unparseable), never dropped


def test_values_that_do_not_fit_their_columns_are_named_without_the_values():
    rows = [[str(i), "Đã trả kết quả", "Khai sinh", "UBND xã Mỹ Tân", f"Nguyễn Văn {i}", "", ""] for i in range(8)]
    shaped, layout = _shape(rows)
    found, strong = misfits(shaped.table, layout)
    assert strong and any("Mã hồ sơ" in f for f in found) and any("Ngày tiếp nhận" in f for f in found)
    with pytest.raises(FileRejected, match="lệch cột") as exc:
        check_alignment(shaped.table, layout)
    assert "Nguyễn Văn" not in exc.value.message  # a shifted column may hold names: never echoed


def test_dvcqg_case_ids_are_not_dates():
    assert not looks_like_date("000.00.13693.H40-260801-0003")
    assert looks_like_date("03/08/2026 08:30") and looks_like_date("Từ 13:30 đến 16:00 ngày 12/03/2024")
    assert looks_like_date("45296.5") and looks_like_date("2024-01-05T08:30:00")
