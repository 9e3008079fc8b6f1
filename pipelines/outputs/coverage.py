"""What the data in the warehouse can support, for one unit and period: a figure it cannot support
is "chưa có số liệu" with the reason, never 0 (a period not begun, a unit that did not exist then,
no case of the unit in the period), and a sum that is not the whole unit says so (a roll-up whose
predecessors are not all in the warehouse; a payment rate over files without its columns).

The report text and the sheets read these through figures.load_figures, so both say the same.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import duckdb

from pipelines.reference.registry import LAST_OLD_DAY, REFORM_DAY
from pipelines.rules.periods import Period

if TYPE_CHECKING:
    from pipelines.outputs.figures import UnitRef


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def period_words(period: Period) -> str:
    """ "Quý I năm 2023 (từ ngày 01/01/2023 đến ngày 31/03/2023)"."""
    if period.kind == "range":
        return f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"
    return f"{period.title_vi} ({period.range_vi})"


def no_figures_message(unit: UnitRef, period: Period, reason: str, note: str | None = None) -> str:
    return f"chưa có số liệu — {unit.label}, {period_words(period)}: {reason}{f'. {note}' if note else ''} — no data"


def today(con: duckdb.DuckDBPyConnection) -> date:
    """Today in the deployment's time zone (table deployment, macro tthc_local_now)."""
    return con.execute("select tthc_local_now()::date").fetchall()[0][0]


def unsupported(con: duckdb.DuckDBPyConnection, unit: UnitRef, units: str, period: Period) -> str | None:
    """Why no figure of `unit` for `period` can be given whatever the data holds, or None."""
    now = today(con)
    if period.start > now:
        return f"kỳ báo cáo chưa bắt đầu (hôm nay là ngày {now:%d/%m/%Y})"
    if units == "recorded" and unit.era == "2024" and period.start >= REFORM_DAY:
        rows = con.execute(
            "select successor_type, successor_name from communes where unit_key = ?", [unit.unit_key]
        ).fetchall()
        became = f" (nay thuộc {rows[0][0]} {rows[0][1]})" if rows and rows[0][1] else ""
        return (
            f"{unit.full_name} không còn là đơn vị hành chính từ {REFORM_DAY:%d/%m/%Y}{became}; "
            "báo cáo kỳ này theo đơn vị hiện nay (bỏ --units recorded)"
        )
    if units == "recorded" and unit.era == "2025" and period.end < REFORM_DAY:
        return (
            f"{unit.full_name} được thành lập từ {REFORM_DAY:%d/%m/%Y}; kỳ này trước ngày đó "
            "(bỏ --units recorded để cộng các đơn vị trước đó)"
        )
    return None


def no_rows_reason(con: duckdb.DuckDBPyConnection, unit: UnitRef, units: str, period: Period) -> str:
    """Why the warehouse has no case of `unit` alive in `period`."""
    first, last = con.execute(
        "select min(received_at)::date, max(greatest(received_at, finished_at, returned_at))::date from cases"
    ).fetchall()[0]
    if first is None:
        return "kho dữ liệu chưa có hồ sơ nào (hãy chạy tthc run với các tệp xuất)"
    if period.end < first or period.start > last:
        return f"kho dữ liệu chỉ có hồ sơ từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
    rolled = (
        " và các đơn vị trước đó" if units == "current" and unit.era == "2025" and period.start < REFORM_DAY else ""
    )
    return (
        f"kho dữ liệu chưa có hồ sơ nào của {unit.full_name}{rolled} trong kỳ này "
        "(tệp xuất của đơn vị chưa được nạp, hoặc đơn vị không có hồ sơ)"
    )


def predecessors_note(con: duckdb.DuckDBPyConnection, unit: UnitRef, units: str, period: Period) -> str | None:
    """A unit of today reported for a period before the reform is the sum of the units it was made
    of: name them, and name those the warehouse has no case of in the period, so a partial sum is
    never read as the whole unit."""
    if units != "current" or unit.era != "2025" or period.start >= REFORM_DAY:
        return None
    olds = con.execute(
        "select unit_key, unit_type || ' ' || commune_name from communes where successor_key = ? order by 2",
        [unit.unit_key],
    ).fetchall()
    if not olds:
        return None
    end = min(period.end, LAST_OLD_DAY)
    with_data = {
        r[0]
        for r in con.execute(
            "select distinct unit_key from cases where unit_key in (select unnest(?::varchar[])) "
            "and received_at < ?::date + interval 1 day and (finished_at is null or finished_at >= ?::date)",
            [[k for k, _ in olds], end, period.start],
        ).fetchall()
    }
    have = [name for key, name in olds if key in with_data]
    lack = [name for key, name in olds if key not in with_data]
    whole = period.end < REFORM_DAY
    head = (
        f"{_cap(unit.full_name)} được thành lập từ {REFORM_DAY:%d/%m/%Y}; số liệu của kỳ này là tổng các đơn vị "
        "trước đó"
        if whole
        else f"Trước ngày {REFORM_DAY:%d/%m/%Y}, số liệu của {unit.full_name} là tổng các đơn vị trước đó"
    )
    if not lack:
        return f"{head} ({', '.join(have)})."
    if not have:
        return (
            f"{head}, nhưng kho dữ liệu chưa có hồ sơ nào của {', '.join(lack)} trong kỳ này: số liệu dưới đây "
            f"chưa phải của toàn bộ {unit.full_name}."
        )
    return (
        f"{head} có dữ liệu ({', '.join(have)}); kho dữ liệu chưa có hồ sơ của {', '.join(lack)} trong kỳ này, "
        f"nên số liệu dưới đây chưa phải của toàn bộ {unit.full_name}."
    )


def payment_gap(con: duckdb.DuckDBPyConnection, unit: UnitRef, units: str, period: Period) -> str | None:
    """Why the online-payment rate says less than it should: the files the period's cases came
    from lack the fee column or the payment column (ingested_files.missing_columns). None when
    every case came from a file with both."""
    n, no_fee, no_paid = con.execute(
        """
        select count(*),
               count(*) filter (where list_contains(f.missing_columns, 'fee_amount')),
               count(*) filter (where list_contains(f.missing_columns, 'is_paid_online'))
        from cases c
        join reporting_units(units := ?) u on u.recorded_key = c.unit_key
        left join ingested_files f on f.sha256 = c.source_sha256
        where u.unit_key = ? and c.received_at >= ?::date and c.received_at < ?::date + interval 1 day
        """,
        [units, unit.unit_key, period.start, period.end],
    ).fetchall()[0]
    if not n:
        return None
    missing = [label for label, k in (("Phí, lệ phí", no_fee), ("Thanh toán trực tuyến", no_paid)) if k]
    if not missing:
        return None
    which = " và ".join(f"cột {m}" for m in missing)
    share = max(no_fee, no_paid)
    if share == n:
        return f"các tệp xuất của kỳ này không có {which}"
    return f"{share:,}/{n:,} hồ sơ tiếp nhận trong kỳ đến từ tệp xuất không có {which}".replace(",", ".")
