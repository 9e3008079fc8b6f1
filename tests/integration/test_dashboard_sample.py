"""`tthc run data/sample`, then `tthc dashboard`: the pages and briefs of today's four units, each
opened in headless Chromium, and the screenshots the README shows (`make screenshots` writes them
to docs/img through DASHBOARD_ARTEFACTS; otherwise they stay in the session's pytest folder)."""

from __future__ import annotations

import subprocess

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.outputs.dashboard.browser import Browser
from tests.integration.test_dashboard_browser import _assert_clean, _chromium, artefacts

pytestmark = pytest.mark.slow

TODAYS_UNITS = ["13669_nam-dinh", "13684_thien-truong", "13693_dong-a", "13708_my-loc"]


def test_dashboard_command_on_the_sample(warehouse, tmp_path, tmp_path_factory):
    _chromium()
    out = tmp_path / "out"
    # the default period: the last whole month before the last run; whatever it is, its page is written
    res = CliRunner().invoke(app, ["dashboard", "--db", str(warehouse), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert len(list((out / "dashboard").glob("*/index.html"))) == 1
    res = CliRunner().invoke(app, ["dashboard", "--db", str(warehouse), "--out", str(out), "-p", "2026-11"])
    assert res.exit_code == 0, res.output
    assert "Bảng điều hành Tháng 11 năm 2026" in res.output and "4 bản tóm tắt PDF" in res.output
    folder = out / "dashboard" / "2026-11"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.html"] + [f"{u}.html" for u in TODAYS_UNITS] + [f"{u}.pdf" for u in TODAYS_UNITS]
    )
    keep = artefacts(tmp_path_factory)
    with Browser() as b:
        tab = b.open(folder / "index.html", width=1200, height=800)
        province = tab.visit()
        tab.screenshot(keep / "dashboard_province.png")
        _assert_clean(province)
        assert province.charts >= 1 + len(TODAYS_UNITS)  # the ranking and a sparkline per unit
        for unit in TODAYS_UNITS:
            tab.goto(folder / f"{unit}.html")
            page = tab.visit()
            _assert_clean(page)
            assert "Biểu số 06/VPCP/KSTT" in page.text and "cộng các đơn vị cũ" in page.text
            if unit == "13684_thien-truong":
                tab.screenshot(keep / "dashboard_unit.png")
            info = subprocess.run(["pdfinfo", str(folder / f"{unit}.pdf")], capture_output=True, text=True).stdout
            assert "Pages:           1" in info, (unit, info)
    # every unit of the period is ranked on the province page, best first
    ranks = [line.split("\t")[0] for line in province.text.splitlines() if line.count("\t") >= 8][1:]
    assert ranks == ["1", "2", "3", "4"]
