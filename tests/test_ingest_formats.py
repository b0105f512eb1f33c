"""Files of any kind and size: gzip, zip, Excel, Parquet and GeoJSON read like CSV; files read in
chunks give what one read gives; every line is loaded, rejected or counted as blank."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import date
from xml.sax.saxutils import escape

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import write_data

from geo import tablefile
from geo.facts import load_borders
from geo.ingest import IngestError, ingest_bytes, ingest_file, read_table, write_events

HEADER = "event_id_cnty,event_date,latitude,longitude,event_type,country,notes"
ROWS = [  # inside the fixture's squares: MLI x -4..-2, NER -2..0; y 12..14
    "A1,2023-03-01,13.0,-3.0,Battles,Land MLI,plain",
    "A2,2023-01-15,13.5,-1.0,Protests,Land NER,\"a, quoted note\"",
    "A3,2023-02-10,13.2,-3.5,Riots,Land MLI,",
    "A4,2023-02-31,13.2,-3.5,Riots,Land MLI,bad date",
]
CSV = "\n".join([HEADER, *ROWS]) + "\n"


@pytest.fixture(scope="module")
def borders(tmp_path_factory):
    return load_borders(write_data(tmp_path_factory.mktemp("d")) / "borders.geojson")


def verdicts(report) -> tuple[list[str], list[int]]:
    return sorted(report.loaded["id"]), sorted(report.rejected["row"])


def xlsx(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook (inline strings and numbers), as Excel writes the parts."""
    def cell(ref: str, value: object) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    sheet = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)
                                   if v != "") + "</row>"
        for r, row in enumerate(rows, start=1))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Events" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_gzip_and_zip_read_as_the_csv_inside(borders):
    plain = ingest_bytes(CSV.encode(), "e.csv", borders)
    assert verdicts(plain) == (["A1", "A2", "A3"], [5])
    packed = ingest_bytes(gzip.compress(CSV.encode()), "e.csv.gz", borders)
    assert verdicts(packed) == verdicts(plain) and "Compressed: gzip." in packed.notes
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export/e.csv", CSV)
        archive.writestr("__MACOSX/._e.csv", "mac")
    zipped = ingest_bytes(out.getvalue(), "e.zip", borders)
    assert verdicts(zipped) == verdicts(plain)
    assert any("export/e.csv" in note for note in zipped.notes)


def test_a_zip_of_several_files_or_a_damaged_gzip_is_named():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.csv", CSV)
        archive.writestr("b.csv", CSV)
    with pytest.raises(IngestError, match="zip file of 2 files; it should hold one CSV"):
        read_table(out.getvalue(), "two.zip")
    with pytest.raises(IngestError, match="cannot be unpacked"):
        read_table(gzip.compress(CSV.encode())[:30], "cut.csv.gz")


def test_excel_sheets_are_read_with_excel_row_numbers_and_hxl_tags_skipped(borders):
    rows = [[c for c in HEADER.split(",")],
            ["#event+id", "#date", "#geo+lat", "#geo+lon", "#event+type", "#country", ""],
            ["A1", "2023-03-01", 13.0, -3.0, "Battles", "Land MLI", "plain"],
            ["", "", "", "", "", "", ""],
            ["A4", "2023-02-31", 13.2, -3.5, "Riots", "Land MLI", "bad date"],
            ["A5", "2023-02-11", 13.2, -3.5, "Riots", "Land MLI", "x", "extra cell"]]
    report = ingest_bytes(xlsx(rows), "acled.xlsx", borders)
    assert report.loaded["id"].tolist() == ["A1"]
    assert report.loaded["lat"].tolist() == [13.0] and report.loaded["row"].tolist() == [3]
    reasons = dict(zip(report.rejected["row"], report.rejected["reasons"], strict=True))
    assert "unparseable date '2023-02-31'" in reasons[5]
    assert "8 fields where the header has 7" in reasons[6]
    assert any("HXL" in note for note in report.notes)
    assert report.blank_lines == 1


def test_parquet_files_are_read_by_row(borders):
    table = pa.table({"event_id_cnty": ["P1", "P2"], "event_date": pa.array(
        [date(2023, 3, 1), date(2023, 3, 2)], pa.date32()), "latitude": [13.0, 95.0],
        "longitude": [-3.0, -3.0], "event_type": ["Battles", "Riots"],
        "iso": pa.array([466, 466], pa.int64())})
    out = io.BytesIO()
    pq.write_table(table, out)
    report = ingest_bytes(out.getvalue(), "acled.parquet", borders)
    assert report.loaded["id"].tolist() == ["P1"] and report.loaded["iso3"].tolist() == ["MLI"]
    assert report.rejected["row"].tolist() == [2]
    assert "out of range" in report.rejected["reasons"].iloc[0]


def test_geojson_polygons_are_rejected_as_not_points(borders):
    square = {"type": "Polygon", "coordinates": [[[-3, 13], [-2.5, 13], [-2.5, 13.5], [-3, 13]]]}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-3.0, 13.0]},
         "properties": {"date": "2023-03-01", "iso3": "MLI"}},
        {"type": "Feature", "geometry": square, "properties": {"date": "2023-03-01",
                                                                "iso3": "MLI"}}]}
    report = ingest_bytes(json.dumps(doc).encode(), "areas.geojson", borders,
                          mapping={"date": "date", "lat": "lat", "lon": "lon", "country": "iso3"})
    assert report.loaded["row"].tolist() == [1]
    reason = report.rejected["reasons"].iloc[0]
    assert "feature 2 is not a point (its geometry is a `Polygon`)" in reason
    assert "missing latitude" not in reason


def test_a_cell_over_128_kib_costs_nothing(borders):
    long_note = "x" * 200_000
    rows = [ROWS[0], ROWS[1].replace('"a, quoted note"', f'"{long_note}"'), ROWS[2]]
    report = ingest_bytes("\n".join([HEADER, *rows]).encode(), "long.csv", borders)
    assert sorted(report.loaded["id"]) == ["A1", "A2", "A3"] and report.rejected.empty
    assert report.loaded.set_index("id").loc["A2", "summary"] == long_note


def test_blank_lines_of_spaces_or_separators_are_counted(borders):
    text = "\n".join([HEADER, ROWS[0], "   ", ",,,,,,", "", ' , "" ,', ROWS[2]]) + "\n"
    report = ingest_bytes(text.encode(), "gaps.csv", borders)
    assert sorted(report.loaded["id"]) == ["A1", "A3"] and report.rejected.empty
    assert report.blank_lines == 4
    assert "4 blank lines skipped" in report.summary()


def test_a_few_blank_lines_among_many_rows_are_counted_and_a_quoted_first_cell_is_a_row(
        borders):
    # few lines start with a space, a separator or a quote: only those are read whole
    rows = [ROWS[0].replace("A1,", f"R{k},", 1) for k in range(40)]
    rows[10:10] = ["   ", ",,,,,,", ' , "" ,', '"Q1"' + ROWS[2][2:], '""' + ROWS[2][2:]]
    report = ingest_bytes("\n".join([HEADER, *rows]).encode() + b"\n", "gaps.csv", borders)
    assert report.blank_lines == 3
    assert len(report.loaded) == 42 and "Q1" in set(report.loaded["id"])
    assert len(report.rejected) == 0 and len(report.loaded) + report.blank_lines == len(rows)


def test_a_bare_carriage_return_inside_quotes_does_not_split_the_row(borders):
    text = "\n".join([HEADER, ROWS[0].replace(",plain", ',"first\rsecond"'), ROWS[2]]) + "\n"
    report = ingest_bytes(text.encode(), "cr.csv", borders)
    assert report.rejected.empty and sorted(report.loaded["id"]) == ["A1", "A3"]
    assert report.loaded.set_index("id").loc["A1", "summary"] == "first\rsecond"
    outside = "\n".join([HEADER, ROWS[0] + "\rA9,x", ROWS[2]]) + "\n"
    report = ingest_bytes(outside.encode(), "cr.csv", borders)
    assert report.loaded["id"].tolist() == ["A3"]
    assert "carriage return (CR) outside quotes" in report.rejected["reasons"].iloc[0]


def test_old_mac_line_ends_are_lines(borders):
    report = ingest_bytes(CSV.replace("\n", "\r").encode(), "mac.csv", borders)
    assert verdicts(report) == (["A1", "A2", "A3"], [5])


def test_a_byte_that_is_not_utf8_late_in_a_file_names_its_line_and_offset(borders, monkeypatch):
    monkeypatch.setattr(tablefile, "CHUNK_BYTES", 64)
    body = "\n".join([HEADER, *ROWS[:3]]).encode() + b"\nA5,2023-02-11,13.2,-3.5,Riots,Land MLI,caf\xe9\n"
    report = ingest_bytes(body, "late.csv", borders)
    assert sorted(report.loaded["id"]) == ["A1", "A2", "A3", "A5"]
    assert report.loaded.set_index("id").loc["A5", "summary"] == "café"
    offset = body.index(b"\xe9")
    assert any(f"Byte {offset} (line 5) is not UTF-8" in note for note in report.notes)


@pytest.mark.parametrize("size", [16, 64, 100, 4096])
def test_small_chunks_read_as_one_read_does(borders, monkeypatch, size):
    rows = [*ROWS, 'B1,2023-03-03,13.0,-3.0,Battles,Land MLI,"two\nlines, one cell"',
            'B2,2023-03-04,13.0,-3.0,"Battles,Land MLI,unclosed', "", ",,,", *ROWS[:1] * 3,
            "B3,2023-03-05,13.0,-3.0,Battles,Land MLI,x,too,many",
            'B4,2023-03-06,13.0,-3.0,Battles,Land MLI,"q"x']
    text = "\n".join([HEADER, *rows]) + "\n"
    whole = ingest_bytes(text.encode(), "c.csv", borders)
    monkeypatch.setattr(tablefile, "CHUNK_BYTES", size)
    seen: list[tuple[int, int]] = []
    chunked = ingest_file(text.encode(), "c.csv", borders,
                          progress=lambda rows, rejected, done: seen.append((rows, rejected)))
    assert chunked.loaded.equals(whole.loaded) and chunked.rejected.equals(whole.rejected)
    assert chunked.blank_lines == whole.blank_lines == 2
    # the page's smaller chunks (app/upload.py) are asked for by argument: the same report
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(tablefile, "CHUNK_BYTES", 8 << 20)
    small = ingest_file(text.encode(), "c.csv", borders, chunk_bytes=size,
                        progress=lambda rows, rejected, done: asked.append((rows, rejected)))
    assert small.loaded.equals(whole.loaded) and small.rejected.equals(whole.rejected)
    assert asked == seen
    assert seen[-1] == (len(whole.loaded) + len(whole.rejected), len(whole.rejected))
    assert seen == sorted(seen)
    # every line after the header: a row (loaded or rejected), a blank line, or the second line
    # of the cell with a line break
    lines = text.count("\n") - 1
    assert len(whole.loaded) + len(whole.rejected) + whole.blank_lines + 1 == lines


def test_the_events_are_written_as_parquet_sorted_by_date(borders, tmp_path):
    report = ingest_bytes(CSV.encode(), "e.csv", borders)
    write_events(report, tmp_path / "events.parquet")
    got = duckdb.sql(f"SELECT id, date, deaths FROM '{tmp_path / 'events.parquet'}'").fetchall()
    assert [(i, d) for i, d, _ in got] == [("A2", date(2023, 1, 15)), ("A3", date(2023, 2, 10)),
                                           ("A1", date(2023, 3, 1))]


def test_a_directory_is_said_to_be_one(tmp_path, data_dir):
    from geo.ingest import main

    (tmp_path / "events.csv").mkdir()
    with pytest.raises(IngestError, match="is a directory"):
        read_table(tmp_path / "events.csv", "events.csv")
    assert main([str(tmp_path / "events.csv"), "--data", str(data_dir)]) == 2
