"""Which agencies, counties and states a text names, typos allowed: the site's search, and every name it looks
through (the static site's index, searched in the browser)."""

from __future__ import annotations

import re

import duckdb

from g287.inputs import STATE_NAMES


def search_ledger(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> list[dict]:
    """Agencies, counties and states whose names are close to ``text``, typos allowed, best first.

    Each result: ``kind`` (agency, county, state), ``key`` (agency id, county FIPS, state code), ``name``,
    ``state`` and ``score`` (1 for a name containing the text, else Jaro-Winkler similarity of the words).
    """
    query = " ".join(re.sub(r"[^a-z0-9]", " ", text.casefold().replace("'", "")).split())
    if not query:
        return []
    rows = con.execute(
        """
        WITH names AS (
            SELECT 'agency' AS kind, agency_id AS key, agency_name AS name, state FROM agencies
            UNION ALL SELECT 'county', county_fips, county_name, state FROM counties
            UNION ALL SELECT 'state', s.code, s.name, s.code FROM (SELECT unnest(?) AS code, unnest(?) AS name) s),
        plain AS (SELECT *, trim(regexp_replace(replace(lower(name), '''', ''), '[^a-z0-9]+', ' ', 'g')) AS text FROM names),
        pairs AS (
            SELECT p.kind, p.key, p.name, p.state, p.text, q.word,
                   max(jaro_winkler_similarity(w.word, q.word)) AS best
            FROM plain p, unnest(string_split(p.text, ' ')) AS w(word), unnest(string_split(?, ' ')) AS q(word)
            GROUP BY ALL),
        scored AS (
            SELECT kind, key, name, state,
                   CASE WHEN bool_or(text LIKE '%' || ? || '%' OR lower(key) = ?) THEN 1.0 ELSE avg(best) END AS score
            FROM pairs GROUP BY ALL)
        SELECT kind, key, name, state, round(score, 3) FROM scored WHERE score >= 0.88
        ORDER BY score DESC, kind = 'agency', length(name), name LIMIT ?
        """, [list(STATE_NAMES), list(STATE_NAMES.values()), query, query, query, limit]).fetchall()
    return [dict(zip(("kind", "key", "name", "state", "score"), r)) for r in rows]


def search_names(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """Every name the search looks through, as ``[kind, key, name, state]`` rows: the client-side index of the
    static site, where the search runs in the browser (static/search.js scores as search_ledger does)."""
    rows = con.execute("SELECT 'agency', agency_id, agency_name, state FROM agencies UNION ALL "
                       "SELECT 'county', county_fips, county_name, state FROM counties ORDER BY 1, 2").fetchall()
    return [list(r) for r in rows] + [["state", code, name, code] for code, name in STATE_NAMES.items()]
