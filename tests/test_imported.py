"""Imported events as an analyst reads them: types, actors, fatalities and precision survive the
import, reach the map, the tables and the downloads, and the filters travel in the link."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import legend_labels, map_args, open_page, write_data

from geo import tablefile
from geo.engine import Events, Selection
from geo.exports import events_csv, events_geojson
from geo.facts import load_borders, load_facts
from geo.imported import (
    KIND_COLOURS,
    MAX_RADIUS,
    MIN_RADIUS,
    OTHER_KIND_COLOUR,
    UploadFilter,
    death_radius,
    filtered,
    kind_colours,
    weekly_deaths,
)
from geo.ingest import ingest_bytes, read_table
from geo.layers import upload_layer
from geo.situation import events_map
from geo.timeline import DateWindow
from geo.viewstate import ViewState, parse_view, view_query
from geo.vocabulary import contrast

pytestmark = pytest.mark.filterwarnings("ignore")

# Inside the fixture squares: MLI x -4..-2, NER -2..0, GHA 0..2; y 12..14.
# ACLED's export today (ISO dates, disorder_type, civilian_targeting, tags) ...
ACLED_NOW = """event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp
MLI1,2025-03-01,2025,1,Political violence,Battles,Armed clash,Military Forces of Mali (2021-),Wagner Group,1,JNIM: Group for Support of Islam and Muslims,,2,12,,466,Western Africa,Land MLI,Mopti,Douentza,,Boni,13.0,-3.0,1,Reuters,International,"Clash near Boni, ""heavy"" losses.",12,,1741000000
MLI2,2025-03-02,2025,2,Political violence,Violence against civilians,Attack,JNIM: Group for Support of Islam and Muslims,,2,Civilians (Mali),,7,27,Civilian targeting,466,Western Africa,Land MLI,Mopti,,,Mopti,13.2,-3.2,3,AFP,International,Attack on a village.,1,,1741000000
NER1,2025-03-03,2025,3,Demonstrations,Protests,Peaceful protest,Protesters (Niger),,6,,,0,60,,562,Western Africa,Land NER,Niamey,,,Niamey,13.5,-1.0,2,RFI,National,March in town.,0,crowd size=hundreds,1741000000
NER2,2025-03-04,2025,1,Political violence,Battles,Armed clash,Islamic State (Sahel),,2,Military Forces of Niger (2023-),,1,12,,562,Western Africa,Land NER,Tillaberi,,,Ayorou,13.1,-1.5,1,=cmd|' /C calc'!A0,National,Ambush.,,,1741000000
"""
# ... and the older one (data_id, event_id_no_cnty, iso3 last, dates as '3 March 2025').
ACLED_OLD = """data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3
9001,466,MLI1,1,1 March 2025,2025,1,Battles,Armed clash,Military Forces of Mali (2021-),Wagner Group,1,JNIM: Group for Support of Islam and Muslims,,2,12,Western Africa,Land MLI,Mopti,Douentza,,Boni,13.0,-3.0,1,Reuters,International,"Clash near Boni, ""heavy"" losses.",12,1741000000,MLI
9002,466,MLI2,2,2 March 2025,2025,2,Violence against civilians,Attack,JNIM: Group for Support of Islam and Muslims,,2,Civilians (Mali),,7,27,Western Africa,Land MLI,Mopti,,,Mopti,13.2,-3.2,3,AFP,International,Attack on a village.,1,1741000000,MLI
9003,562,NER1,1,3 March 2025,2025,3,Protests,Peaceful protest,Protesters (Niger),,6,,,0,60,Western Africa,Land NER,Niamey,,,Niamey,13.5,-1.0,2,RFI,National,March in town.,0,1741000000,NER
9004,562,NER2,2,4 March 2025,2025,1,Battles,Armed clash,Islamic State (Sahel),,2,Military Forces of Niger (2023-),,1,12,Western Africa,Land NER,Tillaberi,,,Ayorou,13.1,-1.5,1,=cmd|' /C calc'!A0,National,Ambush.,,1741000000,NER
"""
UCDP = """id,relid,year,active_year,type_of_violence,conflict_name,side_a,side_b,source_article,source_office,where_prec,where_coordinates,adm_1,latitude,longitude,country,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low
7001,MLI-1,2025,1,1,Mali: Government,Government of Mali,JNIM,https://example.org/ucdp1,AFP,1,Boni village,Mopti region,13.0,-3.0,Land MLI,1,2025-03-01 00:00:00.000,2025-03-01 00:00:00.000,2,8,0,0,10,14,8
7002,NER-1,2025,1,3,IS Sahel - civilians,IS Sahel,Civilians,AFP report,AFP,4,Tillaberi region,Tillaberi region,13.1,-1.5,Land NER,4,2025-03-05 00:00:00.000,2025-03-25 00:00:00.000,0,0,5,0,5,5,5
7003,NER-2,2025,1,2,Niger: communal,Militia A,Militia B,RFI,RFI,6,Niger,,13.4,-1.2,Land NER,3,2025-03-06 00:00:00.000,2025-03-12 00:00:00.000,1,1,0,0,2,2,2
"""
ACLED_EXPECTED = {  # id -> kind, sub_kind, actor1, actor2, deaths, admin1, place_precise, date_precision
    "MLI1": ("Battles", "Armed clash", "Military Forces of Mali (2021-)",
             "JNIM: Group for Support of Islam and Muslims", 12, "Mopti", True, "day"),
    "MLI2": ("Violence against civilians", "Attack",
             "JNIM: Group for Support of Islam and Muslims", "Civilians (Mali)", 1, "Mopti", False,
             "week"),
    "NER1": ("Protests", "Peaceful protest", "Protesters (Niger)", "", 0, "Niamey", True, "month"),
    "NER2": ("Battles", "Armed clash", "Islamic State (Sahel)", "Military Forces of Niger (2023-)",
             None, "Tillaberi", True, "day"),
}
SCHEMA = ["kind", "sub_kind", "actor1", "actor2", "deaths", "admin1", "place_precise",
          "date_precision"]


@pytest.fixture(scope="module")
def borders(tmp_path_factory):
    return load_borders(write_data(tmp_path_factory.mktemp("d")) / "borders.geojson")


def loaded(text: str, borders, **kwargs) -> pd.DataFrame:
    report = ingest_bytes(text.encode(), "file.csv", borders, last=date(2025, 6, 30), **kwargs)
    assert report.rejected.empty, report.rejected.to_dict("records")
    return report.loaded


def as_tuple(row: pd.Series) -> tuple:
    return tuple(None if pd.isna(row[c]) else row[c] for c in SCHEMA)


@pytest.mark.parametrize("text", [ACLED_NOW, ACLED_OLD], ids=["acled-today", "acled-older"])
def test_acled_types_actors_fatalities_and_precision_are_kept(borders, text):
    events = loaded(text, borders)
    assert {r["id"]: as_tuple(r) for _, r in events.iterrows()} == ACLED_EXPECTED
    assert list(events["date"].dt.day) == [1, 2, 3, 4]
    assert str(events["deaths"].dtype) == "Int64"
    # columns that fill none of our fields stay, as the file named them
    assert events.loc[0, "inter1"] == "1" and events.loc[0, "source_scale"] == "International"
    assert ("tags" in events) == (text is ACLED_NOW) and ("data_id" in events) == (text is ACLED_OLD)


def test_ucdp_types_sides_estimates_and_precision_are_kept(borders):
    events = loaded(UCDP, borders)
    assert list(events["kind"]) == ["State-based conflict", "One-sided violence",
                                    "Non-state conflict"]
    assert list(events["actor1"]) == ["Government of Mali", "IS Sahel", "Militia A"]
    assert list(events["actor2"]) == ["JNIM", "Civilians", "Militia B"]
    assert list(events["deaths"]) == [10, 5, 2]
    assert (list(events["deaths_low"]), list(events["deaths_high"])) == ([8, 5, 2], [14, 5, 2])
    assert list(events["place_precise"]) == [True, False, False]  # where_prec 1, 4, 6
    assert list(events["date_precision"]) == ["day", "month", "week"]  # date_prec 1, 4, 3
    assert list(events["admin1"]) == ["Mopti region", "Tillaberi region", ""]
    assert events.loc[0, "conflict_name"] == "Mali: Government"


@pytest.mark.parametrize(("cell", "reason"), [
    ("-1", "fatalities '-1' is not a whole number of 0 or more"),
    ("2.5", "fatalities '2.5' is not a whole number of 0 or more"),
    ("many", "fatalities 'many' is not a whole number of 0 or more"),
    ("inf", "fatalities 'inf' is not a whole number of 0 or more"),
    ("1e12", "fatalities '1e12' is not a whole number of 0 or more"),
    ("3.0", None), ("0", None), ("", None),
])
def test_fatalities_are_whole_numbers_or_the_row_is_rejected(borders, cell, reason):
    text = ACLED_NOW.replace(",Ambush.,,", f",Ambush.,{cell},")
    report = ingest_bytes(text.encode(), "f.csv", borders, last=date(2025, 6, 30))
    assert len(report.loaded) + len(report.rejected) == 4
    if reason is None:
        assert report.rejected.empty
        value = report.loaded.set_index("id").loc["NER2", "deaths"]
        assert (pd.isna(value) if cell == "" else value == int(float(cell)))
    else:
        assert report.rejected["row"].tolist() == [5]
        assert reason in report.rejected["reasons"].iloc[0]


@pytest.mark.parametrize(("change", "reason"), [
    ((",1,Reuters,", ",9,Reuters,"), "geo_precision '9' is not one of 1, 2, 3"),
    (("2025-03-01,2025,1,", "2025-03-01,2025,x,"), "time_precision 'x' is not one of 1, 2, 3"),
])
def test_unknown_precision_codes_reject_the_row(borders, change, reason):
    report = ingest_bytes(ACLED_NOW.replace(*change).encode(), "p.csv", borders,
                          last=date(2025, 6, 30))
    assert report.rejected["row"].tolist() == [2] and reason in report.rejected["reasons"][0]


def test_ucdp_estimates_out_of_order_are_rejected(borders):
    text = UCDP.replace(",10,14,8\n", ",10,9,8\n")  # high 9 below best 10
    report = ingest_bytes(text.encode(), "u.csv", borders, last=date(2025, 6, 30))
    assert report.rejected["row"].tolist() == [2]
    assert "low 8, best 10, high 9 are not in that order" in report.rejected["reasons"][0]


CSV_CASES = [
    ACLED_NOW,
    ACLED_NOW.replace("March in town.", '"March\nin town."'),  # a quoted cell on two lines
    ACLED_NOW.replace("Ambush.", '"Ambush'),  # an unclosed quote
    ACLED_NOW.replace("Ambush.", 'Amb"ush" x'),  # a quote inside a cell
    ACLED_NOW.replace(",Ambush.,", ',"Ambush" later,'),  # text after a closing quote
    ACLED_NOW + "\n\n,,,\n" + "a,b\n" + "x," * 40 + "\n",  # blank, separators only, short, wide
    "\n\n" + ACLED_NOW.replace("\n", "\r\n"),  # header further down, CRLF
    ACLED_NOW.replace("Boni,13.0", "Bo\x00ni,13.0"),  # a NUL byte
]


# Lines of every kind, shuffled into files by a seeded generator: well-formed ones, a quoted
# cell with a line break, stray and unclosed quotes, text after a closing quote, blank, wide.
POOL = ['2025-03-01,13.0,-3.0,Battles,Land MLI,"a, b"', "2025-03-02,13.5,-1.0,Riots,Land NER,x",
        '2025-03-03,13.5,-1.0,"Bat\ntles",Land NER,y', '2025-03-04,13.5,-1.0,"Battles,Land NER,z',
        '2025-03-05,13.5,-1.0,Battles,Land NER,"q"x', '2025-03-06,13.5,-1.0,Ba"tt"les,Land NER,',
        "", ",,,", "2025-03-07,13.5,-1.0,Battles,Land NER,w,extra,more", '"',
        '2025-03-08, "13.5",-1.0,Battles,Land NER,"v ""w"""']
RANDOM_FILES = ["event_date,latitude,longitude,event_type,country,notes\n" + "\n".join(
    np.random.default_rng(seed).choice(POOL, 12)) + "\n" for seed in range(40)]


@pytest.mark.parametrize("text", CSV_CASES + RANDOM_FILES)
def test_the_one_pass_reader_reads_what_the_line_by_line_reader_reads(borders, text, monkeypatch):
    fast = read_table(text.encode(), "x.csv")
    fast_report = ingest_bytes(text.encode(), "x.csv", borders, last=date(2025, 6, 30))
    monkeypatch.setattr(tablefile, "FAST", False)  # every line read by Python's csv module
    slow = read_table(text.encode(), "x.csv")
    slow_report = ingest_bytes(text.encode(), "x.csv", borders, last=date(2025, 6, 30))
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.broken, slow.broken)
    assert fast.notes == slow.notes
    pd.testing.assert_frame_equal(fast_report.rejected, slow_report.rejected)
    pd.testing.assert_frame_equal(fast_report.loaded, slow_report.loaded)


def test_upload_filters_keep_types_actors_fatalities_and_precision(borders):
    events = loaded(ACLED_NOW, borders)

    def ids(**kwargs) -> list[str]:
        return list(filtered(events, UploadFilter(**kwargs))["id"])

    assert ids() == ["MLI1", "MLI2", "NER1", "NER2"]
    assert ids(kinds=("Battles",)) == ["MLI1", "NER2"]
    assert ids(actors=("JNIM: Group for Support of Islam and Muslims",)) == ["MLI1", "MLI2"]
    assert ids(min_deaths=1) == ["MLI1", "MLI2"]  # no fatalities recorded counts as 0
    assert ids(min_deaths=13) == []
    assert ids(precise_only=True) == ["MLI1", "NER2"]  # MLI2: region only; NER1: month only
    assert ids(kinds=("Battles", "Protests"), min_deaths=5) == ["MLI1"]


@pytest.mark.parametrize(("params", "expected", "warned"), [
    ({}, UploadFilter(), None),
    ({"utype": "Battles|Protests"}, UploadFilter(kinds=("Battles", "Protests")), None),
    ({"actor": "JNIM: Group, for Support|Protesters (Niger)"},
     UploadFilter(actors=("JNIM: Group, for Support", "Protesters (Niger)")), None),
    ({"minfat": "10"}, UploadFilter(min_deaths=10), None),
    ({"minfat": "-3"}, UploadFilter(), "minimum of fatalities"),
    ({"minfat": "ten"}, UploadFilter(), "minimum of fatalities"),
    ({"minfat": "99999999"}, UploadFilter(), "minimum of fatalities"),
    ({"prec": "exact"}, UploadFilter(precise_only=True), None),
    ({"prec": "all"}, UploadFilter(), None),
    ({"prec": "fuzzy"}, UploadFilter(), "Unknown precision"),
    ({"utype": "|".join(f"t{i}" for i in range(150))},
     UploadFilter(kinds=tuple(f"t{i}" for i in range(100))), "too many"),
    ({"actor": "x" * 300 + "|ok"}, UploadFilter(actors=("ok",)), "too many"),
])
def test_upload_filters_in_the_link(params, expected, warned):
    view, warnings = parse_view(params, date(2025, 6, 30))
    assert view.upload == expected
    if warned is None:
        assert warnings == []
        assert parse_view(view_query(view), date(2025, 6, 30)) == (view, [])  # round trip
    else:
        assert len(warnings) == 1 and warned in warnings[0]


def test_the_link_of_a_filtered_view():
    view = ViewState(date(2025, 3, 31), DateWindow.ending(date(2025, 3, 31)),
                     upload=UploadFilter(("Battles",), ("A", "B, C"), 5, True))
    assert view_query(view) == {"date": "2025-03-31", "utype": "Battles", "actor": "A|B, C",
                                "minfat": "5", "prec": "exact"}


def test_type_colours_are_colour_blind_safe_distinct_and_visible():
    assert len(set(KIND_COLOURS)) == len(KIND_COLOURS) and OTHER_KIND_COLOUR not in KIND_COLOURS
    for colour in (*KIND_COLOURS, OTHER_KIND_COLOUR):
        assert contrast(colour, "#f4f4f4") >= 2.5, colour  # a hollow ring shows on pale land
    kinds = pd.DataFrame({"kind": ["b"] * 5 + ["a"] * 5 + ["c"] * 9 + [f"k{i}" for i in range(8)]})
    colours = kind_colours(kinds)
    assert list(colours)[:3] == ["c", "a", "b"]  # most frequent first, ties by name
    assert colours["c"] == KIND_COLOURS[0] and list(colours.values()).count(OTHER_KIND_COLOUR) == 4


@pytest.mark.parametrize(("deaths", "radius"), [
    (None, MIN_RADIUS), (0, MIN_RADIUS), (1, MIN_RADIUS), (4, 5.0), (16, 10.0), (64, 20.0),
    (10_000, MAX_RADIUS)])
def test_marker_area_grows_with_fatalities(deaths, radius):
    assert death_radius(deaths) == radius


def test_types_actors_and_fatalities_reach_the_map(borders, data_dir):
    facts = load_facts(data_dir)
    events = loaded(ACLED_NOW, borders)
    the_map = events_map(facts, facts.events.head(0), False, Events(events), "en")
    m = the_map.whole()
    html = m.get_root().render()
    data, shown = json.loads("[" + re.search(r"coupbelt\.events\(\w+, (.*)\);$", html,
                                             re.M).group(1) + "]")
    assert shown is None  # all of them
    by_id = {r[8]: r for r in data["rows"]}
    assert by_id["MLI1"][13] == 12 and by_id["MLI1"][10] == death_radius(12)
    assert by_id["NER2"][13] is None and by_id["NER2"][10] == MIN_RADIUS
    assert [by_id[i][11] for i in ("MLI1", "MLI2", "NER1", "NER2")] == [False, True, True, False]
    popup = by_id["MLI1"][12]
    assert "Type: Battles — Armed clash" in popup
    assert "Actors: Military Forces of Mali (2021-) · JNIM: Group for Support of Islam and " \
           "Muslims" in popup
    assert "Fatalities: 12 deaths" in popup
    assert "Located only to a region or the country" in " ".join(by_id["MLI2"][12])
    assert "Date known only to the month." in by_id["NER1"][12]
    cats = data["cats"]
    assert {by_id["MLI1"][2], by_id["NER2"][2]} == {0} and cats[0][0] == "Battles"
    assert len({tuple(c) for c in cats}) == 3


def test_the_legend_counts_each_type_and_shows_the_size_scale(borders, data_dir):
    facts = load_facts(data_dir)
    events = loaded(ACLED_NOW, borders)
    shown = Selection(date(2025, 3, 1), date(2025, 3, 31),  # all but NER1, the one protest
                      keep=UploadFilter(kinds=("Battles", "Violence against civilians")))
    layers = events_map(facts, facts.events.head(0), False, Events(events), "en", shown).layers
    script = "\n".join(_render(layer) for layer in layers)
    found = re.search(r"coupbelt\.legend\(\w+, (\".*?\"), (\[.*?\]), \"legend\"\)", script, re.S)
    sections = json.loads(found.group(2))
    texts = [e[2] for _, entries in sections for e in entries]
    headings = [h for h, _ in sections]
    assert "Your events (3)" in headings
    assert texts[:3] == ["Battles (2)", "Protests (0)", "Violence against civilians (1)"]
    sizes = [e for _, entries in sections for e in entries if "size" in e[0]]
    assert [e[2] for e in sizes] == ["1 death", "10 deaths", "50 deaths"]
    assert [float(e[3]) for e in sizes] == sorted(float(e[3]) for e in sizes)
    assert "Place or date imprecise (1)" in texts


def _render(group) -> str:
    import folium

    m = folium.Map(tiles=None)
    group.add_to(m)
    return m.get_root().render()


def test_aggregated_cells_carry_fatalities(borders):
    events = loaded(ACLED_NOW, borders)
    many = pd.concat([events] * 300, ignore_index=True).assign(
        id=lambda f: [f"e{i}" for i in range(len(f))])
    layer = upload_layer(Events(many), None)
    assert layer.cells
    deaths = np.frombuffer(base64.b64decode(layer.data["deaths"]), dtype="<u4")
    assert len(deaths) == len(many) and deaths.sum() == 300 * 13
    assert layer.data["withDeaths"] and layer.data["deathsText"] == {"one": "{count} death", "other": "{count} deaths"}
    small = upload_layer(Events(events), None)
    assert not small.cells and len(small.rows) == len(events)


def test_a_big_window_travels_counted_per_square_with_every_event_and_death(borders, monkeypatch):
    import geo.layers

    events = loaded(ACLED_NOW, borders)
    many = pd.concat([events] * 300, ignore_index=True).assign(
        id=lambda f: [f"e{i}" for i in range(len(f))])
    ungrouped = upload_layer(Events(many), None)
    monkeypatch.setattr(geo.layers, "GROUP_ABOVE", 100)  # this window is "big"
    layer = upload_layer(Events(many), None)

    def column(data, name, kind):
        return np.frombuffer(base64.b64decode(data[name]), dtype=kind)

    weights = column(layer.data, "weights", "<u4")
    assert layer.data["grouped"] == len(weights) < len(many) // 100  # far fewer rows sent
    assert weights.sum() == len(many) == layer.data["count"]
    assert column(layer.data, "deaths", "<u4").sum() == 300 * 13
    # each type keeps its count, and each square's centre lies within half a square of its events
    cats = column(layer.data, "cat", "u1")
    old = column(ungrouped.data, "cat", "u1")
    assert {c: int(weights[cats == c].sum()) for c in set(cats)} == {
        c: int((old == c).sum()) for c in set(old)}
    scale = layer.data["scale"]
    for name in ("lat", "lon"):
        grouped = column(layer.data, name, "<i2") / scale
        single = column(ungrouped.data, name, "<i2") / scale
        nearest = np.abs(single[:, None] - np.unique(grouped)[None, :]).min(axis=1)
        assert nearest.max() <= 0.5 / geo.layers.GROUP_GRID + 1 / scale


def test_types_actors_and_fatalities_reach_the_downloads(borders):
    events = loaded(ACLED_NOW, borders)
    text = events_csv(events)
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(back.columns[:10]) == ["id", "date", "lat", "lon", "iso3", "place", "category",
                                       "title", "summary", "sources"]
    assert list(back["kind"]) == ["Battles", "Violence against civilians", "Protests", "Battles"]
    assert list(back["actor2"])[:2] == ["JNIM: Group for Support of Islam and Muslims",
                                        "Civilians (Mali)"]
    assert list(back["deaths"]) == ["12", "1", "0", ""]
    assert list(back["place_precise"]) == ["True", "False", "True", "True"]
    assert back.loc[2, "tags"] == "crowd size=hundreds"  # the file's own column
    assert back.loc[3, "sources"].startswith("'=cmd")  # csv_safe: no formula runs
    assert "row" not in back.columns
    doc = json.loads(events_geojson(events))
    props = doc["features"][0]["properties"]
    assert props["deaths"] == 12 and props["actor1"] == "Military Forces of Mali (2021-)"
    assert doc["features"][3]["properties"]["deaths"] is None


def test_weekly_fatalities(borders):
    weeks = weekly_deaths(loaded(ACLED_NOW, borders))
    # 2025-03-01 and 02 are a Saturday and Sunday; 03 and 04 the next Monday and Tuesday
    assert weeks.to_dict("list") == {"week": [pd.Timestamp("2025-02-24"),
                                              pd.Timestamp("2025-03-03")],
                                     "events": [2, 2], "deaths": [13, 0]}


# --- the app: filters change what the map and the tables show, and travel in the link -------

@pytest.fixture
def app_with_upload(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    borders = load_borders(data_dir / "borders.geojson")
    report = ingest_bytes(ACLED_NOW.encode(), "acled.csv", borders, last=date(2025, 6, 30))

    def open_app(**params: str):
        at = open_page("pages/events.py", {"date": "2025-03-31", **params})
        at.session_state["upload_report"] = report
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return open_app


def marker_ids(at) -> set[str]:
    (component,) = at.get("component_instance")
    return {r[8] for rows, _count in map_args(component)["events"] for r in rows or []}


def upload_table(at) -> pd.DataFrame:
    """The table of the user's events in view (the page's last table of facts)."""
    from conftest import fact_tables

    return fact_tables(at)[-1]


def test_the_sidebar_filters_change_the_map_and_the_table_and_the_link(app_with_upload):
    at = app_with_upload()
    assert marker_ids(at) == {"MLI1", "MLI2", "NER1", "NER2"}
    assert set(upload_table(at)["kind"]) == {"Battles", "Violence against civilians", "Protests"}
    (component,) = at.get("component_instance")
    assert "Battles (2)" in legend_labels(map_args(component))
    at.multiselect(key="upload_kinds").set_value(["Battles"]).run()
    assert marker_ids(at) == {"MLI1", "NER2"}
    assert set(upload_table(at)["kind"]) == {"Battles"}
    assert at.query_params["utype"] == "Battles"
    at.number_input(key="upload_min_deaths").set_value(5).run()
    assert marker_ids(at) == {"MLI1"} and at.query_params["minfat"] == "5"
    at.multiselect(key="upload_kinds").set_value([]).run()
    at.number_input(key="upload_min_deaths").set_value(0).run()
    at.toggle(key="upload_precise").set_value(True).run()
    assert marker_ids(at) == {"MLI1", "NER2"} and at.query_params["prec"] == "exact"
    at.toggle(key="upload_precise").set_value(False).run()
    at.multiselect(key="upload_actors").set_value(["Protesters (Niger)"]).run()
    assert marker_ids(at) == {"NER1"} and list(upload_table(at)["actor1"]) == ["Protesters (Niger)"]
    assert "actor" in at.query_params


def test_a_link_with_filters_opens_filtered_and_keeps_them_across_pages(app_with_upload):
    at = app_with_upload(utype="Battles|Violence against civilians", minfat="1")
    assert marker_ids(at) == {"MLI1", "MLI2"}
    assert at.multiselect(key="upload_kinds").value == ["Battles", "Violence against civilians"]
    assert set(upload_table(at)["kind"]) == {"Battles", "Violence against civilians"}
    at.switch_page("pages/situation_map.py").run()
    assert marker_ids(at) == {"MLI1", "MLI2"}
    assert at.query_params["minfat"] == "1"


def test_the_downloads_hold_what_the_filters_keep(borders):
    from geo.situation import uploaded_in_view

    events = loaded(ACLED_NOW, borders)
    view = ViewState(date(2025, 3, 31), DateWindow.ending(date(2025, 3, 31)),
                     upload=UploadFilter(kinds=("Battles",), min_deaths=1))
    mine = Events(events)
    back = pd.read_csv(io.StringIO(events_csv(mine.frame(uploaded_in_view(mine, view)))), dtype=str)
    assert list(back["id"]) == ["MLI1"] and list(back["deaths"]) == ["12"]


def test_the_import_benchmark_runs_old_and_new_on_the_same_file():
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, "bench/ingest.py", "--rows", "2000", "--runs", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.count("old / new:") == 2, out.stdout
    assert "NOTE" not in out.stdout  # both paths account for the rows the same way
    assert "2,000 rows read as acled; 1,999 loaded, 1 rejected." in out.stdout


def test_a_file_of_many_types_keeps_seven_colours_and_one_grey_class(borders):
    events = loaded(ACLED_NOW, borders)
    many = pd.concat([events] * 300, ignore_index=True)
    many = many.assign(id=[f"e{i}" for i in range(len(many))],
                       kind=["Battles"] * 100 + [f"type {i}" for i in range(len(many) - 100)])
    layer = upload_layer(Events(many), None)
    assert layer.cells
    codes = np.frombuffer(base64.b64decode(layer.data["cat"]), dtype="u1")
    labels, colours = zip(*layer.data["cats"], strict=True)
    assert len(labels) == 8 and labels[-1] == "Other types"
    assert colours[-1] == OTHER_KIND_COLOUR and codes.max() == 7
    assert (codes == 0).sum() == 100  # Battles, the most frequent, first


@pytest.mark.parametrize("sources, items", [
    ("Studio Kalangou", ["Studio Kalangou"]),
    ("Studio Kalangou; RFI", ["Studio Kalangou; RFI"]),
    ("Reuters https://example.org/a AFP", ["Reuters", "https://example.org/a", "AFP"]),
    ("javascript:alert(1) <b>x</b>", ["javascript:alert(1) <b>x</b>"]),  # text, never a link
    ("", []), (None, []), (float("nan"), []),
])
def test_source_names_reach_the_popup_as_text(sources, items):
    from geo.layers import source_items

    assert source_items(sources) == items


def test_imported_events_are_ringed_and_named_by_their_sources(borders, data_dir):
    facts = load_facts(data_dir)
    the_map = events_map(facts, facts.events.head(0), False, Events(loaded(ACLED_NOW, borders)),
                         "en")
    html = the_map.whole().get_root().render()
    data, _ = json.loads("[" + re.search(r"coupbelt\.events\(\w+, (.*)\);$", html,
                                         re.M).group(1) + "]")
    assert data["ringed"] is True  # a white ring in a dark halo: never a curated event's look
    by_id = {r[8]: r for r in data["rows"]}
    assert by_id["MLI1"][7] == ["Reuters"] and by_id["NER1"][7] == ["RFI"]
    legend = re.search(r"coupbelt\.legend\(\w+, (\".*?\"), (\[.*?\]), \"legend\"\)", html, re.S)
    classes = [e[0] for _, entries in json.loads(legend.group(2)) for e in entries]
    assert "dot ringed" in classes
