"""What is flaring: places whose last 30 days are well above their recent normal. Pure.

For an as-of date D and each country (or each country's admin1 region):

    events, deaths    the events and fatalities of the 30 days D-29 .. D (the window)
    baseline          the average over the 12 windows of 30 days before it (D-389 .. D-30),
                      events and fatalities alike; only windows wholly inside the data count
                      (a window before the data's first day is unknown, not zero), so near the
                      start of the data the baseline is the average of fewer windows
    flaring           events >= RATIO x baseline events and events >= MIN_EVENTS,
                      or deaths >= RATIO x baseline deaths and deaths >= MIN_DEATHS;
                      never with fewer than MIN_WINDOWS windows of history (no baseline)

A zero baseline is a real one (the place was calm): MIN_EVENTS (or MIN_DEATHS) then decides.
The rule follows the spirit of OCHA's HDX Signals (an alert when a place's recent conflict
events or fatalities rise well above its own recent history) and of ACLED's Conflict Index
(levels of violence judged against a place's own past), with round thresholds of our own:
twice the baseline and at least ten events; it is not either source's exact formula.

The computation is one query: DuckDB over the events (a pandas frame, an Arrow table or a
Parquet file, sorted by date or not) when duckdb is installed, else pandas; both give the same
table (tests/test_flares.py), bench/flares.py measures them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

WINDOW_DAYS = 30
BASELINE_WINDOWS = 12
MIN_WINDOWS = 3  # windows of history needed before anything can flare
RATIO = 2.0
MIN_EVENTS = 10
MIN_DEATHS = 10
LEVELS = ("country", "admin1")
COLUMNS = ["iso3", "admin1", "events", "deaths", "baseline_events", "baseline_deaths",
           "windows", "flaring", "why"]

try:
    import duckdb
except ImportError:  # pragma: no cover - duckdb is in requirements.txt
    duckdb = None  # type: ignore[assignment]
_DATABASE: Any = None  # one in-memory DuckDB; each query gets its own cursor (connecting
# costs about 100 ms, a cursor well under 1 ms)


def _cursor() -> Any:
    global _DATABASE
    if _DATABASE is None:
        _DATABASE = duckdb.connect()
    return _DATABASE.cursor()


def history_windows(as_of: date, first_day: date) -> int:
    """How many of the BASELINE_WINDOWS windows before the as-of window lie wholly on or after
    `first_day` (the data's first day)."""
    days = (as_of - first_day).days - (WINDOW_DAYS - 1)  # days of data before the window
    return max(0, min(BASELINE_WINDOWS, days // WINDOW_DAYS))


def _judged(table: pd.DataFrame, windows: int) -> pd.DataFrame:
    """The counts with the rule applied and a reason, ranked (flaring first, then by how far
    above the baseline, then by events)."""
    table = table.copy()
    table["windows"] = windows
    if windows < MIN_WINDOWS:
        table["flaring"] = False
        table["why"] = "no baseline"
    else:
        by_events = (table["events"] >= RATIO * table["baseline_events"]) & (
            table["events"] >= MIN_EVENTS)
        by_deaths = (table["deaths"] >= RATIO * table["baseline_deaths"]) & (
            table["deaths"] >= MIN_DEATHS)
        table["flaring"] = by_events | by_deaths
        table["why"] = (by_events.map({True: "events", False: ""}) + "+"
                        + by_deaths.map({True: "deaths", False: ""})).str.strip("+")
    rise = table["events"] / table["baseline_events"].where(table["baseline_events"] > 0)
    table["_rise"] = rise.fillna(table["events"].astype(float) * 1e6)  # from nothing: first
    table = table.sort_values(["flaring", "_rise", "events", "iso3", "admin1"],
                              ascending=[False, False, False, True, True], kind="stable")
    return table.drop(columns="_rise").reset_index(drop=True)[COLUMNS]


def _bounds(as_of: date, first_day: date) -> tuple[int, date]:
    windows = history_windows(as_of, first_day)
    return windows, as_of - timedelta(days=WINDOW_DAYS * (windows + 1) - 1)


def flares(events: Any, as_of: date, level: str = "admin1", first_day: date | None = None,
           engine: str = "auto") -> pd.DataFrame:
    """The flare table on `as_of` (module docstring): one row per country or admin1 with events
    in the window or its baseline, ranked. `events` has date, iso3, admin1 and deaths columns
    (a pandas frame, a pyarrow Table, or a Parquet file's path); `first_day` is the data's
    first day (default: its earliest date). `engine` is duckdb, pandas or auto."""
    if level not in LEVELS:
        raise ValueError(f"level is one of {', '.join(LEVELS)}")
    use_duckdb = engine == "duckdb" or (engine == "auto" and duckdb is not None)
    if use_duckdb:
        return _flares_duckdb(events, as_of, level, first_day)
    if not isinstance(events, pd.DataFrame):
        events = pd.read_parquet(events) if isinstance(events, (str, Path)) else events.to_pandas()
    return _flares_pandas(events, as_of, level, first_day)


def _flares_pandas(events: pd.DataFrame, as_of: date, level: str,
                   first_day: date | None) -> pd.DataFrame:
    days = pd.to_datetime(events["date"]).dt.normalize()
    if first_day is None:
        first_day = days.min().date() if len(days) else as_of
    windows, low = _bounds(as_of, first_day)
    inside = (days >= pd.Timestamp(low)) & (days <= pd.Timestamp(as_of))
    part = events.loc[inside, ["iso3"]].copy()
    part["admin1"] = (events.loc[inside, "admin1"].fillna("").astype(str)
                      if level == "admin1" else "")
    part["deaths"] = pd.to_numeric(events.loc[inside, "deaths"], errors="coerce").fillna(0)
    now = ((pd.Timestamp(as_of) - days[inside]).dt.days < WINDOW_DAYS).to_numpy()
    part["events"], part["before"] = now.astype(int), (~now).astype(int)
    part["deaths_before"] = part["deaths"].where(~now, 0)
    part["deaths"] = part["deaths"].where(now, 0)
    return _finish(part.groupby(["iso3", "admin1"], as_index=False, sort=False).sum(), windows)


def _finish(table: pd.DataFrame, windows: int) -> pd.DataFrame:
    """Counts per place (events, deaths, before, deaths_before) to the judged flare table."""
    table["baseline_events"] = table.pop("before") / windows if windows else float("nan")
    table["baseline_deaths"] = table.pop("deaths_before") / windows if windows else float("nan")
    table["events"] = table["events"].astype(int)
    table["deaths"] = table["deaths"].round().astype(int)
    return _judged(table, windows)


FLARES_SQL = """
SELECT iso3, {admin1} AS admin1,
       count(*) FILTER (WHERE d < {window}) AS events,
       coalesce(sum(deaths) FILTER (WHERE d < {window}), 0) AS deaths,
       count(*) FILTER (WHERE d >= {window}) AS before,
       coalesce(sum(deaths) FILTER (WHERE d >= {window}), 0) AS deaths_before
FROM (SELECT iso3, admin1, coalesce(TRY_CAST(deaths AS DOUBLE), 0) AS deaths,
             date_diff('day', CAST(date AS DATE), $as_of) AS d
      FROM {source}
      WHERE date >= $low AND date < $after)
GROUP BY ALL
"""


def _flares_duckdb(events: Any, as_of: date, level: str, first_day: date | None) -> pd.DataFrame:
    if duckdb is None:
        raise RuntimeError("duckdb is not installed (pip install duckdb)")
    with _cursor() as con:
        if isinstance(events, (str, Path)):
            source = "read_parquet($path)"
            params: dict[str, Any] = {"path": str(events)}
        else:
            con.register("events", events)
            source, params = "events", {}
        if first_day is None:
            found = con.execute(f"SELECT CAST(min(date) AS DATE) FROM {source}", params).fetchone()
            first_day = found[0] if found and found[0] is not None else as_of
        windows, low = _bounds(as_of, first_day)
        sql = FLARES_SQL.format(admin1="coalesce(CAST(admin1 AS VARCHAR), '')"
                                if level == "admin1" else "''", window=WINDOW_DAYS, source=source)
        table = con.execute(sql, {**params, "as_of": as_of, "low": low,
                                    "after": as_of + timedelta(days=1)}).df()
    return _finish(table, windows)


def flare_events(curated: pd.DataFrame, uploaded: Any, countries: tuple[str, ...] = ()) -> Any:
    """What the flares are computed on: the user's imported or kept events when there are
    (with their admin1 and deaths), else the curated ones (no admin1, no deaths), in
    `countries` (all when empty): date, iso3, admin1, deaths, lat, lon. The user's events are
    the engine's (geo.engine.Events): their Arrow table is selected and filtered as it is, with
    no copy into pandas; a pandas frame is taken as it is too."""
    columns = ["date", "iso3", "admin1", "deaths", "lat", "lon"]
    table = getattr(uploaded, "table", None)
    if table is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        chosen = table.select(columns)
        return chosen.filter(pc.is_in(chosen["iso3"], pa.array(list(countries)))) if countries else chosen
    if uploaded is not None:
        events = uploaded[columns]
    else:
        events = curated[["date", "iso3", "lat", "lon"]].assign(admin1="", deaths=0)
    return events[events["iso3"].isin(countries)] if countries else events


def recent(events: Any, as_of: date) -> pd.DataFrame:
    """The events of the flare window ending on `as_of` (its WINDOW_DAYS days), as pandas: the
    only rows the rings' tooltips and places need."""
    low, high = pd.Timestamp(as_of - timedelta(days=WINDOW_DAYS)), pd.Timestamp(as_of)
    if isinstance(events, pd.DataFrame):
        days = pd.to_datetime(events["date"])
        return events[(days > low) & (days <= high)]
    import pyarrow as pa
    import pyarrow.compute as pc

    days = events["date"]
    bound = [pc.cast(pa.scalar(t.to_pydatetime(), pa.timestamp("us")), days.type) for t in (low, high)]
    part = events.filter(pc.and_(pc.greater(days, bound[0]), pc.less_equal(days, bound[1])))
    frame: pd.DataFrame = part.to_pandas()
    return frame


def has_admin1(events: Any) -> bool:
    """Whether any event names its admin1 (curated events do not); a pandas frame or an Arrow
    table."""
    if isinstance(events, pd.DataFrame):
        return bool((events["admin1"].fillna("").astype(str) != "").any())
    import pyarrow.compute as pc

    named = pc.not_equal(pc.fill_null(pc.cast(events["admin1"], "string"), ""), "")
    return bool(pc.any(named).as_py())
