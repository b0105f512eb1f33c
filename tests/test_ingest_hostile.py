"""Hostile and broken files: every row is loaded or rejected by line, nothing crashes or shifts."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from conftest import write_data

from geo import ingest as ingest_module
from geo.facts import load_borders
from geo.ingest import IngestError, ingest_bytes, read_table

HEADER = "event_date,latitude,longitude,event_type,country"
GOOD = "2026-10-01,13.5,-1.0,Battles,Land NER"  # inside the fixture's NER square


@pytest.fixture(scope="module")
def borders(tmp_path_factory):
    return load_borders(write_data(tmp_path_factory.mktemp("d")) / "borders.geojson")


def data_lines(data: bytes) -> int:
    """Non-empty lines after the header: what the report must account for, one by one."""
    text = data.decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines()[1:] if line.strip())


def accounted(report, lines: int) -> None:
    assert len(report.loaded) + len(report.rejected) == lines
    assert sorted([*report.loaded["row"], *report.rejected["row"]]) == sorted(
        set([*report.loaded["row"], *report.rejected["row"]]))  # each line once


def test_bom_then_an_invalid_byte_loads_and_names_the_line(borders):
    data = b"\xef\xbb\xbf" + f"{HEADER}\n{GOOD}\xff\n{GOOD}\n".encode("latin-1")
    report = ingest_bytes(data, "bom.csv", borders)
    accounted(report, 2)
    assert len(report.loaded) == 1  # the damaged country name is rejected, the other row loads
    assert report.rejected["row"].tolist() == [2]
    assert any("replaced" in note and "line(s) 2" in note for note in report.notes)


def test_windows_1252_text_keeps_its_curly_quotes_and_euro(borders):
    text = f"{HEADER},notes\n{GOOD},\u201cCo\u00fbt\u201d 5 \u20ac\n"
    report = ingest_bytes(text.encode("cp1252"), "win.csv", borders,
                          mapping={"date": "event_date", "lat": "latitude", "lon": "longitude",
                                   "country": "country", "summary": "notes"})
    assert report.loaded["summary"].tolist() == ["\u201cCo\u00fbt\u201d 5 \u20ac"]
    assert "Windows-1252" in report.notes[0]


def test_utf16_with_a_bom_is_decoded_and_without_one_is_named(borders):
    text = f"{HEADER}\n{GOOD}\n"
    report = ingest_bytes(text.encode("utf-16"), "excel.txt", borders)
    assert len(report.loaded) == 1 and "UTF-16" in report.notes[0]
    with pytest.raises(IngestError, match="UTF-16 without its byte-order mark"):
        read_table(text.encode("utf-16-le"), "excel.txt")


def test_a_stray_opening_quote_costs_only_its_own_line(borders):
    lines = [GOOD, '2026-10-02,13.5,-1.0,"Battles,Land NER', GOOD, GOOD]
    data = "\n".join([HEADER, *lines]).encode()
    report = ingest_bytes(data, "quote.csv", borders)
    accounted(report, 4)
    assert report.loaded["row"].tolist() == [2, 4, 5]
    assert report.rejected["row"].tolist() == [3]
    assert "quote" in report.rejected["reasons"].iloc[0]


@pytest.mark.parametrize("bad", ['2026-10-03,13.5,-1.0,Battles,"Land NER',
                                 "2026-10-03,13.5,-1.0,Battles,Land NER,extra"])
def test_one_malformed_line_among_5000_good_rows_rejects_only_that_line(borders, bad):
    rows = [GOOD] * 2500 + [bad] + [GOOD] * 2500
    if bad.endswith('"Land NER'):
        rows = [GOOD] * 5000 + [bad]  # an unclosed quote at the very end
    report = ingest_bytes("\n".join([HEADER, *rows]).encode(), "big.csv", borders)
    accounted(report, 5001)
    assert len(report.loaded) == 5000
    line = rows.index(bad) + 2
    assert report.rejected["row"].tolist() == [line]


def test_a_quoted_cell_with_line_breaks_is_one_row(borders):
    data = f'{HEADER},notes\n{GOOD},"first line\nsecond, line"\n{GOOD},x\n'.encode()
    report = ingest_bytes(data, "multi.csv", borders,
                          mapping={"date": "event_date", "lat": "latitude", "lon": "longitude",
                                   "country": "country", "summary": "notes"})
    assert report.rejected.empty
    assert report.loaded["summary"].tolist() == ["first line\nsecond, line", "x"]
    assert report.loaded["row"].tolist() == [2, 4]


@pytest.mark.parametrize("day", ["9999-12-31", "2099-01-01", "1900-01-01", "1677-09-21",
                                 "2262-04-12", "2019-12-31"])
def test_dates_the_dashboard_can_never_show_are_rejected(borders, day):
    data = f"{HEADER}\n{day},13.5,-1.0,Battles,Land NER\n{GOOD}\n".encode()
    report = ingest_bytes(data, "dates.csv", borders, last=date(2026, 11, 29))
    accounted(report, 2)
    assert report.rejected["row"].tolist() == [2]
    assert "outside 2020-01-01 to 2026-11-29" in report.rejected["reasons"].iloc[0]


def test_the_curation_date_is_the_last_day(borders):
    data = f"{HEADER}\n2026-11-30,13.5,-1.0,Battles,Land NER\n".encode()
    assert len(ingest_bytes(data, "d.csv", borders, last=date(2026, 11, 29)).rejected) == 1
    assert len(ingest_bytes(data, "d.csv", borders, last=date(2026, 11, 30)).loaded) == 1


@pytest.mark.parametrize("text", ["2026-10-05 garbage", "2026-10-05T99:99", "2026-10-05T24:00",
                                  "2026-10-05 12:61:00"])
def test_dates_with_trailing_garbage_or_impossible_times_are_rejected(borders, text):
    data = f"{HEADER}\n{text},13.5,-1.0,Battles,Land NER\n".encode()
    report = ingest_bytes(data, "t.csv", borders)
    assert report.loaded.empty and "unparseable date" in report.rejected["reasons"].iloc[0]


def test_a_valid_time_is_accepted(borders):
    data = f"{HEADER}\n2026-10-05T23:59:59Z,13.5,-1.0,Battles,Land NER\n".encode()
    assert ingest_bytes(data, "t.csv", borders).loaded["date"].tolist() == [
        pd.Timestamp("2026-10-05")]


def test_month_first_files_are_detected_by_a_day_above_12(borders):
    rows = ["10/1/2026,13.5,-1.0,Battles,Land NER", "11/13/2026,13.5,-1.0,Battles,Land NER"]
    report = ingest_bytes("\n".join([HEADER, *rows]).encode(), "us.csv", borders,
                          last=date(2026, 12, 31))
    assert report.loaded["date"].tolist() == [pd.Timestamp("2026-10-01"),
                                              pd.Timestamp("2026-11-13")]
    assert not report.ambiguous_dates


def test_ambiguous_slash_dates_warn_and_can_be_read_month_first(borders):
    data = f"{HEADER}\n03/04/2023,13.5,-1.0,Battles,Land NER\n".encode()
    auto = ingest_bytes(data, "amb.csv", borders)
    assert auto.ambiguous_dates and any("03/04/2023" in n for n in auto.notes)
    assert auto.loaded["date"].tolist() == [pd.Timestamp("2023-04-03")]
    chosen = ingest_bytes(data, "amb.csv", borders, date_order="mdy")
    assert chosen.loaded["date"].tolist() == [pd.Timestamp("2023-03-04")]


def test_mixed_slash_orders_warn(borders):
    rows = ["13/01/2023,13.5,-1.0,Battles,Land NER", "01/13/2023,13.5,-1.0,Battles,Land NER"]
    report = ingest_bytes("\n".join([HEADER, *rows]).encode(), "mixed.csv", borders)
    accounted(report, 2)
    assert report.ambiguous_dates and any("mixes" in n for n in report.notes)
    assert report.loaded["date"].tolist() == [pd.Timestamp("2023-01-13")]


def test_an_empty_iso_falls_back_to_the_country_name(borders):
    data = (b"event_id_cnty,event_date,latitude,longitude,event_type,iso,country\n"
            b"A1,2023-01-05,13.5,-1.0,Battles,,Land NER\n")
    report = ingest_bytes(data, "acled.csv", borders)
    assert report.loaded["iso3"].tolist() == ["NER"]


def test_duplicate_column_names_are_said(borders):
    data = f"{HEADER},country\n{GOOD},Land GHA\n".encode()
    report = ingest_bytes(data, "dup.csv", borders)
    assert report.loaded["iso3"].tolist() == ["NER"]  # the first 'country' column
    assert any("`country` appears more than once" in n for n in report.notes)


def test_geojson_nested_10000_levels_deep_gets_a_message(borders):
    deep = '{"type": "FeatureCollection", "features": ' + "[" * 10000 + "]" * 10000 + "}"
    with pytest.raises(IngestError, match="nested too deeply"):
        ingest_bytes(deep.encode(), "deep.geojson", borders)


def test_geojson_features_of_the_wrong_shape_are_rejected_one_by_one(borders):
    point = {"type": "Point", "coordinates": [-1.0, 13.5]}
    good = {"type": "Feature", "geometry": point,
            "properties": {"date": "2026-10-01", "iso3": "NER"}}
    doc = {"type": "FeatureCollection", "features": [
        1, good, {"type": "Feature", "geometry": "POINT (1 2)", "properties": {"date": "x"}},
        {"type": "Feature", "geometry": point, "properties": "abc"}, None]}
    mapping = {"date": "date", "lat": "lat", "lon": "lon", "country": "iso3"}
    report = ingest_bytes(json.dumps(doc).encode(), "odd.geojson", borders, mapping=mapping)
    accounted(report, 5)
    assert report.loaded["row"].tolist() == [2]
    reasons = dict(zip(report.rejected["row"], report.rejected["reasons"], strict=True))
    assert "not a JSON object" in reasons[1] and "not a JSON object" in reasons[5]
    assert "missing latitude" in reasons[3]
    assert "properties are not a JSON object" in reasons[4]


def test_file_names_in_messages_are_inert_markdown():
    with pytest.raises(IngestError) as caught:
        read_table(b"", "[click](https://evil.example).csv")
    assert "`[click](https://evil.example).csv`" in str(caught.value)


def test_the_command_line_says_a_crash_in_one_line_with_its_own_status(
        tmp_path, data_dir, monkeypatch, capsys):
    path = tmp_path / "f.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(ingest_module, "ingest_file", broken)
    status = ingest_module.main([str(path), "--data", str(data_dir)])
    err = capsys.readouterr().err
    assert status == ingest_module.EXIT_CRASH == 3
    assert err.count("\n") == 1 and "internal error (KeyError)" in err


def test_the_command_line_exit_status_for_rejected_rows_and_a_clean_file(
        tmp_path, data_dir, capsys):
    clean, mixed = tmp_path / "clean.csv", tmp_path / "mixed.csv"
    clean.write_text(f"{HEADER}\n2023-10-01,13.5,-1.0,Battles,Land NER\n", encoding="utf-8")
    mixed.write_text(f"{HEADER}\n2023-10-01,13.5,-1.0,Battles,Land NER\n"
                     "2023-10-01,13.5,-1.0,=HYPERLINK(1),Atlantis\n", encoding="utf-8")
    out = tmp_path / "rejected.csv"
    assert ingest_module.main([str(clean), "--data", str(data_dir)]) == 0
    assert ingest_module.main([str(mixed), "--data", str(data_dir), "--rejected", str(out)]) == 1
    assert "'=HYPERLINK(1)" in out.read_text(encoding="utf-8")
