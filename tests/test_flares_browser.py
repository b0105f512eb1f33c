"""The flare and CAST rings as a reader sees them: drawn by Leaflet in Chromium from the exported
map (no server, every non-file request blocked), the legend naming them, and a tooltip whose
text from the data is text, not markup."""

from __future__ import annotations

import pytest
from conftest import write_data
from test_browser import block_the_internet, browser  # noqa: F401 - its Chromium fixture
from test_cast import forecast_rows
from test_flares_layer import AS_OF, HOSTILE, user_set, view

from geo.assets import standalone_html
from geo.facts import load_facts
from geo.situation import situation_map
from geo.viewstate import DEFAULT_LAYERS

pytestmark = pytest.mark.browser


def test_rings_legend_and_an_inert_tooltip_in_the_browser(browser, tmp_path):  # noqa: F811
    facts = load_facts(write_data(tmp_path / "data"))
    layers = (DEFAULT_LAYERS - {"basemap"}) | {"flares"}  # no tiles: every request is a file
    shown = situation_map(facts, view(AS_OF, layers), user_set(), forecasts=forecast_rows())
    path = tmp_path / "map.html"
    path.write_text(standalone_html(shown.whole()), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    blocked = block_the_internet(context, files=True)
    pg = context.new_page()
    pg.goto(path.as_uri())
    pg.wait_for_function("() => document.querySelectorAll('path.flare').length === 4",
                         timeout=20_000)  # Mali and Niger, Segou and the hostile admin1
    assert pg.locator("path.flare-country").count() == 2
    assert pg.locator("path.cast").count() == 1  # Segou's forecast, the only one placed
    legend = pg.locator("#map-legend").inner_text()
    assert "Flaring (last 30 days)" in legend and "ACLED CAST forecast" in legend
    assert pg.evaluate("() => document.querySelectorAll('img').length") == 0  # no markup ran
    pg.evaluate("""() => { const hits = [];
        Object.values(window).forEach(v => { if (v && v._layers && v.eachLayer) v.eachLayer(l => {
          if (l.options && /flare-admin1/.test(l.options.className || '')) hits.push(l); }); });
        hits.forEach(l => l.openTooltip()); }""")
    tips = pg.locator(".leaflet-tooltip .ring-tip")
    tips.first.wait_for(timeout=10_000)
    texts = " | ".join(tips.all_inner_texts())
    assert f"Flaring: {HOSTILE}, Land NER" in texts and "Flaring: Segou, Land MLI" in texts
    assert pg.evaluate("() => document.querySelectorAll('.leaflet-tooltip img').length") == 0
    assert blocked == []
    context.close()
