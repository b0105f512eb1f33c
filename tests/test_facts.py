"""Validation: a bad file names the file, the line and the column, and the app keeps the rest."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import COUPS, EVENTS, STATUS, write_data

from geo.facts import DataError, load_borders, load_coups, load_events, load_facts, load_status


def replace_line(text: str, line: int, old: str, new: str) -> str:
    lines = text.splitlines()
    assert old in lines[line - 1], f"fixture line {line} lacks {old!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("loader", "name", "text", "line", "column", "message"),
    [
        (load_coups, "coups.csv", replace_line(COUPS, 3, "2021-05-24,MLI", "2021-02-30,MLI"),
         3, "date", "not a calendar date"),
        (load_coups, "coups.csv", replace_line(COUPS, 2, "successful", "maybe"), 2, "outcome",
         "expected one of successful, failed"),
        (load_coups, "coups.csv", replace_line(COUPS, 4, "https://example.org/ner1", ""), 4,
         "sources", "empty"),
        (load_coups, "coups.csv", replace_line(COUPS, 5, "https://example.org/ner2",
                                               "javascript:alert(1)"), 5, "sources",
         "not an http(s) URL"),
        (load_events, "events.csv", replace_line(EVENTS, 3, "12.5,-1.0", "112.5,-1.0"), 3, "lat",
         "expected a number in [-90, 90]"),
        (load_events, "events.csv", replace_line(EVENTS, 2, ",ecowas,", ",rumour,"), 2,
         "category", "expected one of"),
        (load_events, "events.csv", replace_line(EVENTS, 4, "ev-accra", "ev-summit"), 4, "id",
         "duplicate id"),
        (load_events, "events.csv", replace_line(EVENTS, 5, "2021-01-10", "10/01/2021"), 5,
         "date", "YYYY-MM-DD"),
        (load_status, "status.csv", replace_line(STATUS, 2, "civilian", "monarchy"), 2, "value",
         "regime takes one of military, civilian"),
        (load_status, "status.csv", replace_line(STATUS, 4, "2023-07-26,https", "2019-07-26,https"),
         4, "end", "not after start"),
        (load_status, "status.csv", replace_line(STATUS, 5, "2023-07-26,,", "2023-07-20,,"), 5,
         "start", "overlaps"),
        (load_status, "status.csv", replace_line(STATUS, 6, "GHA", "ghana"), 6, "iso3",
         "ISO 3166-1 alpha-3"),
    ],
)
def test_bad_cell_is_named(tmp_path, loader, name, text, line, column, message):
    folder = write_data(tmp_path / "d", **{name.replace(".", "__"): text})
    with pytest.raises(DataError) as info:
        loader(folder / name)
    error = info.value
    assert (error.line, error.column) == (line, column)
    assert name in str(error) and f"line {line}" in str(error) and message in str(error)


def test_missing_column_is_named(tmp_path):
    text = COUPS.replace("summary,", "", 1)
    folder = write_data(tmp_path / "d", coups__csv=text)
    with pytest.raises(DataError, match=r"missing column.*summary"):
        load_coups(folder / "coups.csv")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"events\.csv: file not found"):
        load_events(tmp_path / "events.csv")


def test_not_utf8_is_named(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(EVENTS.replace("Niamey", "Niamé").encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_events(path)


def test_borders_without_a_property(tmp_path):
    path = tmp_path / "borders.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    '{"name":"X"},"geometry":{"type":"Point","coordinates":[0,0]}}]}')
    with pytest.raises(DataError, match="iso3"):
        load_borders(path)


def test_load_facts_keeps_good_files_when_one_is_bad(tmp_path):
    folder = write_data(tmp_path / "d", events__csv="not,a\n\"broken")
    facts = load_facts(folder)
    assert len(facts.errors) == 1 and "events.csv" in facts.errors[0]
    assert facts.events.empty and list(facts.events.columns)[:3] == ["id", "date", "lat"]
    assert len(facts.coups) == 4 and len(facts.status) == 12 and len(facts.borders) == 3


def test_load_facts_flags_unknown_country(tmp_path):
    folder = write_data(tmp_path / "d", coups__csv=COUPS.replace(",NER,failed", ",XYZ,failed"))
    facts = load_facts(folder)
    assert any("XYZ is not a country" in e and "line 4" in e for e in facts.errors)


def test_missing_curation_date(tmp_path):
    folder = write_data(tmp_path / "d", SOURCES__md="# Sources\n")
    facts = load_facts(folder)
    assert facts.curated is None
    assert any("Curation date" in e for e in facts.errors)


def test_a_broken_quote_names_the_line_of_the_file_not_pandas_row(tmp_path):
    lines = EVENTS.splitlines()
    text = "\n".join(lines) + "\n"
    text += lines[1].replace(",ecowas,", ',"ecowas,', 1) + "\n"  # an unclosed quote
    folder = write_data(tmp_path / "d", events__csv=text)
    line = text.count("\n")
    with pytest.raises(DataError) as info:
        load_events(folder / "events.csv")
    assert f"events.csv, line {line}:" in str(info.value) and "row" not in str(info.value)


def test_a_bad_byte_names_its_offset_in_the_file_and_its_line(tmp_path):
    path = tmp_path / "events.csv"
    data = EVENTS.replace("Niamey", "Niamé").encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(DataError) as info:
        load_events(path)
    offset = data.index(b"\xe9")
    assert f"at byte {offset})" in str(info.value)
    line = data.count(b"\n", 0, offset) + 1
    assert f"line {line}:" in str(info.value)


def test_a_directory_is_not_called_missing(tmp_path):
    (tmp_path / "events.csv").mkdir()
    (tmp_path / "SOURCES.md").mkdir()
    with pytest.raises(DataError, match=r"events\.csv: is a directory, not a file"):
        load_events(tmp_path / "events.csv")
    from geo.facts import curation_date
    with pytest.raises(DataError, match="is a directory"):
        curation_date(tmp_path / "SOURCES.md")


def test_a_later_check_names_the_line_the_row_is_on(tmp_path):
    lines = EVENTS.splitlines()
    text = "\n".join([lines[0], "", lines[1], "", lines[1]]) + "\n"  # blank lines between
    folder = write_data(tmp_path / "d", events__csv=text)
    with pytest.raises(DataError) as info:
        load_events(folder / "events.csv")
    assert info.value.line == 5 and "duplicate id" in str(info.value)


def test_the_edge_of_what_was_checked_is_read_and_checked(tmp_path):
    sources = "# Sources\n\nCuration date: 2025-06-30\n\nFacts checked up to: {}\n"
    facts = load_facts(write_data(tmp_path / "a", SOURCES__md=sources.format("2025-03-13")))
    assert facts.checked == pd.Timestamp("2025-03-13") and facts.errors == ()
    assert load_facts(write_data(tmp_path / "b")).checked is None  # not said: nothing shown
    bad = load_facts(write_data(tmp_path / "c", SOURCES__md=sources.format("13/03/2025")))
    assert bad.checked is None and any("Facts checked up to" in e and "13/03/2025" in e
                                       for e in bad.errors)
    late = load_facts(write_data(tmp_path / "d", SOURCES__md=sources.format("2025-07-01")))
    assert late.checked is None and any("after the curation date" in e for e in late.errors)


def test_past_the_edge_tooltips_and_tables_say_not_checked_since(tmp_path):
    from datetime import date

    from geo.i18n import translator
    from geo.metrics import classify, status_summaries, unchecked_text
    from geo.tables import country_status, sources_table

    sources = "# Sources\n\nCuration date: 2025-06-30\n\nFacts checked up to: 2025-03-13\n"
    facts = load_facts(write_data(tmp_path / "d", SOURCES__md=sources))
    edge = facts.checked
    assert unchecked_text(date(2025, 3, 13), edge) == ""  # the edge itself was checked
    assert unchecked_text(date(2025, 3, 14), edge) == "not checked since 13 March 2025"
    assert unchecked_text(date(2025, 3, 14), None) == ""
    after, on = date(2025, 6, 1), date(2025, 3, 13)
    detail = classify("regime", facts.borders["iso3"], facts.status, facts.coups, after,
                      edge=edge).set_index("iso3")["detail"]
    assert detail["NER"] == "since 26 July 2023; not checked since 13 March 2025"
    assert "not checked" not in classify("regime", facts.borders["iso3"], facts.status,
                                         facts.coups, on, edge=edge)["detail"].str.cat()
    fr = translator("fr")
    assert status_summaries(facts.status, after, fr, edge)["NER"][-1] == (
        "Non vérifié depuis le 13 mars 2025")
    table = sources_table(facts, after)
    assert set(table["until"]) == {"not checked since 13 March 2025"}
    assert list(dict.fromkeys(table["country"])) == ["Land GHA", "Land MLI", "Land NER"]
    assert "not checked" not in " ".join(sources_table(facts, on)["until"])
    assert set(country_status(facts, "NER", after, fr, "fr")["until"]) == {
        "non vérifié depuis le 13 mars 2025"}


def test_country_names_are_listed_in_the_order_of_the_page_language():
    from geo.facts import country_names
    from geo.i18n import name_key

    assert sorted(["Zambie", "Égypte", "Côte d'Ivoire", "Congo", "egypte"], key=name_key) == [
        "Congo", "Côte d'Ivoire", "Égypte", "egypte", "Zambie"]

    class Borders:  # country_names reads only the borders' codes and names
        borders = pd.DataFrame({"iso3": ["CIV", "EGY", "CMR", "ZMB"],
                                "name": ["Côte d'Ivoire", "Egypt", "Cameroon", "Zambia"],
                                "name_fr": ["Côte d'Ivoire", "Égypte", "Cameroun", "Zambie"]})

    assert list(country_names(Borders(), "fr").values()) == [  # type: ignore[arg-type]
        "Cameroun", "Côte d'Ivoire", "Égypte", "Zambie"]


def test_alignment_periods_open_at_the_edge_are_cut_there_and_drawn_lighter(tmp_path):
    from datetime import date

    from geo.alignments import status_intervals
    from geo.charts import status_gantt

    sources = "# Sources\n\nCuration date: 2025-06-30\n\nFacts checked up to: 2025-03-13\n"
    facts = load_facts(write_data(tmp_path / "d", SOURCES__md=sources))
    rows = status_intervals(facts, "ecowas", date(2025, 6, 30))
    niger = rows[(rows["iso3"] == "NER") & (rows["status"] == "Withdrawn from ECOWAS")]
    assert [(f"{r.start:%Y-%m-%d}", f"{r.end:%Y-%m-%d}", r.checked, r.note)
            for r in niger.itertuples()] == [
        ("2025-01-29", "2025-03-14", True, ""),
        ("2025-03-14", "2025-06-30", False, "not checked since 13 March 2025")]
    closed = rows[(rows["iso3"] == "NER") & (rows["status"] == "Suspended from ECOWAS")]
    assert list(closed["checked"]) == [True]  # ended before the edge: nothing carried forward
    assert list(dict.fromkeys(rows["country"])) == ["Land GHA", "Land NER"]
    spec = status_gantt(rows, {}, date(2025, 6, 1)).to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["opacity"]["condition"]["test"] == "datum.checked"
    assert bars["y"]["sort"] == ["Land GHA", "Land NER"]
    assert load_facts(write_data(tmp_path / "e")).checked is None
    assert set(status_intervals(load_facts(write_data(tmp_path / "e")), "ecowas",
                                date(2025, 6, 30))["checked"]) == {True}
