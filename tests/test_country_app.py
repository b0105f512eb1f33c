"""AppTest of the country page: a good, a coup-free and a bad iso3, both languages, the picker."""

from __future__ import annotations

import json

import pytest
from conftest import fact_tables, map_args, open_page
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/country.py"


@pytest.fixture
def country(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))

    def open_country(**params: str) -> AppTest:
        at = open_page(PAGE, params)
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at
    return open_country


def lanes_spec(at: AppTest) -> dict:
    """The timeline's spec, with `datasets` the data of its layers (sent as Arrow tables)."""
    import pyarrow as pa

    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    spec["datasets"] = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                        .to_dict("records") for d in chart.proto.datasets}
    return spec


def test_niger_page_states_every_dimension_with_sources(country):
    at = country(iso3="NER", date="2023-09-10")
    assert at.title[0].value == "Land NER on 10 September 2023"
    status, events, coups, history, votes = fact_tables(at)
    assert dict(zip(status["dimension"], status["status"], strict=True)) == {
        "Regime": "Military rule", "ECOWAS status": "ECOWAS member",
        "ECOWAS sanctions": "ECOWAS economic and financial sanctions",
        "French forces": "French forces"}
    assert status.set_index("dimension").loc["Regime", "since"] == "2023-07-26"
    assert status.set_index("dimension").loc["Regime", "sources"] == ["https://example.org/s4"]
    assert list(events["title"]) == ["Protest at the base", "Summit in Niamey"]  # newest first
    assert list(coups["date"]) == ["2023-07-26", "2021-03-31"]
    assert list(history["from"]) == sorted(history["from"], reverse=True)
    assert len(history) == 8  # every period of Niger, once each
    assert dict(zip(votes["resolution"], votes["vote"], strict=True)) == {"ES-11/6": "Yes",
                                                                         "ES-11/1": "Yes"}
    assert at.query_params["iso3"] == "NER"


def test_the_timeline_has_a_lane_per_dimension_coups_events_and_years(country):
    spec = lanes_spec(country(iso3="NER", date="2023-09-10"))
    data = {name: rows for name, rows in spec["datasets"].items()}
    lanes = {r["lane"] for rows in data.values() for r in rows if "lane" in r}
    assert {"Regime", "ECOWAS status", "ECOWAS sanctions", "French forces", "Russian forces",
            "Coups", "Events"} <= lanes
    axes = [layer["encoding"]["x"].get("axis", {}) for layer in spec["layer"]
            if "x" in layer.get("encoding", {})]
    assert {"format": "%Y", "tickCount": "year", "labelAngle": 0, "grid": True} in axes


def test_a_country_without_coups_says_so_and_its_map_frames_it(country):
    at = country(iso3="GHA", date="2024-01-01")
    assert at.title[0].value == "Land GHA on 1 January 2024"
    assert "No coup or attempt in this country since 2020." in [i.value for i in at.info]
    (component,) = at.get("component_instance")
    args = map_args(component)
    assert '"country_map_gha"' in args["script"]  # its own remembered view
    assert "fitBounds" in args["script"] and "[[11.5, -0.5], [14.5, 2.5]]" in args["script"]
    assert "Capital of GHA" in args["script"]  # places are labelled on the map


def test_the_page_reads_in_french(country):
    at = country(iso3="NER", date="2023-09-10", lang="fr")
    assert at.title[0].value == "Pays NER au 10 septembre 2023"
    status = fact_tables(at)[0]
    assert list(status.columns) == ["dimension", "statut", "depuis", "jusqu'au", "note", "sources"]
    assert status.iloc[0, 0] == "Régime" and status.iloc[0, 2] == "2023-07-26"
    lanes = {r["lane"] for rows in lanes_spec(at)["datasets"].values() for r in rows if "lane" in r}
    assert {"Coups d'État", "Événements"} & lanes


@pytest.mark.parametrize("iso3", ["XXX", "[x](https://evil.example)", ""])
def test_a_bad_or_missing_country_warns_and_offers_the_picker(country, iso3):
    at = country(iso3=iso3) if iso3 else country()
    assert at.selectbox(key="country_page_pick").value is None
    assert "Pick a country above, or click one on the situation map." in [i.value for i in at.info]
    if iso3:
        (warning,) = [w.value for w in at.warning]
        assert "`" in warning and "](" not in warning.replace(f"`{iso3.upper()}`", "")
    at.selectbox(key="country_page_pick").set_value("MLI").run()
    assert at.title[0].value.startswith("Land MLI on ")
    assert at.query_params["iso3"] == "MLI"


def test_the_coups_history_opens_the_country_page(country):
    at = country(iso3="NER", date="2023-09-10")
    at.switch_page("pages/coups.py").run()
    at.button(key="open_country_NER").click().run()
    assert at.title[0].value == "Land NER on 10 September 2023"


@pytest.mark.parametrize(("iso3", "day", "english", "french"), [
    ("MLI", "2020-06-01", "0 events in Land MLI", "0 événement – Pays MLI"),
    ("GHA", "2023-09-10", "1 event in Land GHA", "1 événement – Pays GHA"),
    ("NER", "2023-09-10", "2 events in Land NER", "2 événements – Pays NER")])
def test_the_count_of_events_takes_the_plural_of_its_language(country, iso3, day, english, french):
    """French counts 0 and 1 in the singular, English only 1."""
    for lang, expected in (("en", english), ("fr", french)):
        captions = [c.value for c in country(iso3=iso3, date=day, lang=lang).caption]
        assert any(c.startswith(expected + (" from 2020" if lang == "en" else ", de 2020"))
                   for c in captions), (lang, [c for c in captions if iso3 in c])


def test_cabo_verde_s_one_event_reads_in_the_singular(monkeypatch):
    """The bundled data: Cabo Verde's single event since 2020 (issue 23 read '1 events')."""
    monkeypatch.delenv("COUPBELT_DATA_DIR", raising=False)
    for lang, expected in (("en", "1 event in Cabo Verde from 2020 up to the as-of date."),
                           ("fr", "1 événement – Cap-Vert, de 2020 à la date choisie.")):
        at = open_page(PAGE, {"iso3": "CPV", "date": "2024-01-01", "lang": lang})
        assert not at.exception, [e.value for e in at.exception]
        assert expected in [c.value for c in at.caption]
