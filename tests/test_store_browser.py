"""Real browser, two servers on one store: a set imported and kept through one server's page
opens through the other by its link (`dataset=ID`) in a fresh browser context, on PostgreSQL
(the set-up for more than one server) and on a shared SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import ROOT
from test_browser import (  # noqa: F401 (browser: a fixture)
    block_the_internet,
    browser,
    free_port,
    healthy,
    link,
    map_holds,
    wait_until,
)

pytestmark = pytest.mark.browser

ROWS = ("id,date,lat,lon,iso3,place,category,title,summary,sources\n"
        "k1,2026-11-03,13.51,2.11,NER,Niamey,protest,Kept in Niamey,First kept,\n"
        "k2,2026-11-04,12.64,-8.0,MLI,Bamako,protest,Kept in Bamako,Second kept,\n"
        "k3,2026-11-04,0,0,MLI,Nowhere,protest,Zero,Not kept,\n")
MINE = ("() => !!window.eventMarkers && window.eventMarkers.filter(g => g._map).some("
        "g => g.getLayers().length === 2)")


@contextmanager
def serve(env: dict[str, str], count: int = 1, args: tuple[str, ...] = (),
          host: str = "127.0.0.1") -> Iterator[list[str]]:
    """`count` servers of `streamlit run dashboard.py` with `env` and `args` added, started
    together; yields their base URLs (on `host`, which names this machine)."""
    procs, bases = [], []
    try:
        for _ in range(count):
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless",
                 "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false", *args],
                cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, start_new_session=True))
            bases.append(f"http://{host}:{port}")

        for proc, base in zip(procs, bases, strict=True):
            wait_until(lambda p=proc, b=base: healthy(p, b), 60, "the dashboard's health check")
        yield bases
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_a_set_kept_through_one_server_opens_through_the_other(browser, store_url, tmp_path):  # noqa: F811
    upload = tmp_path / "kept.csv"
    upload.write_text(ROWS, encoding="utf-8")
    with serve({"COUPBELT_DB": store_url}, count=2) as (one, other):
        first = browser.new_context(viewport={"width": 1400, "height": 1000})
        block_the_internet(first)
        pg = first.new_page()
        pg.goto(f"{one}/events")
        pg.get_by_text("Import your own events").click()
        pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        pg.get_by_text("2 loaded, 1 rejected").wait_for(timeout=60_000)
        name = pg.get_by_label("Name for this set")
        name.fill("Two cities")
        name.press("Enter")
        pg.get_by_role("button", name="Keep this set").click()
        pg.get_by_text("Kept as").wait_for(timeout=60_000)
        dataset = wait_until(lambda: parse_qs(urlparse(link(pg)).query).get("dataset"), 30,
                             "dataset= in the link")[0]
        shared = link(pg).replace(one, other)
        first.close()

        fresh = browser.new_context(viewport={"width": 1400, "height": 1000})  # no cookies, no state
        block_the_internet(fresh)
        reader = fresh.new_page()
        reader.goto(shared)
        reader.get_by_text("Showing the kept set").wait_for(timeout=60_000)
        shown = reader.get_by_text("Showing the kept set").inner_text()
        assert "Two cities" in shown and "2 events (1 rejected)" in shown
        frame = map_holds(reader, MINE, 60, "the kept events on the other server's map")
        titles = frame.evaluate("""() => window.eventMarkers.filter(g => g._map)
            .flatMap(g => g.getLayers()).map(m => { m.openPopup();
              const t = m.getPopup().getElement().querySelector('b').textContent;
              m.closePopup(); return t; })""")
        assert {"Kept in Niamey", "Kept in Bamako"} <= set(titles)
        assert parse_qs(urlparse(link(reader)).query)["dataset"] == [dataset]
        # the other pages of the other server show it too
        reader.get_by_role("link", name="Situation map").click()
        map_holds(reader, MINE, 60, "the kept events on the situation map")
        fresh.close()


def test_a_saved_view_s_short_link_opens_the_map_on_its_zoom_and_centre(browser, tmp_path):  # noqa: F811
    """`?v=ID` restores the saved view's map view as well as its date and metric (issue 23:
    zoom and centre were lost)."""
    from geo.store import Store

    url = str(tmp_path / "store" / "coupbelt.sqlite")
    view_id = Store.open(url).keep_view("Niger close up", "date=2023-09-10&metric=aes&view=13.5,-2.1,6.25",
                                        visibility="link")
    with serve({"COUPBELT_DB": url}) as (base,):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        block_the_internet(context)
        pg = context.new_page()
        pg.goto(f"{base}/?v={view_id}")
        frame = map_holds(pg, "() => window.map_div && map_div.getZoom() === 6.25", 60,
                          "the map to open at the saved zoom")
        centre = frame.evaluate("() => map_div.getCenter()")
        assert abs(centre["lat"] - 13.5) < 0.01 and abs(centre["lng"] + 2.1) < 0.01, centre
        params = parse_qs(urlparse(link(pg)).query)
        assert params["date"] == ["2023-09-10"] and params["metric"] == ["aes"]
        context.close()


def test_reopening_a_saved_view_from_the_list_on_an_open_map_restores_its_zoom(browser, tmp_path):  # noqa: F811
    """The map is already open and moved elsewhere: a saved view picked in the sidebar's list
    brings its date, metric, zoom and centre back, on the same map (issue 23)."""
    from geo.store import Store

    url = str(tmp_path / "store" / "coupbelt.sqlite")
    Store.open(url).keep_view("Niger close up", "date=2023-09-10&metric=aes&view=13.5,-2.1,6.25")
    with serve({"COUPBELT_DB": url}) as (base,):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        block_the_internet(context)
        pg = context.new_page()
        pg.goto(f"{base}/?date=2021-01-01")
        frame = map_holds(pg, "() => window.map_div && window.coupbeltMaps === 1", 60, "the map")
        frame.evaluate("() => { window.__same = 'this map'; map_div.setView([5, 10], 4); }")
        wait_until(lambda: "view=5%2C10%2C4" in link(pg), 30, "the moved map in the link")
        pg.get_by_text("Saved views").click()
        pg.get_by_role("button", name="Niger close up").click()
        pg.get_by_role("heading", name="West Africa on 10 September 2023").wait_for(timeout=30_000)
        frame = map_holds(pg, "() => window.map_div && map_div.getZoom() === 6.25", 30,
                          "the saved zoom back on the open map")
        centre = frame.evaluate("() => map_div.getCenter()")
        assert abs(centre["lat"] - 13.5) < 0.01 and abs(centre["lng"] + 2.1) < 0.01, centre
        assert frame.evaluate("() => window.__same") == "this map"  # not re-created
        wait_until(lambda: "view=13.5%2C-2.1%2C6.25" in link(pg) and "metric=aes" in link(pg), 10,
                   f"the saved view in the link (now {link(pg)})")
        context.close()
