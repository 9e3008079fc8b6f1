"""Properties over generated inputs (hypothesis) of the warehouse layer: the day-first date parser
(SQL macro), the Biểu 06 identities and one-group-per-case classification, and row conservation
through a whole run. Each property runs a few seconds at most."""

from __future__ import annotations

import calendar
import csv
import io
import tempfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.config import Settings
from pipelines.resources import SQL
from pipelines.run import run_local
from pipelines.warehouse import init_schema

FAST = settings(max_examples=60, deadline=None)


# --- the date parser: day first, never month first, never repaired --------------------------------


@pytest.fixture(scope="module")
def sql():
    con = duckdb.connect()
    con.execute((SQL / "macros" / "parse_dates.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


def parse_all(con, texts: list[str]) -> list[datetime | None]:
    return con.execute("select [tthc_parse_ts(x) for x in ?::varchar[]]", [texts]).fetchone()[0]


def _forms(d: int, m: int, y: int) -> list[str]:
    return [
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d}.{m}.{y}",
        f"{d:02d}/{m:02d}/{y} 08:30",
        f"{d}/{m}/{y} 8:30:15",
        f"{d:02d}/{m:02d}/{y} 23:59:59",
    ]


ambiguous = st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1000, 9999)).filter(lambda t: t[0] != t[1])


@FAST
@given(st.lists(ambiguous, min_size=1, max_size=40))
def test_day_first_dates_are_never_read_month_first(sql, dates):
    texts = [t for d, m, y in dates for t in _forms(d, m, y)]
    got = parse_all(sql, texts)
    for k, (d, m, y) in enumerate(dates):
        for ts in got[k * 7 : (k + 1) * 7]:
            assert ts is not None and (ts.year, ts.month, ts.day) == (y, m, d), (d, m, y, ts)


valid = st.dates(date(1000, 1, 1), date(9999, 12, 31))


@FAST
@given(st.lists(valid, min_size=1, max_size=40))
def test_every_valid_date_reads_as_written(sql, days):
    texts = [t for x in days for t in _forms(x.day, x.month, x.year)]
    got = parse_all(sql, texts)
    for k, x in enumerate(days):
        assert [ts.date() if ts else None for ts in got[k * 7 : (k + 1) * 7]] == [x] * 7


@st.composite
def impossible(draw) -> tuple[int, int, int]:
    y = draw(st.integers(1000, 9999))
    kind = draw(st.sampled_from(["day_past_month", "day_zero", "month_zero", "month_over"]))
    if kind == "day_past_month":  # 31/04, 30/02, 29/02 of a common year, 32/01
        m = draw(st.integers(1, 12))
        return draw(st.integers(calendar.monthrange(y, m)[1] + 1, 32)), m, y
    if kind == "day_zero":
        return 0, draw(st.integers(1, 12)), y
    if kind == "month_zero":
        return draw(st.integers(1, 28)), 0, y
    return draw(st.integers(1, 28)), draw(st.integers(13, 99)), y


@FAST
@given(st.lists(impossible(), min_size=1, max_size=40))
def test_impossible_dates_are_null_never_repaired(sql, dates):
    texts = [t for d, m, y in dates for t in _forms(d, m, y)]
    assert parse_all(sql, texts) == [None] * len(texts)


# --- classification: the identities hold and each case lands in one group ---------------------------

OPEN = ["submitted", "received", "processing", "awaiting_supplement", "awaiting_payment"]
CLOSED = ["resolved", "returned", "withdrawn", "stopped"]
DAY0 = datetime(2024, 1, 1)
TIMES = [
    timedelta(0),
    timedelta(minutes=1),
    timedelta(hours=8, minutes=30),
    timedelta(hours=23, minutes=59, seconds=59),
]


@st.composite
def cases(draw, i: int) -> dict:
    r = DAY0 + timedelta(days=draw(st.integers(0, 420))) + draw(st.sampled_from(TIMES))
    kind = draw(st.sampled_from(["open", "closed", "refused", "open_finished"]))
    status = {
        "open": draw(st.sampled_from(OPEN)),
        "open_finished": draw(st.sampled_from(OPEN)),
        "closed": draw(st.sampled_from(CLOSED)),
        "refused": "refused",
    }[kind]
    due_days = draw(st.integers(0, 45))
    due_time = draw(st.sampled_from(TIMES)) if due_days > 0 else timedelta(0)  # never before r
    due = datetime.combine(r.date(), datetime.min.time()) + timedelta(days=due_days) + due_time
    finished = None
    if kind in ("closed", "open_finished") or (kind == "refused" and draw(st.booleans())):
        if draw(st.booleans()):  # a plain date on the day received: 00:00, not "before received"
            finished = datetime.combine(r.date(), datetime.min.time()) + timedelta(days=draw(st.integers(0, 60)))
        else:
            finished = r + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))
    return {
        "case_id": f"C{i}",
        "commune_code": draw(st.sampled_from(["13723", "13711"])),
        "commune_name": "x",
        "sector": draw(st.sampled_from(["Hộ tịch", "Chứng thực"])),
        "channel": draw(st.sampled_from(["online", "direct", "postal", None])),  # None: a file without the column
        "received_at": r,
        "due_at": None if kind == "refused" and draw(st.booleans()) else due,
        "finished_at": finished,
        "status": status,
    }


@st.composite
def case_sets(draw) -> tuple[list[dict], date, date, datetime]:
    n = draw(st.integers(1, 40))
    rows = [draw(cases(i)) for i in range(n)]
    start = DAY0.date() + timedelta(days=draw(st.integers(0, 420)))
    end = start + timedelta(days=draw(st.integers(0, 120)))
    as_of = DAY0 + timedelta(days=draw(st.integers(0, 600)), hours=draw(st.integers(0, 23)))
    return rows, start, end, as_of


COLS = [
    "received_total",
    "received_online",
    "received_offline",
    "received_channel_unknown",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
    "withdrawn_stopped",
    "refused_at_intake",
]


@pytest.fixture(scope="module")
def warehouse():
    con = duckdb.connect()
    init_schema(con)
    yield con
    con.close()


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(case_sets())
def test_biểu_06_identities_and_one_group_per_case(warehouse, data):
    rows, start, end, as_of = data
    con = warehouse
    con.execute("delete from cases")
    batch = pa.Table.from_pylist(rows)
    con.register("batch", batch)
    try:
        con.execute(f"insert into cases ({', '.join(batch.column_names)}) select * from batch")
    finally:
        con.unregister("batch")
    form = con.execute(
        f"select {', '.join(COLS)} from report_form_between(?::date, ?::date, as_of := ?)", [start, end, as_of]
    ).fetchall()
    for values in form:
        f = dict(zip(COLS, values))
        parts = f["received_online"] + f["received_offline"] + f["received_channel_unknown"] + f["carried_over"]
        assert f["received_total"] == parts, f
        assert f["resolved_total"] == f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"], f
        assert f["in_progress_total"] == f["in_progress_on_time"] + f["in_progress_overdue"], f
        assert f["received_total"] == f["resolved_total"] + f["in_progress_total"] + f["withdrawn_stopped"], f

    period = [{"period": "p", "period_start": start, "period_end": end}]
    ks = con.execute("select case_id, k from classified_for(?, ?)", [period, as_of]).fetchall()
    for case_id, k in ks:
        k = {name: bool(v) for name, v in k.items()}  # NULL (unknown) counts as not in the group
        entered = [k["received"], k["carried_over"], k["refused_at_intake"]]
        assert sum(entered) <= 1, (case_id, k)
        outcome = [k["resolved"], k["in_progress"], k["withdrawn_stopped"]]
        if k["received"] or k["carried_over"]:
            assert sum(outcome) == 1, (case_id, k, rows[int(case_id[1:])])
            channels = k["received_online"] + k["received_offline"] + k["received_channel_unknown"]
            assert channels == int(k["received"]), (case_id, k)
        else:
            assert sum(outcome) == 0 and not k["received_online"] and not k["received_offline"], (case_id, k)
        if k["resolved"]:
            assert k["resolved_early"] + k["resolved_on_time"] + k["resolved_late"] == 1, (case_id, k)
        if k["in_progress"]:
            assert k["in_progress_on_time"] + k["in_progress_overdue"] == 1, (case_id, k, rows[int(case_id[1:])])


# --- row conservation through a run: read = loaded + quarantined + duplicate -------------------------

HEADER = [
    "Mã hồ sơ",
    "Tên thủ tục",
    "Cơ quan giải quyết",
    "Kênh nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
]
BAD = {
    "received": ("Ngày tiếp nhận", "31/02/2024"),
    "channel": ("Kênh nộp", "Fax"),
    "status": ("Trạng thái", "Không rõ"),
    "case_id": ("Mã hồ sơ", ""),
    "order": ("Ngày có kết quả", "01/01/2024"),
}


def good(case_id: str, day: int) -> list[str]:
    return [
        case_id,
        "Đăng ký khai sinh",
        "UBND xã Mỹ Tân",
        "Trực tuyến",
        f"{day:02d}/03/2024 08:00",
        f"{day + 3:02d}/03/2024",
        f"{day + 1:02d}/03/2024 09:00",
        "Đã trả kết quả",
    ]


@st.composite
def mixes(draw) -> tuple[list[list[str]], dict[str, int]]:
    """Good rows, bad rows, identical repeats and conflicting repeats, with the counts a correct
    run must report."""
    lines: list[list[str]] = []
    goods: dict[str, list[list[str]]] = {}
    bad = 0
    for i in range(draw(st.integers(1, 30))):
        kind = draw(st.sampled_from(["good", "good", "bad", "repeat", "conflict", "blank"]))
        if kind == "good" or (kind in ("repeat", "conflict") and not goods):
            r = good(f"G{i}", draw(st.integers(1, 20)))
            goods[r[0]] = [r]
        elif kind == "repeat":
            r = list(goods[draw(st.sampled_from(sorted(goods)))][0])
            goods[r[0]].append(r)
        elif kind == "conflict":
            r = list(goods[draw(st.sampled_from(sorted(goods)))][0])
            r[6] = f"{int(r[6][:2]) + 1:02d}/03/2024 10:00"
            goods[r[0]].append(r)
        elif kind == "bad":
            column, value = BAD[draw(st.sampled_from(sorted(BAD)))]
            r = good(f"B{i}", 10)
            r[HEADER.index(column)] = value
            bad += 1
        else:
            lines.append([])  # a blank line: not data, not counted
            continue
        lines.append(r)
    if not any(lines):
        r = good("G-last", 5)
        goods[r[0]] = [r]
        lines.append(r)
    loaded = duplicate = conflicting = 0
    for versions in goods.values():
        if len({tuple(v) for v in versions}) == 1:
            loaded, duplicate = loaded + 1, duplicate + len(versions) - 1
        else:
            conflicting += len(versions)
    expected = {
        "read": sum(1 for r in lines if r),
        "loaded": loaded,
        "duplicate": duplicate,
        "quarantined": bad + conflicting,
        "conflicting": conflicting,
    }
    return lines, expected


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mixes())
def test_rows_are_conserved_through_a_run(mix):
    lines, expected = mix
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        s = Settings.load(
            config_file=tmp / "none.toml",
            db=tmp / "w.duckdb",
            stage=tmp / "stage",
            out=tmp / "out",
            inbox=tmp / "inbox",
        )
        s.reject_share = 1.0
        (tmp / "in").mkdir()
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([HEADER] + lines)
        (tmp / "in" / "mix.csv").write_text(buf.getvalue(), encoding="utf-8")
        summary = run_local([tmp / "in"], s)
        f = summary.files[0]
        assert f.status == "loaded", f.message
        got = {"read": f.read, "loaded": f.loaded, "duplicate": f.duplicate, "quarantined": f.quarantined}
        assert got == {k: v for k, v in expected.items() if k in got}
        assert f.read == f.loaded + f.quarantined + f.duplicate
        con = duckdb.connect(str(s.db), read_only=True)
        try:
            assert con.execute("select count(*) from cases").fetchone()[0] == expected["loaded"]
            assert con.execute("select count(*) from quarantine").fetchone()[0] == expected["quarantined"]
            reasons = Counter(r for (rs,) in con.execute("select reasons from quarantine").fetchall() for r in rs)
            assert reasons["conflicting_duplicate"] == expected["conflicting"]
        finally:
            con.close()
