"""AppTest of moving through time: the month slider, the change buttons, the headline chart's
data, and comparing two dates (on the bundled facts and on the small fixture)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import fact_tables, map_args, open_page

from geo.changes import change_dates, dimensions_of
from geo.facts import load_facts
from geo.timemodel import day_number

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def bundled(monkeypatch):
    monkeypatch.delenv("COUPBELT_DATA_DIR", raising=False)
    monkeypatch.delenv("COUPBELT_EVENTS", raising=False)


@pytest.fixture
def small(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    return data_dir


def test_the_compare_link_lists_what_changed_in_every_dimension(bundled):
    at = open_page(params={"date": "2025-01-01", "compare": "2023-01-01"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["compare"] == "2023-01-01"
    (changes, *_) = fact_tables(at)
    rows = {(r.country, r.dimension, r.after) for r in changes.itertuples()}
    assert ("Niger", "Regime", "Military rule") in rows
    assert ("Niger", "ECOWAS status", "Suspended from ECOWAS") in rows
    assert ("Niger", "Alliance of Sahel States", "AES member") in rows
    left = {(r.country, r.before) for r in changes.itertuples() if r.dimension == "French forces"}
    assert {("Burkina Faso", "French forces"), ("Niger", "French forces")} <= left
    assert all(len(s) >= 1 and all(u.startswith("http") for u in s) for s in changes["sources"])
    assert list(changes["date"]) == sorted(changes["date"])
    niger = map_args(at.get("component_instance")[0])["layers"]
    assert niger.count('"outlined": true') >= 3  # the countries that changed are outlined
    assert "Status changed since 1 January 2023" in niger


def test_a_bad_compare_date_warns_and_compares_nothing(small):
    at = open_page(params={"date": "2023-09-01", "compare": "1999-01-01"})
    assert any("comparison date" in w.value for w in at.warning)
    assert "compare" not in at.query_params


def commit_on_map(at, view: dict[str, object], key: str = "situation_map"):
    """What the browser does when the map's time control commits a settled choice: the
    bridge element of the map `key` (app/bridge.py) sets its state {"view": ...}, which
    reruns the page with its on_view_change callback (map_committed) called first."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (bridge,) = [b for b in at.get("bidi_component")
                 if b.proto.id.endswith(f"coupbelt_bridge_{key}")]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=bridge.proto.id, json_value=json.dumps({"view": view})))
    return at._run(states)


def test_comparing_on_the_map_updates_the_link_and_the_table(small):
    at = open_page(params={"date": "2023-09-01"})
    assert not fact_tables(at) or "before" not in fact_tables(at)[0].columns
    assert not [d for d in at.date_input if d.key == "compare"]  # the map's control has it
    from app.data import wait_for_timeline

    assert wait_for_timeline(load_facts(small), "en") is not None  # the control's timeline
    commit_on_map(at, {"date": "2023-09-01", "metric": "regime", "compare": "2023-07-01"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["compare"] == "2023-07-01"
    assert at.subheader[0].value == "What changed between 1 July 2023 and 1 September 2023"
    changes = fact_tables(at)[0]
    assert list(zip(changes["country"], changes["after"], strict=True)) == [
        ("Land NER", "Military rule"), ("Land NER", "ECOWAS economic and financial sanctions")]
    args = map_args(at.get("component_instance")[0])
    assert args["follow"]["compare"] == day_number(date(2023, 7, 1))
    assert {c["iso3"] for c in args["countries"] if c["outlined"]} == {"NER"}
    commit_on_map(at, {"date": "2023-09-01", "metric": "regime", "compare": ""})  # the clear button
    assert "compare" not in at.query_params
    assert not [h for h in at.subheader if h.value.startswith("What changed")]
    args = map_args(at.get("component_instance")[0])
    assert args["follow"]["compare"] is None
    assert not [c for c in args["countries"] if c["outlined"]]


@pytest.mark.parametrize("compare", ["2019-12-31", "2031-01-01", "2023-02-30", "x", 20230701])
def test_a_compare_date_out_of_range_from_the_map_changes_nothing(small, compare):
    at = open_page(params={"date": "2023-09-01", "compare": "2023-07-01"})
    commit_on_map(at, {"date": "2023-09-01", "metric": "regime", "compare": compare})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["compare"] == "2023-07-01"


def test_the_month_slider_moves_the_date_in_the_page_language(small):
    at = open_page("pages/country.py", params={"date": "2023-09-14", "lang": "fr", "iso3": "NER"})
    slider = at.select_slider(key="as_of_month")
    assert slider.value == date(2023, 9, 1)
    assert slider.format_func(date(2023, 1, 1)) == "janv. 2023"
    slider.set_value(date(2024, 2, 1)).run()
    assert at.query_params["date"] == "2024-02-01"
    assert at.date_input(key="as_of").value == date(2024, 2, 1)


def test_the_change_buttons_step_to_the_next_and_previous_change(small):
    facts = load_facts(small)
    at = open_page("pages/country.py", params={"date": "2023-07-01", "iso3": "NER"})
    at.button(key="next_change").click().run()
    days = change_dates(facts.status, None)
    after = min(d for d in days if d > date(2023, 7, 1))
    assert at.query_params["date"] == after.isoformat()
    at.button(key="previous_change").click().run()
    assert at.query_params["date"] == max(d for d in days if d < after).isoformat()


def test_the_situation_page_s_time_controls_are_on_its_map_not_in_the_sidebar(small):
    """The month slider and the change buttons of the situation map are on the map (its time
    control, coupbelt.js), whose texts come in the page's language; the calendar stays."""
    at = open_page(params={"date": "2023-07-01", "lang": "fr"})
    assert not [b for b in at.button if b.key in ("next_change", "previous_change")]
    assert not [s for s in at.select_slider if s.key == "as_of_month"]
    assert at.date_input(key="as_of").value == date(2023, 7, 1)
    from app.data import wait_for_timeline

    assert wait_for_timeline(load_facts(small), "fr") is not None
    at.run()
    ui = map_args(at.get("component_instance")[0])["follow"]["ui"]
    assert ui["locale"] == "fr-FR" and ui["pause"] == "⏸ Pause" and ui["byMonth"] == "un mois"


@pytest.mark.parametrize(("value", "expected"), [
    ({"date": "2023-08-10"}, (date(2023, 8, 10), None, None)),
    ({"date": "2023-02-30"}, (None, None, None)),            # no such day
    ({"date": "2019-12-31"}, (None, None, None)),            # before the calendar
    ({"date": "2031-01-01"}, (None, None, None)),            # after the curation date
    ({"metric": "aes", "viewport": [13.5, "2.1", 7]}, (None, "aes", (13.5, 2.1, 7.0))),
    ({"viewport": [95, 2, 7]}, (None, None, None)),          # off the globe
    ({"viewport": ["x", 2, 7]}, (None, None, None)),
    ({"viewport": [1, 2]}, (None, None, None)),
    ({"date": 20230810, "metric": ["aes"]}, (None, None, None)),
])
def test_a_map_s_commit_is_read_strictly(value, expected):
    from app.bridge import parse_commit

    assert parse_commit(value, date(2020, 1, 1), date(2025, 6, 30)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ({"compare": "2023-07-01"}, (True, date(2023, 7, 1))),
    ({"compare": ""}, (True, None)),                  # cleared
    ({"date": "2023-07-01"}, (False, None)),          # not about comparing
    ({"compare": "2019-12-31"}, (False, None)),       # before the calendar
    ({"compare": "2025-07-01"}, (False, None)),       # after the last day
    ({"compare": "2023-02-30"}, (False, None)),
    ({"compare": None}, (False, None)),
    ({"compare": 20230701}, (False, None)),
])
def test_a_map_s_compare_commit_is_read_strictly(value, expected):
    from app.bridge import parse_compare

    assert parse_compare(value, date(2020, 1, 1), date(2025, 6, 30)) == expected


@pytest.mark.parametrize("page", ["pages/situation_map.py", "pages/country.py"])
def test_the_map_names_a_timeline_of_colours_to_recolour_itself_from(small, page):
    """Beside the map, the page holds every metric's colours through time; each paint says
    which day and metric it shows, so the browser can recolour before the next rerun."""
    from conftest import event_sets

    from app.data import wait_for_timeline
    from geo.timemodel import day_number

    facts = load_facts(small)
    at = open_page(page, params={"date": "2023-07-01", "iso3": "NER", "lang": "fr"})
    assert wait_for_timeline(facts, "fr") is not None  # built in the background
    by_metric = page == "pages/situation_map.py"
    day = min(d for d in change_dates(facts.status, dimensions_of("regime") if by_metric else None)
              if d > date(2023, 7, 1))
    at.date_input(key="as_of").set_value(day).run()
    assert at.query_params["date"] == day.isoformat()
    args = map_args(at.get("component_instance")[0])
    follow = args["follow"]
    assert follow["day"] == day_number(day) and follow["metric"] == "regime"
    assert follow["byMetric"] is by_metric
    held = event_sets(at)[follow["set"]]  # the time model's wire
    assert held["format"] == "coupbelt.timemap/1" and held["lang"] == "fr"
    regime = next(m for m in held["metrics"] if m["key"] == "regime")
    assert regime["title"] == "Régime"
    for country in args["countries"]:  # what the set gives for the day is what was painted
        flat = regime["runs"][held["countries"].index(country["iso3"])]
        k = max(i for i in range(0, len(flat), 3) if flat[i] <= follow["day"])
        assert regime["classes"][flat[k + 1]][2] == country["fill"], country["iso3"]
    days = regime["changes"] if follow["byMetric"] else held["changes"]
    assert min(d for d in days if d > day_number(date(2023, 7, 1))) == follow["day"]


def test_the_window_follows_a_stepped_date_until_set(small):
    at = open_page("pages/country.py", params={"date": "2023-07-01", "iso3": "NER"})
    at.button(key="next_change").click().run()
    assert "from" not in at.query_params  # the 90-day window moved with the date


def test_the_headline_chart_is_built_when_opened_and_a_click_sets_the_date(small):

    at = open_page(params={"date": "2023-09-01"})
    assert not at.get("vega_lite_chart")
    at.session_state["headline_panel"] = True
    at.run()
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    rule = spec["layer"][-2]
    assert rule["mark"]["type"] == "rule" and rule["data"]["values"][0]["date"] == "2023-09-01"
    from geo.charts import picked_date

    assert picked_date({"pick": [{"date": 1690848000000}]}) == date(2023, 8, 1)
    assert picked_date({}) is None and picked_date({"pick": []}) is None


def test_a_bad_view_in_the_link_warns(small):
    at = open_page(params={"view": "[x](https://evil.example)"})
    assert any("map view" in w.value and "`[x](https://evil.example)`" in w.value
               for w in at.warning)
    good = open_page(params={"view": "13.5,2.1,7"})
    assert not good.warning and good.query_params["view"] == "13.5,2.1,7"


def choropleth_fills(at) -> dict[str, str]:
    countries = map_args(at.get("component_instance")[0])["countries"]
    return {c["iso3"]: c["fill"] for c in countries if c.get("fill")}


@pytest.mark.parametrize(("as_of", "compare", "lang", "says"), [
    # nothing changed in the nine days before 10 August 2023
    ("2023-08-10", "2023-08-01", "en", "No status changed between these dates."),
    ("2023-08-10", "2023-08-01", "fr", "Aucun statut n'a changé entre ces dates."),
    # the compare date after the as-of date: the same two days, in order
    ("2023-08-01", "2023-08-10", "en", "No status changed between these dates."),
    # the same date twice
    ("2023-08-10", "2023-08-10", "en", "The comparison date is the as-of date, 10 August 2023"),
    ("2023-08-01", "2023-08-01", "fr", "La date de comparaison est la date affichée, le 1er août 2023"),
])
def test_comparing_when_nothing_changed_says_so_and_the_page_goes_on(bundled, as_of, compare, lang, says):
    at = open_page(params={"date": as_of, "compare": compare, "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value.startswith(says) for i in at.info), [i.value for i in at.info]
    assert at.query_params["compare"] == compare
    # the page goes on below the comparison: the map and its folded tables are still drawn
    assert at.get("component_instance")
    assert len(at.expander) >= 2


def test_a_compare_date_after_the_as_of_date_lists_the_changes_in_order(bundled):
    at = open_page(params={"date": "2023-01-01", "compare": "2025-01-01"})
    assert not at.exception, [e.value for e in at.exception]
    (changes, *_) = fact_tables(at)
    assert ("Niger", "Regime", "Military rule") in {(r.country, r.dimension, r.after)
                                                     for r in changes.itertuples()}
    assert list(changes["date"]) == sorted(changes["date"])
