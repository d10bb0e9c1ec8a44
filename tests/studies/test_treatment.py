"""Treatment dates from the ledger: the first agreement of each county or agency."""

from __future__ import annotations

import pytest


def test_first_agreements_per_county_and_agency_from_the_bundled_ledger():
    from g287.errors import QueryError
    from g287.store.connect import open_ledger
    from g287.studies.treatment import first_agreements

    with open_ledger(None) as con:
        counties = {r["unit"]: r for r in first_agreements(con, "county")}
        jem = {r["unit"]: r for r in first_agreements(con, "county", model="jem")}
        agencies = first_agreements(con, "agency")
        signed = dict(con.execute("SELECT agreement_id, coalesce(signed_on, first_listed_on) FROM agreements "
                                  "UNION ALL SELECT interval_id, start_on FROM intervals").fetchall())
        with_state = {r["unit"] for r in first_agreements(con, "county", exclude_coverage_kinds=())}
        with pytest.raises(QueryError, match='Treatment unit "state" is unknown'):
            first_agreements(con, "state")
    # Each date is the start of the agreement (or the 2002-2020 agreement life) cited beside it, and a model
    # filter never makes it earlier.
    assert all(signed[r["agreement_id"]] == r["treated_on"] for r in counties.values())
    assert {r["source"] for r in counties.values()} == {"ledger", "history"}
    assert counties["37119"]["treated_on"] == "2006-02-27"  # Mecklenburg (NC): the 2010 FOIA chart's former MOA
    assert set(jem) <= set(counties)
    assert all(jem[c]["treated_on"] >= counties[c]["treated_on"] for c in jem)
    assert all("-JEM-" in r["agreement_id"] for r in jem.values())
    assert all(r["uncertainty_days"] == 0 for r in counties.values() if r["source"] == "ledger")
    # Statewide agencies would treat every county of their state: left out by default, counted when asked.
    assert len(with_state) > len(counties)
    assert all(len(r["unit"]) == 9 for r in agencies)
