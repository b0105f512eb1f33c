"""French: the catalog covers every string marked in the code, and every page renders in French."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from conftest import ROOT, fact_tables, legend_labels, map_args
from streamlit.testing.v1 import AppTest

from geo.i18n import long_date, plural, plural_forms, translator
from geo.layers import deaths_text

PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"tr": None, "N_": None, "ngettext": (1, 2), "plural_forms": (1, 2)}  # as update_po.sh
PAGES = ["pages/situation_map.py", "pages/coups.py", "pages/alignments.py", "pages/events.py",
         "pages/sources.py"]


def marked_strings() -> set[str | tuple[str, str]]:
    """Every message marked in the code: a string, or (singular, plural) for a counted one."""
    found = {m[2] for d in ("geo", "app", "pages")
             for m in extract_from_dir(ROOT / d, method_map=[("**.py", "python")],
                                       keywords=KEYWORDS)}
    found |= {m[1] for m in extract_from_file("python", ROOT / "dashboard.py", keywords=KEYWORDS)}
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="fr") if m.id}


def translated(french: str | tuple[str, ...] | None) -> bool:
    """A translation, with every plural form filled for a counted message."""
    return bool(french) and (isinstance(french, str) or all(french))


def test_every_marked_string_has_a_french_translation(catalog):
    missing = sorted(map(str, (s for s in marked_strings() if not translated(catalog.get(s)))))
    assert missing == [], f"no French for: {missing}"


def test_no_stale_entries(catalog):
    assert sorted(set(catalog) - marked_strings()) == []


def test_placeholders_survive_translation(catalog):
    for english, french in catalog.items():
        for one in (english if isinstance(english, tuple) else (english,)):
            for form in (french if isinstance(french, tuple) else (french,)):
                assert set(re.findall(r"{\w+}", one)) == set(re.findall(r"{\w+}", form)), one


def test_the_counted_messages_take_each_language_s_plural():
    """French puts 0 and 1 in the singular and a round million takes 'de'; English only 1."""
    deaths = ("{count} death", "{count} deaths")
    fr, en = plural("fr"), plural("en")
    assert [fr(*deaths, n) for n in (0, 1, 2, 10**6)] == [
        "{count} mort", "{count} mort", "{count} morts", "{count} de morts"]
    assert [en(*deaths, n) for n in (0, 1, 2)] == ["{count} deaths", "{count} death", "{count} deaths"]
    assert plural_forms(*deaths, "fr") == {"one": "{count} mort", "other": "{count} morts",
                                           "many": "{count} de morts"}
    assert plural_forms(*deaths, "en") == {"one": "{count} death", "other": "{count} deaths"}
    assert deaths_text(0, "fr") == "0 mort" and deaths_text(1, "en") == "1 death"
    assert deaths_text(1200, "fr") == "1\u202f200 morts"


def test_translator_and_dates():
    tr = translator("fr")
    assert tr("Military rule") == "Régime militaire"
    assert translator("en")("Military rule") == "Military rule"
    assert translator("xx")("Military rule") == "Military rule"
    from datetime import date
    assert long_date(date(2023, 8, 1), "fr") == "1er août 2023"
    assert long_date(date(2023, 8, 2), "fr") == "2 août 2023"


def visible_text(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("title", "subheader", "caption", "info", "warning", "success")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric]
    for kind in ("date_input", "multiselect", "selectbox", "checkbox", "toggle", "radio"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [e.label for e in at.expander]
    for component in at.get("component_instance"):
        args = map_args(component)
        texts += legend_labels(args)
        texts += args["country_labels"] or []  # the country tooltips' row labels
        texts += [c["status"] for c in args["countries"]]
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


@pytest.mark.parametrize(("page", "params"), [
    ("pages/situation_map.py", {}), ("pages/coups.py", {"iso3": "NER"}),
    ("pages/alignments.py", {"dim": "un:ES-11/3"}), ("pages/alignments.py", {}),
    ("pages/events.py", {})])
def test_the_bundled_facts_read_in_french(page, params, monkeypatch):
    """On the bundled data, every table in French shows French text: no '(en anglais)' fallback."""
    monkeypatch.delenv("COUPBELT_DATA_DIR", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"lang": "fr", "date": "2023-09-10", "from": "2020-01-01", **params}.items():
        at.query_params[key] = value
    at.session_state["situation_events"] = at.session_state["situation_status"] = True
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [df.value for df in at.dataframe] + fact_tables(at)
    assert frames and all(len(f) for f in frames)
    marked = [(c, v) for f in frames for c in f.columns
              if not pd.api.types.is_numeric_dtype(f[c])
              for v in f[c].astype(str) if "(en anglais)" in v]
    assert marked == [], marked[:5]
    texts = " ".join(c.value for c in at.caption)
    assert "(en anglais)" not in texts
    if params.get("dim"):
        assert "Suspension du droit de la Fédération de Russie" in texts


def test_text_falls_back_to_english_visibly_and_numbers_group_the_french_way():
    import pandas as pd

    from geo.facts import in_language
    from geo.i18n import number
    from geo.layers import legend_sections

    frame = pd.DataFrame({"note": ["Troops left.", "Kept.", ""], "note_fr": ["Les troupes sont parties.", "", ""]})
    tr = translator("fr")
    assert list(in_language(frame, "note", "fr", tr)) == [
        "Les troupes sont parties.", "Kept. (en anglais)", ""]
    assert list(in_language(frame, "note", "en", tr)) == ["Troops left.", "Kept.", ""]
    assert in_language(frame.drop(columns="note_fr"), "note", "fr", tr).iloc[0] == "Troops left. (en anglais)"
    assert number(49700, "fr") == "49\u202f700" and number(49700, "en") == "49,700"
    (section,) = legend_sections(None, (), False, uploaded=49700, tr=tr, lang="fr")
    assert section[1][-1][2] == "Vos événements (49\u202f700)"


def test_charts_name_months_and_group_counts_in_the_page_language():

    import pandas as pd

    from geo.charts import events_histogram

    events = pd.DataFrame({"date": pd.to_datetime(["2023-01-02", "2023-02-06"]),
                           "category": ["protest", "coup"]})
    spec = events_histogram(events, translator("fr"), "fr").to_dict()
    locale = spec["config"]["locale"]
    assert locale["time"]["shortMonths"][:2] == ["janv.", "févr."]
    assert locale["time"]["days"][0] == "dimanche"  # d3 weeks start on Sunday
    assert locale["number"] == {"decimal": ",", "thousands": "\u202f", "grouping": [3],
                                "currency": ["", ""]}
    assert events_histogram(events, translator("en"), "en").to_dict()["config"]["locale"][
        "time"]["shortMonths"][0] == "Jan"
