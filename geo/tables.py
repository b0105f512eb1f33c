"""Tables for the page: headline figures, the events in view, and the status on a date with sources.

These are what a person reads beside (or instead of) the map, so they carry the same facts.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date

import pandas as pd

from geo.changes import changes_between
from geo.facts import Facts, country_names, in_language, localised
from geo.i18n import N_, Translate, english, name_key
from geo.metrics import METRICS, unchecked_text
from geo.outlets import Register, source_links
from geo.timeline import coups_until, events_in_view, headline_on, status_on
from geo.viewstate import ViewState
from geo.vocabulary import (
    COVERAGE_START,
    DIMENSIONS,
    EVENT_CATEGORIES,
    UN_VOTES,
    UPLOAD_CATEGORY,
    VALUE_LABELS,
)

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
                 lang: str = "en", countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every status change between two dates (geo.changes.changes_between), one row each, in
    words: country, what, before, after, the day, and the sources together in one cell.
    `countries` limits it to those ISO3 codes (empty: all)."""
    changes = changes_between(facts.status, start, end)
    if countries:
        changes = changes[changes["iso3"].isin(countries)]

    def label(dimension: str, value: str) -> str:
        return tr(VALUE_LABELS[(dimension, value)]) if value else "—"

    return pd.DataFrame({
        "date": changes["changed_on"].dt.strftime("%Y-%m-%d"),
        "iso3": changes["iso3"],
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


def _sources_listed(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per fact: its space-separated sources become one list, shown in one cell."""
    return frame.assign(sources=frame["sources"].fillna("").astype(str).str.split())


TABLE_STYLE = """<style>
.fact-table {max-height: 32rem; overflow: auto; border: 1px solid #ddd; border-radius: 4px;}
.fact-table table {border-collapse: collapse; width: 100%; font-size: 0.85rem;}
.fact-table th {position: sticky; top: 0; background: #f0f2f6; text-align: left;
  padding: 4px 8px; border-bottom: 1px solid #ccc; white-space: nowrap;}
.fact-table td {padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top;}
.fact-table td.sources .source {margin-right: 0.5em; white-space: nowrap;}
.fact-table td.sources .outlet-kind {color: #555; font-size: 0.8em;}
</style>"""


def _cell(value: object, outlets: Register, tr: Translate) -> str:
    if isinstance(value, list):  # sources: http(s) URLs become links named by their outlet
        return source_links(value, outlets, tr)
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, headers: Mapping[str, str],
               country_href: Callable[[str], str] | None = None, outlets: Register | None = None,
               tr: Translate = english) -> str:
    """A table of facts as HTML, every text escaped: one row per fact, all its sources as links
    in one cell (http(s) URLs only; any other text stays text), each named by its outlet and
    kind from `outlets` (geo.outlets), long text wrapped so it reads.

    With `country_href`, a `country` cell links to that country's page (the `iso3` column,
    not shown, says which); `headers` name the columns shown.
    """
    shown = [c for c in frame.columns if c != "iso3"]
    head = "".join(f"<th>{html.escape(headers.get(c, c))}</th>" for c in shown)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in shown:
            text = _cell(record[column], outlets or {}, tr)
            if column == "country" and country_href is not None and record.get("iso3"):
                text = (f'<a href="{html.escape(country_href(str(record["iso3"])), quote=True)}" '
                        f'target="_self">{text}</a>')
            css = ' class="sources"' if column == "sources" else ""
            cells.append(f"<td{css}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'{TABLE_STYLE}<div class="fact-table"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def event_table(facts: Facts, view: ViewState, tr: Translate = english) -> pd.DataFrame:
    """The events drawn on the map, newest first, one row per event."""
    return event_rows(facts, events_in_view(facts.events, view.window, view.categories,
                                            view.countries), tr, view.lang)


def event_rows(facts: Facts, shown: pd.DataFrame, tr: Translate = english,
               lang: str = "en") -> pd.DataFrame:
    """The newest TABLE_LIMIT events as a readable table, one row per event, its sources in one
    cell."""
    shown = shown.sort_values("date", ascending=False, kind="stable").head(TABLE_LIMIT)
    texts = [localised(r, lang, tr) for r in shown.to_dict("records")]
    table = pd.DataFrame({
        "date": shown["date"].dt.strftime("%Y-%m-%d"),
        "iso3": shown["iso3"],
        "country": shown["iso3"].map(country_names(facts, lang)),
        "place": [t.place for t in texts],
        "category": [tr(CATEGORY_LABELS.get(str(c), str(c))) for c in shown["category"]],
        "title": [f"{t.title} {t.fallback}".strip() for t in texts],
        "summary": [t.summary for t in texts],
        "deaths": shown["deaths"] if "deaths" in shown.columns else pd.NA,
        "sources": shown["sources"],
    })
    return _sources_listed(table)


def precision_text(events: pd.DataFrame, tr: Translate = english) -> pd.Series:
    """'region or country', 'week', 'month' ... where an event's place or date is rough."""
    place = events["place_precise"].map({False: tr("place: region or country only")}).fillna("")
    dates = events["date_precision"].map({"week": tr("date: week only"),
                                          "month": tr("date: month only"),
                                          "year": tr("date: year only")}).fillna("")
    return (place + "; " + dates).str.strip("; ")


def upload_rows(facts: Facts, shown: pd.DataFrame, tr: Translate = english,
                lang: str = "en") -> pd.DataFrame:
    """The user's newest TABLE_LIMIT events in view, as the file says them: type, actors,
    fatalities and precision beside date, country and place; one row per event."""
    shown = shown.sort_values("date", ascending=False, kind="stable").head(TABLE_LIMIT)
    table = pd.DataFrame({
        "date": shown["date"].dt.strftime("%Y-%m-%d"),
        "iso3": shown["iso3"],
        "country": shown["iso3"].map(country_names(facts, lang)),
        "admin1": shown["admin1"], "place": shown["place"],
        "kind": shown["kind"], "sub_kind": shown["sub_kind"],
        "actor1": shown["actor1"], "actor2": shown["actor2"], "deaths": shown["deaths"],
        "precision": precision_text(shown, tr), "title": shown["title"],
        "summary": shown["summary"], "sources": shown["sources"],
    })
    return _sources_listed(table)


def sources_table(facts: Facts, day: date, tr: Translate = english, lang: str = "en",
                  countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every status holding on `day` (in `countries`, or all), by country name, one row per
    status."""
    names = country_names(facts, lang)
    now = status_on(facts.status, day)
    if countries:
        now = now[now["iso3"].isin(countries)]
    now = now.assign(_name=now["iso3"].map(names))
    now = now.assign(_key=now["_name"].map(name_key)).sort_values(["_key", "dimension"])
    return _held(now, {"iso3": now["iso3"], "country": now["_name"]}, tr, lang,
                 unchecked_text(day, facts.checked, tr))


def _held(now: pd.DataFrame, first: dict[str, object], tr: Translate,
          lang: str, unchecked: str = "") -> pd.DataFrame:
    """Statuses holding on a day (status_on's rows) in words, after the `first` columns. Past
    the edge of the checked facts (`unchecked`: 'not checked since ...'), what holds is what was
    open at the edge, and its end says so."""
    until = now["end"].dt.strftime("%Y-%m-%d").fillna("")
    if unchecked:
        until = pd.Series(unchecked, index=now.index, dtype=object)
    return _sources_listed(pd.DataFrame({
        **first,
        "status": [tr(VALUE_LABELS[(d, v)]) for d, v in zip(now["dimension"], now["value"],
                                                            strict=True)],
        "since": now["since"].dt.strftime("%Y-%m-%d"),
        "until": until,
        "note": in_language(now, "note", lang, tr),
        "sources": now["sources"],
    }))


def coup_table(facts: Facts, day: date | None, countries: tuple[str, ...] = (),
               tr: Translate = english, lang: str = "en") -> pd.DataFrame:
    """Coups and attempts up to `day` (all when None), newest first, one row per coup."""
    coups = facts.coups if day is None else coups_until(facts.coups, day)
    if countries:
        coups = coups[coups["iso3"].isin(countries)]
    coups = coups.sort_values("date", ascending=False)
    table = pd.DataFrame({
        "date": coups["date"].dt.strftime("%Y-%m-%d"),
        "iso3": coups["iso3"],
        "country": coups["iso3"].map(country_names(facts, lang)),
        "outcome": coups["outcome"].map(lambda o: tr(OUTCOME_LABELS[o])),
        "ousted": in_language(coups, "ousted", lang, tr),
        "installed": in_language(coups, "installed", lang, tr),
        "summary": in_language(coups, "summary", lang, tr),
        "sources": coups["sources"],
    })
    return _sources_listed(table)


def status_history(facts: Facts, iso3: str, tr: Translate = english,
                   lang: str = "en") -> pd.DataFrame:
    """Every status interval of one country, newest first, one row per interval."""
    rows = facts.status[facts.status["iso3"] == iso3].sort_values(["start", "dimension"],
                                                                   ascending=[False, True])
    table = pd.DataFrame({
        "from": rows["start"].dt.strftime("%Y-%m-%d"),
        "until": rows["end"].dt.strftime("%Y-%m-%d").fillna(""),
        "status": [tr(VALUE_LABELS[(d, v)]) for d, v in zip(rows["dimension"], rows["value"],
                                                            strict=True)],
        "note": in_language(rows, "note", lang, tr),
        "sources": rows["sources"],
    })
    return _sources_listed(table)


def un_vote_table(facts: Facts, resolution: str, countries: tuple[str, ...] = (),
                  tr: Translate = english, lang: str = "en") -> pd.DataFrame:
    """Each country's vote on one resolution, by country name, one row per country."""
    votes = facts.un_votes[facts.un_votes["resolution"] == resolution]
    if countries:
        votes = votes[votes["iso3"].isin(countries)]
    table = pd.DataFrame({
        "iso3": votes["iso3"],
        "country": votes["iso3"].map(country_names(facts, lang)),
        "vote": votes["vote"].map(lambda v: tr(UN_VOTES[v][0])),
        "date": votes["date"].dt.strftime("%Y-%m-%d"),
        "note": in_language(votes, "note", lang, tr),
        "sources": votes["sources"],
    }).sort_values("country", key=lambda names: names.map(name_key))
    return _sources_listed(table)


# Column headers of the tables above (and of the upload report), translated when shown.
COLUMN_NAMES = (N_("date"), N_("country"), N_("place"), N_("category"), N_("title"),
                N_("summary"), N_("source"), N_("source_text"), N_("status"), N_("since"),
                N_("until"), N_("note"),
                N_("from"), N_("outcome"), N_("ousted"), N_("installed"), N_("vote"), N_("file"),
                N_("holds"), N_("license"), N_("rows"), N_("curated"), N_("site"),
                N_("cited_by"), N_("citations"), N_("row"), N_("reasons"), N_("id"), N_("lat"),
                N_("lon"), N_("kind"), N_("sources"), N_("deaths"), N_("dimension"),
                N_("before"), N_("after"), N_("resolution"), N_("admin1"), N_("sub_kind"),
                N_("actor1"), N_("actor2"), N_("precision"), N_("outlet"))


def country_status(facts: Facts, iso3: str, day: date, tr: Translate = english,
                   lang: str = "en") -> pd.DataFrame:
    """One country's status on `day` in every dimension the data has for it, one row each (in
    the order of the dimensions), with the day it began and its sources."""
    now = status_on(facts.status, day)
    now = now[now["iso3"] == iso3]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    now = now.assign(_order=now["dimension"].map(order)).sort_values("_order")
    return _held(now, {"dimension": [tr(DIMENSION_TITLES.get(d, d)) for d in now["dimension"]]},
                 tr, lang, unchecked_text(day, facts.checked, tr))


def country_votes(facts: Facts, iso3: str, tr: Translate = english,
                  lang: str = "en") -> pd.DataFrame:
    """How one country voted on each UN General Assembly resolution, newest first."""
    votes = facts.un_votes[facts.un_votes["iso3"] == iso3].sort_values("date", ascending=False)
    table = pd.DataFrame({
        "date": votes["date"].dt.strftime("%Y-%m-%d"),
        "resolution": votes["resolution"],
        "title": in_language(votes, "title", lang, tr),
        "vote": votes["vote"].map(lambda v: tr(UN_VOTES[v][0])),
        "note": in_language(votes, "note", lang, tr),
        "sources": votes["sources"],
    })
    return _sources_listed(table)


def status_lanes(facts: Facts, iso3: str, tr: Translate = english) -> pd.DataFrame:
    """One country's status periods as chart lanes: lane (the dimension), status, start, end
    (NaT while it holds) and the colour the maps give that status."""
    rows = facts.status[facts.status["iso3"] == iso3]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    rows = rows.assign(_order=rows["dimension"].map(order)).sort_values(["_order", "start"])

    def colour(dimension: str, value: str) -> str:
        metric = METRICS.get(dimension)
        found = [c.colour for c in metric.classes if c.key == value] if metric else []
        return found[0] if found else "#999999"

    return pd.DataFrame({
        "lane": [tr(DIMENSION_TITLES.get(d, d)) for d in rows["dimension"]],
        "status": [tr(VALUE_LABELS[(d, v)]) for d, v in zip(rows["dimension"], rows["value"],
                                                            strict=True)],
        "start": rows["start"].where(rows["start"] >= pd.Timestamp(COVERAGE_START),
                                     pd.Timestamp(COVERAGE_START)),
        "end": rows["end"],
        "colour": [colour(d, v) for d, v in zip(rows["dimension"], rows["value"], strict=True)],
    })
