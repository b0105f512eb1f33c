"""The user's imported events as an analyst reads them: by type, actor, fatalities, precision.

The columns are those geo.ingest gives every loaded event (kind, actor1, actor2, deaths,
place_precise, date_precision, ...). Pure functions: the filters a link carries, the colours of
the file's event types, the size of a marker for its fatalities, and the weekly series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geo.i18n import N_
from geo.vocabulary import TOL_MUTED

# Paul Tol's "muted" scheme without its two lightest colours (sand, cyan): every one keeps a
# contrast of at least 2.5 with the map's pale land, so a hollow ring in it still shows.
KIND_COLOURS = ("#CC6677", "#332288", "#117733", TOL_MUTED["wine"], TOL_MUTED["teal"],
                TOL_MUTED["olive"], "#AA4499")
OTHER_KIND_COLOUR = "#777777"  # every type beyond the seven most frequent
NO_KIND = N_("No type given")
IMPRECISE_DATES = ("week", "month", "year")
MIN_RADIUS, RADIUS_PER_ROOT, MAX_RADIUS = 3.5, 2.5, 22.0  # marker area ~ fatalities
DEATH_REFERENCES = (1, 10, 50)  # the legend's reference circles


@dataclass(frozen=True)
class UploadFilter:
    """What a reader keeps of their events: types and actors (empty: all), at least
    `min_deaths` fatalities (events with none recorded count as 0), and, with `precise_only`,
    only events placed and dated precisely."""

    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    min_deaths: int = 0
    precise_only: bool = False


def imprecise(events: pd.DataFrame) -> pd.Series:
    """Events placed only to a region or country, or dated only to a week, month or year."""
    place = ~events["place_precise"].astype(bool) if "place_precise" in events else False
    dates = events["date_precision"].isin(IMPRECISE_DATES) if "date_precision" in events \
        else False
    return pd.Series(place | dates, index=events.index, dtype=bool)


def filtered(events: pd.DataFrame, keep: UploadFilter) -> pd.DataFrame:
    """The events that pass the reader's filter, in the same order."""
    mask = pd.Series(True, index=events.index)
    if keep.kinds and "kind" in events:
        mask &= events["kind"].isin(keep.kinds)
    if keep.actors and "actor1" in events:
        mask &= events["actor1"].isin(keep.actors) | events["actor2"].isin(keep.actors)
    if keep.min_deaths > 0 and "deaths" in events:
        mask &= events["deaths"].fillna(0).astype("int64") >= keep.min_deaths
    if keep.precise_only:
        mask &= ~imprecise(events)
    return events[mask]


def kind_counts(events: pd.DataFrame) -> pd.Series:
    """Events per type, most frequent first (ties by name); the empty type last."""
    kinds = events["kind"].fillna("") if "kind" in events else pd.Series("", index=events.index)
    counts = kinds.value_counts()
    order = sorted(counts.index, key=lambda k: (k == "", -counts[k], k))
    return counts.reindex(order)


def kind_colours(events: pd.DataFrame | pd.Series) -> dict[str, str]:
    """A colour for each event type of the file (its events, or its kind_counts): the seven
    most frequent get their own, the rest share grey. Built from the whole file, so a type
    keeps its colour under any filter."""
    kinds = list((events if isinstance(events, pd.Series) else kind_counts(events)).index)
    return {k: KIND_COLOURS[i] if i < len(KIND_COLOURS) and k else OTHER_KIND_COLOUR
            for i, k in enumerate(kinds)}


def actors_of(events: pd.DataFrame) -> list[str]:
    """Every actor named in the file (actor1 or actor2), sorted, for the actor filter."""
    if "actor1" not in events:
        return []
    names = pd.concat([events["actor1"], events["actor2"]]).dropna().unique()
    return sorted(str(n) for n in names if str(n).strip())


def death_radius(deaths: float | None) -> float:
    """A marker's radius in pixels: its area grows with the fatalities (radius with the square
    root), from MIN_RADIUS (none or unknown) up to MAX_RADIUS."""
    if deaths is None or pd.isna(deaths) or deaths <= 0:
        return MIN_RADIUS
    return round(min(MAX_RADIUS, max(MIN_RADIUS, RADIUS_PER_ROOT * math.sqrt(float(deaths)))), 1)


def weekly_deaths(events: pd.DataFrame) -> pd.DataFrame:
    """Events and fatalities per week (weeks start on Monday): the Events page's series."""
    if events.empty:
        return pd.DataFrame({"week": pd.Series(dtype="datetime64[ns]"),
                             "events": pd.Series(dtype="int64"),
                             "deaths": pd.Series(dtype="int64")})
    week = (events["date"] - pd.to_timedelta(events["date"].dt.day_of_week, unit="D")
            ).dt.normalize()
    deaths = events["deaths"].fillna(0).astype("int64") if "deaths" in events else 0
    frame = pd.DataFrame({"week": week, "events": 1, "deaths": deaths})
    return frame.groupby("week", as_index=False).sum()
