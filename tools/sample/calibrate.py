"""xã Mỹ Tân calibrated to the seed report (353 resolved, 345 early, 8 on time), and its check."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from .model import (
    MY_TAN,
    RECEIVE_FROM,
    RECEIVE_TO,
    RESOLVED_OUTCOMES,
    TARGET_ON_TIME,
    TARGET_RESOLVED,
    WINDOW_END,
    WINDOW_START,
    WORKDAYS_2024,
    Case,
    Commune,
    _at,
    deadline,
)
from .simulate import draw_case, on_time_finish, set_finish


def _resolved_in_window(case: Case) -> bool:
    f = case.finished_at
    return case.outcome in RESOLVED_OUTCOMES and f is not None and WINDOW_START <= f <= WINDOW_END


def calibrate_my_tan(cases: list[Case], commune: Commune, rng: random.Random) -> list[Case]:
    """Make Mỹ Tân's seed-report period hold exactly 353 resolved cases, 8 of them on time.

    Cases are dropped or added at random dates in the period (the arrival process stays
    plausible), then 8 early cases whose due date falls in the period are moved to their due
    date. Everything else about the commune is left as simulated.
    """
    resolved = [c for c in cases if _resolved_in_window(c)]
    dropped: set[int] = set()
    while len(resolved) > TARGET_RESOLVED:
        dropped.add(id(resolved.pop(rng.randrange(len(resolved)))))
    kept = [c for c in cases if id(c) not in dropped]
    window_days = [d for d in WORKDAYS_2024 if d <= WINDOW_END.date()]
    while len(resolved) < TARGET_RESOLVED:
        received = _at(rng.choice(window_days), rng.randint(RECEIVE_FROM, RECEIVE_TO))
        case = draw_case(commune, received, rng)
        if _resolved_in_window(case):
            kept.append(case)
            resolved.append(case)
    movable = [c for c in resolved if c.outcome == "early" and c.due_at <= WINDOW_END]
    for case in rng.sample(movable, TARGET_ON_TIME):
        case.outcome = "on_time"
        set_finish(case, on_time_finish(case.received_at, case.due_at, rng), rng)
    kept.sort(key=lambda c: c.received_at)
    return kept


def my_tan_figures(cases: Iterable[Case]) -> dict[str, int]:
    """The seed-report figures recomputed from the true timelines (definitions of docs/reference/indicators.md)."""
    resolved = [c for c in cases if c.commune.gso == MY_TAN and _resolved_in_window(c)]
    early = [c for c in resolved if c.finished_at.date() < c.due_at.date()]
    late = [c for c in resolved if c.finished_at > deadline(c.due_at)]
    with_fee = [c for c in resolved if c.fee > 0]
    return {
        "resolved_total": len(resolved),
        "resolved_online": sum(c.channel == "online" for c in resolved),
        "resolved_early": len(early),
        "resolved_on_time": len(resolved) - len(early) - len(late),
        "resolved_late": len(late),
        "resolved_digitized": sum(c.is_digitized for c in resolved),
        "with_fee": len(with_fee),
        "with_fee_paid_online": sum(bool(c.paid_online) for c in with_fee),
    }


def check_my_tan(cases: Sequence[Case]) -> None:
    """Refuse to write a sample that does not reproduce the seed report."""
    got = my_tan_figures(cases)
    want = {
        "resolved_total": 353,
        "resolved_online": 353,
        "resolved_early": 345,
        "resolved_on_time": 8,
        "resolved_late": 0,
        "resolved_digitized": 353,
    }
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    if wrong or got["with_fee"] == 0 or got["with_fee_paid_online"] != got["with_fee"]:
        raise RuntimeError(f"Mỹ Tân calibration failed: {got}")
