"""`tthc dashboard`: the province page, one page per unit and, from each unit page, its one-page
A4 brief (PDF, printed by headless Chromium with the page's print CSS), for one period.

    <out>/dashboard/<period>/index.html            the province
    <out>/dashboard/<period>/<code>_<name>.html    one per unit with a case in the period
    <out>/dashboard/<period>/<code>_<name>.pdf     its brief

Pages are self-contained (CSS and SVG inline, no script or font fetched), so they open from disk,
from an e-mail or from any web server with no network. Each file is written next to its target
and swapped in: a reader never sees half a page.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import Settings
from pipelines.outputs.dashboard.browser import Browser, BrowserError, find_chromium
from pipelines.outputs.dashboard.cases import cases_to_act_on
from pipelines.outputs.dashboard.data import Dashboard, default_period, load_dashboard
from pipelines.outputs.dashboard.render import page_stem, province_page, quality_summary, unit_page
from pipelines.outputs.figures import connect
from pipelines.rules.periods import Period

INDEX = "index.html"


@dataclass
class Written:
    folder: Path
    period: Period
    pages: list[Path] = field(default_factory=list)
    briefs: list[Path] = field(default_factory=list)
    pdf_skipped: str | None = None  # why no PDF was printed
    seconds_pages: float = 0.0
    seconds_briefs: float = 0.0


def period_folder(out: Path, period: Period) -> Path:
    return Path(out) / "dashboard" / re.sub(r"[^A-Za-z0-9_-]", "-", period.label.replace("..", "_"))


def _save(text: str, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def quarantined(con, units: str) -> dict[str, tuple[int, list[tuple[str, str | None, int]]]]:
    """Reporting unit → (quarantined rows, [(reason, message, rows)]), for every unit at once: the
    rows of the unit and of the units rolled up into it (as the sheets' quality tab counts them)."""
    rows = con.execute(
        """
        with q as (
            select u.unit_key, q.rowid as id, q.reasons from quarantine q
            join reporting_units(units := ?) u on u.recorded_key = q.unit_key
        )
        select unit_key, null as reason, null as message, count(*) as n from q group by unit_key
        union all
        select r.unit_key, r.reason, m.message, count(*) as n
        from (select unit_key, unnest(reasons) as reason from q) r left join reasons m using (reason)
        group by all
        order by unit_key, reason nulls first, n desc
        """,
        [units],
    ).fetchall()
    out: dict[str, tuple[int, list[tuple[str, str | None, int]]]] = {}
    for key, reason, message, n in rows:
        total, reasons = out.get(key, (0, []))
        if reason is None:
            out[key] = (int(n), reasons)
        else:
            reasons.append((reason, message, int(n)))
            out[key] = (total, reasons)
    for _total, reasons in out.values():
        reasons.sort(key=lambda r: (-r[2], r[0]))
    return out


def write_pages(settings: Settings, period: Period | None = None, out: Path | None = None) -> tuple[Written, Dashboard]:
    """The HTML pages of `period` (default: the last whole month before the last run)."""
    started = time.perf_counter()
    con = connect(Path(settings.db))
    try:
        period = period or default_period(con)
        d = load_dashboard(con, period, settings.province)
        folder = period_folder(out or settings.out, period)
        folder.mkdir(parents=True, exist_ok=True)
        for u in d.units:
            stem = page_stem(d, u)
            u.page, u.brief = f"{stem}.html", f"{stem}.pdf"
        lists = cases_to_act_on(con, period, d.units_mode, d.freshness.as_of)
        bad = quarantined(con, d.units_mode)
        written = Written(folder, period)
        written.pages.append(_save(province_page(d, settings.timezone), folder / INDEX))
        for u in d.units:
            key = u.unit.unit_key
            total, reasons = bad.get(key, (0, []))
            quality = quality_summary(u, reasons, total)
            page = unit_page(d, u, lists.get(key, []), quality, settings.timezone)
            written.pages.append(_save(page, folder / u.page))
    finally:
        con.close()
    written.seconds_pages = round(time.perf_counter() - started, 2)
    return written, d


def print_briefs(written: Written, browser: str = "chromium") -> Written:
    """Each unit page printed to its one-page A4 brief by one headless Chromium."""
    started = time.perf_counter()
    units = [p for p in written.pages if p.name != INDEX]
    if not units:
        return written
    if find_chromium(browser) is None:
        written.pdf_skipped = f"không tìm thấy trình duyệt '{browser}' (Debian: apt-get install chromium)"
        return written
    try:
        with Browser(browser) as b:
            tab = b.open(units[0])
            for page in units:
                tab.goto(page)
                written.briefs.append(tab.pdf(page.with_suffix(".pdf")))
    except BrowserError as exc:
        written.pdf_skipped = str(exc)
    written.seconds_briefs = round(time.perf_counter() - started, 2)
    return written


def write_dashboard(
    settings: Settings,
    period: Period | None = None,
    out: Path | None = None,
    pdf: bool = True,
    browser: str = "chromium",
) -> Written:
    written, _ = write_pages(settings, period, out)
    return print_briefs(written, browser) if pdf else written
