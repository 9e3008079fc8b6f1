"""The words of a Biểu 06 / II.06a report (schemas/report_layout.csv) as lookups.

A one-stop system's report is read by its words, not by positions: the three column groups
("Số hồ sơ nhận giải quyết" …), the cells under each ("Tổng số", "Trực tuyến" …), what the label
column holds (units or lĩnh vực), the totals row, the level groups, the title lines that name no
unit, and the marks that tell which system wrote it. A header matches an alias when its match key
equals the alias's or starts with it (the longest such alias wins): "Đúng hạn (Bao gồm cả hồ sơ chờ
Bổ sung…)" is "Đúng hạn".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.rules.text import match_key
from pipelines.rules.vocab import _read_csv

# "I.", "II.", "1.", "1)", "a)" before a row label
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d+|[a-zđ])\s*[.)/-]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ReportLayout:
    groups: dict[str, tuple[str, ...]]  # group -> alias keys
    cells: dict[str, tuple[str, tuple[str, ...]]]  # cell -> (group, alias keys)
    labels: dict[str, tuple[str, ...]]  # unit | sector -> alias keys
    totals: tuple[str, ...]
    levels: tuple[str, ...]
    unit_lines: tuple[str, ...]
    boilerplate: tuple[str, ...]
    systems: dict[str, tuple[str, ...]]  # system -> mark keys (searched in the whole text)

    def group_of(self, text: str | None) -> str | None:
        return _best(match_key(text), self.groups)

    def cell_of(self, group: str | None, text: str | None) -> str | None:
        """The cell a header names under its group ("Tổng số" under "Số hồ sơ đã giải quyết")."""
        if group is None:
            return None
        return _best(match_key(text), {c: keys for c, (g, keys) in self.cells.items() if g == group})

    def label_kind(self, text: str | None) -> str | None:
        key = match_key(text)
        return next((kind for kind, keys in self.labels.items() if key in keys), None) or _best(key, self.labels)

    def is_total(self, text: str | None) -> bool:
        return match_key(strip_numbering(text)) in self.totals

    def is_level(self, text: str | None) -> bool:
        key = match_key(strip_numbering(text))
        return bool(key) and any(key == k or key.startswith(k) for k in self.levels)

    def unit_after_colon(self, text: str | None) -> str | None:
        """ "Đơn vị báo cáo: UBND xã Mỹ Tân" → "UBND xã Mỹ Tân" (None when the line is not one)."""
        if not text or ":" not in text:
            return None
        head, _, tail = text.partition(":")
        if match_key(head.strip(" -–")) in self.unit_lines:
            return tail.strip() or None
        return None

    def is_boilerplate(self, text: str | None) -> bool:
        key = match_key(text)
        return any(key.startswith(k) for k in self.boilerplate) or any(k in key for k in self.unit_lines)

    def system_of(self, text: str) -> str | None:
        """The system whose marks the report's text carries (None: a form any system may write)."""
        key = match_key(text)
        return next((s for s, marks in self.systems.items() if any(m in key for m in marks)), None)


def strip_numbering(text: str | None) -> str:
    return _NUMBERING.sub("", text or "", count=1).strip()


def _best(key: str, options: dict[str, tuple[str, ...]]) -> str | None:
    """The option with an alias equal to the key, else the longest alias the key starts with."""
    if not key:
        return None
    for name, keys in options.items():
        if key in keys:
            return name
    hits = [(len(k), name) for name, keys in options.items() for k in keys if key.startswith(k)]
    return max(hits)[1] if hits else None


@lru_cache(maxsize=1)
def report_layout() -> ReportLayout:
    groups: dict[str, tuple[str, ...]] = {}
    cells: dict[str, tuple[str, tuple[str, ...]]] = {}
    labels: dict[str, tuple[str, ...]] = {}
    systems: dict[str, tuple[str, ...]] = {}
    plain: dict[str, tuple[str, ...]] = {}
    for row in _read_csv("report_layout.csv"):
        keys = tuple(match_key(a) for a in row["aliases"].split("|") if a.strip())
        kind, name = row["kind"], row["key"]
        if kind == "group":
            groups[name] = keys
        elif kind == "cell":
            cells[name] = (row["group"], keys)
        elif kind == "label":
            labels[name] = keys
        elif kind == "system":
            systems[name] = keys
        else:
            plain[kind] = plain.get(kind, ()) + keys
    return ReportLayout(
        groups,
        cells,
        labels,
        plain.get("total", ()),
        plain.get("level", ()),
        plain.get("unit_line", ()),
        plain.get("boilerplate", ()),
        systems,
    )


@dataclass(frozen=True)
class Portal766Field:
    tree: str  # the dashboard API whose response carries it (…/reporting/evaluation/<tree>)
    field: str  # the JSON field of a unit (data.parent or data.children[])
    cell: str  # the metric (or group) code it is a figure of
    measure: str  # numerator | denominator | rate_pct | points | max_points


GENERIC_766_FIELDS = {"ratio", "score", "totalScore", "maxScore", "totalMaxScore"}


@lru_cache(maxsize=1)
def portal766_fields() -> tuple[Portal766Field, ...]:
    """The fields of the portal's parent/children responses (schemas/portal766_fields.csv)."""
    return tuple(
        Portal766Field(r["tree"], r["field"], r["cell"], r["measure"]) for r in _read_csv("portal766_fields.csv")
    )
