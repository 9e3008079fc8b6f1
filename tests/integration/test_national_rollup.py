"""A province per warehouse, the nation as a roll-up of their per-unit aggregates (issue 21).

Two provinces' exports written by hand (DVCQG-style CSV, today's units): tỉnh Ninh Bình (phường
Thiên Trường, phường Nam Định) and thành phố Hà Nội (phường Ba Đình). Each is run into its own
warehouse, exports its aggregates to one shared folder, and the roll-up must give exactly the
per-unit rows each warehouse holds, province and national sums that add up, and indicator values
computed again from summed numerators and denominators."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.outputs.aggregates import export_aggregates
from pipelines.outputs.national import RollupError, roll_up
from pipelines.run import run_local

HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
)
# October 2026. Early = finished on a day before the due day; on time = on the due day by the due
# time (a due date without a time: the end of that day); late = after it (sql/macros/classify.sql).
# Ninh Bình: NB-1 early, NB-2 on time (finished on its due day), NB-3 late, NB-4 in progress;
# Hà Nội: HN-1 early, HN-2 on time (09/10 10:00 on a due date of 09/10).
NINH_BINH = [
    "NB-1;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;"
    "01/10/2026 08:00;06/10/2026;02/10/2026 09:00;Đã trả kết quả",
    "NB-2;Chứng thực bản sao;Chứng thực;UBND phường Thiên Trường;Trực tiếp;"
    "02/10/2026 08:00;02/10/2026 17:00;02/10/2026 10:00;Đã trả kết quả",
    "NB-3;Đăng ký khai tử;Hộ tịch;UBND phường Nam Định;Trực tuyến;"
    "05/10/2026 08:00;08/10/2026 17:00;12/10/2026 09:00;Đã trả kết quả",
    "NB-4;Đăng ký kết hôn;Hộ tịch;UBND phường Nam Định;Trực tuyến;20/10/2026 08:00;25/12/2026;;Đang xử lý",
]
HA_NOI = [
    "HN-1;Đăng ký khai sinh;Hộ tịch;UBND phường Ba Đình;Trực tuyến;"
    "01/10/2026 08:00;06/10/2026;05/10/2026 09:00;Đã trả kết quả",
    "HN-2;Đăng ký khai sinh;Hộ tịch;UBND phường Ba Đình;Trực tiếp;"
    "07/10/2026 08:00;09/10/2026;09/10/2026 10:00;Đã trả kết quả",
]


def _province(settings, root: Path, name: str, province: str, rows: list[str]):
    folder = root / name
    folder.mkdir()
    export = folder / f"danh-sach-ho-so-{name}.csv"
    export.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    s = replace(settings, province=province, db=folder / "warehouse.duckdb", stage=folder / "stage")
    summary = run_local([export], s)
    assert summary.count("loaded") == 1, summary
    return s


@pytest.fixture(scope="module")
def provinces(tmp_path_factory):
    from pipelines.config import Settings

    root = tmp_path_factory.mktemp("nation")
    base = Settings.load(
        config_file=root / "none.toml",
        out=root / "out",
        inbox=root / "inbox",
        backups=root / "backups",
        input_archive=root / "archive",
        prefect_home=root / "prefect",
        settle_seconds=0,
        inbox_archive="",
    )
    nb = _province(base, root, "ninh-binh", "Ninh Bình", NINH_BINH)
    hn = _province(base, root, "ha-noi", "Hà Nội", HA_NOI)
    shared = root / "shared"
    exports = [export_aggregates(s.db, shared) for s in (nb, hn)]
    nation = roll_up([shared], root / "national.duckdb")
    return nb, hn, exports, nation


def _rows(db: Path, sql: str) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute(sql).fetchall())
    finally:
        con.close()


def test_each_province_exports_under_todays_province_code(provinces):
    _, _, exports, nation = provinces
    assert [e.provinces for e in exports] == [["37"], ["01"]]
    assert {(code, name) for code, name, _, _ in nation.provinces} == {("37", "Ninh Bình"), ("01", "Hà Nội")}
    assert not nation.mixed_rules and nation.conflicts == 0


def test_the_roll_up_holds_exactly_each_provinces_unit_rows(provinces):
    nb, hn, _, nation = provinces
    ours = _rows(nb.db, "select * from report_form") | _rows(hn.db, "select * from report_form")
    rolled = _rows(nation.db, "select * exclude (province_code, province_name) from report_form")
    assert rolled == ours
    ind = _rows(nb.db, "select * from indicators") | _rows(hn.db, "select * from indicators")
    assert _rows(nation.db, "select * exclude (province_code, province_name) from indicators") == ind


def test_province_and_national_sums_count_the_hand_written_cases(provinces):
    *_, nation = provinces
    sql = (
        "select province_code, received_total, resolved_total, resolved_early, resolved_on_time, resolved_late, "
        "in_progress_total from report_form_provinces where period = '2026Q4' and sector is null"
    )
    assert _rows(nation.db, sql) == {("37", 4, 3, 1, 1, 1, 1), ("01", 2, 2, 1, 1, 0, 0)}
    national = _rows(
        nation.db,
        "select provinces, units, received_total, resolved_total, resolved_early, resolved_late "
        "from report_form_national where period = '2026Q4' and sector is null",
    )
    assert national == {(2, 3, 6, 5, 2, 1)}


def test_national_indicators_are_recomputed_from_summed_numerators(provinces):
    *_, nation = provinces
    early = _rows(
        nation.db,
        "select numerator, denominator, value from indicators_national "
        "where period = '2026Q4' and sector is null and indicator = 'early_pct'",
    )
    assert early == {(2.0, 5.0, 40.0)}  # 1 + 1 early of 3 + 2 resolved
    online = _rows(
        nation.db,
        "select province_code, numerator, denominator, value from indicators_provinces "
        "where period = '2026Q4' and sector is null and indicator = 'online_pct'",
    )
    assert online == {("37", 3.0, 4.0, 75.0), ("01", 1.0, 2.0, 50.0)}


def test_exporting_again_replaces_the_province_and_mixed_rules_are_named(provinces, tmp_path):
    nb, hn, _, _ = provinces
    shared = tmp_path / "shared"
    export_aggregates(nb.db, shared)
    export_aggregates(nb.db, shared)  # a second night: the province's folders are replaced, not added
    again = roll_up([shared], tmp_path / "n.duckdb")
    assert again.conflicts == 0 and again.units == 2
    # a province whose export was built by other rules (another version) is named as such
    other = tmp_path / "other"
    export_aggregates(hn.db, other)
    con = duckdb.connect()
    for table in ("report_form", "indicators"):
        for f in (other / table).rglob("*.parquet"):
            con.execute(
                f"copy (select * replace ('0000' as rules_hash) from read_parquet('{f}', hive_partitioning = false)) "
                f"to '{f}.new' (format parquet)"
            )
            Path(f"{f}.new").replace(f)
    mixed = roll_up([shared, other], tmp_path / "m.duckdb")
    assert mixed.mixed_rules
    assert {p[3] for p in mixed.provinces if p[0] == "01"} == {"0000"}


def test_no_aggregates_is_a_sentence(tmp_path):
    with pytest.raises(RollupError, match="không thấy số liệu tổng hợp"):
        roll_up([tmp_path], tmp_path / "n.duckdb")
