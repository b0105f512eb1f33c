"""AppTest: what a reader sees on each page writes dates out in the page's language ('2 December
2026', '1er août 2023'); ISO dates stay in data only (links, CSV cells, tables' date columns,
inputs). And a brushed period on the Events page travels in the link."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PAGES, ROOT, fact_tables, open_page
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.filterwarnings("ignore")

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))

    def open_app(page: str = PAGES[0], **params: str):
        at = open_page(page, params)
        assert not at.exception, [e.value for e in at.exception]
        return at
    return open_app


def running_text(at) -> list[str]:
    """The page's prose: titles, headings, captions, notes and messages, metrics' labels, and
    the labels of its expanders and buttons (not the tables' date columns, which are data)."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info",
                                  "warning", "success", "error")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander]
    texts += [b.label for b in at.button]
    # data/SOURCES.md, shown as it is written in its panel, is a data file, not the page's words
    return [t for t in texts if not str(t).startswith("# Sources")]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_no_iso_date_in_a_page_s_running_text(app, page, lang):
    params = {"date": "2023-08-01", "lang": lang, "compare": "2023-01-01", "iso3": "NER"}
    at = app(page, **params)
    texts = running_text(at)
    assert texts, "the page says something"
    assert not [t for t in texts if ISO_DAY.search(str(t))], texts
    first = ("1er août 2023",) if lang == "fr" else ("1 August 2023", "1 Aug 2023")
    assert any(day in str(t) for t in texts for day in first), texts  # the date, written out


def open_events(**params: str) -> AppTest:
    """The Events page opened first, by its own link (the page reads the link's brush before
    the shared view rewrites the link, as it does when a reader opens /events?brush=...)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/events.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def brush_param(at) -> dict | None:
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return spec["params"][0].get("value")


def test_a_brushed_period_in_the_link_reopens_the_same_period(app):
    at = open_events(date="2023-09-05", brush="2023-08-14,2023-08-20")
    assert list(fact_tables(at)[0]["title"]) == ["Ghana pledges troops"]  # 17 August
    assert any("from 14 August 2023 to 20 August 2023" in c.value for c in at.caption)
    assert at.query_params["brush"] == "2023-08-14,2023-08-20"
    start, end = brush_param(at)["x"]
    assert (start["month"], start["date"], end["month"], end["date"]) == (8, 14, 8, 21)
    # Another run (a filter changes) keeps it, and so does the link.
    at.multiselect(key="categories").set_value(["ecowas_force", "protest"]).run()
    assert at.query_params["brush"] == "2023-08-14,2023-08-20"
    assert list(fact_tables(at)[0]["title"]) == ["Ghana pledges troops"]


def test_a_brushed_period_past_the_window_is_cut_to_it(app):
    at = open_events(date="2023-09-05", brush="2023-08-30,2023-12-31")
    assert list(fact_tables(at)[0]["title"]) == ["Protest at the base"]  # 2 September
    assert at.query_params["brush"] == "2023-08-30,2023-09-05"
    assert not at.warning


@pytest.mark.parametrize(("brush", "says"), [
    ("2023-08-20,2023-08-14", "is not two days FIRST,LAST"),
    ("yesterday", "`yesterday`"),
    ("2021-01-01,2021-02-01", "lies outside the event window, 8 June 2023 – 5 September 2023"),
])
def test_a_bad_brushed_period_is_reported_and_every_event_shown(app, brush, says):
    at = open_events(date="2023-09-05", brush=brush)
    assert any(says in w.value for w in at.warning), [w.value for w in at.warning]
    assert len(fact_tables(at)[0]) == 3  # the window's events, all of them
    assert "brush" not in at.query_params
    assert brush_param(at) is None
