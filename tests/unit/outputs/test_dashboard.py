"""The dashboard's parts without a browser: charts as SVG, ranks, months, the 766 seam, numbers."""

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


def test_scores_rank_by_known_points_and_give_group_medians():
    def unit(key: str, tdgq: float | None, mdsh: float | None) -> UnitScore:
        return UnitScore(
            key,
            [
                Metric("TDGQ", "TIEN_DO", None, 20.0, tdgq, None),
                Metric("MDSH", "ORIGINAL_RESULT_AVAILABLE", None, 6.0, mdsh, None),
                Metric("CKMB", "CONG_KHAI", None, 18.0, None, "không tính được"),
            ],
        )

    s = Scores({"a": unit("a", 12.0, 3.5), "b": unit("b", 20.0, 6.0), "c": unit("c", None, None)}, {})
    assert s.units["a"].points == 15.5 and s.units["a"].max_known == 26.0
    assert s.units["c"].points is None and [m.metric_code for m in s.units["a"].unknown] == ["CONG_KHAI"]
    assert s.rank() == {"b": 1, "a": 2}
    assert s.group_medians() == {"TDGQ": 16.0, "MDSH": 4.75}
    assert s.units["a"].metrics[0].lost == 8.0 and s.units["a"].metrics[2].lost == 0.0


def test_a_warehouse_without_the_766_macros_gives_no_scores(con):
    assert not available(con)
    assert load_scores(con, parse_period("2026-11")) is None


def test_the_default_period_is_the_last_whole_month_before_the_last_run(con):
    con.execute("insert into runs (run_id, as_of) values ('r1', ?)", [datetime(2026, 1, 5, 2, 0)])
    assert default_period(con).label == "2025-12"
    con.execute("insert into runs (run_id, as_of) values ('r2', ?)", [datetime(2026, 3, 1, 2, 0)])
    assert default_period(con).label == "2026-02"
