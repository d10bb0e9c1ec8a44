"""The JSON API on the bundled ledger: real numbers, pagination, CSV twins, exact error texts, headers."""

from __future__ import annotations

import csv
import io

import g287
from g287.store.coverage import coverage_by_state


def test_counts_by_model_match_the_library(client):
    response = client.get("/api/v1/counts", params={"as_of": "2025-02-21", "by": "model"})
    assert response.status_code == 200
    assert response.json() == g287.counts(as_of="2025-02-21", by="model") == {
        "as_of": "2025-02-21", "publication_date": "2025-02-21", "basis": "list", "agreements": 151, "agencies": 142,
        "by": {"JEM": 60, "TFM": 11, "WSO": 80}, "agencies_by": {"JEM": 60, "TFM": 11, "WSO": 80}}


def test_counts_on_the_newest_list(client):
    body = client.get("/api/v1/counts", params={"as_of": "2026-05-18"}).json()
    assert (body["agreements"], body["by"]) == (1843, {})
    assert client.get("/api/v1/counts").json()["publication_date"] == "2026-05-18"


def test_counts_by_state_with_a_state_name(client):
    body = client.get("/api/v1/counts", params={"as_of": "2026-05-18", "by": "state", "state": "Florida"}).json()
    assert body == g287.counts(as_of="2026-05-18", by="state", state="FL")
    assert list(body["by"]) == ["FL"]


def test_bad_parameters_are_422_naming_the_parameter(client):
    cases = {
        ("/api/v1/counts", "as_of", "2025-13-01"): "as_of '2025-13-01' is not a date; use YYYY-MM-DD.",
        ("/api/v1/agencies", "state", "Atlantis"):
            "state 'Atlantis' is not a U.S. state or territory; use a code (FL) or a name (Florida).",
        ("/api/v1/agencies", "model", "XYZ"): "model 'XYZ' is not a 287(g) model; use JEM, TFM or WSO.",
        ("/api/v1/events", "since", "yesterday"): "since 'yesterday' is not a date; use YYYY-MM-DD.",
        ("/api/v1/counts", "by", "county"): "by: Input should be 'model', 'state' or 'type'",
        ("/api/v1/agencies", "page", "0"): "page: Input should be greater than or equal to 1",
        ("/api/v1/agencies", "per_page", "5000"): "per_page: Input should be less than or equal to 1000",
    }
    for (path, name, value), message in cases.items():
        response = client.get(path, params={name: value})
        assert response.status_code == 422, (path, name)
        assert response.json() == {"ok": False, "error": message, "status": 422}


def test_unknown_agency_is_404(client):
    response = client.get("/api/v1/agencies/FL-no-such-agency")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "status": 404,
                               "error": "No agency with id 'FL-no-such-agency'. Search by name at /search?q=..."}


def test_a_missing_thing_is_404_from_the_library_error(client):
    """NotFoundError (a subclass of QueryError, otherwise 422) is answered 404 by the app's one error handler."""
    for path, params, message in (
            ("/api/v1/output", {"agency": "XX-nothing"},
             "No agency with id 'XX-nothing'. Search by name at /api/v1/search?q=..."),
            ("/api/v1/output", {"agency": "NC-mecklenburg-county-sheriffs-office", "state": "FL"},
             "No agency matches 'NC-mecklenburg-county-sheriffs-office' in FL; try part of the name, or "
             "\"g287 agencies --state XX\"."),
            ("/states/Atlantis.json", {}, "No state 'Atlantis'; use a code (FL) or a name (Florida)."),
            ("/counties/99999.json", {}, "No county with FIPS code '99999'. Search by name at /search?q=..."),
            ("/feeds/state/Florida.xml", {}, "No state 'Florida'; use a code (FL).")):
        response = client.get(path, params=params)
        assert response.json() == {"ok": False, "status": 404, "error": message}, path


def test_agency_has_agreements_counties_and_evidence(client):
    body = client.get("/api/v1/agencies/MD-garrett-county-sheriffs-office").json()
    history = g287.history("MD-garrett-county-sheriffs-office")
    assert body["agency"]["agency_name"] == "Garrett County Sheriff's Office"
    assert [a["agreement_id"] for a in body["agreements"]] == [a["agreement_id"] for a in history["agreements"]]
    assert [c["county_fips"] for c in body["counties"]] == ["24023"]
    assert len(body["events"]) == len(history["events"]) > 0
    assert all(e["evidence"] and e["evidence"][0]["publication_id"] for e in body["events"])


def test_agencies_are_paginated_with_links(client):
    first = client.get("/api/v1/agencies", params={"as_of": "2025-02-21", "per_page": 100}).json()
    assert (first["total"], len(first["items"]), first["previous"]) == (142, 100, None)
    assert first["next"] == "http://testserver/api/v1/agencies?as_of=2025-02-21&page=2&per_page=100"
    second = client.get(first["next"]).json()
    assert (len(second["items"]), second["next"]) == (42, None)
    assert second["previous"] == "http://testserver/api/v1/agencies?as_of=2025-02-21&page=1&per_page=100"
    ids = [a["agency_id"] for a in first["items"] + second["items"]]
    assert ids == [a["agency_id"] for a in g287.agencies(as_of="2025-02-21")]


def test_csv_twins(client):
    response = client.get("/api/v1/agencies.csv", params={"as_of": "2025-02-21", "model": "TFM"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(g287.agencies(as_of="2025-02-21", model="TFM"))
    assert all("TFM" in r["models"] for r in rows)
    events = list(csv.DictReader(io.StringIO(client.get("/api/v1/events.csv", params={"since": "2026-05-18"}).text)))
    assert len(events) == len(g287.events(since="2026-05-18"))
    agreements = client.get("/api/v1/agreements.csv", params={"status": "Active"}).text.splitlines()
    assert len(agreements) == 1 + 1843


def test_events_newest_first_with_evidence(client):
    body = client.get("/api/v1/events", params={"since": "2026-05-01", "state": "MD", "per_page": 5}).json()
    expected = g287.events(since="2026-05-01", state="MD")
    assert body["total"] == len(expected)
    assert [e["event_id"] for e in body["items"]] == [e["event_id"] for e in expected[::-1][:5]]


def test_coverage_matches_the_library(client):
    body = client.get("/api/v1/coverage", params={"as_of": "2026-05-18", "state": "FL"}).json()
    assert body == g287.coverage(as_of="2026-05-18", state="FL")
    states = client.get("/api/v1/coverage/states", params={"as_of": "2026-05-18"}).json()
    with g287.connect() as con:
        assert states == coverage_by_state(con, as_of="2026-05-18")


def test_timeline_and_dates(client):
    dates = client.get("/api/v1/dates").json()
    assert (dates[0], dates[-1], len(dates)) == ("2021-01-12", "2026-05-18", 232)
    timeline = client.get("/api/v1/timeline").json()
    on = {p["model"]: p["agreements"] for p in timeline if p["list_date"] == "2025-02-21"}
    assert on == {"JEM": 60, "TFM": 11, "WSO": 80}


def test_search_tolerates_typos(client):
    results = client.get("/api/v1/search", params={"q": "garet county sherif"}).json()
    assert results[0]["key"] == "MD-garrett-county-sheriffs-office"
    assert client.get("/api/v1/search", params={"q": "florda"}).json()[0] == {
        "kind": "state", "key": "FL", "name": "Florida", "state": "FL", "score": 0.971}


def test_security_headers_and_read_only(client):
    response = client.get("/api/v1/counts")
    assert response.headers["content-security-policy"].startswith("default-src 'self';")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    refused = client.post("/api/v1/counts", json={})
    assert refused.status_code == 405
    assert refused.json() == {"ok": False, "error": "POST is not allowed; the site is read-only.", "status": 405}


def test_openapi_lists_every_operation(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/counts", "/api/v1/agencies", "/api/v1/agencies.csv", "/api/v1/agencies/{agency_id}",
            "/api/v1/agreements", "/api/v1/events", "/api/v1/coverage"} <= set(paths)


def test_head_is_answered_without_a_body(client):
    response = client.head("/api/v1/counts")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-frame-options"] == "DENY"


def test_repeated_answers_come_from_the_cache():
    from fastapi.testclient import TestClient

    from g287.web.app import ResponseCache

    calls = []

    async def site(scope, receive, send):
        calls.append((scope["path"], dict(scope["headers"]).get(b"accept-language")))
        await send({"type": "http.response.start", "status": 200 if scope["path"] == "/ok" else 404, "headers": []})
        await send({"type": "http.response.body", "body": b"answer"})

    cached = TestClient(ResponseCache(site))
    answers = [cached.get(path, headers={"Accept-Language": lang}).text
               for path, lang in [("/ok", "en"), ("/ok", "en"), ("/ok", "es"), ("/missing", "en"), ("/missing", "en")]]
    assert answers == ["answer"] * 5
    assert calls == [("/ok", b"en"), ("/ok", b"es"), ("/missing", b"en"), ("/missing", b"en")]
