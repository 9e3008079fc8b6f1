"""Benchmark cases, vectorised with numpy: timelines, outcomes, finish times, statuses, fees and
fake people for a chunk of rows at a time, from one `numpy.random.Generator` per file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from .model import (
    _PROC_WEIGHTS,
    COMMUNES,
    EXPORT_B,
    FULL,
    HOLIDAYS,
    MONTH_WEIGHT,
    PROCEDURES,
    RECEIVE_FROM,
    RECEIVE_TO,
    WORK_END,
    WORK_START,
    WORKDAYS_2024,
)
from .people import (
    FAMILY,
    FAMILY_WEIGHT,
    GIVEN,
    MIDDLE,
    PHONE_PREFIXES,
    unique_id_serial,
    unique_phone_tail,
)
from .wording import AGENCY_FORMS

_HOL64 = np.array(sorted(HOLIDAYS), dtype="datetime64[D]")
_WORKDAYS64 = np.array(WORKDAYS_2024, dtype="datetime64[D]")
_DAY_P = np.array([MONTH_WEIGHT[d.month - 1] for d in WORKDAYS_2024])
_DAY_P /= _DAY_P.sum()
_COMMUNE_P = np.array([c.annual_cases for c in COMMUNES], float)
_COMMUNE_P /= _COMMUNE_P.sum()
_PROC_P = np.array(_PROC_WEIGHTS) / sum(_PROC_WEIGHTS)


def _col(values: Iterable[object]) -> np.ndarray:
    return np.array(list(values), dtype=object)


_C_ONLINE = np.array([c.p_online for c in COMMUNES])
_C_POSTAL = np.array([c.p_postal for c in COMMUNES])
_C_DUE_TIME = np.array([c.p_due_time for c in COMMUNES])
_C_LATE = np.array([c.p_late for c in COMMUNES])
_C_PAY = np.array([c.p_pay_online for c in COMMUNES])
_C_DIGITIZED = np.array([c.p_digitized for c in COMMUNES])
_C_NAME = _col(c.name for c in COMMUNES)
_P_DAYS = np.array([p.days for p in PROCEDURES])
_P_FEE = np.array([p.fee for p in PROCEDURES])
_P_PER_PAGE = np.array([p.per_page for p in PROCEDURES])
_P_LEVEL_FACTOR = np.array([1.0 if p.level == FULL else 0.8 for p in PROCEDURES])

_DAY0 = np.datetime64("2023-12-01", "D")

# outcome codes, in the order their probabilities are cumulated
REFUSED, WITHDRAWN, STOPPED, OPEN, LATE, ON_TIME, EARLY = range(7)
_OUTCOME_FIXED = np.array([0.008, 0.008, 0.004, 0.003])
_FINAL_STATUS = np.array([3, 7, 8, 0, 10, 10, 10])

_FAMILY = _col(FAMILY)
_FAMILY_P = np.array(FAMILY_WEIGHT, float) / sum(FAMILY_WEIGHT)
_MIDDLE = tuple(_col(m) for m in MIDDLE)
_GIVEN = tuple(_col(g) for g in GIVEN)
_PHONE_PREFIX = _col(PHONE_PREFIXES)


def _seq_numbers(keys: np.ndarray, issued: np.ndarray) -> np.ndarray:
    """1-based sequence per (commune, day) key, continuing the counts of earlier chunks."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[starts, len(keys)])
    rank_sorted = np.arange(len(keys)) - np.repeat(starts, lengths)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    seq = issued[keys] + rank + 1
    np.add.at(issued, keys, 1)
    return seq


def _big_timeline(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Communes, procedures, channels and true times for n cases (sorted by reception)."""
    commune = rng.choice(len(COMMUNES), n, p=_COMMUNE_P)
    proc = rng.choice(len(PROCEDURES), n, p=_PROC_P)
    day = _WORKDAYS64[rng.choice(len(_WORKDAYS64), n, p=_DAY_P)]
    tod = rng.integers(RECEIVE_FROM, RECEIVE_TO + 1, n)
    order = np.lexsort((tod, day))
    commune, proc, day, tod = commune[order], proc[order], day[order], tod[order]
    u = rng.random(n)
    channel = np.where(u < _C_ONLINE[commune] * _P_LEVEL_FACTOR[proc], 2, np.where(u > 1 - _C_POSTAL[commune], 3, 1))
    same_day = (_P_DAYS[proc] == 0) & (channel != 2)
    n_days = np.where(same_day, (tod >= 15 * 3600).astype(int), np.maximum(_P_DAYS[proc], 1))
    due_day = np.busday_offset(day, n_days, roll="forward", holidays=_HOL64)
    timed = same_day | (rng.random(n) < _C_DUE_TIME[commune])
    due_tod = np.where(same_day, 17 * 3600, np.where(timed, tod // 60 * 60, 0))
    return {
        "commune": commune,
        "proc": proc,
        "day": day,
        "tod": tod,
        "channel": channel,
        "due_day": due_day,
        "due_tod": due_tod,
        "timed": timed,
    }


def _big_outcomes(rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    n = len(t["day"])
    late = _C_LATE[t["commune"]]
    cum = np.cumsum(_OUTCOME_FIXED)
    u = rng.random(n)
    outcome = np.searchsorted(cum, u, side="right")  # 0..4 (4 = not a fixed outcome)
    rest = outcome == 4
    outcome[rest] = np.where(
        u[rest] < cum[-1] + late[rest], LATE, np.where(u[rest] < cum[-1] + late[rest] + 0.06, ON_TIME, EARLY)
    )
    outcome[(outcome == EARLY) & (t["due_day"] <= t["day"])] = ON_TIME
    return outcome


def _big_finish(rng: np.random.Generator, t: dict[str, np.ndarray], outcome: np.ndarray) -> np.ndarray:
    """True finish times by outcome, with the same rules as `finish_time`."""
    n = len(outcome)
    day, tod, due_day, due_tod, timed = (t[k] for k in ("day", "tod", "due_day", "due_tod", "timed"))
    start = day.astype("datetime64[s]")
    received = start + tod
    due = due_day.astype("datetime64[s]") + due_tod
    limit = np.where(timed, due, due_day.astype("datetime64[s]") + 86399)
    u = rng.random(n)
    span = np.busday_count(day, due_day, holidays=_HOL64)
    k = np.floor(rng.random(n) ** 2 * np.maximum(span, 1)).astype(int)
    early_day = np.busday_offset(day, k, roll="forward", holidays=_HOL64)
    early_tod = np.where(
        k == 0,
        tod + 600 + (u * np.maximum(0, WORK_END - tod - 600)).astype(int),
        WORK_START + (u * (WORK_END - WORK_START)).astype(int),
    )
    high = np.where(timed, due_tod - 60, WORK_END)
    low = np.where(due_day == day, tod + 60, WORK_START)
    on_tod = low + (u * np.maximum(0, high - low)).astype(int)
    f = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    pick = {
        EARLY: early_day.astype("datetime64[s]") + early_tod,
        ON_TIME: due_day.astype("datetime64[s]") + on_tod,
        LATE: limit + rng.integers(3600, 8 * 86400, n),
        WITHDRAWN: received + rng.integers(3600, 10 * 86400, n),
        STOPPED: received + rng.integers(3600, 10 * 86400, n),
        REFUSED: received + rng.integers(600, 4 * 3600, n),
    }
    for code, values in pick.items():
        mask = outcome == code
        f[mask] = values[mask]
    return f


def _big_cases(rng: np.random.Generator, n: int, first_row: int, issued: np.ndarray) -> dict[str, np.ndarray]:
    """n benchmark cases as seen on 06/01/2025 07:30, as numpy arrays."""
    t = _big_timeline(rng, n)
    outcome = _big_outcomes(rng, t)
    finished = _big_finish(rng, t, outcome)
    refused = outcome == REFUSED
    received = t["day"].astype("datetime64[s]") + t["tod"]
    due = t["due_day"].astype("datetime64[s]") + t["due_tod"]
    due[refused] = np.datetime64("NaT")
    done = ~np.isnat(finished) & (finished <= np.datetime64(EXPORT_B))
    status = np.where(done, _FINAL_STATUS[outcome], rng.choice([4, 2, 5], n, p=[0.8, 0.1, 0.1]))
    returned = finished + rng.integers(300, 2 * 86400, n)
    keep_returned = (status == 10) & (rng.random(n) < 0.97) & (returned <= np.datetime64(EXPORT_B))
    status[(status == 10) & ~keep_returned] = 9
    returned[~keep_returned] = np.datetime64("NaT")
    finished[~done] = np.datetime64("NaT")
    pages = np.where(_P_PER_PAGE[t["proc"]], rng.integers(1, 9, n), 1)
    fee = np.where(refused, 0, _P_FEE[t["proc"]] * pages)
    online = t["channel"] == 2
    paid = np.where(fee > 0, (online & (rng.random(n) < _C_PAY[t["commune"]])).astype(int), -1)
    resolved = np.isin(status, (9, 10))
    e_result = np.where(resolved, (rng.random(n) < np.where(online, 0.92, 0.3)).astype(int), -1)
    digitized = (rng.random(n) < _C_DIGITIZED[t["commune"]]) & ~refused
    keys = t["commune"] * 1000 + (t["day"] - _DAY0).astype(np.int64)
    seq = _seq_numbers(keys, issued)
    return {
        **t,
        "received": received,
        "due": due,
        "finished": finished,
        "returned": returned,
        "status": status,
        "fee": fee,
        "paid": paid,
        "e_result": e_result,
        "digitized": digitized,
        "seq": seq,
        "rows": np.arange(first_row, first_row + n),
        "variant": rng.integers(0, len(AGENCY_FORMS), n),
    }


def _v_people(rng: np.random.Generator, d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = len(d["rows"])
    female = rng.random(n) < 0.52
    family = _FAMILY[rng.choice(len(FAMILY), n, p=_FAMILY_P)]
    middle = np.where(female, _MIDDLE[1][rng.integers(0, 10, n)], _MIDDLE[0][rng.integers(0, 10, n)])
    given = np.where(female, _GIVEN[1][rng.integers(0, 28, n)], _GIVEN[0][rng.integers(0, 28, n)])
    born = rng.integers(1950, 2006, n)
    rows = d["rows"]
    id_tail = (np.where(born >= 2000, 2, 0) + female) * 10**8 + (born % 100) * 10**6 + unique_id_serial(rows)
    id_number = "036" + _col(f"{x:09d}" for x in id_tail.tolist())
    phone = _PHONE_PREFIX[rows % len(PHONE_PREFIXES)] + _col(f"{x:07d}" for x in unique_phone_tail(rows).tolist())
    address = (
        "Số "
        + rng.integers(1, 241, n).astype(str).astype(object)
        + ", xóm "
        + rng.integers(1, 15, n).astype(str).astype(object)
        + ", xã "
        + _C_NAME[d["commune"]]
        + ", huyện Mỹ Lộc, tỉnh Nam Định"
    )
    return {"name": family + " " + middle + " " + given, "id_number": id_number, "phone": phone, "address": address}


_CHUNK = 50_000  # rows in memory at a time (~200 MB peak for the CSV)


def _big_chunks(n_rows: int, seed: int) -> Iterator[tuple[dict, dict]]:
    rng = np.random.default_rng(seed)
    issued = np.zeros(len(COMMUNES) * 1000, dtype=np.int64)
    for first in range(0, n_rows, _CHUNK):
        d = _big_cases(rng, min(_CHUNK, n_rows - first), first, issued)
        yield d, _v_people(rng, d)
