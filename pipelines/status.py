"""`tthc status`: did last night's run happen? One command for an official or the IT person.

It asks the Prefect server (the one `tthc run` would use) about the nightly deployment: the last
runs and how they ended, the next scheduled one; looks at the inbox (what waits, what is still
being copied) and at the published warehouse (its last run, the code and rules that built it,
its storage format). Exit code 0: the last scheduled run completed and none is overdue; 1: the
last one failed or crashed, or one is overdue; 2: the server or the deployment cannot be reached,
so nobody can tell.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipelines import __version__
from pipelines.config import Settings
from pipelines.inbox import discover, fingerprint
from pipelines.prefect_server import find_server, read_state
from pipelines.sqlfiles import rules_hash
from pipelines.warehouse.access import WarehouseUnreadable, held_warning, open_read, writer_of

DEPLOYMENT = "tthc-nightly/tthc-nightly"  # flow name / deployment name
OVERDUE_MINUTES = 30  # a scheduled run not started this long after its time is overdue


@dataclass
class Status:
    server: str | None = None
    server_ok: bool = False
    serve_pid: int | None = None
    deployment: bool = False
    schedule: str | None = None
    last_runs: list[dict[str, Any]] = field(default_factory=list)
    next_run: str | None = None
    running: str | None = None
    overdue: list[str] = field(default_factory=list)
    inbox: str = ""
    inbox_new: list[str] = field(default_factory=list)
    inbox_loaded: list[str] = field(default_factory=list)
    inbox_waiting: list[str] = field(default_factory=list)
    warehouse: str = ""
    warehouse_exists: bool = False
    warehouse_run: dict[str, Any] = field(default_factory=dict)
    storage_version: str | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not failures of the service (exit code unchanged)
    exit_code: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, default=str)


def _local(ts: str | None, tz: str) -> str | None:
    if not ts:
        return None
    moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M:%S")


def _api(client: Any, method: str, path: str, body: dict | None = None) -> Any:
    r = client.request(method, path, json=body)
    r.raise_for_status()
    return r.json()


def _runs(client: Any, ids: dict, states: list[str], sort: str, limit: int, **extra: object) -> list[dict]:
    """Flow runs of the deployment in one of `states` (Prefect's /flow_runs/filter)."""
    flow_runs = {**ids, "state": {"type": {"any_": states}}, **extra}
    return _api(client, "POST", "/flow_runs/filter", {"flow_runs": flow_runs, "sort": sort, "limit": limit})


def _prefect(st: Status, settings: Settings) -> None:
    import httpx

    server = find_server(settings)
    state = read_state(settings)
    st.serve_pid = int(state["pid"]) if state and server and server.source == "serve" else None
    if server is None:
        st.problems.append("không có máy chủ Prefect nào đang chạy (tthc serve chưa chạy?) — no Prefect server is up")
        st.exit_code = 2
        return
    st.server = server.describe()
    try:
        with httpx.Client(base_url=server.api_url, timeout=10) as client:
            _api(client, "GET", "/health")
            st.server_ok = True
            try:
                dep = _api(client, "GET", f"/deployments/name/{DEPLOYMENT}")
            except httpx.HTTPStatusError:
                st.problems.append(
                    "máy chủ chưa có lịch chạy hằng đêm (chưa chạy tthc serve lần nào) — "
                    "no nightly deployment on the server"
                )
                st.exit_code = 2
                return
            st.deployment = True
            schedules = dep.get("schedules") or []
            if schedules:
                s = schedules[0].get("schedule", {})
                st.schedule = (
                    s.get("cron")
                    and f"cron '{s['cron']}' ({s.get('timezone')})"
                    or (s.get("interval") and f"mỗi {s['interval']:g} giây")
                )
            ids = {"deployment_id": {"any_": [dep["id"]]}}
            cutoff = (datetime.now(UTC) - timedelta(minutes=OVERDUE_MINUTES)).isoformat()
            runs = _runs(client, ids, ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"], "START_TIME_DESC", 3)
            running = _runs(client, ids, ["RUNNING", "PENDING", "CANCELLING"], "START_TIME_DESC", 1)
            upcoming = _runs(client, ids, ["SCHEDULED"], "EXPECTED_START_TIME_ASC", 1)
            late = _runs(
                client,
                ids,
                ["SCHEDULED", "PENDING"],
                "EXPECTED_START_TIME_ASC",
                1,
                expected_start_time={"before_": cutoff},
            )
    except httpx.HTTPError as exc:
        st.problems.append(f"không hỏi được máy chủ Prefect ({exc}) — the Prefect server does not answer")
        st.exit_code = 2
        return
    if running:
        state = running[0].get("state") or {}
        started = _local(running[0].get("start_time"), settings.timezone) or "—"
        st.running = f"{running[0].get('name')} ({state.get('name')}, bắt đầu {started})"
    st.overdue = [_local(r.get("expected_start_time"), settings.timezone) or "" for r in late]
    for r in runs:
        state = r.get("state") or {}
        st.last_runs.append(
            {
                "name": r.get("name"),
                "state": state.get("name"),
                "type": state.get("type"),
                "started": _local(r.get("start_time"), settings.timezone),
                "ended": _local(r.get("end_time"), settings.timezone),
                "message": state.get("message"),
            }
        )
    if upcoming:
        st.next_run = _local(upcoming[0].get("expected_start_time"), settings.timezone)
    last = st.last_runs[0] if st.last_runs else None
    if last and last["type"] in ("FAILED", "CRASHED", "CANCELLED"):
        st.problems.append(
            f"lần chạy gần nhất {last['name']} kết thúc: {last['state']} — the last run did not complete"
        )
        st.exit_code = max(st.exit_code, 1)
    if st.overdue:
        st.problems.append(
            f"lịch chạy lúc {st.overdue[0]} quá {OVERDUE_MINUTES} phút chưa chạy — a scheduled run is overdue"
        )
        st.exit_code = max(st.exit_code, 1)


def _inbox(st: Status, settings: Settings, known: set[str]) -> None:
    st.inbox = str(settings.inbox)
    if not Path(settings.inbox).is_dir():
        return
    from pipelines.transform.scrub import Scrubber, display_path

    scrub = Scrubber.from_settings(settings)
    shown = lambda p: scrub.one(display_path(p)) or ""  # printed: one line, personal data scrubbed
    found = discover([Path(settings.inbox)], settings.inbox, settings.settle_seconds)
    st.inbox_waiting = [shown(p) for p in found.waiting]
    for p in found.files:
        sha, stable = fingerprint(p)
        if not stable:
            st.inbox_waiting.append(shown(p))
        else:
            (st.inbox_loaded if sha in known else st.inbox_new).append(shown(p))


def _warehouse(st: Status, settings: Settings) -> set[str]:
    import duckdb

    st.warehouse = str(settings.db)
    db = Path(settings.db)
    if not db.exists():
        st.problems.append(f"chưa có kho dữ liệu {db} — no warehouse yet")
        return set()
    st.warehouse_exists = True
    holder = writer_of(db)
    if holder:  # not a problem of the service (the run reads around it), but the analyst's work is at risk
        st.warnings.append(held_warning(holder))
    try:
        con = open_read(db).con
    except WarehouseUnreadable as exc:
        st.problems.append(str(exc))
        return set()
    try:
        st.storage_version = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchall()[0][0]
        row = con.execute(
            "select run_id, started_at, finished_at, files_loaded, files_rejected, rows_loaded, "
            "code_version, rules_hash, build_mode from runs order by started_at desc, rowid desc "
            "limit 1"
        ).fetchall()
        known = {r[0] for r in con.execute("select sha256 from ingested_files where status = 'loaded'").fetchall()}
    except duckdb.Error as exc:
        st.problems.append(f"không đọc được kho dữ liệu {db}: {str(exc).splitlines()[0]} — unreadable warehouse")
        return set()
    finally:
        con.close()
    if row:
        keys = [
            "run_id",
            "started_at",
            "finished_at",
            "files_loaded",
            "files_rejected",
            "rows_loaded",
            "code_version",
            "rules_hash",
            "build_mode",
        ]
        st.warehouse_run = dict(zip(keys, row[0], strict=True))
        st.warehouse_run["same_rules_as_this_code"] = row[0][7] == rules_hash()
    return known


def collect(settings: Settings) -> Status:
    st = Status()
    known = _warehouse(st, settings)
    _inbox(st, settings, known)
    _prefect(st, settings)
    return st


def render(st: Status) -> str:
    out = ["Tình trạng tthc-analytics", ""]
    if st.server:
        out.append(f"Máy chủ Prefect: {st.server} — {'hoạt động' if st.server_ok else 'KHÔNG TRẢ LỜI'}")
    else:
        out.append("Máy chủ Prefect: không có máy chủ nào đang chạy")
    out.append(f"tthc serve: {'đang chạy (tiến trình ' + str(st.serve_pid) + ')' if st.serve_pid else 'không chạy'}")
    if st.deployment:
        out.append(f"Lịch chạy hằng đêm: {st.schedule or 'không có lịch'}")
        if st.last_runs:
            for r in st.last_runs:
                out.append(
                    f"  - {r['name']}: {r['state']}, bắt đầu {r['started'] or '—'}, kết thúc {r['ended'] or '—'}"
                    + (f" ({r['message']})" if r["type"] != "COMPLETED" and r["message"] else "")
                )
        else:
            out.append("  - chưa có lần chạy nào")
        if st.running:
            out.append(f"Đang chạy: {st.running}")
        out.append(f"Lần chạy kế tiếp: {st.next_run or 'chưa lên lịch'}")
    out.append(
        f"Hộp thư đến {st.inbox}: {len(st.inbox_new)} tệp mới chờ nạp, "
        f"{len(st.inbox_waiting)} tệp đang chép dở, {len(st.inbox_loaded)} tệp đã nạp trước đó"
    )
    for p in st.inbox_new[:10]:
        out.append(f"  + {Path(p).name}")
    for p in st.inbox_waiting[:10]:
        out.append(f"  … {Path(p).name} (đang chép, lần chạy sau sẽ nạp)")
    if st.warehouse_exists:
        r = st.warehouse_run
        out.append(f"Kho dữ liệu: {st.warehouse} (định dạng DuckDB {st.storage_version})")
        if r:
            rules = (
                "" if r["same_rules_as_this_code"] else " (quy tắc khác phiên bản này: lần chạy sau tính lại toàn bộ)"
            )
            out.append(
                f"  lần nạp gần nhất {r['run_id']}: xong lúc {r['finished_at']}, {r['files_loaded']} tệp nạp, "
                f"{r['files_rejected']} tệp từ chối; phiên bản mã {r['code_version']}{rules}"
            )
    else:
        out.append(f"Kho dữ liệu: chưa có ({st.warehouse})")
    out.append(f"Phiên bản đang cài: {__version__}")
    out.extend(f"⚠ {w}" for w in st.warnings)
    if st.problems:
        out.append("")
        out.extend(f"⚠ {p}" for p in st.problems)
    return "\n".join(out) + "\n"
