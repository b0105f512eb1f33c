"""ACLED CAST forecasts (geo.sources.cast_forecasts) against recorded answers served over HTTP,
and their map layer (geo.layers.cast_rings): expected events of next month per admin1."""

from __future__ import annotations

import json
from datetime import date

import folium
import pandas as pd
import pytest
import sourceserver
from sourceserver import PASSWORD
from test_sources import CREDS, ROOT

from geo.facts import load_borders
from geo.layers import cast_legend, cast_rings, layer_group
from geo.sources import Credentials, SourceError, cast_forecasts

BORDERS = load_borders(ROOT / "data" / "borders.geojson")


@pytest.fixture
def api(monkeypatch, tmp_path):  # ACLED's stand-in (tests/sourceserver.py)
    yield from sourceserver.serving(monkeypatch, tmp_path)


def test_cast_reads_every_page_of_the_month_and_keeps_the_map_s_countries(api):
    found = cast_forecasts(date(2025, 7, 1), BORDERS, creds=CREDS)
    assert found.to_dict("records") == [
        {"iso3": "MLI", "admin1": "Segou", "year": 2025, "month": 7, "total": 14.0,
         "battles": 6.0, "erv": 3.0, "vac": 5.0, "issued": "1751328000"},
        {"iso3": "NER", "admin1": "<b>Tillaberi</b>", "year": 2025, "month": 7, "total": 22.5,
         "battles": 10.0, "erv": 4.5, "vac": 8.0, "issued": "1751328000"}]
    asked = [s for s in api.script.seen if s.path == "/api/cast/read"]
    assert [s.query.split("page=")[1] for s in asked] == ["1", "2"]
    assert "year=2025" in asked[0].query and "month=July" in asked[0].query
    assert all(PASSWORD not in s.query for s in api.script.seen)


def test_cast_for_some_countries_only(api):
    found = cast_forecasts(date(2025, 7, 1), BORDERS, ["Niger"], creds=CREDS)
    assert list(found["iso3"]) == ["NER"]


def test_an_account_without_cast_gets_a_clear_message(api):
    api.script.cast_forbidden = True
    with pytest.raises(SourceError) as failed:
        cast_forecasts(date(2025, 7, 1), BORDERS, creds=CREDS)
    assert failed.value.kind == "forbidden"
    assert str(failed.value) == ("ACLED CAST forecasts: this ACLED account may not read CAST "
                                 "(ACLED grants it to some account types); events pulls are "
                                 "not affected")
    assert PASSWORD not in str(failed.value)


def test_cast_without_an_account_says_which_settings_are_missing():
    with pytest.raises(SourceError, match="ACLED_USERNAME"):
        cast_forecasts(date(2025, 7, 1), BORDERS, creds=Credentials())


def forecast_rows() -> pd.DataFrame:
    return pd.DataFrame([
        {"iso3": "MLI", "admin1": "Segou", "year": 2025, "month": 7, "total": 16.0,
         "battles": 6.0, "erv": 3.0, "vac": 7.0, "issued": ""},
        {"iso3": "NER", "admin1": "<b>Tillaberi</b>", "year": 2025, "month": 7, "total": 4.0,
         "battles": 1.0, "erv": 1.0, "vac": 2.0, "issued": ""},
        {"iso3": "NER", "admin1": "Nowhere", "year": 2025, "month": 7, "total": 9.0,
         "battles": 1.0, "erv": 1.0, "vac": 2.0, "issued": ""}])


def test_cast_rings_sit_at_their_admin1_s_events_and_grow_with_the_forecast():
    events = pd.DataFrame({"iso3": ["MLI", "MLI", "NER"],
                           "admin1": ["Segou", "Segou", "<b>Tillaberi</b>"],
                           "lat": [13.0, 14.0, 14.2], "lon": [-6.0, -5.0, 1.5]})
    layer = cast_rings(forecast_rows(), events, {"MLI": "Mali", "NER": "Niger"}, "July 2025")
    assert layer is not None
    segou, tillaberi = layer.rings  # Nowhere has no event to place it: left out
    assert (segou["lat"], segou["lon"], segou["radius"]) == (13.5, -5.5, 12.0)
    assert tillaberi["radius"] == 8.0 and tillaberi["lines"][0] == "<b>Tillaberi</b>, Niger"
    assert segou["lines"][1:] == [
        "16 events expected in July 2025 (ACLED CAST forecast)",
        "battles 6; explosions/remote violence 3; violence against civilians 7"]
    base = folium.Map(tiles=None)
    layer_group("cast", layer).add_to(base)
    html = base.get_root().render()
    assert "<b>Tillaberi" not in html and "line.textContent = text" in html
    assert cast_legend(layer, "July 2025")[0][1][0][2] == (
        "Events expected in July 2025 per admin1 (ring area)")
    assert cast_rings(forecast_rows(), events.iloc[:0], {}, "July 2025") is None
    assert cast_legend(None, "July 2025") == []


def test_the_situation_map_draws_cast_rings_with_their_legend(tmp_path):
    import re
    from datetime import timedelta

    from conftest import write_data
    from test_flares_layer import user_set

    from geo.facts import load_facts
    from geo.situation import situation_map
    from geo.timeline import DateWindow
    from geo.viewstate import ViewState

    facts = load_facts(write_data(tmp_path / "data"))
    day = date(2025, 6, 20)
    view = ViewState(day, DateWindow(day - timedelta(days=30), day))
    html = situation_map(facts, view, user_set(), forecasts=forecast_rows()
                         ).whole().get_root().render()
    drawn = [r for block in re.findall(r"(\[\{\"dash\".*?\}\])\.forEach", html, re.S)
             for r in json.loads(block)]
    assert [r["lines"][:2] for r in drawn] == [
        ["Segou, Land MLI", "16 events expected in Jul 2025 (ACLED CAST forecast)"]]
    assert "ACLED CAST forecast" in html and "Events expected in Jul 2025 per admin1" in html
    plain = situation_map(facts, view, user_set()).whole().get_root().render()
    assert "ACLED CAST forecast" not in plain


@pytest.mark.parametrize(("day", "month"), [(date(2025, 6, 20), date(2025, 7, 1)),
                                            (date(2025, 12, 31), date(2026, 1, 1)),
                                            (date(2025, 1, 1), date(2025, 2, 1))])
def test_cast_is_read_for_the_month_after_the_as_of_date(day, month):
    from app.flares import next_month

    assert next_month(day) == month
