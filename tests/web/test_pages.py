"""Server-rendered pages in English and Spanish, their JSON twins, error pages and feeds."""

from __future__ import annotations

import feedparser

import g287


def test_home_shows_the_newest_counts(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    assert "On ICE's list of May 18, 2026:" in response.text
    assert '<strong id="count-agreements">1,843</strong>' in response.text
    assert 'data-dates="2006-01-01,' in response.text and ",2021-01-12," in response.text
    assert "<script>" not in response.text


def test_spanish_from_accept_language_with_local_formats(client):
    response = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in response.text
    assert "En la lista de ICE del 18 may 2026:" in response.text
    assert '<strong id="count-agreements">1.843</strong>' in response.text


def test_language_switch_is_remembered(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as fresh:
        first = fresh.get("/glossary", params={"lang": "es"})
        assert first.cookies.get("lang") == "es"
        assert "<h1>Glosario</h1>" in first.text
        assert "<h1>Glosario</h1>" in fresh.get("/glossary").text
        assert "<h1>Glossary</h1>" in fresh.get("/glossary", params={"lang": "en"}).text


def test_every_message_is_translated():
    from babel.messages.pofile import read_po

    from g287.i18n import LOCALE_DIR

    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        spanish = {m.id: m.string for m in read_po(handle) if m.id}
    assert set(spanish) == template
    assert [k for k, v in spanish.items() if not v] == []


def test_catalog_template_is_current(tmp_path):
    from babel.messages.frontend import CommandLineInterface

    from g287.i18n import LOCALE_DIR

    HERE = LOCALE_DIR.parent

    out = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(HERE / "babel.cfg"), "-k", "N_", "--no-location",
                                "--omit-header", "--sort-output", "-o", str(out), str(HERE.parent)])
    assert out.read_text() == (LOCALE_DIR / "messages.pot").read_text()


def test_state_page_and_its_json_twin(client):
    page = client.get("/states/FL", params={"lang": "en"})
    assert page.status_code == 200
    assert "<h1>Florida</h1>" in page.text
    data = client.get("/states/florida.json").json()
    assert data["counts"] == g287.counts(by="model", state="FL")
    assert data["counts"]["agencies"] == len(data["agencies"])
    for agency in data["agencies"][:3]:
        assert f'href="/agencies/{agency["agency_id"]}"' in page.text


def test_county_page(client):
    data = client.get("/counties/24023.json").json()
    assert data["county"]["county_name"] == "Garrett County"
    assert "MD-garrett-county-sheriffs-office" in [a["agency_id"] for a in data["agencies"]]
    assert "Garrett County Sheriff&#39;s Office" in client.get("/counties/24023", params={"lang": "en"}).text


def test_agency_page_cites_evidence(client):
    data = client.get("/agencies/MD-garrett-county-sheriffs-office.json").json()
    assert data == client.get("/api/v1/agencies/MD-garrett-county-sheriffs-office").json()
    html = client.get("/agencies/MD-garrett-county-sheriffs-office", params={"lang": "en"}).text
    evidence = data["events"][0]["evidence"][0]
    assert evidence["file"] in html
    assert 'href="/counties/24023"' in html


def test_an_agency_that_left_before_2021_has_a_page_with_its_graded_history(client):
    # Maricopa County (AZ): Jail Enforcement MOA of 2007-02-07 (OIG-10-63), ended after ICE's page of
    # 2011-09-02 and before its capture of 2012-01-20.
    data = client.get("/agencies/AZ-maricopa-county-sheriffs-office.json").json()
    assert data["agreements"] == [] and data["lives"][0]["start_on"] == "2007-02-07"
    assert data["lives"][0]["end_on"] == "2012-01-20" and data["lives"][0]["end_precision"] == "between"
    html = client.get("/agencies/AZ-maricopa-county-sheriffs-office", params={"lang": "en"}).text
    assert "Before 2021" in html and "historical-oig-2009.csv" in html and "between two lists" in html
    spanish = client.get("/agencies/AZ-maricopa-county-sheriffs-office", params={"lang": "es"}).text
    assert "Antes de 2021" in spanish and "entre dos listas" in spanish and "Before 2021" not in spanish


def test_the_history_page_charts_the_program_since_2002_and_states_the_gaps(client):
    html = client.get("/history", params={"lang": "en"}).text
    assert "287(g) since 2002" in html and html.count("<polyline") >= 3
    assert "No complete list survives from August 2017 to January 2021" in html
    # The yearly table: 1 July 2012 has Task Force agreements, 1 July 2013 none (ended 2012-12-31).
    counts = client.get("/api/v1/counts", params={"as_of": "2012-07-01", "by": "model"}).json()
    assert counts["basis"] == "intervals" and counts["by"]["TFM"] > 0
    assert "TFM" not in client.get("/api/v1/counts", params={"as_of": "2013-07-01", "by": "model"}).json()["by"]
    assert "Historia del programa" in client.get("/history", params={"lang": "es"}).text


def test_coverage_before_2021_and_without_state_agencies(client):
    everything = client.get("/api/v1/coverage", params={"as_of": "2010-10-29"}).json()
    local = client.get("/api/v1/coverage", params={"as_of": "2010-10-29", "local_only": "true"}).json()
    assert everything["basis"] == local["basis"] == "intervals"
    # Statewide agencies (Florida's, Alabama's, Arizona's ...) cover whole states; local agreements far fewer.
    assert 0 < local["total"]["counties"] < everything["total"]["counties"]
    dates = client.get("/index.json").json()["dates"]
    assert dates[0] == "2006-01-01" and "2021-01-12" in dates and dates == sorted(dates)


def test_search_tolerates_typos(client):
    html = client.get("/search", params={"q": "garet county sherif", "lang": "en"}).text
    assert '<a href="/agencies/MD-garrett-county-sheriffs-office">Garrett County Sheriff&#39;s Office</a>' in html
    assert "Nothing close to “zzqqxx”. Try part of the name." in client.get("/search", params={"q": "zzqqxx"}).text


def test_unknown_ids_are_404_pages(client):
    for path, message in (("/agencies/XX-nothing", "No agency with id &#39;XX-nothing&#39;."),
                          ("/counties/99999", "No county with FIPS code &#39;99999&#39;."),
                          ("/states/Atlantis", "No state &#39;Atlantis&#39;; use a code (FL) or a name (Florida)."),
                          ("/models/XYZ", "No 287(g) model &#39;XYZ&#39;; the models are JEM, TFM and WSO.")):
        response = client.get(path, params={"lang": "en"})
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text and message in response.text


def test_other_pages_render_in_both_languages(client):
    for path in ("/states", "/compare?s=FL&s=TX", "/models/JEM", "/models/TFM", "/models/WSO", "/glossary",
                 "/methodology", "/downloads", "/events?since=2026-05-01", "/api"):
        for lang in ("en", "es"):
            response = client.get(path, params={"lang": lang})
            assert response.status_code == 200, (path, lang)
            assert f'<html lang="{lang}">' in response.text


def test_feeds(client):
    feed = feedparser.parse(client.get("/feeds/state/MD.xml").content)
    assert feed.feed.title == "287(g) ledger: state MD"
    expected = g287.events(since="0001-01-01", state="MD")
    assert len(feed.entries) == min(200, len(expected))
    assert client.get("/feeds/agency/XX-nothing.xml").status_code == 404


def test_vendored_scripts_are_loaded_from_the_site(client):
    html = client.get("/").text
    for name in ("d3-array", "d3-geo", "topojson-client"):
        assert f'<script src="/static/vendor/{name}.min.js"></script>' in html
        assert client.get(f"/static/vendor/{name}.min.js").status_code == 200
    assert "cdn" not in html.lower()
