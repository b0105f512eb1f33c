"""Tables for the page: headline figures, the events in view, and the status on a date with sources.

These are what a person reads beside (or instead of) the map, so they carry the same facts.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pandas as pd

from geo.changes import changes_between
from geo.facts import Facts, country_names, in_language, localised
from geo.i18n import N_, Translate, english
from geo.metrics import METRICS
from geo.timeline import coups_until, events_in_view, headline_on, status_on
from geo.viewstate import ViewState
from geo.vocabulary import DIMENSIONS, EVENT_CATEGORIES, UN_VOTES, UPLOAD_CATEGORY, VALUE_LABELS

CATEGORY_LABELS = {**{k: v[0] for k, v in EVENT_CATEGORIES.items()},
                   UPLOAD_CATEGORY: N_("Your events")}

OUTCOME_LABELS = {"successful": N_("successful"), "failed": N_("failed")}
TABLE_LIMIT = 1000  # rows of events shown in a table; the downloads carry them all

HEADLINE_LABELS = {
    "military": N_("Under military rule"),
    "ecowas_suspended": N_("Suspended from ECOWAS"),
    "ecowas_withdrawn": N_("Withdrawn from ECOWAS"),
    "ecowas_sanctioned": N_("Under ECOWAS sanctions"),
    "aes": N_("Alliance of Sahel States"),
    "russian_forces": N_("With Russian forces"),
    "french_forces": N_("With French forces"),
    "us_forces": N_("With US forces"),
}


DIMENSION_TITLES = {**{d: m.title for d, m in METRICS.items() if d in DIMENSIONS},
                    "regime": N_("Regime")}


def change_table(facts: Facts, start: date, end: date, tr: Translate = english,
                 lang: str = "en") -> pd.DataFrame:
    """Every status change between two dates (geo.changes.changes_between), one row each, in
    words: country, what, before, after, the day, and the sources together in one cell."""
    changes = changes_between(facts.status, start, end)

    def label(dimension: str, value: str) -> str:
        return tr(VALUE_LABELS[(dimension, value)]) if value else "—"

    return pd.DataFrame({
        "date": changes["changed_on"].dt.strftime("%Y-%m-%d"),
        "country": changes["iso3"].map(country_names(facts, lang)),
        "dimension": [tr(DIMENSION_TITLES.get(d, d)) for d in changes["dimension"]],
        "before": [label(d, v) for d, v in zip(changes["dimension"], changes["before"],
                                              strict=True)],
        "after": [label(d, v) for d, v in zip(changes["dimension"], changes["after"],
                                             strict=True)],
        "sources": [s.split() for s in changes["sources"]],
    })


def headline_figures(facts: Facts, day: date, tr: Translate = english,
                     lang: str = "en") -> list[tuple[str, int, str]]:
    """(label, number of countries, their names) for each headline group on `day`."""
    names = country_names(facts, lang)
    head = headline_on(facts.status, day)
    out = []
    for f in fields(head):
        codes = getattr(head, f.name)
        out.append((tr(HEADLINE_LABELS[f.name]), len(codes), ", ".join(names.get(c, c) for c in codes)))
    return out


def _explode_sources(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(source=frame["sources"].str.split()).explode("source")
    return frame.drop(columns=["sources"])


def event_table(facts: Facts, view: ViewState, tr: Translate = english) -> pd.DataFrame:
    """The events drawn on the map, one row per (event, source)."""
    return event_rows(facts, events_in_view(facts.events, view.window, view.categories,
                                            view.countries), tr, view.lang)


def event_rows(facts: Facts, shown: pd.DataFrame, tr: Translate = english,
               lang: str = "en") -> pd.DataFrame:
    """The first TABLE_LIMIT events as a readable table, one row per (event, source)."""
    shown = shown.head(TABLE_LIMIT)
    texts = [localised(r, lang, tr) for r in shown.to_dict("records")]
    table = pd.DataFrame({
        "date": shown["date"].dt.strftime("%Y-%m-%d"),
        "country": shown["iso3"].map(country_names(facts, lang)),
        "place": [t.place for t in texts],
        "category": [tr(CATEGORY_LABELS.get(str(c), str(c))) for c in shown["category"]],
        "title": [f"{t.title} {t.fallback}".strip() for t in texts],
        "summary": [t.summary for t in texts],
        "deaths": shown["deaths"] if "deaths" in shown.columns else pd.NA,
        "sources": shown["sources"],
    })
    return _explode_sources(table)


def precision_text(events: pd.DataFrame, tr: Translate = english) -> pd.Series:
    """'region or country', 'week', 'month' ... where an event's place or date is rough."""
    place = events["place_precise"].map({False: tr("place: region or country only")}).fillna("")
    dates = events["date_precision"].map({"week": tr("date: week only"),
                                          "month": tr("date: month only"),
                                          "year": tr("date: year only")}).fillna("")
    return (place + "; " + dates).str.strip("; ")


def upload_rows(facts: Facts, shown: pd.DataFrame, tr: Translate = english,
                lang: str = "en") -> pd.DataFrame:
    """The user's first TABLE_LIMIT events in view, as the file says them: type, actors,
    fatalities and precision beside date, country and place; one row per (event, source)."""
    shown = shown.head(TABLE_LIMIT)
    table = pd.DataFrame({
        "date": shown["date"].dt.strftime("%Y-%m-%d"),
        "country": shown["iso3"].map(country_names(facts, lang)),
        "admin1": shown["admin1"], "place": shown["place"],
        "kind": shown["kind"], "sub_kind": shown["sub_kind"],
        "actor1": shown["actor1"], "actor2": shown["actor2"], "deaths": shown["deaths"],
        "precision": precision_text(shown, tr), "title": shown["title"],
        "summary": shown["summary"], "sources": shown["sources"],
    })
    return _explode_sources(table)


def sources_table(facts: Facts, day: date, tr: Translate = english,
                  lang: str = "en") -> pd.DataFrame:
    """Every status holding on `day`, one row per (country, status, source)."""
    now = status_on(facts.status, day).sort_values(["iso3", "dimension"])
    table = pd.DataFrame({
        "country": now["iso3"].map(country_names(facts, lang)),
        "status": [tr(VALUE_LABELS[(d, v)]) for d, v in zip(now["dimension"], now["value"],
                                                            strict=True)],
        "since": now["since"].dt.strftime("%Y-%m-%d"),
        "until": now["end"].dt.strftime("%Y-%m-%d").fillna(""),
        "note": in_language(now, "note", lang, tr),
        "sources": now["sources"],
    })
    return _explode_sources(table)


def coup_table(facts: Facts, day: date | None, countries: tuple[str, ...] = (),
               tr: Translate = english, lang: str = "en") -> pd.DataFrame:
    """Coups and attempts up to `day` (all when None), newest first, one row per (coup, source)."""
    coups = facts.coups if day is None else coups_until(facts.coups, day)
    if countries:
        coups = coups[coups["iso3"].isin(countries)]
    coups = coups.sort_values("date", ascending=False)
    table = pd.DataFrame({
        "date": coups["date"].dt.strftime("%Y-%m-%d"),
        "country": coups["iso3"].map(country_names(facts, lang)),
        "outcome": coups["outcome"].map(lambda o: tr(OUTCOME_LABELS[o])),
        "ousted": in_language(coups, "ousted", lang, tr),
        "installed": in_language(coups, "installed", lang, tr),
        "summary": in_language(coups, "summary", lang, tr),
        "sources": coups["sources"],
    })
    return _explode_sources(table)


def status_history(facts: Facts, iso3: str, tr: Translate = english,
                   lang: str = "en") -> pd.DataFrame:
    """Every status interval of one country, oldest first, one row per (interval, source)."""
    rows = facts.status[facts.status["iso3"] == iso3].sort_values(["start", "dimension"])
    table = pd.DataFrame({
        "from": rows["start"].dt.strftime("%Y-%m-%d"),
        "until": rows["end"].dt.strftime("%Y-%m-%d").fillna(""),
        "status": [tr(VALUE_LABELS[(d, v)]) for d, v in zip(rows["dimension"], rows["value"],
                                                            strict=True)],
        "note": in_language(rows, "note", lang, tr),
        "sources": rows["sources"],
    })
    return _explode_sources(table)


def un_vote_table(facts: Facts, resolution: str, countries: tuple[str, ...] = (),
                  tr: Translate = english, lang: str = "en") -> pd.DataFrame:
    """Each country's vote on one resolution, one row per (country, source)."""
    votes = facts.un_votes[facts.un_votes["resolution"] == resolution]
    if countries:
        votes = votes[votes["iso3"].isin(countries)]
    table = pd.DataFrame({
        "country": votes["iso3"].map(country_names(facts, lang)),
        "vote": votes["vote"].map(lambda v: tr(UN_VOTES[v][0])),
        "date": votes["date"].dt.strftime("%Y-%m-%d"),
        "note": in_language(votes, "note", lang, tr),
        "sources": votes["sources"],
    }).sort_values("country")
    return _explode_sources(table)


# Column headers of the tables above (and of the upload report), translated when shown.
COLUMN_NAMES = (N_("date"), N_("country"), N_("place"), N_("category"), N_("title"),
                N_("summary"), N_("source"), N_("source_text"), N_("status"), N_("since"),
                N_("until"), N_("note"),
                N_("from"), N_("outcome"), N_("ousted"), N_("installed"), N_("vote"), N_("file"),
                N_("holds"), N_("license"), N_("rows"), N_("curated"), N_("site"),
                N_("cited_by"), N_("citations"), N_("row"), N_("reasons"), N_("id"), N_("lat"),
                N_("lon"), N_("kind"), N_("sources"), N_("deaths"), N_("dimension"),
                N_("before"), N_("after"), N_("admin1"), N_("sub_kind"), N_("actor1"),
                N_("actor2"), N_("precision"))
