"""Inbox hygiene for the night shift: a file still being copied is not read half-written, and loaded
files leave the inbox for a dated archive."""

from __future__ import annotations

import os
import time

import duckdb

import pipelines.inbox as inbox_module
from pipelines.inbox import fingerprint
from pipelines.run import run_local

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROWS = [
    f"C-{i};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024;Đã trả kết quả" for i in range(6)
]


def _cases(db) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select case_id from cases").fetchall())
    finally:
        con.close()


def _age(path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_half_written_file_waits_then_loads_whole(settings):
    settings.settle_seconds = 30
    settings.inbox.mkdir()
    export = settings.inbox / "dang-chep.csv"
    export.write_text(HEADER + "\n" + "\n".join(ROWS[:2]) + "\n", encoding="utf-8")  # the copy is under way
    first = run_local([settings.inbox], settings)
    assert first.waiting == [export.name] and first.files == []
    assert not settings.db.exists() or _cases(settings.db) == []
    with open(export, "a", encoding="utf-8") as fh:  # the copy finishes; nobody touches it for a while
        fh.write("\n".join(ROWS[2:]) + "\n")
    _age(export, 120)
    second = run_local([settings.inbox], settings)
    assert second.waiting == [] and [f.status for f in second.files] == ["loaded"]
    assert _cases(settings.db) == [f"C-{i}" for i in range(6)]  # every row, not the first two


def test_a_file_that_changes_while_it_is_hashed_waits(settings, monkeypatch, tmp_path):
    export = tmp_path / "growing.csv"
    export.write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-8")
    real = inbox_module.file_sha256

    def copy_still_running(path):
        digest = real(path)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(ROWS[1] + "\n")
        return digest

    monkeypatch.setattr(inbox_module, "file_sha256", copy_still_running)
    assert fingerprint(export)[1] is False
    summary = run_local([export], settings)
    assert summary.waiting == [export.name] and summary.files == []


def test_loaded_inbox_files_move_to_a_dated_archive_and_others_stay(settings, tmp_path):
    settings.inbox_archive = str(tmp_path / "archive")
    (settings.inbox / "xa").mkdir(parents=True)
    good = settings.inbox / "xa" / "ds.csv"
    good.write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-8")
    bad = settings.inbox / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    elsewhere = tmp_path / "given.csv"
    elsewhere.write_text(HEADER + "\n" + ROWS[1] + "\n", encoding="utf-8")
    summary = run_local([settings.inbox, elsewhere], settings)
    assert {f.name: f.status for f in summary.files} == {
        "ds.csv": "loaded",
        "hong.xlsx": "rejected",
        "given.csv": "loaded",
    }
    day = summary.run_id[:8]
    moved = tmp_path / "archive" / f"{day[:4]}-{day[4:6]}-{day[6:]}" / "xa" / "ds.csv"
    assert summary.archived == [str(moved)] and moved.exists() and not good.exists()
    assert bad.exists()  # a rejected file stays for the office to see and replace
    assert elsewhere.exists()  # only the inbox is tidied
    # the same bytes landing again are skipped and archived too (the inbox keeps only what is new)
    again = settings.inbox / "xa" / "ds.csv"
    again.write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-8")
    second = run_local([settings.inbox], settings)
    assert {f.name: f.status for f in second.files}["ds.csv"] == "skipped"
    assert not again.exists() and moved.with_name("ds-1.csv").exists()
