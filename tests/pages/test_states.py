"""State pages: built from inputs read once for every state, or for one state alone."""

from __future__ import annotations


def test_state_pages_from_shared_inputs_equal_each_state_built_alone(bundled_ledger):
    """The static site builds every state page from inputs read once for all states; each equals the page the
    live site builds for that state alone."""
    from g287.inputs import STATE_NAMES
    from g287.pages.states import build_state, shared_state_inputs

    shared = shared_state_inputs(bundled_ledger)
    for code in STATE_NAMES:
        assert build_state(bundled_ledger, code, shared=shared) == build_state(bundled_ledger, code), code
