"""Case ids and fake people (the personal-data columns the pipeline must drop)."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date

from .model import Case, Commune, Person


def assign_ids(cases: Sequence[Case]) -> None:
    """DVCQG-like ids: commune code, yymmdd of reception, 4-digit sequence of the day."""
    counters: dict[tuple[str, date], int] = {}
    for case in sorted(cases, key=lambda c: (c.commune.gso, c.received_at)):
        key = (case.commune.gso, case.received_at.date())
        counters[key] = counters.get(key, 0) + 1
        case.case_id = f"{case.commune.agency_code}-{case.received_at:%y%m%d}-{counters[key]:04d}"


FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đỗ",
    "Đặng",
    "Bùi",
    "Ngô",
    "Phan",
    "Đinh",
    "Trịnh",
    "Lương",
    "Mai",
    "Đào",
    "Tạ",
    "Hà",
    "Cao",
    "Lưu",
    "Đoàn",
    "Trương",
)
FAMILY_WEIGHT = (30, 11, 9, 7, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1)
MIDDLE = (
    ("Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Công", "Ngọc", "Tiến"),
    ("Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Thùy", "Kim", "Diệu"),
)
GIVEN = (
    (
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Giang",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Hùng",
        "Huy",
        "Khánh",
        "Khoa",
        "Long",
        "Mạnh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Thắng",
        "Thành",
        "Trung",
        "Tuấn",
        "Tùng",
        "Việt",
        "Vinh",
    ),
    (
        "Anh",
        "Chi",
        "Dung",
        "Duyên",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hoa",
        "Huệ",
        "Huyền",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quyên",
        "Tâm",
        "Thảo",
        "Thủy",
        "Trang",
        "Vân",
        "Yến",
    ),
)
PHONE_PREFIXES = ("094", "096", "097", "098")  # third digit ≥ 4: never inside a yyyyMMdd date


def unique_id_serial(i: int) -> int:
    """A bijection of 0..999,999: distinct people get distinct CCCD serials."""
    return (i * 7919 + 104729) % 1_000_000


def unique_phone_tail(i: int) -> int:
    """A bijection of 0..9,999,999 for the last 7 phone digits."""
    return (i * 7_777_777 + 3_141_592) % 10_000_000


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).lower()


def make_person(i: int, commune: Commune, rng: random.Random) -> Person:
    female = rng.random() < 0.52
    family = rng.choices(FAMILY, weights=FAMILY_WEIGHT)[0]
    middle, given = rng.choice(MIDDLE[female]), rng.choice(GIVEN[female])
    born = rng.randint(1950, 2005)
    century_sex = (0 if born < 2000 else 2) + int(female)
    id_number = f"036{century_sex}{born % 100:02d}{unique_id_serial(i):06d}"
    phone = f"{PHONE_PREFIXES[i % len(PHONE_PREFIXES)]}{unique_phone_tail(i):07d}"
    email = f"{ascii_slug(given + family)}.{phone[-6:]}@gmail.com"
    address = f"Số {rng.randint(1, 240)}, xóm {rng.randint(1, 14)}, xã {commune.name}, huyện Mỹ Lộc, tỉnh Nam Định"
    return Person(f"{family} {middle} {given}", id_number, phone, email, address)


def assign_people(cases: Sequence[Case], seed: int) -> None:
    rng = random.Random(f"{seed}:people")
    for i, case in enumerate(sorted(cases, key=lambda c: c.case_id)):
        case.person = make_person(i, case.commune, rng)
