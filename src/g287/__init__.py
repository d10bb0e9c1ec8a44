"""g287: the U.S. 287(g) program made visible and measurable.

The public functions live in :mod:`g287.api` and are re-exported here: ``g287.build()``,
``g287.counts()``, ``g287.agencies()``, ``g287.history()``, ``g287.events()``, ``g287.check()``,
``g287.export()``, ``g287.import_files()``, ``g287.connect()``, ``g287.audit()``, ``g287.study_run()``,
``g287.output()``.
"""

from g287.api import (agencies, audit, build, check, connect, counts, coverage, events, export, geo_agency, geo_review,
                      geo_stats, history, import_files, output, output_review, study_run, sync)

__all__ = ["agencies", "audit", "build", "check", "connect", "counts", "coverage", "events", "export", "geo_agency", "geo_review",
           "geo_stats", "history", "import_files", "output", "output_review", "study_run", "sync"]
