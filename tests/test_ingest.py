"""Bring-your-own events: formats, encodings, separators, dates, and a reason for every rejection."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT, write_data
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.facts import load_borders
from geo.i18n import translator
from geo.ingest import (
    IngestError,
    detect_format,
    ingest_bytes,
    parse_date,
    read_table,
)

# Inside the fixture squares: MLI x -4..-2, NER -2..0, GHA 0..2; y 12..14.
ACLED = """event_id_cnty,event_date,year,event_type,sub_event_type,country,iso,location,latitude,longitude,notes,source,fatalities
MLI1,01 January 2023,2023,Battles,Armed clash,Land MLI,466,Kati,13.0,-3.0,Clash near Kati.,Reuters; AFP,2
NER1,15 February 2023,2023,Protests,Peaceful protest,Land NER,562,Niamey,13.5,-1.0,March in town.,RFI,0
NER2,2023-02-31,2023,Protests,Peaceful protest,Land NER,562,Niamey,13.5,-1.0,Bad date.,RFI,0
NER3,16 February 2023,2023,Protests,Peaceful protest,Land NER,562,Niamey,0,0,No location.,RFI,0
NER4,17 February 2023,2023,Protests,Peaceful protest,Land NER,562,Niamey,-1.0,13.5,Swapped.,RFI,0
GHA1,18 February 2023,2023,Riots,Mob violence,Land GHA,288,Accra,13.0,-3.0,Point in Mali.,RFI,0
XXX1,18 February 2023,2023,Riots,Mob violence,Atlantis,999,Nowhere,13.0,1.0,Unknown country.,RFI,0
MLI1,19 February 2023,2023,Battles,Armed clash,Land MLI,466,Kati,13.0,-3.0,Duplicate id.,RFI,0
MLI2,,2023,Battles,Armed clash,Land MLI,466,Kati,13.0,-3.0,No date.,RFI,0
MLI3,20 February 2023,2023,Battles,Armed clash,Land MLI,466,Kati,95,-3.0,Out of range.,RFI,0
"""
UCDP = """id,year,type_of_violence,country,where_coordinates,latitude,longitude,date_start,date_end,source_article,best
7001,2022,1,Land NER,Tillabéri,13.2,-0.5,2022-05-01 00:00:00.000,2022-05-01 00:00:00.000,https://example.org/ucdp,4
7002,2022,3,Land MLI,Mopti,13.1,-3.5,2022-06-03 00:00:00.000,2022-06-03 00:00:00.000,AFP,9
"""


@pytest.fixture(scope="module")
def borders(tmp_path_factory):
    return load_borders(write_data(tmp_path_factory.mktemp("d")) / "borders.geojson")


def test_acled_rows_are_loaded_or_rejected_with_their_reasons(borders):
    report = ingest_bytes(ACLED.encode(), "acled.csv", borders)
    assert report.format == "acled"
    assert list(report.loaded["id"]) == ["MLI1", "NER1"]
    assert list(report.loaded["date"]) == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-02-15")]
    assert list(report.loaded["iso3"]) == ["MLI", "NER"]
    reasons = dict(zip(report.rejected["row"], report.rejected["reasons"], strict=True))
    assert len(report.loaded) + len(report.rejected) == 10  # every row accounted for
    assert "unparseable date '2023-02-31'" in reasons[4]
    assert "exactly 0,0" in reasons[5]
    assert "look swapped" in reasons[6]
    assert "outside GHA" in reasons[7]
    assert "'999' is not one of the map's countries" in reasons[8]
    assert "duplicate id 'MLI1'" in reasons[9]
    assert "missing date" in reasons[10]
    assert "out of range" in reasons[11]
    assert report.summary() == "acled.csv: 10 rows read as acled; 2 loaded, 8 rejected."


def test_reasons_and_messages_in_french(borders):
    tr = translator("fr")
    report = ingest_bytes(ACLED.encode(), "acled.csv", borders, tr=tr)
    assert list(report.loaded["id"]) == ["MLI1", "NER1"]  # same verdicts in any language
    reasons = dict(zip(report.rejected["row"], report.rejected["reasons"], strict=True))
    assert "date illisible '2023-02-31'" in reasons[4]
    assert "semblent inversées" in reasons[6]
    assert "'MLI1' en double" in reasons[9]
    assert "champ manquant : date" in reasons[10]
    assert report.notes == ("Encodage : UTF-8.", "Séparateur : virgule.")
    with pytest.raises(IngestError, match="vide"):
        read_table(b"  ", "vide.csv", tr)
    with pytest.raises(IngestError, match="classeur Excel illisible"):
        read_table(b"PK", "classeur.xlsx", tr)


def test_ucdp_rows_map_their_columns(borders):
    report = ingest_bytes(UCDP.encode(), "ged.csv", borders)
    assert report.format == "ucdp" and report.rejected.empty
    assert list(report.loaded["title"]) == ["State-based conflict", "One-sided violence"]
    assert list(report.loaded["date"].dt.date) == [date(2022, 5, 1), date(2022, 6, 3)]


@pytest.mark.parametrize(("encoding", "bom", "sep"), [
    ("utf-8", False, ","), ("utf-8", True, ";"), ("latin-1", False, "\t"), ("utf-8", False, "\t")])
def test_encodings_and_separators(borders, encoding, bom, sep):
    text = UCDP.replace(",", sep)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    report = ingest_bytes(data, "ged.csv", borders)
    assert len(report.loaded) == 2
    assert report.loaded.iloc[0]["place"] == "Tillabéri"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.csv", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "image.csv", "does not look like a table"),
    (b"just one line of prose", "note.txt", "does not look like a table"),
    (b'{"type": "FeatureCollection", "features": []}', "empty.geojson", "with features"),
    (b"{not json", "broken.geojson", "not valid JSON"),
    (b"PK\x03\x04", "sheet.xlsx", "not a readable Excel workbook"),
    (b"PK", "sheet.xlsx", "not a readable Excel workbook"),
])
def test_files_that_are_not_tables_get_a_clear_message(data, name, message):
    with pytest.raises(IngestError, match=message):
        read_table(data, name)


def test_unknown_columns_ask_for_a_mapping(borders):
    text = "when,y,x,land\n2023-01-01,13,-1,NER\n"
    with pytest.raises(IngestError, match="map them by hand"):
        ingest_bytes(text.encode(), "mine.csv", borders)
    report = ingest_bytes(text.encode(), "mine.csv", borders,
                          mapping={"date": "when", "lat": "y", "lon": "x", "country": "land"})
    assert len(report.loaded) == 1 and report.loaded.iloc[0]["id"] == "mine.csv-row-2"


def test_geojson_points(borders):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-1.0, 13.0]},
         "properties": {"id": "g1", "date": "2023-03-01", "iso3": "NER", "category": "protest",
                        "lat": None, "lon": None}},
    ]}
    report = ingest_bytes(json.dumps(doc).encode(), "mine.geojson", borders,
                          mapping={"id": "id", "date": "date", "lat": "lat", "lon": "lon",
                                   "country": "iso3", "kind": "category"})
    assert list(report.loaded["id"]) == ["g1"] and report.loaded.iloc[0]["lat"] == 13.0


def test_project_format_is_recognised():
    assert detect_format(["id", "date", "lat", "lon", "iso3", "place", "category", "title"]) == \
        "project"
    assert detect_format(["foo", "bar"]) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_format_parses_to_the_same_day(day):
    expected = pd.Timestamp(day)
    assert parse_date(day.isoformat()) == expected
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == expected
    assert parse_date(f"{day.day} {day:%B} {day.year}") == expected
    assert parse_date(f"{day.isoformat()} 00:00:00.000") == expected


@given(st.text(max_size=30))
def test_parse_date_never_raises(text):
    result = parse_date(text)
    assert result is None or isinstance(result, pd.Timestamp)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(allow_nan=True, allow_infinity=True),
                          st.floats(allow_nan=True, allow_infinity=True),
                          st.sampled_from(["NER", "MLI", "GHA", "Mars", ""]),
                          st.text(max_size=12)), min_size=1, max_size=12))
@example(rows=[(0.0, 0.0, "NER", "\n\x00")])  # a NUL inside quoted line breaks (found here)
@example(rows=[(0.0, 0.0, "NER", "\r\x00")])
def test_no_row_is_lost_and_loaded_rows_are_valid(borders, rows):
    lines = ["id,date,lat,lon,iso3,place,category,title,summary,sources"]
    for i, (lat, lon, iso3, text) in enumerate(rows):
        safe = text.replace('"', '""')
        lines.append(f'e{i},2023-01-01,{lat},{lon},{iso3},"{safe}",x,"{safe}","{safe}",')
    report = ingest_bytes("\n".join(lines).encode(), "p.csv", borders)
    # Each row is one record, loaded or rejected; a record whose quoted line breaks hold a NUL
    # byte falls apart into its lines, each rejected with its number (never fewer, never more
    # than the file's lines with text).
    body = "\n".join(lines[1:]).replace("\r\n", "\n").replace("\r", "\n")  # as the reader does
    text_lines = [line for line in body.split("\n") if line.strip()]
    assert len(rows) <= len(report.loaded) + len(report.rejected) <= len(text_lines)
    if not any("\x00" in text for *_, text in rows):
        assert len(report.loaded) + len(report.rejected) == len(rows)
    assert (report.rejected["reasons"].str.len() > 0).all()
    shapes = borders.set_index("iso3").geometry
    for row in report.loaded.itertuples():
        assert -90 <= row.lat <= 90 and (row.lat, row.lon) != (0, 0)
        assert shapes[row.iso3].distance(__import__("shapely").Point(row.lon, row.lat)) <= 0.25


def test_command_line_check(tmp_path, data_dir):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(UCDP, encoding="utf-8")
    bad.write_text(ACLED, encoding="utf-8")
    run = [sys.executable, "-m", "geo.ingest", "--data", str(data_dir)]
    ok = subprocess.run([*run, str(good)], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "2 loaded, 0 rejected" in ok.stdout
    failed = subprocess.run([*run, str(bad), "--rejected", str(tmp_path / "r.csv")], cwd=ROOT,
                            capture_output=True, text=True)
    assert failed.returncode == 1 and "row 6: latitude and longitude look swapped" in failed.stdout
    assert len(pd.read_csv(tmp_path / "r.csv")) == 8
    missing = subprocess.run([*run, str(tmp_path / "nope.csv")], cwd=ROOT, capture_output=True,
                             text=True)
    assert missing.returncode == 2 and "nope.csv" in missing.stderr
