"""French: the catalog covers every string marked in the code, and every page renders in French."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.i18n import long_date, translator

PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"tr": None, "N_": None}
PAGES = ["pages/situation_map.py", "pages/coups.py", "pages/alignments.py", "pages/events.py",
         "pages/sources.py"]


def marked_strings() -> set[str]:
    found = {m[2] for d in ("geo", "app", "pages")
             for m in extract_from_dir(ROOT / d, method_map=[("**.py", "python")],
                                       keywords=KEYWORDS)}
    found |= {m[1] for m in extract_from_file("python", ROOT / "dashboard.py", keywords=KEYWORDS)}
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="fr") if m.id}


def test_every_marked_string_has_a_french_translation(catalog):
    missing = sorted(s for s in marked_strings() if not catalog.get(s))
    assert missing == [], f"no French for: {missing}"


def test_no_stale_entries(catalog):
    assert sorted(set(catalog) - marked_strings()) == []


def test_placeholders_survive_translation(catalog):
    for english, french in catalog.items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", french)), english


def test_translator_and_dates():
    tr = translator("fr")
    assert tr("Military rule") == "Régime militaire"
    assert translator("en")("Military rule") == "Military rule"
    assert translator("xx")("Military rule") == "Military rule"
    from datetime import date
    assert long_date(date(2023, 8, 1), "fr") == "1 août 2023"


def visible_text(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("title", "subheader", "caption", "info", "warning", "success")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric]
    for kind in ("date_input", "multiselect", "selectbox", "checkbox", "toggle", "radio"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [e.label for e in at.expander]
    for component in at.get("component_instance"):
        args = json.loads(component.proto.json_args)
        texts += re.findall(r"<(?:h4|summary)>([^<]+)<", args["html"])
        texts += re.findall(r'aliases": \[(.*?)\]', args["script"])
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_french_meets_no_english(page, data_dir, monkeypatch, catalog):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "fr"
    at.query_params["date"] = "2023-08-01"
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    english = {e for e, f in catalog.items() if e != f and len(e) > 3}
    texts = visible_text(at)
    assert texts
    leftovers = [t for t in texts if t in english or any(f'"{e}"' in t for e in english)]
    assert leftovers == [], leftovers
    assert at.query_params["lang"] == "fr"
