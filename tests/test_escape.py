"""Text from outside made inert: Markdown code spans, CSV cells, links."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.escape import csv_safe, inert, is_web_url, links_only_for_web_urls, web_site
from geo.exports import events_csv, status_csv


@pytest.mark.parametrize(("value", "expected"), [
    ("fr", "`fr`"),
    ("[x](https://evil.example)", "`[x](https://evil.example)`"),
    ("a`b", "``a`b``"),
    ("``", "``` `` ```"),
    ("`start", "`` `start ``"),
    ("two\n\nparagraphs", "`two paragraphs`"),
    ("", "` `"),
    ("x" * 100, "`" + "x" * 79 + "…`"),
])
def test_inert_makes_one_line_code_spans(value, expected):
    assert inert(value) == expected


@pytest.mark.parametrize(("url", "web"), [
    ("https://example.org/a?b=1", True), ("http://example.org", True), ("HTTPS://EX.ORG", True),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("//evil.example", False),
    ("Reuters; AFP", False), ("https://exa mple.org", False), ("", False), (None, False),
])
def test_only_http_urls_are_web_urls(url, web):
    assert is_web_url(url) is web


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"), ("-2+3", "'-2+3"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-8.0029", "-8.0029"), ("+1.5e3", "+1.5e3"), ("Niamey", "Niamey"), ("a=b", "a=b"),
])
def test_csv_cells_that_would_run_are_neutralised(cell, written):
    out = csv_safe(pd.DataFrame({"text": [cell], "number": [-1.5]}))
    assert out["text"].iloc[0] == written and out["number"].iloc[0] == -1.5


def test_every_csv_download_is_neutralised():
    events = pd.DataFrame({"id": ["e1"], "date": pd.to_datetime(["2023-01-01"]), "lat": [13.5],
                           "lon": [-8.0], "iso3": ["NER"], "place": ["=1+1"],
                           "category": ["upload"], "title": ["@SUM(A1)"], "summary": ["-x"],
                           "sources": ["+cmd"]})
    text = events_csv(events)
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'-x" in text and "'+cmd" in text
    assert ",-8.0," in text  # numbers as written
    status = pd.DataFrame({"iso3": ["NER"], "dimension": ["regime"], "value": ["military"],
                           "start": pd.to_datetime(["2023-07-26"]), "end": pd.to_datetime([None]),
                           "sources": ["https://example.org"], "note": ["=cmd"]})
    assert "'=cmd" in status_csv(status)


def test_only_web_urls_become_links_in_tables():
    frame = pd.DataFrame({"title": ["a", "b", "c"],
                          "source": ["https://example.org", "javascript:alert(1)", "Reuters"]})
    out = links_only_for_web_urls(frame)
    assert out["source"].tolist() == ["https://example.org", None, None]
    assert out["source_text"].tolist() == [None, "javascript:alert(1)", "Reuters"]
    assert list(out.columns) == ["title", "source", "source_text"]
    clean = frame.iloc[:1]
    assert links_only_for_web_urls(clean) is clean


@pytest.mark.parametrize(("url", "site"), [
    ("https://www.reuters.com/world/africa/x", "reuters.com"),
    (" http://apnews.com/article/y ", "apnews.com"),
    ("https://news.un.org:443/en/story", "news.un.org:443"),
    ("Reuters", "Reuters"),  # no site: shown as written
])
def test_a_link_is_named_by_its_site(url, site):
    assert web_site(url) == site
