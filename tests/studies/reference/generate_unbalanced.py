"""Reference ATT(g,t) for an unbalanced panel, from the ``differences`` package (GPL-3; used only here).

R did's reference files have no unbalanced panel, so the reference comes from an implementation independent
of the one g287 uses (csdid): mpdta without the 2005 rows of its 60 lowest county ids, never-treated
controls, doubly robust, analytic SEs. Run: ``python tests/studies/reference/generate_unbalanced.py``
(needs ``pip install differences==0.3.0``; reads ../shared/data/mpdta/mpdta.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2].parent / "shared" / "data"


def unbalanced_mpdta() -> pd.DataFrame:
    """mpdta without year 2005 for its 60 lowest county ids (2,440 rows)."""
    mpdta = pd.read_csv(SHARED / "mpdta" / "mpdta.csv")
    dropped = sorted(mpdta["countyreal"].unique())[:60]
    return mpdta[~(mpdta["countyreal"].isin(dropped) & (mpdta["year"] == 2005))].reset_index(drop=True)


def main() -> None:
    from differences import ATTgt

    data = unbalanced_mpdta()
    data["cohort"] = data["first.treat"].replace(0, np.nan)
    model = ATTgt(data=data.set_index(["countyreal", "year"]), cohort_column="cohort")
    model.fit(formula="lemp", est_method="dr", control_group="never_treated", progress_bar=False)
    res = model.results()
    column = {name: next(c for c in res.columns if c[-1] == name) for name in ("ATT", "std_error")}
    out = pd.DataFrame({"group": res.index.get_level_values("cohort").astype(int),
                        "t": res.index.get_level_values("time"), "att": res[column["ATT"]].to_numpy(),
                        "se": res[column["std_error"]].to_numpy()})
    out.to_csv(HERE / "unbalanced_mpdta_dr.csv", index=False, float_format="%.17g")
    print(f"wrote {len(out)} ATT(g,t) to {HERE / 'unbalanced_mpdta_dr.csv'}")


if __name__ == "__main__":
    main()
