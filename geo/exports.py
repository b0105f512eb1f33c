"""Downloads of the current view (CSV and GeoJSON, sources included) and the index of sources."""

from __future__ import annotations

import json

import pandas as pd

from geo.escape import csv_safe, web_site
from geo.facts import Facts

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


def events_csv(events: pd.DataFrame) -> str:
    """The events as CSV, in the columns of data/events.csv (plus `origin` when mixed); text
    cells that a spreadsheet would run as a formula are neutralised (geo.escape.csv_safe)."""
    out = events[_columns(events)].assign(date=events["date"].dt.strftime("%Y-%m-%d"))
    return csv_safe(out).to_csv(index=False, lineterminator="\n")


def events_geojson(events: pd.DataFrame) -> str:
    """The events as a GeoJSON FeatureCollection of points; sources as a list of URLs."""
    features = []
    for row in events.to_dict("records"):
        props = {k: _json_value(row[k]) for k in _columns(events) if k not in ("lat", "lon")}
        props["date"] = f"{row['date']:%Y-%m-%d}"
        props["sources"] = str(row["sources"]).split()  # uploads may cite names, not URLs
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _json_value(value: object) -> object:
    """A cell as JSON: missing values (NaN, NA) are null, numpy numbers plain numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def status_csv(status: pd.DataFrame) -> str:
    """Status rows as CSV, in the columns of data/status.csv."""
    out = status.assign(start=status["start"].dt.strftime("%Y-%m-%d"),
                        end=status["end"].dt.strftime("%Y-%m-%d").fillna(""))
    return csv_safe(out[["iso3", "dimension", "value", "start", "end", "sources", "note"]]).to_csv(
        index=False, lineterminator="\n")


def status_geojson(facts: Facts, status: pd.DataFrame) -> str:
    """Country polygons with the status rows that hold (one property per dimension)."""
    features = []
    for row in facts.borders.itertuples():
        rows = status[status["iso3"] == row.iso3]
        props: dict[str, object] = {"iso3": row.iso3, "name": row.name, "name_fr": row.name_fr}
        for r in rows.to_dict("records"):
            props[str(r["dimension"])] = r["value"]
            props[f"{r['dimension']}_since"] = f"{r['start']:%Y-%m-%d}"
            props[f"{r['dimension']}_sources"] = str(r["sources"]).split()
        features.append({"type": "Feature", "properties": props,
                         "geometry": row.geometry.__geo_interface__})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def sources_index(facts: Facts) -> pd.DataFrame:
    """Every cited URL once, with its site and the rows that cite it (file:id)."""
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
    rows = [{"source": url, "site": web_site(url),
             "cited_by": ", ".join(sorted(set(by))), "citations": len(by)}
            for url, by in cites.items()]
    return pd.DataFrame(rows, columns=["source", "site", "cited_by", "citations"]).sort_values(
        ["site", "source"]).reset_index(drop=True)
