"""Bring your own events: read an ACLED-, UCDP- or project-style file and validate every row.

Each row is either loaded or rejected with its reasons; nothing is dropped silently. The file
is read in chunks (geo.tablefile: CSV, gzip, zip, Excel, Parquet, GeoJSON) and each chunk is
checked at once, column by column, so a file of any size fits in memory: the loaded events
are kept as an Arrow table, sorted by date, ready for Parquet and DuckDB. Pure (no
Streamlit), so the same check runs in the app and from the command line:

    python -m geo.ingest FILE [--data data/] [--parquet OUT]   # exit 1 if rows were rejected

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
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.parquet as pq
import shapely

from geo.escape import csv_safe, inert
from geo.facts import DataError, curation_date, load_border_shapes
from geo.i18n import N_, Translate, english
from geo.tablefile import Chunk, IngestError, Source, TableFile, open_table, read_ahead
from geo.vocabulary import COVERAGE_START, UPLOAD_CATEGORY

__all__ = ["IngestError", "IngestReport", "Table", "ingest", "ingest_bytes", "ingest_file",
           "read_table", "write_events"]

# The import reads files of any size in chunks; this is only the upload limit of the page
# (.streamlit/config.toml's maxUploadSize), which geo/store.py still reads for kept sets.
MAX_BYTES = 1024 * 1024 * 1024
# The command line's chunks: a chunk's checks cost about 0.06 s of CPU whatever its size, and
# with the sort written row group by row group a 1,000,000-row import peaked at 1.07 GB with
# these (1.05 GB with 8 MB chunks). The page keeps small chunks (app/upload.py).
CLI_CHUNK_BYTES = 32 << 20
READ_AHEAD = False  # read the next chunk in a thread while checking this one (bench/ingest.py)
DAYS_REMEMBERED = 200_000  # dates read once per file (an export has a few thousand days)
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

@dataclass(frozen=True)
class Table:
    """A file's rows as text cells, indexed by the line (CSV) or feature (GeoJSON) they start
    on; `broken` holds the lines or features that are not rows of the table, with reasons."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    broken: pd.DataFrame  # columns: row, reasons
    blank_lines: int = 0


def _broken(rows: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["row", "reasons"]).astype({"row": int})


@dataclass(frozen=True)
class IngestReport:
    """The outcome of an import: loaded events, rejected rows with reasons, and notes.

    `events` is what the import gives: an Arrow table in the file's order, with
    EVENTS_SCHEMA's columns then the file's other columns as text (a pandas frame is accepted
    too, as the store gives it back). `loaded` is the same events as a pandas frame, made on
    first use; `table` as an Arrow table; write_events() saves them as Parquet sorted by
    date.
    """

    name: str
    format: str
    events: pa.Table | pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    ambiguous_dates: bool = False  # slash dates that could be day/month or month/day
    blank_lines: int = 0  # lines with no text (spaces, separators or quotes only)

    @cached_property
    def loaded(self) -> pd.DataFrame:
        """The loaded events as pandas (dates as datetime64, counts as nullable Int64)."""
        if isinstance(self.events, pd.DataFrame):
            return self.events
        return events_frame(self.events)

    @property
    def table(self) -> pa.Table:
        """The loaded events as an Arrow table (the date a date32)."""
        if isinstance(self.events, pa.Table):
            return self.events
        return events_table(self.events)

    @property
    def loaded_count(self) -> int:
        return int(self.events.num_rows if isinstance(self.events, pa.Table)
                   else len(self.events))

    def summary(self) -> str:
        loaded, rejected = self.loaded_count, len(self.rejected)
        text = (f"{self.name}: {loaded + rejected:,} rows read as {self.format}; {loaded:,} "
                f"loaded, {rejected:,} rejected.")
        if self.blank_lines:
            text += f" {self.blank_lines:,} blank lines skipped."
        return text


# Loaded events: the schema's columns, in this order, then the file's other columns (text).
EVENTS_SCHEMA = pa.schema([
    ("id", pa.string()), ("date", pa.date32()), ("lat", pa.float64()), ("lon", pa.float64()),
    ("iso3", pa.string()), ("place", pa.string()), ("category", pa.string()),
    ("title", pa.string()), ("summary", pa.string()), ("sources", pa.string()),
    ("row", pa.int64()), ("kind", pa.string()), ("sub_kind", pa.string()),
    ("actor1", pa.string()), ("actor2", pa.string()), ("deaths", pa.int64()),
    ("deaths_low", pa.int64()), ("deaths_high", pa.int64()), ("admin1", pa.string()),
    ("place_precise", pa.bool_()), ("date_precision", pa.string())])
COUNTS = ("deaths", "deaths_low", "deaths_high")


def events_frame(table: pa.Table) -> pd.DataFrame:
    """Loaded events as pandas, the way the pages use them."""
    frame = table.drop_columns(["date"]).to_pandas()
    for column in COUNTS:
        frame[column] = frame[column].astype("Int64")
    frame.insert(1, "date", pd.to_datetime(
        table["date"].cast(pa.timestamp("s")).to_numpy()).as_unit("ns"))
    return pd.DataFrame(frame)


def events_table(frame: pd.DataFrame) -> pa.Table:
    """Loaded events as Arrow (EVENTS_SCHEMA, then the other columns as text)."""
    ours = pa.Table.from_pandas(frame[list(EVENTS_SCHEMA.names)].assign(
        date=pd.to_datetime(frame["date"]).dt.date), schema=EVENTS_SCHEMA, preserve_index=False)
    for column in frame.columns:
        if column not in EVENTS_SCHEMA.names:
            ours = ours.append_column(column, pa.array(frame[column].astype(str), pa.string()))
    return ours


def sorted_events(table: pa.Table) -> pa.Table:
    """Events sorted by date, then by the line they came from."""
    return _gather(table, _coded(table), _date_order(table))


def _date_order(table: pa.Table) -> pa.Array:
    """The positions of the events in date order, then in the order of their lines."""
    rows = table["row"]
    if not rows.null_count and len(rows) > 1 and bool(np.all(np.diff(rows.to_numpy()) > 0)):
        # in the file's order (an import): a stable sort of the dates alone, 8x faster
        return pa_compute.array_sort_indices(table["date"])
    return pa_compute.sort_indices(table, [("date", "ascending"), ("row", "ascending")])


def _coded(table: pa.Table) -> dict[str, pa.ChunkedArray]:
    """The text columns whose values repeat (judged on the first row group), as dictionary
    codes: gathering them into a new order moves small integers, then reads each value from a
    small dictionary that stays in the cache, where a gather of the text itself reads every
    row's bytes from anywhere in the table (half the time of the sort's gather, 400,000 rows)."""
    head = table.slice(0, ROW_GROUP)
    return {name: pa_compute.dictionary_encode(table[name]) for name in table.column_names
            if pa.types.is_string(head[name].type) and _repeats(head[name])}


def _repeats(column: pa.ChunkedArray) -> bool:
    """Fewer distinct values than a tenth of the rows."""
    return bool(pa_compute.count_distinct(column).as_py() * 10 < max(len(column), 10))


def _gather(table: pa.Table, coded: Mapping[str, pa.ChunkedArray], order: pa.Array) -> pa.Table:
    """The rows of `table` at `order` (table.take, the same columns and types)."""
    return pa.table([coded[name].take(order).cast(pa.string()) if name in coded
                     else table[name].take(order) for name in table.column_names],
                    schema=table.schema)


ROW_GROUP = 64 * 1024
# Columns whose values repeat (types, countries, actors, places): dictionary-encoded. Trying a
# dictionary on free text (ids, notes) costs time and then falls back to plain anyway.
REPEATED = ("iso3", "place", "category", "title", "sources", "kind", "sub_kind", "actor1",
            "actor2", "admin1", "date_precision")
# Statistics only where a query filters (a date window reads only the row groups of its days)
FILTERED = ("date", "row", "lat", "lon", "iso3")


def write_events(report: IngestReport, path: Path) -> None:
    """Save the loaded events as Parquet sorted by date (a window query then reads only the
    row groups of its days). Each row group is gathered into date order as it is written, so
    the sorted copy of the events is never whole in memory."""
    table = report.table
    order, coded = _date_order(table), _coded(table)
    first = _gather(table, coded, order.slice(0, ROW_GROUP))
    with pq.ParquetWriter(path, table.schema,
                          use_dictionary=[*REPEATED, *_repeated_file_columns(first)],
                          write_statistics=list(FILTERED)) as writer:
        writer.write_table(first, row_group_size=ROW_GROUP)
        for start in range(ROW_GROUP, len(order), ROW_GROUP):
            writer.write_table(_gather(table, coded, order.slice(start, ROW_GROUP)),
                               row_group_size=ROW_GROUP)


def _repeated_file_columns(head: pa.Table) -> list[str]:
    """The file's own text columns whose values repeat, judged on the first row group."""
    return [name for name in head.column_names[len(EVENTS_SCHEMA):]
            if pa.types.is_string(head[name].type) and _repeats(head[name])]


Progress = Callable[[int, int, float], None]  # rows read, rejected so far, part of the file


def read_table(data: Source, name: str, tr: Translate = english) -> Table:
    """A file's rows as text columns in one pandas frame, with notes and the lines that are
    not rows of the table (for small files and tests; ingest_file reads in chunks)."""
    opened = open_table(data, name, tr)
    chunks = list(opened.chunks)
    cells = pa.concat_tables([c.cells for c in chunks]) if chunks else None
    lines = np.concatenate([c.lines for c in chunks]) if chunks else np.zeros(0, np.int64)
    if cells is None:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in opened.columns})
    else:
        frame = cells.to_pandas()
    frame.index = pd.Index(lines, name="line")
    frame = frame.sort_index(kind="stable")
    broken = sorted(r for c in chunks for r in c.broken)
    return Table(frame, tuple(opened.notes), _broken(broken), sum(c.blank for c in chunks))


class UnknownColumnsError(IngestError):
    """A file whose columns are not of a known format: the caller maps them by hand."""

    def __init__(self, message: str, columns: list[str]) -> None:
        super().__init__(message)
        self.columns = columns


def ingest_file(source: Source, name: str, borders: pd.DataFrame,
                mapping: Mapping[str, Columns] | None = None,
                taken_ids: frozenset[str] = frozenset(), tr: Translate = english,
                last: date | None = None, date_order: str = "auto",
                progress: Progress | None = None,
                chunk_bytes: int | None = None) -> IngestReport:
    """Read and validate a file of any size, chunk by chunk (bytes, a path or a binary file).

    A known format is mapped automatically, else `mapping` is used (UnknownColumnsError names the
    columns when there is none). `progress(rows, rejected, done)` is told after each chunk.
    `chunk_bytes` (default geo.tablefile.CHUNK_BYTES) bounds the memory a chunk's checks take:
    about 25 bytes for each byte of CSV, at once.
    A file whose slash dates turn out to be month first after some were read day first is read
    a second time."""
    opened = open_table(source, name, tr, chunk_bytes)
    fmt = detect_format(opened.columns)
    if mapping is None:
        if fmt is None:
            raise UnknownColumnsError(tr(
                "{name}: the columns ({columns}) are not ACLED, UCDP GED or events.csv "
                "columns; map them by hand.").format(
                name=inert(name), columns=inert(", ".join(opened.columns[:12]), 200)),
                opened.columns)
        mapping = mapping_for(fmt, opened.columns)
    fmt = fmt if fmt is not None else "mapped"
    run = _Run(borders, mapping, name, fmt, taken_ids, tr, last or date.today(), date_order,
               _unused_columns(opened.columns, mapping))
    report = run.read(opened, progress)
    if report is None:  # read again, now that the file's date order is known
        run = _Run(borders, mapping, name, fmt, taken_ids, tr, last or date.today(),
                   run.final_order()[0], _unused_columns(opened.columns, mapping),
                   doubt=run.final_order()[1])
        report = run.read(open_table(source, name, tr, chunk_bytes), progress)
        assert report is not None
    return report


def ingest_bytes(data: bytes, name: str, borders: pd.DataFrame,
                 mapping: Mapping[str, Columns] | None = None,
                 taken_ids: frozenset[str] = frozenset(), tr: Translate = english,
                 last: date | None = None, date_order: str = "auto") -> IngestReport:
    """Read and validate a file held in memory (ingest_file on its bytes)."""
    return ingest_file(data, name, borders, mapping, taken_ids, tr, last, date_order)

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
    return _order_from(*_slash_evidence(values))


def _days(written: pd.Series, known: dict[str, date | None], order: str) -> pd.Series:
    """The day of each cell (None where empty or unreadable): each distinct text is read once
    (`known` keeps them across chunks), then spread to the rows by its dictionary code (one
    pass of Arrow's hashing, where pandas' unique() and map() took two)."""
    coded = pa_compute.dictionary_encode(_arrow_text(written))
    texts = coded.dictionary.to_pylist()
    for text in texts:
        if text and text not in known:
            known[text] = date_parts(text, order)
    days = np.array([known.get(text) if text else None for text in texts] + [None], object)
    return pd.Series(days[coded.indices.fill_null(len(texts)).to_numpy()], index=written.index,
                     dtype=object)


def _looked_up(text: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """table[cell] for every cell, missing where the table has no such key: pandas' map(),
    by Arrow's hash lookup (no pandas index built from the table, a third of the time)."""
    keys = list(table)
    at = pa_compute.index_in(_arrow_text(text), value_set=pa.array(keys, pa.string()))
    found = pa.array([table[key] for key in keys], pa.string()).take(at)
    series = pd.Series(found.to_pandas(), dtype=str)
    series.index = text.index
    return series


def _floats(text: pd.Series) -> pd.Series:
    """Numbers written in text cells (NaN where empty or not a number). Arrow parses the
    column at once; a column with a cell that is not a number goes through pandas."""
    array = pa.array(text, pa.string())
    array = pa_compute.if_else(pa_compute.equal(array, ""), pa.scalar(None, pa.string()), array)
    try:
        parsed = pa_compute.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        values = pd.Series(parsed, index=text.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    return values


def _numbers(text: pd.Series) -> pd.Series:
    values = _floats(text.str.replace(",", ".", regex=False))
    return values.where(np.isfinite(values))


def country_codes(borders: pd.DataFrame) -> dict[str, str]:
    """Every accepted way of naming a map country (lower case) -> its ISO3 code."""
    codes: dict[str, str] = {}
    for row in borders.itertuples():
        for key in (row.iso3, row.name, row.name_fr):
            codes[str(key).lower()] = str(row.iso3)
    codes.update(COUNTRY_ALIASES)
    codes.update(ISO_NUMERIC)
    return {k: v for k, v in codes.items() if v in set(borders["iso3"])}


Columns = str | tuple[str, ...]


def _cells(cells: pa.Table, index: pd.Index, columns: Columns | None) -> pd.Series:
    """A field's text on every row, trimmed: the first of its columns that is filled in."""
    names = (columns,) if isinstance(columns, str) else tuple(columns or ())
    out: pa.ChunkedArray | None = None
    for column in reversed(names):
        if column in cells.column_names:
            text = pa_compute.utf8_trim_whitespace(cells[column])
            out = text if out is None else pa_compute.if_else(
                pa_compute.equal(text, ""), out, text)
    if out is None:
        return pd.Series("", index=index, dtype=str)
    series = pd.Series(out.to_pandas(), dtype=str)
    series.index = index
    return series


class _Reasons:
    """Reasons for rejection, collected check by check, in order, for every row at once."""

    def __init__(self, index: pd.Index) -> None:
        self.text = pd.Series("", index=index, dtype=object)
        self.any = np.zeros(len(index), bool)  # rows with a reason so far

    def add(self, mask: pd.Series, message: str | pd.Series) -> None:
        if not mask.any():
            return
        new = message[mask] if isinstance(message, pd.Series) else message
        old = self.text[mask]
        self.text[mask] = old.where(old == "", old + "; ") + new
        self.any |= np.asarray(mask, bool)

    def add_each(self, mask: pd.Series, template: str, values: pd.Series) -> None:
        """One message per row, with that row's value quoted."""
        if mask.any():
            self.add(mask, values[mask].map(lambda v: template.format(value=repr(v))))


def _placement(lat: pd.Series, lon: pd.Series, iso3: pd.Series,
               shapes: Mapping[str, shapely.Geometry]) -> tuple[pd.Series, pd.Series]:
    """Which points are not in (or within NEAR_DEG of) their country, and which of those are
    in it once latitude and longitude are swapped. Uses each country's prepared polygon."""
    outside = np.zeros(len(lat), bool)
    swapped = np.zeros(len(lat), bool)
    all_x, all_y = lon.to_numpy(float), lat.to_numpy(float)
    for code, rows in iso3.groupby(iso3).indices.items():  # positions, not labels
        shape = shapes[str(code)]
        shapely.prepare(shape)
        x, y = all_x[rows], all_y[rows]
        far = ~shapely.contains_xy(shape, x, y)
        if far.any():
            far[far] = shapely.distance(shape, shapely.points(x[far], y[far])) > NEAR_DEG
        if far.any():
            at = rows[far]
            outside[at] = True
            swapped[at] = shapely.distance(shape, shapely.points(y[far], x[far])) <= NEAR_DEG
    return pd.Series(outside, index=lat.index), pd.Series(swapped, index=lat.index)



def _slash_evidence(values: pd.Series) -> tuple[bool, bool, bool]:
    """Whether `values` hold slash dates, any with a first number above 12 (day first), and
    any with a second one above 12 (month first)."""
    slashed = values[values.str.contains("/", regex=False)]
    if slashed.empty:
        return False, False, False
    numbers = slashed.str.extract(SLASH_DATE.pattern).dropna().astype(int)
    if numbers.empty:
        return False, False, False
    return True, bool((numbers[0] > 12).any()), bool((numbers[1] > 12).any())


def _order_from(slashes: bool, day_first: bool, month_first: bool) -> tuple[str, str | None]:
    if not slashes:
        return "dmy", None
    if day_first and month_first:
        return "dmy", N_("The file mixes day/month/year and month/day/year dates; they are read "
                         "as day/month/year and rows that do not fit are rejected.")
    if month_first:
        return "mdy", None
    if day_first:
        return "dmy", None
    return "dmy", N_("Every slash date could be day/month or month/day (03/04/2023); they are "
                     "read as day/month/year. Choose month/day/year if that is wrong.")


class _Run:
    """One reading of a file: each chunk is checked as it comes (its rows loaded or rejected),
    with what must hold across chunks (ids seen, the file's date order)."""

    def __init__(self, borders: pd.DataFrame, mapping: Mapping[str, Columns], name: str,
                 fmt: str, taken: frozenset[str], tr: Translate, last: date, date_order: str,
                 unused: list[str], doubt: str | None = None) -> None:
        self.mapping, self.name, self.fmt, self.taken, self.tr = mapping, name, fmt, taken, tr
        self.last, self.date_order, self.unused, self.doubt = last, date_order, unused, doubt
        self.codes = country_codes(borders)
        self.shapes = dict(zip(borders["iso3"], borders["geometry"], strict=True))
        self.seen = set(taken)  # ids taken, and those of the file so far
        self.evidence = [False, False, False]  # slashes, day first, month first
        self.orders_used: set[str] = set()  # orders that read slash dates in some chunk
        self.days_read: dict[str, dict[str, date | None]] = {}  # order -> text -> its day
        self.loaded: list[pa.Table] = []
        self.rejected: list[pd.DataFrame] = []
        self.rows = self.rejected_rows = self.blank = 0
        used = {c for columns in mapping.values()
                for c in ((columns,) if isinstance(columns, str) else columns)}
        self.used = used

    def final_order(self) -> tuple[str, str | None]:
        if self.date_order != "auto":
            return self.date_order, self.doubt
        return _order_from(*self.evidence)

    def read(self, opened: TableFile, progress: Progress | None) -> IngestReport | None:
        """The report, or None when the file must be read again with its date order."""
        for chunk in (read_ahead(opened.chunks) if READ_AHEAD else opened.chunks):
            self.check(chunk)
            if progress is not None:
                progress(self.rows, self.rejected_rows, opened.done())
        order, doubt = self.final_order()
        if self.orders_used - {order}:
            return None
        notes = tuple(opened.notes) + ((self.tr(doubt),) if doubt else ())
        return self.report(notes, doubt is not None)

    def report(self, notes: tuple[str, ...], ambiguous: bool) -> IngestReport:
        events = pa.concat_tables(self.loaded) if self.loaded else _empty_events(self.unused)
        self.loaded = []
        rejected = (pd.concat(self.rejected, ignore_index=True) if self.rejected
                    else pd.DataFrame({"row": pd.Series(dtype=int),
                                       "reasons": pd.Series(dtype=str)}))
        rejected = rejected.fillna("").astype({"row": int}).sort_values(
            "row", kind="stable", ignore_index=True)
        return IngestReport(self.name, self.fmt, events, rejected, notes, ambiguous, self.blank)

    def check(self, chunk: Chunk) -> None:
        """Validate one chunk's rows at once: good rows become events (the module's schema),
        bad rows keep their reasons (in the language of `tr`), lines that were not rows stay
        rejected."""
        tr, mapping = self.tr, self.mapping
        self.blank += chunk.blank
        index = pd.Index(chunk.lines, name="line")
        cells = {fld: _cells(chunk.cells, index, mapping.get(fld))
                 for fld in (*FIELDS, *PRECISION_FIELDS)}
        reasons = _Reasons(index)
        for fld in REQUIRED:
            reasons.add(cells[fld] == "", tr("missing {field}").format(
                field=tr(REQUIRED_NAMES[fld])))

        written = cells["date"]
        if self.date_order == "auto":
            found = _slash_evidence(written)
            self.evidence = [a or b for a, b in zip(self.evidence, found, strict=True)]
            order = _order_from(*self.evidence)[0]
            if found[0]:
                self.orders_used.add(order)
        else:
            order = self.date_order
        known = self.days_read.setdefault(order, {})
        if len(known) > DAYS_REMEMBERED:
            known.clear()
        days = _days(written, known, order)
        reasons.add_each((written != "") & days.isna(), tr(
            "unparseable date {value} (use YYYY-MM-DD, DD/MM/YYYY or '31 January 2023')"),
            written)
        parsed = days.notna()
        early = parsed & (days.where(parsed, COVERAGE_START) < COVERAGE_START)
        late = parsed & (days.where(parsed, COVERAGE_START) > self.last)
        reasons.add_each(early | late, tr("date {value} is outside {start} to {end}, the days "
                                          "the dashboard shows").format(
            value="{value}", start=f"{COVERAGE_START}", end=f"{self.last}"), written)

        lat, lon = _numbers(cells["lat"]), _numbers(cells["lon"])
        reasons.add_each((cells["lat"] != "") & lat.isna(), tr("latitude {value} is not a number"),
                         cells["lat"])
        reasons.add_each((cells["lon"] != "") & lon.isna(),
                         tr("longitude {value} is not a number"), cells["lon"])
        iso3 = _looked_up(cells["country"].str.lower(), self.codes)
        reasons.add_each((cells["country"] != "") & iso3.isna(),
                         tr("country {value} is not one of the map's countries"),
                         cells["country"])
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
        outside, swapped = _placement(lat[placed], lon[placed], iso3[placed], self.shapes)
        reasons.add(swapped.reindex(index, fill_value=False),
                    tr("latitude and longitude look swapped"))
        far = (outside & ~swapped).reindex(index, fill_value=False)
        if far.any():
            reasons.add(far, pd.Series([tr("point {lat}, {lon} is outside {country}").format(
                lat=a, lon=b, country=c) for a, b, c in zip(lat[far], lon[far], iso3[far],
                                                             strict=True)],
                index=lat[far].index))

        number = index.to_series()
        ident = cells["id"].where(cells["id"] != "", f"{self.name}-row-" + number.astype(str))
        ids = _arrow_text(ident).to_pylist()
        seen = self.seen
        again = np.fromiter(map(seen.__contains__, ids), bool, len(ids))
        reasons.add_each(ident.duplicated() | again, tr("duplicate id {value}"), ident)
        seen.update(ids)

        deaths = {}
        for fld in COUNTS:
            deaths[fld], wrong = _whole_numbers(cells[fld])
            reasons.add_each(wrong, tr("{column} {{value}} is not a whole number of 0 or "
                                       "more").format(column=_column_of(mapping, fld)),
                             cells[fld])
        low, best, high = deaths["deaths_low"], deaths["deaths"], deaths["deaths_high"]
        disorder = (low.notna() & best.notna() & (low > best)) | (
            high.notna() & best.notna() & (best > high)) | (
            low.notna() & high.notna() & (low > high))
        disorder = disorder.fillna(False).astype(bool)
        if disorder.any():
            reasons.add(disorder, pd.Series([tr("deaths: low {low}, best {best}, high {high} "
                                                "are not in that order").format(
                low=a, best=b, high=c) for a, b, c in zip(
                cells["deaths_low"][disorder], cells["deaths"][disorder],
                cells["deaths_high"][disorder], strict=True)],
                index=cells["deaths"][disorder].index))
        place_precise, date_precision = _precision(self.fmt, cells, mapping, reasons, tr)

        good = ~reasons.any
        if good.any():
            self.loaded.append(self._events(chunk, good, cells, ident, days, lat, lon, iso3,
                                            deaths, place_precise, date_precision))
        bad = ~good
        rejected = pd.DataFrame({"row": number[bad], "reasons": reasons.text[bad],
                                 **{f: cells[f][bad] for f in FIELDS
                                    if f in mapping or f in REQUIRED}})
        if chunk.broken:
            rejected = pd.concat([rejected, _broken(chunk.broken).reindex(
                columns=rejected.columns, fill_value="")], ignore_index=True)
        if len(rejected):
            self.rejected.append(rejected.reset_index(drop=True))
        self.rows += len(index) + len(chunk.broken)
        self.rejected_rows += len(rejected)

    def _events(self, chunk: Chunk, good: np.ndarray, cells: Mapping[str, pd.Series],
                ident: pd.Series, days: pd.Series, lat: pd.Series, lon: pd.Series,
                iso3: pd.Series, deaths: Mapping[str, pd.Series], place_precise: pd.Series,
                date_precision: pd.Series) -> pa.Table:
        kind = cells["kind"][good]
        if self.fmt == "ucdp":
            kind = kind.map(lambda k: UCDP_VIOLENCE.get(k, k))
        title = cells["title"][good].where(cells["title"][good] != "", kind)
        title = title.where(title != "", self.tr("Event"))
        count = int(good.sum())

        text = _arrow_text

        def whole(values: pd.Series) -> pa.Array:
            return pa.array(values[good].to_numpy(dtype="float64", na_value=np.nan),
                            pa.float64(), from_pandas=True).cast(pa.int64())

        columns = {
            "id": text(ident[good]), "date": pa.array(days[good].tolist(), pa.date32()),
            "lat": pa.array(lat[good].to_numpy(float)), "lon": pa.array(lon[good].to_numpy(float)),
            "iso3": text(iso3[good]), "place": text(cells["place"][good]),
            "category": pa.array([UPLOAD_CATEGORY] * count, pa.string()),
            "title": text(title), "summary": text(cells["summary"][good]),
            "sources": text(cells["sources"][good]), "row": pa.array(chunk.lines[good]),
            "kind": text(kind), "sub_kind": text(cells["sub_kind"][good]),
            "actor1": text(cells["actor1"][good]), "actor2": text(cells["actor2"][good]),
            "deaths": whole(deaths["deaths"]), "deaths_low": whole(deaths["deaths_low"]),
            "deaths_high": whole(deaths["deaths_high"]), "admin1": text(cells["admin1"][good]),
            "place_precise": pa.array(place_precise[good].to_numpy(bool)),
            "date_precision": text(date_precision[good])}
        table = pa.table([columns[n] for n in EVENTS_SCHEMA.names], schema=EVENTS_SCHEMA)
        if self.unused:
            kept = chunk.cells.select(self.unused).filter(pa.array(good))
            for column in self.unused:
                name = f"file_{column}" if column in EVENTS_SCHEMA.names else column
                table = table.append_column(name, kept[column])
        return table


def _arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (no copy when pandas holds it in Arrow)."""
    array = pa.array(values, pa.string()) if len(values) else pa.array([], pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _empty_events(unused: list[str]) -> pa.Table:
    table = EVENTS_SCHEMA.empty_table()
    for column in unused:
        name = f"file_{column}" if column in EVENTS_SCHEMA.names else column
        table = table.append_column(name, pa.array([], pa.string()))
    return table


def ingest(table: Table | pd.DataFrame, mapping: Mapping[str, Columns], borders: pd.DataFrame,
           name: str = "upload", fmt: str = "mapped", taken_ids: frozenset[str] = frozenset(),
           notes: tuple[str, ...] = (), tr: Translate = english, last: date | None = None,
           date_order: str = "auto") -> IngestReport:
    """Validate the rows of a table already read whole (read_table; a plain frame is numbered
    from line 2). Dates must fall within COVERAGE_START..`last` (default: today), the days the
    dashboard can show. `date_order` reads slash dates as dmy or mdy; "auto" decides from the
    file."""
    if isinstance(table, pd.DataFrame):
        frame = table if table.index.name == "line" else table.set_axis(
            pd.Index(range(2, len(table) + 2), name="line"))
        table = Table(frame, (), _broken([]))
    frame = table.frame.astype(str)
    cells = pa.Table.from_pandas(frame, preserve_index=False)
    cells = cells.cast(pa.schema([(n, pa.string()) for n in cells.column_names]))
    chunk = Chunk(cells, frame.index.to_numpy(np.int64),
                  list(zip(table.broken["row"].astype(int), table.broken["reasons"],
                           strict=True)), table.blank_lines)

    def once(order: str, doubt: str | None) -> IngestReport | None:
        run = _Run(borders, mapping, name, fmt, taken_ids, tr, last or date.today(), order,
                   _unused_columns(list(frame.columns), mapping), doubt)
        run.check(chunk)
        final, said = run.final_order()
        if run.orders_used - {final}:
            return once(final, said)
        return run.report((*table.notes, *notes, *((tr(said),) if said else ())),
                          said is not None)

    report = once(date_order, None)
    assert report is not None
    return report

LOADED_COLUMNS = ["id", "date", "lat", "lon", "iso3", "place", "category", "title", "summary",
                  "sources", "row", "kind", "sub_kind", "actor1", "actor2", "deaths",
                  "deaths_low", "deaths_high", "admin1", "place_precise", "date_precision"]


def _column_of(mapping: Mapping[str, Columns], fld: str) -> str:
    """The file's column a field is read from, for messages (the first one named)."""
    columns = mapping.get(fld) or (fld,)
    return str(columns if isinstance(columns, str) else columns[0])


def _whole_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts written in a column (nullable integers; empty cells are unknown) and the cells
    that are filled but not a whole number of 0 or more ('3.0' is 3; '2.5', '-1', 'x' are not)."""
    filled = text != ""
    if not filled.any():  # a column the file does not have
        return pd.Series(pd.NA, index=text.index, dtype="Int64"), filled
    values = _floats(text)
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
        code = _code(cells["place_code"])
        unknown = (code != "") & ~code.isin((*good_codes, *coarse))
        reasons.add_each(unknown, tr("{column} {{value}} is not one of {codes}").format(
            column=_column_of(mapping, "place_code"),
            codes=", ".join((*good_codes, *coarse))), cells["place_code"])
        precise = ~code.isin(coarse)
    if fmt in DATE_CODES:
        known = DATE_CODES[fmt]
        code = _code(cells["date_code"])
        unknown = (code != "") & ~code.isin(list(known))
        reasons.add_each(unknown, tr("{column} {{value}} is not one of {codes}").format(
            column=_column_of(mapping, "date_code"), codes=", ".join(known)),
            cells["date_code"])
        dates = _looked_up(code, known).fillna("day").astype(str)
    return precise.astype(bool), dates


def _code(text: pd.Series) -> pd.Series:
    """A precision code as written, without a spreadsheet's trailing '.0' ('1.0' is 1)."""
    if not text.str.endswith(".0").any():
        return text
    return text.str.replace(r"\.0$", "", regex=True)


def _unused_columns(columns: list[str], mapping: Mapping[str, Columns]) -> list[str]:
    """The file's columns that fill none of our fields: kept as is for the downloads."""
    used = {c for columns in mapping.values()
            for c in ((columns,) if isinstance(columns, str) else columns)}
    return [c for c in columns if c not in used]


EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_CRASH = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    """Check a file. Exit status: 0 every row loaded, 1 some rows rejected, 2 the file or the
    arguments cannot be used (argparse's own status too), 3 an internal error (a bug)."""
    parser = argparse.ArgumentParser(
        description="Check an events file before adding it (CSV, .csv.gz, a zip of one CSV, "
                    ".xlsx, Parquet or GeoJSON, of any size). Exit status: 0 every row loaded, "
                    "1 some rows rejected, 2 unreadable file or bad arguments, 3 internal error.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    parser.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    parser.add_argument("--parquet", type=Path,
                        help="write the loaded events to this Parquet file, sorted by date")
    parser.add_argument("--date-order", choices=DATE_ORDERS, default="auto",
                        help="how to read slash dates such as 03/04/2023 (default: from the file)")
    parser.add_argument("--progress", action="store_true",
                        help="say the rows read and rejected so far on stderr")
    args = parser.parse_args(argv)
    try:
        return _check(args.file, args.data, args.rejected, args.date_order, args.parquet,
                      args.progress)
    except (IngestError, DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as exc:  # a bug: one line, not a traceback, and its own status
        print(f"internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_CRASH


def _check(path: Path, data: Path, rejected_csv: Path | None, date_order: str,
           parquet: Path | None = None, show_progress: bool = False) -> int:
    borders = load_border_shapes(data / "borders.geojson")
    try:
        last = curation_date(data / "SOURCES.md").date()
    except DataError:
        last = None

    def said(rows: int, rejected: int, done: float) -> None:
        print(f"\r{done:4.0%}  {rows:,} rows read, {rejected:,} rejected", end="",
              file=sys.stderr, flush=True)

    report = ingest_file(path, path.name, borders, last=last, date_order=date_order,
                         progress=said if show_progress else None, chunk_bytes=CLI_CHUNK_BYTES)
    if show_progress:
        print(file=sys.stderr)
    print(report.summary())
    for note in report.notes:
        print(f"  {note}")
    for row in report.rejected.head(50).itertuples():
        print(f"  row {row.row}: {row.reasons}")
    if len(report.rejected) > 50:
        print(f"  ... and {len(report.rejected) - 50:,} more rejected rows")
    if rejected_csv is not None:
        rejected_csv.write_text(csv_safe(report.rejected).to_csv(index=False), encoding="utf-8")
    if parquet is not None:
        write_events(report, parquet)
    return EXIT_REJECTED if len(report.rejected) else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
