"""The sample set: simulate the whole district (Mỹ Tân calibrated, ids and people assigned),
then write snapshot A and the three B files from the same cases; and the 2025–2026 extension
across the reform (`build_sample_2025`, see `era2025`)."""

from __future__ import annotations

import random
from pathlib import Path

from .calibrate import calibrate_my_tan, check_my_tan
from .defects import Defect, DefectLog, pick_defects
from .era2025 import (
    CUTOVER,
    EXPORT_2026,
    EXPORT_Q3,
    FILE_2026,
    FILE_H1,
    FILE_Q3,
    PEOPLE_FROM_H1,
    Q3_END,
    WARD_END,
    simulate_2025,
)
from .model import (
    A_LAST_RECEIVED,
    COMMUNES,
    EXPORT_A,
    EXPORT_B,
    FILE_A,
    FILE_DVCQG,
    FILE_IGATE,
    FILE_UNICODE,
    MY_TAN,
    YEAR_END,
    Case,
)
from .people import assign_ids, assign_people
from .render_2025 import ward_views, write_2026_csv, write_h1_csv
from .render_csv import write_dvcqg_csv, write_igate_csv, write_unicode_text
from .render_q3_xlsx import write_q3_xlsx
from .render_xlsx import write_snapshot_a
from .simulate import arrivals, draw_case
from .views import snapshot


def simulate_cases(seed: int = 2024) -> list[Case]:
    """All 2024 cases of the district, Mỹ Tân calibrated, ids and people assigned."""
    cases: list[Case] = []
    for commune in COMMUNES:
        rng = random.Random(f"{seed}:{commune.gso}")
        commune_cases = [draw_case(commune, r, rng) for r in arrivals(commune, rng)]
        if commune.gso == MY_TAN:
            commune_cases = calibrate_my_tan(commune_cases, commune, rng)
        cases.extend(commune_cases)
    assign_ids(cases)
    assign_people(cases, seed)
    check_my_tan(cases)
    if len(cases) >= PEOPLE_FROM_H1:  # the 2025 people are numbered from there
        raise RuntimeError(f"{len(cases)} cases in 2024: the fake people of 2025 would collide")
    return cases


B_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (FILE_IGATE, ("13711", "13717", "13720", "13723")),
    (FILE_DVCQG, ("13726", "13732")),
    (FILE_UNICODE, ("13735",)),
)
_B_WRITERS = {FILE_IGATE: write_igate_csv, FILE_DVCQG: write_dvcqg_csv, FILE_UNICODE: write_unicode_text}


def build_sample(out_dir: Path, seed: int = 2024) -> tuple[list[Path], list[Defect]]:
    """Write the sample set; also return where the deliberate defects landed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = simulate_cases(seed)
    log = DefectLog(pick_defects(cases))
    paths = [write_snapshot_a(out_dir / FILE_A, snapshot(cases, EXPORT_A, A_LAST_RECEIVED), log)]
    for name, communes in B_FILES:
        chosen = [c for c in cases if c.commune.gso in communes]
        paths.append(_B_WRITERS[name](out_dir / name, snapshot(chosen, EXPORT_B, YEAR_END), log))
    return paths, log.landed


def build_sample_2025(out_dir: Path, seed: int = 2024) -> list[Path]:
    """Write the three 2025–2026 files (old units' 2025H1, new units' Q3 2025 and 07/2025–11/2026)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    era = simulate_2025(seed)
    h1 = snapshot(era.h1, CUTOVER, CUTOVER.date())  # exported 01/07 07:30, frozen at the cutover
    return [
        write_h1_csv(out_dir / FILE_H1, h1),
        write_q3_xlsx(out_dir / FILE_Q3, ward_views(era, EXPORT_Q3, Q3_END)),
        write_2026_csv(out_dir / FILE_2026, ward_views(era, EXPORT_2026, WARD_END)),
    ]


def generate_sample(out_dir: Path, seed: int = 2024) -> list[Path]:
    """Write the committed sample set (all seven files) into `out_dir`; return the files written."""
    return build_sample(out_dir, seed)[0] + build_sample_2025(out_dir, seed)
