"""Enforcement output: what 287(g) agreements produced (people identified and removed), per agency and period.

g287 stores counts per agency (or area) and period only, never a row about a person.
"""
