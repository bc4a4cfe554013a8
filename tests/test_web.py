"""The analyst page in headless Chromium: map, markers, evidence, documents as inert text, timeline, docs.

The browser is Debian's chromium driven by Playwright (no browser download);
every request that would leave the test server is aborted and recorded, so a
CDN or tile server anywhere fails the test. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from fogofwar.api import WEB_DIST, create_app
from tests.test_api import web_store  # noqa: F401 - the shared session store, built once

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
WEB = WEB_DIST.parent


def _ensure_build() -> None:
    """Build the page as `make setup` does when the build is missing or older than its sources."""
    sources = [WEB / n for n in ("build.mjs", "regions.json", "index.html", "docs.html", "package-lock.json")]
    sources += list((WEB / "src").glob("*"))
    built = WEB_DIST / "index.html"
    if built.exists() and built.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the page is not built and npm is missing: run `make setup`")
    stamp = WEB / "node_modules" / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (WEB / "package-lock.json").stat().st_mtime:
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=WEB, check=True)
        stamp.touch()
    subprocess.run([npm, "run", "--silent", "build"], cwd=WEB, check=True)


@pytest.fixture(scope="module")
def server(web_store):  # noqa: F811 - the imported fixture
    """The real server (uvicorn) on a free loopback port, over the test store and the real build."""
    import uvicorn

    _ensure_build()
    app = create_app(web_store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    app.state.served.current.close()


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    """Chromium with a fresh profile; requests off the test server are aborted and listed in .external."""
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `apt-get install -y chromium` (make setup does it)")

    ARTIFACTS.mkdir(exist_ok=True)
    external: list[str] = []

    def guard(route):
        if route.request.url.startswith(server + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 900}, env={**os.environ, "TZ": "UTC"})
        context.route("**/*", guard)
        context.external = external
        yield context
        context.close()


@pytest.fixture()
def page(browser, server):
    """A tab on the page, loaded, with its console errors and page errors collected in .problems."""
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    tab.goto(server + "/")
    tab.wait_for_selector("body[data-loaded]")
    tab.wait_for_selector("#map[data-basemap=ready]")
    yield tab
    assert browser.external == [], "the page asked for something off this server"
    assert problems == [], problems
    tab.close()


def incidents(page, **params):
    """The API's answer, fetched from inside the page (same origin, so under the page's CSP)."""
    query = "&".join(f"{k}={v}" for k, v in {"limit": 500, **params}.items())
    return page.evaluate(f"fetch('/api/incidents?{query}').then(r => r.json())")["items"]


def markers_shown(page) -> int:
    """Incidents on the map: single markers plus the counts on cluster icons."""
    singles = page.locator("#map .incident-marker").count()
    clusters = sum(int(t) for t in page.locator("#map .marker-cluster span").all_inner_texts())
    return singles + clusters


def test_the_page_shows_every_located_incident_on_a_basemap_without_network(page):
    """Country and region outlines draw from packaged files and each located incident is on the map."""
    located = [i for i in incidents(page) if i["lat"] is not None]
    expect(page.locator("#map")).to_have_attribute("data-markers", str(len(located)))
    page.wait_for_timeout(400)  # clustering animates
    assert markers_shown(page) == len(located) >= 4
    assert page.locator(".leaflet-land-pane canvas").count() == 1
    assert page.locator(".leaflet-regions-pane canvas").count() == 1
    assert "Region outlines © amCharts" in page.locator("footer").inner_text()
    assert "Region outlines © amCharts" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator("#panel .incident-item").count() == len(incidents(page))
    assert page.locator("#timeline svg rect.bar").count() > 0
    page.screenshot(path=ARTIFACTS / "web-map.png")


def test_clicking_a_marker_shows_the_incidents_claims(page):
    """The Odesa strike's marker opens its claims, the denial apart: source, code, stance, quote, outlet, date."""
    (odesa,) = [i for i in incidents(page) if i["location_name"] == "Odesa"]
    page.locator(f"#map [data-incident='{odesa['incident_id']}']").click()
    panel = page.locator(f".evidence[data-incident='{odesa['incident_id']}']")
    panel.wait_for()
    assert panel.locator(".claims.against .claim .source").all_inner_texts() == ["Moscow"]
    assert panel.locator(".claims.against .claim .badge").inner_text() == "denies"
    claim = panel.locator(".claims.backing .claim")
    assert claim.count() == 1
    assert claim.locator(".source").inner_text() == "the Ukrainian air force"
    assert claim.locator("code").inner_text() == "UKRMIL"
    assert claim.locator(".badge").inner_text() == "asserts"
    assert claim.locator(".quote").inner_text() == "Russian missiles struck the port of Odesa on Saturday"
    assert claim.locator(".where").inner_text().startswith("Paper C · 2022-07-24 · indirect")
    assert "ASSAULT · Odesa" in panel.locator("h2").inner_text()
    assert page.locator("#map .incident-marker.selected").count() == 1
    page.screenshot(path=ARTIFACTS / "web-evidence.png")


def test_an_incident_from_the_list_shows_claims_from_every_outlet(page):
    """The withdrawal, picked from the list, shows both outlets' claims and both reports."""
    (izium,) = incidents(page, min_sources=2)
    page.locator(f"#panel .incident-item[data-incident='{izium['incident_id']}']").click()
    panel = page.locator(f".evidence[data-incident='{izium['incident_id']}']")
    panel.wait_for()
    assert panel.locator(".claim .source").all_inner_texts() == ["Ukraine's military", "the General Staff"]
    assert [t.split(" · ")[0] for t in panel.locator(".claim .where").all_inner_texts()] == ["Wire A", "Paper B"]
    assert panel.locator(".report").count() == 2
    panel.locator(".claim .open-doc").first.click()
    page.locator("#document[open]").wait_for()
    marked = "".join(page.locator("#doc-body .focus").all_text_contents())
    assert marked == "Russian troops withdrew from Izium on SaturdayUkraine's militarysaid"  # content, source, cue
    assert "".join(page.locator("#doc-body .hl-source").all_text_contents()) == "Ukraine's military"


def test_a_document_with_markup_renders_as_inert_text(page):
    """<script> and <img onerror> in an article show as characters; nothing runs, no element is made."""
    (kharkiv,) = [i for i in incidents(page) if i["location_name"] == "Kharkiv"]
    page.locator(f"#map [data-incident='{kharkiv['incident_id']}']").click()
    page.locator(".evidence .report .open-doc").click()
    dialog = page.locator("#document[open]")
    dialog.wait_for()
    text = dialog.locator("pre.doc-text").inner_text()
    assert "<script>window.__pwned = 'script'</script>" in text
    assert "<img src=x onerror=\"window.__pwned = 'img'\">" in text
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert dialog.locator("script, img, b").count() == 0
    assert dialog.locator(".doc-title").inner_text() == "<b>Shelling</b> in Kharkiv"
    assert page.locator("a[href^='javascript:']").count() == 0
    assert dialog.locator(".unsafe-url").inner_text() == " · javascript:alert(1)"
    assert dialog.locator("pre.doc-text .hl-trigger").all_text_contents() == ["shelled"]
    page.screenshot(path=ARTIFACTS / "web-hostile-document.png")
    dialog.locator("#doc-close").click()
    assert page.locator("#document[open]").count() == 0


def test_brushing_the_timeline_filters_the_map(page):
    """Dragging over the last weeks leaves only September's incidents; clearing the brush restores all."""
    everything = incidents(page)
    september = [i for i in everything if i["event_date"] >= "2022-09-01" and i["lat"] is not None]
    box = page.locator("#timeline .brush .overlay").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.9, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
    page.mouse.up()
    expect(page.locator("#map")).to_have_attribute("data-markers", str(len(september)))
    assert page.locator("#status").inner_text().startswith(f"{len(september)} incident(s)")
    assert page.locator("#panel .incident-item").count() == len(september)
    page.wait_for_timeout(400)
    page.screenshot(path=ARTIFACTS / "web-timeline-brush.png")
    page.mouse.click(box["x"] + box["width"] * 0.2, y)
    located = [i for i in everything if i["lat"] is not None]
    expect(page.locator("#map")).to_have_attribute("data-markers", str(len(located)))


def test_filters_ask_the_api_again(page):
    """Choosing a type and applying shows only that type's incidents."""
    retreats = incidents(page, type="RETREAT")
    page.select_option("#filters select[name=type]", "RETREAT")
    page.click("#filters button[type=submit]")
    expect(page.locator("#panel .incident-item")).to_have_count(len(retreats))
    assert page.locator("#panel .incident-item .item-main").all_inner_texts() == [
        f" RETREAT · {i['location_name']}" for i in retreats]


def test_search_opens_a_document_with_its_words_marked(page):
    """A search lists matching documents; opening one marks the searched word."""
    page.fill("#search input[name=q]", "counteroffensive")
    page.click("#search button")
    results = page.locator(".search-results li")
    results.first.wait_for()
    assert results.count() == 1
    results.locator("button").click()
    page.locator("#document[open]").wait_for()
    assert page.locator("#doc-body .hl-hit").all_text_contents() == ["counteroffensive"]


def test_the_api_docs_load_swagger_ui_from_this_server(browser, server):
    """/docs renders Swagger UI from the packaged swagger-ui-dist, every endpoint listed."""
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.goto(server + "/docs")
    tab.locator(".swagger-ui .opblock").first.wait_for()
    assert tab.locator(".swagger-ui .opblock").count() == 5
    tab.screenshot(path=ARTIFACTS / "web-docs.png")
    assert problems == [] and browser.external == []
    tab.close()
