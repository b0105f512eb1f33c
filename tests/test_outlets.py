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
