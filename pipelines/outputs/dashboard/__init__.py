"""The leaders' dashboard: a static page of the province and one per unit for a period, and each
unit's one-page A4 brief printed from its page (write.py). Data from the published warehouse
(data.py, series.py, cases.py; the 766 score from its warehouse macros in score766.py), charts drawn as
inline SVG (svg.py), words in templates/dashboard_*.html.j2 (render.py), Chromium driven through
its DevTools protocol (browser.py)."""

from pipelines.outputs.dashboard.write import Written, period_folder, print_briefs, write_dashboard, write_pages

__all__ = ["Written", "period_folder", "print_briefs", "write_dashboard", "write_pages"]
