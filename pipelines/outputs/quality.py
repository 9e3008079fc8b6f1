"""The data-quality report of a run: per file, what was read, kept, set aside and why.

It reads only the warehouse (ingested_files, quarantine), so it can be produced at any time
for any run. Examples of quarantined rows show the file, row, case id and the reason, never
the raw values beyond the offending column.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from pipelines.outputs.vnformat import vn_int
from pipelines.rules.vocab import (
    column_map,
    column_source_notes,
    flag_notes,
    missing_column_notes,
    reason_column,
    reasons,
)

EXAMPLES = 3


def resolve_run(con: duckdb.DuckDBPyConnection, run: str) -> str | None:
    if run == "latest":
        row = con.execute("select run_id from runs order by started_at desc, rowid desc limit 1").fetchone()
        return row[0] if row else None
    row = con.execute(
        "select run_id from runs where run_id = ? or run_id like ? || '%' order by started_at desc limit 1", [run, run]
    ).fetchone()
    return row[0] if row else None


def quality_report(con: duckdb.DuckDBPyConnection, run: str = "latest") -> dict[str, Any]:
    run_id = resolve_run(con, run)
    if run_id is None:
        return {"run_id": None, "files": []}
    info = con.execute("select started_at, finished_at, status from runs where run_id = ?", [run_id]).fetchall()[0]
    files = []
    rows = con.execute(
        "select sha256, file_name, status, message, rows_read, rows_loaded, rows_quarantined, rows_duplicate, "
        "rows_skipped, unknown_columns, missing_columns, unresolved_agencies, flags, reason_counts, columns, family, "
        "file_seq, examples, column_sources "
        "from ingested_files where run_id = ? order by file_seq",
        [run_id],
    ).fetchall()
    messages = reasons()
    for (
        sha,
        name,
        status,
        message,
        read,
        loaded,
        quarantined,
        duplicate,
        skipped,
        unknown,
        missing,
        unresolved,
        flags,
        reason_counts,
        columns,
        family,
        seq,
        kept_examples,
        sources,
    ) in rows:
        counts = json.loads(reason_counts or "{}")
        examples = json.loads(kept_examples or "{}")
        for reason in (r for r in counts if r not in examples):
            column = reason_column(reason)
            ex = con.execute(
                "select source_sheet, source_row, case_id, "
                + (f"json_extract_string(raw_values, '$.{column}')" if column else "null")
                + " from quarantine where source_sha256 = ? and list_contains(reasons, ?) "
                "order by source_row limit ?",
                [sha, reason, EXAMPLES],
            ).fetchall()
            examples[reason] = [{"sheet": s, "row": r, "case_id": c, "value": v} for s, r, c, v in ex]
        files.append(
            {
                "file": name,
                "status": status,
                "message": message,
                "rows": {
                    "read": read,
                    "loaded": loaded,
                    "quarantined": quarantined,
                    "duplicate": duplicate,
                    "skipped": skipped,
                },
                "quarantine_share": round(100 * (quarantined or 0) / read, 2) if read else None,
                "reasons": [
                    {"reason": r, "message": messages.get(r, r), "count": n, "examples": examples.get(r, [])}
                    for r, n in sorted(counts.items(), key=lambda kv: -kv[1])
                ],
                "unknown_columns": unknown or [],
                "missing_columns": missing or [],
                "column_sources": json.loads(sources or "{}"),
                "unresolved_agencies": json.loads(unresolved or "{}"),
                "flags": json.loads(flags or "{}"),
                "drift": _drift(con, family, seq, json.loads(columns or "{}")),
            }
        )
    return {
        "run_id": run_id,
        "started_at": str(info[0]),
        "finished_at": str(info[1]),
        "status": info[2],
        "files": files,
    }


def _drift(con: duckdb.DuckDBPyConnection, family: str | None, seq: int, columns: dict[str, str]) -> dict[str, Any]:
    """Against the previous file of the same source: columns gone, new, or written differently."""
    prev = con.execute(
        "select file_name, columns from ingested_files where family = ? and file_seq < ? and columns is not null "
        "order by file_seq desc limit 1",
        [family, seq],
    ).fetchone()
    if prev is None or not columns:
        return {}
    before = json.loads(prev[1] or "{}")
    drift = {
        "previous_file": prev[0],
        "disappeared": sorted(set(before) - set(columns)),
        "appeared": sorted(set(columns) - set(before)),
        "changed": {
            c: {"before": before[c], "now": columns[c]}
            for c in sorted(set(before) & set(columns))
            if before[c] != columns[c] and "empty" not in (before[c], columns[c])
        },
    }
    return drift if drift["disappeared"] or drift["appeared"] or drift["changed"] else {}


def render_text(report: dict[str, Any], markdown: bool = False) -> str:
    """The report in words for people (numbers Vietnamese style, no internal codes; the codes are
    in `--format json`)."""
    n = vn_int
    if not report["run_id"]:
        return "Chưa có lần chạy nào trong kho dữ liệu."
    h = "## " if markdown else ""
    state = {"succeeded": "hoàn thành", "failed": "lỗi"}.get(report["status"], report["status"])
    out = [f"{h}Báo cáo chất lượng dữ liệu — lần chạy {report['run_id']} ({state})", ""]
    for f in report["files"]:
        r = f["rows"]
        out.append(f"{'### ' if markdown else '• '}{f['file']} — {_status_vi(f['status'])}")
        if f["message"]:
            out.append(f"  Lý do: {f['message']}")
        out.append(
            f"  Dòng: đọc {n(r['read'])} = nạp {n(r['loaded'])} + cách ly {n(r['quarantined'])} + trùng "
            f"{n(r['duplicate'])} (bỏ qua {n(r['skipped'])} dòng không phải dữ liệu: tiêu đề, dòng trống, chân trang)"
        )
        for reason in f["reasons"]:
            ex = "; ".join(
                f"dòng {e['row']}{' trang ' + e['sheet'] if e['sheet'] else ''}"
                f"{' mã ' + e['case_id'] if e['case_id'] else ''}"
                f"{' giá trị «' + e['value'] + '»' if e['value'] else ''}"
                for e in reason["examples"]
            )
            out.append(f"  - {reason['message']}: {n(reason['count'])} dòng. Ví dụ: {ex}")
        if f["unknown_columns"]:
            out.append(f"  Cột không nhận diện: {', '.join(f['unknown_columns'])}")
        if f["column_sources"] and f["status"] == "loaded":
            out += ["  " + note[0].upper() + note[1:] for note in column_source_notes(f["column_sources"])]
        if f["missing_columns"] and f["status"] == "loaded":
            out += ["  " + note[0].upper() + note[1:] for note in missing_column_notes(f["missing_columns"])]
        if f["unresolved_agencies"]:
            out.append(
                "  Cơ quan không xác định được xã: "
                + ", ".join(
                    f"{a} ({'trùng tên' if p == 'ambiguous' else 'không có trong danh mục'})"
                    for a, p in f["unresolved_agencies"].items()
                )
            )
        if f["flags"]:
            out.append("  Cần kiểm tra: " + "; ".join(flag_notes(f["flags"])))
        d = f["drift"]
        if d:
            parts = []
            label = _label
            if d["disappeared"]:
                parts.append("mất cột " + ", ".join(map(label, d["disappeared"])))
            if d["appeared"]:
                parts.append("thêm cột " + ", ".join(map(label, d["appeared"])))
            for c, ch in d["changed"].items():
                parts.append(
                    f"cột {label(c)} đổi dạng {_FORM_WORDS.get(ch['before'], ch['before'])} → "
                    f"{_FORM_WORDS.get(ch['now'], ch['now'])}"
                )
            out.append(f"  Thay đổi cấu trúc so với {d['previous_file']}: " + "; ".join(parts))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# the coarse forms of transform/stage.py profile_columns, in words
_FORM_WORDS = {
    "empty": "trống",
    "date dd/mm/yyyy": "ngày dd/mm/yyyy",
    "date ISO": "ngày yyyy-mm-dd",
    "date yyyyMMddHHmmss": "ngày yyyyMMddHHmmss",
    "integer": "số nguyên",
    "number": "số",
    "text": "chữ",
}


def _label(canonical: str) -> str:
    """The Vietnamese label of a canonical column (schemas/columns.csv), never the code."""
    return next((c.label for c in column_map().columns if c.canonical == canonical), canonical)


def _status_vi(status: str) -> str:
    return {"loaded": "đã nạp", "rejected": "TỪ CHỐI"}.get(status, status)
