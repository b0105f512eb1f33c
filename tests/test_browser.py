"""Real browser: the dashboard served by `streamlit run`, driven in Debian's Chromium.

Every request that does not go to this machine is blocked, so a CDN dependency fails loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, BrowserContext, Frame, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from geo.vocabulary import OUTLET_KINDS

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
OUTPUT = ROOT / "tests" / "output"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(proc: subprocess.Popen[bytes], base: str) -> bool:
    """Whether a dashboard started as `proc` answers at `base` (an exited one fails the test)."""
    if proc.poll() is not None:
        raise AssertionError(f"streamlit exited: {proc.stdout.read().decode() if proc.stdout else ''}")
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def link(pg) -> str:
    """The page's address as the browser has it now. `page.url` follows history.replaceState
    only when Playwright dispatches its events, which a wait on time.sleep never does."""
    return pg.evaluate("() => window.location.href")


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def serve() -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: healthy(proc, base), 60, "the dashboard's health check")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see README)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked = block_the_internet(context)
    pg = context.new_page()
    yield pg, blocked
    context.close()


def block_the_internet(context: BrowserContext, files: bool = False) -> list[str]:
    """Abort every request of `context` that is not to this machine (nor, with `files`, to a
    local file), so that a CDN dependency fails loudly; returns the list of blocked URLs."""
    blocked: list[str] = []

    def route(r):
        url = urlparse(r.request.url)
        if url.hostname in ("127.0.0.1", "localhost") or (files and url.scheme == "file"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return blocked


def open_map(pg: Page, url: str) -> Frame:
    pg.goto(url)
    pg.wait_for_selector(MAP_FRAME, state="attached", timeout=60_000)
    return map_holds(pg, "() => window.map_div && document.querySelectorAll("
                         "'path.leaflet-interactive').length > 0", 60, "the map to draw")


def map_holds(pg: Page, predicate_js: str, timeout: float, what: str) -> Frame:
    """Poll the current map iframe until the JS predicate holds (the iframe may be re-created
    while Streamlit reruns, so it is looked up afresh on every try)."""
    def check() -> Frame | None:
        element = pg.query_selector(MAP_FRAME)
        frame = element.content_frame() if element else None
        try:
            return frame if frame and frame.evaluate(predicate_js) else None
        except PlaywrightError:  # detached or not yet loaded
            return None
    return wait_until(check, timeout, what)


def settled_box(pg: Page) -> dict[str, float]:
    """The map iframe's box once the page has stopped moving (Streamlit lays out in steps)."""
    frame_el = pg.locator(MAP_FRAME)
    frame_el.scroll_into_view_if_needed()
    last: list[dict[str, float] | None] = [None]

    def still() -> dict[str, float] | None:
        box = frame_el.bounding_box()
        same = box is not None and box == last[0]
        last[0] = box
        return box if same else None

    return wait_until(still, 10, "the page layout to settle")


COUNTRY_FILLS = """() => {
  const out = {};
  map_div.eachLayer(l => { if (l.feature && l.feature.properties.iso3 && l.options.fillColor)
      out[l.feature.properties.iso3] = l.options.fillColor; });
  return out;
}"""
EVENT_COUNT = """() => { let n = 0;
  map_div.eachLayer(l => { if (l.feature && l.feature.geometry.type === 'Point') n++; });
  return n; }"""


def low_contrast_text(pg: Page) -> list[str]:
    """Text below WCAG AA contrast, per axe-core's color-contrast rule, on the page and in the
    map's iframe (where the legend, tooltips and badges are). Canvas text (charts) is not seen."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]},
               "resultTypes": ["violations"]}
    targets: list[Page | Frame] = [pg]
    element = pg.query_selector(MAP_FRAME)
    if element is not None and element.content_frame() is not None:
        targets.append(element.content_frame())
    return [f"{node['target']}: {node['any'][0]['message']}"
            for target in targets
            for violation in Axe().run(target, options=options).response["violations"]
            for node in violation["nodes"]]


def test_map_draws_countries_markers_and_tooltips(server, page):
    pg, blocked = page
    frame = open_map(pg, f"{server}/?date=2023-09-10")
    fills = frame.evaluate(COUNTRY_FILLS)
    assert len(fills) == 26
    # one drawn shape per country plus the event markers, all as SVG paths
    events = frame.evaluate(EVENT_COUNT)
    assert events > 0
    paths = frame.locator("path.leaflet-interactive").count()
    assert paths == 26 + events
    assert frame.locator(".map-legend").inner_text().startswith("Legend\nRegime")
    # the tooltip names the country under the mouse (Mali's interior, near Tombouctou)
    box = frame.evaluate("""() => { const p = map_div.latLngToContainerPoint([17.5, -3.0]);
                                    return [p.x, p.y]; }""")
    iframe_box = settled_box(pg)
    pg.mouse.move(iframe_box["x"] + box[0], iframe_box["y"] + box[1])
    tooltip = frame.wait_for_selector(".leaflet-tooltip:not(.place-label)", timeout=10_000)
    text = tooltip.inner_text()
    assert "Mali" in text and "Military rule" in text and "since 18 August 2020" in text
    assert low_contrast_text(pg) == []  # with the tooltip open
    OUTPUT.mkdir(exist_ok=True)
    pg.screenshot(path=str(OUTPUT / "situation-2023-09-10.png"), full_page=False)
    assert not [u for u in blocked if "tile" not in u], blocked


def test_the_date_in_the_link_changes_the_colours(server, page):
    pg, _ = page
    before = open_map(pg, f"{server}/?date=2023-07-25").evaluate(COUNTRY_FILLS)
    after = open_map(pg, f"{server}/?date=2023-07-26").evaluate(COUNTRY_FILLS)
    assert before["NER"] != after["NER"]
    assert before["GHA"] == after["GHA"]
    assert pg.get_by_text("West Africa on 26 July 2023").is_visible()


def test_clicking_an_event_opens_its_popup_with_source_links(server, page):
    pg, _ = page
    frame = open_map(pg, f"{server}/?date=2023-09-10&layers=events&cat=coup")

    def click_first_event() -> bool:
        x, y = frame.evaluate("""() => { let p = null;
            map_div.eachLayer(l => { if (!p && l.feature && l.feature.geometry.type === 'Point')
                p = map_div.latLngToContainerPoint(l.getLatLng()); });
            return [p.x, p.y]; }""")
        box = settled_box(pg)
        pg.mouse.click(box["x"] + x, box["y"] + y)
        return frame.locator(".leaflet-popup-content").count() > 0

    # A click made while Streamlit is still laying the page out can land beside the marker.
    wait_until(click_first_event, 15, "a popup after clicking an event marker")
    popup = frame.locator(".leaflet-popup-content")
    assert "Coup in" in popup.inner_text() and "Sources:" in popup.inner_text()
    hrefs = [a.get_attribute("href") for a in popup.locator("a").all()]
    assert hrefs and all(h and h.startswith(("http://", "https://")) for h in hrefs)
    # each source named by its outlet and kind (data/outlets.csv), its URL in the link's title
    assert any(f"({kind})" in popup.inner_text() for kind in OUTLET_KINDS.values())
    assert [a.get_attribute("title") for a in popup.locator("a").all()] == hrefs


CHART = '[data-testid="stVegaLiteChart"]'


def chart_drawn(pg: Page) -> bool:
    return bool(pg.evaluate(f"""() => [...document.querySelectorAll('{CHART} canvas, {CHART} svg')]
        .some(e => e.getBoundingClientRect().width > 100 && e.getBoundingClientRect().height > 50)"""))


@pytest.mark.parametrize("path", ["coups", "alignments", "events"])
def test_each_page_draws_its_map_and_chart(server, page, path):
    pg, blocked = page
    open_map(pg, f"{server}/{path}?date=2023-09-10&iso3=NER,MLI")
    # the events' paths may be drawn before the country shapes arrive: wait for the shapes
    frame = map_holds(pg, f"() => Object.keys(({COUNTRY_FILLS})()).length === 26", 30,
                      "the 26 countries")
    if path == "events":
        assert frame.evaluate(EVENT_COUNT) > 0
    wait_until(lambda: chart_drawn(pg), 30, f"the chart on /{path}")
    pg.screenshot(path=str(OUTPUT / f"{path}-2023-09-10.png"), full_page=True)
    assert link(pg).endswith(f"/{path}?date=2023-09-10&iso3=MLI%2CNER")  # the link kept its view
    assert not [u for u in blocked if "tile" not in u], blocked


def test_sources_page_lists_sources_and_offers_downloads(server, page):
    pg, _ = page
    pg.goto(f"{server}/sources?date=2023-09-10")
    pg.get_by_text("Every source cited").wait_for(timeout=60_000)
    buttons = pg.locator('[data-testid="stDownloadButton"]')
    wait_until(lambda: buttons.count() == 4, 30, "four download buttons")
    assert "Events (GeoJSON)" in buttons.all_inner_texts()
    wait_until(lambda: pg.locator('[data-testid="stDataFrame"]').count() >= 2, 30,
               "the sources and events tables")
    pg.screenshot(path=str(OUTPUT / "sources.png"), full_page=True)


HOSTILE = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "\"'><svg onload=\"window.__xss = 'svg'\">",
    "javascript:window.__xss='link'",
    "{{ 7*7 }} {% if true %}template{% endif %}",  # would run on the server if read as Jinja
]


def hostile_file(path: Path) -> Path:
    rows = ["id,date,lat,lon,iso3,place,category,title,summary,sources"]
    for i, text in enumerate(HOSTILE):
        q = text.replace('"', '""')
        rows.append(f'x{i},2026-11-0{i + 1},{13.5 + i // 4 * 0.5},{2.0 + i % 4 * 0.5},NER,"{q}",protest,'
                    f'"{q}","{q}",'
                    f'"{q} https://example.org/ok?a=1&b=<b>"')
    rows.append('far,2026-11-05,0,0,NER,Nowhere,protest,Zero,Zero island,')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_uploaded_events_show_and_their_text_stays_inert(server, page, tmp_path):
    pg, _ = page
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(f"{server}/events")
    pg.get_by_text("Import your own events").click()  # the panel starts folded
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(hostile_file(tmp_path / "mine.csv")))
    pg.get_by_text(f"{len(HOSTILE)} loaded, 1 rejected").wait_for(timeout=60_000)
    frame = map_holds(pg, "() => !!window.eventMarkers && "
                          f"window.eventMarkers.filter(g => g._map).at(-1).getLayers().length === {len(HOSTILE)}", 30,
                      "the uploaded events on the map")
    legend = frame.locator(".map-legend").inner_text()
    assert f"Your events ({len(HOSTILE)})" in legend
    texts = frame.evaluate("""() => window.eventMarkers.filter(g => g._map).at(-1).getLayers().map(m => {
        m.openPopup(); const el = m.getPopup().getElement();
        const out = {title: el.querySelector('b').textContent,
                     links: [...el.querySelectorAll('.event-popup a')].map(a => a.getAttribute('href'))};
        m.closePopup(); return out; })""")
    assert sorted(t["title"] for t in texts) == sorted(HOSTILE)  # shown literally
    assert all(t["links"] == ["https://example.org/ok?a=1&b=<b>"] for t in texts), texts
    assert frame.evaluate("() => window.__xss") is None
    assert pg.evaluate("() => window.__xss") is None
    assert frame.locator(".event-popup img, .event-popup svg, .event-popup script").count() == 0
    assert dialogs == []
    # the layer follows the pages: it is on the situation map too
    pg.get_by_role("link", name="Situation map").click()
    pg.get_by_text("West Africa on").wait_for(timeout=30_000)
    map_holds(pg, "() => !!window.eventMarkers && window.eventMarkers.some("
                  f"g => g.getLayers().length === {len(HOSTILE)})", 30, "the uploaded events on the situation map")


def test_a_markdown_link_in_a_shared_link_stays_text(server, page):
    pg, _ = page
    requested: list[str] = []
    pg.on("request", lambda r: requested.append(r.url))
    link = "[Your session expired - click here](https://evil.example/login)"
    pg.goto(f"{server}/?metric={quote(link)}&lang={quote('![b](http://127.0.0.1:9/x.png)')}")
    warning = pg.locator('[data-testid="stAlert"]').filter(has_text="Unknown map metric")
    warning.wait_for(timeout=60_000)
    assert link in warning.inner_text()  # shown as written
    assert pg.locator('a[href*="evil.example"]').count() == 0
    assert pg.locator('img[src*="127.0.0.1:9"]').count() == 0
    assert not [u for u in requested if ":9/" in u]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bom.csv", b"\xef\xbb\xbfevent_date,latitude,longitude,event_type,country\n"
                b"2026-10-01,13.5,2.1,x,Niger\xff\n", "1 rows read as acled"),
    ("deep.geojson", b'{"type": "FeatureCollection", "features": ' + b"[" * 10000 + b"]" * 10000
     + b"}", "nested too deeply"),
    ("odd.geojson", b'{"type": "FeatureCollection", "features": [1]}', "not a JSON object"),
])
def test_a_broken_upload_gets_a_message_not_a_traceback(server, page, tmp_path, name, data,
                                                         message):
    pg, _ = page
    path = tmp_path / name
    path.write_bytes(data)
    pg.goto(f"{server}/events")
    pg.get_by_text("Import your own events").click()
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    pg.get_by_text(message).first.wait_for(timeout=60_000)
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in pg.inner_text("body")


def test_a_50000_row_acled_file_loads_with_every_row_accounted_for(server, page, tmp_path):
    import numpy as np

    rng = np.random.default_rng(7)
    n, bad = 50_000, 300
    lat = rng.uniform(15.0, 18.0, n).round(4)  # well inside Niger
    lon = rng.uniform(6.0, 11.0, n).round(4)
    lines = ["event_id_cnty,event_date,event_type,sub_event_type,country,iso,location,latitude,"
             "longitude,notes,source,fatalities"]
    for i in range(n):
        la, lo = (0.0, 0.0) if i < bad else (lat[i], lon[i])
        lines.append(f"NER{i},{1 + i % 28} March 2026,Protests,Peaceful protest,Niger,562,"
                     f"Place {i},{la},{lo},Synthetic row {i},Test,{i % 3}")
    path = tmp_path / "acled-50k.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pg, _ = page
    pg.goto(f"{server}/events?from=2026-03-01&to=2026-03-31")
    pg.get_by_text("Import your own events").click()  # the panel starts folded
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    pg.get_by_text(f"{n - bad:,} loaded, {bad:,} rejected").wait_for(timeout=120_000)
    frame = map_holds(pg, f"() => !!window.aggregatedEvents && window.aggregatedEvents.some("
                          f"a => a.count === {n - bad})", 60, "the aggregated upload on the map")
    # every good row is in the map's aggregates: the cells' tooltips add up to all of them
    total = frame.evaluate("""() => { let t = 0; window.aggregatedEvents.filter(a => a.layer._map).at(-1).layer.eachLayer(
        m => { t += parseInt(m.getTooltip().getContent()(m).textContent.match(/^([\\d,]+)/)[1].replaceAll(",", "")); });
        return t; }""")  # counts are shown grouped: '1,234' in English
    assert total == n - bad
    # each cell sits where its events are (they all lie in 15-18 N, 6-11 E)
    places = frame.evaluate("""() => window.aggregatedEvents.filter(a => a.layer._map).at(-1)
        .layer.getLayers().map(m => [m.getLatLng().lat, m.getLatLng().lng])""")
    assert places and all(15.0 <= la <= 18.0 and 6.0 <= lo <= 11.0 for la, lo in places)
    # and the cells' fatalities add up to the file's (issue 16: count and sum of fatalities)
    deaths = frame.evaluate("""() => { let t = 0; window.aggregatedEvents.filter(a => a.layer._map).at(-1).layer.eachLayer(
        m => { t += parseInt(m.getTooltip().getContent()(m).textContent.match(/· ([\\d,]+) deaths?/)[1].replaceAll(",", "")); });
        return t; }""")
    assert deaths == sum(i % 3 for i in range(bad, n))


def test_the_exported_map_opens_with_no_internet(browser, data_dir, tmp_path):
    from datetime import date

    from geo.assets import standalone_html
    from geo.facts import load_facts
    from geo.situation import situation_map
    from geo.timeline import DateWindow
    from geo.viewstate import ViewState

    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)),
                     layers=frozenset({"choropleth", "events"}))
    path = tmp_path / "map.html"
    path.write_text(standalone_html(situation_map(facts, view).whole()), encoding="utf-8")
    context = browser.new_context()
    requests: list[str] = []
    context.route("**/*", lambda r: (requests.append(r.request.url), r.continue_()
                                     if r.request.url.startswith("file://") else r.abort()))
    pg = context.new_page()
    pg.goto(path.as_uri())
    pg.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length === 5",
                         timeout=20_000)  # 3 countries and the 2 events of the window
    assert [u for u in requests if not u.startswith("file://")] == []
    context.close()


@pytest.mark.parametrize("path", ["", "coups", "alignments", "events", "sources",
                                  "country?iso3=NER", "country?iso3=GHA"])
def test_pages_work_on_a_phone(server, browser, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    block_the_internet(context)
    pg = context.new_page()
    pg.goto(f"{server}/{path}{'&' if '?' in path else '?'}date=2023-09-10&lang=fr")
    pg.locator("h1").first.wait_for(timeout=60_000)
    if path != "sources":
        pg.wait_for_selector(MAP_FRAME, state="attached", timeout=60_000)
        frame = map_holds(pg, "() => window.map_div && "
                              "document.querySelectorAll('path.leaflet-interactive').length > 0",
                          60, "the map to draw")
        box = wait_until(lambda: pg.locator(MAP_FRAME).bounding_box(), 10, "the map's box")
        assert 300 <= box["width"] <= 375 and box["height"] > 300  # fits the screen, usable
        # the legend starts folded, so it does not cover the map
        assert frame.evaluate("() => document.getElementById('map-legend').open") is False
        # the region's capitals are dots until the reader zooms in: their names would overlap
        shown = ("() => [...document.querySelectorAll('.place-label.capital')]"
                 ".filter(e => getComputedStyle(e).display !== 'none').length")
        zoom = frame.evaluate("() => map_div.getZoom()")
        if zoom < 5:
            assert frame.evaluate(shown) == 0
        frame.evaluate("() => map_div.setZoom(6, {animate: false})")
        wait_until(lambda: frame.evaluate(shown) > 0, 10, "capitals named once zoomed in")
        frame.evaluate(f"() => map_div.setZoom({zoom}, {{animate: false}})")  # as it opened
        if path == "":  # the situation map starts within the first screen
            top = pg.evaluate("() => document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]')"
                              ".getBoundingClientRect().top + window.scrollY")
            assert top < 812, top
    # the page does not scroll sideways, and the sidebar (the controls) opens from its button
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert low_contrast_text(pg) == []
    OUTPUT.mkdir(exist_ok=True)
    pg.screenshot(path=str(OUTPUT / f"phone-{(path or 'situation').replace('?', '-')}.png"))
    pg.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] '
               'button').first.click()
    pg.get_by_text("Événements entre").wait_for(timeout=10_000)
    assert low_contrast_text(pg) == []  # the sidebar's labels and captions too
    if path == "":  # on a phone the date moves from the map's own control, in the first screen
        # (the map's control needs the timeline; the sidebar, opened above, is folded first)
        step = with_time_control(pg, f"{server}/?date=2023-09-10&lang=fr").locator(
            ".time-control .time-next")
        fold = pg.locator('[data-testid="stSidebarCollapseButton"] button')
        if fold.is_visible():
            fold.click()
        box = wait_until(lambda: step.bounding_box(), 10, "the map's next-change button")
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 812
        step.tap()
        wait_until(lambda: "10 septembre 2023" not in pg.locator("h1").first.inner_text(), 30,
                   "the page to move to the next change")
    context.close()


def test_a_shared_link_to_a_page_works_as_a_fresh_servers_first_visit(browser):
    """Streamlit runs a pages/ file on its own (old-style multipage app) until the entry point
    has run once; the first visitor of a restarted server must still get the app's navigation."""
    with serve() as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.goto(f"{fresh}/coups?date=2023-09-10&lang=fr")
        pg.get_by_role("heading", name="Coups d'État et tentatives depuis 2020, au 10 septembre 2023").wait_for(timeout=60_000)
        nav = pg.locator('[data-testid="stSidebarNav"]')
        wait_until(lambda: "Carte de situation" in nav.inner_text(), 30, "the app's own page list")
        assert [t.strip() for t in nav.inner_text().split("\n") if t.strip()] == [
            "Carte de situation", "Coups d'État", "Alignements", "Événements", "Pays",
            "Sources et données"]
        assert urlparse(link(pg)).path == "/coups" and "lang=fr" in link(pg)
        context.close()


MILITARY = "#D55E00"  # the regime metric's colour for military rule (Okabe-Ito vermillion)


def current_map(pg: Page) -> Frame:
    element = pg.wait_for_selector(MAP_FRAME, state="attached", timeout=60_000)
    frame = element.content_frame()
    assert frame is not None
    return frame


def choose(pg: Page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox, as a person would: open it, type, Enter."""
    box = pg.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.get_by_role("combobox").click()
    pg.keyboard.type(option)
    pg.keyboard.press("Enter")


TIME_CONTROL = ("() => window.coupbeltTimelineReady === true && "
                "!!document.querySelector('.time-control .time-play')")


def with_time_control(pg: Page, url: str) -> Frame:
    """The situation map opened at `url`, once its time control holds the timeline (a fresh
    server builds it in the background: the page is loaded again until then)."""
    def ready() -> Frame | None:
        try:
            open_map(pg, url)
            return map_holds(pg, TIME_CONTROL, 5, "the time control")
        except (AssertionError, PlaywrightError):  # not yet (a busy machine's first load)
            return None
    return wait_until(ready, 180, "the map's time control")


def test_the_map_keeps_the_reader_s_view_through_dates_metrics_layers_and_pages(server, page):
    pg, _ = page
    frame = with_time_control(pg, f"{server}/?date=2023-08-10")
    frame.evaluate("() => { window.__same = 'this map'; map_div.setView([13.5, 2.1], 7); }")
    wait_until(lambda: "view=13.5%2C2.1%2C7" in link(pg), 10, "the view written into the link")
    steps = [
        ("a date change", lambda: current_map(pg).locator(".time-next").click(),
         "() => !!document.querySelector('.map-legend')"),
        ("a metric switch", lambda: choose(pg, "Colour countries by", "ECOWAS status"),
         "() => [...document.querySelectorAll('.map-legend h4')].some(h => h.textContent === 'ECOWAS status')"),
        ("a layer toggle", lambda: pg.get_by_text("Foreign forces (badges)").click(),
         "() => !document.querySelector('.force-badge')"),
    ]
    for what, act, done in steps:
        title = pg.locator("h1").first.inner_text()
        act()
        map_holds(pg, done, 30, f"the map after {what}")
        if what == "a date change":
            wait_until(lambda old=title: pg.locator("h1").first.inner_text() != old, 30,
                       "the new date")
        frame = current_map(pg)
        assert frame.evaluate("() => window.__same") == "this map", what  # not re-created
        assert frame.evaluate("() => map_div.getZoom()") == 7, what
        assert frame.evaluate("() => window.coupbeltMaps") == 1, what
    # Python writes the link after each rerun, the map's view in it
    wait_until(lambda: "view=" in link(pg), 5, f"the view in the link (now {link(pg)})")
    lat, lon, zoom = (float(v) for v in parse_qs(urlparse(link(pg)).query)["view"][0].split(","))
    assert abs(lat - 13.5) < 0.05 and abs(lon - 2.1) < 0.05 and zoom == 7  # still in the link
    pg.get_by_role("link", name="Coups").click()
    pg.get_by_text("Coups and attempts since 2020").wait_for(timeout=30_000)
    pg.get_by_role("link", name="Situation map").click()
    pg.get_by_text("West Africa on").wait_for(timeout=30_000)
    frame = map_holds(pg, "() => window.map_div && map_div.getZoom() === 7", 30,
                      "the page's own view after a round trip")
    centre = frame.evaluate("() => map_div.getCenter()")
    assert abs(centre["lat"] - 13.5) < 0.05 and abs(centre["lng"] - 2.1) < 0.05


FIRST_NEW_FILLS = """() => { const fills = () => JSON.stringify((""" + COUNTRY_FILLS + """)());
  const was = fills(); window.__firstNew = null;
  const poll = setInterval(() => { const now = fills(); if (now !== was) {
    window.__firstNew = {fills: now, paints: window.coupbeltPaints}; clearInterval(poll); } }, 4);
}"""


def test_the_map_recolours_as_soon_as_the_reader_moves_the_date_or_the_metric(server, page):
    """The map holds every metric's colours through time: its time control draws the new
    colours the moment the reader uses a change button, the metric menu or the scrubber,
    before the rerun's paint, which then draws the same."""
    pg, _ = page
    with_time_control(pg, f"{server}/?date=2023-07-01")
    steps = [  # each changes some country's colour
        ("Next change", lambda f: f.locator(".time-next").click(), "West Africa on 26 July 2023"),
        ("Previous change", lambda f: f.locator(".time-prev").click(), None),
        ("the metric menu", lambda f: f.locator(".time-metric").select_option(label="ECOWAS status"),
         None),
        ("the scrubber", lambda f: (f.locator(".time-slider").focus(), pg.keyboard.press("Home")),
         "West Africa on 1 January 2020"),
    ]
    for what, act, title in steps:
        frame = current_map(pg)
        paints = frame.evaluate("() => window.coupbeltPaints")
        frame.evaluate(FIRST_NEW_FILLS)
        act(frame)
        first = map_holds(pg, "() => window.__firstNew", 30, f"new colours after {what}").evaluate(
            "() => window.__firstNew")
        assert first["paints"] == paints, f"{what}: the colours waited for the rerun"
        frame = map_holds(pg, f"() => window.coupbeltPaints > {paints}", 30, f"the rerun of {what}")
        if title:
            pg.get_by_text(title).wait_for(timeout=30_000)
        pg.wait_for_timeout(300)  # a last paint of the rerun
        assert frame.evaluate(COUNTRY_FILLS) == json.loads(first["fills"]), what
    assert frame.evaluate("() => window.coupbeltMaps") == 1  # the same map throughout
    assert "metric=ecowas" in link(pg)


def test_a_date_change_with_the_window_fixed_puts_the_same_events_back(server, page):
    """The events travel once; a rerun that shows the same ones (the window fixed, the date
    moving) reuses the drawn layer, and one that shows others draws them."""
    pg, _ = page
    open_map(pg, f"{server}/?date=2023-08-10&from=2023-07-01&to=2023-09-30")
    drawn = ("() => [window.eventMarkersBuilt, "
             "window.eventMarkers.filter(g => g._map).map(g => g.getLayers().length)]")
    frame = map_holds(pg, "() => !!window.eventMarkers && window.eventMarkers.some(g => g._map)",
                      30, "the events on the map")
    before = frame.evaluate(drawn)
    assert len(before[1]) == 1 and before[1][0] > 0
    title = pg.locator("h1").first.inner_text()
    map_holds(pg, TIME_CONTROL, 90, "the time control").locator(".time-next").click()
    wait_until(lambda: pg.locator("h1").first.inner_text() != title, 30, "the new date")
    frame = map_holds(pg, "() => window.eventMarkers.some(g => g._map)", 30, "the events back")
    assert frame.evaluate(drawn) == before  # the same layer, none built again
    pg.goto(f"{server}/?date=2023-08-10&from=2023-08-01&to=2023-08-31")
    frame = map_holds(pg, f"() => !!window.eventMarkers && window.eventMarkers.some("
                          f"g => g._map && g.getLayers().length < {before[1][0]})", 60,
                      "the events of a narrower window")


def test_a_link_with_a_view_opens_on_that_view(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    try:
        frame = open_map(pg, f"{server}/?date=2023-08-10&view=12.6,-8.0,6.5")
        frame.wait_for_function("() => map_div.getZoom() === 6.5", timeout=30_000)
        centre = frame.evaluate("() => map_div.getCenter()")
        assert abs(centre["lat"] - 12.6) < 0.01 and abs(centre["lng"] + 8.0) < 0.01
    finally:
        context.close()


STAMP = "() => document.querySelector('.time-control .time-stamp').textContent"


def test_playback_on_the_map_recolours_it_and_stops_on_the_last_frame(server, page):
    pg, _ = page
    frame = with_time_control(pg, f"{server}/?date=2023-05-01")
    frame.locator(".time-step").select_option("month")
    frame.locator(".time-speed").select_option("8")
    frame.evaluate("() => { window.__frames = {}; const poll = setInterval(() => {"
                   " const s = document.querySelector('.time-stamp').textContent;"
                   f" window.__frames[s] = ({COUNTRY_FILLS})().NER; }}, 10); }}")
    frame.locator(".time-play").click()
    # while playing, the map says which date the page's figures are for
    assert "1 May 2023" in frame.locator(".time-note").inner_text()
    assert pg.locator("h1").first.inner_text() == "West Africa on 1 May 2023"
    frame = map_holds(pg, "() => !document.querySelector('.time-control.playing')", 60,
                      "the playback to reach its last frame")
    frames = frame.evaluate("() => window.__frames")
    assert len(frames) >= 3, frames  # several frames were drawn on the way
    for day in ("1 June 2023", "1 July 2023", "1 August 2023", "1 September 2023"):
        assert (frames[day] == MILITARY) == (day != "1 June 2023" and day != "1 July 2023"), (
            day, frames[day])  # Niger under military rule from 26 July 2023
    last = frame.evaluate(STAMP)
    pg.get_by_role("heading", name=f"West Africa on {last}").wait_for(timeout=30_000)


def test_pausing_on_the_map_settles_the_page_on_the_frame_it_shows(server, page):
    """Pause stops on the frame on the map, and the page (title, link, the map's own colours
    after the rerun) settles on that date, not on a later one."""
    pg, _ = page
    frame = with_time_control(pg, f"{server}/?date=2021-01-01")
    frame.locator(".time-step").select_option("week")
    frame.locator(".time-speed").select_option("8")
    frame.locator(".time-play").click()
    map_holds(pg, "() => (window.coupbeltFrames || 0) >= 12", 30, "a dozen weekly frames")
    frame.locator(".time-play").click()  # pause
    shown = frame.evaluate(STAMP)
    fills = frame.evaluate(COUNTRY_FILLS)
    assert shown != "1 January 2021"
    pg.get_by_role("heading", name=f"West Africa on {shown}").wait_for(timeout=30_000)
    from datetime import datetime

    day = f"{datetime.strptime(shown, '%d %B %Y'):%Y-%m-%d}"
    wait_until(lambda: f"date={day}" in link(pg), 10, f"the link on {day} (now {link(pg)})")
    frame = map_holds(pg, "() => !document.querySelector('.time-control.playing')", 10, "paused")
    assert frame.evaluate(STAMP) == shown  # the map still shows the frame it stopped on
    pg.wait_for_timeout(500)  # the rerun's paint
    assert frame.evaluate(COUNTRY_FILLS) == fills


def test_the_compare_link_reopens_both_dates_and_outlines_what_changed(server, page):
    pg, _ = page
    frame = open_map(pg, f"{server}/?date=2025-01-01&compare=2023-01-01")
    pg.get_by_text("What changed between 1 January 2023 and 1 January 2025").wait_for(
        timeout=30_000)
    dashed = frame.evaluate("() => { const out = []; map_div.eachLayer(l => { if (l.feature && "
                            "l.feature.properties.iso3 && l.options.dashArray) "
                            "out.push(l.feature.properties.iso3); }); return out; }")
    assert {"NER", "MLI", "BFA"} <= set(dashed)
    assert frame.locator(".map-legend").inner_text().count("Status changed since 1 January 2023") == 1


def test_clicking_niger_on_the_situation_map_opens_its_page(server, page):
    pg, blocked = page
    frame = open_map(pg, f"{server}/?date=2023-09-10")
    point = frame.evaluate("""() => { let c = null;
      map_div.eachLayer(l => { if (l.feature && l.feature.properties.iso3 === 'NER' && l.getBounds)
          c = map_div.latLngToContainerPoint(l.getBounds().getCenter()); });
      return [c.x, c.y]; }""")
    box = pg.locator(MAP_FRAME).bounding_box()
    pg.mouse.click(box["x"] + point[0], box["y"] + point[1])
    pg.get_by_role("heading", name="Niger on 10 September 2023").wait_for(timeout=30_000)
    # Python writes the link at the end of the run, once the page is drawn
    wait_until(lambda: urlparse(link(pg)).path == "/country" and "iso3=NER" in link(pg), 10,
               f"the country's link (now {link(pg)})")
    # one row per fact: Niger's regime on the date, with all its sources as links in one cell
    regime = pg.locator(".fact-table").first.locator("tbody tr").filter(has_text="Regime")
    regime.first.wait_for(timeout=30_000)
    assert regime.count() == 1 and "Military rule" in regime.inner_text()
    wait_until(lambda: regime.locator("a").count() >= 2, 10, "the regime's sources as links")
    map_holds(pg, "() => window.map_div && map_div.getZoom() >= 5", 30,
              "the country's map, framed on it")
    assert blocked == [] or all("tile" in u for u in blocked)


def test_offline_the_map_labels_capitals_and_draws_borders_with_colours_off(server, page):
    pg, blocked = page
    frame = open_map(pg, f"{server}/?date=2023-09-10&layers=events,forces")
    labels = frame.evaluate("() => [...document.querySelectorAll('.place-label')]"
                            ".map(e => e.textContent)")
    assert {"Niamey", "Bamako", "Ouagadougou", "Abuja", "Dakar"} <= set(labels)
    fills = frame.evaluate(COUNTRY_FILLS)
    assert len(fills) == 26 and set(fills.values()) == {"#f4f4f4"}  # borders, no colours
    assert frame.evaluate("() => getComputedStyle(document.querySelector("
                          "'.place-label.capital')).display") != "none"
    assert blocked == []  # no basemap asked for, nothing else from the internet


def test_imported_events_show_their_types_with_counts_and_fatalities_by_size(server, page,
                                                                              tmp_path):
    rows = ["event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,"
            "country,iso,admin1,location,latitude,longitude,geo_precision,notes,source,fatalities",
            "NER1,2026-03-02,1,Battles,Armed clash,Army,JNIM,Niger,562,Agadez,A,16.0,8.0,1,"
            "Clash.,Test,64",
            "NER2,2026-03-03,1,Battles,Armed clash,Army,JNIM,Niger,562,Agadez,B,16.5,9.0,1,"
            "Clash.,Test,1",
            "NER3,2026-03-04,3,Protests,Peaceful protest,Protesters (Niger),,Niger,562,Agadez,C,"
            "17.0,10.0,3,March.,Test,0"]
    path = tmp_path / "acled-types.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pg, _ = page
    pg.goto(f"{server}/events?from=2026-03-01&to=2026-03-31")
    pg.get_by_text("Import your own events").click()
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    pg.get_by_text("3 loaded, 0 rejected").wait_for(timeout=60_000)
    frame = map_holds(pg, "() => !!window.eventMarkers && window.eventMarkers.some("
                          "g => g._map && g.getLayers().some(m => m.feature.properties.id === 'NER1'))",
                      30, "the imported events on the map")
    legend = frame.locator(".map-legend").inner_text()
    assert "Your events (3)" in legend and "Battles (2)" in legend and "Protests (1)" in legend
    assert "64 deaths" not in legend and "10 deaths" in legend  # the size scale's references
    # close together at this zoom, they may be one cluster; its count and the markers seen add
    # up to the three events, and from zoom 8 every event is a marker of its own
    seen = frame.evaluate("""() => { const c = window.eventClusters.filter(c => c.layer._map
          && c.layer.getLayers().some(m => m.feature.properties.id === 'NER1'));
        return c.flatMap(c => c.clusters).reduce((t, k) => t + k.count, 0)
          + c.flatMap(c => c.layer.getLayers()).filter(m => m.getElement().style.display !== 'none').length; }""")
    assert seen == 3  # the imported layer's
    frame.evaluate("() => map_div.setView([16.5, 9], 8, {animate: false})")
    frame = map_holds(pg, "() => window.eventClusters.filter(c => c.layer._map)"
                          ".every(c => c.clusters.length === 0)", 30, "every event a marker")
    markers = frame.evaluate("""() => window.eventMarkers.filter(g => g._map).at(-1).getLayers()
        .map(m => ({id: m.feature.properties.id, radius: m.getRadius(), fill: m.options.fillColor,
                    hollow: m.feature.properties.hollow,
                    drawn: m._path ? m._path.getBoundingClientRect().width : 0}))""")
    by_id = {m["id"]: m for m in markers}
    assert by_id["NER1"]["radius"] > by_id["NER2"]["radius"]  # 64 deaths against 1
    assert by_id["NER1"]["drawn"] > by_id["NER2"]["drawn"] > 0  # and so they are drawn
    assert by_id["NER1"]["fill"] == by_id["NER2"]["fill"] != by_id["NER3"]["fill"]  # by type
    assert by_id["NER3"]["hollow"] and not by_id["NER1"]["hollow"]  # region only, month only
    popup = frame.evaluate("""() => { const m = window.eventMarkers.filter(g => g._map).at(-1)
        .getLayers().find(m => m.feature.properties.id === 'NER1');
        m.openPopup(); const t = m.getPopup().getElement().innerText; m.closePopup(); return t; }""")
    assert "Actors: Army · JNIM" in popup and "Fatalities: 64 deaths" in popup


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["0 events · 0 deaths", "1 event · 1 death", "2 events · 2 deaths",
            "1,000,000 events · 1,000,000 deaths"]),
    ("fr", ["0 événement · 0 mort", "1 événement · 1 mort", "2 événements · 2 morts",
            "1\u202f000\u202f000 d'événements · 1\u202f000\u202f000 de morts"])])
def test_the_cells_tooltips_count_in_the_plural_of_their_language(browser, lang, expected):
    """The counts per cell (coupbelt.counted, with the forms the layer sends) in the browser's
    own plural rules (Intl.PluralRules): French puts 0 and 1 in the singular."""
    import pandas as pd

    from geo.i18n import translator
    from geo.layers import event_set

    columns = ["id", "date", "lat", "lon", "iso3", "place", "category", "title", "summary", "sources"]
    data = event_set(pd.DataFrame(columns=columns), tr=translator(lang), lang=lang).data
    context = browser.new_context()
    block_the_internet(context)
    pg = context.new_page()
    try:
        pg.set_content("<html><body></body></html>")
        for script in ("leaflet/leaflet.js", "js/coupbelt.js"):
            pg.add_script_tag(content=(ROOT / "static" / script).read_text())
        texts = pg.evaluate("""([data, counts]) => counts.map(n =>
            coupbelt.counted(data.eventsText, n, data.lang) + " · " +
            coupbelt.counted(data.deathsText, n, data.lang))""", [data, [0, 1, 2, 10**6]])
    finally:
        context.close()
    assert texts == expected


def test_the_wheel_scrolls_the_page_over_the_map_and_zooms_it_only_with_ctrl(server, page):
    """A reader scrolling down the page passes over the map without zooming it (issue 23: three
    turns of the wheel on /coups zoomed out to the world); Ctrl/⌘ + wheel zooms the map."""
    pg, _ = page
    pg.set_viewport_size({"width": 1366, "height": 768})
    frame = open_map(pg, f"{server}/coups?date=2023-09-10")
    box = settled_box(pg)
    zoom = frame.evaluate("() => map_div.getZoom()")
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        pg.mouse.wheel(0, 100)
    moved = wait_until(lambda: (b := pg.locator(MAP_FRAME).bounding_box()) and b["y"] < box["y"] - 100
                       and b, 10, "the page to scroll under the wheel")
    assert frame.evaluate("() => map_div.getZoom()") == zoom
    top, bottom = max(moved["y"], 0), min(moved["y"] + moved["height"], 768)
    assert bottom - top > 100  # the map is still in view, under the pointer
    pg.mouse.move(moved["x"] + moved["width"] / 2, (top + bottom) / 2)
    pg.keyboard.down("Control")
    pg.mouse.wheel(0, -200)
    pg.keyboard.up("Control")
    map_holds(pg, f"() => map_div.getZoom() > {zoom}", 10, "Ctrl + wheel to zoom the map in")


@pytest.mark.parametrize("size", [(1366, 768), (375, 812)])
def test_the_legend_hides_none_of_the_region_s_countries(server, browser, size):
    """At a desktop's and a phone's size the legend sits where no West African country is under
    it (issue 23: it covered Senegal, Gambia, Guinea-Bissau and most of Guinea)."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    block_the_internet(context)
    pg = context.new_page()
    try:
        for path in ("/?date=2023-09-10", "/coups?date=2023-09-10"):
            frame = open_map(pg, server + path)
            frame = map_holds(pg, "() => map_div.coupbeltShapes && document.getElementById('map-legend')",
                              30, "the legend and the shapes")
            under = frame.evaluate("""() => {
              const box = document.getElementById('map-legend'), r = box.getBoundingClientRect();
              const region = new Set(Object.values(map_div.coupbeltShapes)
                .filter(s => s.feature.properties.region === 'west_africa').map(s => s._path));
              const hidden = new Set();
              for (let y = r.top; y <= r.bottom; y += 4)
                for (let x = r.left; x <= r.right; x += 4)
                  for (const e of document.elementsFromPoint(x, y))
                    if (region.has(e)) hidden.add(Object.values(map_div.coupbeltShapes)
                                                  .find(s => s._path === e).feature.properties.iso3);
              return {open: box.open, width: r.width, height: r.height, regionShown: region.size,
                      hidden: [...hidden]};
            }""")
            assert under["regionShown"] >= 16 and under["width"] > 40, under
            assert under["hidden"] == [], (path, size, under)
            if size[0] > 1000:
                assert under["open"] and under["height"] > 80, under  # open, not folded out of the way
    finally:
        context.close()


def test_a_long_country_tooltip_reads_in_lines_not_a_column_of_words(server, page):
    """Mali's tooltip on the coups map (issue 23: a 450 px column of one word per line)."""
    pg, _ = page
    pg.set_viewport_size({"width": 1366, "height": 768})
    open_map(pg, f"{server}/coups?date=2023-09-10")
    frame = map_holds(pg, "() => map_div.coupbeltShapes && map_div.coupbeltShapes.MLI.getTooltip()",
                      30, "Mali's tooltip")
    size = frame.evaluate("""() => { const s = map_div.coupbeltShapes.MLI;
        s.openTooltip(s.getBounds().getCenter());
        const tip = document.querySelector('.leaflet-tooltip .country-tip');
        const cell = tip.querySelectorAll('td')[3], r = tip.getBoundingClientRect();
        return {width: r.width, height: r.height, cell: cell.getBoundingClientRect().width,
                text: tip.innerText}; }""")
    assert size["width"] >= 300 and size["cell"] >= 240 and size["height"] <= 300, size
