"""A warehouse never keeps figures computed by other rules, and its identity checks can fail."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines import sqlfiles
from pipelines.run import run_local
from pipelines.warehouse import IdentityError, build, building, init_schema
from pipelines.warehouse.build import check
from tests.paths import REPO

CSV_HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Đơn vị giải quyết;Hình thức nộp;Ngày tiếp nhận;Ngày hẹn trả;"
    "Ngày có kết quả;Trạng thái\n"
)


def _export(path: Path, rows: list[str]) -> Path:
    path.write_text(CSV_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select build_mode, rules_hash from runs order by started_at, rowid").fetchall()
    finally:
        con.close()


def _q1(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select resolved_on_time, resolved_late from report_form "
            "where period = '2024Q1' and sector is null and commune_name = 'Mỹ Tân'"
        ).fetchone()
    finally:
        con.close()


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    """A private copy of sql/ that the run reads instead of the repository's."""
    sql = tmp_path / "sql"
    shutil.copytree(REPO / "sql", sql)
    monkeypatch.setattr(sqlfiles, "SQL", sql)
    for cached in (sqlfiles.manifest, sqlfiles.sql_text, sqlfiles.rules_hash):
        cached.cache_clear()
    yield sql
    for cached in (sqlfiles.manifest, sqlfiles.sql_text, sqlfiles.rules_hash):
        cached.cache_clear()


def test_a_changed_rule_rebuilds_every_period(settings, tmp_path, rules_copy):
    a = _export(
        tmp_path / "a.csv",
        [
            "A-1;Khai sinh;Hộ tịch;UBND xã Mỹ Tân;Trực tiếp;02/01/2024 08:00;05/01/2024;05/01/2024 15:00;Đã trả",
            "A-2;Khai sinh;Hộ tịch;UBND xã Mỹ Tân;Trực tiếp;02/01/2024 08:00;03/01/2024;03/01/2024 16:30;Đã trả",
        ],
    )
    b = _export(
        tmp_path / "b.csv",
        [
            "B-1;Khai tử;Hộ tịch;UBND xã Mỹ Tân;Trực tiếp;02/10/2024 08:00;05/10/2024;04/10/2024 09:00;Đã trả kết quả",
        ],
    )
    c = _export(
        tmp_path / "c.csv",
        [
            "C-1;Khai tử;Hộ tịch;UBND xã Mỹ Tân;Trực tiếp;03/10/2024 08:00;05/10/2024;04/10/2024 09:00;Đã trả kết quả",
        ],
    )
    run_local([a], settings)
    assert _q1(settings.db) == (2, 0)  # due dates without a time: the deadline is the end of that day
    run_local([b], settings)  # same rules: only the periods from 2024Q4 on are rebuilt
    assert [m for m, _ in _runs(settings.db)] == ["full", "incremental"]

    # an upgrade changes the deadline rule: a due date without time now ends at 00:00
    deadline = rules_copy / "macros" / "deadline.sql"
    deadline.write_text(
        deadline.read_text().replace(
            "case when d = date_trunc('day', d) then d + interval 86399 second else d end", "d"
        )
    )
    sqlfiles.sql_text.cache_clear()
    sqlfiles.rules_hash.cache_clear()
    run_local([c], settings)  # a file of 2024Q4 only, yet 2024Q1 is computed again, on the new rule
    runs = _runs(settings.db)
    assert [m for m, _ in runs] == ["full", "incremental", "full"]
    assert runs[1][1] != runs[2][1]
    assert _q1(settings.db) == (0, 2)


def test_the_received_total_identity_fails_on_a_broken_count(settings):
    """received_total is counted on its own: a case of unknown channel (a file without the column)
    is in received_channel_unknown and the identity holds; a count that no longer adds up (here an
    offline count edited by hand) breaks identity 1 and the check stops the build."""
    with building(settings.db) as con:
        init_schema(con, settings)
        con.execute(
            "insert into communes (unit_key, commune_code, era, commune_name, unit_type) "
            "values ('13723@2024', '13723', '2024', 'Mỹ Tân', 'xã')"
        )
        con.execute(
            "insert into cases (case_id, commune_code, commune_name, sector, channel, received_at, due_at, "
            "status) values ('X-1', '13723', 'Mỹ Tân', 'Hộ tịch', 'online', '2024-01-02 08:00', "
            "'2024-01-05', 'processing'), ('X-2', '13723', 'Mỹ Tân', 'Hộ tịch', null, "
            "'2024-01-02 08:00', '2024-01-05', 'processing')"
        )
        assert build(con, as_of=datetime(2024, 6, 30)) == "full"
        row = con.execute(
            "select received_total, received_online, received_offline, received_channel_unknown from report_form "
            "where sector is null and period = '2024Q1'"
        ).fetchone()
        assert row == (2, 1, 0, 1)
        con.execute("update report_form set received_offline = received_offline + 1 where sector is null")
        with pytest.raises(IdentityError, match="received_total"):
            check(con)
