"""Change over time: the days on which statuses change, what changed between two dates, the
headline counts through time, and the frames of a playback. Pure, so table-tested."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from geo.vocabulary import COVERAGE_START, FORCE_DIMENSIONS

# The status dimensions behind each map metric (a metric not listed is one dimension).
METRIC_DIMENSIONS: dict[str, tuple[str, ...]] = {"forces": FORCE_DIMENSIONS,
                                                 "coups": ("regime",)}
STEPS = ("week", "month")
CHANGE_COLUMNS = ["iso3", "dimension", "before", "after", "changed_on", "sources"]


def dimensions_of(metric: str) -> tuple[str, ...]:
    """The status dimensions a map metric shows."""
    return METRIC_DIMENSIONS.get(metric, (metric,))


def change_dates(status: pd.DataFrame, dimensions: Iterable[str] | None = None) -> list[date]:
    """Every day on which some country's status changes, oldest first; only the given
    dimensions when named. A row that follows one of the same value without a gap (a new
    decision, a second coup) changes nothing; the first day of coverage is not a change."""
    rows = status if dimensions is None else status[status["dimension"].isin(list(dimensions))]
    rows = rows.sort_values(["iso3", "dimension", "start"])
    group = rows.groupby(["iso3", "dimension"])
    before, after = group[["end", "value"]].shift(), group[["start", "value"]].shift(-1)
    carried_on = (before["end"] == rows["start"]) & (before["value"] == rows["value"])
    carries_on = (after["start"] == rows["end"]) & (after["value"] == rows["value"])
    days = pd.concat([rows.loc[~carried_on, "start"], rows.loc[~carries_on, "end"].dropna()])
    return sorted({d.date() for d in days if d.date() > COVERAGE_START})


def changes_around(status: pd.DataFrame, day: date, dimensions: Iterable[str] | None = None,
                   last: date | None = None) -> tuple[date | None, date | None]:
    """The last change before `day` and the first after it (up to `last`); None where there is
    none. One pass over the change days, for the two buttons of the sidebar."""
    return around(change_dates(status, dimensions), day, last)


def around(days: list[date], day: date, last: date | None = None) -> tuple[date | None, date | None]:
    """The last of the sorted `days` before `day` and the first after it (up to `last`)."""
    before = [d for d in days if d < day]
    after = [d for d in days if d > day and (last is None or d <= last)]
    return (before[-1] if before else None), (after[0] if after else None)


def next_change(status: pd.DataFrame, day: date, dimensions: Iterable[str] | None = None,
                last: date | None = None) -> date | None:
    """The first change after `day` (up to `last`), or None."""
    return changes_around(status, day, dimensions, last)[1]


def previous_change(status: pd.DataFrame, day: date,
                    dimensions: Iterable[str] | None = None) -> date | None:
    """The last change before `day`, or None."""
    return changes_around(status, day, dimensions)[0]


def changes_between(status: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """What changed after `start` up to and including `end`, in every dimension: one row per
    change (country, dimension, value before, value after, the day, the sources of the row that
    begins or ends then), oldest first. `before`/`after` are '' where nothing held. The dates
    may come in either order."""
    first, last = (start, end) if start <= end else (end, start)
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    out = []
    for (iso3, dimension), rows in status.groupby(["iso3", "dimension"], sort=True):
        rows = rows.sort_values("start")
        days = sorted({d for d in pd.concat([rows["start"], rows["end"].dropna()])
                       if lo < d <= hi})
        for day in days:
            before, after = _holding(rows, day - pd.Timedelta(days=1)), _holding(rows, day)
            value_before, value_after = _value(before), _value(after)
            if value_before == value_after:
                continue  # a new row of the same value (a new decision): no change to show
            cause = after if len(after) else before
            out.append({"iso3": iso3, "dimension": dimension, "before": value_before,
                        "after": value_after, "changed_on": day,
                        "sources": " ".join(dict.fromkeys(" ".join(cause["sources"]).split()))})
    frame = pd.DataFrame(out, columns=CHANGE_COLUMNS)
    # typed even when nothing changed, so callers can format the (empty) column of days
    frame["changed_on"] = pd.to_datetime(frame["changed_on"])
    return frame.sort_values(["changed_on", "iso3", "dimension"], ignore_index=True)


def changed_days(status: pd.DataFrame) -> dict[str, list[date]]:
    """iso3 -> the days after 2020-01-01 on which some status dimension of the country changed
    value, by changes_between's rule (a new row of the same value changes nothing), oldest
    first: the country changed between two dates when one of these falls after the earlier
    and on or before the later. One pass in plain Python (the map's compare outline, read in
    the browser from the time model's wire)."""
    out: dict[str, set[date]] = {}
    rows = status.sort_values(["iso3", "dimension", "start"], kind="stable")
    keys = zip(rows["iso3"], rows["dimension"], strict=True)
    spans_of: dict[tuple[str, str], list[tuple[pd.Timestamp, pd.Timestamp | None, str]]] = {}
    for key, s, e, v in zip(keys, rows["start"], rows["end"], rows["value"], strict=True):
        spans_of.setdefault(key, []).append((s, None if pd.isna(e) else e, str(v)))
    for (iso3, _dimension), spans in spans_of.items():

        def value(day: pd.Timestamp, spans: list[tuple[pd.Timestamp, pd.Timestamp | None,
                                                     str]] = spans) -> str:
            return next((v for s, e, v in spans if s <= day and (e is None or day < e)), "")

        for day in {d for s, e, _ in spans for d in (s, e) if d is not None}:
            if day.date() > COVERAGE_START and value(day - pd.Timedelta(days=1)) != value(day):
                out.setdefault(str(iso3), set()).add(day.date())
    return {iso3: sorted(days) for iso3, days in sorted(out.items())}


def _holding(rows: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return rows[(rows["start"] <= day) & (rows["end"].isna() | (day < rows["end"]))]


def _value(rows: pd.DataFrame) -> str:
    return str(rows["value"].iloc[0]) if len(rows) else ""


def frame_dates(start: date, end: date, step: str) -> list[date]:
    """The as-of dates of a playback from `start` to `end`: every 7 days, or the same day of
    each month (the 1st when it starts on the 1st), always ending on `end`."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {STEPS}, got {step!r}")
    days: list[date] = []
    day, k = start, 0
    while day < end:
        days.append(day)
        k += 1
        if step == "week":
            day = start + timedelta(days=7 * k)
        else:
            month = start.month - 1 + k
            year, month = start.year + month // 12, month % 12 + 1
            day = date(year, month, min(start.day, 28))
    days.append(end)
    return days
