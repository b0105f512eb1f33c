"""The charts as a reader reads them: every mark and colour drawn has its key, tooltips write
dates out in the page's language, and a brushed period snaps to whole days inside the window
and travels in the link (geo.charts, geo.viewstate)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from geo.charts import (
    BRUSH,
    brushed_period,
    country_lanes,
    coup_timeline,
    events_histogram,
    in_period,
    status_key,
)
from geo.i18n import translator
from geo.timeline import DateWindow
from geo.viewstate import brush_query, parse_brush
from geo.vocabulary import EVENT_CATEGORIES, OKABE_ITO

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

COUPS = pd.DataFrame({"date": pd.to_datetime(["2020-08-01", "2021-03-31"]),
                      "iso3": ["MLI", "NER"], "outcome": ["successful", "failed"],
                      "ousted": ["Keita", ""], "installed": ["Goita", ""]})
EVENTS = pd.DataFrame({"date": pd.to_datetime(["2023-08-01", "2023-08-17", "2023-09-02"]),
                       "category": ["protest", "ecowas", "protest"],
                       "title": ["A", "B", "C"]})
LANES = pd.DataFrame({
    "lane": ["Regime", "Regime", "ECOWAS", "ECOWAS"],
    "status": ["Civilian", "Military rule", "ECOWAS member", "Suspended from ECOWAS"],
    "start": pd.to_datetime(["2020-01-01", "2023-07-26", "2020-01-01", "2023-12-10"]),
    "end": pd.to_datetime(["2023-07-26", None, "2023-12-10", None]),
    "colour": ["#0072B2", "#D55E00", "#009E73", "#E69F00"],
})


def layers(spec: dict, data: dict | None = None) -> list[dict]:
    """The spec's layers, nested layers flattened, each with the data it draws."""
    out = []
    for layer in spec.get("layer", [spec]):
        inherited = layer.get("data", data)
        out += (layers(layer, inherited) if "layer" in layer
                else [{**layer, "data": inherited}])
    return out


def rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def tooltip_texts(spec: dict) -> list[str]:
    """Every value a tooltip of the chart shows, as the browser would get it."""
    out = []
    for layer in layers(spec):
        tips = layer.get("encoding", {}).get("tooltip", [])
        assert all(t["type"] != "temporal" for t in tips), tips  # d3 would write 2023-08-01
        out += [str(r.get(t["field"], "")) for r in rows(spec, layer) for t in tips]
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_coups_timeline_has_a_legend_of_its_marks_as_drawn(lang):
    tr = translator(lang)
    spec = coup_timeline(COUPS, {"MLI": "Mali", "NER": "Niger"}, date(2023, 8, 10), tr,
                         lang).to_dict()
    points = spec["layer"][0]["encoding"]
    ok, failed = tr("Successful"), tr("Failed or foiled")
    # One legend: the three channels share a title and a domain and none hides its legend.
    assert {points[c]["title"] for c in ("shape", "color", "fill")} == {tr("Outcome")}
    for channel in ("shape", "color", "fill"):
        assert points[channel]["scale"]["domain"] == [ok, failed]
        assert points[channel]["legend"] is not None
    assert points["shape"]["scale"]["range"] == ["circle", "triangle-up"]
    assert points["fill"]["scale"]["range"] == [OKABE_ITO["vermillion"], "transparent"]


def test_tooltips_and_the_as_of_label_write_dates_out_in_the_page_language():
    spec = coup_timeline(COUPS, {"MLI": "Mali", "NER": "Niger"}, date(2023, 8, 1),
                         translator("fr"), "fr").to_dict()
    texts = tooltip_texts(spec)
    assert "1er août 2020" in texts and "31 mars 2021" in texts
    assert not [t for t in texts if ISO_DAY.search(t)]
    labels = [r["label"] for layer in layers(spec) if layer["mark"]["type"] == "text"
              for r in rows(spec, layer)]
    assert labels == [translator("fr")("as of {date}").format(date="1er août 2023")]
    lanes = country_lanes(LANES, COUPS[:1], EVENTS, date(2023, 9, 5), date(2025, 6, 30),
                          translator("en"), "en").to_dict()
    texts = tooltip_texts(lanes)
    assert "26 July 2023" in texts and "17 August 2023" in texts
    assert not [t for t in texts if ISO_DAY.search(t)]
    assert not [t for t in tooltip_texts(events_histogram(EVENTS).to_dict()) if ISO_DAY.search(t)]


@pytest.mark.parametrize(("categories", "lang"), [
    (["protest", "ecowas", "protest"], "en"),
    (["protest", "ecowas", "protest"], "fr"),
    (list(EVENT_CATEGORIES), "fr"),  # all thirteen: none left out of the key
])
def test_the_histogram_key_lists_every_category_drawn_and_only_those(categories, lang):
    tr = translator(lang)
    events = pd.DataFrame({"date": pd.date_range("2023-08-01", periods=len(categories)),
                           "category": categories})
    spec = events_histogram(events, tr, lang, (date(2023, 6, 8), date(2023, 9, 5))).to_dict()
    colour = spec["encoding"]["color"]
    drawn = [k for k in EVENT_CATEGORIES if k in categories]  # the vocabulary's order
    assert colour["scale"]["domain"] == [tr(EVENT_CATEGORIES[k][0]) for k in drawn]
    assert colour["scale"]["range"] == [EVENT_CATEGORIES[k][1] for k in drawn]
    drawn_labels = {r["category_label"] for r in rows(spec, spec)}
    assert drawn_labels == set(colour["scale"]["domain"])
    # Below the plot in columns: a key to the right, taller than the 160 px plot, was cut.
    assert colour["legend"]["orient"] == "bottom" and colour["legend"]["symbolLimit"] == 0


def test_the_country_lanes_carry_a_colour_key_of_statuses_coups_and_events():
    tr = translator("en")
    spec = country_lanes(LANES, COUPS, EVENTS, date(2023, 9, 5), date(2025, 6, 30), tr,
                         "en").to_dict()
    bars, coups, events = (layer["encoding"] for layer in layers(spec)[:3])
    assert bars["color"]["legend"]["title"] == "Status"
    assert bars["color"]["scale"]["domain"] == list(LANES["status"])
    assert bars["color"]["scale"]["range"] == list(LANES["colour"])
    assert {coups[c]["legend"]["title"] for c in ("shape", "color", "fill")} == {"Coups"}
    assert coups["fill"]["scale"]["range"] == [OKABE_ITO["vermillion"], "transparent"]
    assert events["color"]["legend"]["title"] == "Events"
    assert events["color"]["scale"]["domain"] == ["ECOWAS decision or summit", "Protest"]
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_one_label_for_two_colours_is_told_apart_by_its_lane():
    lanes = pd.DataFrame({"lane": ["France", "Russia"], "status": ["Present", "Present"],
                          "colour": ["#0072B2", "#D55E00"]})
    assert list(status_key(lanes)) == ["Present (France)", "Present (Russia)"]
    assert list(status_key(LANES)) == list(LANES["status"])


def ms(day: datetime) -> float:
    return day.replace(tzinfo=UTC).timestamp() * 1000


WINDOW = DateWindow(date(2023, 6, 8), date(2023, 9, 5))


@pytest.mark.parametrize(("edges", "period"), [
    # midnight to midnight: the days between, the end edge's day left out
    ((datetime(2023, 8, 14), datetime(2023, 8, 21)), (date(2023, 8, 14), date(2023, 8, 20))),
    # edges inside days snap to the nearest midnight
    ((datetime(2023, 8, 13, 20), datetime(2023, 8, 21, 5)),
     (date(2023, 8, 14), date(2023, 8, 20))),
    # a browser an hour ahead of UTC: its midnights are 23:00 UTC the day before
    ((datetime(2023, 8, 13, 23), datetime(2023, 8, 20, 23)),
     (date(2023, 8, 14), date(2023, 8, 20))),
    # dragged right to left
    ((datetime(2023, 8, 21), datetime(2023, 8, 14)), (date(2023, 8, 14), date(2023, 8, 20))),
    # narrower than a day: still one whole day
    ((datetime(2023, 8, 14, 10), datetime(2023, 8, 14, 11)),
     (date(2023, 8, 14), date(2023, 8, 14))),
    # past the window's edges (the axis runs to the end of its last day): cut to it
    ((datetime(2023, 5, 1), datetime(2023, 9, 20)), (WINDOW.start, WINDOW.end)),
    ((datetime(2023, 9, 1), datetime(2023, 9, 6)), (date(2023, 9, 1), date(2023, 9, 5))),
    # wholly outside: nothing
    ((datetime(2023, 1, 1), datetime(2023, 2, 1)), None),
])
def test_a_brush_snaps_to_whole_days_inside_the_window(edges, period):
    selection = {BRUSH: {"week": [ms(edges[0]), ms(edges[1])]}}
    got = brushed_period(selection, WINDOW)
    assert (got.start, got.end) == period if period else got is None


@pytest.mark.parametrize("selection", [{}, {BRUSH: {}}, {BRUSH: {"week": [1]}},
                                       {BRUSH: {"week": ["not", "dates"]}}, {"other": {}}])
def test_no_brush_is_no_period(selection):
    assert brushed_period(selection, WINDOW) is None


def test_events_in_a_period_include_both_days():
    period = DateWindow(date(2023, 8, 1), date(2023, 8, 17))
    assert list(in_period(EVENTS, period)["title"]) == ["A", "B"]
    assert list(in_period(EVENTS, None)["title"]) == ["A", "B", "C"]


@pytest.mark.parametrize(("text", "period", "message"), [
    ("2023-08-14,2023-08-20", (date(2023, 8, 14), date(2023, 8, 20)), None),
    (" 2023-08-14 , 2023-08-14 ", (date(2023, 8, 14), date(2023, 8, 14)), None),
    ("2023-05-01,2023-06-10", (WINDOW.start, date(2023, 6, 10)), None),  # cut to the window
    ("2023-01-01,2023-02-01", None, "lies outside the event window, 8 June 2023 – 5 September "
                                    "2023"),
    ("2023-08-20,2023-08-14", None, "is not two days FIRST,LAST"),
    ("2023-02-30,2023-03-01", None, "is not two days FIRST,LAST"),
    ("last week", None, "The brushed period `last week` in the link"),
    ("2023-08-14", None, "is not two days FIRST,LAST"),
    ("2023-08-14,2023-08-15,2023-08-16", None, "is not two days FIRST,LAST"),
])
def test_a_brush_in_a_link_is_parsed_or_reported(text, period, message):
    got, problems = parse_brush(text, WINDOW)
    assert ((got.start, got.end) if got else None) == period
    if message is None:
        assert problems == []
    else:
        assert len(problems) == 1 and message in problems[0], problems


def test_a_bad_brush_is_reported_in_the_page_language_and_a_good_one_round_trips():
    _, (problem,) = parse_brush("2023-01-01,2023-01-02", WINDOW, "fr")
    assert "1er janvier 2023 – 2 janvier 2023" in problem and "8 juin 2023" in problem
    _, (problem,) = parse_brush("<b>x</b>", WINDOW, "fr")
    assert "`<b>x</b>`" in problem  # link text is made inert (code) before it reaches the page
    period = DateWindow(date(2023, 8, 14), date(2023, 8, 20))
    assert brush_query(period) == {"brush": "2023-08-14,2023-08-20"}
    assert parse_brush(brush_query(period)["brush"], WINDOW) == (period, [])
    assert brush_query(None) == {}


def test_the_histogram_draws_a_linked_brush_where_it_was():
    period = DateWindow(date(2023, 8, 14), date(2023, 8, 20))
    spec = events_histogram(EVENTS, window=(WINDOW.start, WINDOW.end), brushed=period).to_dict()
    (param,) = spec["params"]
    start, end = param["value"]["x"]
    assert (start["year"], start["month"], start["date"]) == (2023, 8, 14)
    assert (end["year"], end["month"], end["date"]) == (2023, 8, 21)  # the end of the last day
    assert start["utc"] and end["utc"]
    assert "value" not in events_histogram(EVENTS).to_dict()["params"][0]
