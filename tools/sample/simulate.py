"""Drawing one case: arrivals, channel, outcome, appointment, finish and hand-over times, fee.

Every draw comes from the commune's own `random.Random`, in a fixed order: that order is what
makes the same seed give the same bytes, so it must not change.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from datetime import time as dtime

from .model import (
    _PROC_WEIGHTS,
    FULL,
    MONTH_WEIGHT,
    MY_TAN,
    PROCEDURES,
    RECEIVE_FROM,
    RECEIVE_TO,
    WINDOW_END,
    WORK_END,
    WORK_START,
    WORKDAYS_2024,
    Case,
    Commune,
    Procedure,
    _at,
    _tod,
    add_workdays,
    deadline,
    has_time,
    workdays,
)


def _poisson(lam: float, rng: random.Random) -> int:
    """Knuth's method; the daily rates are small."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _month_weight_sum() -> float:
    return sum(MONTH_WEIGHT[d.month - 1] for d in WORKDAYS_2024)


def arrivals(commune: Commune, rng: random.Random) -> list[datetime]:
    """Reception times in 2024: a Poisson count per working day, times in office hours."""
    rate = commune.annual_cases / _month_weight_sum()
    out: list[datetime] = []
    for day in WORKDAYS_2024:
        n = _poisson(rate * MONTH_WEIGHT[day.month - 1], rng)
        out.extend(sorted(_at(day, rng.randint(RECEIVE_FROM, RECEIVE_TO)) for _ in range(n)))
    return out


def _is_strict(commune: Commune, received_at: datetime) -> bool:
    """Mỹ Tân's seed-report period: everything online, digitised, paid online, never late."""
    return commune.gso == MY_TAN and received_at <= WINDOW_END


def draw_channel(commune: Commune, procedure: Procedure, rng: random.Random) -> str:
    p_online = commune.p_online * (1.0 if procedure.level == FULL else 0.8)
    u = rng.random()
    if u < p_online:
        return "online"
    return "postal" if u > 1 - commune.p_postal else "direct"


def draw_outcome(commune: Commune, rng: random.Random, strict: bool) -> str:
    if strict:
        table = {"refused": 0.006, "withdrawn": 0.006, "stopped": 0.003, "early": 0.985}
    else:
        table = {
            "refused": 0.008,
            "withdrawn": 0.008,
            "stopped": 0.004,
            "open": 0.003,
            "late": commune.p_late,
            "on_time": 0.06,
        }
        table["early"] = 1 - sum(table.values())
    return rng.choices(list(table), weights=list(table.values()))[0]


def appointment(received_at: datetime, procedure: Procedure, channel: str, with_time: bool) -> datetime:
    """Due time as the portal sets it: same-day certification at the counter, else N working days."""
    day = received_at.date()
    if procedure.days == 0 and channel != "online":
        due_day = day if _tod(received_at) < 15 * 3600 else add_workdays(day, 1)
        return _at(due_day, 17 * 3600)
    due_day = add_workdays(day, max(procedure.days, 1))
    if with_time:
        return datetime.combine(due_day, dtime(received_at.hour, received_at.minute))
    return datetime.combine(due_day, dtime(0))


def early_finish(received_at: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """A finish on a working day before the due date, mostly soon after reception."""
    days = workdays(received_at.date(), due_at.date())
    day = days[int(len(days) * rng.random() ** 2)]
    if day == received_at.date():
        room = max(600, WORK_END - _tod(received_at))
        return received_at + timedelta(seconds=rng.randint(600, room))
    return _at(day, rng.randint(WORK_START, WORK_END))


def on_time_finish(received_at: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """A finish on the due date itself, at least a minute before a timed deadline."""
    day = due_at.date()
    high = _tod(due_at) - 60 if has_time(due_at) else WORK_END
    low = _tod(received_at) + 60 if day == received_at.date() else WORK_START
    return _at(day, rng.randint(low, max(low, high)))


def finish_time(case: Case, rng: random.Random) -> datetime | None:
    r, d = case.received_at, case.due_at
    if case.outcome == "early":
        return early_finish(r, d, rng)
    if case.outcome == "on_time":
        return on_time_finish(r, d, rng)
    if case.outcome == "late":
        return deadline(d) + timedelta(seconds=rng.randint(3600, 8 * 86400))
    if case.outcome in ("withdrawn", "stopped"):
        return r + timedelta(seconds=rng.randint(3600, 10 * 86400))
    if case.outcome == "refused":
        return r + timedelta(seconds=rng.randint(600, 4 * 3600))
    return None


def set_finish(case: Case, finished_at: datetime | None, rng: random.Random) -> None:
    """Finish time plus a consistent hand-over time for results given back (status 10)."""
    case.finished_at = finished_at
    case.returned_at = None
    if finished_at is None or case.final_status != 10:
        return
    if case.channel == "online" and case.e_result:
        case.returned_at = finished_at + timedelta(seconds=rng.randint(30, 1800))
        return
    k = rng.choice((0, 0, 1, 2))
    day = add_workdays(finished_at.date(), k)
    if k == 0:
        case.returned_at = finished_at + timedelta(seconds=rng.randint(300, 7200))
    else:
        case.returned_at = _at(day, rng.randint(WORK_START, WORK_END))


def _fee(procedure: Procedure, rng: random.Random) -> int:
    pages = rng.randint(1, 8) if procedure.per_page else 1
    return procedure.fee * pages


def draw_case(commune: Commune, received_at: datetime, rng: random.Random) -> Case:
    """One case with its whole timeline; strictness follows the seed report for Mỹ Tân."""
    strict = _is_strict(commune, received_at)
    procedure = rng.choices(PROCEDURES, weights=_PROC_WEIGHTS)[0]
    channel = "online" if strict else draw_channel(commune, procedure, rng)
    outcome = draw_outcome(commune, rng, strict)
    refused = outcome == "refused"
    due_at = None if refused else appointment(received_at, procedure, channel, rng.random() < commune.p_due_time)
    if outcome == "early" and due_at.date() <= received_at.date():
        outcome = "on_time"  # a same-day appointment cannot be beaten by a day
    fee = 0 if refused else _fee(procedure, rng)
    paid = None
    if fee > 0:
        paid = strict or (channel == "online" and rng.random() < commune.p_pay_online)
    interim = rng.choices((4, 2, 5, 6), weights=(0.78, 0.1, 0.08, 0.04 if fee else 0))[0]
    case = Case(
        commune=commune,
        procedure=procedure,
        received_at=received_at,
        channel=channel,
        outcome=outcome,
        due_at=due_at,
        fee=fee,
        is_digitized=not refused and (strict or rng.random() < commune.p_digitized),
        paid_online=paid,
        e_result=rng.random() < (0.92 if channel == "online" else 0.3),
        interim_status=interim,
        returned_status=rng.random() < 0.97,
        variant=rng.randrange(1000),
    )
    set_finish(case, finish_time(case, rng), rng)
    return case
