"""Plots of study results (matplotlib, imported only when a plot is asked for).

Colours are from the Okabe-Ito palette, readable with the common forms of colour blindness.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

PRE, POST = "#0072B2", "#D55E00"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path) -> None:
    if path is None:
        return
    path = Path(path)
    for suffix in (".png", ".svg") if path.suffix == "" else (path.suffix,):
        fig.savefig(path.with_suffix(suffix), dpi=150, bbox_inches="tight")


def _points(ax, x: list, tidy, is_pre: list[bool], size: int) -> None:
    """Estimates with interval bars: pre-treatment ones in blue, the rest in orange."""
    for pre, color in ((True, PRE), (False, POST)):
        idx = [i for i, p in enumerate(is_pre) if p == pre]
        if not idx:
            continue
        # vlines + plot draw two collections; errorbar would draw an artist per point (slow for 700 cells).
        xs = [x[i] for i in idx]
        ax.vlines(xs, [tidy["conf_low"][i] for i in idx], [tidy["conf_high"][i] for i in idx], color=color,
                  linewidth=1.2)
        ax.plot(xs, [tidy["estimate"][i] for i in idx], "o", color=color, markersize=size,
                label="before treatment" if pre else "after treatment")


def plot_aggregate(agg, path=None):
    """Estimates with intervals by event time (event study), group or period; pre-treatment in blue."""
    plt = _pyplot()
    tidy = agg.tidy().filter(pl.col("label").is_not_null())
    fig, ax = plt.subplots(figsize=(7, 4))
    labels = tidy["label"].to_list()
    ax.axhline(0, color="#555555", linewidth=0.8)
    _points(ax, labels, tidy, [agg.kind == "dynamic" and e < 0 for e in labels], 4)
    if agg.kind == "dynamic":
        ax.axvline(-0.5, color="#999999", linestyle="--", linewidth=0.8)
        ax.legend(frameon=False, fontsize=8)
    ax.set_xlabel({"dynamic": "Periods since first treatment", "group": "Treatment group (first period treated)",
                   "calendar": "Period"}.get(agg.kind, ""))
    ax.set_ylabel(f"ATT ({agg.spec.yname})")
    ax.set_title(f"{'Event study' if agg.kind == 'dynamic' else agg.kind.title() + ' effects'}: "
                 f"overall {agg.overall_estimate:.3f} (SE {agg.overall_std_error:.3f})")
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_group_time(fit, path=None):
    """ATT(g,t) against period, one small panel per treatment group."""
    plt = _pyplot()
    tidy = fit.tidy()
    groups = sorted(set(fit.groups))
    cols = min(4, len(groups))
    rows = -(-len(groups) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), sharey=True, squeeze=False)
    for ax, group in zip(axes.flat, groups):
        part = tidy.filter(tidy["group"] == group)
        times = part["time"].to_list()
        ax.axhline(0, color="#555555", linewidth=0.8)
        _points(ax, times, part, [t < group for t in times], 2)
        ax.set_title(f"Group {group}", fontsize=9)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    fig.tight_layout()
    _save(fig, path)
    return fig
