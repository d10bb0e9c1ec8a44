"""The brief's two figures as SVG (vector, sharp in print): a locator map of the county in its state with its
neighbours, and a timeline of the county's agreements by agency and model."""

from __future__ import annotations

import datetime as dt
import math

from g287.geo.topology import county_features

# Okabe-Ito colours (as on the site), readable with the common forms of colour blindness.
MODEL_COLOURS = {"JEM": "#E69F00", "TFM": "#0072B2", "WSO": "#009E73", "?": "#999999"}


def _rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def locator_map(topology: dict, county_fips: str, covered: dict[str, dict], neighbours: set[str],
                width: int = 300, height: int = 220) -> dict:
    """The county's state, its neighbours across state lines, each county shaded when an agreement covers it.

    Returns ``{"width", "height", "paths": [{"fips", "d", "role", "covered"}]}`` where ``role`` is ``county``,
    ``neighbour`` or ``state``. Longitudes east of 0 (the Aleutians) are moved west so Alaska stays whole.
    """
    features = county_features(topology)
    state = county_fips[:2]
    shown = [f for fips, f in features.items() if fips[:2] == state or fips in neighbours]
    if not shown:
        return {"width": width, "height": height, "paths": []}

    def lon(x: float) -> float:
        return x - 360 if x > 0 else x

    points = [(lon(x), y) for f in shown for ring in _rings(f) for x, y in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))  # equirectangular, true to scale at mid-latitude
    span_x, span_y = max((east - west) * squeeze, 1e-6), max(north - south, 1e-6)
    scale = min((width - 8) / span_x, (height - 8) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def xy(x: float, y: float) -> str:
        return f"{off_x + (lon(x) - west) * squeeze * scale:.1f},{off_y + (north - y) * scale:.1f}"

    paths = []
    for fips, feature in sorted((f["id"], f) for f in shown):
        d = "".join("M" + "L".join(xy(x, y) for x, y in ring) + "Z" for ring in _rings(feature))
        role = "county" if fips == county_fips else "neighbour" if fips in neighbours else "state"
        paths.append({"fips": fips, "d": d, "role": role, "covered": fips in covered})
    # The county and its neighbours are drawn last, so their outlines sit on top.
    paths.sort(key=lambda p: ("state", "neighbour", "county").index(p["role"]))
    return {"width": width, "height": height, "paths": paths}


def timeline_chart(spans: list[dict], as_of: str, width: int = 640, lane: int = 18, pad: int = 8,
                   label: int = 230) -> dict:
    """One lane per agency and model, a bar from its first agreement to its last (open bars reach ``as_of``).

    >>> chart = timeline_chart([{"agency_name": "A", "model": "JEM", "from_on": "2020-01-01", "to_on": None}],
    ...                        "2026-01-01")
    >>> chart["bars"][0]["width"] > 0, chart["ticks"][0][1]
    (True, '2020')
    """
    if not spans:
        return {"width": width, "height": 0, "bars": [], "ticks": []}
    first = dt.date.fromisoformat(min(s["from_on"] for s in spans)).replace(month=1, day=1)
    last = dt.date.fromisoformat(as_of)
    days = max((last - first).days, 1)
    plot = width - label - pad

    def x(on: str) -> float:
        return round(label + plot * (dt.date.fromisoformat(on) - first).days / days, 1)

    bars = []
    for i, s in enumerate(spans):
        start, end = x(s["from_on"]), x(s["to_on"] or as_of)
        bars.append({"label": f"{s['agency_name']} · {s['model']}", "model": s["model"],
                     "colour": MODEL_COLOURS.get(s["model"], MODEL_COLOURS["?"]), "x": start,
                     "width": max(round(end - start, 1), 1.5), "y": pad + i * lane, "open": s["to_on"] is None,
                     "from_on": s["from_on"], "to_on": s["to_on"]})
    step = max(1, math.ceil((last.year - first.year + 1) / 8))
    ticks = [(x(f"{year}-01-01"), str(year)) for year in range(first.year, last.year + 1, step)]
    return {"width": width, "height": pad * 2 + lane * len(spans) + 14, "bars": bars, "ticks": ticks,
            "axis_y": pad + lane * len(spans) + 2}
