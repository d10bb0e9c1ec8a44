"""Enforcement output: what 287(g) agreements produced (people identified and removed), per agency and period.

This package holds the pure rules that link each reporting agency of an output table to its ledger agency
(``link``); the output per agency, county or state, read from the built store, is ``g287.store.output``.
g287 stores counts per agency (or area) and period only, never a row about a person.
"""
