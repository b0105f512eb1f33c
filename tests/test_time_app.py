"""AppTest of moving through time: the month slider, the change buttons, the headline chart's
data, and comparing two dates (on the bundled facts and on the small fixture)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import fact_tables, map_args, open_page

from geo.changes import change_dates, dimensions_of
from geo.facts import load_facts

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


def test_comparing_on_the_page_updates_the_link_and_the_table(small):
    at = open_page(params={"date": "2023-09-01"})
    assert not fact_tables(at) or "before" not in fact_tables(at)[0].columns
    at.date_input(key="compare").set_value(date(2023, 7, 1)).run()
    assert at.query_params["compare"] == "2023-07-01"
    changes = fact_tables(at)[0]
    assert list(zip(changes["country"], changes["after"], strict=True)) == [
        ("Land NER", "Military rule"), ("Land NER", "ECOWAS economic and financial sanctions")]


def test_the_month_slider_moves_the_date_in_the_page_language(small):
    at = open_page(params={"date": "2023-09-14", "lang": "fr"})
    slider = at.select_slider(key="as_of_month")
    assert slider.value == date(2023, 9, 1)
    assert slider.format_func(date(2023, 1, 1)) == "janv. 2023"
    slider.set_value(date(2024, 2, 1)).run()
    assert at.query_params["date"] == "2024-02-01"
    assert at.date_input(key="as_of").value == date(2024, 2, 1)


def test_the_change_buttons_step_to_the_metric_s_next_and_previous_change(small):
    facts = load_facts(small)
    at = open_page(params={"date": "2023-07-01"})
    at.button(key="next_change").click().run()
    regime_days = change_dates(facts.status, dimensions_of("regime"))
    assert at.query_params["date"] == "2023-07-26" == regime_days[-1].isoformat()
    assert at.button(key="next_change").disabled  # no later regime change
    at.button(key="previous_change").click().run()
    assert at.query_params["date"] == "2020-08-18"
    at.selectbox(key="metric").set_value("ecowas").run()
    at.button(key="next_change").click().run()
    assert at.query_params["date"] == "2023-12-10"  # Niger's suspension, on that metric


@pytest.mark.parametrize("page", ["pages/situation_map.py", "pages/country.py"])
def test_the_map_names_a_timeline_of_colours_to_recolour_itself_from(small, page):
    """Beside the map, the page holds every metric's colours through time; each paint says
    which day and metric it shows, so the browser can recolour before the next rerun."""
    from conftest import event_sets

    from app.data import wait_for_timeline
    from geo.playback import day_number

    facts = load_facts(small)
    at = open_page(page, params={"date": "2023-07-01", "iso3": "NER", "lang": "fr"})
    assert wait_for_timeline(facts, "fr") is not None  # built in the background
    at.button(key="next_change").click().run()  # regime on the situation page, any status else
    by_metric = page == "pages/situation_map.py"
    day = min(d for d in change_dates(facts.status, dimensions_of("regime") if by_metric else None)
              if d > date(2023, 7, 1))
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
    at = open_page(params={"date": "2023-07-01"})
    at.button(key="next_change").click().run()
    assert "from" not in at.query_params  # the 90-day window moved with the date


def test_the_headline_chart_is_built_when_opened_and_a_click_sets_the_date(small):
    import json

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


def player(at) -> dict:
    """The payload the browser plays (coupbelt.play), as sent."""
    import re

    layers = map_args(at.get("component_instance")[0])["layers"]
    found = re.search(r"coupbelt\.play\(\w+, (\{.*\})\);", layers)
    assert found, "no player on the map"
    return json.loads(found.group(1))


def test_playback_sends_every_frame_with_the_model_s_colours_and_pauses_on_the_frame_shown(small):
    from test_playback import frame_colour

    from geo.metrics import classify

    facts = load_facts(small)
    at = open_page(params={"date": "2023-09-01"})
    assert not [w for w in at.date_input if w.key == "playback_from"]  # folded: not built
    at.session_state["playback_panel"] = True  # the reader opens the panel
    at.run()
    at.date_input(key="playback_from").set_value(date(2023, 6, 1))
    at.date_input(key="playback_to").set_value(date(2023, 9, 1))
    at.button(key="playback_play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    played = player(at)
    assert played["frames"] == ["2023-06-01", "2023-07-01", "2023-08-01", "2023-09-01"]
    assert played["stamps"][1] == "1 July 2023" and played["fps"] == 2
    for k, frame in enumerate(played["frames"]):
        model = classify("regime", facts.borders["iso3"], facts.status, facts.coups,
                         date.fromisoformat(frame))
        fills = {iso3: frame_colour(played, iso3, k) for iso3 in model["iso3"]}
        assert fills == dict(zip(model["iso3"], model["colour"], strict=True)), frame
    # each frame shows the events of its 90 days: the Niamey summit of 2023-07-30 from August
    summit = [e for e in played["events"] if e[0] == (date(2023, 7, 30) - date(2020, 1, 1)).days]
    assert len(summit) == 1 and played["window"] == 90
    at.run()  # a rerun while playing sends the same payload: the browser's playback goes on
    assert player(at) == played
    # Pause (a click inside the map's fragment, which AppTest does not deliver) is in the
    # browser suite; which frame it stops on is shown_frame's, tested below.


FRAMES = [date(2023, 6, 1), date(2023, 7, 1), date(2023, 8, 1), date(2023, 9, 1)]


@pytest.mark.parametrize(("written", "elapsed", "fps", "loop", "frame"), [
    ("2023-08-01", 0.2, 2, False, 2),   # the frame the browser wrote wins over the clock
    ("", 1.1, 2, False, 2),             # no frame written yet: the clock's
    ("", 60.0, 2, False, 3),            # past the end: the last
    ("", 2.6, 2, True, 1),              # looping: round again
    ("2019-01-01", 0.0, 4, False, 0),   # not one of the frames: the clock's
])
def test_pause_stops_on_the_frame_shown(written, elapsed, fps, loop, frame):
    from app.playback import shown_frame

    assert shown_frame(FRAMES, written, elapsed, fps, loop) == frame


def test_playback_ends_on_the_last_frame_and_the_page_follows(small):
    import time

    at = open_page(params={"date": "2021-01-01"})
    at.session_state["playback_panel"] = True
    at.run()
    at.date_input(key="playback_from").set_value(date(2023, 7, 1))
    at.date_input(key="playback_to").set_value(date(2023, 7, 20))
    at.radio(key="playback_step").set_value("week")
    at.button(key="playback_play").click().run()
    assert player(at)["frames"] == ["2023-07-01", "2023-07-08", "2023-07-15", "2023-07-20"]
    at.run()
    assert at.query_params["date"] == "2021-01-01"  # still playing
    at.session_state["playback_started"] = time.time() - 3  # 4 frames at 2 a second are over
    at.run()  # what the fragment's one timer does when the last frame is due
    assert at.query_params["date"] == "2023-07-20"
    assert at.date_input(key="as_of").value == date(2023, 7, 20)


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
