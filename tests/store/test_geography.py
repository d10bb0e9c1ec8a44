"""Places: the state a code or name stands for, and the FIPS digits of each state's counties."""

from __future__ import annotations

import pytest

from g287.errors import NotFoundError
from g287.store.geography import find_state, fips_prefixes


def test_a_state_by_code_or_name_else_not_found():
    assert [find_state(s) for s in ("FL", "fl", "Florida", " florida ")] == ["FL"] * 4
    assert find_state("md", by_name=False) == "MD"
    with pytest.raises(NotFoundError) as error:
        find_state("Atlantis")
    assert str(error.value) == "No state 'Atlantis'; use a code (FL) or a name (Florida)."
    with pytest.raises(NotFoundError) as error:
        find_state("Florida", by_name=False)
    assert str(error.value) == "No state 'Florida'; use a code (FL)."


def test_fips_prefixes_of_every_state_or_one(bundled_ledger):
    every = fips_prefixes(bundled_ledger)
    assert every["MD"] == "24" and every["FL"] == "12"
    assert fips_prefixes(bundled_ledger, "MD") == {"MD": "24"}
