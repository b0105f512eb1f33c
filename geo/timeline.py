"""Pure date logic: what held on a date, what happened in a window, coups up to a date.

A status row holds on date d when start <= d and (end is empty or d < end): `end` is the first
day on which the status no longer holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from geo.vocabulary import COVERAGE_START, FORCE_DIMENSIONS

DEFAULT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of days [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def ending(cls, day: date, days: int = DEFAULT_WINDOW_DAYS) -> DateWindow:
        """The `days` days up to and including `day`, from 2020-01-01 at the earliest (the
        window's calendar starts there: a date in early 2020 stopped the page)."""
        return cls(max(day - timedelta(days=days - 1), COVERAGE_START), day)


def within(period: DateWindow, window: DateWindow) -> DateWindow | None:
    """The part of `period` inside `window`, or None when they share no day."""
    start, end = max(period.start, window.start), min(period.end, window.end)
    return DateWindow(start, end) if start <= end else None


def status_on(status: pd.DataFrame, day: date) -> pd.DataFrame:
    """The status rows that hold on `day` (at most one per country and dimension)."""
    d = pd.Timestamp(day)
    holds = (status["start"] <= d) & (status["end"].isna() | (d < status["end"]))
    return status[holds]


def continuous_since(status: pd.DataFrame, same_value: bool = True) -> pd.Series:
    """For each status row, the first day of the unbroken run it belongs to: a row that starts
    the day the one before it (same country and dimension, and same value if `same_value`)
    ends continues it. With same_value=False, Guinea reads 'under ECOWAS sanctions since
    2021-09-16' across targeted, economic and again targeted sanctions."""
    ordered = status.sort_values(["iso3", "dimension", "start"])
    previous = ordered.groupby(["iso3", "dimension"])[["end", "value"]].shift()
    joined = previous["end"] == ordered["start"]
    new_run = ~(joined & (previous["value"] == ordered["value"])) if same_value else ~joined
    run = new_run.cumsum()
    return ordered["start"].groupby(run).transform("first").reindex(status.index)


def _in_window(events: pd.DataFrame, window: DateWindow) -> pd.Series:
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    return (events["date"] >= start) & (events["date"] <= end)


def _oldest_first(events: pd.DataFrame) -> pd.DataFrame:
    # Loaded events are already in date order; sorting 100,000 rows again costs ~70 ms a rerun.
    if events["date"].is_monotonic_increasing:
        return events
    return events.sort_values("date", kind="stable")


def events_between(events: pd.DataFrame, window: DateWindow) -> pd.DataFrame:
    """Events dated within the window, both ends included, oldest first."""
    return _oldest_first(events[_in_window(events, window)])


def events_in_view(events: pd.DataFrame, window: DateWindow, categories: tuple[str, ...],
                   countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """Events in the window, of the given categories, in the given countries (all when empty),
    oldest first. One combined filter: each partial selection would copy every column."""
    keep = _in_window(events, window) & events["category"].isin(categories)
    if countries:
        keep &= events["iso3"].isin(countries)
    return _oldest_first(events[keep])


def coups_until(coups: pd.DataFrame, day: date) -> pd.DataFrame:
    """Coups and attempts on or before `day`, oldest first."""
    return coups[coups["date"] <= pd.Timestamp(day)].sort_values("date")


def coup_counts(coups: pd.DataFrame, day: date) -> pd.DataFrame:
    """Per country: successful and failed coups up to `day` (only countries with any)."""
    counts = coups_until(coups, day).groupby(["iso3", "outcome"]).size().unstack(fill_value=0)
    return counts.reindex(columns=["successful", "failed"], fill_value=0)


@dataclass(frozen=True)
class Headline:
    """The figures shown above the map for one date."""

    military: tuple[str, ...]
    ecowas_suspended: tuple[str, ...]
    ecowas_withdrawn: tuple[str, ...]
    ecowas_sanctioned: tuple[str, ...]
    aes: tuple[str, ...]
    russian_forces: tuple[str, ...]
    french_forces: tuple[str, ...]
    us_forces: tuple[str, ...]


def headline_on(status: pd.DataFrame, day: date) -> Headline:
    """Which countries are in each headline group on `day` (sorted ISO3 codes)."""
    now = status_on(status, day)
    held = list(zip(now["iso3"], now["dimension"], now["value"], strict=True))

    def where(dimension: str, *values: str) -> tuple[str, ...]:
        return tuple(sorted(i for i, d, v in held if d == dimension and (not values or v in values)))

    return Headline(
        military=where("regime", "military"),
        ecowas_suspended=where("ecowas", "suspended"),
        ecowas_withdrawn=where("ecowas", "withdrawn"),
        ecowas_sanctioned=where("ecowas_sanctions"),
        aes=where("aes"),
        russian_forces=where("forces_russia"),
        french_forces=where("forces_france"),
        us_forces=where("forces_usa"),
    )


def forces_on(status: pd.DataFrame, day: date) -> pd.DataFrame:
    """Foreign-force presences holding on `day`: iso3, dimension, value, start, sources."""
    now = status_on(status, day)
    return now[now["dimension"].isin(FORCE_DIMENSIONS)]
