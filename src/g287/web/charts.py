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
