"""AppTest of dashboard.py: what the page shows and what it sends to the map component."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, fact_tables, write_data
from conftest import map_args as component_args
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.filterwarnings("ignore")


def run(data_dir: Path | None, monkeypatch, **params: str) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return component_args(component)


def bridges(at: AppTest) -> dict[str, dict]:
    """The data of the page's bridge elements (app/bridge.py), by the key they were mounted with."""
    return {b.proto.id.split("-", 2)[-1]: json.loads(b.proto.json)
            for b in at.get("bidi_component")}


def choropleth(args: dict) -> dict[str, dict]:
    """iso3 -> properties of the choropleth's features, parsed out of the map script."""
    return {c["iso3"]: c for c in args["countries"] if c.get("fill")}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_renders_on_the_curation_date_by_default(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch)
    assert at.title[0].value == "West Africa on 30 June 2025"
    assert metrics(at)["Under military rule"] == "2"
    assert metrics(at)["Withdrawn from ECOWAS"] == "1"
    assert at.query_params["date"] == "2025-06-30"
    args = map_args(at)
    assert set(choropleth(args)) == {"MLI", "NER", "GHA"}
    assert args["returned_objects"] == []  # pans, zooms and clicks come settled, by the bridge
    bridge = bridges(at)["coupbelt_bridge_situation_map"]
    assert bridge["channel"] == "situation_map"
    assert bridge["view"] == {"date": "2025-06-30", "metric": "regime", "viewport": None}


def test_a_link_s_view_goes_to_the_map_and_stays_in_the_link(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-08-10", view="12.6,-8,6.5")
    bridge = bridges(at)["coupbelt_bridge_situation_map"]
    assert bridge["view"]["viewport"] == [12.6, -8.0, 6.5]
    assert bridge["intent"]["viewport"] == [12.6, -8.0, 6.5]
    assert at.query_params["view"] == "12.6,-8,6.5"
    seq = bridge["intent"]["seq"]
    at.run()  # a rerun: the same intent (the map has applied it), the view kept
    assert bridges(at)["coupbelt_bridge_situation_map"]["intent"]["seq"] == seq
    assert at.query_params["view"] == "12.6,-8,6.5"


def test_a_settled_move_of_the_map_reaches_the_link(data_dir, monkeypatch):
    from app.state import map_committed

    at = run(data_dir, monkeypatch, date="2023-08-10")
    assert "view" not in at.query_params
    # what the bridge's callback does with the map's commit
    values = dict(at.session_state["view_values"])
    at.session_state["map_viewports"] = {"situation_map": (13.5, 2.1, 7.0)}
    at.run()
    assert at.query_params["view"] == "13.5,2.1,7"
    assert bridges(at)["coupbelt_bridge_situation_map"]["view"]["viewport"] == [13.5, 2.1, 7.0]
    assert callable(map_committed) and values["as_of"] == date(2023, 8, 10)


def test_date_in_the_link_changes_the_map(data_dir, monkeypatch):
    before = run(data_dir, monkeypatch, date="2023-07-25")
    after = run(data_dir, monkeypatch, date="2023-07-26")
    b, a = choropleth(map_args(before)), choropleth(map_args(after))
    assert b["NER"]["status"] == "Civilian government" and a["NER"]["status"] == "Military rule"
    assert b["NER"]["fill"] != a["NER"]["fill"]
    assert b["GHA"] == a["GHA"]
    assert metrics(before)["Under military rule"] == "1"
    assert metrics(after)["Under military rule"] == "2"


def test_events_follow_the_window(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-09-05")
    script = map_args(at)["layers"]
    for title in ("Summit in Niamey", "Ghana pledges troops", "Protest at the base"):
        assert title in script
    assert "Old event" not in script
    at = run(data_dir, monkeypatch, date="2023-09-05", **{"from": "2021-01-01", "to": "2021-02-01"})
    script = map_args(at)["layers"]
    assert "Old event" in script and "Summit in Niamey" not in script


def test_widgets_change_the_view_and_the_url(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-08-01")
    at.selectbox(key="metric").set_value("ecowas_sanctions").run()
    assert choropleth(map_args(at))["NER"]["status"] == "ECOWAS economic and financial sanctions"
    assert at.query_params["metric"] == "ecowas_sanctions"
    at.date_input(key="as_of").set_value(__import__("datetime").date(2024, 3, 1)).run()
    assert choropleth(map_args(at))["NER"]["status"] == "No ECOWAS sanctions"
    assert at.query_params["date"] == "2024-03-01"
    # the untouched event window followed the date
    assert at.date_input(key="window").value == (
        __import__("datetime").date(2023, 12, 3), __import__("datetime").date(2024, 3, 1))
    at.checkbox(key="layer_events").uncheck().run()
    assert "Protest at the base" not in map_args(at)["layers"]
    assert at.query_params["layers"] == "choropleth,forces,upload,basemap"


def test_bad_link_warns_and_falls_back(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-13-45", metric="vibes")
    warnings = " ".join(w.value for w in at.warning)
    assert "2023-13-45" in warnings and "vibes" in warnings
    assert at.title[0].value == "West Africa on 30 June 2025"
    assert at.query_params["date"] == "2025-06-30"


def test_no_asset_link_leaves_the_machine(data_dir, monkeypatch):
    args = map_args(run(data_dir, monkeypatch))
    links = args["js_links"] + args["css_links"]
    assert links and not [u for u in links if u.startswith(("http:", "https:", "//"))]


def test_missing_file_is_reported_and_the_rest_runs(tmp_path, monkeypatch):
    folder = write_data(tmp_path / "d")
    (folder / "events.csv").unlink()
    at = run(folder, monkeypatch)
    assert any("events.csv: file not found" in e.value for e in at.error)
    assert set(choropleth(map_args(at))) == {"MLI", "NER", "GHA"}


def test_bundled_data_renders(monkeypatch):
    at = run(None, monkeypatch)
    assert not at.error, [e.value for e in at.error]
    assert len(choropleth(map_args(at))) == 26


def test_tables_are_built_when_opened_and_stay_open_across_dates(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-09-10", **{"from": "2023-07-01"})
    labels = [e.label for e in at.expander]
    assert "Table of each country's status, with sources" in labels
    assert fact_tables(at) == []  # folded: nothing built or sent for the first draw
    at.session_state["situation_status"] = True  # what a click on the panel sets
    at.run()
    (status,) = fact_tables(at)
    niger = status[status["country"] == "Land NER"]
    assert {"Military rule", "ECOWAS economic and financial sanctions", "French forces"} <= set(niger["status"])
    assert not status.duplicated(["country", "status"]).any()  # one row per fact, not per source
    assert all(s and all(u.startswith("http") for u in s) for s in niger["sources"])
    assert niger["country_link"].str.startswith("country?").all()
    assert "iso3=NER" in niger["country_link"].iloc[0] and "date=2023-09-10" in niger["country_link"].iloc[0]
    assert "Status of each country on 10 September 2023, with sources" in [c.value for c in at.caption]
    at.session_state["situation_events"] = True
    at.run()
    at.date_input(key="as_of").set_value(date(2023, 7, 25)).run()
    assert len(fact_tables(at)) == 2  # both open, still open on another date
    assert "Status of each country on 25 July 2023, with sources" in [c.value for c in at.caption]


def test_every_table_of_the_situation_page_honours_the_country_filter(data_dir, monkeypatch):
    at = run(data_dir, monkeypatch, date="2023-09-10", compare="2023-01-01", iso3="NER")
    at.session_state["situation_status"] = at.session_state["situation_events"] = True
    at.run()
    tables = fact_tables(at)
    assert len(tables) == 4  # what changed, events between, events of the window, status
    for frame in tables:
        assert len(frame) and set(frame["country"]) == {"Land NER"}, frame


def test_a_date_change_resends_no_event(data_dir, monkeypatch):
    """The events travel beside the map as hidden text, the same on every date (so Streamlit
    sends it once); the map's layers only pick which of them show."""
    before = run(data_dir, monkeypatch, date="2021-02-01", **{"from": "2020-01-01"})
    after = run(data_dir, monkeypatch, date="2023-09-05", **{"from": "2020-01-01"})
    carriers = [[json.dumps(data) for data in bridges(at).values()
                 if data.get("sets") and not any(k.startswith(("shapes-", "timeline-"))
                                                          for k in data["sets"])]
                for at in (before, after)]
    assert len(carriers[0]) == 1 and carriers[0] == carriers[1]
    assert "Summit in Niamey" in carriers[0][0]
    for at in (before, after):
        sent = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
        assert "Summit in Niamey" not in sent and "Old event" not in sent
    titles = [{r[4] for rows, _ in map_args(at)["events"] for r in rows} for at in (before, after)]
    assert "Old event" in titles[0] and "Summit in Niamey" not in titles[0]
    assert {"Old event", "Summit in Niamey"} <= titles[1]


@pytest.mark.parametrize("day", ["2020-01-01", "2020-02-15"])
def test_a_date_in_the_first_90_days_opens_with_the_window_from_2020(data_dir, monkeypatch, day):
    """The default window (90 days up to the date) began before the calendar's first day and
    stopped the page with an error."""
    at = run(data_dir, monkeypatch, date=day)  # run() asserts there is no exception
    assert at.query_params["date"] == day
    (window,) = [w for w in at.date_input if w.label == "Events between"]
    assert window.value[0] == date(2020, 1, 1)
