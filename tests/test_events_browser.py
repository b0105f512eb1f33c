"""Events on the situation map in a real browser: they follow playback frame by frame (drawn in
the browser from what the page holds, static/js/coupbelt.js eventFrames), and markers close
together at low zoom are one cluster mark that spreads into them when clicked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from test_browser import (
    ROOT,
    TIME_CONTROL,
    block_the_internet,
    browser,  # noqa: F401 - the shared Chromium fixture
    map_holds,
    open_map,
    serve,
    wait_until,
    with_time_control,
)

from geo.facts import load_facts
from geo.timeline import DEFAULT_WINDOW_DAYS, DateWindow, events_in_view
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.fixture
def tab(browser):  # noqa: F811 - the shared Chromium fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    block_the_internet(context)
    yield context.new_page()
    context.close()

# the settled events the reader sees: markers and cluster marks not hidden
SHOWN = ("() => [...document.querySelectorAll('path.event-marker, .event-cluster')]"
         ".filter(e => getComputedStyle(e).display !== 'none').length")


def test_playback_draws_each_frame_s_events_from_the_page_s_data(dashboard, tab):
    """While playing, each frame shows the events of the 90-day window ending on its day (as
    many as the page would show settled on that day), the settled markers hidden meanwhile;
    the counts change from frame to frame with no rerun; paused, the page settles on the
    frame shown with its events."""
    pg = tab
    frame = with_time_control(pg, f"{dashboard}/?date=2023-05-01")
    frame.locator(".time-step").select_option("month")
    frame.locator(".time-speed").select_option("4")
    assert frame.evaluate(SHOWN) > 0  # the settled date's markers
    frame.evaluate("() => { window.eventFrames = []; window.__hidden = [];"
                   f" const poll = setInterval(() => window.__hidden.push(({SHOWN})()), 20);"
                   " window.__stopPoll = () => clearInterval(poll); }")
    frame.locator(".time-play").click()
    frame = map_holds(pg, "() => new Set(window.eventFrames.map(f => f.day)).size >= 12", 60,
                      "a year of frames")
    frame.locator(".time-play").click()  # pause
    drawn = frame.evaluate("() => { window.__stopPoll(); return window.eventFrames; }")
    hidden = frame.evaluate("() => window.__hidden")
    facts = load_facts(ROOT / "data")
    days = {}
    for f in drawn:
        days[f["day"]] = f  # the last drawing of each frame (a zoom or pan may redraw it)
    for day, f in days.items():
        on = COVERAGE_START + timedelta(days=day)
        expected = events_in_view(facts.events, DateWindow.ending(on, DEFAULT_WINDOW_DAYS),
                                  tuple(EVENT_CATEGORIES))
        assert f["events"] == len(expected), (on, f)
        assert f["marks"] == len(expected)  # a dot each (fewer than the marker limit)
    counts = [days[d]["events"] for d in sorted(days)]
    assert len(set(counts)) > 2, counts  # the events change with the frames
    assert 0 in hidden  # the settled markers hid while the frames drew
    # paused: the page settles on the frame shown, and its markers are the frame's events
    shown = drawn[-1]
    stamp = frame.evaluate("() => document.querySelector('.time-control .time-stamp').textContent")
    pg.get_by_role("heading", name=f"West Africa on {stamp}").wait_for(timeout=30_000)
    settled = (f"() => ({SHOWN})() > 0 && (window.eventMarkers || []).filter(g => g._map)"
               f".reduce((t, g) => t + g.getLayers().length, 0) === {shown['events']}")
    frame = map_holds(pg, settled, 30, "the settled markers of the frame paused on")
    assert frame.evaluate("() => window.eventFrames.at(-1).day") == shown["day"]


CLUSTERS = ("() => (window.eventClusters || []).filter(c => c.layer._map)"
            ".flatMap(c => c.clusters)")
SEEN = """() => {
  const layers = (window.eventClusters || []).filter(c => c.layer._map);
  const alone = layers.flatMap(c => c.layer.getLayers())
    .filter(m => m.getElement() && m.getElement().style.display !== 'none');
  const marks = layers.flatMap(c => c.clusters);
  return {alone: alone.map(m => m.feature.properties.id),
          clusters: marks.map(c => ({count: c.count, ids: c.members.map(m => m.feature.properties.id)})),
          dom: document.querySelectorAll('.event-cluster').length,
          domCounts: [...document.querySelectorAll('.event-cluster')].map(e => +e.textContent.replace(/\\D/g, '')),
          total: layers.reduce((t, c) => t + c.layer.getLayers().length, 0),
          zoom: map_div.getZoom()};
}"""


def test_markers_close_together_cluster_and_spread_when_the_cluster_is_clicked(dashboard, tab):
    pg = tab
    open_map(pg, f"{dashboard}/?date=2023-08-10")
    frame = map_holds(pg, f"() => ({CLUSTERS})().length > 0", 60, "clusters of events")
    before = frame.evaluate(SEEN)
    # what the reader sees adds up: lone markers and clusters' counts hold every event
    assert len(before["alone"]) + sum(c["count"] for c in before["clusters"]) == before["total"]
    assert before["dom"] == len(before["clusters"])
    assert sorted(before["domCounts"]) == sorted(c["count"] for c in before["clusters"])
    biggest = max(before["clusters"], key=lambda c: c["count"])
    assert biggest["count"] == len(biggest["ids"]) >= 2
    frame.evaluate(f"""() => {{ const c = ({CLUSTERS})().reduce((a, b) => b.count > a.count ? b : a);
                      c.mark.getElement().id = 'biggest-cluster'; }}""")
    frame.locator("#biggest-cluster").click()
    frame = map_holds(pg, f"() => map_div.getZoom() > {before['zoom']}", 30, "the zoom to it")
    ids = set(biggest["ids"])

    def spread():
        seen = frame.evaluate(SEEN)
        alone = ids & set(seen["alone"])
        inside = [c for c in seen["clusters"] if set(c["ids"]) & ids]
        # its events are now lone markers or smaller clusters of its own events
        if not alone or len(alone) + sum(c["count"] for c in inside) != len(ids):
            return None
        assert all(set(c["ids"]) <= ids and c["count"] < len(ids) for c in inside), inside
        return alone
    alone = wait_until(spread, 30, "the cluster's events spread")
    # a spread marker has its tooltip and popup
    text = frame.evaluate(f"""() => {{ const m = (window.eventClusters || []).filter(c => c.layer._map)
        .flatMap(c => c.layer.getLayers()).find(m => m.feature.properties.id === {sorted(alone)[0]!r});
        m.openPopup(); const t = m.getPopup().getElement().querySelector('b').textContent;
        m.closePopup(); return [t, !!m.getTooltip()]; }}""")
    assert text[0] and text[1]
    # from zoom 8 on, every event is a marker of its own
    frame.evaluate("() => map_div.setZoom(8, {animate: false})")
    frame = map_holds(pg, f"() => ({CLUSTERS})().length === 0", 30, "no cluster at zoom 8")
    assert frame.locator(".event-cluster").count() == 0



def test_imported_events_follow_playback_too(dashboard, tab, tmp_path):
    """The user's events play from the one day-sorted set the page holds (geo.layers.play_set):
    each frame draws those of the 90-day window ending on its day."""
    pg = tab
    with_time_control(pg, f"{dashboard}/")  # the timeline built (a fresh server builds it)
    first = date(2023, 1, 3)
    # 30 over the year, and 1,100 in June 2023: more than the marker limit in a window
    days = ([first + timedelta(days=11 * i) for i in range(30)]
            + [date(2023, 6, 1) + timedelta(days=i % 30) for i in range(1100)])
    rows = ["id,date,lat,lon,iso3,place,category,title,summary,sources"] + [
        f"p{i},{d.isoformat()},{14 + i % 5 * 0.6},{5 + i // 5 % 6 * 0.8},NER,Here,protest,"
        f"Mine {i},S," for i, d in enumerate(days)]
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pg.goto(f"{dashboard}/events")
    pg.get_by_text("Import your own events").click()
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    pg.get_by_text("1,130 loaded, 0 rejected").wait_for(timeout=60_000)
    pg.get_by_role("link", name="Situation map").click()  # the same session
    frame = map_holds(pg, TIME_CONTROL, 90, "the time control")
    frame.locator(".time-step").select_option("month")
    frame.locator(".time-speed").select_option("8")
    frame.evaluate("() => { window.eventFrames = []; }")
    frame.locator(".time-play").click()  # from the curation date: from the first day
    frame = map_holds(pg, "() => !document.querySelector('.time-control.playing')", 90,
                      "the playback to reach its last frame")
    drawn = sorted(frame.evaluate("() => window.eventFrames"), key=lambda f: f["day"])
    # The set is asked for on Play and decoded when it arrives: on a loaded machine the first
    # frames can be drawn before it is there; from the first frame that has it, every one does.
    arrived = next(k for k, f in enumerate(drawn) if any(s["ringed"] for s in f["sources"]))
    assert arrived <= 5, drawn[:6]
    mine = {}
    for f in drawn[arrived:]:
        ringed = [s for s in f["sources"] if s["ringed"]]
        assert len(ringed) == 1, f  # the user's events are one source of every frame
        mine[COVERAGE_START + timedelta(days=f["day"])] = ringed[0]
    assert len(mine) >= 40, mine  # monthly from 2020
    for on, source in mine.items():
        count = sum(on - timedelta(days=89) <= d <= on for d in days)
        assert source["events"] == count, (on, source)
        if count > 1000:  # above the marker limit: counts per screen cell
            assert source["marks"] == 0 and 0 < source["cells"] < count, (on, source)
        else:  # a dot each
            assert source["marks"] == count and source["cells"] == 0, (on, source)
    counts = [s["events"] for s in mine.values()]
    assert max(counts) > 1000 and len(set(counts)) > 2, counts
