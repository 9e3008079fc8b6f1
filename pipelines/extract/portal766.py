"""Read the portal's 766 figures per unit from a saved response of Cổng DVCQG's dashboard API.

`POST https://dichvucong.gov.vn/api/v1/reporting/evaluation/<group>` answers in two shapes (github
ChippedTopaz/qd766/docs/QD766_DATA_MODEL.md §7 and ChippedTopaz/qd766/tests/fixtures/*/month-all.json):
- A: data.overview + data.evaluation[], each unit with metrics[] {code, numerator, denominator,
  ratio, score, maxScore} (dossier-digitized, transparency, handling-satisfaction);
- B: data.parent + data.children[], each unit with the fields of its tree (dvc-progress-tree:
  totalReceived, totalOnTime, ratio, score, maxScore …), mapped to metrics by
  schemas/portal766_fields.csv.
A unit is named by departmentName ("UBND xã Hy Cương", "UBND Phường Việt Trì") and resolved later
like an agency. The response does not say its period: it is read from the request saved beside it
(timeType, year, quarter, month or fromDate, toDate: at the top, or under request / payload /
params) or else from the file name (2026-08, 2026Q3, thang-8-2026, quy-3-2026); a file that says
neither is rejected. NULL stays NULL (not 0), as the portal writes it.
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pipelines.extract.errors import FileRejected
from pipelines.rules.report_layout import GENERIC_766_FIELDS, portal766_fields
from pipelines.rules.text import strip_diacritics

MAX_JSON_BYTES = 64 * 2**20
VIETNAM = timezone(timedelta(hours=7))
_TIME_KEYS = ("exportedAt", "exported_at", "fetchedAt", "fetched_at", "collectedAt", "collected_at", "capturedAt")


@dataclass
class Figure766:
    unit_text: str
    unit_code: str | None  # the portal's departmentCode (H44.104), not a GSO code
    level: str | None
    cell: str
    measure: str
    value: float | None


@dataclass
class Portal766Report:
    period_start: date
    period_end: date
    figures: list[Figure766]
    exported_at: datetime | None = None
    exported_source: str | None = None
    shape: str = ""
    findings: list[str] = field(default_factory=list)


def load_json(path: Path) -> Any | None:
    """The JSON value of a file, or None when it is not JSON (then it is not a 766 response)."""
    if path.stat().st_size > MAX_JSON_BYTES:
        return None
    raw = path.read_bytes().lstrip(b"\xef\xbb\xbf \t\r\n")
    if not raw.startswith((b"{", b"[")):
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _response(doc: Any) -> dict[str, Any] | None:
    """The {"data": {...}} object of a response, bare or wrapped by the tool that saved it."""
    if not isinstance(doc, dict):
        return None
    for candidate in (doc, doc.get("response"), doc.get("body"), doc.get("result")):
        if isinstance(candidate, dict) and isinstance(candidate.get("data"), dict):
            data = candidate["data"]
            if ("parent" in data and "children" in data) or ("overview" in data or "evaluation" in data):
                return data
    return None


def looks_like_766(doc: Any) -> bool:
    return _response(doc) is not None


def read_portal766(path: Path, doc: Any) -> Portal766Report:
    data = _response(doc)
    if data is None:
        raise FileRejected(
            "tệp JSON không phải phản hồi chỉ số 766 của Cổng DVCQG: không có data.parent/children hay "
            "data.overview/evaluation — not a 766 dashboard response"
        )
    period = _period_of(doc) or _period_from_name(path.stem)
    if period is None:
        raise FileRejected(
            "số liệu 766 không ghi kỳ: không tìm thấy timeType/year/quarter/month hay fromDate/toDate trong tệp, "
            "cũng không có kỳ trong tên tệp (vd. 766_2026-08.json, 766_2026Q3.json) — the response has no period"
        )
    # the shape names the endpoint (its tree, or its metric codes): the newest response wins per unit,
    # period and endpoint, so a month's progress and digitisation responses are both kept
    if "parent" in data:
        tree, figures = _tree(data)
        shape = f"parent/children {tree}"
    else:
        figures = _metrics(data)
        shape = "overview/evaluation " + "+".join(sorted({f.cell for f in figures}))
    if not figures:
        raise FileRejected("phản hồi 766 không có số liệu đơn vị nào — no unit figures in the response")
    stamp = next((doc.get(k) for k in _TIME_KEYS if isinstance(doc, dict) and isinstance(doc.get(k), str)), None)
    exported = _timestamp(stamp)
    return Portal766Report(period[0], period[1], figures, exported, "json_field" if exported else None, shape)


def _units(data: dict[str, Any]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    for key in ("parent", "overview"):
        if isinstance(data.get(key), dict):
            units.append(data[key])
    for key in ("children", "evaluation"):
        units += [u for u in data.get(key) or [] if isinstance(u, dict)]
    return units


def _tree(data: dict[str, Any]) -> tuple[str, list[Figure766]]:
    units = _units(data)
    present = {k for u in units for k in u}
    fields = portal766_fields()
    trees = {f.tree for f in fields if f.field not in GENERIC_766_FIELDS and f.field in present}
    if len(trees) != 1:
        raise FileRejected(
            "phản hồi 766 dạng parent/children không nhận ra được nhóm chỉ tiêu (các trường: "
            + ", ".join(sorted(present - {"departmentId", "departmentName", "departmentCode", "level"}))[:200]
            + ") — unknown 766 tree"
        )
    tree = trees.pop()
    out = []
    for u in units:
        for f in fields:
            if f.tree == tree and f.field in u:
                out.append(_figure(u, f.cell, f.measure, u[f.field]))
    return tree, out


def _metrics(data: dict[str, Any]) -> list[Figure766]:
    names = {"numerator": "numerator", "denominator": "denominator", "ratio": "rate_pct", "score": "points"}
    names["maxScore"] = "max_points"
    out = []
    for u in _units(data):
        for m in u.get("metrics") or []:
            if isinstance(m, dict) and m.get("code"):
                out += [_figure(u, str(m["code"]), measure, m.get(key)) for key, measure in names.items() if key in m]
    return out


def _figure(unit: dict[str, Any], cell: str, measure: str, value: Any) -> Figure766:
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    level = unit.get("level") or unit.get("departmentLevel")
    return Figure766(str(unit.get("departmentName") or ""), unit.get("departmentCode"), level, cell, measure, number)


def _request(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {}
    for key in ("request", "payload", "params", "query"):
        if isinstance(doc.get(key), dict):
            return doc[key]
    return doc


def _period_of(doc: Any) -> tuple[date, date] | None:
    req = _request(doc)
    try:
        if req.get("fromDate") and req.get("toDate"):
            return date.fromisoformat(str(req["fromDate"])[:10]), date.fromisoformat(str(req["toDate"])[:10])
        kind, year = req.get("timeType"), int(req["year"]) if req.get("year") else None
        if year is None:
            return None
        if kind == "month" and req.get("month"):
            m = int(req["month"])
            return date(year, m, 1), date(year, m, monthrange(year, m)[1])
        if kind == "quarter" and req.get("quarter"):
            q = int(req["quarter"])
            return date(year, 3 * q - 2, 1), date(year, 3 * q, monthrange(year, 3 * q)[1])
        if kind == "year":
            return date(year, 1, 1), date(year, 12, 31)
    except (TypeError, ValueError):
        return None
    return None


def _period_from_name(stem: str) -> tuple[date, date] | None:
    s = strip_diacritics(stem).lower()
    if m := re.search(r"(20\d\d)[-_ ]?q([1-4])", s) or re.search(r"quy[-_ ]?([1-4])[-_ ](20\d\d)", s):
        a, b = m.groups()
        year, q = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        return date(year, 3 * q - 2, 1), date(year, 3 * q, monthrange(year, 3 * q)[1])
    if m := re.search(r"(20\d\d)[-_](0[1-9]|1[0-2])(?!\d)", s):
        year, month = int(m.group(1)), int(m.group(2))
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if m := re.search(r"thang[-_ ]?(\d{1,2})[-_ ](20\d\d)", s):
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    return None


def _timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # an offset is converted to Vietnam's time (UTC+7, no daylight saving), as every date we store
    return stamp.astimezone(VIETNAM).replace(tzinfo=None) if stamp.tzinfo else stamp
