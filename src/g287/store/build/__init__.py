"""Building the store from the raw archive, in layers that import downward only:

- :mod:`~g287.store.build.parsing`: archived files to parsed publications, through the parse cache;
- :mod:`~g287.store.build.atomic`: writing the store atomically (the new file, the build lock, fsync, the gc
  pause);
- :mod:`~g287.store.build.state`: what a build keeps for the next one (schema version, ledger fingerprint,
  the kept ledger) and its report;
- :mod:`~g287.store.build.incremental`: ICE's next lists added to the kept ledger;
- :mod:`~g287.store.build.full`: every table rebuilt, and :func:`~g287.store.build.full.build_store`, which
  adds the new lists when it can and builds in full otherwise.

Callers import from the module that defines a name; this package re-exports nothing.
"""
