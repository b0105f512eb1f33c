"""Bring your own events: read an ACLED-, UCDP- or project-style file and validate every row.

Each row is either loaded or rejected with its reasons; nothing is dropped silently. Pure (no
Streamlit), so the same check runs in the app and from the command line:

    python -m geo.ingest FILE [--data data/]    # prints the report; exit 1 if rows were rejected
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.facts import DataError, load_borders
from geo.i18n import N_, Translate, english
from geo.vocabulary import UPLOAD_CATEGORY

MAX_BYTES = 50 * 1024 * 1024
NEAR_DEG = 0.25  # a point this close to its country (about 25 km) still counts as in it

# Our fields, and the columns that fill them in each known format.
FIELDS = ("id", "date", "lat", "lon", "country", "place", "kind", "summary", "sources")
REQUIRED = ("date", "lat", "lon", "country")
REQUIRED_NAMES = {"date": N_("date"), "lat": N_("latitude"), "lon": N_("longitude"),
                  "country": N_("country")}
FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "acled": {"id": ("event_id_cnty",), "date": ("event_date",), "lat": ("latitude",),
              "lon": ("longitude",), "country": ("iso", "country"), "place": ("location",),
              "kind": ("event_type", "sub_event_type"), "summary": ("notes",),
              "sources": ("source",)},
    "ucdp": {"id": ("id",), "date": ("date_start",), "lat": ("latitude",),
             "lon": ("longitude",), "country": ("country",), "place": ("where_coordinates",),
             "kind": ("type_of_violence",), "summary": ("source_headline", "source_article"),
             "sources": ("source_article",)},
    "project": {"id": ("id",), "date": ("date",), "lat": ("lat",), "lon": ("lon",),
                "country": ("iso3",), "place": ("place",), "kind": ("title", "category"),
                "summary": ("summary",), "sources": ("sources",)},
}
SIGNATURES = {"acled": {"event_date", "latitude", "longitude", "event_type"},
              "ucdp": {"date_start", "latitude", "longitude", "type_of_violence"},
              "project": {"id", "date", "lat", "lon", "iso3", "category"}}
UCDP_VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict",
                 "3": "One-sided violence"}
# Names that differ from data/borders.geojson's English and French names.
COUNTRY_ALIASES = {"ivory coast": "CIV", "cote d'ivoire": "CIV", "gambia": "GMB",
                   "the gambia": "GMB", "cape verde": "CPV", "guinea bissau": "GNB",
                   "central african rep.": "CAF", "car": "CAF", "eq. guinea": "GNQ",
                   "w. sahara": "ESH", "sudan, north": "SDN"}
# ISO 3166-1 numeric codes (ACLED's `iso`) of the map's countries.
ISO_NUMERIC = {"204": "BEN", "854": "BFA", "132": "CPV", "384": "CIV", "270": "GMB",
               "288": "GHA", "324": "GIN", "624": "GNB", "430": "LBR", "466": "MLI",
               "478": "MRT", "562": "NER", "566": "NGA", "686": "SEN", "694": "SLE",
               "768": "TGO", "12": "DZA", "504": "MAR", "732": "ESH", "434": "LBY",
               "148": "TCD", "729": "SDN", "120": "CMR", "140": "CAF", "266": "GAB",
               "226": "GNQ"}
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june",
                                      "july", "august", "september", "october", "november",
                                      "december"], start=1)}
MONTHS_FR = {m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin",
                                         "juillet", "août", "septembre", "octobre", "novembre",
                                         "décembre"], start=1)}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
LONG_DATE = re.compile(r"^(\d{1,2})[ -]([^\W\d_]+)[ -](\d{4})$")


class IngestError(ValueError):
    """The file as a whole cannot be read as a table (the message says why)."""


@dataclass(frozen=True)
class IngestReport:
    """The outcome of an import: loaded events, rejected rows with reasons, and notes."""

    name: str
    format: str
    loaded: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        total = len(self.loaded) + len(self.rejected)
        return (f"{self.name}: {total:,} rows read as {self.format}; {len(self.loaded):,} loaded, "
                f"{len(self.rejected):,} rejected.")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a file: UTF-8 (with or without BOM), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def read_table(data: bytes, name: str, tr: Translate = english) -> tuple[pd.DataFrame, list[str]]:
    """A file's rows as text columns (CSV with , ; or tab, or GeoJSON points), and notes."""
    if not data.strip():
        raise IngestError(tr("{name} is empty.").format(name=name))
    if len(data) > MAX_BYTES:
        raise IngestError(tr("{name} is {size} MB; the limit is {limit} MB.").format(
            name=name, size=f"{len(data) / 1e6:.0f}", limit=f"{MAX_BYTES / 1e6:.0f}"))
    if name.lower().endswith((".xlsx", ".xls")):
        raise IngestError(tr("{name}: Excel files are not read; save the sheet as CSV "
                             "(UTF-8).").format(name=name))
    text, encoding = decode(data)
    notes = [tr("Encoding: {encoding}.").format(encoding=encoding)]
    if name.lower().endswith((".geojson", ".json")) or text.lstrip().startswith("{"):
        return _geojson_rows(text, name, tr), [*notes, tr("Read as GeoJSON.")]
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IngestError(tr("{name} is not a readable table: {error}").format(
            name=name, error=exc)) from exc
    if frame.shape[1] < 3:
        raise IngestError(tr("{name} does not look like a table of events (found {count} "
                             "column(s); need at least date, latitude, longitude and "
                             "country).").format(name=name, count=frame.shape[1]))
    frame.columns = [str(c).strip() for c in frame.columns]
    names = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
    separator = tr(names[sep]) if sep in names else repr(sep)
    return frame, [*notes, tr("Separator: {separator}.").format(separator=separator)]


def _geojson_rows(text: str, name: str, tr: Translate = english) -> pd.DataFrame:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(tr("{name} is not valid JSON: {error} (line {line}).").format(
            name=name, error=exc.msg, line=exc.lineno)) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise IngestError(tr("{name} is not a GeoJSON FeatureCollection with features.").format(
            name=name))
    rows = []
    for feature in features:
        props = dict((feature or {}).get("properties") or {})
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coords, list) and len(coords) >= 2:
            for key, value in (("lon", coords[0]), ("lat", coords[1])):
                if props.get(key) in (None, ""):
                    props[key] = value
        rows.append({k: "" if v is None else (" ".join(map(str, v)) if isinstance(v, list)
                                              else str(v)) for k, v in props.items()})
    return pd.DataFrame(rows).fillna("")


def detect_format(columns: list[str]) -> str | None:
    """acled, ucdp or project when the columns carry that format's signature."""
    lower = {c.lower() for c in columns}
    for fmt, signature in SIGNATURES.items():
        if signature <= lower:
            return fmt
    return None


def mapping_for(fmt: str, columns: list[str]) -> dict[str, str]:
    """Our field -> the file's column, for a known format (first column present wins)."""
    by_lower = {c.lower(): c for c in columns}
    out = {}
    for fld, candidates in FORMATS[fmt].items():
        present = [by_lower[c] for c in candidates if c in by_lower]
        if present:
            out[fld] = present[0]
    return out


def parse_date(text: str) -> pd.Timestamp | None:
    """ISO (2023-01-31, also with a time), dd/mm/yyyy, or '31 January 2023' (English/French)."""
    text = text.strip()
    day = month = year = 0
    if m := ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := DMY_DATE.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := LONG_DATE.match(text):
        word = m[2].lower()
        month = MONTHS.get(word) or MONTHS_FR.get(word) or next(
            (n for w, n in MONTHS.items() if len(word) >= 3 and w.startswith(word)), 0)
        day, year = int(m[1]), int(m[3])
    try:
        return pd.Timestamp(year=year, month=month, day=day) if year else None
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", ".")) if text.strip() else None
    except ValueError:
        return None
    return value if value is not None and np.isfinite(value) else None


def country_codes(borders: gpd.GeoDataFrame) -> dict[str, str]:
    """Every accepted way of naming a map country (lower case) -> its ISO3 code."""
    codes: dict[str, str] = {}
    for row in borders.itertuples():
        for key in (row.iso3, row.name, row.name_fr):
            codes[str(key).lower()] = str(row.iso3)
    codes.update(COUNTRY_ALIASES)
    codes.update(ISO_NUMERIC)
    return {k: v for k, v in codes.items() if v in set(borders["iso3"])}


def ingest(frame: pd.DataFrame, mapping: Mapping[str, str], borders: gpd.GeoDataFrame,
           name: str = "upload", fmt: str = "mapped", taken_ids: frozenset[str] = frozenset(),
           notes: tuple[str, ...] = (), tr: Translate = english) -> IngestReport:
    """Validate every row; good rows become events (events.csv columns), bad rows keep reasons
    (in the language of `tr`)."""
    codes = country_codes(borders)
    shapes = borders.set_index("iso3").geometry
    seen: set[str] = set(taken_ids)
    loaded, rejected = [], []

    def cell(row: Mapping[Hashable, Any], fld: str) -> str:
        column = mapping.get(fld)
        return str(row.get(column, "")).strip() if column else ""

    for number, row in enumerate(frame.to_dict("records"), start=2):
        reasons = [tr("missing {field}").format(field=tr(REQUIRED_NAMES[fld]))
                   for fld in REQUIRED if not cell(row, fld)]
        day = parse_date(cell(row, "date")) if cell(row, "date") else None
        if cell(row, "date") and day is None:
            reasons.append(tr("unparseable date {value} (use YYYY-MM-DD, DD/MM/YYYY or "
                              "'31 January 2023')").format(value=repr(cell(row, "date"))))
        lat, lon = _number(cell(row, "lat")), _number(cell(row, "lon"))
        if cell(row, "lat") and lat is None:
            reasons.append(tr("latitude {value} is not a number").format(
                value=repr(cell(row, "lat"))))
        if cell(row, "lon") and lon is None:
            reasons.append(tr("longitude {value} is not a number").format(
                value=repr(cell(row, "lon"))))
        iso3 = codes.get(cell(row, "country").lower()) if cell(row, "country") else None
        if cell(row, "country") and iso3 is None:
            reasons.append(tr("country {value} is not one of the map's countries").format(
                value=repr(cell(row, "country"))))
        if lat is not None and lon is not None:
            if lat == 0 and lon == 0:
                reasons.append(tr("coordinates are exactly 0,0 (a missing location?)"))
            elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                reasons.append(tr("coordinates {lat}, {lon} are out of range").format(
                    lat=lat, lon=lon))
            elif iso3 is not None:
                shape = shapes[iso3]
                if shape.distance(shapely.Point(lon, lat)) > NEAR_DEG:
                    if shape.distance(shapely.Point(lat, lon)) <= NEAR_DEG:
                        reasons.append(tr("latitude and longitude look swapped"))
                    else:
                        reasons.append(tr("point {lat}, {lon} is outside {country}").format(
                            lat=lat, lon=lon, country=iso3))
        ident = cell(row, "id") or f"{name}-row-{number}"
        if ident in seen:
            reasons.append(tr("duplicate id {value}").format(value=repr(ident)))
        seen.add(ident)
        if reasons:
            rejected.append({"row": number, "reasons": "; ".join(reasons),
                             **{f: cell(row, f) for f in FIELDS}})
            continue
        kind = cell(row, "kind")
        if fmt == "ucdp":
            kind = UCDP_VIOLENCE.get(kind, kind)
        assert day is not None and lat is not None and lon is not None and iso3 is not None
        loaded.append({"id": ident, "date": day, "lat": lat, "lon": lon, "iso3": iso3,
                       "place": cell(row, "place"), "category": UPLOAD_CATEGORY,
                       "title": kind or tr("Event"), "summary": cell(row, "summary"),
                       "sources": cell(row, "sources"), "row": number})
    loaded_frame = pd.DataFrame(loaded, columns=["id", "date", "lat", "lon", "iso3", "place",
                                                 "category", "title", "summary", "sources", "row"])
    loaded_frame["date"] = pd.to_datetime(loaded_frame["date"])
    rejected_frame = pd.DataFrame(rejected, columns=["row", "reasons", *FIELDS])
    return IngestReport(name, fmt, loaded_frame, rejected_frame, notes)


def ingest_bytes(data: bytes, name: str, borders: gpd.GeoDataFrame,
                 mapping: Mapping[str, str] | None = None,
                 taken_ids: frozenset[str] = frozenset(), tr: Translate = english) -> IngestReport:
    """Read and validate a file; a known format is mapped automatically, else `mapping` is used."""
    frame, notes = read_table(data, name, tr)
    fmt = detect_format(list(frame.columns))
    if mapping is None:
        if fmt is None:
            raise IngestError(tr("{name}: the columns ({columns}) are not ACLED, UCDP GED or "
                                 "events.csv columns; map them by hand.").format(
                name=name, columns=", ".join(frame.columns[:12])))
        mapping = mapping_for(fmt, list(frame.columns))
    return ingest(frame, mapping, borders, name, fmt or "mapped", taken_ids, tuple(notes), tr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an events file before adding it.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    parser.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    args = parser.parse_args(argv)
    try:
        borders = load_borders(args.data / "borders.geojson")
        report = ingest_bytes(args.file.read_bytes(), args.file.name, borders)
    except (IngestError, DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    for note in report.notes:
        print(f"  {note}")
    for row in report.rejected.head(50).itertuples():
        print(f"  row {row.row}: {row.reasons}")
    if len(report.rejected) > 50:
        print(f"  ... and {len(report.rejected) - 50:,} more rejected rows")
    if args.rejected is not None:
        report.rejected.to_csv(args.rejected, index=False)
    return 1 if len(report.rejected) else 0


if __name__ == "__main__":
    raise SystemExit(main())
