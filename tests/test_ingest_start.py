"""The command line's import starts without geopandas: it reads the borders as plain shapely
polygons (geo.facts.load_border_shapes), checked as load_borders checks them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from conftest import write_data

from geo.facts import DataError, load_border_shapes, load_borders
from geo.ingest import country_codes, ingest_bytes

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_line_does_not_load_geopandas():
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, geo.ingest; print(sorted(m for m in "
         "('geopandas', 'pyproj', 'pyogrio') if m in sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[]"


@pytest.mark.parametrize("folder", ["fixture", "bundled"])
def test_the_shapes_are_those_of_load_borders(tmp_path, folder):
    path = (write_data(tmp_path / "d") if folder == "fixture" else ROOT / "data") / \
        "borders.geojson"
    plain, full = load_border_shapes(path), load_borders(path)
    assert list(plain["iso3"]) == list(full["iso3"])
    assert list(plain["name_fr"]) == list(full["name_fr"])
    assert all(shapely.equals_exact(a, b, 1e-12)
               for a, b in zip(plain["geometry"], full.geometry, strict=True))
    assert country_codes(plain) == country_codes(full)


def test_both_give_the_same_verdicts(tmp_path):
    path = write_data(tmp_path / "d") / "borders.geojson"
    text = ("event_id_cnty,event_date,latitude,longitude,event_type,country\n"
            "A1,2023-03-01,13.0,-3.0,Battles,Land MLI\n"  # inside
            "A2,2023-03-01,-3.0,13.0,Battles,Land MLI\n"  # swapped
            "A3,2023-03-01,30.0,30.0,Battles,Land MLI\n")  # far away
    plain = ingest_bytes(text.encode(), "e.csv", load_border_shapes(path))
    full = ingest_bytes(text.encode(), "e.csv", load_borders(path))
    assert list(plain.loaded["id"]) == list(full.loaded["id"]) == ["A1"]
    assert list(plain.rejected["reasons"]) == list(full.rejected["reasons"])
    assert "swapped" in plain.rejected["reasons"][0]
    assert "outside" in plain.rejected["reasons"][1]


@pytest.mark.parametrize(("text", "message"), [
    ("", "not a readable GeoJSON file"),
    ('{"type": "FeatureCollection"}', "not a readable GeoJSON file"),
    ('{"type":"FeatureCollection","features":[]}', "holds no country"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"X"},'
     '"geometry":{"type":"Point","coordinates":[0,0]}}]}', "iso3"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"iso3":"MLI",'
     '"name":"M","name_fr":"M","region":"west_africa"},"geometry":null}]}',
     "MLI.*missing or invalid geometry"),
])
def test_a_bad_borders_file_is_named(tmp_path, text, message):
    path = tmp_path / "borders.geojson"
    path.write_text(text)
    with pytest.raises(DataError, match=message) as raised:
        load_border_shapes(path)
    assert "borders.geojson" in str(raised.value)


def test_a_missing_borders_file_stops_the_command_line_with_its_name(tmp_path, capsys):
    from geo.ingest import main

    (tmp_path / "e.csv").write_text("a,b,c\n1,2,3\n")
    (tmp_path / "data").mkdir()
    assert main([str(tmp_path / "e.csv"), "--data", str(tmp_path / "data")]) == 2
    assert "borders.geojson" in capsys.readouterr().err
