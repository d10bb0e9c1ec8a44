"""Geography: each agency resolved to its jurisdiction (type, county FIPS codes), for coverage by county."""

from g287.geo.jurisdictions import JURISDICTION_TYPES, build_jurisdictions

__all__ = ["JURISDICTION_TYPES", "build_jurisdictions"]
