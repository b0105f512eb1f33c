"""What the map builders send to the browser: classes, colours, escaped text, local assets only."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from geo.facts import load_facts
from geo.layers import event_popup, events_layer, source_links
from geo.metrics import METRICS, classify
from geo.situation import situation_map
from geo.timeline import DateWindow
from geo.viewstate import ViewState


def rendered(m) -> str:
    return m.get_root().render()


def test_classify_each_metric(data_dir):
    facts = load_facts(data_dir)
    countries = facts.borders["iso3"]
    day = date(2023, 8, 1)

    def classes(metric):
        table = classify(metric, countries, facts.status, facts.coups, day).set_index("iso3")
        return table["class"].to_dict(), table["detail"].to_dict()

    regime, detail = classes("regime")
    assert regime == {"MLI": "military", "NER": "military", "GHA": "civilian"}
    assert detail["NER"] == "since 2023-07-26"
    assert detail["GHA"] == "before 2020-01-01"
    assert classes("ecowas")[0] == {"MLI": "not_member", "NER": "member", "GHA": "member"}
    assert classes("ecowas_sanctions")[0] == {"MLI": "not_member", "NER": "in_force",
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
    assert '"status": "Military rule"' in after and "since 2023-07-26" in after
    assert "since 2023-07-26" not in before


def test_no_asset_leaves_the_machine(data_dir):
    facts = load_facts(data_dir)
    view = ViewState(date(2023, 9, 1), DateWindow.ending(date(2023, 9, 1)))
    m = situation_map(facts, view)
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


def test_popup_escapes_text_and_links_only_http():
    popup = event_popup(hostile_event())
    assert "<script>" not in popup and "&lt;script&gt;" in popup
    assert "<img" not in popup and "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert "a &amp; b &lt;b&gt;bold&lt;/b&gt;" in popup
    assert 'href="https://example.org/a?x=1&amp;y=&quot;2&quot;"' in popup
    assert 'href="javascript' not in popup and "javascript:alert(1)" in popup


def test_source_links():
    assert source_links("ftp://x.org/a") == "ftp://x.org/a"
    assert source_links("https://www.rfi.fr/fr/a") == (
        '<a href="https://www.rfi.fr/fr/a" target="_blank" rel="noopener noreferrer">rfi.fr</a>')


def test_events_at_one_place_are_spread_but_kept():
    rows = pd.DataFrame([hostile_event()] * 3).assign(id=["a", "b", "c"])
    features = json.loads(json.dumps(events_layer(rows).data))["features"]
    coords = {tuple(f["geometry"]["coordinates"]) for f in features}
    assert len(features) == 3 and len(coords) == 3
    assert (2.0, 12.0) in coords
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        assert abs(lon - 2.0) < 0.5 and abs(lat - 12.0) < 0.5
