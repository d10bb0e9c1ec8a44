"""The site in real headless Chromium (Debian's ``chromium``, driven by Playwright): map, slider, state,
search, agency page and Spanish. Screenshots are kept in tests/artifacts/."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def base_url(app):
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the site did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert errors == [], errors


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    print(f"screenshot: {ARTIFACTS / name}.png")


def test_home_map_and_slider(page, base_url):
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    expect(page.locator("#map")).to_have_attribute("data-painted", "2026-05-18", timeout=20_000)
    assert page.locator("#map path.county").count() > 3000
    assert page.locator("#map circle.police").count() > 100
    assert page.locator("#count-agreements").inner_text() == "1,843"
    shot(page, "home")
    slider = page.locator("#slider")
    slider.focus()
    # The slider starts in 2006, quarter by quarter, answered from the 2002-2020 agreement lives.
    page.keyboard.press("Home")
    expect(page.locator("#slider-date")).to_have_text("January 1, 2006")
    expect(page.locator("#map")).to_have_attribute("data-painted", "2006-01-01", timeout=20_000)
    expect(page.locator("#count-date")).to_have_text("In force on (best-known dates) January 1, 2006:",
                                                     timeout=10_000)
    from g287.store.connect import open_ledger
    from g287.store.counts import count_agreements

    bundled = count_agreements(open_ledger(None), as_of="2006-01-01")
    expect(page.locator("#count-agreements")).to_have_text(str(bundled["agreements"]))
    quarters = [d for d in slider.get_attribute("data-dates").split(",") if d < "2021-01-12"]
    for _ in quarters:
        page.keyboard.press("ArrowRight")
    expect(page.locator("#slider-date")).to_have_text("January 12, 2021")
    expect(page.locator("#map")).to_have_attribute("data-painted", "2021-01-12", timeout=20_000)
    expect(page.locator("#count-date")).to_have_text("List of January 12, 2021:", timeout=10_000)
    expect(page.locator("#count-agreements")).to_have_text("150")
    assert page.locator("#count-residents").inner_text() != "152,202,083"
    covered = page.locator("#map path.county:not([fill='#e8e8e8'])").count()
    assert 0 < covered < 3000
    shot(page, "home-2021")
    # Local agreements only: state agencies' agreements (whole states) are left out.
    page.locator("#local-only").check()
    expect(page.locator("#map path.county:not([fill='#e8e8e8'])")).not_to_have_count(covered, timeout=20_000)
    assert page.locator("#map path.county:not([fill='#e8e8e8'])").count() < covered


def test_open_a_state(page, base_url):
    from playwright.sync_api import expect

    page.goto(base_url + "/states")
    page.get_by_role("link", name="Florida", exact=True).click()
    expect(page.locator("h1")).to_have_text("Florida")
    expect(page.locator("#map")).to_have_attribute("data-painted", re.compile(r"\d{4}-\d\d-\d\d"), timeout=20_000)
    assert 60 <= page.locator("#map path.county").count() <= 70
    shot(page, "state-FL")


def test_search_an_agency_and_open_its_page(page, base_url):
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    page.get_by_label("Search agencies, counties, states").fill("garet county sherif")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Garrett County Sheriff's Office").first.click()
    expect(page.locator("h1")).to_have_text("Garrett County Sheriff's Office")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert page.locator("table.events tbody tr").count() > 0
    shot(page, "agency")


def test_switch_to_spanish(page, base_url):
    from playwright.sync_api import expect

    page.goto(base_url + "/glossary")
    page.locator("#lang-switch").click()
    expect(page.locator("h1")).to_have_text("Glosario")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="Estados").click()
    expect(page.locator("h1")).to_have_text("Estados")
    shot(page, "spanish")


def test_spanish_county_page_on_a_phone(chromium, base_url):
    """A county's agencies, on a 375 px screen in Spanish: how each covers the county is in Spanish, and the
    wide tables scroll on their own instead of pushing the page past the screen's edge."""
    from g287.i18n import COVERAGE_KIND_NAMES, translations
    from g287.store.connect import open_ledger

    con = open_ledger(None)
    kinds = {kind for (kind,) in con.execute(
        "SELECT DISTINCT j.coverage_kind FROM agency_counties c JOIN jurisdictions j USING (agency_id) "
        "JOIN agreements USING (agency_id) "
        "WHERE c.county_fips = '12057'").fetchall()}
    assert {"state agency", "own sheriff"} <= kinds  # Hillsborough: the sheriff and Florida's state agencies
    spanish = translations("es")
    context = chromium.new_context(locale="es-MX", viewport={"width": 375, "height": 800})
    tab = context.new_page()
    try:
        tab.goto(base_url + "/es/counties/12057")
        shown = set(tab.locator("table").first.locator("tbody tr td:nth-child(2)").all_inner_texts())
        assert shown == {spanish.gettext(COVERAGE_KIND_NAMES[kind]) for kind in kinds}
        assert not shown & kinds
        assert tab.locator("table.events tbody tr").count() > 0
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        shot(tab, "county-es-phone")
    finally:
        context.close()
