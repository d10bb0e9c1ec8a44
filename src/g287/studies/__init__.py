"""Impact studies: staggered difference-in-differences (Callaway & Sant'Anna 2021) on county or agency panels.

``estimate_att_gt`` fits group-time effects; ``run_study`` runs a whole study from a TOML spec
(``g287 study run SPEC.toml``) and writes tables, plots and an HTML report.
"""

from g287.studies.did import (
    AggregatedEffects,
    DidSpec,
    GroupTimeEffects,
    estimate_att_gt,
)

__all__ = ["AggregatedEffects", "DidSpec", "GroupTimeEffects", "estimate_att_gt"]
