"""Imported and pulled events held columnar, sorted by date, and queried by DuckDB.

A session's import or a kept set is one Arrow table (geo.ingest's EVENTS_SCHEMA, then the file's
other columns), sorted by date; every question a date change asks of it (the events in the
window, counts per type, country, month or week, the map's arrays, playback's arrays) is one SQL
query over that table, run by DuckDB without copying it. Only what the answer holds comes back
to Python: a page never turns the whole set into pandas to move a date. The curated events
(about a thousand rows) stay in pandas (geo.timeline), where a query costs more than it saves.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from geo.imported import IMPRECISE_DATES, UploadFilter
from geo.ingest import events_frame, events_table, sorted_events

_DATABASE: Any = None  # one in-memory DuckDB a process; each query gets its own cursor
_DATABASE_LOCK = threading.Lock()
MEMO_KEPT = 64  # answers remembered per set (a rerun asks the same question several times)


def _cursor() -> Any:
    global _DATABASE
    with _DATABASE_LOCK:
        if _DATABASE is None:
            _DATABASE = duckdb.connect()
        return _DATABASE.cursor()


@dataclass(frozen=True)
class Selection:
    """Which events a view shows: dated `start` to `end` (both included), in `countries` (all
    when empty), of the types, actors, fatalities and precision `keep` keeps."""

    start: date
    end: date
    countries: tuple[str, ...] = ()
    keep: UploadFilter = field(default_factory=UploadFilter)


class Events:
    """A set of imported or pulled events, date-sorted, queried by DuckDB (module docstring).

    Read-only and shared by every session showing the set; answers are remembered by the
    question (a small cache, safe across threads)."""

    def __init__(self, events: pa.Table | pd.DataFrame) -> None:
        table = events if isinstance(events, pa.Table) else events_table(events)
        # An import's Parquet and a kept set are written date-sorted: only a set in another
        # order (an upload in the file's order) pays for the sort.
        self.table: pa.Table = table if in_date_order(table) else sorted_events(table)
        self.columns = frozenset(self.table.column_names)
        self.id = digest_of(self.table)
        self._memo: dict[tuple[object, ...], object] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def _remember(self, key: tuple[object, ...], compute: Any) -> Any:
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            if len(self._memo) >= MEMO_KEPT:
                self._memo.pop(next(iter(self._memo)))
            self._memo[key] = value
        return value

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> pa.Table:
        """`sql` over this set, named `events` in it; the answer as Arrow."""
        with _cursor() as con:
            con.register("events", self.table)
            return con.sql(sql, params=dict(params or {})).to_arrow_table()

    # What a selection's WHERE clause says (in SQL, with its parameters)
    def _where(self, chosen: Selection | None) -> tuple[str, dict[str, object]]:
        if chosen is None:
            return "TRUE", {}
        parts = ["date BETWEEN $start AND $end"]
        params: dict[str, object] = {"start": chosen.start, "end": chosen.end}
        if chosen.countries:
            parts.append("list_contains($countries, iso3)")
            params["countries"] = list(chosen.countries)
        keep = chosen.keep
        if keep.kinds:
            parts.append("list_contains($kinds, kind)" if "kind" in self.columns else "FALSE")
            params["kinds"] = list(keep.kinds)
        if keep.actors:
            parts.append("(list_contains($actors, actor1) OR list_contains($actors, actor2))")
            params["actors"] = list(keep.actors)
        if keep.min_deaths > 0:
            parts.append("coalesce(deaths, 0) >= $min_deaths")
            params["min_deaths"] = keep.min_deaths
        if keep.precise_only:
            parts.append(f"NOT ({IMPRECISE_SQL})")
        params = {k: v for k, v in params.items() if "$" + k in " ".join(parts)}
        return " AND ".join(parts), params

    def count(self, chosen: Selection | None = None) -> int:
        """How many events the selection holds (None: all)."""
        if chosen is None:
            return len(self)
        where, params = self._where(chosen)
        return int(self._remember(("count", chosen), lambda: self.query(
            f"SELECT count(*) AS n FROM events WHERE {where}", params)["n"][0].as_py()))

    def part(self, chosen: Selection | None = None, newest: int | None = None) -> pa.Table:
        """The selected events as Arrow, oldest first; with `newest`, only that many, the
        newest (of one day, those first in the file; still oldest first)."""
        where, params = self._where(chosen)
        if newest is None:
            return self.query(f"SELECT * FROM events WHERE {where} ORDER BY date, row", params)
        return self.query(f"SELECT * FROM (SELECT * FROM events WHERE {where} "
                          f"ORDER BY date DESC, row LIMIT {int(newest)}) ORDER BY date, row",
                          params)

    def frame(self, chosen: Selection | None = None, newest: int | None = None) -> pd.DataFrame:
        """The selected events as pandas, as the tables and downloads take them (geo.ingest.
        events_frame): only what is selected is converted."""
        return events_frame(self.part(chosen, newest))

    def days(self) -> tuple[date, date] | None:
        """The first and last day of the set (None when empty)."""
        found = self._remember(("days",), lambda: self.query(
            "SELECT min(date) AS first, max(date) AS last FROM events"))
        first, last = found["first"][0].as_py(), found["last"][0].as_py()
        return None if first is None else (first, last)

    def kind_counts(self, chosen: Selection | None = None) -> pd.Series:
        """Events per type, most frequent first (ties by name), the empty type last: as geo.
        imported.kind_counts, over the selection (None: the whole set)."""
        def compute() -> pd.Series:
            if "kind" not in self.columns:
                return pd.Series({"": self.count(chosen)} if self.count(chosen) else {},
                                 dtype="int64", name="count")
            where, params = self._where(chosen)
            found = self.query(f"SELECT coalesce(kind, '') AS kind, count(*) AS n FROM events "
                               f"WHERE {where} GROUP BY ALL", params)
            pairs = sorted(zip(found["kind"].to_pylist(), found["n"].to_pylist(), strict=True),
                           key=lambda p: (p[0] == "", -p[1], p[0]))
            return pd.Series([n for _, n in pairs], index=pd.Index([k for k, _ in pairs],
                                                                   name="kind"),
                             dtype="int64", name="count")
        return self._remember(("kinds", chosen), compute)  # type: ignore[no-any-return]

    def actors(self) -> list[str]:
        """Every actor named in the set (actor1 or actor2), sorted: as geo.imported.actors_of."""
        def compute() -> list[str]:
            if "actor1" not in self.columns:
                return []
            found = self.query("SELECT DISTINCT a FROM (SELECT actor1 AS a FROM events UNION ALL "
                               "SELECT actor2 FROM events) WHERE a IS NOT NULL")
            return sorted(str(a) for a in found["a"].to_pylist() if str(a).strip())
        return self._remember(("actors",), compute)  # type: ignore[no-any-return]

    def imprecise_count(self, chosen: Selection | None = None) -> int:
        """Events placed only to a region or country, or dated only to a week, month or year."""
        where, params = self._where(chosen)
        return int(self._remember(("imprecise", chosen), lambda: self.query(
            f"SELECT count(*) AS n FROM events WHERE {where} AND ({IMPRECISE_SQL})",
            params)["n"][0].as_py()))

    def counts_by(self, unit: str, chosen: Selection | None = None) -> pd.DataFrame:
        """Events and fatalities per `unit`: 'iso3' (country), 'month' or 'week' (weeks start
        on Monday): the columns `unit`, events, deaths, in order of `unit`. Week and month are
        timestamps of their first day, as the charts take them."""
        keys = {"iso3": "iso3", "month": "date_trunc('month', date)",
                "week": "date_trunc('week', date)"}
        if unit not in keys:
            raise ValueError(f"unit is one of {', '.join(keys)}")
        deaths = "coalesce(sum(deaths), 0)" if "deaths" in self.columns else "0"

        def compute() -> pd.DataFrame:
            where, params = self._where(chosen)
            found = self.query(f"SELECT {keys[unit]} AS {unit}, count(*) AS events, "
                               f"CAST({deaths} AS BIGINT) AS deaths FROM events WHERE {where} "
                               f"GROUP BY ALL ORDER BY 1", params).to_pandas()
            if unit != "iso3":
                found[unit] = pd.to_datetime(found[unit]).astype("datetime64[ns]")
            return pd.DataFrame(found.astype({"events": "int64", "deaths": "int64"}))
        return self._remember(("by", unit, chosen), compute)  # type: ignore[no-any-return]

    def _type_code(self, classes: Sequence[str]) -> str:
        """SQL: the index of an event's type in the list parameter $classes (a type not listed,
        or none: the last index), as the map's uint8 class."""
        kind = "coalesce(kind, '')" if "kind" in self.columns else "''"
        return (f"CAST(coalesce(list_position($classes, {kind}) - 1, {len(classes)}) "
                "AS UTINYINT)")

    def cells(self, chosen: Selection | None, classes: Sequence[str],
              scale: int) -> dict[str, np.ndarray]:
        """The selected events as the map's typed arrays (geo.layers): lat and lon in 1/`scale`
        degree (int16), the index of the event's type in `classes` (a type not listed: the last
        index; uint8), fatalities (uint32, none recorded: 0)."""
        where, params = self._where(chosen)
        deaths = ("least(greatest(coalesce(deaths, 0), 0), 4294967295)"
                  if "deaths" in self.columns else "0")
        found = self.query(
            f"SELECT {_fixed('lat', scale)} AS lat, {_fixed('lon', scale)} AS lon, "
            f"{self._type_code(classes)} AS cat, CAST({deaths} AS UINTEGER) AS deaths "
            f"FROM events WHERE {where} ORDER BY date, row",
            {**params, "classes": list(classes)})
        return {name: found[name].to_numpy() for name in ("lat", "lon", "cat", "deaths")}

    def grid_cells(self, chosen: Selection | None, classes: Sequence[str], scale: int,
                   grid: int) -> dict[str, np.ndarray]:
        """The selected events counted per type in squares of 1/`grid` degree: the arrays of
        `cells` (a square's centre in 1/`scale` degree, its type, its fatalities summed) plus
        `n`, how many events each row stands for (uint32). What the map bins on screen from
        the window's events, done here once the window holds too many to send one by one."""
        where, params = self._where(chosen)
        deaths = "coalesce(deaths, 0)" if "deaths" in self.columns else "0"
        centre = {axis: _fixed(f"(floor({axis} * {int(grid)}) + 0.5) / {int(grid)}", scale)
                  for axis in ("lat", "lon")}
        found = self.query(
            f"SELECT {centre['lat']} AS lat, {centre['lon']} AS lon, cat, "
            f"CAST(least(sum(greatest(d, 0)), 4294967295) AS UINTEGER) AS deaths, "
            f"CAST(count(*) AS UINTEGER) AS n FROM ("
            f"SELECT lat, lon, {deaths} AS d, {self._type_code(classes)} AS cat "
            f"FROM events WHERE {where}) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            {**params, "classes": list(classes)})
        return {name: found[name].to_numpy() for name in ("lat", "lon", "cat", "deaths", "n")}

    def playback(self, chosen: Selection, classes: Sequence[str], scale: int,
                 first_day: date) -> dict[str, np.ndarray]:
        """Playback's arrays of the selection, from one query, oldest first (one day's in the
        file's order): the day (days since `first_day`, int16), lat and lon in 1/`scale` degree
        (int16), and the index of the event's type in `classes` (a type not listed: the last
        index; uint8). The browser picks each frame's events from them by binary search on
        the days (static/js/coupbelt.js), so no frame asks Python for anything."""
        where, params = self._where(chosen)
        found = self.query(
            f"SELECT CAST(date_diff('day', $first, date) AS SMALLINT) AS day, "
            f"{_fixed('lat', scale)} AS lat, {_fixed('lon', scale)} AS lon, "
            f"{self._type_code(classes)} AS cat FROM events WHERE {where} ORDER BY date, row",
            {**params, "first": first_day, "classes": list(classes)})
        return {name: found[name].to_numpy() for name in ("day", "lat", "lon", "cat")}


def _fixed(degrees: str, scale: int) -> str:
    """SQL: a value in degrees as the map's int16 in 1/`scale` degree (half to even)."""
    return f"CAST(round_even(({degrees}) * {int(scale)}, 0) AS SMALLINT)"


def in_date_order(table: pa.Table) -> bool:
    """Whether the events are sorted by date, then by the line they came from (one pass over
    the two columns, no copy of the others)."""
    if table.num_rows < 2:
        return True
    if table["date"].null_count or table["row"].null_count:
        return False
    days = table["date"].cast(pa.int32()).to_numpy()
    rows = table["row"].to_numpy()
    step = np.diff(days)
    return bool((step >= 0).all() and (np.diff(rows)[step == 0] > 0).all())


def digest_of(table: pa.Table) -> str:
    """The set's identity: a digest of its events' dates and places, in date order (of their
    values, so however Arrow cut the columns into chunks and buffers)."""
    digest = hashlib.sha1(str(table.num_rows).encode())
    for name in ("date", "lat", "lon"):
        column = table[name].cast(pa.int32()) if name == "date" else table[name]
        digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
    return digest.hexdigest()[:20]


# An event placed only to a region or country (place_precise not true), or dated only roughly
IMPRECISE_SQL = ("NOT coalesce(place_precise, FALSE) OR coalesce(date_precision IN ("
                 + ", ".join(f"'{p}'" for p in IMPRECISE_DATES) + "), FALSE)")
