"""Publish without a server: the time map as one HTML file, and a static site of it.

The status of every country is shipped once, as the time model's wire (geo.timemodel,
coupbelt.timemap/1: per metric each country's runs of classes, computed by the Python model
itself); the browser runs the dashboard's own renderer (static/js/coupbelt.js, its standalone mode)
with the same time control: it only looks up the run holding on the day shown and recolours, and a
settled day brings its tooltips, legend and events from the wire. So every frame drawn in the
browser is what the model gives for that date.

Text from the data travels as JSON in a <script type="application/json"> block and is put on
the page with textContent; the country pages are plain HTML escaped here. Only http(s) URLs
become links.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from babel.dates import get_month_names

from geo.facts import (
    DataError,
    Facts,
    country_names,
    in_language,
    load_facts,
    localised,
    places_in,
)
from geo.i18n import (
    LANGS,
    N_,
    Translate,
    date_text,
    long_date,
    name_key,
    plural_forms,
    short_date,
    translator,
)
from geo.layers import DETAIL_LIMIT, MAP_CSS, REGION_BOUNDS, esc, forces_layer, legend_sections
from geo.metrics import (
    METRICS,
    checked_credit,
)
from geo.outlets import Register, source_links
from geo.situation import CHANGED_OUTLINE, time_control_labels
from geo.tables import CATEGORY_LABELS, DIMENSION_TITLES, OUTCOME_LABELS
from geo.terms import AGGREGATE_COLUMNS, Provenance, aggregates, attribution, provenance_of
from geo.timeline import DEFAULT_WINDOW_DAYS, forces_on, status_on
from geo.timemodel import day_number, event_rows, last_day, sample_days, wire_for
from geo.vocabulary import COVERAGE_START, DIMENSIONS, VALUE_LABELS

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
DATA_DIR = ROOT / "data"
PROJECT = N_("Sahel coup belt")  # a name: the same in every language, as on the images
DATA_FILES = ("borders.geojson", "coups.csv", "status.csv", "events.csv", "un_votes.csv",
              "SOURCES.md", "SOURCES.fr.md", "CHANGELOG.md")
DEFAULT_METRIC = "regime"
MAX_HTML_BYTES = 1_500_000  # the interactive file's budget for the curated data

# What the page says (labels travel in the JSON; the browser never builds text of its own).
UI = {
    "legend": N_("Legend"),
    "events_window": N_("Events of the {days} days up to the date"),
    "sources": N_("Sources:"),
    "country": N_("Country"),
    "details": N_("Details"),
    "on_date": N_("On this date"),
    "no_js": N_("This map needs JavaScript."),
    "changed_since": CHANGED_OUTLINE,  # the compare outline's meaning, in the legend
}
CREDIT = N_("{project} · data curated {date} · sources in data/")
TITLE = N_("{project}: {metric}, {date}")


def map_payload(facts: Facts, lang: str = "en", metric: str = DEFAULT_METRIC,
                day: date | None = None, categories: Sequence[str] | None = None,
                window_days: int = DEFAULT_WINDOW_DAYS,
                country_link: str | None = None,
                uploaded: pd.DataFrame | None = None) -> dict[str, object]:
    """Everything the time map draws, as JSON-ready data: the page's words in `lang`, the
    borders, and under "wire" the time model (geo.timemodel, coupbelt.timemap/1: every metric's
    runs, the summaries, the events) that static/js/coupbelt.js reads (its standalone mode).

    `categories` keep only those events; `uploaded` are a reader's own events (white dots),
    shown as written; `country_link` ('country/{iso3}.html') makes a click on a country open
    its page."""
    tr = translator(lang)
    end = last_day(facts)
    start_day = min(max(day or end, COVERAGE_START), end)
    wire = wire_for(facts, lang)
    if categories is not None or (uploaded is not None and len(uploaded)):
        shown = facts.events if categories is None else facts.events[
            facts.events["category"].isin(list(categories))]
        if uploaded is not None and len(uploaded):
            shown = pd.concat([shown, uploaded[[c for c in uploaded.columns if c in shown.columns]]],
                              ignore_index=True)
        wire = {**wire, "events": event_rows(shown, facts, lang, tr, end)}  # the same format
    names = country_names(facts, lang)
    borders = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso3": r.iso3, "name": names[r.iso3],
                                           "region": str(getattr(r, "region", ""))},
         "geometry": r.geometry.__geo_interface__} for r in facts.borders.itertuples()]}
    return {
        "lang": lang,
        "project": tr(PROJECT),
        "title": tr(TITLE),
        "credit": tr(CREDIT).format(project=tr(PROJECT), date=long_date(end, lang))
        + checked_credit(facts.checked, lang, tr),
        "day": day_number(start_day),
        "window": window_days,
        "limit": DETAIL_LIMIT,  # more events than this in a window: counts per cell, as live
        "metric": metric if metric in METRICS else DEFAULT_METRIC,
        # the time control's texts are the dashboard's; nothing here says "figures below"
        "ui": {**{k: tr(v) for k, v in UI.items()},
               "time": {**time_control_labels(tr, lang), "settled": ""},
               "events_text": plural_forms("{count} event", "{count} events", lang)},
        "borders": borders,
        "bounds": REGION_BOUNDS,
        "country_link": country_link,
        "wire": wire,
        "forces": force_badges(facts, tr),
        "forces_legend": legend_sections(None, (), True, tr=tr, lang=lang),
        **orientation(facts, lang),
    }


def force_badges(facts: Facts, tr: Translate) -> list[list[object]]:
    """The dashboard's force badges (geo.layers.forces_layer: placed apart from each other and
    the places' labels) through time: [first day, badges] on each day they change, the days
    the forces' status may change (geo.timemodel.sample_days), each lasting until the next."""
    runs: list[list[object]] = []
    for day in sample_days(facts, "forces"):
        drawn = forces_layer(forces_on(facts.status, day), facts.borders, tr, facts.places).badges
        if not runs or runs[-1][1] != drawn:
            runs.append([day_number(day), drawn])
    return runs


# On a narrow map (a phone held upright) the whole frame fills only a band across the middle:
# the first view there is West Africa and the Sahel, Senegal to Chad, the Gulf of Guinea to
# northern Mali (lat/lon, as REGION_BOUNDS).
PHONE_BOUNDS = [[4.0, -17.6], [25.0, 24.0]]


def orientation(facts: Facts, lang: str) -> dict[str, object]:
    """What orients the reader on the time map, in `lang`: the capitals and major cities
    ([name, lat, lon, kind], as the live map's coupbelt.places draws them), each country's name
    at a point inside it, and the first view on a phone."""
    places = places_in(facts.places, lang)
    names = country_names(facts, lang)
    labels = []
    for r in facts.borders.itertuples():
        point = r.geometry.representative_point()
        labels.append([names[r.iso3], round(point.y, 3), round(point.x, 3)])
    return {
        "places": [[str(n), round(float(y), 4), round(float(x), 4), str(k)] for n, y, x, k in
                   zip(places["name"], places["lat"], places["lon"], places["kind"], strict=True)],
        "country_labels": labels,
        "phone_bounds": PHONE_BOUNDS,
    }


def payload_json(payload: Mapping[str, object]) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the block
    or open a comment, whatever the data holds."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# The page around the map (coupbelt.js standalone): the title and the credit; the map's own
# parts (time control, legend, tooltips, places) look as on the dashboard (MAP_CSS).
PAGE_CSS = """
html, body {margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #111;}
.timemap {position: relative; height: 100%; min-height: 360px;}
.timemap .tm-map {position: absolute; inset: 0; background: #dfe9f0;}
.tm-title {position: absolute; z-index: 1000; top: 8px; left: 54px; margin: 0;
  font: bold 16px/1.3 system-ui, sans-serif; padding: 2px 8px; background: rgba(255,255,255,.92);
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); width: max-content;
  max-width: calc(100% - 80px);}
.tm-credit {position: absolute; z-index: 1000; right: 0; bottom: 0; padding: 1px 6px;
  font-size: 11px; background: rgba(255,255,255,.85);}
.timemap .time-control {bottom: 30px;}
@media (max-width: 600px) {
  .tm-title {font-size: 12px;}
  .tm-credit {font-size: 10px; left: 0;}
  /* at the foot, above the credit (MAP_CSS puts it at the top, where the title is here) */
  .timemap .time-control {top: auto; bottom: 58px; left: 10px; right: 10px; width: auto;}
  /* a tooltip opens beside the pointer: narrow enough to stay on a phone's screen */
  .timemap .country-tip {max-width: 60vw;}
  .timemap .country-tip th {width: auto;}
  .timemap .country-tip td {min-width: 0;}
}
"""
# The countries' names, which the dashboard's map leaves to its basemap.
READING_CSS = """
.country-label {background: transparent; border: 0; box-shadow: none; padding: 0;
  font: italic 12px/1.2 system-ui, sans-serif; color: #333; letter-spacing: .04em;
  text-transform: uppercase; white-space: nowrap; text-shadow: 0 0 2px #fff, 0 0 3px #fff;}
.country-label::before {display: none;}
.hide-country-labels .country-label {display: none;}
@media (max-width: 600px) {.country-label {font-size: 9px; letter-spacing: 0;}}
"""
PAGE_CSS += READING_CSS + MAP_CSS


def _page(lang: str, title: str, head: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n")


def _script_text(text: str) -> str:
    # A script inlined in the page must not contain its own end tag.
    return text.replace("</script", "<\\/script")


def _map_body(payload: Mapping[str, object], scripts: str) -> str:
    ui = payload["ui"]
    assert isinstance(ui, dict)
    return (f'<div class="timemap" id="timemap"><noscript>{html.escape(ui["no_js"])}</noscript>'
            "</div>\n"
            f'<script type="application/json" id="timemap-data">{payload_json(payload)}</script>\n'
            f"{scripts}")


TERMS_UI = {
    "heading": N_("Your events: counts and fatalities per month, country and admin1"),
    "period": N_("month"), "iso3": N_("country"), "admin1": N_("region (admin1)"),
    "events": N_("events"), "fatalities": N_("fatalities"),
}
TERMS_CSS = (".tm-terms {padding: 6px 12px; font-size: 13px;} .tm-terms table "
             "{border-collapse: collapse;} .tm-terms td, .tm-terms th {padding: 1px 8px; "
             "border-bottom: 1px solid #ddd; text-align: left;}")


def terms_section(uploaded: pd.DataFrame, prov: Provenance, restricted: bool, lang: str) -> str:
    """The user's events' attribution (source, licence, date of the data) as escaped HTML and,
    when `restricted`, their aggregates as a table: what the published page says of them."""
    tr = translator(lang)
    out = f'<section class="tm-terms" lang="{esc(lang)}"><p>{esc(attribution(prov, tr, restricted))}</p>'
    if restricted:
        head = "".join(f"<th>{esc(tr(TERMS_UI[c]))}</th>" for c in AGGREGATE_COLUMNS)
        rows = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>\n"
                       for r in aggregates(uploaded).itertuples(index=False))
        out += (f"<details open><summary>{esc(tr(TERMS_UI['heading']))}</summary><table><thead>"
                f"<tr>{head}</tr></thead><tbody>\n{rows}</tbody></table></details>")
    return out + "</section>\n"


def interactive_html(facts: Facts, lang: str = "en", metric: str = DEFAULT_METRIC,
                     day: date | None = None, categories: Sequence[str] | None = None,
                     window_days: int = DEFAULT_WINDOW_DAYS,
                     uploaded: pd.DataFrame | None = None, provenance: Provenance | None = None,
                     licence_allows: bool = False) -> str:
    """The time map as ONE self-contained HTML file (Leaflet and coupbelt.js inlined): the
    dashboard's time control (scrubber, changes, metric, playback), legend, events and credit;
    it opens from file:// with no network
    and works inside an <iframe>. Opens on `day` (default: the last day) and `metric`;
    `uploaded` are the reader's own events, added as their own category, unless their
    `provenance` forbids republishing them (geo.terms) and the user's licence does not allow it
    (`licence_allows`): then the page carries only their aggregates. Either way the page names
    their source, licence and date."""
    restricted = provenance is not None and provenance.restricted(licence_allows)
    payload = map_payload(facts, lang, metric, day, categories, window_days,
                          uploaded=None if restricted else uploaded)
    css = (STATIC / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    scripts = "".join(f"<script>{_script_text((STATIC / p).read_text(encoding='utf-8'))}</script>\n"
                      for p in ("leaflet/leaflet.js", "js/coupbelt.js"))
    terms = (terms_section(uploaded, provenance, restricted, lang)
             if uploaded is not None and provenance is not None else "")
    return _page(lang, translator(lang)(PROJECT),
                 f"<style>{css}</style>\n<style>{PAGE_CSS}{TERMS_CSS}</style>\n",
                 _map_body(payload, scripts) + terms)


# --- the static site ------------------------------------------------------------------------

SITE_CSS = """
body {max-width: 60rem; margin: 0 auto; padding: 0 1rem 2rem; font: 15px/1.5 system-ui,
  sans-serif; color: #111;}
nav {display: flex; flex-wrap: wrap; gap: .5rem 1.2rem; padding: .6rem 0; border-bottom: 1px solid #ccc;}
table {border-collapse: collapse; width: 100%; margin: .5rem 0 1rem;}
th, td {text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #ddd;}
th {background: #f2f2f2;}
th::first-letter {text-transform: uppercase;}
td.date {white-space: nowrap;}
.swatch {display: inline-block; width: 12px; height: 12px; border: 1px solid #444;
  margin-right: 4px; vertical-align: -1px;}
.sources a, .sources span {margin-right: .6rem; font-size: 13px;}
.muted {color: #555; font-size: 13px;}
li {margin: .3rem 0;}
"""
MAP_PAGE_CSS = "@media (max-width: 600px) {.site-nav {top: 90px !important;}} " \
               "body {margin: 0;} .site-nav {position: absolute; z-index: 1001; top: 44px; " \
               "left: 54px; padding: 2px 8px; background: rgba(255,255,255,.92); border-radius: 4px;" \
               " font-size: 13px; box-shadow: 0 1px 4px rgba(0,0,0,.3);} .site-nav a {margin-right: 8px;}"

SITE_UI = {
    "map": N_("Map"),
    "data": N_("Data and provenance"),
    "countries": N_("Countries"),
    "status_on": N_("Status on {date}"),
    "periods": N_("Dated status periods"),
    "coups": N_("Coups and attempts since 2020"),
    "events": N_("Events, newest first"),
    "no_coups": N_("No coup or attempt since 2020."),
    "no_events": N_("No event."),
    "in_force": N_("in force"),
    "data_intro": N_("The facts behind this site, as published. Every row cites the sources it "
                     "was checked against; SOURCES.md tells what each file holds, its origin, "
                     "license, how it was built, and the curation date."),
    "bytes": N_("bytes"),
    "size": N_("size"),
    "provenance": N_("Provenance"),
}


def _links(sources: str, outlets: Register, tr: Translate) -> str:
    """Sources as links named by their outlet and kind (http(s) URLs only; anything else stays
    text)."""
    return f'<span class="sources">{source_links(sources, outlets, tr, new_tab=False)}</span>'


def _nav(home: str, other: Mapping[str, str], tr: Translate) -> str:
    """The site's navigation: the map, the data page, and this page in the other languages
    (`home`: the way up to the language's folder)."""
    links = [f'<a href="{home}index.html">{esc(tr(SITE_UI["map"]))}</a>',
             f'<a href="{home}data.html">{esc(tr(SITE_UI["data"]))}</a>']
    links += [f'<a href="{href}" hreflang="{code}" lang="{code}">{esc(name)}</a>'
              for code, (name, href) in ((c, (LANG_LABELS[c], h)) for c, h in other.items())]
    return f"<nav>{''.join(links)}</nav>\n"


LANG_LABELS = {"en": "English", "fr": "Français"}


def _none_label(dimension: str) -> str:
    """What a dimension reads when no row holds ('No French forces', 'Not a state party')."""
    classes = METRICS[dimension].classes if dimension in METRICS else ()
    keys = [c for c in classes if (dimension, c.key) not in VALUE_LABELS]
    return keys[0].label if keys else "—"


def _on_map(day: date, dimension: str) -> str:
    """A day as a link to the map on that day, coloured by the dimension when it is a metric."""
    metric = dimension if dimension in METRICS else DEFAULT_METRIC
    return f'<a href="../index.html#date={day:%Y-%m-%d}&amp;metric={metric}">{day:%Y-%m-%d}</a>'


def _since(start: pd.Timestamp, tr: Translate) -> str:
    """The day a status began, or 'before 1 January 2020' when it held when coverage starts."""
    if start.date() <= COVERAGE_START:
        return tr("before {date}").format(date=date_text(COVERAGE_START, tr))
    return f"{start:%Y-%m-%d}"


def _status_table(rows: pd.DataFrame, day: date, tr: Translate, outlets: Register) -> str:
    """The country's status in every dimension on `day`, with the day each began and sources."""
    held = {r["dimension"]: r for r in status_on(rows, day).to_dict("records")}
    out = ["<table><thead><tr>" + "".join(f"<th>{esc(tr(h))}</th>" for h in
                                          ("dimension", "status", "since", "sources")) +
           "</tr></thead><tbody>\n"]
    for dimension in DIMENSIONS:
        r = held.get(dimension)
        title = tr(DIMENSION_TITLES.get(dimension, dimension))
        if r is None:
            out.append(f'<tr data-dimension="{dimension}"><td>{esc(title)}</td>'
                       f"<td>{esc(tr(_none_label(dimension)))}</td><td></td><td></td></tr>\n")
            continue
        out.append(f'<tr data-dimension="{dimension}"><td>{esc(title)}</td>'
                   f"<td>{esc(tr(VALUE_LABELS[(dimension, r['value'])]))}</td>"
                   f'<td class="date">{esc(_since(r["since"], tr))}</td>'
                   f"<td>{_links(r['sources'], outlets, tr)}</td></tr>\n")
    out.append("</tbody></table>\n")
    return "".join(out)


# assets/country.js: shows the status table of the date in the page's link (#date=YYYY-MM-DD, as
# the map's country click writes it) and names that date in the heading and the page title; with
# no date, or without JavaScript, the page stays on the last day. Runs from file://.
STATUS_BY_DATE_JS = """(function () {
  var box = document.getElementById("status"), m = /date=(\\d{4}-\\d{2}-\\d{2})/.exec(location.hash);
  if (!box || !m) { return; }
  var tables = box.querySelectorAll("table[data-from]"), first = box.dataset.start;
  var last = box.dataset.last, day = m[1] < first ? first : (m[1] > last ? last : m[1]);
  var months = JSON.parse(box.dataset.months), p = day.split("-").map(Number);
  var when = (box.dataset.first && p[2] === 1 ? box.dataset.first : String(p[2])) + " " +
    months[p[1] - 1] + " " + p[0];
  tables.forEach(function (t) {
    t.hidden = !(t.dataset.from <= day && (!t.dataset.until || day < t.dataset.until));
  });
  var heading = document.getElementById("status-heading");
  heading.textContent = box.dataset.template.replace("{date}", when);
  document.title = heading.textContent + " · " + document.title;
})();"""


def _status_by_date(rows: pd.DataFrame, end: date, lang: str, outlets: Register) -> str:
    """The 'Status on' section of a country page: one table for each span of days over which
    the country's status stays the same (from COVERAGE_START to `end`), the last day's first
    and shown;
    STATUS_BY_DATE_JS shows the one of the date the link asks for."""
    tr = translator(lang)
    changes = {COVERAGE_START}
    for column in ("start", "end"):
        changes.update(d.date() for d in rows[column].dropna()
                       if COVERAGE_START < d.date() <= end)
    days = sorted(changes)
    months = [str(get_month_names("wide", locale=lang)[k]) for k in range(1, 13)]
    template = tr(SITE_UI["status_on"])
    out = [f'<section id="status" data-template="{esc(template)}" '
           f'data-months="{esc(json.dumps(months, ensure_ascii=False))}" '
           f'data-start="{COVERAGE_START:%Y-%m-%d}" data-last="{end:%Y-%m-%d}" '
           f'data-first="{"1er" if lang == "fr" else ""}">\n'
           f'<h2 id="status-heading">{esc(template.format(date=long_date(end, lang)))}</h2>\n']
    for k, day in reversed(list(enumerate(days))):  # the last day's first
        until = f"{days[k + 1]:%Y-%m-%d}" if k + 1 < len(days) else ""
        table = _status_table(rows, day, tr, outlets)
        out.append(table.replace("<table>", f'<table data-from="{day:%Y-%m-%d}" '
                                 f'data-until="{until}"{"" if not until else " hidden"}>', 1))
    out.append("</section>\n")
    return "".join(out)


def country_page(facts: Facts, iso3: str, lang: str, root: str = "../",
                 other: Mapping[str, str] | None = None) -> str:
    """One country's page: its status on the last day in every dimension with sources, its dated
    status periods, its coups and its events newest first. Plain HTML, every datum escaped."""
    tr = translator(lang)
    end = last_day(facts)
    name = country_names(facts, lang).get(iso3, iso3)
    rows = facts.status[facts.status["iso3"] == iso3]
    notes = dict(zip(rows.index, in_language(rows, "note", lang, tr), strict=True))
    out = [_nav("../", other or {}, tr), f"<h1>{esc(name)}</h1>\n",
           _status_by_date(rows, end, lang, facts.outlets)]
    out.append(f"<h2>{esc(tr(SITE_UI['periods']))}</h2>\n<table><thead><tr>" + "".join(
        f"<th>{esc(tr(h))}</th>" for h in ("dimension", "status", "from", "until", "note",
                                          "sources")) + "</tr></thead><tbody>\n")
    order = {d: k for k, d in enumerate(DIMENSIONS)}
    periods = rows.sort_values(["dimension", "start"], key=lambda c: c.map(order) if c.name == "dimension"
                               else c)
    for index, p in zip(periods.index, periods.to_dict("records"), strict=True):
        until = f"{p['end']:%Y-%m-%d}" if pd.notna(p["end"]) else tr(SITE_UI["in_force"])
        out.append(f"<tr><td>{esc(tr(DIMENSION_TITLES.get(p['dimension'], p['dimension'])))}</td>"
                   f"<td>{esc(tr(VALUE_LABELS[(p['dimension'], p['value'])]))}</td>"
                   f'<td class="date">{_on_map(p["start"].date(), p["dimension"])}</td>'
                   f'<td class="date">{esc(until)}</td>'
                   f"<td>{esc(notes[index])}</td><td>{_links(p['sources'], facts.outlets, tr)}</td></tr>\n")
    out.append("</tbody></table>\n")
    coups = facts.coups[facts.coups["iso3"] == iso3].sort_values("date", ascending=False)
    out.append(f"<h2>{esc(tr(SITE_UI['coups']))}</h2>\n")
    if coups.empty:
        out.append(f"<p>{esc(tr(SITE_UI['no_coups']))}</p>\n")
    else:
        summaries = in_language(coups, "summary", lang, tr)
        out.append("<ul>\n")
        for coup, summary in zip(coups.to_dict("records"), summaries, strict=True):
            out.append(f"<li><b>{esc(short_date(coup['date'].date(), lang))}</b> · "
                       f"{esc(tr(OUTCOME_LABELS[coup['outcome']]))}: {esc(summary)} "
                       f"{_links(coup['sources'], facts.outlets, tr)}</li>\n")
        out.append("</ul>\n")
    events = facts.events[(facts.events["iso3"] == iso3)
                          & (facts.events["date"] <= pd.Timestamp(end))].iloc[::-1]
    out.append(f"<h2>{esc(tr(SITE_UI['events']))} ({len(events)})</h2>\n")
    if events.empty:
        out.append(f"<p>{esc(tr(SITE_UI['no_events']))}</p>\n")
    else:
        out.append("<ul>\n")
        for event in events.to_dict("records"):
            t = localised(event, lang, tr)
            category = tr(CATEGORY_LABELS.get(str(event["category"]), str(event["category"])))
            out.append(f'<li id="{esc(event["id"])}"><b>{esc(short_date(event["date"].date(), lang))}'
                       f"</b> · {esc(category)} · {esc(t.place)}<br><b>{esc(t.title)}</b> "
                       f'<span class="muted">{esc(t.fallback)}</span><br>{esc(t.summary)} '
                       f"{_links(str(event['sources']), facts.outlets, tr)}</li>\n")
        out.append("</ul>\n")
    credit = (tr(CREDIT).format(project=tr(PROJECT), date=long_date(end, lang))
              + checked_credit(facts.checked, lang, tr))
    out.append(f'<p class="muted">{esc(credit)}'
               "</p>\n")
    return _page(lang, f"{name} · {tr(PROJECT)}",
                 f'<link rel="stylesheet" href="{root}assets/site.css">\n'
                 f'<script defer src="{root}assets/country.js"></script>\n', "".join(out))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_page(facts: Facts, lang: str, files: Sequence[Path], root: str,
              other: Mapping[str, str], terms: str = "") -> str:
    """The data files as published, with size, SHA-256 and a link to their provenance, then
    `terms` (terms_section: the user's events' attribution and aggregates)."""
    tr = translator(lang)
    end = last_day(facts)
    credit = (tr(CREDIT).format(project=tr(PROJECT), date=long_date(end, lang))
              + checked_credit(facts.checked, lang, tr))
    names = country_names(facts, lang)
    provenance = "SOURCES.fr.md" if lang == "fr" and any(
        f.name == "SOURCES.fr.md" for f in files) else "SOURCES.md"
    rows = "".join(f'<tr><td><a href="{root}data/{esc(f.name)}">{esc(f.name)}</a></td>'
                   f"<td>{f.stat().st_size:,} {esc(tr(SITE_UI['bytes']))}</td>"
                   f"<td><code>{_sha256(f)}</code></td></tr>\n" for f in files)
    countries = "".join(f'<li><a href="country/{esc(c)}.html">{esc(n)}</a></li>'
                        for c, n in sorted(names.items(), key=lambda kv: name_key(kv[1])))
    body = (_nav("", other, tr) + f"<h1>{esc(tr(SITE_UI['data']))}</h1>\n"
            f"<p>{esc(tr(SITE_UI['data_intro']))}</p>\n"
            f'<p><b>{esc(tr(SITE_UI["provenance"]))}</b>: <a href="{root}data/{provenance}">'
            f"{provenance}</a> · {esc(credit)}</p>\n"
            f"<table><thead><tr><th>{esc(tr('file'))}</th><th>{esc(tr(SITE_UI['size']))}</th>"
            f"<th>SHA-256</th></tr></thead><tbody>\n{rows}</tbody></table>\n"
            f"{terms}<h2>{esc(tr(SITE_UI['countries']))}</h2>\n<ul>{countries}</ul>\n")
    return _page(lang, f"{tr(SITE_UI['data'])} · {tr(PROJECT)}",
                 f'<link rel="stylesheet" href="{root}assets/site.css">\n', body)


def _folder(lang: str, langs: Sequence[str]) -> str:
    """A language's folder in the site: the first language at the top, others below it."""
    return "" if lang == langs[0] else f"{lang}/"


def write_site(facts: Facts, out: Path, langs: Sequence[str] = ("en", "fr"),
               data_dir: Path = DATA_DIR, uploaded: pd.DataFrame | None = None,
               provenance: Provenance | None = None, licence_allows: bool = False) -> list[Path]:
    """Write a folder of static files any web host serves with no Python: the time map
    (index.html, and <lang>/index.html for the other languages), a page per country
    (country/<ISO3>.html), the data files with their provenance (data/, data.html) and the
    assets (Leaflet, coupbelt.js). Every link is relative. Returns the files written.

    `uploaded` are a user's events of `provenance` (geo.terms): drawn on the map when their
    source or the user's licence (`licence_allows`) allows republishing them, else published
    only as aggregates; the map and data pages name their source, licence and date."""
    langs = tuple(dict.fromkeys(langs))
    unknown = [lang for lang in langs if lang not in LANGS]
    if not langs or unknown:
        raise ValueError(f"languages must be among {', '.join(LANGS)}; got {', '.join(unknown) or 'none'}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    (out / "assets").mkdir(exist_ok=True)
    for source, name in ((STATIC / "leaflet" / "leaflet.css", "leaflet.css"),
                         (STATIC / "leaflet" / "leaflet.js", "leaflet.js"),
                         (STATIC / "js" / "coupbelt.js", "coupbelt.js")):
        written.append(Path(shutil.copyfile(source, out / "assets" / name)))
    write("assets/site.css", SITE_CSS)
    write("assets/country.js", STATUS_BY_DATE_JS)
    (out / "data").mkdir(exist_ok=True)
    files = [Path(shutil.copyfile(data_dir / n, out / "data" / n)) for n in DATA_FILES
             if (data_dir / n).is_file()]
    written += files
    countries = list(facts.borders["iso3"])
    for lang in langs:
        folder = _folder(lang, langs)
        up = "../" * folder.count("/")

        def others(page: str, lang: str = lang, up: str = up) -> dict[str, str]:
            return {o: up + _folder(o, langs) + page for o in langs if o != lang}

        restricted = provenance is not None and provenance.restricted(licence_allows)
        payload = map_payload(facts, lang, country_link="country/{iso3}.html",
                              uploaded=None if restricted else uploaded)
        terms = (terms_section(uploaded, provenance, restricted, lang)
                 if uploaded is not None and provenance is not None else "")
        scripts = (f'<script src="{up}assets/leaflet.js"></script>\n'
                   f'<script src="{up}assets/coupbelt.js"></script>\n')
        tr = translator(lang)
        nav = ('<div class="site-nav">' + f'<a href="data.html">{esc(tr(SITE_UI["data"]))}</a>' +
               "".join(f'<a href="{h}" hreflang="{o}" lang="{o}">{LANG_LABELS[o]}</a>'
                       for o, h in others("index.html").items()) + "</div>\n")
        head = (f'<link rel="stylesheet" href="{up}assets/leaflet.css">\n'
                f"<style>{PAGE_CSS}{MAP_PAGE_CSS}{TERMS_CSS}</style>\n")
        write(f"{folder}index.html", _page(lang, tr(PROJECT), head,
                                           nav + _map_body(payload, scripts) + terms))
        write(f"{folder}data.html", data_page(facts, lang, files, up, others("data.html"), terms))
        for iso3 in countries:
            page = f"country/{iso3}.html"
            write(f"{folder}{page}", country_page(
                facts, iso3, lang, "../" + up, {o: "../" + h for o, h in others(page).items()}))
    return written


# --- command line ---------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """The site command's arguments, for this module's parser or a `site` subcommand."""
    parser.add_argument("out", type=Path,
                        help="the folder to write (created; files in it are replaced)")
    parser.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS, metavar="LANG",
                        help="languages, the first at the top of the site, the others in "
                             "<lang>/ (default: en fr)")
    parser.add_argument("--data", type=Path, default=DATA_DIR,
                        help="the data folder (default: the project's data/)")
    add_events_arguments(parser)


def add_events_arguments(parser: argparse.ArgumentParser) -> None:
    """--events FILE and --licence-allows-raw, for this module's parser and geo.publish site."""
    parser.add_argument("--events", type=Path, metavar="FILE",
                        help="your own events (an ACLED, UCDP GED or events.csv-style file, as "
                             "the app imports): ACLED's are published as counts and fatalities "
                             "per month, country and admin1 only, unless --licence-allows-raw")
    parser.add_argument("--licence-allows-raw", action="store_true",
                        help="state that your licence allows republishing the rows of --events "
                             "(off by default: ACLED's terms forbid it)")


def own_events(path: Path | None, facts: Facts, prog: str
                ) -> tuple[pd.DataFrame | None, Provenance | None]:
    """The events of --events and their provenance (the format geo.ingest recognises, dated by
    the file's modification day); rejected rows are left out, and counted on stderr."""
    if path is None:
        return None, None
    from geo.ingest import ingest_file  # heavy: only when asked

    if not path.is_file():
        raise DataError(path, "the events file does not exist")
    report = ingest_file(path, path.name, facts.borders)
    if len(report.rejected):
        print(f"{prog}: {report.summary()}", file=sys.stderr)
    dated = date.fromtimestamp(path.stat().st_mtime)
    return report.loaded, provenance_of(report.format, path.name, dated)


def run_site(args: argparse.Namespace, prog: str = "python -m geo.site") -> int:
    """Write the site the parsed arguments ask for: 0 written, 2 unusable arguments or data
    (one line on stderr says why), 3 an internal error (one line, no traceback)."""
    if not args.data.is_dir():
        print(f"{prog}: the data folder {args.data.name!r} does not exist", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"{prog}: {args.out.name!r} is a file, not a folder", file=sys.stderr)
        return 2
    try:
        facts = load_facts(args.data)
        if facts.errors:
            print(f"{prog}: the data cannot be used: {facts.errors[0]}", file=sys.stderr)
            return 2
        uploaded, prov = own_events(args.events, facts, prog)
        written = write_site(facts, args.out, tuple(args.lang), args.data, uploaded, prov,
                             args.licence_allows_raw)
    except (DataError, OSError, ValueError) as exc:  # ValueError: geo.ingest's IngestError
        print(f"{prog}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # one line, never a traceback
        print(f"{prog}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: 0 written, 2 bad arguments or unusable data, 3 an internal error."""
    parser = _Parser(prog="python -m geo.site",
                     description="Write the static site: the time map (index.html), a page per "
                                 "country, the data files and their provenance. Any static web "
                                 "host serves it.")
    add_site_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return run_site(args)


if __name__ == "__main__":
    raise SystemExit(main())
