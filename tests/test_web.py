"""The analyst page in headless Chromium: map, markers, evidence, documents as inert text, timeline, docs.

The browser is Debian's chromium driven by Playwright (no browser download);
every request that would leave the test server is aborted and recorded, so a
CDN or tile server anywhere fails the test. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from fogofwar.api import WEB_DIST, create_app
from fogofwar.ingest import read_jsonl_lines
from fogofwar.pipeline import extract
from fogofwar.store import Store
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


@contextmanager
def serving(app):
    """The real server (uvicorn) over this app, in a thread, on a free loopback port; yields its URL."""
    import uvicorn

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
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(web_store):  # noqa: F811 - the imported fixture
    """The real server over the test store and the real build."""
    _ensure_build()
    app = create_app(web_store)
    with serving(app) as url:
        yield url
    app.state.served.current.close()


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    """Chromium with a fresh profile; requests off the test server are aborted and listed in .external."""
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: `apt-get install -y chromium` (make setup does it)")

    ARTIFACTS.mkdir(exist_ok=True)
    external: list[str] = []
    origins = [server]  # a test serving another store adds its server here

    def guard(route):
        url = route.request.url
        if any(url.startswith(origin + "/") for origin in origins) or url.startswith("data:"):
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
        context.origins = origins
        yield context
        context.close()


# The page opens on the conflict types and the last 30 days of the data; this view shows everything.
EVERYTHING = "/#types=all&preset=all"


def open_page(browser, url, path="/", viewport=None, color_scheme=None):
    """A tab on the page at url + path, loaded, with its console errors and page errors collected in .problems."""
    tab = browser.new_page()
    if viewport:
        tab.set_viewport_size(viewport)
    if color_scheme:
        tab.emulate_media(color_scheme=color_scheme)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    tab.goto(url + path)
    tab.wait_for_selector("body[data-loaded]")
    tab.wait_for_selector("#map[data-basemap=ready]")
    return tab


def close_page(browser, tab):
    """Close a tab, failing if it asked for anything off the test servers or logged an error."""
    assert browser.external == [], "the page asked for something off this server"
    assert tab.problems == [], tab.problems
    tab.close()


@pytest.fixture()
def page(browser, server):
    """A tab on the page over the shared test store, every type and date shown."""
    tab = open_page(browser, server, EVERYTHING)
    yield tab
    close_page(browser, tab)


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
    against = panel.locator(".sources.against .source-group")
    assert against.locator(".source").all_inner_texts() == ["Moscow"]
    assert against.locator(".who .badge").inner_text() == "denies"
    backing = panel.locator(".sources.backing .source-group")
    assert backing.count() == 1
    assert backing.locator(".source").inner_text() == "the Ukrainian air force"
    assert backing.locator("code").inner_text() == "UKRMIL"
    assert backing.locator(".who .badge").inner_text() == "asserts"
    assert backing.locator(".claim .quote").inner_text() == "Russian missiles struck the port of Odesa on Saturday"
    assert backing.locator(".claim .where").inner_text().startswith("Paper C · 2022-07-24 · indirect")
    assert "ASSAULT · Odesa" in panel.locator("h2").inner_text()
    assert page.locator("#map .incident-marker.selected").count() == 1
    page.screenshot(path=ARTIFACTS / "web-evidence.png")


def test_an_incident_from_the_list_shows_claims_from_every_outlet(page):
    """The withdrawal, picked from the list, shows both outlets' claims and both reports."""
    (izium,) = incidents(page, min_sources=2)
    page.locator(f"#panel .incident-item[data-incident='{izium['incident_id']}']").click()
    panel = page.locator(f".evidence[data-incident='{izium['incident_id']}']")
    panel.wait_for()
    assert panel.locator(".source-group .source").all_inner_texts() == ["Ukraine's military", "the General Staff"]
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


def brush_last_tenth(page) -> tuple[dict, float]:
    """Drag over the last tenth of the timeline, as a user selecting the latest weeks does; the timeline's
    box and the height dragged at."""
    box = page.locator("#timeline .brush .overlay").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.9, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
    page.mouse.up()
    return box, y


def test_brushing_the_timeline_filters_the_map(page):
    """Dragging over the last weeks leaves only September's incidents; clearing the brush restores all."""
    everything = incidents(page)
    september = [i for i in everything if i["event_date"] >= "2022-09-01" and i["lat"] is not None]
    box, y = brush_last_tenth(page)
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
    page.click("#type-picker summary")
    page.get_by_role("button", name="None", exact=True).click()
    page.get_by_role("checkbox", name="RETREAT").check()
    page.click("#type-picker .apply-types")
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
    paths = tab.evaluate("fetch('/openapi.json').then(r => r.json()).then(s => Object.keys(s.paths).length)")
    assert tab.locator(".swagger-ui .opblock").count() == paths == 9
    tab.screenshot(path=ARTIFACTS / "web-docs.png")
    assert problems == [] and browser.external == []
    tab.close()


def report(doc_id: str, published: str, text: str) -> str:
    """One input line: a short report of ours, published on that day."""
    return json.dumps({"id": doc_id, "outlet": "Wire T", "title": doc_id.capitalize(), "published": published,
                       "text": text})


# Four strikes spread over two months; each report's weekday dates its event the day or days before.
DATED_REPORTS = [
    report("kherson", "2023-02-06", "Russian artillery shelled Kherson on Sunday, the regional governor said."),
    report("dnipro", "2023-03-13", "Russian missiles struck Dnipro on Sunday, the city's mayor said."),
    report("sumy", "2023-03-27", "Russian drones attacked Sumy on Saturday, the regional governor said."),
    report("zaporizhzhia", "2023-03-31", "Russian missiles hit Zaporizhzhia on Thursday, the regional governor said."),
]
LATER_REPORTS = [
    report("odesa", "2023-04-03", "Russian drones struck Odesa on Sunday, the Ukrainian air force said."),
    report("kharkiv", "2023-04-04", "Russian artillery shelled Kharkiv on Monday, the regional governor said."),
]


def ingest_reports(store: Store, lines: list[str], settings) -> None:
    store.ingest(read_jsonl_lines(lines, "test.jsonl", settings), lambda xs: extract(xs, settings))


@contextmanager
def site(browser, path: Path, lines: list[str], settings, poll_seconds: float = 30.0, **app_options):
    """A store of these reports, opened read-write and served by its own server the browser may reach."""
    _ensure_build()
    store = Store(path)
    ingest_reports(store, lines, settings)
    with serving(create_app(store, poll_seconds=poll_seconds, **app_options)) as url:
        browser.origins.append(url)
        try:
            yield url
        finally:
            browser.origins.remove(url)
            store.close()


def names_listed(page) -> list[str]:
    return sorted(t.split(" · ", 1)[1] for t in page.locator("#panel .incident-item .item-main").all_inner_texts())


@pytest.fixture(scope="module")
def dated_site(browser, tmp_path_factory, settings):
    with site(browser, tmp_path_factory.mktemp("dated") / "dated.duckdb", DATED_REPORTS, settings) as url:
        yield url


def test_time_presets_count_back_from_the_newest_event_in_the_data(browser, dated_site):
    """'7 days' keeps the last week before the newest event (30 March 2023), not before today; 'All' restores."""
    tab = open_page(browser, dated_site, "/#preset=all")
    presets = tab.locator("#presets button")
    assert presets.all_inner_texts() == ["24 h", "7 days", "30 days", "All"]
    assert [b.get_attribute("aria-pressed") for b in presets.all()] == ["false", "false", "false", "true"]
    seven = tab.get_by_role("button", name="7 days")
    assert seven.get_attribute("title") == "last 7 days of data, to 2023-03-30"
    seven.click()
    expect(tab.locator("#map")).to_have_attribute("data-markers", "2")
    assert names_listed(tab) == ["Sumy", "Zaporizhzhya"]
    assert (tab.input_value("#filters input[name=since]"), tab.input_value("#filters input[name=until]")) == (
        "2023-03-24", "2023-03-30")
    assert [b.get_attribute("aria-pressed") for b in presets.all()] == ["false", "true", "false", "false"]
    assert tab.locator("#preset-note").inner_text() == "last 7 days of data, to 2023-03-30"
    tab.wait_for_timeout(400)  # clustering animates
    tab.screenshot(path=ARTIFACTS / "web-preset-7-days.png")
    tab.get_by_role("button", name="24 h").click()
    expect(tab.locator("#panel .incident-item")).to_have_count(1)
    assert names_listed(tab) == ["Zaporizhzhya"]
    tab.get_by_role("button", name="All", exact=True).click()
    expect(tab.locator("#map")).to_have_attribute("data-markers", "4")
    assert names_listed(tab) == ["Dnipro", "Kherson", "Sumy", "Zaporizhzhya"]
    assert tab.input_value("#filters input[name=since]") == ""
    close_page(browser, tab)


def test_a_date_chosen_by_hand_clears_the_preset_and_the_brush_still_filters(browser, dated_site):
    """Typing a date leaves no preset pressed; within '30 days' the timeline brush narrows the map further."""
    tab = open_page(browser, dated_site)
    tab.get_by_role("button", name="30 days").click()
    expect(tab.locator("#map")).to_have_attribute("data-markers", "3")
    box = tab.locator("#timeline .brush .overlay").bounding_box()
    y = box["y"] + box["height"] / 2
    tab.mouse.move(box["x"] + box["width"] * 0.9, y)
    tab.mouse.down()
    tab.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
    tab.mouse.up()
    expect(tab.locator("#map")).to_have_attribute("data-markers", "1")
    assert names_listed(tab) == ["Zaporizhzhya"]
    assert tab.get_by_role("button", name="30 days").get_attribute("aria-pressed") == "true"
    tab.fill("#filters input[name=since]", "2023-02-01")
    assert [b.get_attribute("aria-pressed") for b in tab.locator("#presets button").all()] == ["false"] * 4
    assert tab.locator("#preset-note").inner_text() == ""
    tab.click("#filters button[type=submit]")
    expect(tab.locator("#map")).to_have_attribute("data-markers", "4")
    close_page(browser, tab)


@pytest.fixture()
def live_site(browser, tmp_path, settings):
    """A served store of the first two dated reports, polled every half second; yields (url, path)."""
    path = tmp_path / "live.duckdb"
    with site(browser, path, DATED_REPORTS[:2], settings, poll_seconds=0.5) as url:
        yield url, path


def change_served_store(path: Path, lines: list[str], settings) -> None:
    """Ingest into the store while the server reads it."""
    # data change while served: a second connection to the same database (DuckDB shares one instance per
    # file in a process), since the server's connection is not safe to use from this thread. Writing a
    # served store from another process, through the server, is tests/test_live.py's.
    with Store(path) as writer:
        ingest_reports(writer, lines, settings)


def map_view(tab) -> str:
    """Where the map is panned and zoomed to (Leaflet's map pane offset and zoom), once it has come to rest."""
    read = """() => document.querySelector('#map .leaflet-map-pane').style.transform + ' ' +
        document.querySelector('#map .leaflet-proxy')?.style.transform"""
    seen = tab.evaluate(read)
    for _ in range(50):  # a drag's inertia and the zoom animation run on for a moment
        tab.wait_for_timeout(200)
        now = tab.evaluate(read)
        if now == seen:
            return now
        seen = now
    raise AssertionError("the map never came to rest")


def test_new_data_is_announced_and_shown_on_request_keeping_the_view(browser, live_site, settings):
    """Two reports ingested into the served store become '2 new incidents — show'; the view waits for the button."""
    url, path = live_site
    tab = open_page(browser, url, "/#preset=all")
    expect(tab.locator("#updated")).to_have_text(re.compile(r"^Data updated \d\d:\d\d UTC · 2 documents$"))
    (dnipro,) = [i for i in incidents(tab) if i["location_name"] == "Dnipro"]
    tab.locator(f"#panel .incident-item[data-incident='{dnipro['incident_id']}']").click()
    tab.locator(f".evidence[data-incident='{dnipro['incident_id']}']").wait_for()
    tab.mouse.move(500, 400)
    tab.mouse.down()
    tab.mouse.move(420, 360, steps=5)  # the analyst pans the map away from where it was fitted
    tab.mouse.up()
    view = map_view(tab)
    expect(tab.locator("#map")).to_have_attribute("data-markers", "2")

    change_served_store(path, LATER_REPORTS, settings)

    notice = tab.locator("#notice")
    expect(notice).to_have_text("2 new incidents — show", timeout=10_000)
    assert notice.get_attribute("aria-live") == "polite"
    tab.wait_for_timeout(1200)  # more polls: still nothing moves by itself
    assert tab.locator("#map").get_attribute("data-markers") == "2"
    assert tab.locator(f".evidence[data-incident='{dnipro['incident_id']}']").count() == 1
    assert map_view(tab) == view
    tab.screenshot(path=ARTIFACTS / "web-live-notice.png")
    show = notice.get_by_role("button", name="2 new incidents: show them")
    show.focus()
    tab.keyboard.press("Enter")
    expect(tab.locator("#map")).to_have_attribute("data-markers", "4")
    expect(tab.locator("#updated")).to_have_text(re.compile(r"^Data updated \d\d:\d\d UTC · 4 documents$"))
    expect(notice).to_have_text("Up to date")
    assert tab.locator(f".evidence[data-incident='{dnipro['incident_id']}']").count() == 1
    assert map_view(tab) == view
    tab.get_by_role("button", name="All incidents").click()
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    assert names_listed(tab) == ["Dnipro", "Kharkiv", "Kherson", "Odesa"]
    tab.wait_for_timeout(400)
    tab.screenshot(path=ARTIFACTS / "web-live-shown.png")
    close_page(browser, tab)


def test_changed_data_without_new_incidents_offers_a_reload(browser, live_site, settings):
    """A report rewritten in the served store changes the data but not the count: 'data updated — reload'."""
    url, path = live_site
    tab = open_page(browser, url, "/#preset=all")
    expect(tab.locator("#updated")).to_have_text(re.compile(r"· 2 documents$"))
    rewritten = report("kherson", "2023-02-06", "Russian artillery shelled Kherson on Sunday, the city's mayor said.")
    change_served_store(path, [rewritten], settings)
    notice = tab.locator("#notice")
    expect(notice).to_have_text("data updated — reload", timeout=10_000)
    notice.get_by_role("button", name="data updated: reload").click()
    expect(notice).to_have_text("Up to date")
    assert tab.locator("#panel .incident-item").count() == 2
    close_page(browser, tab)


def test_a_failing_status_poll_is_shown_quietly_and_retried(browser, live_site):
    """While /api/status fails the header's line is marked stale; once it answers again the mark goes."""
    url, _ = live_site
    tab = open_page(browser, url)
    tab.route("**/api/status", lambda route: route.fulfill(status=503, json={"error": "timeout", "message": "busy"}))
    expect(tab.locator("#updated")).to_have_class(re.compile(r"\bstale\b"), timeout=5_000)
    assert "busy" in tab.locator("#updated").get_attribute("title")
    assert tab.locator("#notice").inner_text() == ""
    tab.unroute("**/api/status")
    expect(tab.locator("#updated")).not_to_have_class(re.compile(r"\bstale\b"), timeout=10_000)
    tab.problems.clear()  # the browser logs each refused poll as a console error; that is the point here
    close_page(browser, tab)


def shot(tab, name: str) -> None:
    """A screenshot and beside it a short report of what it shows: URL hash, status, list, panel, focus."""
    tab.screenshot(path=ARTIFACTS / f"{name}.png")
    seen = tab.evaluate("""() => ({
        hash: window.location.hash,
        status: document.querySelector('#status')?.textContent,
        preset: document.querySelector('#presets [aria-pressed=true]')?.textContent ?? null,
        types: document.querySelector('#type-summary')?.textContent,
        listed: [...document.querySelectorAll('#panel .incident-item .item-main')].map(n => n.textContent.trim()),
        evidence: document.querySelector('#panel .evidence h2')?.textContent.trim() ?? null,
        focus: document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent.trim().slice(0, 80),
        viewport: [window.innerWidth, window.innerHeight],
        dark: matchMedia('(prefers-color-scheme: dark)').matches,
    })""")
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(seen, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- Defaults, URL state, keyboard, narrow and dark ----------------------------------------------------

AID_REPORT = report("aid", "2023-03-28", "Germany delivered humanitarian aid to Kharkiv on Monday, the regional governor said.")


def hash_params(tab) -> dict[str, str]:
    """The view the page has written into its URL's hash."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(tab.evaluate("window.location.hash").lstrip("#"), keep_blank_values=True))


def by_name(tab, name: str) -> str:
    """The id of the incident at this place, from the API (every type and date)."""
    (found,) = [i for i in incidents(tab) if i["location_name"] == name]
    return found["incident_id"]


def incident_at(browser, url: str, name: str) -> str:
    """The id of the incident at this place, asked through a page of its own that is closed again."""
    probe = open_page(browser, url, EVERYTHING)
    try:
        return by_name(probe, name)
    finally:
        close_page(browser, probe)


def focused(tab, selector: str) -> bool:
    """Whether the focused element is (or is inside) what selector finds."""
    return tab.evaluate(f"!!document.activeElement?.closest({json.dumps(selector)})")


def tab_until(tab, selector: str, presses: int = 80) -> None:
    """Press Tab until focus reaches what selector finds (keyboard only, as an analyst without a mouse)."""
    for _ in range(presses):
        tab.keyboard.press("Tab")
        if focused(tab, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture(scope="module")
def mixed_site(browser, tmp_path_factory, settings):
    """The four dated strikes and a delivery of aid (not a conflict type) three days before the newest."""
    with site(browser, tmp_path_factory.mktemp("mixed") / "mixed.duckdb", DATED_REPORTS + [AID_REPORT], settings) as url:
        yield url


def test_the_page_opens_on_conflict_types_and_the_last_30_days_of_data(browser, mixed_site):
    """Without URL state the page shows the conflict types over 30 days to the newest event; 'All types' adds the aid."""
    tab = open_page(browser, mixed_site)
    expect(tab.locator("#map")).to_have_attribute("data-markers", "3")
    assert names_listed(tab) == ["Dnipro", "Sumy", "Zaporizhzhya"]  # not Kherson (February), not the aid
    assert tab.get_by_role("button", name="30 days").get_attribute("aria-pressed") == "true"
    assert tab.locator("#preset-note").inner_text() == "last 30 days of data, to 2023-03-30"
    assert tab.locator("#type-summary").inner_text() == "conflict"
    assert tab.locator("#all-types").get_attribute("aria-pressed") == "false"
    tab.click("#type-picker summary")
    checked = tab.locator("#type-picker input[name=types]:checked")
    assert sorted(checked.evaluate_all("boxes => boxes.map(b => b.value)")) == [
        "ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "RETREAT", "THREATEN"]
    tab.keyboard.press("Escape")
    legend = tab.locator("#legend-body")
    assert legend.locator(".legend-scope").inner_text() == "Showing conflict types, last 30 days of data, to 2023-03-30"
    assert "ASSAULT 3" in legend.inner_text() and "AID" not in legend.inner_text()
    assert hash_params(tab) | {"map": ""} == {"preset": "30d", "since": "2023-03-01", "until": "2023-03-30", "map": ""}
    tab.wait_for_timeout(400)  # clustering animates
    shot(tab, "web-default-view")
    tab.get_by_role("button", name="All types").click()
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    assert "AID" in tab.locator("#panel").inner_text() and "AID 1" in legend.inner_text()
    assert tab.locator("#all-types").get_attribute("aria-pressed") == "true"
    assert hash_params(tab)["types"] == "all"
    close_page(browser, tab)


def test_an_incident_permalink_opens_that_incident_on_the_map(browser, server):
    """/#incident=ID opens the incident's evidence, among every type and date so that its marker is shown."""
    odesa = incident_at(browser, server, "Odesa")
    tab = open_page(browser, server, f"/#incident={odesa}")
    panel = tab.locator(f".evidence[data-incident='{odesa}']")
    panel.wait_for()
    assert "ASSAULT · Odesa" in panel.locator("h2").inner_text()
    expect(tab.locator("#map .incident-marker.selected")).to_have_count(1)
    assert hash_params(tab)["incident"] == odesa and hash_params(tab)["preset"] == "all"
    tab.wait_for_timeout(400)
    shot(tab, "web-permalink-incident")
    close_page(browser, tab)


def test_a_shared_link_restores_filters_map_view_and_incident(browser, server):
    """A link with types, a time window, a map view and an incident shows exactly that view."""
    warsaw = incident_at(browser, server, "Warsaw")
    tab = open_page(browser, server, f"/#types=RETREAT,PROTEST&preset=all&map=51.5,25,5&incident={warsaw}")
    tab.locator(f".evidence[data-incident='{warsaw}']").wait_for()
    expect(tab.locator("#map")).to_have_attribute("data-markers", "2")
    assert tab.locator("#type-summary").inner_text() == "2 chosen"
    assert sorted(tab.locator("#type-picker input[name=types]:checked").evaluate_all(
        "boxes => boxes.map(b => b.value)")) == ["PROTEST", "RETREAT"]
    assert tab.get_by_role("button", name="All", exact=True).get_attribute("aria-pressed") == "true"
    lat, lon, zoom = (float(v) for v in hash_params(tab)["map"].split(","))
    assert (round(lat, 1), round(lon, 1), zoom) == (51.5, 25.0, 5)  # to Leaflet's whole pixels
    tab.get_by_role("button", name="← all incidents").click()
    assert sorted(t.split(" · ", 1)[1] for t in tab.locator("#panel .incident-item .item-main").all_inner_texts()) == [
        "Izyum", "Warsaw"]
    tab.wait_for_timeout(400)
    shot(tab, "web-permalink-filters")
    close_page(browser, tab)


def test_the_view_survives_reload_and_back_and_forward_move_between_views(browser, server):
    """Preset, then an incident: a reload keeps both; Back closes the incident, then restores 'All'; Forward redoes."""
    tab = open_page(browser, server, EVERYTHING)
    izium = by_name(tab, "Izyum")
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    tab.get_by_role("button", name="30 days").click()
    expect(tab.locator("#panel .incident-item")).to_have_count(1)
    tab.locator(f"#panel .incident-item[data-incident='{izium}']").click()
    tab.locator(f".evidence[data-incident='{izium}']").wait_for()
    tab.reload()
    tab.wait_for_selector("body[data-loaded]")
    tab.locator(f".evidence[data-incident='{izium}']").wait_for()
    assert tab.get_by_role("button", name="30 days").get_attribute("aria-pressed") == "true"
    assert tab.input_value("#filters input[name=since]") == "2022-08-12"
    expect(tab.locator("#map")).to_have_attribute("data-markers", "1")
    tab.wait_for_timeout(400)
    shot(tab, "web-url-reload")
    tab.go_back()
    expect(tab.locator("#panel .incident-item")).to_have_count(1)
    assert tab.locator(".evidence").count() == 0 and "incident" not in hash_params(tab)
    tab.go_back()
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    assert tab.get_by_role("button", name="All", exact=True).get_attribute("aria-pressed") == "true"
    assert tab.input_value("#filters input[name=since]") == ""
    tab.go_forward()
    expect(tab.locator("#panel .incident-item")).to_have_count(1)
    assert tab.get_by_role("button", name="30 days").get_attribute("aria-pressed") == "true"
    tab.go_forward()
    tab.locator(f".evidence[data-incident='{izium}']").wait_for()
    close_page(browser, tab)


def test_a_marker_opens_by_keyboard_and_focus_goes_to_the_panel_and_back(browser, server):
    """Tab reaches the Odesa marker, named; Enter opens it with focus on the panel's heading; Escape returns to the marker."""
    tab = open_page(browser, server, EVERYTHING)
    odesa = by_name(tab, "Odesa")
    marker = f".leaflet-marker-icon:has([data-incident='{odesa}'])"
    tab_until(tab, marker)
    assert tab.locator(marker).get_attribute("aria-label") == "ASSAULT · Odesa · 2022-07-23 · disputed · 1 source(s)"
    assert tab.locator(marker).get_attribute("role") == "button"
    tab.keyboard.press("Enter")
    tab.locator(f".evidence[data-incident='{odesa}']").wait_for()
    assert focused(tab, "#panel .evidence h2")
    tab.wait_for_timeout(400)
    shot(tab, "web-keyboard-map")
    tab.keyboard.press("Escape")
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    tab.wait_for_function(f"!!document.activeElement?.closest({json.dumps(marker)})")
    close_page(browser, tab)


def test_a_list_entry_opens_by_keyboard_and_closing_returns_focus_to_it(browser, server):
    """Skip link, Tab, Space: the first incident opens with focus in the panel; its close button returns focus to the entry."""
    tab = open_page(browser, server, EVERYTHING)
    izium = by_name(tab, "Izyum")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    assert focused(tab, "a.skip[href='#panel']")
    tab.keyboard.press("Enter")
    assert focused(tab, "#panel")
    tab.keyboard.press("Tab")
    assert focused(tab, f".incident-item[data-incident='{izium}']")
    tab.keyboard.press(" ")
    tab.locator(f".evidence[data-incident='{izium}']").wait_for()
    assert focused(tab, "#panel .evidence h2")
    tab.keyboard.press("Shift+Tab")
    assert focused(tab, "#panel .evidence button.back")
    tab.wait_for_timeout(200)
    shot(tab, "web-keyboard-list")
    tab.keyboard.press("Enter")
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    assert focused(tab, f".incident-item[data-incident='{izium}']")
    close_page(browser, tab)


def test_at_400_px_the_list_and_the_evidence_are_a_tap_away(browser, server):
    """On a 400 px screen the map, incidents and filters take turns; the list and an incident's evidence are reached."""
    tab = open_page(browser, server, EVERYTHING, viewport={"width": 400, "height": 800})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 400
    expect(tab.locator("#map")).to_be_visible()
    expect(tab.locator("#panel")).to_be_hidden()
    expect(tab.locator("#filters")).to_be_hidden()
    tab.wait_for_timeout(400)
    shot(tab, "web-narrow-map")
    tab.get_by_role("button", name="Incidents", exact=True).click()
    expect(tab.locator("#panel .incident-item")).to_have_count(4)
    shot(tab, "web-narrow-list")
    odesa = by_name(tab, "Odesa")
    tab.locator(f"#panel .incident-item[data-incident='{odesa}']").click()
    evidence = tab.locator(f".evidence[data-incident='{odesa}']")
    expect(evidence).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 400
    shot(tab, "web-narrow-evidence")
    tab.get_by_role("button", name="Filters", exact=True).click()
    expect(tab.get_by_role("button", name="30 days")).to_be_visible()
    tab.get_by_role("button", name="Map", exact=True).click()
    expect(tab.locator("#panel")).to_be_hidden()
    close_page(browser, tab)


def test_the_page_follows_a_dark_colour_scheme(browser, server):
    """With prefers-color-scheme: dark the page, panel and basemap are dark, and the evidence stays readable."""
    tab = open_page(browser, server, EVERYTHING, color_scheme="dark")
    odesa = by_name(tab, "Odesa")
    tab.locator(f"#map [data-incident='{odesa}']").click()
    tab.locator(f".evidence[data-incident='{odesa}']").wait_for()
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 23, 30)"
    assert tab.evaluate("getComputedStyle(document.querySelector('#panel')).backgroundColor") == "rgb(28, 32, 41)"
    assert tab.evaluate("getComputedStyle(document.querySelector('#panel')).color") == "rgb(227, 230, 236)"
    tab.wait_for_timeout(400)
    shot(tab, "web-dark")
    close_page(browser, tab)


# --- Export of the view --------------------------------------------------------------------------------

def download(tab, press) -> Path:
    """What the browser saves when `press()` follows a download link, copied into test-artifacts/."""
    with tab.expect_download() as info:
        press()
    saved = info.value
    assert saved.failure() is None
    path = ARTIFACTS / f"web-export-{saved.suggested_filename}"
    saved.save_as(path)
    return path


def test_export_view_downloads_the_filtered_incidents_as_csv_and_geojson(page):
    """Types and a start date chosen in the page: "Export view" gives a CSV (clicked) and a GeoJSON (Enter) of
    exactly the incidents the API lists for those filters."""
    import csv

    page.click("#type-picker summary")
    page.get_by_role("button", name="None", exact=True).click()
    page.get_by_role("checkbox", name="ASSAULT").check()
    page.get_by_role("checkbox", name="RETREAT").check()
    page.fill("#filters input[name=since]", "2022-06-01")
    page.click("#type-picker .apply-types")
    expected = [i["incident_id"] for i in incidents(page, types="ASSAULT,RETREAT", since="2022-06-01")]
    assert len(expected) == 2  # the Izium withdrawal and the Odesa strike, not the Kharkiv shelling of May
    expect(page.locator("#panel .incident-item")).to_have_count(len(expected))
    csv_link = page.get_by_role("link", name="Export view as CSV")
    assert csv_link.get_attribute("title") == "Download the 2 incident(s) of this view (filters) as ACLED-style CSV"
    shot(page, "web-export-view")
    path = download(page, csv_link.click)
    assert path.name == "web-export-fogofwar-incidents-since-2022-06-01.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["event_id_cnty"] for r in rows] == expected
    assert [(r["plover_type"], r["location"]) for r in rows] == [("RETREAT", "Izyum"), ("ASSAULT", "Odesa")]
    page.get_by_role("link", name="Export view as GeoJSON").focus()
    path = download(page, lambda: page.keyboard.press("Enter"))
    geo = json.loads(path.read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and [f["id"] for f in geo["features"]] == expected


def test_export_view_follows_the_timeline_brush(page):
    """A brush over September narrows the export to the incidents the brush leaves on the map."""
    import csv

    brush_last_tenth(page)
    september = [i["incident_id"] for i in incidents(page) if i["event_date"] >= "2022-09-01"]
    expect(page.locator("#panel .incident-item")).to_have_count(len(september))
    link = page.get_by_role("link", name="Export view as CSV")
    since, until = hash_params(page)["brush"].split(",")
    assert link.get_attribute("href") == f"/api/export?format=csv&min_sources=1&since={since}&until={until}"
    assert link.get_attribute("title").endswith("(filters and timeline selection) as ACLED-style CSV")
    with open(download(page, link.click), newline="", encoding="utf-8") as f:
        assert [r["event_id_cnty"] for r in csv.DictReader(f)] == september


# --- The evidence panel: each source once, each report once ------------------------------------------

DNIPRO_REPORTS = [
    json.dumps({"id": "dnipro-w", "outlet": "Wire W", "title": "Missiles hit Dnipro flats", "published": "2023-01-16",
                "url": "https://example.org/dnipro-w",
                "text": "Russian missiles struck an apartment building in Dnipro on Sunday, killing 30 people, Ukrainian "
                        "President Volodymyr Zelenskiy said. Zelenskiy said the missile strike on Dnipro destroyed a "
                        "whole section of the building. Moscow denied that its forces had attacked the city."}),
    json.dumps({"id": "dnipro-p", "outlet": "Paper P", "title": "Dnipro strike", "published": "2023-01-16",
                "url": "https://example.org/dnipro-p",
                "text": "A Russian missile hit an apartment block in Dnipro on Sunday, killing at least 35 people, "
                        "Zelenskiy said. Rescuers searched the rubble through the night, the regional governor said."}),
    json.dumps({"id": "dnipro-q", "outlet": "Daily Q", "title": "Deadly strike on Dnipro", "published": "2023-01-16",
                "url": "https://example.org/dnipro-q",
                "text": "Russian missiles struck a residential building in Dnipro on Sunday, Ukraine’s President Volodymyr "
                        "Zelenskiy said on Monday. The strike on Dnipro was the deadliest in months, Zelenskiy said."}),
]


# --- Precision and scale on the map ----------------------------------------------------------------------

# Three strikes placed only at a region, one only at Ukraine, one only at the town the report is datelined in
# (its sentence names no place), one at a town.
PRECISION_REPORTS = [
    report("donetsk", "2023-03-20", "Russian artillery shelled the Donetsk region on Sunday, the regional governor said."),
    report("luhansk", "2023-03-21",
           "Ukrainian forces attacked Russian positions in the Luhansk region on Monday, the General Staff said."),
    report("kharkivobl", "2023-03-22", "Russian drones struck the Kharkiv region on Tuesday, the regional governor said."),
    report("country", "2023-03-23", "Russian missiles struck Ukraine on Wednesday, the Ukrainian air force said."),
    report("lviv", "2023-03-24",
           "LVIV, Ukraine (AP) — Officials gave an update on Friday. Russian forces launched an attack on Thursday night, they said."),
    report("zaporizhzhia", "2023-03-25", "Russian missiles hit Zaporizhzhia on Friday, the regional governor said."),
]


@pytest.fixture(scope="module")
def dnipro_site(browser, tmp_path_factory, settings):
    """Three reports of one missile strike: Zelenskiy named three ways in five claims, Moscow's denial in one."""
    with site(browser, tmp_path_factory.mktemp("dnipro") / "dnipro.duckdb", DNIPRO_REPORTS, settings) as url:
        yield url


def test_the_evidence_shows_each_source_once_and_each_report_once_with_one_sentence(browser, dnipro_site):
    """Zelenskiy's five claims in three reports are one source, as Supporting names him; Moscow's denial is the one
    contradicting source; each report is listed once with one sentence (a report telling the strike twice too)."""
    tab = open_page(browser, dnipro_site, EVERYTHING, viewport={"width": 1400, "height": 1500})
    (strike,) = [i for i in incidents(tab, min_sources=0) if i["n_documents"] == 3]
    tab.locator(f"#panel .incident-item[data-incident='{strike['incident_id']}']").click()
    panel = tab.locator(f".evidence[data-incident='{strike['incident_id']}']")
    panel.wait_for()
    groups = panel.locator(".source-group")
    assert groups.evaluate_all("gs => gs.map(g => g.dataset.source)") == [
        "Moscow [RUSGOV]", "Ukrainian President Volodymyr Zelenskiy [UKRGOV]"]
    assert panel.locator(".sides dd.supporting").inner_text() == "Ukrainian President Volodymyr Zelenskiy [UKRGOV]"
    assert panel.locator(".sides dd.contradicting").inner_text() == "Moscow [RUSGOV]"
    zelenskiy = panel.locator(".sources.backing .source-group")
    assert zelenskiy.locator(".who .badge").all_inner_texts() == ["asserts"]
    assert zelenskiy.locator(".claim").count() == 5
    assert zelenskiy.locator(".aka").inner_text() == "also named: Zelenskiy; Ukraine’s President Volodymyr Zelenskiy"
    assert [t.split(" · ")[0] for t in zelenskiy.locator(".claim .where").all_inner_texts()] == [
        "Paper P", "Daily Q", "Daily Q", "Wire W", "Wire W"]
    reports = panel.locator(".report")
    assert sorted(reports.evaluate_all("rs => rs.map(r => r.dataset.doc)")) == ["dnipro-p", "dnipro-q", "dnipro-w"]
    assert [reports.nth(i).locator(".sentence").count() for i in range(3)] == [1, 1, 1]
    assert panel.locator(".report[data-doc='dnipro-q'] .sentence").inner_text() == (
        "Russian missiles struck a residential building in Dnipro on Sunday, Ukraine’s President Volodymyr Zelenskiy "
        "said on Monday.")
    assert panel.locator(".report[data-doc='dnipro-q'] .sentence mark.trigger").inner_text() == "struck"
    assert "2 mentions: struck · strike" in panel.locator(".report[data-doc='dnipro-q'] .report-facts").inner_text()
    assert panel.locator(".report .report-casualties").all_inner_texts() == [" · killed at least 35", " · killed 30"]
    assert panel.locator(".fact-list dd.casualties").inner_text() == "killed 30–35+ (2 reports)"
    assert panel.locator(".fact-list dd.means").inner_text() == "missile"
    geo, time_code = panel.locator(".fact-list .geo-precision"), panel.locator(".fact-list .time-precision")
    assert (geo.inner_text(), geo.get_attribute("title")) == ("geo 1 · town", "ACLED geo_precision 1: the town or site itself")
    assert (time_code.inner_text(), time_code.get_attribute("title")) == ("time 1 · day", "ACLED time_precision 1: the day is known")
    assert panel.locator(".facts .badge.status-disputed").get_attribute("title") == (
        "disputed: one side asserts it, another doubts or denies it")
    assert panel.locator(".claim .badge.kind-indirect").first.get_attribute("title") == (
        "indirect: the outlet’s paraphrase of what the source said, nothing quoted")
    tab.wait_for_timeout(300)
    shot(tab, "web-evidence-sources-reports")
    glossary = panel.locator("details.glossary")
    glossary.locator("summary").focus()
    tab.keyboard.press("Enter")  # the list of meanings opens by keyboard, for those who cannot hover
    expect(glossary.locator("dl")).to_be_visible()
    terms = glossary.locator("dt").all_inner_texts()
    assert {"disputed", "denies", "asserts", "indirect", "geo 1–3", "time 1–3"} <= set(terms)
    tab.evaluate("document.querySelector('#panel').scrollTop = 1e6")
    shot(tab, "web-evidence-glossary")


@pytest.fixture(scope="module")
def precision_site(browser, tmp_path_factory, settings):
    with site(browser, tmp_path_factory.mktemp("precision") / "precision.duckdb", PRECISION_REPORTS, settings) as url:
        yield url


def place_ids(tab) -> dict[str, str]:
    """Each incident's place precision, by place name, from the API (every type and date)."""
    return {i["location_name"]: (i["incident_id"], i["place_precision"]) for i in incidents(tab)}


def test_region_and_country_level_incidents_are_shaded_not_drawn_as_points(browser, precision_site):
    """The three region-level strikes shade their oblasts and the country-level one Ukraine; only the town and
    the dateline's town are markers; the legend and the list say how precisely each is placed."""
    tab = open_page(browser, precision_site, EVERYTHING)
    places = place_ids(tab)
    assert {name: p for name, (_, p) in places.items()} == {
        "Donetsk": "region", "Luhansk": "region", "Kharkiv": "region", "Ukraine": "country", "Lviv": "dateline",
        "Zaporizhzhya": "town"}
    expect(tab.locator("#map")).to_have_attribute("data-markers", "2")
    expect(tab.locator("#map")).to_have_attribute("data-shaded-regions", "3")
    shaded = tab.locator("#map path.region-shade")
    assert sorted(shaded.evaluate_all("ps => ps.map(p => p.dataset.region + ':' + p.dataset.n)")) == [
        "UA-09:1", "UA-14:1", "UA-63:1"]  # Luhansk, Donetsk, Kharkiv oblasts
    assert tab.locator("#map path.country-shade").evaluate_all("ps => ps.map(p => p.dataset.country + ':' + p.dataset.n)") == [
        "UA:1"]
    for name in ("Donetsk", "Luhansk", "Kharkiv", "Ukraine"):
        assert tab.locator(f"#map [data-incident='{places[name][0]}']").count() == 0  # no point for a region or country
    legend = tab.locator("#legend-body")
    assert legend.locator(".legend-place[data-place=region]").inner_text().strip() == "region-level: shaded region 3"
    assert legend.locator(".legend-place[data-place=country]").inner_text().strip() == "country-level: shaded country 1"
    assert legend.locator(".legend-place[data-place=dateline]").inner_text().strip() == "place from dateline (a guess) 1"
    assert tab.locator("#status").inner_text() == (
        "6 incident(s); 2 on the map (1 placed from the dateline), 3 region-level, 1 country-level, 0 without coordinates")
    notes = tab.locator("#panel .incident-item .place-note")
    assert sorted(notes.all_inner_texts()) == ["country-level", "place from dateline", "region-level", "region-level",
                                               "region-level"]
    shaded.first.hover()
    expect(tab.get_by_role("tooltip", name=re.compile("region-level incident"))).to_have_count(1)
    tab.wait_for_timeout(300)
    shot(tab, "web-map-precision")
    close_page(browser, tab)


def test_a_place_from_the_dateline_is_a_hollow_dashed_marker_that_says_so(browser, precision_site):
    """The strike placed only by its dateline (Lviv) is drawn as a guess, named so on hover, to a screen reader and in the list."""
    tab = open_page(browser, precision_site, EVERYTHING)
    lviv, place = place_ids(tab)["Lviv"]
    assert place == "dateline"
    marker = tab.locator(f".leaflet-marker-icon:has([data-incident='{lviv}'])")
    assert "guess" in marker.get_attribute("class").split()
    assert marker.get_attribute("aria-label").endswith("· place from dateline (a guess)")
    assert tab.evaluate(f"""getComputedStyle(document.querySelector(".leaflet-marker-icon:has([data-incident='{lviv}'])"))
        .borderTopStyle""") == "dashed"
    town = tab.locator(".leaflet-marker-icon.p-town")
    assert town.count() == 1 and "guess" not in town.get_attribute("class").split()
    marker.hover()
    expect(tab.locator(".leaflet-tooltip .tip-guess")).to_have_text("place from dateline: a guess, the text names no place")
    item = tab.locator(f"#panel .incident-item[data-incident='{lviv}'] .place-note")
    assert item.inner_text() == "place from dateline"
    tab.wait_for_timeout(300)
    shot(tab, "web-map-dateline-guess")
    close_page(browser, tab)


def test_the_heatmap_toggle_stands_in_for_the_markers_and_back(browser, precision_site):
    """'Heatmap' draws the points as a heat layer in place of the markers; pressed again, the markers return."""
    tab = open_page(browser, precision_site, EVERYTHING)
    toggle = tab.get_by_role("button", name="Heatmap")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    expect(tab.locator("#map canvas.leaflet-heatmap-layer")).to_have_count(1)
    expect(tab.locator("#map .incident-marker")).to_have_count(0)
    assert tab.locator("#map path.region-shade").count() == 3  # the shading stays
    tab.wait_for_timeout(300)
    shot(tab, "web-map-heatmap")
    toggle.click()
    expect(tab.locator("#map canvas.leaflet-heatmap-layer")).to_have_count(0)
    expect(tab.locator("#map .incident-marker")).to_have_count(2)
    close_page(browser, tab)


# Four incidents at Kharkiv (different types, weeks apart) and two elsewhere: more than the capped site's three points.
KHARKIV_REPORTS = [
    report("k-shelled", "2023-02-06", "Russian artillery shelled Kharkiv on Sunday, the regional governor said."),
    report("k-protest", "2023-03-01", "Hundreds of people protested in Kharkiv on Tuesday against the mobilisation, police said."),
    report("k-drones", "2023-03-20", "Russian drones attacked Kharkiv on Sunday, the city's mayor said."),
    AID_REPORT,
    report("dnipro", "2023-03-13", "Russian missiles struck Dnipro on Sunday, the city's mayor said."),
    report("odesa", "2023-04-03", "Russian drones struck Odesa on Sunday, the Ukrainian air force said."),
]


@pytest.fixture(scope="module")
def capped_site(browser, tmp_path_factory, settings):
    """The Kharkiv reports served with at most three points drawn one by one."""
    with site(browser, tmp_path_factory.mktemp("capped") / "capped.duckdb", KHARKIV_REPORTS, settings,
              map_points=3) as url:
        yield url


def test_too_many_points_become_counts_per_cell_and_near_a_town_the_map_says_showing_n_of_m(browser, capped_site):
    """Six points over a limit of three: the map counts them per cell and says so; zoomed in on Kharkiv's four it
    shows the three with most sources and says 'showing 3 of 4'; nothing is dropped unsaid."""
    tab = open_page(browser, capped_site, EVERYTHING)
    everything = incidents(tab)
    assert len(everything) == 6 and sum(i["location_name"] == "Kharkiv" for i in everything) == 4
    expect(tab.locator("#map-note")).to_have_text("6 incidents in view, counted per cell: zoom in for single incidents")
    assert tab.locator("#map").get_attribute("data-markers") == "0"
    cells = tab.locator("#map .map-cell")
    assert sum(int(t) for t in cells.all_inner_texts()) == 6
    assert tab.locator("#status").inner_text().startswith("6 incident(s); 6 in view as ")
    tab.wait_for_timeout(300)
    shot(tab, "web-map-cells")
    tab.goto(capped_site + "/#types=all&preset=all&map=49.99,36.23,9")
    tab.wait_for_selector("body[data-loaded]")
    expect(tab.locator("#map-note")).to_have_text(
        "showing 3 of 4 in view (most sources first); zoom in or narrow the filters")
    expect(tab.locator("#map")).to_have_attribute("data-markers", "3")
    assert "showing 3 of 4 points in view" in tab.locator("#status").inner_text()
    tab.wait_for_timeout(400)
    shot(tab, "web-map-capped")
    close_page(browser, tab)
