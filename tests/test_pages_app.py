"""AppTest of every page: renders, follows the shared filters, keeps them across pages and in the URL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import PAGES, ROOT, fact_tables, legend_labels, map_args, open_page
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))

    def open_app(page: str = PAGES[0], **params: str) -> AppTest:
        at = open_page(page, params)
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at
    return open_app


def frames(at: AppTest) -> list:
    return [df.value for df in at.dataframe]


def map_script(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    return str(map_args(component)["layers"])


def vega_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app, page):
    at = app(page, date="2023-09-01")
    assert at.title and at.query_params["date"] == "2023-09-01"


def test_filters_hold_across_pages_and_stay_in_the_url(app):
    at = app(date="2023-09-01")
    at.multiselect(key="countries").set_value(["NER"]).run()
    at.multiselect(key="categories").set_value(["ecowas", "protest"]).run()
    for page in PAGES[1:] + PAGES[:1]:
        at.switch_page(page).run()
        assert not at.exception
        assert at.multiselect(key="countries").value == ["NER"]
        assert at.query_params["iso3"] == "NER" and at.query_params["cat"] == "ecowas,protest"
        assert at.query_params["date"] == "2023-09-01"


def test_coups_page_counts_and_history(app):
    at = app("pages/coups.py", date="2023-08-01")
    assert {m.label: m.value for m in at.metric} == {"Successful coups": "3",
                                                     "Failed or foiled attempts": "1"}
    table = fact_tables(at)[0]
    assert list(table["date"]) == ["2023-07-26", "2021-05-24", "2021-03-31", "2020-08-18"]
    script = map_script(at)
    assert '"status": "2 coups"' in script and '"status": "1 coup"' in script  # Mali, Niger
    assert script.count('"outlined": true') == 2  # Mali and Niger under military rule
    assert "Under military rule on the as-of date" in script
    assert vega_specs(at), "the timeline chart"
    assert any("Pick a country" in i.value for i in at.info)
    at.multiselect(key="countries").set_value(["NER"]).run()
    assert [h.value for h in at.markdown if h.value.startswith("####")] == ["#### Land NER"]
    assert {m.label: m.value for m in at.metric} == {"Successful coups": "1",
                                                     "Failed or foiled attempts": "1"}
    history = fact_tables(at)[-1]
    assert "Suspended from ECOWAS" in set(history["status"])
    earlier = app("pages/coups.py", date="2021-01-01")
    assert {m.label: m.value for m in earlier.metric}["Successful coups"] == "1"


def test_alignments_page_status_and_un_votes(app):
    at = app("pages/alignments.py", date="2024-01-01")
    assert at.selectbox(key="dimension").value == "ecowas"
    assert "Suspended from ECOWAS" in map_script(at)
    assert vega_specs(at), "the Gantt chart"
    members = frames(at)[-1]  # the alignment's members only, by name: Mali has no ECOWAS row
    assert list(members["country"]) == ["Land GHA", "Land NER"]
    assert list(members["ECOWAS status"]) == ["ECOWAS member", "Suspended from ECOWAS"]
    at.selectbox(key="dimension").set_value("un:ES-11/6").run()
    assert at.query_params["dim"] == "un:ES-11/6"
    votes = fact_tables(at)[0].set_index("country")["vote"].to_dict()
    assert votes == {"Land GHA": "Yes", "Land MLI": "No", "Land NER": "Yes"}
    reopened = app("pages/alignments.py", date="2024-01-01", dim="un:ES-11/6")
    assert reopened.selectbox(key="dimension").value == "un:ES-11/6"


def test_bad_alignment_in_the_link_falls_back(app, data_dir, monkeypatch):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["dim"] = "un:ES-99/1"
    at.run()
    assert any("ES-99/1" in w.value for w in at.warning)
    assert not at.exception


def test_events_page_follows_window_categories_and_countries(app):
    at = app("pages/events.py", date="2023-09-05")
    assert sorted(fact_tables(at)[0]["title"]) == ["Ghana pledges troops", "Protest at the base",
                                                   "Summit in Niamey"]
    spec = vega_specs(at)[0]
    assert spec["params"][0]["name"] == "brush"
    at.multiselect(key="countries").set_value(["GHA"]).run()
    assert list(fact_tables(at)[0]["title"]) == ["Ghana pledges troops"]
    at.multiselect(key="countries").set_value([]).run()
    at.multiselect(key="categories").set_value(["protest"]).run()
    assert list(fact_tables(at)[0]["title"]) == ["Protest at the base"]


def test_sources_page_lists_files_downloads_and_every_source_once(app):
    at = app("pages/sources.py", date="2023-09-05")
    files = frames(at)[0]
    assert list(files["file"]) == ["borders.geojson", "coups.csv", "status.csv", "events.csv",
                                   "un_votes.csv", "places.csv"]
    assert list(files["rows"]) == [3, 4, 12, 4, 6, 4]
    index = frames(at)[-1]
    assert index["source"].is_unique
    assert "https://example.org/u1" in set(index["source"])
    cited = index.set_index("source").loc["https://example.org/u1", "cited_by"]
    assert cited == "un_votes:ES-11/1/GHA, un_votes:ES-11/1/MLI, un_votes:ES-11/1/NER"
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Events (CSV)", "Events (GeoJSON)", "Status on the date (CSV)",
                      "Status on the date (GeoJSON)"]


def test_link_round_trip_on_a_page(app):
    params = {"date": "2023-08-10", "from": "2023-07-01", "to": "2023-08-31", "cat": "ecowas",
              "iso3": "GHA,NER"}
    at = app("pages/events.py", **params)
    assert {k: at.query_params[k] for k in params} == params
    assert at.date_input(key="as_of").value == date(2023, 8, 10)


def test_imported_events_follow_the_filters_across_pages_and_can_be_removed(app, data_dir):
    from geo.facts import load_borders
    from geo.ingest import ingest_bytes

    text = ("id,date,lat,lon,iso3,place,category,title,summary,sources\n"
            "u1,2023-08-20,13.0,-1.0,NER,Town,protest,Mine one,First,\n"
            "u2,2022-01-05,13.0,1.0,GHA,Town,protest,Mine old,Second,\n")
    report = ingest_bytes(text.encode(), "mine.csv", load_borders(data_dir / "borders.geojson"))
    at = app("pages/events.py", date="2023-09-01")
    at.session_state["upload_report"] = report
    at.run()
    assert '"Mine one"' in map_script(at) and '"Mine old"' not in map_script(at)  # the window
    (component,) = at.get("component_instance")
    assert "Your events (1)" in legend_labels(map_args(component))
    assert any("2 loaded, 0 rejected" in s.value for s in at.success)
    at.switch_page("pages/situation_map.py").run()
    assert '"Mine one"' in map_script(at)
    at.checkbox(key="layer_upload").uncheck().run()
    assert '"Mine one"' not in map_script(at)
    at.checkbox(key="layer_upload").check().run()
    at.multiselect(key="countries").set_value(["GHA"]).run()
    assert '"Mine one"' not in map_script(at)
    at.multiselect(key="countries").set_value([]).run()
    at.switch_page("pages/events.py").run()
    remove = [b for b in at.button if b.label == "Remove my events"]
    assert len(remove) == 1
    remove[0].click().run()
    assert "upload_report" not in at.session_state and '"Mine one"' not in map_script(at)
