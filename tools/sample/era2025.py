"""2025–2026 across the reform of 01/07/2025: the four units that replaced the seven communes,
the fixed moments and files of the extension, and its simulation.

Districts were abolished on 01/07/2025 and tỉnh Nam Định merged into tỉnh Ninh Bình; the seven
communes of huyện Mỹ Lộc became four phường (GSO reused one merged unit's code for each):
Mỹ Tân + Mỹ Trung → Thiên Trường 13684, Mỹ Hà + Mỹ Thắng → Đông A 13693, Mỹ Phúc → Nam Định
13669, Mỹ Thuận + xã Mỹ Lộc → phường Mỹ Lộc 13708.

`simulate_2025` draws, with the model of 2024 (`simulate.draw_case`) but from streams of their
own so the 2024 draws are untouched:

- 2025H1: cases received 01/01–30/06/2025 by the seven old communes (`{seed}:2025h1:{gso}`);
- 07/2025–11/2026: cases received by the four new units (`{seed}:ward:{gso}`), each with the
  summed volume and the volume-weighted habits of its predecessors;
- the carried-over cases: 2025H1 cases not finished at 30/06/2025 24:00, re-homed to their
  successor (same id, same timeline), as the provincial system lists them after the merger.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from .model import (
    COMMUNES,
    MONTH_WEIGHT,
    RECEIVE_FROM,
    RECEIVE_TO,
    RESOLVED_OUTCOMES,
    WORK_END,
    WORK_START,
    Case,
    Commune,
    Person,
    _at,
    add_workdays,
    deadline,
    workdays,
)
from .people import assign_ids, make_person
from .simulate import _month_weight_sum, _poisson, draw_case, set_finish

# ---- moments and files ---------------------------------------------------------------------

H1_START, H1_END = date(2025, 1, 1), date(2025, 6, 30)
CUTOVER = datetime(2025, 6, 30, 23, 59, 59)  # the old units' last moment
REFORM_DAY = date(2025, 7, 1)
WARD_START, WARD_END = REFORM_DAY, date(2026, 11, 30)
Q3_END = date(2025, 9, 30)

EXPORT_H1 = datetime(2025, 7, 1, 7, 30)  # shows the old units as they stood at CUTOVER
EXPORT_Q3 = datetime(2025, 10, 6, 8, 0)
EXPORT_2026 = datetime(2026, 12, 1, 7, 0)

FILE_H1 = "2025-07-01_huyen-my-loc_ds-ho-so-6-thang-2025.csv"
FILE_Q3 = "2025-10-06_ninh-binh_ds-ho-so-quy-3-2025.xlsx"
FILE_2026 = "2026-12-01_ninh-binh_ds-ho-so-2025-2026.csv"
FILES_2025 = (FILE_H1, FILE_Q3, FILE_2026)

# Fake people of the extension are numbered from here (2024 uses 0 … its case count, < 100,000),
# so their CCCD serials and phone tails never meet the 2024 ones (people.unique_id_serial).
PEOPLE_FROM_H1, PEOPLE_FROM_WARDS = 100_000, 200_000

# ---- the reform ----------------------------------------------------------------------------

PROVINCE_2025 = "Ninh Bình"
PROVINCE_CODE_2025 = "37"
# new GSO code, name (all four are phường), predecessors' GSO codes
REFORM: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("13684", "Thiên Trường", ("13723", "13720")),
    ("13693", "Đông A", ("13711", "13717")),
    ("13669", "Nam Định", ("13726",)),
    ("13708", "Mỹ Lộc", ("13732", "13735")),
)


def ward_agency_code(gso: str) -> str:
    """DVCQG-like mã định danh of a new unit: its GSO code where the old ones had the commune's,
    no district level any more ("00"), and the merged province (H42, fictional like the rest)."""
    return f"000.{gso[-2:]}.00.H42"


def _successor_unit(gso: str, name: str, olds: Sequence[str]) -> Commune:
    parts = [c for c in COMMUNES if c.gso in olds]
    total = sum(c.annual_cases for c in parts)

    def mean(attr: str) -> float:
        return round(sum(getattr(c, attr) * c.annual_cases for c in parts) / total, 4)

    habits = ("p_online", "p_postal", "p_due_time", "p_late", "p_pay_online", "p_digitized")
    return Commune(gso, name, ward_agency_code(gso), total, *(mean(a) for a in habits))


WARDS: tuple[Commune, ...] = tuple(_successor_unit(*r) for r in REFORM)
SUCCESSOR: dict[str, Commune] = {old: w for w, (_, _, olds) in zip(WARDS, REFORM, strict=True) for old in olds}

# ---- simulation ----------------------------------------------------------------------------


def arrivals_between(commune: Commune, rng: random.Random, first: date, last: date) -> list[datetime]:
    """Reception times on the working days of [first, last], at the daily rates of 2024."""
    rate = commune.annual_cases / _month_weight_sum()
    out: list[datetime] = []
    for day in workdays(first, last + timedelta(days=1)):
        n = _poisson(rate * MONTH_WEIGHT[day.month - 1], rng)
        out.extend(sorted(_at(day, rng.randint(RECEIVE_FROM, RECEIVE_TO)) for _ in range(n)))
    return out


HANDOVER_FROM = date(2025, 6, 16)  # from here a case may wait for the successor unit
HANDOVER_MAX_SHARE = 0.6  # … with a chance rising to this on 30/06/2025


def handover_delay(cases: Sequence[Case], rng: random.Random) -> None:
    """The merger slowed the last weeks of June: some cases received then were only decided by
    the successor unit in July (finish on one of its first 8 working days, the outcome taken
    from the dates, so many of them are late)."""
    span = (H1_END - HANDOVER_FROM).days
    for case in cases:
        received = case.received_at.date()
        if received < HANDOVER_FROM or case.outcome not in RESOLVED_OUTCOMES:
            continue
        share = HANDOVER_MAX_SHARE * ((received - HANDOVER_FROM).days + 1) / (span + 1)
        if rng.random() >= share:
            continue
        day = add_workdays(REFORM_DAY, rng.randint(0, 7))
        finished = _at(day, rng.randint(WORK_START, WORK_END))
        due = case.due_at
        assert case.finished_at is not None and due is not None  # resolved outcomes have both
        if finished <= case.finished_at:
            continue  # already decided after the merger
        if finished.date() < due.date():
            case.outcome = "early"
        elif finished <= deadline(due):
            case.outcome = "on_time"
        else:
            case.outcome = "late"
        set_finish(case, finished, rng)


def open_at(case: Case, moment: datetime) -> bool:
    """Not finished (resolved, refused, withdrawn or stopped) at `moment`."""
    return case.finished_at is None or case.finished_at > moment


def make_ward_person(i: int, unit: Commune, rng: random.Random) -> Person:
    """A resident of a new unit: name, CCCD, phone and e-mail as everywhere, today's address."""
    person = make_person(i, unit, rng)
    house, quarter = rng.randint(1, 240), rng.randint(1, 30)
    return replace(person, address=f"Số {house}, tổ dân phố {quarter}, phường {unit.name}, tỉnh {PROVINCE_2025}")


def assign_people_from(cases: Sequence[Case], rng: random.Random, first: int, ward: bool) -> None:
    maker = make_ward_person if ward else make_person
    for i, case in enumerate(sorted(cases, key=lambda c: c.case_id), start=first):
        case.person = maker(i, case.commune, rng)


@dataclass
class Era2025:
    """The cases of the extension; `carried` are copies of the open 2025H1 cases under their
    successor unit (`carried_from`: case id → the old commune)."""

    h1: list[Case]
    wards: list[Case]
    carried: list[Case]
    carried_from: dict[str, Commune] = field(default_factory=dict)

    def post_reform(self, last_received: date) -> list[Case]:
        """What the provincial system lists: the carried-over cases and the new units' own."""
        return self.carried + [c for c in self.wards if c.received_at.date() <= last_received]


def _draw(units: Iterable[Commune], stream: str, seed: int, first: date, last: date) -> list[Case]:
    cases: list[Case] = []
    for unit in units:
        rng = random.Random(f"{seed}:{stream}:{unit.gso}")
        drawn = [draw_case(unit, r, rng) for r in arrivals_between(unit, rng, first, last)]
        if last == H1_END:
            handover_delay(drawn, rng)
        cases.extend(drawn)
    return cases


def simulate_2025(seed: int = 2024) -> Era2025:
    """2025H1 under the old communes, 07/2025–11/2026 under the new units, the carried-over set."""
    h1 = _draw(COMMUNES, "2025h1", seed, H1_START, H1_END)
    wards = _draw(WARDS, "ward", seed, WARD_START, WARD_END)
    assign_ids(h1)
    assign_ids(wards)
    assign_people_from(h1, random.Random(f"{seed}:people:2025h1"), PEOPLE_FROM_H1, ward=False)
    assign_people_from(wards, random.Random(f"{seed}:people:ward"), PEOPLE_FROM_WARDS, ward=True)
    still_open = sorted((c for c in h1 if open_at(c, CUTOVER)), key=lambda c: c.case_id)
    carried = [replace(c, commune=SUCCESSOR[c.commune.gso]) for c in still_open]
    return Era2025(h1, wards, carried, {c.case_id: c.commune for c in still_open})
