"""Exports written by hand in forms the sample generator does not produce: each must load with
the right values and row numbers, personal data gone."""

from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from pipelines.extract import FileRejected, open_export
from pipelines.transform.stage import stage_file

HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Cơ quan giải quyết",
    "Kênh nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
    "Chủ hồ sơ",
    "Số điện thoại",
]
ROWS = [
    [
        "1",
        "HS-001",
        "Đăng ký khai sinh",
        "UBND xã Mỹ Tân",
        "Trực tuyến",
        "05/01/2024 08:30",
        "09/01/2024",
        "08/01/2024 10:00",
        "Đã trả kết quả",
        "Nguyễn Văn Bình",
        "0912345678",
    ],
    [
        "2",
        "HS-002",
        "Chứng thực bản sao",
        "Xã Mỹ Hà",
        "Trực tiếp",
        "06/01/2024 09:00",
        "06/01/2024 17:00",
        "06/01/2024 11:00",
        "Hoàn thành",
        "Lê Thị Hoa",
        "0987654321",
    ],
]


def read_all(path: Path) -> tuple[object, pa.Table]:
    info, batches = open_export(path)
    return info, pa.concat_tables(list(batches))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has base letters like ơ, â but writes tones as combining marks."""
    out = bytearray()
    for ch in text:
        for candidate in (ch, unicodedata.normalize("NFD", ch)):
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:  # "ộ": precomposed "ô" + combining dot below
            base, marks = unicodedata.normalize("NFD", ch)[0], unicodedata.normalize("NFD", ch)[1:]
            for i, m in enumerate(marks):
                try:
                    out += (unicodedata.normalize("NFC", base + m) + marks[:i] + marks[i + 1 :]).encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
    return bytes(out)


def write_csv(path: Path, lines: list[list[str]], sep: str, encoding: str, bom: bytes = b"") -> Path:
    text = "\r\n".join(sep.join(cells) for cells in lines) + "\r\n"
    path.write_bytes(bom + (to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)))
    return path


@pytest.mark.parametrize(
    "sep, encoding, bom",
    [
        (",", "utf-8", b""),
        (";", "utf-8", codecs.BOM_UTF8),
        ("\t", "utf-16-le", codecs.BOM_UTF16_LE),
        (";", "cp1258", b""),
    ],
)
def test_csv_encodings_and_separators(tmp_path, sep, encoding, bom):
    title = [["DANH SÁCH HỒ SƠ"], ["Từ ngày 01/01/2024 đến ngày 31/03/2024"], ["Ngày xuất: 02/04/2024 07:45"], [""]]
    path = write_csv(tmp_path / "x.csv", title + [HEADER] + ROWS + [["Tổng cộng: 2 hồ sơ"]], sep, encoding, bom)
    info, t = read_all(path)
    assert t.num_rows == 2
    assert t["case_id"].to_pylist() == ["HS-001", "HS-002"]
    assert unicodedata.normalize("NFC", t["procedure_name"][0].as_py()) == "Đăng ký khai sinh"
    assert t["_row"].to_pylist() == [6, 7]  # line numbers in the file
    assert info.exported_at == datetime(2024, 4, 2, 7, 45)
    assert set(info.personal_columns) == {"Chủ hồ sơ", "Số điện thoại"}
    assert info.unknown_columns == []  # "STT" is a known, meaningless column
    assert "personal" not in " ".join(t.column_names)
    assert not any("Nguyễn" in str(v) for col in t.columns for v in col.to_pylist())


def test_nfd_headers_without_diacritics_and_upper_case(tmp_path):
    header = [unicodedata.normalize("NFD", h.upper()) for h in HEADER[:5]] + [
        "Ngay tiep nhan",
        "NGÀY HẸN TRẢ",
        "ngay co ket qua",
        "TrangThaiHoSo",
        "Chu ho so",
        "So dien thoai",
    ]
    path = write_csv(tmp_path / "x.csv", [header] + ROWS, ",", "utf-8")
    _, t = read_all(path)
    assert t["received_at"].to_pylist() == ["05/01/2024 08:30", "06/01/2024 09:00"]
    assert t["status"].to_pylist() == ["Đã trả kết quả", "Hoàn thành"]


def _xlsx_two_row_header(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(["DANH SÁCH HỒ SƠ"])
        ws.append(["Ngày xuất: 05/07/2024 08:15"])
        ws.append([])
        ws.append(
            [
                "Mã hồ sơ",
                "Tên thủ tục hành chính",
                "Cơ quan thực hiện",
                "Hình thức nộp",
                "Nhận và trả kết quả",
                None,
                None,
                "Trạng thái",
                "Người nộp",
                "Số CCCD",
            ]
        )
        ws.append([None, None, None, None, "Nhận hồ sơ", "Hẹn trả", "Trả kết quả", None, None, None])
        ws.merge_cells("E4:G4")
        for col in "ABCDHIJ":
            ws.merge_cells(f"{col}4:{col}5")
        for r in rows:
            ws.append(r)
        ws.append([])
        ws.append(["Tổng cộng", None, None, None, None, None, None, None, None, None])
        ws.append(["Người lập biểu"])
    wb.save(path)
    return path


def test_xlsx_title_block_two_row_header_footer_and_sheets(tmp_path):
    rows_a = [
        [
            "HS-1",
            "Đăng ký khai sinh",
            "UBND xã Mỹ Tân",
            "Trực tuyến",
            datetime(2024, 1, 5, 8, 30),
            datetime(2024, 1, 9),
            datetime(2024, 1, 8, 10, 0),
            "Đã trả kết quả",
            "Phạm Văn Cường",
            "036090001234",
        ]
    ]
    rows_b = [
        [
            "HS-2",
            "Chứng thực",
            "UBND xã Mỹ Hà",
            "Trực tiếp",
            "06/01/2024 09:00",
            45297,
            None,
            "Đang xử lý",
            "Võ Thị Dung",
            "036090009999",
        ],
        [
            "HS-3",
            "Chứng thực",
            "UBND xã Mỹ Hà",
            "Trực tiếp",
            "07/01/2024",
            "08/01/2024",
            "08/01/2024",
            "Đã trả",
            "Võ Thị Dung",
            "036090009998",
        ],
    ]
    path = _xlsx_two_row_header(tmp_path / "x.xlsx", {"Hộ tịch": rows_a, "Chứng thực": rows_b})
    info, t = read_all(path)
    assert info.sheets == ["Hộ tịch", "Chứng thực"]
    assert t["case_id"].to_pylist() == ["HS-1", "HS-2", "HS-3"]
    assert t["_sheet"].to_pylist() == ["Hộ tịch", "Chứng thực", "Chứng thực"]
    assert t["_row"].to_pylist() == [6, 6, 7]  # Excel row numbers
    assert t["received_at"][0].as_py() == "2024-01-05 08:30:00"
    assert t["returned_at"][0].as_py() == "2024-01-08 10:00:00"  # "Trả kết quả" under the merged group
    assert t["due_at"][1].as_py() == "45297"
    assert info.rows_skipped == 3 * 2  # blank + "Tổng cộng" + signature, per sheet
    assert info.exported_at == datetime(2024, 7, 5, 8, 15)
    assert set(info.personal_columns) == {"Người nộp", "Số CCCD"}


def test_xlsx_leading_blank_rows_keep_excel_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B4"] = "Mã hồ sơ"
    ws["C4"] = "Tên TTHC"
    ws["D4"] = "Đơn vị xử lý"
    ws["E4"] = "Kênh nộp"
    ws["F4"] = "Ngày nhận"
    ws["G4"] = "Hạn xử lý"
    ws["H4"] = "Ngày hoàn thành"
    ws["I4"] = "Tình trạng"
    for i, r in enumerate([["A1", "X", "UBND xã Mỹ Tân", "2", "05/01/2024", "06/01/2024", "06/01/2024", "10"]]):
        for j, v in enumerate(r):
            ws.cell(row=5 + i, column=2 + j, value=v)
    wb.save(tmp_path / "y.xlsx")
    _, t = read_all(tmp_path / "y.xlsx")
    assert t["_row"].to_pylist() == [5]


def test_html_table_export(tmp_path):
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in ROWS)
    (tmp_path / "old.xls").write_text(
        f"<html><body><p>DANH SÁCH HỒ SƠ</p><table><tr>{cells}</tr>{body}</table></body></html>", encoding="utf-8"
    )
    info, t = read_all(tmp_path / "old.xls")
    assert info.kind == "html"
    assert t["case_id"].to_pylist() == ["HS-001", "HS-002"]


def test_first_listed_alias_wins_when_two_headers_name_one_column(tmp_path):
    header = ["Số biên nhận", "Mã hồ sơ"] + HEADER[2:9]
    rows = [["BN-1", "HS-1"] + ROWS[0][2:9]]
    path = write_csv(tmp_path / "x.csv", [header] + rows, ",", "utf-8")
    info, t = read_all(path)
    assert t["case_id"].to_pylist() == ["HS-1"]
    assert info.shadowed_columns == ["Số biên nhận"]


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "rỗng"),
        (b"%PDF-1.4 blah", "PDF"),
        (b"DANH SACH HO SO\nkhong co tieu de\n1,2,3\n", "tiêu đề"),
        (b"PK\x03\x04garbage-not-a-zip", "hỏng"),
    ],
)
def test_bad_files_are_rejected_with_a_message(tmp_path, content, fragment):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileRejected) as exc:
        info, batches = open_export(path)
        list(batches)
    assert fragment in exc.value.message


def test_missing_required_column_rejects(tmp_path):
    path = write_csv(tmp_path / "x.csv", [HEADER[:5] + HEADER[8:9]] + [r[:5] + r[8:9] for r in ROWS], ",", "utf-8")
    with pytest.raises(FileRejected) as exc:
        open_export(path)
    assert "Ngày tiếp nhận" in exc.value.message


def test_malformed_csv_row_is_quarantined_with_its_line_number(tmp_path, settings):
    lines = (
        [HEADER[1:9]]
        + [r[1:9] for r in ROWS]
        + [["HS-9", "thiếu cột"]]
        + [["HS-010"] + ROWS[0][2:9]] * 1
        + [["HS-011"] + ROWS[0][2:9]] * 3
        + [[""], ["Tổng cộng"]]
    )
    path = write_csv(tmp_path / "x.csv", lines, ",", "utf-8")
    settings.reject_share = 0.9
    res = stage_file(path, settings)
    assert res.status == "staged", res.message
    assert res.rows_read == 7 and res.rows_quarantined == 1
    import pyarrow.parquet as pq

    q = pq.read_table(res.quarantine_path).to_pylist()
    assert q[0]["source_row"] == 4 and q[0]["reasons"] == ["malformed_row"]
    rows = pq.read_table(res.rows_path)
    assert rows["source_row"].to_pylist() == [2, 3, 5, 6, 7, 8]
