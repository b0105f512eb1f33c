"""The time map without a server (geo.site, static/js/coupbelt.js standalone): the intervals it ships equal
the model on every date, the one-file export stays small and inert, the static site links only
to itself, and in a real browser (every non-local request blocked) it recolours, plays and opens
country pages, served by `python -m http.server` or opened from file:// inside an iframe."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from conftest import ROOT, write_data
from test_browser import (
    ARGS,
    COUNTRY_FILLS,
    block_the_internet,
    free_port,
    open_map,
    serve,
    wait_until,
)

from geo import timemodel
from geo.facts import Facts, load_facts
from geo.i18n import long_date, translator
from geo.metrics import METRICS, classify, status_summaries
from geo.site import (
    MAX_HTML_BYTES,
    interactive_html,
    main,
    map_payload,
    write_site,
)
from geo.timeline import status_on
from geo.timemodel import class_intervals, class_on, run_at, summary_intervals
from geo.vocabulary import COVERAGE_START, VALUE_LABELS

METRICS_CHECKED = ("regime", "ecowas", "ecowas_sanctions", "aes", "forces", "forces_russia",
                   "coups", "icc")


@pytest.fixture(scope="module")
def real() -> Facts:
    facts = load_facts(ROOT / "data")
    assert facts.errors == ()
    return facts


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Facts:
    return load_facts(write_data(tmp_path_factory.mktemp("small") / "data"))


_PAYLOADS: dict[tuple[int, str], dict] = {}


def payload_of(facts: Facts, lang: str) -> dict:
    """map_payload, once per facts and language (it evaluates the model on every change day)."""
    key = (id(facts), lang)
    if key not in _PAYLOADS:
        _PAYLOADS[key] = map_payload(facts, lang)
    return _PAYLOADS[key]


def sample_days(facts: Facts, metric: str) -> list[date]:
    """Every change day, the day before and after it, and every 17th day from 2020-01-01."""
    last = facts.curated.date()
    days = {COVERAGE_START, last}
    for d in timemodel.sample_days(facts, metric):
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    days |= {COVERAGE_START + timedelta(days=k) for k in range(0, (last - COVERAGE_START).days, 17)}
    return sorted(d for d in days if COVERAGE_START <= d <= last)


def payload_class(payload: dict, metric: str, iso3: str, day: date) -> tuple[str, str, str] | None:
    """What the browser looks up: (class key, colour, detail) of the run holding on `day`."""
    return run_at(payload["wire"], metric, iso3, day)


@pytest.mark.parametrize("which", ["real", "small"])
@pytest.mark.parametrize("metric", METRICS_CHECKED)
def test_shipped_intervals_equal_the_model_on_sampled_days(which, metric, request):
    facts = request.getfixturevalue(which)
    tr = translator("fr")
    payload = payload_of(facts, "fr")
    intervals = class_intervals(facts, metric, tr)
    for day in sample_days(facts, metric):
        model = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day, tr,
                         facts.checked)
        for row in model.to_dict("records"):
            shipped = class_on(intervals[row["iso3"]], day)
            assert shipped is not None, (metric, row["iso3"], day)
            assert (shipped.cls, shipped.detail) == (row["class"], row["detail"]), (metric, row["iso3"], day)
            assert payload_class(payload, metric, row["iso3"], day) == (
                row["class"], row["colour"], row["detail"]), (metric, row["iso3"], day)


# Days a status starts, and the day before: (metric, country, day, the class the data gives)
KNOWN_DAYS = [
    ("regime", "NER", date(2023, 7, 25), "civilian"),  # the last day of Bazoum's government
    ("regime", "NER", date(2023, 7, 26), "military"),  # the day the guard seized power
    ("regime", "MLI", date(2020, 8, 17), "civilian"),
    ("regime", "MLI", date(2020, 8, 18), "military"),
    ("coups", "NER", date(2023, 7, 25), "0"),
    ("coups", "NER", date(2023, 7, 26), "1"),
    ("coups", "MLI", date(2021, 5, 24), "2"),
    ("ecowas", "NER", date(2025, 1, 28), "suspended"),
    ("ecowas", "NER", date(2025, 1, 29), "withdrawn"),
    ("forces_russia", "NER", date(2024, 4, 9), "none"),
    ("forces_russia", "NER", date(2024, 4, 10), "africa_corps"),
]


@pytest.mark.parametrize("which", ["real", "small"])
@pytest.mark.parametrize(("metric", "iso3", "day", "expected"), KNOWN_DAYS)
def test_the_day_a_status_starts_and_the_day_before(which, metric, iso3, day, expected, request):
    facts = request.getfixturevalue(which)
    model = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day).set_index("iso3")
    assert model.loc[iso3, "class"] == expected  # the data says so
    assert payload_class(payload_of(facts, "en"), metric, iso3, day)[0] == expected


@pytest.mark.parametrize("which", ["real", "small"])
def test_shipped_status_summaries_equal_the_model(which, request):
    facts = request.getfixturevalue(which)
    tr = translator("fr")
    shipped = summary_intervals(facts, tr)
    days = sample_days(facts, "regime") + sample_days(facts, "ecowas_sanctions")
    for day in sorted(set(days)):
        model = status_summaries(facts.status, day, tr, facts.checked)
        for iso3 in facts.borders["iso3"]:
            assert class_on(shipped[iso3], day).detail == "\n".join(model.get(iso3, [])), (iso3, day)


def test_intervals_cover_every_day_once(real):
    payload = payload_of(real, "en")
    last = payload["wire"]["last"]
    for metric in METRICS:
        for iso3, runs in class_intervals(real, metric, translator("en")).items():
            assert runs[0].start == COVERAGE_START, (metric, iso3)
            assert (runs[-1].end - COVERAGE_START).days == last + 1, (metric, iso3)
            assert all(a.end == b.start for a, b in itertools.pairwise(runs)), (metric, iso3)
            assert all((a.cls, a.detail) != (b.cls, b.detail) for a, b in itertools.pairwise(runs))


def test_labels_and_colours_are_the_model_s_in_the_page_language(real):
    payload = payload_of(real, "fr")
    regime = next(m for m in payload["wire"]["metrics"] if m["key"] == "regime")
    assert regime["title"] == "Régime"
    assert ["military", "Régime militaire", METRICS["regime"].cls("military").colour] in regime["classes"]
    assert payload["ui"]["time"]["locale"] == "fr-FR"  # the time control's dates, in French
    assert "7 décembre 2026" in payload["credit"] and "data/" in payload["credit"]
    assert payload["ui"]["time"]["play"] == "▶ Lecture"  # the dashboard's time control's words
    assert payload["ui"]["time"]["settled"] == ""  # no figures below the map to speak of
    english = payload_of(real, "en")
    assert english["credit"] == ("Sahel coup belt · data curated 7 December 2026 · sources in data/"
                                 " · facts checked up to 13 March 2026")
    assert "faits vérifiés jusqu'au 13 mars 2026" in payload["credit"]


def script_blocks(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_interactive_file_is_self_contained_and_small(real, lang):
    page = interactive_html(real, lang)
    size = len(page.encode("utf-8"))
    assert size <= MAX_HTML_BYTES, f"{size} bytes"
    assert not re.search(r"""<(script|link|img)\b[^>]*(src|href)=""", page), "a file it would fetch"
    assert "L.map(" in page and "timemap-data" in page and "function timeControl(" in page  # Leaflet and coupbelt.js are inlined
    data = json.loads(re.search(r'<script type="application/json" id="timemap-data">(.*?)</script>',
                                page, re.S).group(1))
    assert len(data["borders"]["features"]) == len(real.borders)
    assert len(data["wire"]["events"]) == len(real.events)
    assert data["wire"]["format"] == "coupbelt.timemap/1"
    assert data["lang"] == lang


HOSTILE_TITLE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile(facts: Facts) -> Facts:
    """Facts whose first event carries a script in its title and a javascript: source (data
    that got past validation: the output must stay inert anyway)."""
    events = facts.events.copy()
    events.loc[0, ["title", "summary", "place"]] = [HOSTILE_TITLE, "{{ 7*7 }} & <b>bold</b>", "<i>x</i>"]
    events.loc[0, "sources"] = "javascript:alert(1) https://example.org/ok"
    return dataclasses.replace(facts, events=events)


def test_text_from_the_data_stays_inert_in_the_file(small):
    facts = hostile(small)
    page = interactive_html(facts, "en")
    assert "<script>alert" not in page and "<img src=x" not in page
    blocks = script_blocks(page)
    assert len(blocks) == page.count("<script")  # no block was closed early by the data
    data = json.loads(next(b for b in blocks if '"borders"' in b))
    row = next(e for e in data["wire"]["events"] if e[8] == facts.events.loc[0, "id"])
    assert row[4] == HOSTILE_TITLE  # the text itself, to be set with textContent
    assert row[7] == ["https://example.org/ok"]  # only http(s) sources become links
    js = (ROOT / "static" / "js" / "coupbelt.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_text_from_the_data_stays_inert_in_the_country_pages(small, tmp_path):
    facts = hostile(small)
    iso3 = facts.events.loc[0, "iso3"]
    write_site(facts, tmp_path / "site", ("en",), ROOT / "tests" / "missing")
    page = (tmp_path / "site" / "country" / f"{iso3}.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in page
    # the one script is the site's own (assets/country.js: the status of the link's date)
    assert page.count("<script") == 1 and '<script defer src="../assets/country.js">' in page
    assert "<img" not in page and "<b>bold" not in page
    assert 'href="javascript:' not in page and "<span>javascript:alert(1)</span>" in page
    assert 'href="https://example.org/ok"' in page


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.targets.append(value)


@pytest.fixture(scope="module")
def site(real, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(real, out)
    return out


def test_the_site_holds_map_country_pages_and_data(site, real):
    for iso3 in real.borders["iso3"]:
        assert (site / "country" / f"{iso3}.html").is_file()
        assert (site / "fr" / "country" / f"{iso3}.html").is_file()
    for name in ("borders.geojson", "coups.csv", "status.csv", "events.csv", "un_votes.csv",
                 "SOURCES.md"):
        assert (site / "data" / name).read_bytes() == (ROOT / "data" / name).read_bytes()
    data_page = (site / "data.html").read_text(encoding="utf-8")
    assert 'href="data/SOURCES.md"' in data_page and "SHA-256" in data_page
    assert (site / "fr" / "index.html").read_text(encoding="utf-8").startswith(
        '<!doctype html>\n<html lang="fr">')


def test_every_link_of_the_site_is_relative_and_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            if urlparse(target).scheme in ("http", "https"):
                continue  # a source cited: the only links that leave the site
            assert not target.startswith("/") and "://" not in target, (page, target)
            path = (page.parent / target.split("#")[0]).resolve()
            assert path.is_file() and site.resolve() in path.parents, (page, target)


def test_a_country_page_shows_its_status_periods_coups_and_events(site, real):
    page = (site / "country" / "NER.html").read_text(encoding="utf-8")
    regime = re.search(r'<tr data-dimension="regime">(.*?)</tr>', page).group(1)
    assert "Military rule" in regime and "2023-07-26" in regime and 'href="https://' in regime
    assert "Dated status periods" in page and "Coups and attempts since 2020" in page
    assert "26 Jul 2023" in page  # the coup
    dates = [pd.Timestamp(d) for d in re.findall(r'<li id="[^"]+"><b>([^<]+)</b>', page)]
    assert len(dates) == len(real.events[real.events["iso3"] == "NER"])
    assert dates == sorted(dates, reverse=True)  # newest first
    french = (site / "fr" / "country" / "NER.html").read_text(encoding="utf-8")
    assert "Régime militaire" in french and 'href="../../country/NER.html"' in french


@pytest.mark.parametrize(("argv", "code", "says"), [
    (["--lang", "de", "out"], 2, "invalid choice"),
    ([], 2, "required"),
    (["out", "--data", "no-such-folder"], 2, "does not exist"),
    (["out", "--bogus"], 2, "unrecognized"),
])
def test_the_command_line_says_what_is_wrong_in_one_line(argv, code, says, capsys, tmp_path,
                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == code
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_command_line_refuses_broken_data_and_reports_internal_errors(tmp_path, capsys,
                                                                          monkeypatch):
    broken = write_data(tmp_path / "broken", status__csv="iso3,dimension\nNER,regime\n")
    assert main([str(tmp_path / "out"), "--data", str(broken)]) == 2
    assert "status.csv" in capsys.readouterr().err
    good = write_data(tmp_path / "good")
    monkeypatch.setattr("geo.site.write_site", lambda *a, **k: 1 / 0)
    assert main([str(tmp_path / "out"), "--data", str(good)]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and err.count("\n") == 1


def test_the_command_writes_the_site(tmp_path):
    good = write_data(tmp_path / "good")
    run = subprocess.run([sys.executable, "-m", "geo.site", str(tmp_path / "out"), "--data",
                          str(good), "--lang", "fr", "en"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8").count('lang="fr"') >= 1
    assert (tmp_path / "out" / "en" / "country" / "NER.html").is_file()
    assert (tmp_path / "out" / "data" / "status.csv").is_file()
    helped = subprocess.run([sys.executable, "-m", "geo.site", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "--lang" in helped.stdout and "--data" in helped.stdout


# --- in a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def static_server(site) -> Iterator[str]:
    """`python -m http.server` serving the written site, under a path prefix (/news/map/) as a
    newsroom would, to show that every link is relative."""
    root = site.parent / f"{site.name}-host"
    (root / "news").mkdir(parents=True, exist_ok=True)
    if not (root / "news" / "map").exists():
        (root / "news" / "map").symlink_to(site)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(root)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/news/map/"

    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError("http.server exited")
        try:
            with urllib.request.urlopen(base + "index.html", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_until(ready, 30, "http.server")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@pytest.fixture
def offline(chromium):
    """A browser page whose every request not to this machine (or a file) is blocked."""
    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    blocked = block_the_internet(context, files=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, blocked, errors
    context.close()


def model_colour(facts: Facts, metric: str, iso3: str, day: date) -> str:
    classes = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day)
    return str(classes.set_index("iso3").loc[iso3, "colour"]).lower()


DRAWN_FILL = "iso3 => window.timemap.layers[iso3]._path.getAttribute('fill').toLowerCase()"
SLIDE = """n => { const s = document.querySelector('.time-slider'); s.value = String(n);
  s.dispatchEvent(new Event('input', {bubbles: true})); }"""


SHOWN_REGIME = 'table:not([hidden]) tr[data-dimension="regime"]'
# the settled event markers on the map, not hidden while playback draws its frames
SHOWN_MARKERS = """() => [...document.querySelectorAll('path.event-marker')]
    .filter(e => getComputedStyle(e).display !== 'none').length"""
CENTRE_OF = """iso3 => { const t = window.timemap, c = t.layers[iso3].getBounds().getCenter();
    const p = t.map.latLngToContainerPoint(c), r = t.map.getContainer().getBoundingClientRect();
    return [p.x + r.left, p.y + r.top]; }"""


def _day(d: date) -> int:
    return (d - COVERAGE_START).days


@pytest.mark.browser
def test_the_served_site_recolours_plays_and_opens_a_country_page(static_server, offline, real):
    page, blocked, errors = offline
    page.goto(static_server + "index.html")
    page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length >= "
                           f"{len(real.borders)}", timeout=20_000)
    assert page.locator(".time-stamp").inner_text() == "7 December 2026"
    for day in (date(2023, 7, 25), date(2023, 7, 26), date(2021, 5, 24)):
        page.evaluate(SLIDE, _day(day))
        assert page.evaluate(DRAWN_FILL, "NER") == model_colour(real, "regime", "NER", day), day
    before = page.evaluate(DRAWN_FILL, "NER")  # civilian, 2021
    page.select_option(".time-step", "week")
    page.select_option(".time-speed", "8")
    page.evaluate(SLIDE, _day(date(2023, 6, 1)))
    page.click(".time-play")
    wait_until(lambda: page.evaluate("() => window.timemap.day()") > _day(date(2023, 8, 1)), 15,
           "playback to pass August 2023")
    page.click(".time-play")  # pause
    shown = date.fromisoformat(page.evaluate("() => window.timemap.date()"))
    assert page.evaluate("() => window.timemap.playing()") is False
    assert page.evaluate(DRAWN_FILL, "NER") == model_colour(real, "regime", "NER", shown) != before
    assert page.locator(".time-stamp").inner_text().endswith(str(shown.year))
    # the page settled on the frame shown: its title and its link say that date
    assert page.locator(".tm-title").inner_text().endswith(f", {shown.day} {shown:%B %Y}")
    assert page.evaluate("() => location.hash") == f"#date={shown:%Y-%m-%d}&metric=regime"
    # the metric picker: the same date in another metric, the legend follows
    page.select_option(".time-metric", "ecowas")
    assert page.evaluate(DRAWN_FILL, "NER") == model_colour(real, "ecowas", "NER", shown)
    assert "ECOWAS status" in page.locator(".map-legend").inner_text()
    # a click on Niger (on a day with no event markers over it) opens its page
    page.evaluate(SLIDE, 0)
    point = page.evaluate("""() => { const t = window.timemap, c = t.layers.NER.getBounds().getCenter();
        const p = t.map.latLngToContainerPoint(c), r = t.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    page.mouse.click(*point)
    page.wait_for_url("**/news/map/country/NER.html#date=2020-01-01", timeout=10_000)
    assert page.locator("#status-heading").inner_text() == "Status on 1 January 2020"
    assert "Civilian government" in page.locator(SHOWN_REGIME).inner_text()
    page.goto(static_server + "country/NER.html")  # no date: the last day's status
    regime = page.locator(SHOWN_REGIME).inner_text()
    assert "Military rule" in regime and "2023-07-26" in regime
    page.click("text=Français")
    page.wait_for_url("**/news/map/fr/country/NER.html")
    assert "Régime militaire" in page.locator(SHOWN_REGIME).inner_text()
    page.click("nav >> text=Carte")
    page.wait_for_function("() => window.timemap && document.querySelectorAll("
                           "'path.leaflet-interactive').length > 20", timeout=20_000)
    assert page.locator(".time-play").get_attribute("title") == "▶ Lecture"
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_the_static_site_and_the_dashboard_fill_every_country_alike(static_server, offline,
                                                                     real):
    """Both read the time model's wire: opened on the same date and metric, the static site and
    the dashboard's map give every country the same fill."""
    page, blocked, errors = offline
    with serve() as dashboard:
        for day, metric in (("2023-08-10", "regime"), ("2024-03-15", "ecowas"),
                            ("2021-06-01", "coups"), ("2025-02-01", "forces")):
            page.goto(f"{static_server}index.html#date={day}&metric={metric}")
            page.wait_for_function("() => window.timemap && window.timemap.date() === "
                                   f"'{day}' && window.timemap.metric() === '{metric}'",
                                   timeout=20_000)
            site = page.evaluate("""() => Object.fromEntries(Object.keys(window.timemap.layers)
                .map(iso3 => [iso3, (window.timemap.fill(iso3) || '').toLowerCase()]))""")
            frame = open_map(page, f"{dashboard}/?date={day}&metric={metric}")
            live = {iso3: fill.lower() for iso3, fill in frame.evaluate(COUNTRY_FILLS).items()}
            assert set(site) == set(real.borders["iso3"]) and live == site, (day, metric)
            assert live["NER"] == model_colour(real, metric, "NER", date.fromisoformat(day))
    # the dashboard's basemap tiles are optional (they fail harmlessly offline); nothing else
    assert [u for u in blocked if not u.startswith("https://tile.openstreetmap.org/")] == []
    assert errors == []


@pytest.mark.browser
def test_the_exported_file_plays_inside_an_iframe_with_no_network(offline, real, tmp_path):
    page, blocked, errors = offline
    (tmp_path / "map.html").write_text(interactive_html(real, "en", day=date(2023, 7, 1)),
                                       encoding="utf-8")
    (tmp_path / "article.html").write_text(
        "<!doctype html><html><body><h1>An article</h1><p>Text before the map.</p>"
        '<iframe src="map.html" title="map" width="900" height="600"></iframe></body></html>',
        encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((tmp_path / "article.html").as_uri())
    frame = page.frame_locator('iframe[title="map"]')
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=20_000)
    inner = page.query_selector('iframe[title="map"]').content_frame()
    inner.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive').length >= "
                            f"{len(real.borders)}")
    assert inner.evaluate("() => window.timemap.date()") == "2023-07-01"
    assert inner.evaluate(DRAWN_FILL, "NER") == model_colour(real, "regime", "NER", date(2023, 7, 1))
    assert frame.locator(".tm-title").inner_text() == "Sahel coup belt: Regime, 1 July 2023"
    assert "sources in data/" in frame.locator(".tm-credit").inner_text()
    frame.locator(".time-step").select_option("week")
    frame.locator(".time-speed").select_option("8")
    frame.locator(".time-play").click()
    wait_until(lambda: inner.evaluate("() => window.timemap.day()") >= _day(date(2023, 8, 1)), 15,
           "playback inside the iframe")
    frame.locator(".time-play").click()
    shown = date.fromisoformat(inner.evaluate("() => window.timemap.date()"))
    assert inner.evaluate(DRAWN_FILL, "NER") == model_colour(real, "regime", "NER", shown)
    assert frame.locator(".time-stamp").inner_text().endswith("2023")
    assert [u for u in requests if not u.startswith("file://")] == [] and blocked == []
    assert errors == []


@pytest.mark.browser
def test_slider_to_new_colours_is_quick(static_server, offline, real):
    """Median time from a slider change to the repainted map (the next animation frame)."""
    page, _blocked, _errors = offline
    page.goto(static_server + "index.html")
    page.wait_for_function("() => window.timemap", timeout=20_000)
    times = page.evaluate("""async () => {
        const s = document.querySelector('.time-slider'), out = [];
        for (let k = 0; k < 11; k++) {
          const t0 = performance.now();
          s.value = String(200 + k * 150); s.dispatchEvent(new Event('input', {bubbles: true}));
          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
          out.push(performance.now() - t0);
        }
        return out; }""")
    median = sorted(times)[len(times) // 2]
    out = ROOT / "tests" / "output"
    out.mkdir(exist_ok=True)
    (out / "site_timing.json").write_text(json.dumps({"slider_to_colours_ms": times,
                                                      "median_ms": median}), encoding="utf-8")
    assert median < 250, times


def test_the_dashboard_offers_the_time_map_as_its_offline_copy(data_dir, monkeypatch):
    from conftest import open_page

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page(params={"lang": "fr", "metric": "ecowas", "date": "2024-01-15"})
    toggle = next(t for t in at.toggle if t.label == "Préparer cette carte en fichier consultable sans Internet")
    toggle.set_value(True).run()
    assert not at.exception
    button = next(b for b in at.get("download_button") if "HTML" in b.proto.label)
    assert button.proto.label == "Télécharger la carte (HTML)"
    # the file is built on click by interactive_html with the page's language, metric and date
    page = interactive_html(load_facts(data_dir), "fr", "ecowas", date(2024, 1, 15))
    data = json.loads(re.search(r'id="timemap-data">(.*?)</script>', page, re.S).group(1))
    assert (data["metric"], data["day"], data["lang"]) == ("ecowas", _day(date(2024, 1, 15)), "fr")


def test_a_reader_s_own_events_join_the_export_as_their_own_category(small):
    mine = pd.DataFrame({"id": ["mine-1"], "date": [pd.Timestamp("2023-08-01")], "lat": [13.0],
                         "lon": [-1.5], "iso3": ["NER"], "place": ["Ici"], "category": ["upload"],
                         "title": [HOSTILE_TITLE], "summary": ["Seen."], "sources": ["Reuters"],
                         "row": [2]})
    page = interactive_html(small, "fr", uploaded=mine)
    data = json.loads(re.search(r'id="timemap-data">(.*?)</script>', page, re.S).group(1))
    wire = data["wire"]
    row = next(e for e in wire["events"] if e[8] == "mine-1")
    assert wire["categories"][row[3]] == ["Vos événements", "#FFFFFF"]
    assert (row[0], row[4], row[5], row[7]) == (_day(date(2023, 8, 1)), HOSTILE_TITLE, "Ici", [])
    assert [e[0] for e in wire["events"]] == sorted(e[0] for e in wire["events"])  # by date
    assert "<script>alert" not in page


# --- how the static map reads (issue 23): labels, tooltips, a dated country click, the phone's
# first view, the wheel ----------------------------------------------------------------------

def test_a_country_page_holds_its_status_for_every_date(site, real):
    """One status table per span of days with no change; each is the model's status_on the
    span's first day, and the last day's comes first (the page without a date)."""
    page = (site / "country" / "NER.html").read_text(encoding="utf-8")
    spans = re.findall(r'<table data-from="([\d-]+)" data-until="([\d-]*)"( hidden)?>(.*?)</table>',
                       page, re.S)
    assert spans[0][1] == "" and spans[0][2] == "" and all(h for *_, h, _t in spans[1:])
    rows = real.status[real.status["iso3"] == "NER"]
    for start, _until, _hidden, table in spans:
        held = status_on(rows, date.fromisoformat(start))
        regime = held[held["dimension"] == "regime"]["value"]
        shown = re.search(r'<tr data-dimension="regime"><td>[^<]*</td><td>([^<]*)</td>',
                          table).group(1)
        assert shown == VALUE_LABELS[("regime", regime.iloc[0])], start
    froms = [date.fromisoformat(f) for f, *_ in spans]
    assert date(2023, 7, 26) in froms and min(froms) == COVERAGE_START


@pytest.mark.browser
def test_the_map_names_capitals_cities_and_countries_in_the_page_language(static_server,
                                                                          offline, real):
    page, blocked, errors = offline
    for folder, capital, country in (("", "N'Djamena", "Mauritania"),
                                     ("fr/", "N'Djaména", "Mauritanie")):
        page.goto(f"{static_server}{folder}index.html#date=2024-01-15")
        page.wait_for_function("() => window.timemap", timeout=20_000)
        shown = page.evaluate("""() => { const box = window.timemap.map.getContainer()
            .getBoundingClientRect(), seen = s => [...document.querySelectorAll(s)].filter(e => {
              const r = e.getBoundingClientRect(), c = getComputedStyle(e);
              return c.display !== 'none' && r.width > 0 && r.left >= box.left
                && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom; })
              .map(e => e.textContent);
            return {capitals: seen('.place-label.capital'), countries: seen('.country-label'),
                    squares: [...document.querySelectorAll('.place-dot')].map(e =>
                      getComputedStyle(e).borderRadius)}; }""")
        assert capital in shown["capitals"] and "Bamako" in shown["capitals"], shown
        assert country in shown["countries"] and len(shown["countries"]) >= 15, shown
        assert len(shown["squares"]) == len(real.places) and set(shown["squares"]) == {"0px"}
    assert "N'Djamena" not in shown["capitals"]  # the French page: N'Djaména only
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_mali_s_tooltip_is_readable_and_its_click_opens_its_page_on_the_map_s_date(
        static_server, offline, real):
    page, blocked, errors = offline
    page.goto(f"{static_server}index.html#date=2024-01-15&metric=regime")
    page.wait_for_function("() => window.timemap && window.timemap.date() === '2024-01-15'",
                           timeout=20_000)
    # the north of Mali (Taoudenni), where no event marker lies
    point = page.evaluate("""() => { const t = window.timemap, p = t.map.latLngToContainerPoint(
        [22, -3]), r = t.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""")
    page.mouse.move(*point)
    tip = page.locator(".leaflet-tooltip .country-tip")  # the dashboard's tooltip
    tip.wait_for(timeout=5_000)
    assert tip.locator("tr").first.inner_text() == "Country\tMali"
    assert "Military rule" in tip.locator("tr").nth(1).inner_text()
    box = tip.bounding_box()
    assert box is not None and box["width"] >= 200 and box["height"] < 400, box
    page.mouse.click(*point)
    page.wait_for_url("**/news/map/country/MLI.html#date=2024-01-15", timeout=10_000)
    assert page.locator("#status-heading").inner_text() == "Status on 15 January 2024"
    assert "15 January 2024" in page.title()
    assert page.locator("table[data-from]:not([hidden])").count() == 1
    regime = page.locator(SHOWN_REGIME).inner_text()
    assert "Military rule" in regime and "2020-08-18" in regime
    page.goto(f"{static_server}fr/country/NER.html#date=2023-07-01")
    assert page.locator("#status-heading").inner_text() == "Statut au 1er juillet 2023"
    assert "Gouvernement civil" in page.locator(SHOWN_REGIME).inner_text()
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_on_a_phone_the_region_fills_the_map_s_width(static_server, chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                   has_touch=True)
    blocked = block_the_internet(context, files=True)
    page = context.new_page()
    try:
        page.goto(static_server + "index.html")
        page.wait_for_function("() => window.timemap", timeout=20_000)
        spans = page.evaluate("""() => { const t = window.timemap, m = t.map;
            return Object.fromEntries(['SEN', 'MLI', 'BFA', 'NER', 'TCD', 'GIN'].map(iso3 => {
              const b = t.layers[iso3].getBounds(), nw = m.latLngToContainerPoint(b.getNorthWest()),
                    se = m.latLngToContainerPoint(b.getSouthEast());
              return [iso3, [nw.x, nw.y, se.x, se.y]]; })); }""")
        left = min(s[0] for s in spans.values())
        right = max(s[2] for s in spans.values())
        assert right - left >= 0.85 * 375, spans  # Senegal to Chad across the phone
        for iso3 in ("MLI", "BFA", "NER", "GIN"):  # the coup belt whole on the first view
            x0, y0, x1, y1 = spans[iso3]
            assert x0 >= 0 and x1 <= 375 and y0 >= 0 and y1 <= 812, (iso3, spans[iso3])
        # Mali's long tooltip, opened beside its centre, stays on the screen and in lines
        tip = page.evaluate("""() => { const s = window.timemap.layers.MLI;
            s.openTooltip(s.getBounds().getCenter());
            const r = document.querySelector('.leaflet-tooltip .country-tip').getBoundingClientRect();
            return [r.left, r.right, r.width, r.height]; }""")
        assert tip[0] >= 0 and tip[1] <= 375 and tip[2] >= 200 and tip[3] < 400, tip
        assert blocked == []
    finally:
        context.close()


@pytest.mark.browser
def test_the_wheel_scrolls_the_page_until_the_map_has_the_focus(offline, real, tmp_path):
    page, blocked, errors = offline
    (tmp_path / "map.html").write_text(interactive_html(real, "en"), encoding="utf-8")
    (tmp_path / "article.html").write_text(
        "<!doctype html><html><body><h1>An article</h1>"
        '<iframe src="map.html" title="map" width="900" height="600"></iframe>'
        + "<p>Text after the map.</p>" * 200 + "</body></html>", encoding="utf-8")
    page.goto((tmp_path / "article.html").as_uri())
    page.frame_locator('iframe[title="map"]').locator("path.leaflet-interactive").first.wait_for(
        timeout=20_000)
    inner = page.query_selector('iframe[title="map"]').content_frame()
    inner.wait_for_function("() => window.timemap")
    zoom = inner.evaluate("() => window.timemap.map.getZoom()")
    page.mouse.move(450, 400)  # over the map, which has not been clicked
    page.mouse.wheel(0, 400)
    wait_until(lambda: page.evaluate("() => window.scrollY") > 0, 5, "the article to scroll")
    page.wait_for_timeout(500)  # Leaflet's wheel zoom would have run by now
    assert inner.evaluate("() => window.timemap.map.getZoom()") == zoom
    # a click gives the map the focus: the wheel then zooms it, and the article stays
    page.evaluate("() => window.scrollTo(0, 0)")
    box = page.query_selector('iframe[title="map"]').bounding_box()
    page.mouse.click(box["x"] + 700, box["y"] + 150)  # the Sahara, clear of the controls
    assert inner.evaluate("() => window.timemap.map.getContainer().contains(document.activeElement)")
    scrolled = page.evaluate("() => window.scrollY")
    page.mouse.move(box["x"] + 450, box["y"] + 300)
    page.mouse.wheel(0, -400)
    wait_until(lambda: inner.evaluate("() => window.timemap.map.getZoom()") != zoom, 5,
               "the focused map to zoom")
    assert page.evaluate("() => window.scrollY") == scrolled
    assert blocked == [] and errors == []


def play_from(page, site: str, day: str, step: str, speed: str) -> None:
    """Open the site's map on `day` and play it by `step` at `speed` frames a second."""
    page.goto(f"{site}index.html#date={day}")
    page.wait_for_function(f"() => window.timemap && window.timemap.date() === '{day}'",
                           timeout=20_000)
    page.select_option(".time-step", step)
    page.select_option(".time-speed", speed)
    page.evaluate("() => { window.eventFrames = []; }")
    page.click(".time-play")


def window_counts(payload: dict, days: list[int]) -> dict[int, int]:
    """The wire's events in the window (payload["window"] days) ending on each day."""
    event_days = [r[0] for r in payload["wire"]["events"]]
    return {d: sum(d - payload["window"] < e <= d for e in event_days) for d in days}


@pytest.mark.browser
def test_playing_on_the_site_draws_each_frame_s_events_as_the_dashboard_does(static_server,
                                                                              offline, real):
    """Playback on the static site draws, frame by frame, the events of the window ending on
    the frame's day (the dashboard's eventFrames, from the wire's events), the settled
    markers hidden meanwhile; paused, the settled markers are that frame's events."""
    page, blocked, errors = offline
    play_from(page, static_server, "2023-01-01", "month", "8")
    wait_until(lambda: page.evaluate("() => new Set(window.eventFrames.map(f => f.day)).size") >= 10,
               20, "ten frames")
    assert page.evaluate(f"() => ({SHOWN_MARKERS})()") == 0  # the settled markers hide
    page.click(".time-play")  # pause
    drawn = {f["day"]: f for f in page.evaluate("() => window.eventFrames")}
    expected = window_counts(payload_of(real, "en"), list(drawn))
    for day, f in drawn.items():
        assert f["events"] == f["marks"] == expected[day], (day, f, expected[day])
    assert len(set(expected.values())) > 2, expected  # the frames' events differ
    shown = page.evaluate("() => window.timemap.day()")
    assert shown == max(drawn)
    settled = ("() => window.eventMarkers.filter(g => g._map)"
               ".reduce((t, g) => t + g.getLayers().length, 0)")
    wait_until(lambda: page.evaluate(settled) == expected[shown], 10,
               "the settled markers of the frame paused on")
    assert page.evaluate(f"() => ({SHOWN_MARKERS})()") > 0
    assert blocked == [] and errors == []


# the force badges on a Leaflet map: position, letters and tooltip, sorted
BADGES_ON = """m => { const out = [];
  m.eachLayer(l => { if (l.options.icon && l.options.icon.options.className === 'force-icon') {
    const p = l.getLatLng();
    out.push([p.lat, p.lng, l.getElement().textContent, l.getTooltip().getContent()]); } });
  return out.sort(); }"""
# the badges' and capitals' labels' boxes on the screen
BOXES = """() => { const box = s => [...document.querySelectorAll(s)].filter(e =>
    getComputedStyle(e).display !== 'none').map(e => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom, e.textContent]; });
  return {badges: box('.force-icon'), labels: box('.place-label.capital')}; }"""


def _overlap(a: list, b: list) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.browser
def test_the_site_shows_the_dashboard_s_force_badges_on_the_settled_day(static_server, offline,
                                                                         real):
    """On a day with French and Russian forces, the static site draws the badges the
    dashboard draws (same places, letters and tooltips), apart from each other and from the
    capitals' names, on two days whose forces differ."""
    page, blocked, errors = offline
    seen: list = []
    with serve() as dashboard:
        for day in ("2023-08-10", "2025-06-15"):
            page.goto(f"{static_server}index.html#date={day}")
            page.wait_for_function(f"() => window.timemap && window.timemap.date() === '{day}'",
                                   timeout=20_000)
            site = page.evaluate(f"() => ({BADGES_ON})(window.timemap.map)")
            boxes = page.evaluate(BOXES)
            frame = open_map(page, f"{dashboard}/?date={day}")
            live = frame.evaluate(f"() => ({BADGES_ON})(map_div)")
            assert site == live and site, (day, site, live)
            letters = "".join(b[2] for b in site)
            assert "RU" in letters and "FR" in letters, letters
            assert site != seen, day  # the badges follow the day
            seen = site
            assert boxes["badges"] and boxes["labels"], boxes
            for i, a in enumerate(boxes["badges"]):
                assert not any(_overlap(a, b) for b in boxes["badges"][i + 1:]), boxes
                assert not any(_overlap(a, b) for b in boxes["labels"]), (a, boxes["labels"])
    assert [u for u in blocked if not u.startswith("https://tile.openstreetmap.org/")] == []
    assert errors == []


# a dot of the frame on the map: its place on the screen (the first whose tooltip is asked)
FRAME_DOT = """() => { const m = window.timemap.map, hits = m.coupbeltFrames.hits();
  if (!hits.length) return null;
  const p = m.latLngToContainerPoint(hits[0].at), r = m.getContainer().getBoundingClientRect();
  return [p.x + r.left, p.y + r.top]; }"""


@pytest.mark.browser
def test_a_playing_frame_s_dots_have_the_markers_tooltips(static_server, offline, real):
    """While playing, the pointer over a frame's dot shows the tooltip a settled marker has
    (date, type, title), for an event of that frame's window."""
    page, blocked, errors = offline
    payload = payload_of(real, "en")
    categories = [c[0] for c in payload["wire"]["categories"]]

    def tips(day: int) -> set[str]:  # what the settled markers of `day` would say
        return {f"{long_date(COVERAGE_START + timedelta(days=e[0]), 'en')} · {categories[e[3]]}: "
                f"{e[4]}" for e in payload["wire"]["events"] if day - payload["window"] < e[0] <= day}

    play_from(page, static_server, "2023-05-01", "week", "1")
    seen: list[tuple[int, str]] = []

    def hovered() -> bool:
        dot = page.evaluate(FRAME_DOT)
        if dot is None:
            return False
        page.mouse.move(dot[0] + 200, dot[1] + 200)
        page.mouse.move(*dot)
        shown = page.evaluate("() => [window.timemap.day(), [...document.querySelectorAll("
                              "'.leaflet-tooltip')].map(t => t.textContent)]")
        seen.append(shown)
        return any(t in tips(shown[0]) for t in shown[1])

    wait_until(hovered, 15, "a frame's dot's tooltip")
    country_tips = page.evaluate("() => [...document.querySelectorAll('.leaflet-tooltip')]"
                                 ".filter(t => t.querySelector('.country-tip') && "
                                 "getComputedStyle(t).display !== 'none').length")
    assert country_tips == 0  # the country's tooltip gives way to the dot's
    page.click(".time-play")
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_in_french_the_first_of_a_month_reads_1er_on_the_control_and_the_title(
        static_server, offline, real):
    """One long-date formatter (coupbelt.js longDate) writes the control's date, the title and
    the playing note: '1er août 2023' in French, as Python's geo.i18n.long_date writes it."""
    page, blocked, errors = offline
    page.goto(f"{static_server}fr/index.html#date=2023-08-01")
    page.wait_for_function("() => window.timemap && window.timemap.date() === '2023-08-01'",
                           timeout=20_000)
    assert page.locator(".time-stamp").inner_text() == long_date(date(2023, 8, 1), "fr") \
        == "1er août 2023"
    assert page.locator(".tm-title").inner_text().endswith(", 1er août 2023")
    page.evaluate(SLIDE, _day(date(2023, 8, 2)))
    assert page.locator(".time-stamp").inner_text() == "2 août 2023"
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_the_event_layer_hooks_list_only_what_the_map_shows(static_server, offline, real):
    """Each settled choice draws its day's markers; the test hooks listing event layers
    (window.eventMarkers, eventClusters) keep only those on the map, however many choices."""
    page, blocked, errors = offline
    page.goto(f"{static_server}index.html#date=2023-08-10")
    page.wait_for_function("() => window.timemap && window.timemap.date() === '2023-08-10'",
                           timeout=20_000)
    built = page.evaluate("() => window.eventMarkersBuilt")
    for k in range(12):
        page.evaluate(f"() => window.timemap.setDay({_day(date(2023, 8, 10)) + 7 * k})")
    hooks = page.evaluate("""() => [window.eventMarkersBuilt, window.eventMarkers.length,
        window.eventMarkers.filter(g => g._map).length, window.eventClusters.length,
        window.eventClusters.filter(c => c.layer._map).length]""")
    assert hooks[0] == built + 12 and hooks[1:] == [1, 1, 1, 1], hooks
    assert blocked == [] and errors == []


@pytest.mark.browser
def test_cluster_marks_lie_under_the_places_names(static_server, offline, real):
    """Events close together show as one cluster mark, drawn with the event markers, under
    the capitals' dots and names, so a name stays readable over a pile of events."""
    page, blocked, errors = offline
    page.goto(f"{static_server}index.html#date=2024-01-15")
    page.wait_for_function("() => window.timemap && document.querySelector('.event-cluster')",
                           timeout=20_000)
    z = page.evaluate("""() => { const z = s => [...document.querySelectorAll(s)].map(e =>
        +getComputedStyle(e.closest('.leaflet-pane')).zIndex);
      return {clusters: z('.event-cluster'), markers: z('path.event-marker'),
              dots: z('.place-dot'), names: z('.place-label.capital')}; }""")
    assert z["clusters"] and z["dots"] and z["names"], z
    assert max(z["clusters"]) <= min(z["markers"]) < min(z["dots"] + z["names"]), z
    assert blocked == [] and errors == []
