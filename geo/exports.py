"""Downloads of the current view (CSV and GeoJSON, sources included) and the index of sources."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from geo.escape import csv_safe, web_site
from geo.facts import Facts
from geo.outlets import Register, outlet_of
from geo.terms import Provenance, aggregates, attribution_record

EVENT_EXPORT_COLUMNS = ["id", "date", "lat", "lon", "iso3", "place", "category", "title",
                        "summary", "sources"]


# What an imported file says about each event (geo.ingest), after the events.csv columns.
UPLOAD_EXPORT_COLUMNS = ["kind", "sub_kind", "actor1", "actor2", "deaths", "deaths_low",
                         "deaths_high", "admin1", "place_precise", "date_precision"]
INTERNAL_COLUMNS = {"row", "title_fr", "summary_fr", "place_fr"}


def _columns(events: pd.DataFrame) -> list[str]:
    """events.csv's columns, then `origin` (curated or uploaded) when the view mixes both,
    then the imported file's schema and its own other columns, as it named them."""
    known = {*EVENT_EXPORT_COLUMNS, "origin", *INTERNAL_COLUMNS, *UPLOAD_EXPORT_COLUMNS}
    extra = [c for c in events.columns if c not in known]
    ours = [c for c in UPLOAD_EXPORT_COLUMNS if c in events.columns]
    if "kind" not in events.columns:  # curated events only: the columns of data/events.csv
        ours, extra = [], []
    return EVENT_EXPORT_COLUMNS + (["origin"] if "origin" in events.columns else []) + ours + extra


def outlets_cell(sources: object, outlets: Register) -> str:
    """Who each source is, in the order of `sources`: 'Reuters (wire) | BBC News
    (international)' (geo.vocabulary.OUTLET_KINDS' codes)."""
    return " | ".join(f"{o.name} ({o.kind})" for o in
                      (outlet_of(u, outlets) for u in str(sources).split()))


def _with_outlets(frame: pd.DataFrame, outlets: Register | None) -> pd.DataFrame:
    """`frame` with a `source_outlets` column after `sources` when there is a register."""
    if not outlets:
        return frame
    out = frame.copy()
    out.insert(list(out.columns).index("sources") + 1, "source_outlets",
               [outlets_cell(s, outlets) for s in frame["sources"]])
    return out


def _outlet_list(sources: object, outlets: Register) -> list[dict[str, str]]:
    return [{"url": u, "outlet": o.name, "kind": o.kind}
            for u, o in ((u, outlet_of(u, outlets)) for u in str(sources).split())]


def events_csv(events: pd.DataFrame, outlets: Register | None = None) -> str:
    """The events as CSV, in the columns of data/events.csv (plus `origin` when mixed, and
    `source_outlets` with a register); text cells that a spreadsheet would run as a formula are
    neutralised (geo.escape.csv_safe)."""
    out = events[_columns(events)].assign(date=events["date"].dt.strftime("%Y-%m-%d"))
    return csv_safe(_with_outlets(out, outlets)).to_csv(index=False, lineterminator="\n")


def _edge(checked: pd.Timestamp | None) -> dict[str, str]:
    """The collection's note of the edge of the checked facts (a GeoJSON foreign member)."""
    return {"facts_checked_up_to": f"{checked:%Y-%m-%d}"} if checked is not None else {}


def events_geojson(events: pd.DataFrame, outlets: Register | None = None,
                   checked: pd.Timestamp | None = None, export: ViewExport | None = None) -> str:
    """The events as a GeoJSON FeatureCollection of points; sources as a list of URLs and,
    with a register, `source_outlets`: each source's URL, outlet and kind; `checked`, the edge
    of the checked facts, as the collection's `facts_checked_up_to`; with `export` (the
    user's events), its `attribution` and, for rows that may not be republished, its
    `aggregates` (no points)."""
    features = []
    for row in events.to_dict("records"):
        props = {k: _json_value(row[k]) for k in _columns(events) if k not in ("lat", "lon")}
        props["date"] = f"{row['date']:%Y-%m-%d}"
        props["sources"] = str(row["sources"]).split()  # uploads may cite names, not URLs
        if outlets:
            props["source_outlets"] = _outlet_list(row["sources"], outlets)
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]}})
    members: dict[str, object] = {}
    if export is not None:
        members["attribution"] = [export.attribution]
        if export.aggregates is not None:
            members["aggregates"] = export.aggregates.to_dict("records")
    return json.dumps({"type": "FeatureCollection", **_edge(checked), **members,
                       "features": features}, ensure_ascii=False)


@dataclass(frozen=True)
class ViewExport:
    """What a download of the view holds: the events (curated, and the user's when their
    source's terms allow), the aggregates of the user's rows that may not be republished
    (None when their rows are there), and the attribution of the user's events."""

    events: pd.DataFrame
    aggregates: pd.DataFrame | None
    attribution: dict[str, object]


def view_export(curated: pd.DataFrame, mine: pd.DataFrame, prov: Provenance,
                licence_allows: bool = False) -> ViewExport:
    """The view's download with the user's events `mine` (geo.terms): their rows, marked by
    `origin` and named by `data_source`, `data_licence` and `data_date`, when their source
    allows it or the user's licence does; else only their aggregates."""
    restricted = prov.restricted(licence_allows)
    record = attribution_record(prov, restricted)
    source, licence, dated = (str(record[k] or "") for k in ("source", "licence", "date"))
    if restricted:
        return ViewExport(curated, aggregates(mine).assign(
            source=source, licence=licence, data_date=dated), record)
    named = mine.assign(origin="uploaded", data_source=source, data_licence=licence,
                        data_date=dated)
    return ViewExport(pd.concat([curated.assign(origin="curated"), named]), None, record)


def aggregates_csv(export: ViewExport) -> str:
    """The aggregates of a view's user events as CSV: period (YYYY-MM), iso3, admin1, events,
    fatalities, and on each row its source, licence and date of the data."""
    frame = export.aggregates if export.aggregates is not None else pd.DataFrame()
    return csv_safe(frame).to_csv(index=False, lineterminator="\n")


def _json_value(value: object) -> object:
    """A cell as JSON: missing values (NaN, NA) are null, numpy numbers plain numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def status_csv(status: pd.DataFrame, outlets: Register | None = None) -> str:
    """Status rows as CSV, in the columns of data/status.csv (and `source_outlets` with a
    register)."""
    out = status.assign(start=status["start"].dt.strftime("%Y-%m-%d"),
                        end=status["end"].dt.strftime("%Y-%m-%d").fillna(""))
    out = out[["iso3", "dimension", "value", "start", "end", "sources", "note"]]
    return csv_safe(_with_outlets(out, outlets)).to_csv(index=False, lineterminator="\n")


def status_geojson(facts: Facts, status: pd.DataFrame) -> str:
    """Country polygons with the status rows that hold (one property per dimension), and the
    edge of the checked facts as the collection's `facts_checked_up_to`."""
    features = []
    for row in facts.borders.itertuples():
        rows = status[status["iso3"] == row.iso3]
        props: dict[str, object] = {"iso3": row.iso3, "name": row.name, "name_fr": row.name_fr}
        for r in rows.to_dict("records"):
            props[str(r["dimension"])] = r["value"]
            props[f"{r['dimension']}_since"] = f"{r['start']:%Y-%m-%d}"
            props[f"{r['dimension']}_sources"] = str(r["sources"]).split()
            if facts.outlets:
                props[f"{r['dimension']}_source_outlets"] = _outlet_list(r["sources"], facts.outlets)
        features.append({"type": "Feature", "properties": props,
                         "geometry": row.geometry.__geo_interface__})
    return json.dumps({"type": "FeatureCollection", **_edge(facts.checked), "features": features},
                      ensure_ascii=False)


def sources_index(facts: Facts) -> pd.DataFrame:
    """Every cited URL once, with its site, its outlet and kind (data/outlets.csv) and the rows
    that cite it (file:id)."""
    cites: dict[str, list[str]] = {}

    def add(frame: pd.DataFrame, file: str, ids: pd.Series) -> None:
        for ident, sources in zip(ids, frame["sources"], strict=True):
            for url in str(sources).split():
                cites.setdefault(url, []).append(f"{file}:{ident}")

    add(facts.coups, "coups", facts.coups["id"])
    add(facts.events, "events", facts.events["id"])
    status_ids = (facts.status["iso3"] + "/" + facts.status["dimension"] + "/"
                  + facts.status["start"].dt.strftime("%Y-%m-%d"))
    add(facts.status, "status", status_ids)
    add(facts.un_votes, "un_votes", facts.un_votes["resolution"] + "/" + facts.un_votes["iso3"])
    rows = [{"source": url, "site": web_site(url), "outlet": outlet_of(url, facts.outlets).name,
             "kind": outlet_of(url, facts.outlets).kind,
             "cited_by": ", ".join(sorted(set(by))), "citations": len(by)}
            for url, by in cites.items()]
    columns = ["source", "site", "outlet", "kind", "cited_by", "citations"]
    if not facts.outlets:
        columns = ["source", "site", "cited_by", "citations"]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["site", "source"]).reset_index(drop=True)
