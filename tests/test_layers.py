"""What the map builders send to the browser: classes, colours, escaped text, local assets only."""

from __future__ import annotations

import base64
import json
import sys
import threading
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import ROOT

from geo import layers
from geo.assets import standalone_html
from geo.engine import Events
from geo.facts import load_facts
from geo.ingest import EVENTS_SCHEMA, events_table
from geo.layers import (
    COORD_SCALE,
    DETAIL_LIMIT,
    base_map,
    event_set,
    events_in_set,
    events_on_map,
    marker_rows,
)
from geo.metrics import METRICS, classify
from geo.situation import situation_map
from geo.timeline import DateWindow
from geo.viewstate import ViewState
from geo.vocabulary import EVENT_CATEGORIES, UPLOAD_CATEGORY


def rendered(m) -> str:
    return m.whole().get_root().render() if hasattr(m, "whole") else m.get_root().render()


def test_classify_each_metric(data_dir):
    facts = load_facts(data_dir)
    countries = facts.borders["iso3"]
    day = date(2023, 8, 1)

    def classes(metric):
        table = classify(metric, countries, facts.status, facts.coups, day).set_index("iso3")
        return table["class"].to_dict(), table["detail"].to_dict()

    regime, detail = classes("regime")
    assert regime == {"MLI": "military", "NER": "military", "GHA": "civilian"}
    assert detail["NER"] == "since 26 July 2023"
    assert detail["GHA"] == "since before 2020"
    assert classes("ecowas")[0] == {"MLI": "not_member", "NER": "member", "GHA": "member"}
    assert classes("ecowas_sanctions")[0] == {"MLI": "not_member", "NER": "economic",
                                              "GHA": "none"}
    forces, detail = classes("forces")
    assert forces == {"MLI": "none", "NER": "forces_france", "GHA": "none"}
    coups, detail = classes("coups")
    assert coups == {"MLI": "2", "NER": "1", "GHA": "0"}
    assert detail["NER"].startswith("1 successful, 1 failed")
    colours = classify("regime", countries, facts.status, facts.coups, day)["colour"]
    assert set(colours) == {METRICS["regime"].cls("military").colour,
                            METRICS["regime"].cls("civilian").colour}


def test_map_changes_with_the_date(data_dir):
    facts = load_facts(data_dir)
    before = rendered(situation_map(facts, ViewState(date(2023, 7, 25),
                                                     DateWindow.ending(date(2023, 7, 25)))))
    after = rendered(situation_map(facts, ViewState(date(2023, 7, 26),
                                                    DateWindow.ending(date(2023, 7, 26)))))
    assert before != after
    assert '"status": "Military rule"' in after and "since 26 July 2023" in after
    assert "since 26 July 2023" not in before


def test_no_asset_leaves_the_machine(data_dir):
    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)))
    m = situation_map(facts, view).whole()
    links = [url for _, url in m.default_js + m.default_css]
    assert links and all(u.startswith("../../app/static/") for u in links)
    html = rendered(m)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "d3js"):
        assert cdn not in html


def hostile_event() -> pd.Series:
    return pd.Series({
        "id": "x", "date": pd.Timestamp("2023-08-01"), "lat": 12.0, "lon": 2.0, "iso3": "NER",
        "place": "Niamey\"><img src=x onerror=alert(1)>", "category": "protest",
        "title": "<script>alert('t')</script>", "summary": "a & b <b>bold</b>",
        "sources": "https://example.org/a?x=1&y=\"2\" javascript:alert(1)",
    })


def rendered_script(events: pd.DataFrame) -> str:
    m = base_map("test_map")
    events_on_map(events).add_to(m)
    return str(m.get_root().render())


def test_event_text_travels_as_inert_json_and_only_http_links():
    (row,) = marker_rows(pd.DataFrame([hostile_event()]))
    assert row[4] == "<script>alert('t')</script>" and row[6] == "a & b <b>bold</b>"
    assert row[7] == ['https://example.org/a?x=1&y="2"']  # javascript: dropped
    script = rendered_script(pd.DataFrame([hostile_event()]))
    # JSON in the script cannot close the <script> element or start a tag
    assert "<script>alert" not in script and "<img src=x" not in script
    assert "\\u003cscript\\u003e" in script
    assert "coupbelt.events(" in script  # static/js/coupbelt.js builds markers with textContent


def test_template_syntax_in_event_text_stays_text(data_dir):
    """Text like '{{ 7*7 }}' must reach the page as written: never evaluated on the server (which
    would let an uploaded file run code), and a stray '{%' must not stop the map."""
    event = hostile_event()
    event["title"] = "{{ 7*7 }} {{ cycler.__init__.__globals__.os.getcwd() }}"
    event["summary"] = "{% for x in range(3) %}loop{% endfor %} {{ 'unclosed"
    events = pd.DataFrame([event])
    uploaded = Events(events_table(events.assign(**{
        c: None for c in EVENTS_SCHEMA.names if c not in events.columns}).assign(
        category=UPLOAD_CATEGORY, row=2)))
    for page in (rendered_script(events),
                 standalone_html(situation_map(load_facts(data_dir), ViewState(
                     date(2023, 8, 2), DateWindow(date(2023, 7, 1), date(2023, 8, 2))),
                     uploaded).whole())):
        assert "{{ 7*7 }} {{ cycler.__init__.__globals__.os.getcwd() }}" in page
        assert "{% for x in range(3) %}loop{% endfor %} {{ \\u0027unclosed" in page
        assert "49" not in page.split("7*7")[0][-40:] and "looploop" not in page
    many = pd.DataFrame([event] * (DETAIL_LIMIT + 1)).assign(category="{{ 7*7 }}")
    layer = events_on_map(many, {"{{ 7*7 }}": ("{{ 7*7 }}", "#000000")})
    assert layer.cells
    m = base_map("test_map")
    layer.add_to(m)
    assert '"{{ 7*7 }}"' in m.get_root().render()


def test_events_at_one_place_are_spread_but_kept():
    rows = pd.DataFrame([hostile_event()] * 3).assign(id=["a", "b", "c"])
    coords = {(r[0], r[1]) for r in marker_rows(rows)}
    assert len(coords) == 3 and (12.0, 2.0) in coords
    assert all(abs(lat - 12.0) < 0.6 and abs(lon - 2.0) < 0.6 for lat, lon in coords)


def test_many_events_are_aggregated_and_compact():
    n = DETAIL_LIMIT + 1
    events = pd.DataFrame([hostile_event()] * n).assign(lat=12.5, lon=-1.25)
    layer = events_on_map(events)
    assert layer.cells and layer.rows is None and "rows" not in layer.data
    lat = np.frombuffer(base64.b64decode(layer.data["lat"]), dtype="<i2")
    assert len(lat) == n and lat[0] == 12.5 * COORD_SCALE
    cat = np.frombuffer(base64.b64decode(layer.data["cat"]), dtype="u1")
    assert set(cat) == {list(EVENT_CATEGORIES).index("protest")}
    markers = events_on_map(events.head(DETAIL_LIMIT))
    assert not markers.cells and len(markers.rows) == DETAIL_LIMIT


def test_standalone_html_inlines_leaflet(data_dir):
    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)))
    page = standalone_html(situation_map(facts, view).whole())
    assert "<script src=" not in page and '<link rel="stylesheet" href=' not in page
    assert "Leaflet 1.9.3" in page and "Land NER" in page


def test_badge_text_meets_wcag_aa_contrast():
    from geo.vocabulary import FORCE_COLOURS, contrast, text_colour

    for colour in FORCE_COLOURS.values():
        assert contrast(colour, text_colour(colour)) >= 4.5, colour
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0


def test_tooltips_give_the_whole_status_with_since_dates(data_dir):
    from geo.metrics import status_summaries

    facts = load_facts(data_dir)
    text = status_summaries(facts.status, date(2023, 9, 1))
    assert text["NER"] == ["Military rule since 26 July 2023", "ECOWAS member since before 2020",
                           "ECOWAS economic and financial sanctions since 30 July 2023",
                           "French forces since before 2020"]
    assert text["GHA"] == ["Civilian government since before 2020",
                           "ECOWAS member since before 2020"]
    page = rendered(situation_map(facts, ViewState(date(2023, 9, 1),
                                                   DateWindow.ending(date(2023, 9, 1)))))
    assert '"all": ["Military rule since 26 July 2023", "ECOWAS member' in page
    assert '"On this date"' in page


def test_borders_are_drawn_with_country_colours_off(data_dir):
    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)),
                     layers=frozenset({"events"}))
    layered = situation_map(facts, view)
    assert [g.layer_name for g in layered.layers][:1] == ["countries"]
    (plain,) = layered.layers[0]._children.values()
    assert plain.function == "paint" and plain.args == (None, None)  # plain borders
    shapes = next(d for d in layered.sets if d.id.startswith("shapes-"))
    assert len(shapes.data["features"]) == 3  # drawn from the shapes the page holds
    assert '"fill": "#' not in rendered(layered)  # no choropleth colours


def test_the_default_extent_holds_every_counted_country():
    from geo.layers import REGION_BOUNDS

    (south, west), (north, east) = REGION_BOUNDS
    # Gabon's south coast, Sudan's Red Sea coast, Cabo Verde, southern Algeria
    assert south <= -3.9 and east >= 38.0 and west <= -25.3 and north >= 27.0


def test_the_basemap_says_when_its_tiles_cannot_load(data_dir):
    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)), lang="fr")
    page = rendered(situation_map(facts, view))
    assert 'coupbelt.tileNote(' in page and "internet ?) ; toutes les couches" in page


def _mask(layer) -> list[bool]:
    from conftest import mask_bits

    return [bool(b) for b in mask_bits(layer.shown["mask"])]


def test_a_date_change_sends_which_events_show_not_the_events(data_dir):
    """The situation map names its events by the ID of a set the page sends once; moving the
    date or the window keeps the set (same ID, same text) and changes only the bit mask."""
    facts = load_facts(data_dir)
    views = [ViewState(day, DateWindow(date(2020, 1, 1), day))
             for day in (date(2021, 2, 1), date(2023, 9, 5))]
    maps = [situation_map(facts, v) for v in views]
    (first,), (second,) = ([d for d in m.sets if not d.id.startswith("shapes-")] for m in maps)
    assert first is second and first.data["count"] == len(facts.events)
    layers = [next(g for g in m.layers if g.layer_name == "events") for m in maps]
    calls = [next(iter(g._children.values())) for g in layers]
    assert all(c.data == first.id for c in calls)  # by ID: no event text in the layer
    assert "Summit in Niamey" not in rendered_group(layers[1]) and "Summit in Niamey" in first.text
    shown = [[e for e, keep in zip(facts.events["title"], _mask(c), strict=False) if keep]
             for c in calls]
    assert "Old event" in shown[0] and "Summit in Niamey" not in shown[0]
    assert {"Old event", "Summit in Niamey"} <= set(shown[1])
    assert len(calls[1].shown["mask"]) <= 4 * (len(facts.events) // 8 + 1) / 3 + 4


def rendered_group(group) -> str:
    m = base_map("test_map")
    group.add_to(m)
    return str(m.get_root().render())


def test_a_large_set_sends_marker_rows_only_for_the_few_shown():
    events = pd.DataFrame([hostile_event()] * (DETAIL_LIMIT + 500)).assign(
        id=[f"e{i}" for i in range(DETAIL_LIMIT + 500)], lat=12.5, lon=-1.25)
    held = event_set(events)
    assert "rows" not in held.data and held.data["count"] == DETAIL_LIMIT + 500
    few = events_in_set(events, events.index[10:20], held)
    assert not few.cells and [r[8] for r in few.rows] == [f"e{i}" for i in range(10, 20)]
    assert _mask(few)[9:21] == [False] + [True] * 10 + [False]
    many = events_in_set(events, events.index, held)
    assert many.cells and "rows" not in many.shown and all(_mask(many)[:DETAIL_LIMIT + 500])
    with pytest.raises(ValueError):
        events_in_set(events, pd.Index([10**6]), held)


def test_the_page_carries_the_set_as_json_text_never_markup():
    """The set travels as JSON text (app/bridge.py hands it to the map, which parses it): the
    text of an event stays a string value, whatever it holds."""
    held = event_set(pd.DataFrame([hostile_event()]))
    data = json.loads(held.text)
    assert data == held.data
    assert data["rows"][0][4] == "<script>alert('t')</script>"


def test_the_sets_kept_are_shared_safely_by_every_session_s_thread(monkeypatch):
    """Each Streamlit session runs in its own thread and they share the sets kept: many threads
    asking for more sets than are kept must each get the set they asked for, and the cache must
    never hold more than its bound."""
    monkeypatch.setattr(layers, "_SETS", type(layers._SETS)())
    keys = [f"set-{i}" for i in range(layers.SETS_KEPT + 4)]
    errors: list[BaseException] = []
    largest = [0]

    def ask(seed: int) -> None:
        try:
            for i in range(4000):
                key = keys[(seed * 7 + i * 5) % len(keys)]
                held = layers._kept(key, lambda key=key: {"key": key})
                assert held.id == key and held.data == {"key": key}, (key, held.id)
                largest[0] = max(largest[0], len(layers._SETS))
        except BaseException as error:  # every failure is reported below
            errors.append(error)

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the interpreter from thread to thread as often as it can
    try:
        threads = [threading.Thread(target=ask, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(before)
    assert not errors, f"{len(errors)} threads failed, first: {errors[0]!r}"
    assert largest[0] <= layers.SETS_KEPT, f"the cache grew to {largest[0]} sets"
    assert set(layers._SETS) <= set(keys) and len(layers._SETS) == layers.SETS_KEPT


def test_force_badges_sit_together_inside_their_country_clear_of_place_labels():
    """One marker per country holds its badges side by side (they cannot overlap each other at
    any zoom), inside the country and clear of the capitals' and cities' dots and labels
    (issue 23: the French and Russian badges overlapped each other and the Libreville and Malabo
    labels)."""
    import shapely

    from geo.layers import forces_layer
    from geo.timeline import forces_on

    facts = load_facts(ROOT / "data")  # the bundled data
    shapes = facts.borders.set_index("iso3").geometry
    labels = [(x, x + 4.0, y - 0.4, y + 0.4) for x, y in zip(facts.places["lon"], facts.places["lat"], strict=True)]
    for day in (date(2021, 6, 1), date(2023, 9, 10), date(2024, 6, 1)):
        held = forces_on(facts.status, day)
        badges = forces_layer(held, facts.borders, places=facts.places).badges
        assert sorted(b["iso3"] for b in badges) == sorted(set(held["iso3"]))
        assert sum(len(b["forces"]) for b in badges) == len(held)
        for b in badges:
            assert shapes[b["iso3"]].contains(shapely.Point(b["lon"], b["lat"])), b["iso3"]
            half = 0.5 * len(b["forces"])
            box = (b["lon"] - half, b["lon"] + half, b["lat"] - 0.35, b["lat"] + 0.35)
            near = [label for label in labels if layers._apart(box, label) == 0]
            assert near == [], (day, b["iso3"], near)


def _decoded(data: dict, name: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data[name]), dtype=dtype)


def test_playback_s_events_are_sent_once_whatever_the_date(data_dir):
    """With the time control on the map, the situation map names what playback draws: the
    curated events the filters keep on any day (a mask over the page's events set, which
    carries each event's day) and the user's events as one day-sorted set from the engine,
    the same set (same ID) on every date, the window's length beside them."""
    from geo.layers import timeline_set
    from geo.timemodel import day_number, wire_for

    facts = load_facts(data_dir)
    mine = Events(pa.table({
        **{c: pa.nulls(3, EVENTS_SCHEMA.field(c).type) for c in EVENTS_SCHEMA.names},
        "id": ["u1", "u2", "u3"],
        "date": pa.array([date(2023, 8, 20), date(2021, 1, 1), date(2023, 8, 21)]),
        "lat": [12.5, 12.6, 13.0], "lon": [0.5, 0.6, 1.0], "iso3": ["GHA", "GHA", "NER"],
        "row": [2, 3, 4], "category": [UPLOAD_CATEGORY] * 3,
        "kind": ["Battles", "Protests", None]}, EVENTS_SCHEMA))
    timeline = timeline_set(wire_for(facts, "en", events=False))
    views = [ViewState(day, DateWindow.ending(day, 30), layers=("choropleth", "events", "upload"),
                       categories=("ecowas", "protest"))
             for day in (date(2021, 2, 1), date(2023, 9, 5))]
    maps = [situation_map(facts, v, mine, timeline=timeline) for v in views]
    plays = [[d for d in m.sets if d.id.startswith("play-")] for m in maps]
    assert len(plays[0]) == 1 and plays[0][0] is plays[1][0]  # sent once, whatever the date
    data = plays[0][0].data
    days = _decoded(data, "days", "<i2")
    assert days.tolist() == sorted(day_number(d) for d in (date(2021, 1, 1), date(2023, 8, 20),
                                                            date(2023, 8, 21)))
    assert data["sorted"] and data["ringed"] and data["count"] == 3
    assert (_decoded(data, "lat", "<i2") / data["scale"]).tolist() == [12.6, 12.5, 13.0]
    kinds = [data["cats"][k][0] for k in _decoded(data, "cat", "u1")]
    assert kinds[0] != kinds[1] and kinds[2] == "Other types"  # no type: the grey class
    for m in maps:
        page = rendered(m)
        assert 'coupbelt.playable(' in page and f'"set": "{plays[0][0].id}"' in page
        events = next(g for g in m.layers if g.layer_name == "events")
        call = next(iter(events._children.values()))
        assert call.play["window"] == 30 and call.play["set"] == call.data
        held = next(d for d in m.sets if d.id == call.data)
        kept = [c for c, keep in zip(facts.events["category"], mask_of(call.play["mask"]),
                                     strict=False) if keep]
        assert sorted(kept) == sorted(c for c in facts.events["category"]
                                      if c in ("ecowas", "protest"))  # on any day
        assert len(_decoded(held.data, "days", "<i2")) == len(facts.events)


def mask_of(mask: str) -> list[bool]:
    from conftest import mask_bits

    return [bool(b) for b in mask_bits(mask)]
