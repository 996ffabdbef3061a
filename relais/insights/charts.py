"""Charts as inline SVG drawn on the server: bars, lines with confidence bands, funnels, a map of sites.

No JavaScript library and no tile server. The Content Security Policy forbids inline `style=`
attributes, so colours are SVG presentation attributes (`fill`, `stroke`) plus classes styled by
insights.css. Colour never carries meaning alone: every bar and point has its value written next to
it, lines differ by dash pattern and marker shape, map points by shape. Each chart is labelled by the
one-sentence summary printed above it (`aria-labelledby`) and followed by its data table.
"""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1d2330"
MUTED = "#4a5263"
TRACK = "#dde1e6"
ACCENT = "#0b5d6b"
SERIES = [
    {"stroke": "#0b5d6b", "band": "#b9dce1", "dash": "", "marker": "circle"},
    {"stroke": "#8a4b00", "band": "#f1dcc2", "dash": "6 4", "marker": "square"},
    {"stroke": "#4a5263", "band": "#e2e4e8", "dash": "2 3", "marker": "diamond"},
]
# Map buckets, worst to best: colour AND shape differ (the legend says both).
BUCKETS = [
    (0.25, "moins de 25 %", "#a4262c", "triangle"),
    (0.50, "de 25 à 50 %", "#c25e00", "diamond"),
    (0.75, "de 50 à 75 %", "#5b7f1a", "square"),
    (1.01, "75 % ou plus", "#1f6b3a", "circle"),
]
NARROW_NBSP = "\u202f"


def _pct(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{decimals}f}".replace(".", ",") + f"{NARROW_NBSP}%"


def _svg(chart_id: str, width: int, height: int, body: list[str], *, labelled_by: str | None, css: str) -> SafeString:
    label = f' aria-labelledby="{escape(labelled_by)}"' if labelled_by else ""
    return mark_safe(  # noqa: S308 - every text below goes through escape()
        f'<svg id="{escape(chart_id)}" class="chart {css}" role="img"{label} viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        + "".join(body)
        + "</svg>"
    )


def _text(x, y, text, *, size=14, anchor="start", fill=INK, weight="normal", css="") -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}"{klass}>{escape(text)}</text>'
    )


def _marker(shape: str, x: float, y: float, r: float, fill: str, stroke: str = "#ffffff") -> str:
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
    if shape == "diamond":
        pts = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
    if shape == "triangle":
        h = r * 1.5
        pts = f"{x:.1f},{y - h:.1f} {x + h:.1f},{y + h * 0.8:.1f} {x - h:.1f},{y + h * 0.8:.1f}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'


def bar_chart(
    items: list[tuple[str, float | None, str]], *, chart_id: str, labelled_by: str | None = None, max_value: float = 1.0
) -> SafeString:
    """Horizontal bars, one per (label, value, written value); the label above its bar (readable on phones)."""
    width, row = 400, 40
    height = max(row * len(items), row) + 6
    body = []
    for i, (label, value, text) in enumerate(items):
        y = i * row
        body.append(_text(0, y + 14, label if len(label) <= 52 else label[:51] + "…", size=13))
        body.append(f'<rect x="0" y="{y + 20}" width="320" height="12" fill="{TRACK}" class="chart-track"/>')
        if value is not None and max_value > 0:
            w = max(0.0, min(1.0, value / max_value)) * 320
            body.append(f'<rect x="0" y="{y + 20}" width="{w:.1f}" height="12" fill="{ACCENT}" class="chart-bar"/>')
        body.append(_text(400, y + 31, text, size=13, anchor="end", weight="bold"))
    return _svg(chart_id, width, height, body, labelled_by=labelled_by, css="chart-bars")


def funnel_chart(stages: list[tuple[str, int, float | None]], *, chart_id: str, labelled_by: str | None = None):
    """Centred bars narrowing from all agents to regular users, each with its count and share written."""
    width, row = 400, 46
    height = row * len(stages) + 4
    top = max((count for _, count, _ in stages), default=0) or 1
    body = []
    for i, (label, count, of_all) in enumerate(stages):
        y = i * row
        w = max(2.0, 380 * count / top) if count else 0
        x = (width - w) / 2
        shade = ["#0b5d6b", "#2f7d89", "#5b9aa4", "#85b5bd"][min(i, 3)]
        body.append(f'<rect x="{x:.1f}" y="{y + 18}" width="{w:.1f}" height="20" fill="{shade}" class="chart-bar"/>')
        body.append(
            _text(
                width / 2,
                y + 14,
                f"{label} : {count:,}".replace(",", NARROW_NBSP) + f" ({_pct(of_all)})",
                size=13,
                anchor="middle",
            )
        )
    return _svg(chart_id, width, height, body, labelled_by=labelled_by, css="chart-funnel")


def line_chart(
    series: list[dict],
    x_labels: list[str],
    *,
    chart_id: str,
    labelled_by: str | None = None,
    y_max: float = 1.0,
) -> SafeString:
    """Lines over the same x positions; `series` = [{"name", "points": [(x_index, value, low, high) or None]}].

    A band shows each series' 95 % confidence interval when low/high are given; the last value is
    written at the line's end and the legend repeats the dash pattern and marker of each line.
    """
    width, height = 640, 300
    left, right, top, bottom = 44, 70, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels), 2)

    def px(i):
        return left + plot_w * i / (n - 1)

    def py(v):
        return top + plot_h * (1 - min(max(v / y_max, 0.0), 1.0))

    body = []
    for tick in range(0, 5):
        v = y_max * tick / 4
        y = py(v)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{TRACK}"/>')
        body.append(_text(left - 6, y + 4, _pct(v), size=11, anchor="end", fill=MUTED))
    step = max(1, math.ceil(len(x_labels) / 7))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            body.append(_text(px(i), top + plot_h + 18, label, size=11, anchor="middle", fill=MUTED))
    for s_index, s in enumerate(series):
        style = SERIES[s_index % len(SERIES)]
        pts = [p for p in s["points"] if p is not None and p[1] is not None]
        band = [p for p in pts if p[2] is not None and p[3] is not None]
        if len(band) > 1:
            upper = " ".join(f"{px(i):.1f},{py(h):.1f}" for i, _v, _lo, h in band)
            lower = " ".join(f"{px(i):.1f},{py(lo):.1f}" for i, _v, lo, _h in reversed(band))
            body.append(
                f'<polygon points="{upper} {lower}" fill="{style["band"]}" fill-opacity="0.6" class="chart-band"/>'
            )
        if len(pts) > 1:
            line = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v, _lo, _hi in pts)
            dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
            body.append(f'<polyline points="{line}" fill="none" stroke="{style["stroke"]}" stroke-width="2.5"{dash}/>')
        for i, v, _lo, _hi in pts:
            body.append(_marker(style["marker"], px(i), py(v), 4, style["stroke"]))
        if pts:
            i, v, _lo, _hi = pts[-1]
            body.append(_text(px(i) + 8, py(v) + 4, _pct(v), size=12, fill=style["stroke"], weight="bold"))
    # Legend under the axis: marker, dash and name.
    x = left
    for s_index, s in enumerate(series):
        style = SERIES[s_index % len(SERIES)]
        y = height - 14
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        body.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 28}" y2="{y - 4}" stroke="{style["stroke"]}" '
            f'stroke-width="2.5"{dash}/>'
        )
        body.append(_marker(style["marker"], x + 14, y - 4, 4, style["stroke"]))
        body.append(_text(x + 34, y, s["name"], size=12))
        x += 44 + 7 * len(s["name"])
    return _svg(chart_id, width, height, body, labelled_by=labelled_by, css="chart-lines")


def bucket_of(rate: float | None) -> int | None:
    if rate is None:
        return None
    return next(i for i, (limit, *_rest) in enumerate(BUCKETS) if rate < limit)


def site_map(points: list[dict], *, chart_id: str, labelled_by: str | None = None) -> SafeString | None:
    """Sites placed by their coordinates (equirectangular, corrected for latitude), shaped and coloured by rate.

    `points` = [{"name", "lat", "lon", "rate", "agents"}]; sites without a rate are drawn as small grey rings.
    """
    located = [p for p in points if p["lat"] is not None and p["lon"] is not None]
    if not located:
        return None
    lats, lons = [p["lat"] for p in located], [p["lon"] for p in located]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    w_deg, h_deg = max((lon1 - lon0) * kx, 1e-4), max(lat1 - lat0, 1e-4)
    plot_w = 600
    scale = plot_w / w_deg
    plot_h = min(max(h_deg * scale, 120), 520)
    scale = min(scale, plot_h / h_deg)
    pad, legend_h = 16, 40
    width, height = plot_w + 2 * pad, plot_h + 2 * pad + legend_h
    top_agents = max((p["agents"] for p in located), default=1) or 1
    body = [f'<rect x="0" y="0" width="{width}" height="{plot_h + 2 * pad:.1f}" fill="#f4f5f7" class="chart-map-bg"/>']
    for p in sorted(located, key=lambda p: -p["agents"]):
        x = pad + (p["lon"] - lon0) * kx * scale
        y = pad + (lat1 - p["lat"]) * scale
        r = 2.5 + 4 * math.sqrt(p["agents"] / top_agents)
        bucket = bucket_of(p["rate"])
        if bucket is None:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="none" stroke="{MUTED}" stroke-width="1"/>')
            continue
        _limit, _label, colour, shape = BUCKETS[bucket]
        body.append(_marker(shape, x, y, r, colour))
    y = plot_h + 2 * pad + 24
    x = pad
    for _limit, label, colour, shape in BUCKETS:
        body.append(_marker(shape, x + 6, y - 5, 6, colour))
        body.append(_text(x + 16, y, label, size=13))
        x += 150
    return _svg(chart_id, width, int(height), body, labelled_by=labelled_by, css="chart-map")
