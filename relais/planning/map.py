"""The week's map as inline SVG geometry: Paris' arrondissements under the visits, no tiles, no script.

Tiles would mean a third-party server seeing every coordinator's screen and a CSP opened to it; the
outlines ship with the app (relais/planning/data, IGN ADMIN EXPRESS, Licence Ouverte 2.0).
"""

import functools
import json
import math
from collections import defaultdict
from pathlib import Path

ROUTE_CLASSES = 8  # route-0 … route-7 in planning.css
OUTLINES = Path(__file__).parent / "data" / "paris-arrondissements.json"
WIDTH, HEIGHT, MARGIN = 900, 600, 20


@functools.cache
def arrondissements() -> list[dict]:
    """Paris' 20 arrondissements: number and outline as (longitude, latitude) points."""
    return json.loads(OUTLINES.read_text(encoding="utf-8"))["arrondissements"]


@functools.cache
def _paris_box() -> tuple[float, float, float, float]:
    points = [p for a in arrondissements() for p in a["ring"]]
    return (min(p[1] for p in points), max(p[1] for p in points), min(p[0] for p in points), max(p[0] for p in points))


def week_map(visits: list, mediators: list) -> dict | None:
    """One polyline per mediator-day in visit order, one dot per visit; Paris' outlines when the sites are there."""
    located = [v for v in visits if v.site.latitude is not None and v.site.longitude is not None]
    if not located:
        return None
    lat0, lat1 = min(v.site.latitude for v in located), max(v.site.latitude for v in located)
    lon0, lon1 = min(v.site.longitude for v in located), max(v.site.longitude for v in located)
    p_lat0, p_lat1, p_lon0, p_lon1 = _paris_box()
    in_paris = lat0 < p_lat1 and lat1 > p_lat0 and lon0 < p_lon1 and lon1 > p_lon0
    if in_paris:  # the whole city, so that a place is found by its arrondissement
        lat0, lat1, lon0, lon1 = min(lat0, p_lat0), max(lat1, p_lat1), min(lon0, p_lon0), max(lon1, p_lon1)
    kx = math.cos(math.radians((lat0 + lat1) / 2))  # a degree of longitude shrinks with latitude
    width = max((lon1 - lon0) * kx, 1e-4)
    height = max(lat1 - lat0, 1e-4)
    scale = WIDTH / max(width, height * WIDTH / HEIGHT)

    def xy(lat: float, lon: float) -> tuple[int, int]:
        return round((lon - lon0) * kx * scale) + MARGIN, round((lat1 - lat) * scale) + MARGIN

    areas = []
    if in_paris:
        for area in arrondissements():
            points = [xy(lat, lon) for lon, lat in area["ring"]]
            cx = round(sum(x for x, _ in points[:-1]) / (len(points) - 1))
            cy = round(sum(y for _, y in points[:-1]) / (len(points) - 1))
            number = area["number"]
            areas.append({
                "points": " ".join(f"{x},{y}" for x, y in points),
                "label": "1er" if number == 1 else f"{number}e",
                "x": cx,
                "y": cy,
            })  # fmt: skip
    colour = {m.pk: i % ROUTE_CLASSES for i, m in enumerate(mediators)}
    routes = defaultdict(list)
    for v in sorted(located, key=lambda v: (v.mediator_id, v.date, v.starts_at)):
        routes[(v.mediator_id, v.date)].append(v)
    lines = [
        {
            "points": " ".join(f"{x},{y}" for x, y in (xy(v.site.latitude, v.site.longitude) for v in vs)),
            "css": f"route-{colour.get(m, 0)}",
        }
        for (m, _), vs in routes.items()
        if len(vs) > 1
    ]
    dots = []
    for v in located:
        x, y = xy(v.site.latitude, v.site.longitude)
        title = f"{v.site.name}, {v.date:%d/%m} {v.starts_at:%H:%M}, {v.mediator}"
        dots.append({"x": x, "y": y, "css": f"route-{colour.get(v.mediator_id, 0)}", "title": title})
    return {
        "width": round(width * scale) + 2 * MARGIN,
        "height": round(height * scale) + 2 * MARGIN,
        "areas": areas,
        "lines": lines,
        "dots": dots,
    }
