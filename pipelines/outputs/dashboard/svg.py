"""Charts as inline SVG, drawn here: a sparkline, ranked bars, monthly columns across the reform
and groups against the province median.

Why not a charting library (pyproject says the same): Plotly's offline bundle is 4.8 MB
(plotly 7.1.0, `plotly.offline.get_plotlyjs()`), over the 2 MB a page may weigh; Vega-Lite
inline needs its 0.9 MB runtime in every page (`vl_convert.javascript_bundle()`) and draws only
after scripts ran, and rendering its SVG on the server took 39 ms a chart (vl-convert 1.9), 20 s
for 130 units' pages; pygal's sparkline is 13.5 KB, 1.8 MB for a province's 130. These charts
are a few rectangles and lines: drawn here they weigh 0.3–6 KB, need no script, paint with the
page and print exactly as they show.

Colours: the Okabe–Ito palette (distinguishable with every common colour-vision deficiency);
meaning is never carried by colour alone: late cases sit on top of each column with a black
outline, months rolled up from old units stand on a grey ground left of a labelled line, every bar has its
number written beside it, and every chart has a title, a description and a table with its
numbers. No SVG patterns: Chromium prints a page with pattern fills in 4.9 s instead of 0.3 s and
7× larger.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from pipelines.outputs.vnformat import vn_int, vn_num, vn_pct

BLUE, SKY, VERMILLION, ORANGE, GREY, INK = "#0072B2", "#56B4E9", "#D55E00", "#E69F00", "#8C8C8C", "#1A1A1A"
FONT = 'font-family="inherit" font-size="11"'
_ids = iter(range(1, 10**9))


def _svg(width: float, height: float, title: str, desc: str, body: str, cls: str = "chart") -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="t{n} d{n}">'
        f'<title id="t{n}">{escape(title)}</title><desc id="d{n}">{escape(desc)}</desc>{body}</svg>'
    )


def sparkline(values: Sequence[float | None], label: str, width: int = 132, height: int = 26) -> Markup:
    """A line of rates in 0–100 (gaps where a month has none), the last value as a dot."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return Markup('<span class="nodata">chưa có số liệu</span>')
    lo = min(v for _, v in known)
    hi = max(v for _, v in known)
    lo, hi = (lo - 1, hi + 1) if hi - lo < 2 else (lo, hi)
    step = (width - 6) / max(1, len(values) - 1)

    def xy(i: int, v: float) -> str:
        return f"{3 + i * step:.1f},{height - 3 - (v - lo) / (hi - lo) * (height - 6):.1f}"

    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(xy(i, v))
    lines = "".join(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{BLUE}" stroke-width="1.5"/>' for r in runs if len(r) > 1
    )
    for r in runs:
        if len(r) == 1:  # a month alone between gaps: a dot
            cx, cy = r[0].split(",")
            lines += f'<circle cx="{cx}" cy="{cy}" r="1.2" fill="{BLUE}"/>'
    last_i, last_v = known[-1]
    x, y = xy(last_i, last_v).split(",")
    body = f'{lines}<circle cx="{x}" cy="{y}" r="2.5" fill="{INK}"/>'
    lowest, highest = vn_pct(min(v for _, v in known)), vn_pct(max(v for _, v in known))
    desc = f"{label}: thấp nhất {lowest}, cao nhất {highest}, gần nhất {vn_pct(last_v)}"
    return _svg(width, height, label, desc, body, "spark")


def ranked_bars(
    rows: Sequence[tuple[str, float | None, bool]],
    title: str,
    top: float = 100.0,
    median: float | None = None,
    fmt=vn_pct,
    width: int = 640,
) -> Markup:
    """Horizontal bars, one per (label, value, highlighted), values written at their end; a dashed
    line marks the median. Units without a value are listed with "chưa có số liệu"."""
    bar_h, gap, label_w, value_w = 14, 4, 170, 110
    plot_w = width - label_w - value_w
    height = 22 + len(rows) * (bar_h + gap)
    parts = []
    for i, (label, value, mark) in enumerate(rows):
        y = 18 + i * (bar_h + gap)
        name = escape(label)
        weight = ' font-weight="700"' if mark else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end" {FONT}{weight}>{name}</text>')
        if value is None:
            parts.append(f'<text x="{label_w}" y="{y + bar_h - 3}" {FONT} fill="{GREY}">chưa có số liệu</text>')
            continue
        w = max(1.0, plot_w * min(value, top) / top) if top else 1.0
        fill = ORANGE if mark else BLUE
        stroke = f' stroke="{INK}" stroke-width="1.5"' if mark else ""
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}"{stroke}/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" {FONT}{weight}>{escape(fmt(value))}</text>')
    if median is not None and top:
        mx = label_w + plot_w * min(median, top) / top
        parts.append(
            f'<line x1="{mx:.1f}" y1="12" x2="{mx:.1f}" y2="{height - 2}" stroke="{INK}" stroke-dasharray="4 3"/>'
            f'<text x="{mx:.1f}" y="10" text-anchor="middle" {FONT}>trung vị {escape(fmt(median))}</text>'
        )
    desc = "; ".join(f"{label}: {fmt(v) if v is not None else 'chưa có số liệu'}" for label, v, _ in rows)
    return _svg(width, height, title, desc, "".join(parts))


def month_columns(
    months: Sequence[str],
    stacks: Sequence[tuple[int | None, int | None, int | None]],
    rolled: Sequence[bool],
    title: str,
    reform_label: str | None,
    width: int = 680,
    height: int = 200,
) -> Markup:
    """Stacked columns per month (early, on time, late: blue, sky, vermillion outlined in black);
    months rolled up from old units stand on a grey ground, a dashed line and a label mark the
    reform."""
    left, bottom, top_pad = 40, 34, 16
    plot_h = height - bottom - top_pad
    n = max(1, len(months))
    step = (width - left - 8) / n
    bar_w = max(2.0, step * 0.72)
    totals = [sum(v or 0 for v in s) for s in stacks]
    ymax = max(totals + [1])
    nice = _nice(float(ymax))
    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}" stroke="{GREY}"/>']
    for tick in (0, nice / 2, nice):
        y = top_pad + plot_h - plot_h * tick / nice
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT} fill="{GREY}">{vn_int(tick)}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="#e3e3e3"/>'
        )
    fills = (BLUE, SKY, VERMILLION)
    every = max(1, -(-n // 8))  # at most ~8 month labels
    for i, stack in enumerate(stacks):
        x = left + i * step + (step - bar_w) / 2
        base = float(top_pad + plot_h)
        for value, fill in zip(stack, fills, strict=True):
            h = plot_h * (value or 0) / nice
            if h <= 0:
                continue
            base -= h
            edge = f' stroke="{INK}" stroke-width="1"' if fill == VERMILLION else ""
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}"{edge}/>')
        if (n - 1 - i) % every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" {FONT}>'
                f"{escape(months[i])}</text>"
            )
    first_new = next((i for i, r in enumerate(rolled) if not r), len(rolled))
    if reform_label and first_new:
        rx = left + first_new * step
        # the rolled-up months on a grey ground, behind the columns
        parts.insert(
            0,
            f'<rect x="{left}" y="{top_pad}" width="{rx - left:.1f}" height="{plot_h}" fill="#ececec"/>'
            f'<text x="{left + 4}" y="{top_pad + 12}" {FONT} fill="{INK}">cộng các đơn vị cũ</text>',
        )
        parts.append(
            f'<line x1="{rx:.1f}" y1="{top_pad - 6}" x2="{rx:.1f}" y2="{top_pad + plot_h + 4}" stroke="{INK}" '
            'stroke-dasharray="5 3" stroke-width="1.5"/>'
            f'<text x="{rx + 4:.1f}" y="{top_pad - 4}" {FONT} font-weight="700">{escape(reform_label)}</text>'
        )
    desc = "; ".join(
        f"{m}: trước hạn {vn_int(a or 0)}, đúng hạn {vn_int(b or 0)}, quá hạn {vn_int(c or 0)}"
        + (" (cộng các đơn vị cũ)" if r else "")
        for m, (a, b, c), r in zip(months, stacks, rolled, strict=True)
    )
    return _svg(width, height, title, desc, "".join(parts))


def group_bars(rows: Sequence[tuple[str, float | None, float, float | None]], title: str, width: int = 640) -> Markup:
    """One track per group (label, points, maximum, province median): the unit's points as a bar,
    the median as a black tick, both written out."""
    bar_h, gap, label_w, value_w = 16, 8, 190, 170
    plot_w = width - label_w - value_w
    height = 8 + len(rows) * (bar_h + gap)
    parts = []
    for i, (label, pts, top, med) in enumerate(rows):
        y = 4 + i * (bar_h + gap)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" {FONT}>{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#eeeeee" stroke="{GREY}"/>')
        if pts is not None and top:
            w = plot_w * min(pts, top) / top
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BLUE}"/>')
        if med is not None and top:
            mx = label_w + plot_w * min(med, top) / top
            parts.append(f'<rect x="{mx - 1.5:.1f}" y="{y - 3}" width="3" height="{bar_h + 6}" fill="{INK}"/>')
        text = f"{_pts(pts)} / {_pts(top)} (trung vị {_pts(med)})"
        if pts is None:
            text = f"chưa có số liệu (tối đa {_pts(top)})"
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + bar_h - 4}" {FONT}>{escape(text)}</text>')
    desc = "; ".join(f"{label}: {_pts(p)} trên {_pts(t)} điểm, trung vị tỉnh {_pts(m)}" for label, p, t, m in rows)
    return _svg(width, height, title, desc, "".join(parts))


def _pts(value: float | None) -> str:
    return vn_num(value)


def _nice(value: float) -> float:
    """A round axis maximum ≥ value: 1, 2, 5 × 10^k."""
    k = 1.0
    while k * 10 <= value:
        k *= 10
    for m in (1, 2, 5, 10):
        if m * k >= value:
            return m * k
    return 10 * k
