"""The dashboard's parts without a browser: charts as SVG, ranks, months, the 766 score's sums, numbers."""

from __future__ import annotations

import re
from datetime import date, datetime

from pipelines.outputs.dashboard import svg
from pipelines.outputs.dashboard.data import _rank, default_period
from pipelines.outputs.dashboard.score766 import Metric, Scores, UnitScore, available, load_scores
from pipelines.outputs.dashboard.series import months_until
from pipelines.outputs.vnformat import vn_num
from pipelines.rules.periods import parse_period


def test_vn_num_writes_points_the_vietnamese_way():
    assert vn_num(85.5) == "85,5"
    assert vn_num(1234.25) == "1.234,25"
    assert vn_num(20.0) == "20"
    assert vn_num(4.75) == "4,75"
    assert vn_num(None) == "chưa có số liệu"


def test_sparkline_leaves_gaps_where_a_month_has_no_rate():
    spark = str(svg.sparkline([50.0, None, 60.0, 70.0], "Tỷ lệ đúng hạn"))
    assert spark.count("<polyline") == 1  # 60 → 70; the lone 50 between gaps is a dot
    assert len(re.findall(r'points="([^"]+)"', spark)[0].split()) == 2
    assert 'r="1.2"' in spark  # the lone month
    assert "thấp nhất 50 %, cao nhất 70 %, gần nhất 70 %" in spark
    assert str(svg.sparkline([None, None], "x")) == '<span class="nodata">chưa có số liệu</span>'


def test_ranked_bars_write_each_value_and_escape_names():
    chart = str(svg.ranked_bars([("xã <A>", 97.73, True), ("xã B", None, False)], "Xếp hạng", median=97.73))
    assert "97,73 %" in chart and "chưa có số liệu" in chart
    assert "xã &lt;A&gt;" in chart and "<A>" not in chart
    assert "trung vị 97,73 %" in chart
    assert chart.count("<rect") == 1  # no bar for the unit without a value
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart


def test_month_columns_mark_the_reform_and_outline_late_cases():
    chart = str(
        svg.month_columns(
            ["05/2025", "06/2025", "07/2025"], [(1, 0, 1), (0, 0, 0), (3, 1, 0)], [True, True, False], "t", "01/07/2025"
        )
    )
    assert "01/07/2025" in chart and 'stroke-dasharray="5 3"' in chart
    assert "cộng các đơn vị cũ" in chart
    assert chart.count('fill="#D55E00" stroke="#1A1A1A"') == 1  # the one month with a late case
    no_reform = str(svg.month_columns(["08/2025"], [(1, 0, 0)], [False], "t", None))
    assert "cộng các đơn vị cũ" not in no_reform


def test_months_until_stops_at_the_first_case():
    months = months_until(date(2026, 11, 30), date(2025, 5, 3))
    assert (months[0].label, months[-1].label, len(months)) == ("2025-05", "2026-11", 19)
    assert months[0].before_reform and not months[2].before_reform
    full = months_until(date(2026, 11, 30), None)
    assert (full[0].label, len(full)) == ("2023-12", 36)
    assert months_until(date(2024, 3, 31), None, n=2)[0].end == date(2024, 2, 29)


def test_ranks_share_a_place_on_ties_and_skip_units_without_a_value():
    assert _rank({"a": 90.0, "b": 95.0, "c": 90.0, "d": None, "e": 80.0}) == {"b": 1, "a": 2, "c": 2, "e": 4}


def test_scores_sum_known_points_per_group_and_give_group_medians():
    """a: 12 + 3,5 = 15,5 of the 26 its known metrics weigh (CKMB unknown); groups over the maxima of
    the known metrics; medians over the units with points in the group: TDGQ (12, 20) → 16, MDSH
    (3,5, 6) → 4,75; c has none."""

    def unit(key: str, tdgq: float | None, mdsh: float | None) -> UnitScore:
        def m(group: str, code: str, top: float, pts: float | None) -> Metric:
            return Metric(group, code, code, None, top, pts, None if pts is None else top - pts, None)

        return UnitScore(
            key,
            [
                m("CKMB", "DOSSIER_SYNC", 6.0, None),
                m("TDGQ", "TIEN_DO", 20.0, tdgq),
                m("MDSH", "ORIGINAL_RESULT_AVAILABLE", 6.0, mdsh),
                m("MDSH", "SO_HOA_GIAY_TO_GIAI_QUYET", 4.0, None),
            ],
        )

    s = Scores({"a": unit("a", 12.0, 3.5), "b": unit("b", 20.0, 6.0), "c": unit("c", None, None)}, {})
    a = s.units["a"]
    assert (a.points, a.max_known) == (15.5, 26.0)
    assert [m.metric_code for m in a.unknown] == ["DOSSIER_SYNC", "SO_HOA_GIAY_TO_GIAI_QUYET"]
    assert a.groups() == {"CKMB": (None, 0.0, 6.0), "TDGQ": (12.0, 20.0, 20.0), "MDSH": (3.5, 6.0, 10.0)}
    assert s.units["c"].points is None and s.units["c"].max_known is None
    assert s.group_medians() == {"TDGQ": 16.0, "MDSH": 4.75}
    assert a.metrics[1].lost == 8.0 and a.metrics[0].lost == 0.0
    assert s.group_labels["MDSH"] == "Số hóa hồ sơ"  # from schemas/score766_groups.csv


def test_a_warehouse_without_the_766_macros_gives_no_scores(con):
    """A warehouse of today has the 766 macros (an empty one scores no unit); one written before
    them gives None, which the pages write as "chưa có số liệu" with the reason."""
    assert available(con)
    empty = load_scores(con, parse_period("2026-11"))
    assert empty is not None and empty.units == {} and empty.cases == {}
    con.execute("drop macro table score766_between")
    assert not available(con)
    assert load_scores(con, parse_period("2026-11")) is None


def test_the_default_period_is_the_last_whole_month_before_the_last_run(con):
    con.execute("insert into runs (run_id, as_of) values ('r1', ?)", [datetime(2026, 1, 5, 2, 0)])
    assert default_period(con).label == "2025-12"
    con.execute("insert into runs (run_id, as_of) values ('r2', ?)", [datetime(2026, 3, 1, 2, 0)])
    assert default_period(con).label == "2026-02"
