"""Header aliases and value vocabularies match whatever the portal wrote: NFC, NFD, no
diacritics, any case, stray spaces and punctuation."""

import csv
import unicodedata

import pytest

from pipelines.resources import SCHEMAS
from pipelines.rules.text import match_key
from pipelines.rules.vocab import column_map, vocabularies


def _variants(text: str) -> list[str]:
    nfd = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in nfd if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return [
        text,
        nfd,
        text.upper(),
        plain,
        plain.lower(),
        "  " + text.replace(" ", "   ") + " ",
        unicodedata.normalize("NFD", text.upper()),
    ]


def _aliases():
    with open(SCHEMAS / "columns.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for alias in row["aliases"].split("|"):
                yield row["canonical"], alias


@pytest.mark.parametrize("canonical, alias", list(_aliases()))
def test_every_alias_matches_in_every_spelling(canonical, alias):
    cmap = column_map()
    for variant in _variants(alias):
        hit = cmap.lookup(variant)
        assert hit is not None and hit[0] == canonical, (alias, variant)


@pytest.mark.parametrize(
    "header", ["Chủ hồ sơ", "SỐ CCCD", "So dien thoai", "Địa chỉ", "Ngày sinh", "Trích yếu", "Email"]
)
def test_personal_columns_are_recognised_not_mapped(header):
    cmap = column_map()
    for variant in _variants(header):
        assert cmap.is_personal(variant)
        assert cmap.lookup(variant) is None


def test_unknown_header_is_not_guessed():
    cmap = column_map()
    assert cmap.lookup("STT") is None
    assert cmap.lookup("Người ký") is None


@pytest.mark.parametrize(
    "domain, raw, expected",
    [
        ("status", "Đã trả kết quả", "returned"),
        ("status", "ĐÃ TRẢ KẾT QUẢ", "returned"),
        ("status", "da tra ket qua", "returned"),
        ("status", "10", "returned"),
        ("status", "Đang  xử lý", "processing"),
        ("status", "Từ chối tiếp nhận", "refused"),
        ("status", "Rút hồ sơ", "withdrawn"),
        ("channel", "Trực tuyến", "online"),
        ("channel", "TRUC TUYEN", "online"),
        ("channel", "2", "online"),
        ("channel", "", "direct"),
        ("channel", "Bưu chính công ích", "postal"),
        ("boolean", "✓", "true"),
        ("boolean", "x", "true"),
        ("boolean", "Có", "true"),
        ("boolean", "KHÔNG", "false"),
    ],
)
def test_vocabulary(domain, raw, expected):
    for variant in _variants(raw) if raw else [raw]:
        assert vocabularies()[domain].get(match_key(variant)) == expected, variant
