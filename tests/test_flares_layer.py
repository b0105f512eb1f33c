"""What is flaring, as a map layer on the situation page (geo.layers.flare_rings): rings per
country and per admin1, moving with the as-of date, for the user's events and the curated ones,
with a legend entry and a tooltip whose text from the data stays text."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from conftest import open_page, write_data

from geo.engine import Events
from geo.facts import Facts, load_facts
from geo.ingest import events_table
from geo.situation import situation_map
from geo.timeline import DateWindow
from geo.viewstate import DEFAULT_LAYERS, ViewState

AS_OF = date(2025, 6, 20)
HOSTILE = '<img src=x onerror="alert(1)">{{ 7*7 }}'


@pytest.fixture(scope="module")
def facts(tmp_path_factory) -> Facts:
    return load_facts(write_data(tmp_path_factory.mktemp("flare") / "data"))


def surge(iso3: str, admin1: str, lat: float, lon: float, recent: int = 12) -> list[dict]:
    """One event in each of the twelve 30-day windows before AS_OF's, then `recent` in its own
    window: flaring by events (>= 2 x 1 and >= 10)."""
    days = [AS_OF - timedelta(days=30 * k + 5) for k in range(1, 13)]
    days += [AS_OF - timedelta(days=k % 30) for k in range(recent)]
    return [{"date": pd.Timestamp(d), "iso3": iso3, "admin1": admin1, "deaths": 1,
             "lat": lat, "lon": lon} for d in days]


def user_events() -> pd.DataFrame:
    """Imported events (geo.ingest's columns) in Mali, Niger (a hostile admin1) and Ghana."""
    events = pd.DataFrame(surge("MLI", "Segou", 13.0, -3.0) + surge("NER", HOSTILE, 13.0, -1.0)
                          + surge("GHA", "Calm", 13.0, 1.0, recent=1))
    return events.assign(id=[f"u{i}" for i in range(len(events))], place="x", category="upload",
                         title="t", summary="", sources="", kind="Battles", actor1="",
                         actor2="", place_precise=True, date_precision="day",
                         deaths=events["deaths"].astype("Int64"), row=range(2, len(events) + 2),
                         sub_kind="", deaths_low=events["deaths"].astype("Int64"),
                         deaths_high=events["deaths"].astype("Int64"))


def user_set() -> Events:
    """Those events as the engine holds an import (geo.engine)."""
    return Events(events_table(user_events()))


def view(as_of: date = AS_OF, layers: frozenset[str] = DEFAULT_LAYERS | {"flares"}) -> ViewState:
    return ViewState(as_of, DateWindow(as_of - timedelta(days=30), as_of), layers=layers)


def rings_of(html: str) -> list[dict]:
    found = re.findall(r"(\[\{\"dash\".*?\}\])\.forEach", html, re.S)
    return [ring for block in found for ring in json.loads(block)]


def rendered(facts: Facts, v: ViewState, uploaded: Events | None) -> str:
    return situation_map(facts, v, uploaded).whole().get_root().render()


def test_flaring_countries_and_admin1_get_rings_with_the_numbers_and_the_rule(facts):
    html = rendered(facts, view(), user_set())
    rings = rings_of(html)
    assert {(r["level"], r["lines"][0]) for r in rings} == {
        ("country", "Flaring: Land MLI"), ("country", "Flaring: Land NER"),
        ("admin1", "Flaring: Segou, Land MLI"), ("admin1", f"Flaring: {HOSTILE}, Land NER")}
    segou = next(r for r in rings if r["lines"][0] == "Flaring: Segou, Land MLI")
    assert (segou["lat"], segou["lon"]) == (13.0, -3.0)  # its events' centre
    assert segou["lines"][1] == ("12 events in the 30 days to 20 June 2025 (average of the "
                                 "windows before: 1)")
    assert segou["lines"][2] == "12 deaths (average before: 1)"
    assert segou["lines"][3].startswith("Rule: at least 2 times the average")
    assert "Flaring (last 30 days)" in html
    assert "Country flaring (dashed ring)" in html


def test_text_from_the_data_stays_text_in_the_ring_tooltips(facts):
    html = rendered(facts, view(), user_set())
    assert "<img src=x" not in html and "alert(1)" in html  # JSON-escaped, set as textContent
    assert "{{ 7*7 }}" in html.replace("\\u003c", "<") and "49, Land NER" not in html
    assert "line.textContent = text" in html


def test_the_rings_move_with_the_as_of_date(facts):
    before = rendered(facts, view(AS_OF - timedelta(days=40)), user_set())
    assert rings_of(before) == []
    assert "Flaring (last 30 days)" not in before


def test_the_layer_is_off_by_default_and_a_checkbox_in_the_link(facts):
    assert rings_of(rendered(facts, view(layers=DEFAULT_LAYERS), user_set())) == []


def test_curated_events_flare_by_country(facts):
    curated = pd.DataFrame(surge("GHA", "", 13.0, 1.0)).assign(
        id=lambda f: [f"c{i}" for i in range(len(f))], category="protest")
    shown = dataclasses.replace(facts, events=curated)
    rings = rings_of(rendered(shown, view(layers=frozenset({"flares"})), None))
    assert [(r["level"], r["lines"][0]) for r in rings] == [("country", "Flaring: Land GHA")]


def test_the_situation_page_draws_the_rings_once_the_layer_is_ticked(data_dir, monkeypatch):
    from conftest import map_args

    from geo.ingest import IngestReport

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page("pages/situation_map.py", {"date": AS_OF.isoformat()})
    at.session_state["upload_report"] = IngestReport("mine.csv", "acled", user_events(),
                                                     pd.DataFrame(columns=["row", "reasons"]))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (component,) = at.get("component_instance")
    assert rings_of(map_args(component)["layers"]) == []
    at.checkbox(key="layer_flares").check().run()
    assert at.query_params["layers"] == "choropleth,events,forces,upload,basemap,flares"
    (component,) = at.get("component_instance")
    args = map_args(component)
    assert {r["lines"][0] for r in rings_of(args["layers"])} >= {"Flaring: Land MLI",
                                                                  "Flaring: Segou, Land MLI"}
    assert "Flaring (last 30 days)" in [heading for heading, _ in args["legend"][1]]
