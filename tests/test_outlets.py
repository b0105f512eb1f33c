"""The register of outlets: domains matched as the data cites them, a bad register named."""

from __future__ import annotations

import pytest
from conftest import write_data

from geo.facts import DataError, load_facts, load_outlets
from geo.i18n import translator
from geo.outlets import Outlet, domain_of, missing_domains, outlet_of, spam_links, well_sourced

REGISTER = """domain,name,kind,country
reuters.com,Reuters,wire,GBR
fr.allafrica.com,allAfrica (French),aggregator,
allafrica.com,allAfrica,aggregator,
spamchronicles.com,Spam Chronicles,spam,
sputniknews.com,Sputnik,state,RUS
"""


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.reuters.com/world/africa/x", "reuters.com"),
    ("https://WWW.Reuters.COM:443/x", "reuters.com"),
    ("http://m.reuters.com/x", "reuters.com"),
    ("https://amp.reuters.com/x", "reuters.com"),
    ("https://mediaafriquenews.com./article", "mediaafriquenews.com"),  # a trailing-dot host
    ("https://fr.allafrica.com/stories/1.html", "fr.allafrica.com"),  # other sub-domains kept
    ("https://www.m.example.org/", "m.example.org"),  # only one prefix is removed
    ("Reuters; AFP", ""),  # not a URL: no site
    ("https://[bad/", ""),
])
def test_domain_of(url, domain):
    assert domain_of(url) == domain


def test_outlet_of_names_the_outlet_and_files_an_unlisted_site_as_unknown(tmp_path):
    register = load_outlets(write_data(tmp_path / "d", outlets__csv=REGISTER) / "outlets.csv")
    assert outlet_of("https://www.reuters.com/a", register) == Outlet("reuters.com", "Reuters",
                                                                     "wire", "GBR")
    assert outlet_of("https://fr.allafrica.com/s", register).name == "allAfrica (French)"
    stranger = outlet_of("https://blog.example.net/p", register)
    assert (stranger.name, stranger.kind) == ("blog.example.net", "unknown")
    assert outlet_of("https://www.reuters.com/a", register).label() == "Reuters (news agency)"
    assert outlet_of("https://sputniknews.com/a", register).label(translator("fr")) == (
        "Sputnik (média affilié à un État)")


def test_well_sourced_needs_an_official_wire_or_established_outlet(tmp_path):
    register = load_outlets(write_data(tmp_path / "d", outlets__csv=REGISTER) / "outlets.csv")
    assert well_sourced("https://allafrica.com/a https://reuters.com/b", register)
    assert not well_sourced("https://allafrica.com/a https://sputniknews.com/b", register)
    assert not well_sourced("https://unknown.example/a", register)
    assert spam_links("https://spamchronicles.com/x https://reuters.com/b", register) == [
        "https://spamchronicles.com/x"]
    assert missing_domains(["https://reuters.com/a", "https://new.example/b",
                            "https://www.new.example/c"], register) == ["new.example"]


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    (REGISTER.replace("wire,GBR", "newswire,GBR"), 2, "kind", "expected one of official"),
    (REGISTER + "reuters.com,Reuters again,wire,GBR\n", 7, "domain", "duplicate domain"),
    (REGISTER.replace("reuters.com,", "www.reuters.com,"), 2, "domain", "not in normalised form"),
    (REGISTER.replace("reuters.com,", "Reuters.com,"), 2, "domain", "lower case"),
    (REGISTER.replace("GBR", "UK"), 2, "country", "ISO3"),
    (REGISTER.replace("Reuters,wire", ",wire"), 2, "name", "empty"),
])
def test_a_bad_register_is_named(tmp_path, text, line, column, message):
    path = write_data(tmp_path / "d", outlets__csv=text) / "outlets.csv"
    with pytest.raises(DataError) as info:
        load_outlets(path)
    assert (info.value.line, info.value.column) == (line, column)
    assert "outlets.csv" in str(info.value) and message in str(info.value)


def test_the_facts_load_without_a_register_and_report_a_bad_one(tmp_path):
    assert load_facts(write_data(tmp_path / "a")).outlets == {}
    facts = load_facts(write_data(tmp_path / "b", outlets__csv=REGISTER.replace("spam,", "junk,")))
    assert facts.outlets == {} and any("outlets.csv, line 5" in e for e in facts.errors)
    assert len(load_facts(write_data(tmp_path / "c", outlets__csv=REGISTER)).outlets) == 5


HOSTILE = REGISTER + 'evil.example,"<img src=x onerror=alert(1)>",regional,\n'


def test_tables_name_each_source_by_its_outlet_and_kind_escaped(tmp_path):
    import pandas as pd

    from geo.tables import html_table

    register = load_outlets(write_data(tmp_path / "d", outlets__csv=HOSTILE) / "outlets.csv")
    frame = pd.DataFrame({"title": ["A"], "sources": [[
        "https://www.reuters.com/x", "https://evil.example/p", "javascript:alert(1)",
        "https://nowhere.example/q"]]})
    page = html_table(frame, {}, outlets=register, tr=translator("fr"))
    assert '<a href="https://www.reuters.com/x" target="_blank" rel="noopener noreferrer"' in page
    assert ">Reuters</a> <span class=\"outlet-kind\">(agence de presse)</span>" in page
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in page and "<img" not in page
    assert 'href="javascript' not in page and "<span>javascript:alert(1)</span>" in page
    assert ">nowhere.example</a> <span class=\"outlet-kind\">(média inconnu)</span>" in page
    bare = html_table(frame, {})  # no register: links named by their site, no kind
    assert ">reuters.com</a>" in bare and "class=\"outlet-kind\"" not in bare


def test_popups_and_exports_carry_the_outlet(tmp_path):
    import json

    import pandas as pd

    from geo.exports import events_csv, events_geojson, sources_index
    from geo.layers import marker_rows
    from geo.outlets import popup_sources

    register = load_outlets(write_data(tmp_path / "d", outlets__csv=REGISTER) / "outlets.csv")
    sources = "https://reuters.com/a https://sputniknews.com/b javascript:x"
    assert popup_sources(sources, register) == [
        ["https://reuters.com/a", "Reuters (news agency)"],
        ["https://sputniknews.com/b", "Sputnik (state-affiliated media)"]]
    assert popup_sources(sources, {}) == ["https://reuters.com/a", "https://sputniknews.com/b"]
    event = {"id": "e1", "date": pd.Timestamp("2023-07-26"), "lat": 13.5, "lon": 2.1,
             "iso3": "NER", "place": "Niamey", "category": "coup", "title": "T", "summary": "S",
             "sources": sources}
    events = pd.DataFrame([event])
    (row,) = marker_rows(events, outlets=register)
    assert row[7][1] == ["https://sputniknews.com/b", "Sputnik (state-affiliated media)"]
    table = pd.read_csv(__import__("io").StringIO(events_csv(events, register)), dtype=str)
    assert table.loc[0, "source_outlets"] == "Reuters (wire) | Sputnik (state) | javascript:x (unknown)"
    assert list(table.columns).index("source_outlets") == list(table.columns).index("sources") + 1
    feature = json.loads(events_geojson(events, register))["features"][0]["properties"]
    assert feature["source_outlets"][0] == {"url": "https://reuters.com/a", "outlet": "Reuters",
                                            "kind": "wire"}
    facts = load_facts(write_data(tmp_path / "f", outlets__csv=REGISTER))
    index = sources_index(facts)
    assert {"outlet", "kind"} <= set(index.columns)
