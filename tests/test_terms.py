"""Terms-safe publishing (geo.terms): what a user gets from the downloads, the offline map and
the static site when their events are ACLED's. No raw row (no notes, no per-event coordinates)
unless they state their licence allows it; always the aggregates and the attribution."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, write_data

from geo.exports import aggregates_csv, events_csv, events_geojson, view_export
from geo.facts import Facts, load_facts
from geo.ingest import ingest_file
from geo.site import interactive_html, write_site
from geo.terms import Provenance, aggregates, attribution, provenance_of

# Three synthetic ACLED rows (ACLED's export columns) inside the test data's Mali and Niger.
ACLED_CSV = """event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,iso,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities
SYN1,2025-05-03,1,Battles,Armed clash,Group A,Group B,466,Mali,Segou,Alpha,12.3791,-3.2917,1,Wire,NOTE-ONE synthetic,4
SYN2,2025-05-20,1,Battles,Armed clash,Group A,Group B,466,Mali,Segou,Beta,13.6173,-2.8461,1,Wire,NOTE-TWO synthetic,3
SYN3,2025-06-02,1,Riots,Mob violence,Group C,,562,Niger,Tillaberi,Gamma,12.5537,-1.4229,1,Wire,NOTE-THREE synthetic,0
"""
NOTES = ("NOTE-ONE", "NOTE-TWO", "NOTE-THREE")
COORDINATES = ("12.3791", "-3.2917", "13.6173", "-2.8461", "12.5537", "-1.4229")
PULLED = date(2025, 6, 10)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_data(tmp_path_factory.mktemp("terms") / "data")


@pytest.fixture(scope="module")
def facts(data) -> Facts:
    return load_facts(data)


@pytest.fixture(scope="module")
def acled_file(data) -> Path:
    path = data.parent / "acled-export.csv"
    path.write_text(ACLED_CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mine(facts, acled_file) -> pd.DataFrame:
    report = ingest_file(acled_file, acled_file.name, facts.borders)
    assert report.format == "acled" and report.loaded_count == 3, report.rejected
    return report.loaded


ACLED = Provenance("acled", "Sahel pull", PULLED, pulled=True)


def raw_rows_in(text: str) -> list[str]:
    return [s for s in (*NOTES, *COORDINATES) if s in text]


def test_an_imported_file_with_acled_s_columns_is_acled_and_a_pulled_set_is_its_source():
    assert provenance_of("acled", "export.csv").restricted()
    assert not provenance_of("ucdp", "ged").restricted()
    assert not provenance_of("project", "mine.csv").restricted()
    assert not provenance_of("mapped", "mine.xlsx").restricted()  # the user's own file
    assert not provenance_of("acled", "x").restricted(licence_allows=True)


def test_aggregates_count_events_and_fatalities_per_month_country_and_admin1(mine):
    table = aggregates(mine)
    assert table.to_dict("records") == [
        {"period": "2025-05", "iso3": "MLI", "admin1": "Segou", "events": 2, "fatalities": 7},
        {"period": "2025-06", "iso3": "NER", "admin1": "Tillaberi", "events": 1, "fatalities": 0}]
    assert list(aggregates(mine.iloc[:0]).columns) == list(table.columns)


def test_attribution_names_source_licence_and_pull_date():
    text = attribution(ACLED)
    assert "ACLED" in text and "Sahel pull" in text and "2025-06-10" in text
    assert "terms of use" in text and "https://acleddata.com/terms-of-use/" in text
    assert "counts and fatalities" in text
    assert "counts and fatalities" not in attribution(ACLED, restricted=False)


@pytest.mark.parametrize("allowed", [False, True])
def test_the_view_s_downloads_hold_aggregates_unless_the_licence_allows_rows(facts, mine,
                                                                            allowed):
    export = view_export(facts.events, mine, ACLED, licence_allows=allowed)
    csv, geojson = events_csv(export.events), events_geojson(export.events, export=export)
    collection = json.loads(geojson)
    assert collection["attribution"][0]["source"].startswith("ACLED")
    assert collection["attribution"][0]["date"] == "2025-06-10"
    assert collection["attribution"][0]["raw_rows_included"] is allowed
    if allowed:
        assert set(raw_rows_in(csv)) == {*NOTES, *COORDINATES}
        assert set(raw_rows_in(geojson)) >= set(NOTES)
        rows = pd.read_csv(io.StringIO(csv))
        ours = rows[rows["origin"] == "uploaded"]
        assert len(ours) == 3 and set(ours["data_date"]) == {"2025-06-10"}
        assert ours["data_licence"].str.contains("ACLED terms of use").all()
        assert "aggregates" not in collection
    else:
        assert raw_rows_in(csv) == [] and raw_rows_in(geojson) == []
        assert len(collection["features"]) == len(facts.events)  # the curated events only
        assert collection["aggregates"][0]["events"] == 2
        assert collection["aggregates"][0]["fatalities"] == 7
        table = aggregates_csv(export)
        assert raw_rows_in(table) == []
        assert table.splitlines()[0] == "period,iso3,admin1,events,fatalities,source,licence,data_date"
        assert "2025-05,MLI,Segou,2,7,ACLED" in table and "2025-06-10" in table


def test_the_offline_map_of_a_view_with_acled_rows_carries_aggregates_and_attribution(
        facts, mine):
    page = interactive_html(facts, uploaded=mine, provenance=ACLED)
    assert raw_rows_in(page) == []
    assert "Segou</td><td>2</td><td>7</td>" in page
    assert "ACLED terms of use" in page and "2025-06-10" in page
    french = interactive_html(facts, "fr", uploaded=mine, provenance=ACLED)
    assert raw_rows_in(french) == [] and "2025-06-10" in french
    allowed = interactive_html(facts, uploaded=mine, provenance=ACLED, licence_allows=True)
    assert set(raw_rows_in(allowed)) >= set(NOTES)
    assert "ACLED terms of use" in allowed and "Segou</td>" not in allowed


def test_a_ucdp_or_own_file_s_rows_are_published_with_their_attribution(facts, mine):
    page = interactive_html(facts, uploaded=mine, provenance=provenance_of("ucdp", "ged 25.1"))
    assert set(raw_rows_in(page)) >= set(NOTES) and "CC BY 4.0" in page


def _site_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in sorted(out.rglob("*")) if p.is_file() and p.suffix != ".js")


def test_the_static_site_built_from_acled_rows_holds_aggregates_not_rows(facts, data, mine,
                                                                        tmp_path):
    write_site(facts, tmp_path / "site", ("en", "fr"), data, mine, ACLED)
    text = _site_text(tmp_path / "site")
    assert raw_rows_in(text) == []
    data_page = (tmp_path / "site" / "data.html").read_text(encoding="utf-8")
    assert "Segou</td><td>2</td><td>7</td>" in data_page and "ACLED terms of use" in data_page
    assert "2025-06-10" in (tmp_path / "site" / "fr" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("flag", [[], ["--licence-allows-raw"]])
def test_the_site_command_takes_events_and_the_licence_flag(data, acled_file, tmp_path, flag):
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "geo.site", str(out), "--data", str(data),
                          "--lang", "en", "--events", str(acled_file), *flag], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "ACLED terms of use" in index and "acled-export.csv" in index
    if flag:
        assert set(raw_rows_in(index)) >= set(NOTES)
    else:
        assert raw_rows_in(_site_text(out)) == []
        assert "Segou</td><td>2</td><td>7</td>" in index


def test_the_site_command_names_a_missing_events_file(data, tmp_path, capsys):
    from geo.site import main

    assert main([str(tmp_path / "out"), "--data", str(data), "--events",
                 str(tmp_path / "nowhere.csv")]) == 2
    err = capsys.readouterr().err
    assert "nowhere.csv" in err and "does not exist" in err and err.count("\n") == 1


def test_the_sources_page_offers_aggregates_of_acled_rows_until_the_licence_is_stated(
        data, acled_file, facts, monkeypatch):
    from conftest import open_page

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data))
    at = open_page("pages/sources.py", {"date": "2025-06-10", "from": "2025-05-01",
                                        "to": "2025-06-10"})
    at.session_state["upload_report"] = ingest_file(acled_file, acled_file.name, facts.borders)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    aggregated = "Your events: counts and fatalities per month, country and admin1 (CSV)"
    assert aggregated in labels
    (toggle,) = [t for t in at.toggle if t.label.startswith("My licence allows")]
    assert toggle.value is False
    captions = " ".join(c.value for c in at.caption)
    assert "ACLED terms of use" in captions and "acled-export.csv" in captions
    toggle.set_value(True).run()
    assert aggregated not in [b.proto.label for b in at.get("download_button")]
    assert "counts and fatalities per country, admin1 and month only" not in " ".join(
        c.value for c in at.caption)


def test_the_publish_command_s_site_takes_the_same_events_and_flag(data, acled_file, tmp_path):
    from geo.publish import main

    assert main(["site", "-o", str(tmp_path / "out"), "--data-dir", str(data), "--lang", "en",
                 "--events", str(acled_file)]) == 0
    assert raw_rows_in(_site_text(tmp_path / "out")) == []
    assert "Segou</td><td>2</td><td>7</td>" in (tmp_path / "out" / "data.html").read_text(
        encoding="utf-8")
    assert main(["site", "-o", str(tmp_path / "raw"), "--data-dir", str(data), "--lang", "en",
                 "--events", str(acled_file), "--licence-allows-raw"]) == 0
    assert set(raw_rows_in((tmp_path / "raw" / "index.html").read_text(encoding="utf-8"))) >= set(
        NOTES)


def test_the_offline_map_download_asks_for_the_licence_only_for_acled_rows(
        data, acled_file, facts, monkeypatch):
    from conftest import open_page

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data))
    at = open_page("pages/situation_map.py", {"date": "2025-06-10"})
    at.session_state["upload_report"] = ingest_file(acled_file, acled_file.name, facts.borders)
    at.run()
    next(t for t in at.toggle if t.label.startswith("Prepare this map")).set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    (licence,) = [t for t in at.toggle if t.label.startswith("My licence allows")]
    assert licence.value is False and licence.label.endswith("ACLED (Armed Conflict Location & "
                                                             "Event Data)'s rows")
    assert any("counts and fatalities" in c.value for c in at.caption)
    assert "Download the map (HTML)" in [b.proto.label for b in at.get("download_button")]
