"""Real browser: comparing two dates on the map's own time control (its Compare field), on the
dashboard and on the static site. The countries outlined are read off Leaflet's layers and
checked against geo.changes.changes_between on the bundled facts."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from test_browser import (  # noqa: F401  (server: a fixture)
    block_the_internet,
    link,
    map_holds,
    server,
    wait_until,
    with_time_control,
)
from test_site import _day, chromium, offline, real, site, static_server  # noqa: F401  (fixtures)

from geo.changes import changes_between
from geo.facts import Facts

pytestmark = pytest.mark.browser

OUTLINED = """() => { const out = []; map_div.eachLayer(l => { if (l.feature &&
    l.feature.properties.iso3 && l.options.dashArray) out.push(l.feature.properties.iso3); });
    return out.sort(); }"""
SLIDE = """n => { const s = document.querySelector('.time-slider'); s.value = String(n);
  s.dispatchEvent(new Event('input', {bubbles: true})); }"""


def changed(facts: Facts, first: date, second: date) -> list[str]:
    return sorted(set(changes_between(facts.status, first, second)["iso3"]))


def test_comparing_on_the_dashboard_s_map_outlines_what_changed_and_lists_it(
        server, offline, real):  # noqa: F811
    pg, blocked, _ = offline
    frame = with_time_control(pg, f"{server}/?date=2025-01-01")
    assert frame.evaluate(OUTLINED) == []
    assert frame.locator(".time-compare-date").is_hidden()  # folded until asked for
    frame.locator(".time-compare-toggle").click()
    field = frame.locator(".time-compare-date")
    assert field.get_attribute("min") == "2020-01-01"
    assert field.get_attribute("aria-label").startswith("Compare with this date")
    field.fill("2023-01-01")
    expected = changed(real, date(2023, 1, 1), date(2025, 1, 1))
    assert {"NER", "MLI", "BFA"} <= set(expected)
    # outlined at once, from the wire (before any rerun could have come back)
    assert frame.evaluate(OUTLINED) == expected
    wait_until(lambda: parse_qs(urlparse(link(pg)).query).get("compare") == ["2023-01-01"],
               30, f"compare= in the link (now {link(pg)})")
    pg.get_by_text("What changed between 1 January 2023 and 1 January 2025").wait_for(
        timeout=30_000)
    frame = map_holds(pg, "() => document.querySelector('.map-legend') && document"
                          ".querySelector('.map-legend').innerText.includes('Status changed "
                          "since 1 January 2023')", 30, "the outline's meaning in the legend")
    assert frame.evaluate(OUTLINED) == expected  # the rerun's paint: the same countries
    # scrubbing: the outline follows the day shown, compared with the same day
    frame.evaluate(SLIDE, _day(date(2023, 8, 1)))
    assert frame.evaluate(OUTLINED) == changed(real, date(2023, 1, 1), date(2023, 8, 1))
    frame.evaluate(SLIDE, _day(date(2025, 1, 1)))
    assert frame.evaluate(OUTLINED) == expected
    # cleared: no outline at once, the link and the table follow
    frame.locator(".time-compare-clear").click()
    assert frame.evaluate(OUTLINED) == []
    wait_until(lambda: "compare=" not in link(pg), 30, f"the link without compare ({link(pg)})")
    wait_until(lambda: pg.get_by_text("What changed between").count() == 0, 30,
               "the table of changes to go")
    frame = map_holds(pg, "() => !document.querySelector('.map-legend').innerText"
                          ".includes('Status changed since')", 30, "the legend without it")
    assert frame.evaluate(OUTLINED) == []
    assert frame.locator(".time-compare-date").is_hidden()
    assert [u for u in blocked if "tile" not in u] == []


def test_a_compare_link_opens_the_map_s_field_filled_and_outlined(
        server, offline, real):  # noqa: F811
    pg, _, _ = offline
    with_time_control(pg, f"{server}/?date=2023-09-10&compare=2023-07-01&lang=fr")
    frame = map_holds(pg, "() => document.querySelector('.time-compare-date').value === "
                          "'2023-07-01'", 10, "the Compare field filled from the link")
    assert frame.locator(".time-compare-date").is_visible()
    assert frame.evaluate(OUTLINED) == changed(real, date(2023, 7, 1), date(2023, 9, 10))
    assert frame.locator(".time-compare-clear").get_attribute("aria-label") == \
        "Ne plus comparer"


def test_comparing_on_the_static_site_outlines_the_same_countries(
        static_server, offline, real):  # noqa: F811
    pg, blocked, errors = offline
    pg.goto(f"{static_server}index.html#date=2025-01-01&compare=2023-01-01")
    pg.wait_for_function("() => window.timemap && document.querySelectorAll("
                         "'path.leaflet-interactive').length > 20", timeout=20_000)
    assert sorted(pg.evaluate("() => window.timemap.outlined()")) == changed(
        real, date(2023, 1, 1), date(2025, 1, 1))
    assert pg.input_value(".time-compare-date") == "2023-01-01"
    assert "Status changed since 1 January 2023" in pg.locator(".map-legend").inner_text()
    pg.fill(".time-compare-date", "2024-01-01")
    assert sorted(pg.evaluate("() => window.timemap.outlined()")) == changed(
        real, date(2024, 1, 1), date(2025, 1, 1))
    assert pg.evaluate("() => location.hash") == "#date=2025-01-01&metric=regime&compare=2024-01-01"
    pg.fill(".time-compare-date", "2019-12-31")  # before the calendar: marked, not taken
    assert pg.evaluate("() => document.querySelector('.time-compare-date').matches(':invalid')")
    assert pg.evaluate("() => window.timemap.compare()") == "2024-01-01"
    assert "compare=2024-01-01" in pg.evaluate("() => location.hash")
    pg.fill(".time-compare-date", "2024-01-01")
    pg.evaluate(SLIDE, _day(date(2023, 8, 1)))  # scrubbing: compared with the day shown
    assert sorted(pg.evaluate("() => window.timemap.outlined()")) == changed(
        real, date(2023, 8, 1), date(2024, 1, 1))
    pg.click(".time-compare-clear")
    assert pg.evaluate("() => window.timemap.outlined()") == []
    assert "compare=" not in pg.evaluate("() => location.hash")
    assert "Status changed since" not in pg.locator(".map-legend").inner_text()
    assert blocked == [] and errors == []


def test_on_a_phone_the_compare_field_leaves_the_map_in_view(
        static_server, chromium):  # noqa: F811
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                   has_touch=True)
    block_the_internet(context, files=True)
    pg = context.new_page()
    try:
        pg.goto(f"{static_server}index.html#date=2025-01-01&compare=2023-01-01")
        pg.wait_for_function("() => window.timemap && document.querySelectorAll("
                             "'path.leaflet-interactive').length > 20", timeout=20_000)
        box = pg.locator(".time-control").bounding_box()
        field = pg.locator(".time-compare-date").bounding_box()
        assert box is not None and field is not None
        assert box["height"] < 0.25 * 812, box  # a band, not a sheet over the map
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        assert box["y"] <= field["y"] and field["y"] + field["height"] <= box["y"] + box["height"]
        niger = pg.evaluate("""() => { const t = window.timemap, b = t.layers.NER.getBounds();
            const p = t.map.latLngToContainerPoint(b.getCenter()); return [p.x, p.y]; }""")
        assert not box["y"] <= niger[1] <= box["y"] + box["height"], (niger, box)
    finally:
        context.close()
