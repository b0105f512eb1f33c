"""Bring your own events: read an ACLED-, UCDP- or project-style file and validate every row.

Each row is either loaded or rejected with its reasons; nothing is dropped silently. Pure (no
Streamlit), so the same check runs in the app and from the command line:

    python -m geo.ingest FILE [--data data/]    # prints the report; exit 1 if rows were rejected

Loaded events have the columns of data/events.csv (category is always "upload"), the line
they came from (`row`), and one schema for what the file says about each event:

    kind           the event type: ACLED event_type; UCDP type_of_violence as words (1
                   State-based conflict, 2 Non-state conflict, 3 One-sided violence); a
                   project file's category
    sub_kind       ACLED sub_event_type
    actor1/actor2  ACLED actor1/actor2; UCDP side_a/side_b
    deaths         ACLED fatalities; UCDP best (deaths_low/deaths_high: UCDP low/high), a
                   nullable whole number; empty when the file leaves it empty. A value that is
                   not a whole number of 0 or more rejects the row, with the reason; it is never
                   rounded or replaced
    admin1         ACLED admin1; UCDP adm_1
    sources        ACLED source (names of outlets, kept as written: only http(s) URLs become
                   links); UCDP source_article
    place_precise  False when the place is known only to a region or a country: ACLED
                   geo_precision 3 (1 the place, 2 near it); UCDP where_prec 4 to 7 (1 the
                   place, 2 within about 25 km, 3 a second-order division; 4 a first-order
                   region, the higher codes a country or wider, unclear areas)
    date_precision day, days, week, month or year: ACLED time_precision 1 day, 2 week, 3
                   month; UCDP date_prec 1 day, 2 days (a span of 2-6 days), 3 week, 4 month,
                   5 longer (year), as we read the UCDP GED codebook. week, month and year
                   count as imprecise dates. An unknown code rejects the row; an empty one
                   counts as precise
    (others)       every column of the file that fills none of these, kept as is for the
                   downloads (renamed file_<name> if the name is one of ours)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv
import shapely

from geo.escape import csv_safe, inert
from geo.facts import DataError, curation_date, load_borders
from geo.i18n import N_, Translate, english
from geo.vocabulary import COVERAGE_START, UPLOAD_CATEGORY

MAX_BYTES = 50 * 1024 * 1024
NEAR_DEG = 0.25  # a point this close to its country (about 25 km) still counts as in it

# Our fields, and the columns that fill them in each known format.
FIELDS = ("id", "date", "lat", "lon", "country", "place", "admin1", "kind", "sub_kind", "title",
          "actor1", "actor2", "deaths", "deaths_low", "deaths_high", "summary", "sources")
PRECISION_FIELDS = ("place_code", "date_code")  # format-specific codes (ACLED, UCDP GED)
REQUIRED = ("date", "lat", "lon", "country")
REQUIRED_NAMES = {"date": N_("date"), "lat": N_("latitude"), "lon": N_("longitude"),
                  "country": N_("country")}
FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "acled": {"id": ("event_id_cnty",), "date": ("event_date",), "lat": ("latitude",),
              "lon": ("longitude",), "country": ("iso", "country"), "place": ("location",),
              "admin1": ("admin1",), "kind": ("event_type",), "sub_kind": ("sub_event_type",),
              "title": ("sub_event_type", "event_type"), "actor1": ("actor1",),
              "actor2": ("actor2",), "deaths": ("fatalities",), "summary": ("notes",),
              "sources": ("source",), "place_code": ("geo_precision",),
              "date_code": ("time_precision",)},
    "ucdp": {"id": ("id",), "date": ("date_start",), "lat": ("latitude",),
             "lon": ("longitude",), "country": ("country",), "place": ("where_coordinates",),
             "admin1": ("adm_1",), "kind": ("type_of_violence",), "actor1": ("side_a",),
             "actor2": ("side_b",), "deaths": ("best",), "deaths_low": ("low",),
             "deaths_high": ("high",), "summary": ("source_headline", "source_article"),
             "sources": ("source_article",), "place_code": ("where_prec",),
             "date_code": ("date_prec",)},
    "project": {"id": ("id",), "date": ("date",), "lat": ("lat",), "lon": ("lon",),
                "country": ("iso3",), "place": ("place",), "kind": ("category",),
                "title": ("title", "category"), "deaths": ("deaths",),
                "summary": ("summary",), "sources": ("sources",)},
}
# format -> (place codes that mean precise, imprecise), date code -> precision
PLACE_CODES = {"acled": (("1", "2"), ("3",)), "ucdp": (("1", "2", "3"), ("4", "5", "6", "7"))}
DATE_CODES = {"acled": {"1": "day", "2": "week", "3": "month"},
              "ucdp": {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}}
IMPRECISE_DATES = ("week", "month", "year")
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
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"
                      r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
LONG_DATE = re.compile(r"^(\d{1,2})[ -]([^\W\d_]+)[ -](\d{4})$")
DATE_ORDERS = ("auto", "dmy", "mdy")  # how to read 03/04/2023: decided by the file, or chosen
MAX_DEPTH_NOTE = N_("{name}: the JSON is nested too deeply to be a GeoJSON file of events.")


class IngestError(ValueError):
    """The file as a whole cannot be read as a table (the message says why)."""


@dataclass(frozen=True)
class Table:
    """A file's rows as text cells, indexed by the line (CSV) or feature (GeoJSON) they start
    on; `broken` holds the lines or features that are not rows of the table, with reasons."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    broken: pd.DataFrame  # columns: row, reasons


def _broken(rows: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["row", "reasons"]).astype({"row": int})


@dataclass(frozen=True)
class IngestReport:
    """The outcome of an import: loaded events, rejected rows with reasons, and notes."""

    name: str
    format: str
    loaded: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    ambiguous_dates: bool = False  # slash dates that could be day/month or month/day

    def summary(self) -> str:
        total = len(self.loaded) + len(self.rejected)
        return (f"{self.name}: {total:,} rows read as {self.format}; {len(self.loaded):,} loaded, "
                f"{len(self.rejected):,} rejected.")


def _lines_with(text: str, char: str, limit: int = 5) -> str:
    lines = [str(n) for n, line in enumerate(text.split("\n"), start=1) if char in line]
    return ", ".join(lines[:limit]) + (" …" if len(lines) > limit else "")


def decode(data: bytes, name: str = "file", tr: Translate = english) -> tuple[str, list[str]]:
    """A file's text and notes on how it was decoded: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1252, else Latin-1. Bytes that are not UTF-8 in a file that says it is
    (BOM) are replaced and their lines named."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), [tr("Encoding: {encoding}.").format(encoding="UTF-16")]
        except UnicodeDecodeError as exc:
            raise IngestError(tr("{name} starts like UTF-16 text but is not; save it as CSV "
                                 "(UTF-8).").format(name=inert(name))) from exc
    head = data[:4096]
    if head.count(b"\x00") > len(head) / 10:  # UTF-16 text, or a binary file
        raise IngestError(tr("{name} does not look like a table of events: it holds NUL bytes "
                             "(a binary file, or UTF-16 without its byte-order mark?); save it "
                             "as CSV (UTF-8).").format(
            name=inert(name)))
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
        notes = [tr("Encoding: {encoding}.").format(encoding="UTF-8 with BOM")]
        if "\ufffd" in text and "\ufffd".encode() not in data:
            notes.append(tr("Bytes that are not UTF-8 were replaced by \ufffd on line(s) "
                            "{lines}.").format(lines=_lines_with(text, "\ufffd")))
        return text, notes
    for encoding, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(encoding), [tr("Encoding: {encoding}.").format(encoding=label)]
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), [tr("Encoding: {encoding}.").format(encoding="Latin-1")]


def read_table(data: bytes, name: str, tr: Translate = english) -> Table:
    """A file's rows as text columns (CSV with , ; or tab, or GeoJSON points), with notes and
    the lines that are not rows of the table."""
    if not data.strip():
        raise IngestError(tr("{name} is empty.").format(name=inert(name)))
    if len(data) > MAX_BYTES:
        raise IngestError(tr("{name} is {size} MB; the limit is {limit} MB.").format(
            name=inert(name), size=f"{len(data) / 1e6:.0f}", limit=f"{MAX_BYTES / 1e6:.0f}"))
    if name.lower().endswith((".xlsx", ".xls")):
        raise IngestError(tr("{name}: Excel files are not read; save the sheet as CSV "
                             "(UTF-8).").format(name=inert(name)))
    text, notes = decode(data, name, tr)
    if name.lower().endswith((".geojson", ".json")) or text.lstrip().startswith("{"):
        frame, broken = _geojson_rows(text, name, tr)
        if frame.shape[1] == 0:
            first = broken.iloc[0]["reasons"] if len(broken) else tr("no properties")
            raise IngestError(tr("{name}: no feature could be read ({reason}).").format(
                name=inert(name), reason=first))
        return Table(frame, (*notes, tr("Read as GeoJSON.")), broken)
    sep = _separator(text[:65536])
    frame, broken, more = _csv_rows(text, sep, name, tr)
    if frame.shape[1] < 3:
        raise IngestError(tr("{name} does not look like a table of events (found {count} "
                             "column(s); need at least date, latitude, longitude and "
                             "country).").format(name=inert(name), count=frame.shape[1]))
    names = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
    separator = tr(names[sep]) if sep in names else repr(sep)
    return Table(frame, (*notes, tr("Separator: {separator}.").format(separator=separator), *more),
                 broken)


def _separator(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(",;\t", key=header.count)


def _split_line(line: str, sep: str) -> list[str]:
    return next(csv.reader([line.rstrip("\n")], delimiter=sep, skipinitialspace=True), [])


def _quoting_error(line: str, sep: str) -> str | None:
    """Why one line's quotes are malformed (an unclosed quote, text after a closing quote)."""
    try:
        list(csv.reader([line.rstrip("\n")], delimiter=sep, skipinitialspace=True, strict=True))
    except csv.Error as exc:
        return str(exc)
    return None


LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def _csv_rows(text: str, sep: str, name: str, tr: Translate
              ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Parse CSV record by record, keeping each record's first line number.

    A record that spans several lines is a quoted cell with line breaks, unless its field count
    is wrong or one of its later lines is a whole row by itself: then a stray quote swallowed
    lines, and each line is read on its own, so one bad line costs only itself.

    Stretches of one-line records with well-formed quotes (nearly every line of an export) are
    read in one strict pass of the C reader and checked all at once; only a record with a
    malformed quote, and everything from a quoted cell with line breaks on, go record by record.
    Both give the same table (tests/test_imported.py compares them).
    """
    lines = LINE.findall(text.replace("\r\n", "\n").replace("\r", "\n"))
    nul = [(n, tr("the line holds a NUL byte; it is not read")) for n, line in
           enumerate(lines, start=1) if "\x00" in line]
    for n, _ in nul:
        lines[n - 1] = "\n"  # read as a blank line, so later lines keep their numbers
    try:
        by_line, careful = _records(lines, sep)
    except csv.Error as exc:
        raise IngestError(tr("{name} is not a readable table: {error}").format(
            name=inert(name), error=inert(exc))) from exc
    # blank records: lines of separators, spaces or quotes whose cells hold no text
    blank_chars = " \t\n" + sep + '"'
    blank = np.fromiter((fields is None or not line.strip(blank_chars)
                         for fields, line in zip(by_line, lines, strict=True)), bool, len(lines))
    for k in np.flatnonzero(blank):
        fields = by_line[k]
        if fields is not None and any(cell.strip() for cell in fields):
            blank[k] = False
    careful = [r for r in careful if any(cell.strip() for cell in r[2])]
    fast_rows = np.flatnonzero(~blank)  # 0-based lines of one-line records with text
    if not len(fast_rows) and not careful:
        raise IngestError(tr("{name} is empty.").format(name=inert(name)))
    if careful and (not len(fast_rows) or careful[0][0] - 1 < fast_rows[0]):
        header_line, _, header = careful.pop(0)
    else:
        header_line, header = int(fast_rows[0]) + 1, by_line[int(fast_rows[0])] or []
        fast_rows = fast_rows[1:]
    fast_rows = fast_rows[fast_rows + 1 > header_line]
    careful = [r for r in careful if r[0] > header_line]
    width = len(header)
    columns, notes = _column_names(header, tr)
    good: list[list[str]] = []
    numbers: list[int] = []
    broken: list[tuple[int, str]] = []

    def take(number: int, fields: list[str], line: str | None) -> None:
        error = _quoting_error(line, sep) if line is not None else None
        if error is not None:
            broken.append((number, tr("malformed quotes on this line ({error}); the line is "
                                      "not read").format(error=error)))
        elif len(fields) > width:
            broken.append((number, tr("{found} fields where the header has {width}").format(
                found=len(fields), width=width)))
        else:
            good.append(fields + [""] * (width - len(fields)))
            numbers.append(number)

    for first, last, fields in careful:
        span = [(n, lines[n - 1]) for n in range(first, last + 1) if lines[n - 1].strip()]
        if len(span) == 1:
            take(span[0][0], fields, span[0][1])
        elif len(fields) == width and not any(
                len(_split_line(line, sep)) >= width for _, line in span[1:]):
            take(first, fields, None)  # a quoted cell with line breaks
        else:
            for number, line in span:
                take(number, _split_line(line, sep), line)
    # one-line records read strictly: their quotes are well-formed; only the width is checked
    fast = [by_line[k] or [] for k in fast_rows.tolist()]  # never None: those are blank
    widths = np.fromiter(map(len, fast), np.int64, len(fast))
    broken += [(int(k) + 1, tr("{found} fields where the header has {width}").format(
        found=int(n), width=width)) for k, n in zip(fast_rows[widths > width],
                                                    widths[widths > width], strict=True)]
    for i in np.flatnonzero(widths < width).tolist():
        fast[i] = fast[i] + [""] * (width - len(fast[i]))
    keep = fast_rows[widths <= width]
    frame = None
    if not careful and header_line == 1 and (widths == width).all():
        frame = _arrow_table(lines, sep, columns, keep)
    if frame is None:
        rows = [fast[i] for i in np.flatnonzero(widths <= width).tolist()] + good
        index = np.concatenate([keep + 1, np.array(numbers, dtype=np.int64)])
        frame = pd.DataFrame(rows, columns=columns, dtype=object,
                             index=pd.Index(index, name="line")).astype(str)
        if good:
            frame = frame.sort_index(kind="stable")
    broken = [row for row in nul if row[0] > header_line] + sorted(broken, key=lambda r: r[0])
    if header_line > 1:
        notes.append(tr("The header is on line {line}.").format(line=header_line))
    return frame, _broken(broken), notes


Record = tuple[int, int, list[str]]  # first line, last line (1-based), fields


def _arrow_table(lines: list[str], sep: str, columns: list[str],
                 keep: np.ndarray) -> pd.DataFrame | None:
    """The same table built by Arrow's CSV reader, several times faster than from Python
    lists, when it reads the file exactly as the strict pass did: every record one line of
    the header's width with well-formed quotes (the caller checked), no cell starting with a
    space (Python's reader drops the spaces after a separator, Arrow keeps them: any such
    cell and we do not know which it was), and one Arrow row for each kept line (Arrow skips
    only empty lines; a line of bare separators, blank to us, makes the counts differ).
    Otherwise None."""
    text = "".join(lines)
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=columns, skip_rows=1,
                                            use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.large_string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeEncodeError):
        return None
    if table.num_rows != len(keep) or any(
            pa_compute.any(pa_compute.starts_with(column, " ")).as_py()
            for column in table.columns):
        return None
    frame: pd.DataFrame = table.to_pandas()
    frame.index = pd.Index(keep + 1, name="line")
    return frame


def _strict_stretch(lines: list[str], pos: int, sep: str) -> tuple[list[list[str]], bool]:
    """The records from line `pos` (0-based) on, read strictly up to the first malformed one,
    and whether they are one line each and end at the file's end or right before a malformed
    record."""
    reader = csv.reader(islice(lines, pos, None), delimiter=sep, skipinitialspace=True,
                        strict=True)
    got: list[list[str]] = []
    try:
        got.extend(reader)  # keeps the records read before an error
    except csv.Error:
        if len(got) == reader.line_num - 1:
            return got, True  # the malformed record is the one line after them
        # the malformed record spans lines: were the ones before it one line each? (Reading
        # just that many lines again gives as many records only if so.)
        try:
            again = list(csv.reader(lines[pos:pos + len(got)], delimiter=sep,
                                    skipinitialspace=True, strict=True))
        except csv.Error:
            return got, False
        return got, len(again) == len(got)
    return got, len(got) == len(lines) - pos


def _records(lines: list[str], sep: str) -> tuple[list[list[str] | None], list[Record]]:
    """Each line's fields where it is a one-line record read strictly (None where it belongs
    to another record), and the records read one at a time by the tolerant reader."""
    by_line: list[list[str] | None] = [None] * len(lines)
    careful: list[Record] = []
    pos = 0
    while pos < len(lines):
        got, one_line_each = _strict_stretch(lines, pos, sep)
        if one_line_each:
            by_line[pos:pos + len(got)] = got
            pos += len(got)
            if pos >= len(lines):
                break
        loose = csv.reader(islice(lines, pos, None), delimiter=sep, skipinitialspace=True)
        if not one_line_each:  # a quoted cell with line breaks: record by record from here
            first = pos
            for fields in loose:
                careful.append((first + 1, pos + loose.line_num, fields))
                first = pos + loose.line_num
            break
        fields = next(loose)  # the malformed record, as the tolerant reader reads it
        careful.append((pos + 1, pos + loose.line_num, fields))
        pos += loose.line_num
    return by_line, careful


def _column_names(header: list[str], tr: Translate) -> tuple[list[str], list[str]]:
    """Unique column names; a repeated name is kept as 'name (2)' and said in a note."""
    columns: list[str] = []
    notes: list[str] = []
    for position, raw in enumerate(header, start=1):
        base = raw.strip() or f"column {position}"
        column, copy = base, 1
        while column in columns:
            copy += 1
            column = f"{base} ({copy})"
        if copy == 2:
            notes.append(tr("Column {column} appears more than once; the first one is used "
                            "(the others are kept as {column} (2)...).").format(
                column=inert(base)))
        columns.append(column)
    return columns, notes


def _geojson_rows(text: str, name: str, tr: Translate = english
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(tr("{name} is not valid JSON: {error} (line {line}).").format(
            name=inert(name), error=exc.msg, line=exc.lineno)) from exc
    except RecursionError as exc:
        raise IngestError(tr(MAX_DEPTH_NOTE).format(name=inert(name))) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise IngestError(tr("{name} is not a GeoJSON FeatureCollection with features.").format(
            name=inert(name)))
    rows, numbers, broken = [], [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            broken.append((number, tr("feature {number} is not a JSON object").format(
                number=number)))
            continue
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            broken.append((number, tr("feature {number}: its properties are not a JSON "
                                      "object").format(number=number)))
            continue
        props = dict(props or {})
        geometry = feature.get("geometry")
        geometry = geometry if isinstance(geometry, dict) else {}
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coords, list) and len(coords) >= 2:
            for key, value in (("lon", coords[0]), ("lat", coords[1])):
                if props.get(key) in (None, ""):
                    props[key] = value
        rows.append({str(k): _json_text(v) for k, v in props.items()})
        numbers.append(number)
    frame = pd.DataFrame(rows, index=pd.Index(numbers, name="line"), dtype=object).fillna("")
    return frame.astype(str), _broken(broken)


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(map(_json_text, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:1000]
    return str(value)


def detect_format(columns: list[str]) -> str | None:
    """acled, ucdp or project when the columns carry that format's signature."""
    lower = {c.lower() for c in columns}
    for fmt, signature in SIGNATURES.items():
        if signature <= lower:
            return fmt
    return None


def mapping_for(fmt: str, columns: list[str]) -> dict[str, tuple[str, ...]]:
    """Our field -> the file's columns that can fill it, for a known format, in order: the
    first one filled in on a row wins (ACLED's `iso`, else its `country`)."""
    by_lower = {c.lower(): c for c in columns}
    out = {}
    for fld, candidates in FORMATS[fmt].items():
        present = tuple(by_lower[c] for c in candidates if c in by_lower)
        if present:
            out[fld] = present
    return out


def date_parts(text: str, order: str = "dmy") -> date | None:
    """The day written in `text`: ISO (2023-01-31, also with a valid time), a slash date read in
    `order` (dmy: 31/01/2023, mdy: 01/31/2023), or '31 January 2023' (English or French)."""
    text = text.strip()
    day = month = year = 0
    if m := ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if m[4] is not None and not (int(m[4]) < 24 and int(m[5]) < 60
                                     and (m[6] is None or int(m[6]) < 60)):
            return None
    elif m := SLASH_DATE.match(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        day, month = (second, first) if order == "mdy" else (first, second)
    elif m := LONG_DATE.match(text):
        word = m[2].lower()
        month = MONTHS.get(word) or MONTHS_FR.get(word) or next(
            (n for w, n in MONTHS.items() if len(word) >= 3 and w.startswith(word)), 0)
        day, year = int(m[1]), int(m[3])
    try:
        return date(year, month, day) if year else None
    except ValueError:
        return None


def parse_date(text: str, order: str = "dmy") -> pd.Timestamp | None:
    """`date_parts` as a Timestamp (None outside pandas' years 1678-2261 too)."""
    day = date_parts(text, order)
    try:
        return pd.Timestamp(day) if day is not None else None
    except (ValueError, OverflowError):
        return None


def date_order_of(values: pd.Series) -> tuple[str, str | None]:
    """How a file writes slash dates (dmy or mdy) and why a reader should check, if so.

    A first number above 12 means day first; a second one above 12, month first. A file with
    neither is ambiguous (read as day first); a file with both mixes the two."""
    parts = values[values.str.contains("/", regex=False)].str.extract(SLASH_DATE.pattern)
    if parts.empty:
        return "dmy", None
    numbers = parts.dropna().astype(int)
    day_first, month_first = bool((numbers[0] > 12).any()), bool((numbers[1] > 12).any())
    if day_first and month_first:
        return "dmy", N_("The file mixes day/month/year and month/day/year dates; they are read "
                         "as day/month/year and rows that do not fit are rejected.")
    if month_first:
        return "mdy", None
    if day_first or numbers.empty:
        return "dmy", None
    return "dmy", N_("Every slash date could be day/month or month/day (03/04/2023); they are "
                     "read as day/month/year. Choose month/day/year if that is wrong.")


def _numbers(text: pd.Series) -> pd.Series:
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return values.where(np.isfinite(values))


def country_codes(borders: gpd.GeoDataFrame) -> dict[str, str]:
    """Every accepted way of naming a map country (lower case) -> its ISO3 code."""
    codes: dict[str, str] = {}
    for row in borders.itertuples():
        for key in (row.iso3, row.name, row.name_fr):
            codes[str(key).lower()] = str(row.iso3)
    codes.update(COUNTRY_ALIASES)
    codes.update(ISO_NUMERIC)
    return {k: v for k, v in codes.items() if v in set(borders["iso3"])}


Columns = str | tuple[str, ...]


def _cells(frame: pd.DataFrame, columns: Columns | None) -> pd.Series:
    """A field's text on every row: the first of its columns that is filled in."""
    names = (columns,) if isinstance(columns, str) else tuple(columns or ())
    out = pd.Series("", index=frame.index, dtype=object)
    for column in reversed(names):
        if column in frame.columns:
            cells = frame[column].astype(str).str.strip()
            out = cells.where(cells != "", out)
    return out


class _Reasons:
    """Reasons for rejection, collected check by check, in order, for every row at once."""

    def __init__(self, index: pd.Index) -> None:
        self.text = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, message: str | pd.Series) -> None:
        if not mask.any():
            return
        new = message[mask] if isinstance(message, pd.Series) else message
        old = self.text[mask]
        self.text[mask] = old.where(old == "", old + "; ") + new

    def add_each(self, mask: pd.Series, template: str, values: pd.Series) -> None:
        """One message per row, with that row's value quoted."""
        if mask.any():
            self.add(mask, values[mask].map(lambda v: template.format(value=repr(v))))


def _placement(lat: pd.Series, lon: pd.Series, iso3: pd.Series,
               shapes: gpd.GeoSeries) -> tuple[pd.Series, pd.Series]:
    """Which points are not in (or within NEAR_DEG of) their country, and which of those are
    in it once latitude and longitude are swapped. Uses each country's prepared polygon."""
    outside = pd.Series(False, index=lat.index)
    swapped = pd.Series(False, index=lat.index)
    for code, rows in lat.groupby(iso3).groups.items():
        shape = shapes[code]
        shapely.prepare(shape)
        x, y = lon[rows].to_numpy(), lat[rows].to_numpy()
        far = ~shapely.contains_xy(shape, x, y)
        if far.any():
            far[far] = shapely.distance(shape, shapely.points(x[far], y[far])) > NEAR_DEG
        if far.any():
            index = pd.Index(rows)[far]
            outside[index] = True
            swapped[index] = shapely.distance(shape, shapely.points(y[far], x[far])) <= NEAR_DEG
    return outside, swapped


def ingest(table: Table | pd.DataFrame, mapping: Mapping[str, Columns], borders: gpd.GeoDataFrame,
           name: str = "upload", fmt: str = "mapped", taken_ids: frozenset[str] = frozenset(),
           notes: tuple[str, ...] = (), tr: Translate = english, last: date | None = None,
           date_order: str = "auto", progress: Progress | None = None) -> IngestReport:
    """Validate every row at once; good rows become events (the schema in the module's
    docstring), bad rows keep their reasons (in the language of `tr`), and lines that were not
    rows stay rejected.

    Dates must fall within COVERAGE_START..`last` (default: today), the days the dashboard can
    show. `date_order` reads slash dates as dmy or mdy; "auto" decides from the file.
    `progress(fraction, step)` is told as each check starts (a page shows it).
    """
    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(fraction, text)

    if isinstance(table, pd.DataFrame):
        frame = table if table.index.name == "line" else table.set_axis(
            pd.Index(range(2, len(table) + 2), name="line"))
        table = Table(frame, (), _broken([]))
    frame = table.frame
    notes = (*table.notes, *notes)
    last = last or date.today()
    codes = country_codes(borders)
    shapes = borders.set_index("iso3").geometry
    step(0.0, tr("Checking dates"))
    cells = {fld: _cells(frame, mapping.get(fld)) for fld in (*FIELDS, *PRECISION_FIELDS)}
    reasons = _Reasons(frame.index)
    for fld in REQUIRED:
        reasons.add(cells[fld] == "", tr("missing {field}").format(field=tr(REQUIRED_NAMES[fld])))

    order, doubt = date_order_of(cells["date"]) if date_order == "auto" else (date_order, None)
    if doubt is not None:
        notes = (*notes, tr(doubt))
    written = cells["date"]
    days = written.map({v: date_parts(v, order) for v in written.unique() if v})
    reasons.add_each((written != "") & days.isna(), tr(
        "unparseable date {value} (use YYYY-MM-DD, DD/MM/YYYY or '31 January 2023')"), written)
    parsed = days.notna()
    early = parsed & (days.where(parsed, COVERAGE_START) < COVERAGE_START)
    late = parsed & (days.where(parsed, COVERAGE_START) > last)
    reasons.add_each(early | late, tr("date {value} is outside {start} to {end}, the days the "
                                      "dashboard shows").format(
        value="{value}", start=f"{COVERAGE_START}", end=f"{last}"), written)

    step(0.3, tr("Checking coordinates and countries"))
    lat, lon = _numbers(cells["lat"]), _numbers(cells["lon"])
    reasons.add_each((cells["lat"] != "") & lat.isna(), tr("latitude {value} is not a number"),
                     cells["lat"])
    reasons.add_each((cells["lon"] != "") & lon.isna(), tr("longitude {value} is not a number"),
                     cells["lon"])
    iso3 = cells["country"].str.lower().map(codes)
    reasons.add_each((cells["country"] != "") & iso3.isna(),
                     tr("country {value} is not one of the map's countries"), cells["country"])
    located = lat.notna() & lon.notna()
    zero = located & (lat == 0) & (lon == 0)
    reasons.add(zero, tr("coordinates are exactly 0,0 (a missing location?)"))
    in_range = lat.between(-90, 90) & lon.between(-180, 180)
    wild = located & ~zero & ~in_range
    if wild.any():
        reasons.add(wild, pd.Series([tr("coordinates {lat}, {lon} are out of range").format(
            lat=a, lon=b) for a, b in zip(lat[wild], lon[wild], strict=True)],
            index=lat[wild].index))
    placed = located & ~zero & in_range & iso3.notna()
    outside, swapped = _placement(lat[placed], lon[placed], iso3[placed], shapes)
    reasons.add(swapped.reindex(frame.index, fill_value=False),
                tr("latitude and longitude look swapped"))
    far = (outside & ~swapped).reindex(frame.index, fill_value=False)
    if far.any():
        reasons.add(far, pd.Series([tr("point {lat}, {lon} is outside {country}").format(
            lat=a, lon=b, country=c) for a, b, c in zip(lat[far], lon[far], iso3[far],
                                                         strict=True)], index=lat[far].index))

    number = frame.index.to_series()
    ident = cells["id"].where(cells["id"] != "", f"{name}-row-" + number.astype(str))
    reasons.add_each(ident.duplicated() | ident.isin(taken_ids), tr("duplicate id {value}"), ident)

    step(0.8, tr("Checking fatalities and precision"))
    deaths = {}
    for fld in ("deaths", "deaths_low", "deaths_high"):
        deaths[fld], wrong = _whole_numbers(cells[fld])
        reasons.add_each(wrong, tr("{column} {{value}} is not a whole number of 0 or more").format(
            column=_column_of(mapping, fld, cells[fld])), cells[fld])
    low, best, high = deaths["deaths_low"], deaths["deaths"], deaths["deaths_high"]
    disorder = (low.notna() & best.notna() & (low > best)) | (
        high.notna() & best.notna() & (best > high)) | (low.notna() & high.notna() & (low > high))
    disorder = disorder.fillna(False).astype(bool)
    if disorder.any():
        reasons.add(disorder, pd.Series([tr("deaths: low {low}, best {best}, high {high} are not "
                                            "in that order").format(low=a, best=b, high=c)
                                         for a, b, c in zip(cells["deaths_low"][disorder],
                                                            cells["deaths"][disorder],
                                                            cells["deaths_high"][disorder],
                                                            strict=True)],
                                        index=cells["deaths"][disorder].index))
    place_precise, date_precision = _precision(fmt, cells, mapping, reasons, tr)

    good = reasons.text == ""
    kind = cells["kind"][good]
    if fmt == "ucdp":
        kind = kind.map(lambda k: UCDP_VIOLENCE.get(k, k))
    title = cells["title"][good].where(cells["title"][good] != "", kind)
    loaded = pd.DataFrame({
        "id": ident[good], "date": pd.to_datetime(days[good].astype("object")),
        "lat": lat[good].astype(float), "lon": lon[good].astype(float), "iso3": iso3[good],
        "place": cells["place"][good], "category": UPLOAD_CATEGORY,
        "title": title.where(title != "", tr("Event")), "summary": cells["summary"][good],
        "sources": cells["sources"][good], "row": number[good],
        "kind": kind, "sub_kind": cells["sub_kind"][good], "actor1": cells["actor1"][good],
        "actor2": cells["actor2"][good], "deaths": best[good], "deaths_low": low[good],
        "deaths_high": high[good], "admin1": cells["admin1"][good],
        "place_precise": place_precise[good], "date_precision": date_precision[good]},
        columns=LOADED_COLUMNS).reset_index(drop=True)
    loaded["date"] = pd.to_datetime(loaded["date"])
    for column in _unused_columns(frame, mapping):
        loaded[f"file_{column}" if column in loaded.columns else column] = \
            frame[column][good].reset_index(drop=True)
    bad = ~good
    rejected = pd.DataFrame({"row": number[bad], "reasons": reasons.text[bad],
                             **{f: cells[f][bad] for f in FIELDS if f in mapping or f in REQUIRED}})
    rejected = pd.concat([rejected, table.broken.reindex(columns=rejected.columns, fill_value="")]
                         if len(table.broken) else [rejected], ignore_index=True)
    rejected = rejected.astype({"row": int}).sort_values("row", kind="stable", ignore_index=True)
    return IngestReport(name, fmt, loaded, rejected, notes, doubt is not None)


LOADED_COLUMNS = ["id", "date", "lat", "lon", "iso3", "place", "category", "title", "summary",
                  "sources", "row", "kind", "sub_kind", "actor1", "actor2", "deaths",
                  "deaths_low", "deaths_high", "admin1", "place_precise", "date_precision"]
Progress = Callable[[float, str], None]


def _column_of(mapping: Mapping[str, Columns], fld: str, fallback: pd.Series) -> str:
    """The file's column a field is read from, for messages (the first one named)."""
    columns = mapping.get(fld) or (fld,)
    return str(columns if isinstance(columns, str) else columns[0])


def _whole_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts written in a column (nullable integers; empty cells are unknown) and the cells
    that are filled but not a whole number of 0 or more ('3.0' is 3; '2.5', '-1', 'x' are not)."""
    filled = text != ""
    if not filled.any():  # a column the file does not have
        return pd.Series(pd.NA, index=text.index, dtype="Int64"), filled
    values = pd.to_numeric(text.where(filled), errors="coerce").astype("float64")
    ok = values.notna() & np.isfinite(values) & (values >= 0) & (values < 1e9) & (
        values == np.floor(values.fillna(0)))
    counts = values.where(ok).astype("Int64")
    return counts, filled & ~ok


def _precision(fmt: str, cells: Mapping[str, pd.Series], mapping: Mapping[str, Columns],
               reasons: _Reasons, tr: Translate) -> tuple[pd.Series, pd.Series]:
    """place_precise and date_precision of every row from the format's codes (the module's
    docstring); an unknown code is a reason to reject the row."""
    index = cells["place_code"].index
    precise = pd.Series(True, index=index)
    dates = pd.Series("day", index=index, dtype=str)
    if fmt in PLACE_CODES:
        good_codes, coarse = PLACE_CODES[fmt]
        code = cells["place_code"].str.replace(r"\.0$", "", regex=True)
        unknown = (code != "") & ~code.isin((*good_codes, *coarse))
        reasons.add_each(unknown, tr("{column} {{value}} is not one of {codes}").format(
            column=_column_of(mapping, "place_code", code),
            codes=", ".join((*good_codes, *coarse))), cells["place_code"])
        precise = ~code.isin(coarse)
    if fmt in DATE_CODES:
        known = DATE_CODES[fmt]
        code = cells["date_code"].str.replace(r"\.0$", "", regex=True)
        unknown = (code != "") & ~code.isin(list(known))
        reasons.add_each(unknown, tr("{column} {{value}} is not one of {codes}").format(
            column=_column_of(mapping, "date_code", code), codes=", ".join(known)),
            cells["date_code"])
        dates = code.map(known).fillna("day").astype(str)
    return precise.astype(bool), dates


def _unused_columns(frame: pd.DataFrame, mapping: Mapping[str, Columns]) -> list[str]:
    """The file's columns that fill none of our fields: kept as is for the downloads."""
    used = {c for columns in mapping.values()
            for c in ((columns,) if isinstance(columns, str) else columns)}
    return [c for c in frame.columns if c not in used]


def ingest_bytes(data: bytes, name: str, borders: gpd.GeoDataFrame,
                 mapping: Mapping[str, Columns] | None = None,
                 taken_ids: frozenset[str] = frozenset(), tr: Translate = english,
                 last: date | None = None, date_order: str = "auto") -> IngestReport:
    """Read and validate a file; a known format is mapped automatically, else `mapping` is used."""
    table = read_table(data, name, tr)
    fmt = detect_format(list(table.frame.columns))
    if mapping is None:
        if fmt is None:
            raise IngestError(tr("{name}: the columns ({columns}) are not ACLED, UCDP GED or "
                                 "events.csv columns; map them by hand.").format(
                name=inert(name), columns=inert(", ".join(table.frame.columns[:12]), 200)))
        mapping = mapping_for(fmt, list(table.frame.columns))
    return ingest(table, mapping, borders, name, fmt or "mapped", taken_ids, (), tr, last,
                  date_order)


EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_CRASH = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    """Check a file. Exit status: 0 every row loaded, 1 some rows rejected, 2 the file or the
    arguments cannot be used (argparse's own status too), 3 an internal error (a bug)."""
    parser = argparse.ArgumentParser(
        description="Check an events file before adding it. Exit status: 0 every row loaded, "
                    "1 some rows rejected, 2 unreadable file or bad arguments, 3 internal error.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    parser.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    parser.add_argument("--date-order", choices=DATE_ORDERS, default="auto",
                        help="how to read slash dates such as 03/04/2023 (default: from the file)")
    args = parser.parse_args(argv)
    try:
        return _check(args.file, args.data, args.rejected, args.date_order)
    except (IngestError, DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as exc:  # a bug: one line, not a traceback, and its own status
        print(f"internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_CRASH


def _check(path: Path, data: Path, rejected_csv: Path | None, date_order: str) -> int:
    borders = load_borders(data / "borders.geojson")
    try:
        last = curation_date(data / "SOURCES.md").date()
    except DataError:
        last = None
    report = ingest_bytes(path.read_bytes(), path.name, borders, last=last,
                          date_order=date_order)
    print(report.summary())
    for note in report.notes:
        print(f"  {note}")
    for row in report.rejected.head(50).itertuples():
        print(f"  row {row.row}: {row.reasons}")
    if len(report.rejected) > 50:
        print(f"  ... and {len(report.rejected) - 50:,} more rejected rows")
    if rejected_csv is not None:
        rejected_csv.write_text(csv_safe(report.rejected).to_csv(index=False), encoding="utf-8")
    return EXIT_REJECTED if len(report.rejected) else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
