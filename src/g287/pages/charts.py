"""Server-rendered SVG charts: the growth of agreements by model, drawn without JavaScript."""

from __future__ import annotations

import datetime as dt

# Okabe-Ito colours, distinguishable with the common forms of colour blindness.
MODEL_COLOURS = {"JEM": "#E69F00", "TFM": "#0072B2", "WSO": "#009E73"}


def growth_chart(points: list[dict], width: int = 640, height: int = 240, pad: int = 40) -> dict:
    """Lines of agreements per model over list dates, scaled to a ``width`` x ``height`` SVG.

    ``points`` are ``{"list_date", "model", "agreements"}`` rows. Returns ``lines`` (model, colour, SVG points),
    ``y_ticks`` and ``x_ticks`` (position, label) and the size.

    >>> chart = growth_chart([{"list_date": "2025-01-01", "model": "JEM", "agreements": 10},
    ...                       {"list_date": "2026-01-01", "model": "JEM", "agreements": 20}])
    >>> chart["lines"][0]["points"]
    '40.0,120.0 600.0,40.0'
    """
    dates = sorted({p["list_date"] for p in points})
    if not dates:
        return {"width": width, "height": height, "lines": [], "x_ticks": [], "y_ticks": []}
    top = max(p["agreements"] for p in points) or 1
    step = 10 ** max(len(str(top)) - 1, 0)
    top = -(-top // step) * step
    first = dt.date.fromisoformat(dates[0])
    span = max((dt.date.fromisoformat(dates[-1]) - first).days, 1)

    def x(date: str) -> float:
        return round(pad + (width - 2 * pad) * (dt.date.fromisoformat(date) - first).days / span, 1)

    def y(value: int) -> float:
        return round(height - pad - (height - 2 * pad) * value / top, 1)

    lines = []
    for model, colour in MODEL_COLOURS.items():
        series = [p for p in points if p["model"] == model]
        if series:
            lines.append({"model": model, "colour": colour,
                          "points": " ".join(f"{x(p['list_date'])},{y(p['agreements'])}" for p in series)})
    years = sorted({d[:4] for d in dates})
    x_ticks = [(x(max(dates[0], f"{year}-01-01")), year) for year in years]
    y_ticks = [(y(v), v) for v in range(0, top + 1, max(top // 4, 1))]
    return {"width": width, "height": height, "lines": lines, "x_ticks": x_ticks, "y_ticks": y_ticks}


def bar_chart(points: list[dict], key: str = "removed", width: int = 480, height: int = 160, pad: int = 36) -> dict:
    """Bars of ``key`` per period (``{"period", key}`` rows, in order) scaled to a ``width`` x ``height`` SVG;
    a period without a figure gets no bar and is labelled as unknown.

    >>> chart = bar_chart([{"period": "FY2007", "removed": 10}, {"period": "FY2008", "removed": None}])
    >>> [(b["label"], b["height"], b["known"]) for b in chart["bars"]]
    [('FY2007', 88.0, True), ('FY2008', 0, False)]
    """
    values = [p.get(key) for p in points]
    top = max([v for v in values if v is not None] or [0]) or 1
    slot = (width - 2 * pad) / max(len(points), 1)
    bars = []
    for i, (point, value) in enumerate(zip(points, values)):
        bar_height = round((height - 2 * pad) * value / top, 1) if value is not None else 0
        bars.append({"label": point["period"], "value": value, "known": value is not None,
                     "x": round(pad + i * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1),
                     "y": round(height - pad - bar_height, 1), "height": bar_height,
                     "centre": round(pad + (i + 0.5) * slot, 1)})
    return {"width": width, "height": height, "bars": bars, "top": top, "baseline": height - pad}
