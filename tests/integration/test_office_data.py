"""The office's data never changes behind its back (issue 17): not by a setting (a stage naming
its data), an edited inbox file (archived inputs are copies), a rebuild or restore beside a run
(the run lock), a backup cut short or damaged (checked before it goes back), nor by a run with
nothing new (it publishes nothing, rotates no backup)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import EXIT_DATA, EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE, app
from pipelines.config import Settings
from pipelines.run import run_local
from tests.site import site_paths

pytestmark = pytest.mark.slow  # every test runs the pipeline (a run costs ~3 s on its own), several twice

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;0{d}/{m}/2024 08:00;09/{m}/2024;08/{m}/2024 10:00;Đã trả kết quả"
CLI = [sys.executable, "-m", "pipelines.cli"]


def _export(path: Path, *ids: str, month: str = "01") -> Path:
    rows = [ROW.format(id=i, d=1 + n % 5, m=month) for n, i in enumerate(ids)]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _cases(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("select case_id from cases order by case_id").fetchall()]
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tthc(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def _nights_template(tmp_path_factory) -> Path:
    """A site after two nights (a warehouse, one backup, two archived inputs), built once: each
    test gets a copy (two runs per test cost minutes over the module)."""
    root = tmp_path_factory.mktemp("two-nights")
    s = Settings.load(**{name: str(path) for name, path in site_paths(root).items()})
    (root / "exports").mkdir()
    run_local([_export(root / "exports" / "a.csv", "A-1", "A-2")], s)
    run_local([_export(root / "exports" / "b.csv", "B-1", "B-2", "B-3", month="04")], s)
    return root


@pytest.fixture
def two_nights(_nights_template, site_root, tmp_path) -> Settings:
    """This test's site after two nights; the two exports (a.csv, b.csv) in tmp_path."""
    shutil.copytree(_nights_template / "data", site_root / "data", dirs_exist_ok=True)
    for name in ("a.csv", "b.csv"):
        shutil.copy2(_nights_template / "exports" / name, tmp_path / name)
    return Settings.load()


def _office(s: Settings) -> dict[str, str]:
    """Every file the office keeps (warehouse, backups, archive, inbox), by path: its SHA-256."""
    out = {str(s.db): _sha(s.db)}
    for folder in (s.backups, s.input_archive, s.inbox, Path(s.inbox_archive)):
        if Path(folder).is_dir():
            out.update({str(p): _sha(p) for p in Path(folder).rglob("*") if p.is_file()})
    return out


@pytest.mark.parametrize("where", ["data", "data/inbox", "data/archive", "data/backups/x", "."])
def test_a_stage_that_is_holds_or_lies_in_the_office_data_is_refused(tmp_path, site_root, where, two_nights):
    s = two_nights
    (Path(s.inbox)).mkdir(parents=True, exist_ok=True)
    _export(Path(s.inbox) / "waiting.csv", "W-1")
    before = _office(s)
    result = CliRunner().invoke(
        app,
        ["run", "--no-prefect", str(_export(tmp_path / "c.csv", "C-1"))],
        env={"TTHC_STAGE": str(site_root / where)},
    )
    assert result.exit_code == EXIT_USAGE, result.output
    assert "stage" in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert _office(s) == before  # nothing deleted, nothing published


def test_a_run_removes_only_its_own_run_folder(tmp_path):
    stage = tmp_path / "stage"
    (stage / "notes").mkdir(parents=True)
    (stage / "notes" / "keep.txt").write_text("the operator's own file", encoding="utf-8")
    (stage / "todo.txt").write_text("another", encoding="utf-8")
    killed = stage / "20261201T020000-abcdef"  # left by a run killed while staging
    (killed / "0123456789abcdef").mkdir(parents=True)
    (killed / ".tthc-run").write_text("20261201T020000-abcdef\n", encoding="utf-8")
    s = Settings.load(stage=stage)
    summary = run_local([_export(tmp_path / "a.csv", "A-1")], s)
    assert summary.count("loaded") == 1
    assert sorted(p.name for p in stage.iterdir()) == ["notes", "todo.txt"]
    assert (stage / "notes" / "keep.txt").read_text(encoding="utf-8") == "the operator's own file"


def test_an_edited_inbox_file_never_changes_what_was_archived(tmp_path):
    """`cp next-export.csv a.csv` over a loaded file: the archive still holds what was loaded."""
    s = Settings.load()
    inbox_file = _export(tmp_path / "a.csv", *[f"A-{i}" for i in range(18)])
    run_local([inbox_file], s)
    objects = [p for p in (Path(s.input_archive) / "objects").rglob("*") if p.is_file()]
    assert len(objects) == 1
    st = objects[0].stat()
    assert st.st_nlink == 1 and not st.st_mode & 0o222  # a copy of its own, read-only
    with open(inbox_file, "w", encoding="utf-8") as fh:  # rewritten in place, as cp does
        fh.write(HEADER + "\n" + "\n".join(ROW.format(id=f"N-{i}", d=1, m="02") for i in range(11)) + "\n")
    assert _tthc("rebuild").returncode == EXIT_OK
    assert _cases(s.db) == sorted(f"A-{i}" for i in range(18))


def test_rebuild_refuses_an_archived_input_that_changed_and_names_it(tmp_path, two_nights):
    s = two_nights
    before = _sha(s.db)
    sha_a = _sha(tmp_path / "a.csv")
    obj = Path(s.input_archive) / "objects" / sha_a[:2] / sha_a
    obj.chmod(0o644)
    obj.write_bytes(obj.read_bytes().replace(b"A-2", b"X-9"))  # bit rot, or an edit through a link
    done = _tthc("rebuild")
    assert done.returncode == EXIT_ENVIRONMENT, done.stdout + done.stderr
    said = done.stderr.replace("\n", "")
    assert sha_a[:12] in said and "a.csv" in said and "Traceback" not in said
    assert _sha(s.db) == before


def test_a_killed_rebuild_leaves_no_working_folder(tmp_path, two_nights):
    s = two_nights
    killed = _tthc("rebuild", env=dict(os.environ, TTHC_KILL_AT="staged"))
    assert killed.returncode == -9
    assert [p.name for p in Path(s.db).parent.glob("tthc-rebuild-*")] != []  # what a kill leaves
    assert _tthc("rebuild").returncode == EXIT_OK
    assert list(Path(s.db).parent.glob("tthc-rebuild-*")) == []


def _paused_run(tmp_path: Path, name: str, *ids: str) -> subprocess.Popen:
    """A run of one file that holds the run lock while it pauses in staging (6 s)."""
    env = dict(os.environ, TTHC_PAUSE_AT="staging", TTHC_PAUSE_SECONDS="6")
    proc = subprocess.Popen(
        [*CLI, "run", "--no-prefect", str(_export(tmp_path / name, *ids, month="07"))],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = Path(str(Settings.load().db) + ".lock")
    deadline = time.monotonic() + 60
    while not _held(lock):
        assert time.monotonic() < deadline and proc.poll() is None, "the run did not start"
        time.sleep(0.1)
    return proc


def _held(lock: Path) -> bool:
    """Another process holds the run lock."""
    if not lock.exists():
        return False
    with open(lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def test_rebuild_and_restore_wait_for_a_run_and_keep_its_files(tmp_path, two_nights):
    s = two_nights
    run = _paused_run(tmp_path, "c.csv", "C-1")
    rebuilt = _tthc("rebuild")  # waits for the run, then reads the archive the run added c.csv to
    assert run.wait(timeout=120) == EXIT_OK, run.stderr.read() if run.stderr else ""
    assert rebuilt.returncode == EXIT_OK, rebuilt.stdout + rebuilt.stderr
    assert _cases(s.db) == ["A-1", "A-2", "B-1", "B-2", "B-3", "C-1"]

    run = _paused_run(tmp_path, "d.csv", "D-1")
    restored = _tthc("restore")  # waits, then puts back the newest backup: the warehouse the run replaced
    assert run.wait(timeout=120) == EXIT_OK
    assert restored.returncode == EXIT_OK, restored.stdout + restored.stderr
    assert _cases(s.db) == ["A-1", "A-2", "B-1", "B-2", "B-3", "C-1"]


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "not a warehouse"])
def test_restore_refuses_a_backup_that_is_not_whole(tmp_path, damage, two_nights):
    s = two_nights
    (backup,) = Path(s.backups).glob("*.duckdb")
    data = bytearray(backup.read_bytes())
    backup.unlink()  # a hard link to the old warehouse: write a new file, as damage would
    if damage == "random bytes":
        data[len(data) // 2 : len(data) // 2 + 50_000] = os.urandom(50_000)
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        con = duckdb.connect(str(backup))
        con.execute("create table notes as select 1 as x")
        con.close()
        (backup.with_name(backup.name + ".sha256")).unlink(missing_ok=True)  # nothing recorded: DuckDB's own check
    if damage != "not a warehouse":
        backup.write_bytes(bytes(data))
    before = _sha(s.db)
    result = CliRunner().invoke(app, ["restore"])
    assert result.exit_code == EXIT_ENVIRONMENT, result.output
    assert backup.name in result.output.replace("\n", "")
    assert _sha(s.db) == before
    assert _cases(s.db) == ["A-1", "A-2", "B-1", "B-2", "B-3"]


def test_a_backup_cut_short_by_a_full_disk_never_keeps_a_backups_name(tmp_path, monkeypatch, two_nights):
    s = two_nights
    kept = sorted(Path(s.backups).glob("*.duckdb"))
    real_copyfile, real_link = shutil.copyfile, os.link

    def full_disk(src, dst, *a, **k):
        if Path(s.backups) in Path(dst).parents:
            with open(dst, "wb") as fh:
                fh.write(Path(src).read_bytes()[:4096])
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_copyfile(src, dst, *a, **k)

    def other_disk(src, dst, *a, **k):
        if Path(s.backups) in Path(dst).parents:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(src, dst, *a, **k)

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    monkeypatch.setattr(os, "link", other_disk)
    published = _sha(s.db)
    with pytest.raises(OSError, match="No space left"):
        run_local([_export(tmp_path / "c.csv", "C-1")], s)
    monkeypatch.undo()
    assert sorted(Path(s.backups).glob("*.duckdb")) == kept
    assert _sha(s.db) == published


def test_a_run_that_changes_nothing_publishes_nothing(tmp_path, two_nights):
    s = two_nights
    bad = tmp_path / "bad.csv"
    bad.write_text("Họ tên;Địa chỉ\nNguyễn Văn A;Nam Định\n", encoding="utf-8")  # no header: rejected
    first = run_local([tmp_path / "b.csv", bad], s)  # b.csv known, bad.csv rejected: recorded once
    assert [f.status for f in first.files] == ["skipped", "rejected"]
    published, backups = _sha(s.db), sorted(p.name for p in Path(s.backups).iterdir())
    Path(s.inbox).mkdir(parents=True, exist_ok=True)
    summaries = [run_local(paths, s) for paths in ([Path(s.inbox)], [tmp_path / "a.csv", tmp_path / "b.csv"], [bad])]
    assert _sha(s.db) == published
    assert sorted(p.name for p in Path(s.backups).iterdir()) == backups
    assert [summary.published for summary in summaries] == [False, False, False]
    result = CliRunner().invoke(app, ["run", "--no-prefect", str(Path(s.inbox))])
    assert result.exit_code == EXIT_OK and "Không có gì mới" in result.output
    result = CliRunner().invoke(app, ["run", "--no-prefect", str(bad)])
    assert result.exit_code == EXIT_DATA and "từ chối" in result.output  # still said, still exit 1
    assert _sha(s.db) == published
    # a new file is news again
    assert run_local([_export(tmp_path / "c.csv", "C-1")], s).published
    assert _sha(s.db) != published


def test_restore_list_says_what_each_backup_holds(tmp_path):
    s = Settings.load()
    first = run_local([_export(tmp_path / "a.csv", "A-1", "A-2")], s)
    run_local([_export(tmp_path / "b.csv", "B-1", "B-2", "B-3", month="04")], s)
    second = run_local([_export(tmp_path / "c.csv", "C-1", month="07")], s)
    run_local([tmp_path / "c.csv"], s)  # nothing new: no backup kept
    result = CliRunner().invoke(app, ["restore", "--list"])
    assert result.exit_code == EXIT_OK, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warehouse-")]
    assert len(lines) == 2  # two publishes replaced a file; the run with nothing new kept none
    newest, oldest = lines
    # the newest backup is the warehouse of the second night: a.csv and b.csv, 5 cases, Q1–Q2 2024
    assert second.run_id[:15] in newest  # kept when the third night replaced it (its name)
    assert "2 tệp đã nạp" in newest and "5 hồ sơ" in newest and "quý 2024Q1 – 2024Q2" in newest
    assert "1 tệp đã nạp" in oldest and "2 hồ sơ" in oldest and "quý 2024Q1 – 2024Q1" in oldest
    assert f"lần chạy {first.run_id}" in oldest
    day = first.run_id[6:8] + "/" + first.run_id[4:6] + "/" + first.run_id[:4]  # local date of the run
    assert f"công bố lúc {day}" in oldest


def test_the_summary_balances_when_a_file_is_rejected_over_reject_share(tmp_path):
    s = Settings.load()
    rows = [ROW.format(id="G-1", d=1, m="01")] + [
        ROW.format(id=f"Q-{i}", d=1, m="01").replace("05/01/2024", "31/02/2024").replace("01/01/2024", "31/02/2024")
        for i in range(8)
    ]
    path = tmp_path / "mostly_bad.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--no-prefect", str(path)])
    assert result.exit_code == EXIT_DATA, result.output
    text = " ".join(result.output.split())
    assert "9 dòng đọc = 0 nạp + 0 cách ly + 0 trùng + 9 thuộc tệp bị từ chối" in text
    con = duckdb.connect(str(s.db), read_only=True)
    try:
        assert con.execute("select count(*) from quarantine").fetchone() == (0,)
        read, loaded, quarantined, duplicate, rejected = con.execute(
            "select rows_read, rows_loaded, rows_quarantined, rows_duplicate, rows_rejected from runs"
        ).fetchone()
        assert (read, loaded, quarantined, duplicate, rejected) == (9, 0, 0, 0, 9)
    finally:
        con.close()
