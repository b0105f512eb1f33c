"""Load the fact tables (coups, status, events) and the borders, validating every cell.

A bad file raises DataError naming the file, the line, the column and what was expected, so a
maintainer can fix the data and a user sees which file is wrong instead of a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import pandas as pd

from geo.i18n import Translate, english, name_key
from geo.outlets import Outlet, Register, domain_of
from geo.timeline import continuous_since
from geo.vocabulary import (
    DIMENSIONS,
    EVENT_CATEGORIES,
    OUTCOMES,
    OUTLET_KINDS,
    REGIONS,
    UN_VOTES,
    UPLOAD_CATEGORY,
)

if TYPE_CHECKING:  # geopandas is imported where it is used: the command line's import does
    import geopandas as gpd  # without it (0.3 s of its start)

ISO3 = re.compile(r"^[A-Z]{3}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
EVENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class DataError(ValueError):
    """A data file that cannot be used as it is; the message says where and why."""

    def __init__(self, path: Path | str, message: str, line: int | None = None,
                 column: str | None = None) -> None:
        where = Path(path).name  # the file's name only: messages reach visitors, paths do not
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.column = column


Check = Callable[[str], str | None]  # returns a complaint, or None when the cell is fine


def _pattern(regex: re.Pattern[str], expected: str) -> Check:
    return lambda v: None if regex.match(v) else f"expected {expected}, got {v!r}"


def _choice(values: Sequence[str]) -> Check:
    return lambda v: None if v in values else f"expected one of {', '.join(values)}; got {v!r}"


def _date(v: str) -> str | None:
    if not DATE.match(v):
        return f"expected a date as YYYY-MM-DD, got {v!r}"
    try:
        pd.Timestamp(v)
    except ValueError:
        return f"{v!r} is not a calendar date"
    return None


def _number(low: float, high: float) -> Check:
    def check(v: str) -> str | None:
        try:
            x = float(v)
        except ValueError:
            return f"expected a number, got {v!r}"
        return None if low <= x <= high else f"expected a number in [{low}, {high}], got {v}"
    return check


def _sources(v: str) -> str | None:
    bad = [u for u in v.split() if not URL.match(u)]
    if not v.split():
        return "expected one or more http(s) URLs separated by spaces"
    return f"not an http(s) URL: {bad[0]!r}" if bad else None


@dataclass(frozen=True)
class Column:
    name: str
    check: Check | None = None  # None: free text
    required: bool = True  # the cell must not be empty
    optional_column: bool = False  # the file may lack the column (it is then empty)


def _text(name: str, required: bool = True) -> Column:
    return Column(name, None, required)


COUP_COLUMNS = (
    Column("id", _pattern(EVENT_ID, "a lower-case slug")),
    Column("date", _date),
    Column("iso3", _pattern(ISO3, "an ISO 3166-1 alpha-3 code")),
    Column("outcome", _choice(OUTCOMES)),
    _text("ousted", required=False),
    _text("installed", required=False),
    _text("summary"),
    Column("sources", _sources),
    Column("summary_fr", None, required=False, optional_column=True),
    Column("ousted_fr", None, required=False, optional_column=True),
    Column("installed_fr", None, required=False, optional_column=True),
)
STATUS_COLUMNS = (
    Column("iso3", _pattern(ISO3, "an ISO 3166-1 alpha-3 code")),
    Column("dimension", _choice(tuple(DIMENSIONS))),
    _text("value"),
    Column("start", _date),
    Column("end", _date, required=False),
    Column("sources", _sources),
    _text("note", required=False),
    Column("note_fr", None, required=False, optional_column=True),
)
EVENT_COLUMNS = (
    Column("id", _pattern(EVENT_ID, "a lower-case slug")),
    Column("date", _date),
    Column("lat", _number(-90, 90)),
    Column("lon", _number(-180, 180)),
    Column("iso3", _pattern(ISO3, "an ISO 3166-1 alpha-3 code")),
    _text("place"),
    Column("category", _choice(tuple(EVENT_CATEGORIES))),
    _text("title"),
    _text("summary"),
    Column("sources", _sources),
    Column("title_fr", None, required=False, optional_column=True),
    Column("summary_fr", None, required=False, optional_column=True),
    Column("place_fr", None, required=False, optional_column=True),
    # the reported death toll of an attack (the first source's figure; the summary gives others)
    Column("deaths", _pattern(re.compile(r"^\d{1,6}$"), "a whole number of deaths"),
           required=False, optional_column=True),
)
UN_VOTE_COLUMNS = (
    Column("resolution", _pattern(re.compile(r"^ES-\d+/\d+$"), "a resolution number like ES-11/1")),
    Column("date", _date),
    _text("title"),
    Column("iso3", _pattern(ISO3, "an ISO 3166-1 alpha-3 code")),
    Column("vote", _choice(tuple(UN_VOTES))),
    Column("sources", _sources),
    _text("note", required=False),
    Column("title_fr", None, required=False, optional_column=True),
    Column("note_fr", None, required=False, optional_column=True),
)
PLACE_COLUMNS = (
    Column("iso3", _pattern(ISO3, "an ISO 3166-1 alpha-3 code")),
    _text("name"),
    Column("name_fr", None, required=False, optional_column=True),
    Column("kind", _choice(("capital", "city"))),
    Column("lat", _number(-90, 90)),
    Column("lon", _number(-180, 180)),
    Column("population", _pattern(re.compile(r"^\d{1,9}$"), "a whole number")),
    Column("sources", _sources),
)
OUTLET_COLUMNS = (
    Column("domain", _pattern(re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"),
                              "a host name in lower case")),
    _text("name"),
    Column("kind", _choice(tuple(OUTLET_KINDS))),
    Column("country", _pattern(re.compile(r"^([A-Z]{3})$"), "an ISO3 code or INT"),
           required=False),
)


def _absent(path: Path) -> DataError:
    """Why a data file cannot be opened: missing, or a directory where the file should be."""
    return DataError(path, "is a directory, not a file" if path.is_dir() else "file not found")


def _records(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """A CSV file's header, rows and the line each row starts on (blank lines skipped), read
    strictly: a bad byte or a broken quote names its line (and the byte's offset)."""
    if not path.is_file():
        raise _absent(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(path, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", line) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if header is None:
                    header = record
                else:
                    rows.append(record)
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(path, f"not a readable CSV table: {exc}", start) from exc
    if header is None:
        raise DataError(path, "not a readable CSV table: the file is empty")
    return header, rows, lines


def line_of(frame: pd.DataFrame, position: int) -> int:
    """The file line of a table's row at `position` (read_table keeps them in attrs)."""
    lines = frame.attrs.get("lines")
    return int(lines[position]) if lines is not None else position + 2


def read_table(path: Path, columns: Sequence[Column]) -> pd.DataFrame:
    """Read a CSV as text and check every cell; raise DataError at the first bad one, naming
    its line in the file (a quoted cell may span lines; blank lines are skipped)."""
    header, rows, lines = _records(path)
    names = [c.name for c in columns]
    missing = [n for n in names if n not in header and not any(
        c.name == n and c.optional_column for c in columns)]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}; expected {', '.join(names)}")
    width = len(header)
    for row, line in zip(rows, lines, strict=True):
        if len(row) > width:
            raise DataError(path, f"{len(row)} fields where the header has {width}", line)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str,
                         columns=pd.Index(header)) if rows else pd.DataFrame(
        {name: pd.Series(dtype=str) for name in header})
    for col in columns:
        if col.optional_column and col.name not in frame.columns:
            frame[col.name] = ""
    frame = frame[names].map(str.strip)
    frame.attrs["lines"] = lines
    for line, record in zip(lines, frame.to_dict("records"), strict=True):
        for col in columns:
            value = record[col.name]
            if value == "":
                if col.required:
                    raise DataError(path, "empty, but a value is required", line, col.name)
                continue
            complaint = col.check(value) if col.check else None
            if complaint:
                raise DataError(path, complaint, line, col.name)
    return frame


def _unique(frame: pd.DataFrame, path: Path, column: str) -> None:
    dup = frame[column].duplicated().to_numpy()
    if dup.any():
        pos = int(dup.argmax())
        raise DataError(path, f"duplicate {column} {frame[column].iloc[pos]!r}",
                        line_of(frame, pos), column)


def load_coups(path: Path) -> pd.DataFrame:
    """Coups and attempts, one row each, `date` as Timestamp."""
    frame = read_table(path, COUP_COLUMNS)
    _unique(frame, path, "id")
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def load_events(path: Path) -> pd.DataFrame:
    """Dated events with a point each, `date` as Timestamp and `lat`/`lon` as floats, oldest
    first (file order within a day), so that filtering them keeps them in order."""
    frame = read_table(path, EVENT_COLUMNS)
    _unique(frame, path, "id")
    frame["date"] = pd.to_datetime(frame["date"])
    frame[["lat", "lon"]] = frame[["lat", "lon"]].astype(float)
    frame["deaths"] = pd.to_numeric(frame["deaths"].replace("", None)).astype("Int64")
    order = frame["date"].argsort(kind="stable").to_numpy()
    lines = frame.attrs.get("lines")
    frame = frame.take(order).reset_index(drop=True)
    if lines is not None:
        frame.attrs["lines"] = [lines[i] for i in order]
    return frame


def load_status(path: Path) -> pd.DataFrame:
    """Status intervals [start, end) per country and dimension; checks values and overlaps.
    `since` is the start of the unbroken run of the same value the row belongs to, `run_since`
    that of the unbroken run of any value (sanctions of one kind, then another)."""
    frame = read_table(path, STATUS_COLUMNS)
    for position, row in enumerate(frame.to_dict("records")):
        line = line_of(frame, position)
        allowed = DIMENSIONS[row["dimension"]]
        if row["value"] not in allowed:
            raise DataError(path, f"{row['dimension']} takes one of {', '.join(allowed)}; "
                            f"got {row['value']!r}", line, "value")
        if row["end"] and row["end"] <= row["start"]:
            raise DataError(path, f"end {row['end']} is not after start {row['start']}", line, "end")
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"].replace("", None))
    _check_overlaps(frame, path)
    frame["since"] = continuous_since(frame)
    frame["run_since"] = continuous_since(frame, same_value=False)
    return frame


def _check_overlaps(frame: pd.DataFrame, path: Path) -> None:
    ordered = frame.assign(line=[line_of(frame, k) for k in range(len(frame))]).sort_values(
        ["iso3", "dimension", "start"])
    previous: dict[Hashable, Any] | None = None
    for row in ordered.to_dict("records"):
        same = previous is not None and (previous["iso3"], previous["dimension"]) == (
            row["iso3"], row["dimension"])
        if same and previous is not None and (pd.isna(previous["end"]) or row["start"] < previous["end"]):
            raise DataError(path, f"{row['iso3']} {row['dimension']} interval starting "
                            f"{row['start']:%Y-%m-%d} overlaps the one before it",
                            int(row["line"]), "start")
        previous = row


def load_places(path: Path) -> pd.DataFrame:
    """Capitals and major cities (GeoNames, built by scripts/build_places.py), capitals first."""
    frame = read_table(path, PLACE_COLUMNS)
    return frame.sort_values("kind", kind="stable").reset_index(drop=True)


def load_outlets(path: Path) -> dict[str, Outlet]:
    """The register of outlets (data/outlets.csv), by domain; every domain in the normalised
    form geo.outlets.domain_of gives, once."""
    frame = read_table(path, OUTLET_COLUMNS)
    _unique(frame, path, "domain")
    for line, domain in enumerate(frame["domain"], start=2):
        if domain_of(f"https://{domain}/") != domain:
            raise DataError(path, f"{domain!r} is not in normalised form (expected "
                            f"{domain_of(f'https://{domain}/')!r})", line, "domain")
    return {r["domain"]: Outlet(r["domain"], r["name"], r["kind"], r["country"])
            for r in frame.to_dict("records")}


def places_in(places: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The places with `name` in `lang`: in French, `name_fr` where it is filled in ('Alger')."""
    if lang != "fr" or "name_fr" not in places.columns:
        return places
    french = places["name_fr"].fillna("").astype(str)
    return places.assign(name=french.where(french != "", places["name"]))


def load_un_votes(path: Path) -> pd.DataFrame:
    """UN General Assembly votes, one row per (resolution, country)."""
    frame = read_table(path, UN_VOTE_COLUMNS)
    dup = frame.duplicated(["resolution", "iso3"]).to_numpy()
    if dup.any():
        pos = int(dup.argmax())
        raise DataError(path, f"a second vote for {frame['iso3'].iloc[pos]} on "
                        f"{frame['resolution'].iloc[pos]}", line_of(frame, pos), "iso3")
    for resolution, dates in frame.groupby("resolution")["date"]:
        if dates.nunique() != 1:
            raise DataError(path, f"{resolution} has more than one date: {sorted(set(dates))}")
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


BORDER_COLUMNS = ("iso3", "name", "name_fr", "region")
Borders = TypeVar("Borders", bound=pd.DataFrame)


def load_borders(path: Path) -> gpd.GeoDataFrame:
    """Country polygons with iso3, name, name_fr and region, in EPSG:4326."""
    import geopandas as gpd

    if not path.is_file():
        raise _absent(path)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        detail = str(exc).replace(str(path), path.name)
        raise DataError(path, f"not a readable GeoJSON file: {detail}") from exc
    return _checked_borders(frame, path).set_crs(4326, allow_override=True)


def load_border_shapes(path: Path) -> pd.DataFrame:
    """The countries of load_borders, checked the same way, as a plain frame of shapely
    polygons (no geopandas, GDAL or pyproj to load): for the command line's import, which
    needs only the names and the shapes."""
    from shapely.errors import GEOSException
    from shapely.geometry import shape

    if not path.is_file():
        raise _absent(path)
    try:
        features = json.loads(path.read_bytes())["features"]
        frame = pd.DataFrame([{**(f.get("properties") or {}), "geometry": shape(f["geometry"])
                               if f.get("geometry") else None} for f in features])
    except (ValueError, TypeError, KeyError, AttributeError, GEOSException) as exc:
        detail = str(exc).replace(str(path), path.name)
        raise DataError(path, f"not a readable GeoJSON file: {detail}") from exc
    return _checked_borders(frame, path)


def _checked_borders(frame: Borders, path: Path) -> Borders:
    if frame.empty:
        raise DataError(path, "holds no country")
    for column in BORDER_COLUMNS:
        if column not in frame.columns:
            raise DataError(path, f"features lack the property '{column}'")
    for number, (iso3, region, geometry) in enumerate(
            zip(frame["iso3"], frame["region"], frame["geometry"], strict=True), start=1):
        feature = f"feature {number}"
        if not ISO3.match(str(iso3)):
            raise DataError(path, f"{feature}: iso3 {iso3!r} is not an ISO3 code")
        if region not in REGIONS:
            raise DataError(path, f"{feature}: region {region!r} not in {REGIONS}")
        if geometry is None or geometry.is_empty or not geometry.is_valid:
            raise DataError(path, f"{feature} ({iso3}): missing or invalid geometry")
    duplicated = frame.loc[frame["iso3"].duplicated(), "iso3"]
    if len(duplicated):
        raise DataError(path, f"duplicate iso3 {duplicated.iloc[0]}")
    return frame


CURATION_LINE = re.compile(r"^Curation date:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def curation_date(sources_md: Path) -> pd.Timestamp:
    """The date the facts were last checked, read from the `Curation date:` line of SOURCES.md."""
    if not sources_md.is_file():
        raise _absent(sources_md)
    match = CURATION_LINE.search(sources_md.read_text(encoding="utf-8"))
    if not match or _date(match.group(1)):
        raise DataError(sources_md, "no line 'Curation date: YYYY-MM-DD'")
    return pd.Timestamp(match.group(1))


CHECKED_LINE = re.compile(r"^Facts checked up to:\s*(\S+)\s*$", re.MULTILINE)


def checked_until(sources_md: Path) -> pd.Timestamp | None:
    """The edge of what was checked: the `Facts checked up to:` line of SOURCES.md, the latest
    day the reference material the curators could read covers (None when the file has no such
    line). Statuses still open on that day are carried past it unchecked."""
    if not sources_md.is_file():
        return None
    match = CHECKED_LINE.search(sources_md.read_text(encoding="utf-8"))
    if not match:
        return None
    if _date(match.group(1)):
        raise DataError(sources_md, f"'Facts checked up to:' expects a date as YYYY-MM-DD, got "
                        f"{match.group(1)!r}")
    return pd.Timestamp(match.group(1))


def check_countries(frame: pd.DataFrame, path: Path, known: set[str]) -> None:
    """Raise DataError at the first row whose iso3 is not one of the map's countries."""
    unknown = (~frame["iso3"].isin(known)).to_numpy()
    if unknown.any():
        pos = int(unknown.argmax())
        raise DataError(path, f"{frame['iso3'].iloc[pos]} is not a country of data/borders.geojson",
                        line_of(frame, pos), "iso3")


@dataclass(frozen=True)
class Facts:
    """Everything in data/, plus the problems met while loading it.

    A file that fails validation is replaced by an empty table and its error is kept in `errors`,
    so the dashboard can say what is wrong and still show the rest.
    """

    borders: gpd.GeoDataFrame
    coups: pd.DataFrame
    status: pd.DataFrame
    events: pd.DataFrame
    un_votes: pd.DataFrame
    curated: pd.Timestamp | None
    errors: tuple[str, ...]
    places: pd.DataFrame  # capitals and major cities, for orientation (data/places.csv)
    # who each cited site is (data/outlets.csv); empty when the folder has no register
    outlets: Register = field(default_factory=dict)
    # the edge of what was checked (SOURCES.md's 'Facts checked up to:'); None: not said
    checked: pd.Timestamp | None = None


def _empty(columns: Sequence[Column], dates: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=str) for c in columns})
    for name in dates:
        frame[name] = pd.to_datetime(frame[name])
    return frame


def load_facts(data_dir: Path, events_path: Path | None = None) -> Facts:
    """Load and validate every data file; keep going past a bad one and record why."""
    errors: list[str] = []

    def attempt(loader: Callable[[Path], pd.DataFrame], path: Path,
                empty: pd.DataFrame) -> pd.DataFrame:
        try:
            return loader(path)
        except DataError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(str(DataError(path, f"cannot be read ({exc.strerror or exc})")))
        return empty

    import geopandas as gpd

    borders_path = data_dir / "borders.geojson"
    borders = attempt(load_borders, borders_path,
                      gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in BORDER_COLUMNS},
                                       geometry=gpd.GeoSeries([], crs=4326), crs=4326))
    coups = attempt(load_coups, data_dir / "coups.csv", _empty(COUP_COLUMNS, ["date"]))
    status = attempt(load_status, data_dir / "status.csv",
                     _empty([*STATUS_COLUMNS, Column("since"), Column("run_since")],
                            ["start", "end", "since", "run_since"]))
    events_file = events_path or data_dir / "events.csv"
    events = attempt(load_events, events_file, _empty(EVENT_COLUMNS, ["date"]))
    events[["lat", "lon"]] = events[["lat", "lon"]].astype(float)
    un_votes = attempt(load_un_votes, data_dir / "un_votes.csv", _empty(UN_VOTE_COLUMNS, ["date"]))
    places = attempt(load_places, data_dir / "places.csv", _empty(PLACE_COLUMNS, []))
    places[["lat", "lon"]] = places[["lat", "lon"]].astype(float)
    places["population"] = places["population"].astype(int)
    outlets: Register = {}
    if (data_dir / "outlets.csv").exists():
        try:
            outlets = load_outlets(data_dir / "outlets.csv")
        except DataError as exc:
            errors.append(str(exc))
    try:
        curated: pd.Timestamp | None = curation_date(data_dir / "SOURCES.md")
    except DataError as exc:
        errors.append(str(exc))
        curated = None
    try:
        checked = checked_until(data_dir / "SOURCES.md")
    except DataError as exc:
        errors.append(str(exc))
        checked = None
    if checked is not None and curated is not None and checked > curated:
        errors.append(str(DataError(data_dir / "SOURCES.md", f"facts checked up to {checked:%Y-%m-%d}, "
                                    f"after the curation date {curated:%Y-%m-%d}")))
        checked = None
    if len(borders):
        known = set(borders["iso3"])
        for frame, path in ((coups, data_dir / "coups.csv"), (status, data_dir / "status.csv"),
                            (events, events_file), (un_votes, data_dir / "un_votes.csv"),
                            (places, data_dir / "places.csv")):
            try:
                check_countries(frame, path, known)
            except DataError as exc:
                errors.append(str(exc))
    return Facts(borders, coups, status, events, un_votes, curated, tuple(errors), places, outlets,
                 checked)


def name_column(lang: str) -> str:
    """The borders column holding country names in `lang`."""
    return "name_fr" if lang == "fr" else "name"


def country_names(facts: Facts, lang: str = "en") -> dict[str, str]:
    """ISO3 -> the country's name in English or French (from borders.geojson), in the order of
    the names in that language (accents and case ignored), as lists of countries show them."""
    names = zip(facts.borders["iso3"], facts.borders[name_column(lang)], strict=True)
    return dict(sorted(names, key=lambda pair: name_key(pair[1])))


class Localised(NamedTuple):
    title: str
    summary: str
    place: str
    fallback: str  # '(in English)' when the title and summary are shown in English, else ''


def localised(row: Mapping[Hashable, object], lang: str, tr: Translate = english) -> Localised:
    """An event's title, summary and place in `lang`, and a note when they fall back to English.

    The user's own events are shown as written, with no note.
    """
    place = str(row["place"])
    if lang == "fr" and row.get("category") != UPLOAD_CATEGORY:
        place = str(row.get("place_fr") or "") or place
        title_fr, summary_fr = str(row.get("title_fr") or ""), str(row.get("summary_fr") or "")
        if title_fr and summary_fr:
            return Localised(title_fr, summary_fr, place, "")
        return Localised(str(row["title"]), str(row["summary"]), place, tr("(in English)"))
    return Localised(str(row["title"]), str(row["summary"]), place, "")


def in_language(frame: pd.DataFrame, column: str, lang: str,
                tr: Translate = english) -> pd.Series:
    """A text column in `lang`: in French, the `<column>_fr` twin where it is filled in, else the
    English text marked '(in English)'. Empty stays empty."""
    text = frame[column].fillna("").astype(str)
    if lang != "fr":
        return text
    twin = f"{column}_fr"
    french = (frame[twin].fillna("").astype(str) if twin in frame.columns
              else pd.Series("", index=frame.index, dtype=str))
    marked = text.where(text == "", text + " " + tr("(in English)"))
    return french.where(french != "", marked)
