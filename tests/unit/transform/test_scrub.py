"""The scrubber (schemas/personal_patterns.csv through transform/scrub.py): what it must find and,
as much, what it must never touch (case numbers of real systems, procedure codes, dates, amounts,
units and streets named after people)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.transform.scrub import HASHED, Scrubber, display_name

MASK = "[đã ẩn]"


@pytest.fixture(scope="module")
def scrub() -> Scrubber:
    return Scrubber(b"k" * 32)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gọi 0912 345 678 hoặc 0912345678", f"Gọi {MASK} hoặc {MASK}"),
        ("ĐT 0912.345.678, 024-3822-1234", f"ĐT {MASK}, {MASK}"),
        ("+84 912 345 678", MASK),
        ("(024) 3822 1234", MASK),
        ("CCCD 036185184485 / CMND 123.456.789", f"CCCD {MASK} / CMND {MASK}"),
        ("036 185 184 485", MASK),
        ("email an.nguyen@gmail.com.vn", f"email {MASK}"),
        ("Khai sinh - Nguyễn Văn An", f"Khai sinh - {MASK}"),
        ("Trần Thị Bích Ngọc nộp thay", f"{MASK} nộp thay"),
        ("Nguyen Van An.xlsx", f"{MASK}.xlsx"),
        ("Nguye\u0302\u0303n Va\u0306n An", MASK),  # NFD (a name from macOS) is the same name
    ],
)
def test_personal_data_is_masked(scrub, text, expected):
    assert scrub.one(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "000.32.20.H40-240102-0001",  # DVCQG case number
        "CNTND.251006.00001",  # OpenCPS dossierNo
        "H40.99-240102-000001",
        "1.001193.000.00.00.H40",  # procedure code
        "2.000635",
        "20240102080901",  # yyyyMMddHHmmss
        "2024-01-03T15:51:26+07:00",
        "02/01/2024 08:04:59",
        "1.500.000",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "HỘ TỊCH",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "UBND phường Trần Hưng Đạo",
        "đường Lê Hồng Phong",
        "TP Hồ Chí Minh",
        "Lê Lợi",  # one syllable after the family name: a street, a school, rarely a person's full name
        "UBND xã Mỹ Tân",
        "Trung tâm Phục vụ hành chính công phường Mỹ Lộc",
    ],
)
def test_what_is_not_personal_data_is_kept(scrub, text):
    assert scrub.one(text) == text
    assert scrub.one_id(text) == text


def test_an_identifier_holding_personal_data_is_hashed_whole_and_consistently(scrub):
    ids = pa.array(["000.32.20.H40-240102-0001", "0912345678", None, "HS-0912 345 678", "0912345678"])
    got = scrub.ids(ids).to_pylist()
    assert got[0] == "000.32.20.H40-240102-0001" and got[2] is None
    assert got[1].startswith(HASHED) and len(got[1]) == len(HASHED) + 20 and got[1] == got[4]
    assert got[3].startswith(HASHED) and got[3] != got[1]
    assert Scrubber(b"x" * 32).one_id("0912345678") != got[1]  # another deployment's key, another hash


def test_a_dictionary_column_is_scrubbed_on_its_distinct_values(scrub):
    column = pa.array(["Hộ tịch", "Hộ tịch - Nguyễn Văn An", "Hộ tịch"]).dictionary_encode()
    got = scrub.text(column)
    assert isinstance(got, pa.DictionaryArray) and len(got.dictionary) == 2
    assert got.to_pylist() == ["Hộ tịch", f"Hộ tịch - {MASK}", "Hộ tịch"]


def test_display_name_is_one_line_of_text():
    assert display_name("/in/a\nb\tc.csv") == "a\\nb\\tc.csv"
    assert display_name(b"/in/Danh s\xe1ch.csv".decode("utf-8", "surrogateescape")) == "Danh s\ufffdch.csv"
    assert display_name("/in/x\x1b[31m.csv") == "x\\x1b[31m.csv"
