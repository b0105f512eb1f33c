"""Playback in the browser: every frame's colours, date and events, computed here once.

The dashboard's map plays a sequence of as-of dates without a rerun per frame: Python sends one
payload (static/js/coupbelt.js `coupbelt.play` draws it), whose colours come from the model's
class intervals (geo.site.class_intervals: geo.metrics.classify on every day a class can change),
so every frame shows what the model gives for its date.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pandas as pd

from geo.engine import Events, Selection
from geo.facts import Facts
from geo.i18n import long_date
from geo.imported import UploadFilter, kind_colours
from geo.metrics import METRICS
from geo.site import Interval, class_on, day_number
from geo.timeline import DateWindow, events_in_view
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

UPLOAD_COLOUR = "#FFFFFF"  # the user's events: white dots with a dark ring, as on the map


def frame_fills(intervals: Mapping[str, Sequence[Interval]], metric: str,
                frames: Sequence[date]) -> tuple[list[str], dict[str, list[int]]]:
    """The colours of every country on every frame: a palette, and per ISO3 one palette index
    a frame (-1: no class, the browser keeps the drawn colour)."""
    colours = {c.key: c.colour for c in METRICS[metric].classes}
    palette = list(dict.fromkeys(colours.values()))
    index = {c: palette.index(c) for c in palette}
    fills = {}
    for iso3, runs in intervals.items():
        found = [class_on(runs, day) for day in frames]
        fills[iso3] = [index[colours[i.cls]] if i is not None else -1 for i in found]
    return palette, fills


def frame_events(facts: Facts, uploaded: Events | None, frames: Sequence[date],
                 window_days: int, categories: tuple[str, ...], countries: tuple[str, ...],
                 keep: UploadFilter | None = None) -> tuple[list[str], list[list[float]]]:
    """The events any frame shows (its window: the `window_days` up to its date): a palette,
    and one [day number, lat, lon, palette index] row each, oldest first (the browser walks
    them by day). The user's events
    (those `keep` keeps) take their types' colours from the whole set, as on the map, and come
    from one query of the engine."""
    palette = [colour for _, colour in EVENT_CATEGORIES.values()]
    span = DateWindow(max(COVERAGE_START, frames[0] - timedelta(days=window_days - 1)), frames[-1])
    curated: list[list[float]] = []
    if categories:
        shown = events_in_view(facts.events, span, categories, countries)
        slots = shown["category"].map({key: k for k, key in enumerate(EVENT_CATEGORIES)})
        days = ((shown["date"] - pd.Timestamp(COVERAGE_START)).dt.days).tolist()
        curated = sorted([d, round(float(y), 3), round(float(x), 3), int(k)]
                         for d, y, x, k in zip(days, shown["lat"], shown["lon"], slots, strict=True))
    mine: list[list[float]] = []
    if uploaded is not None and len(uploaded):  # the user's events in their types' colours
        slot = {}
        for kind, colour in kind_colours(uploaded.kind_counts()).items():
            slot[kind] = len(palette)
            palette.append(colour)
        palette.append(UPLOAD_COLOUR)  # a type the file's colours leave out
        mine = uploaded.frame_rows(Selection(span.start, span.end, countries,
                                             keep or UploadFilter()),
                                   slot, len(palette) - 1, COVERAGE_START)
    return palette, list(heapq.merge(curated, mine, key=lambda row: row[0]))


def player_payload(intervals: Mapping[str, Sequence[Interval]], metric: str,
                   frames: Sequence[date], events: tuple[list[str], list[list[float]]],
                   window_days: int, fps: int, loop: bool, lang: str) -> dict[str, object]:
    """What coupbelt.play needs: frames (ISO dates, day numbers, the date as written large),
    the countries' fills per frame, the events and their window, the speed and looping."""
    palette, fills = frame_fills(intervals, metric, frames)
    event_palette, rows = events
    return {"frames": [f"{d:%Y-%m-%d}" for d in frames],
            "days": [day_number(d) for d in frames],
            "stamps": [long_date(d, lang) for d in frames],
            "palette": palette, "fills": fills,
            "eventPalette": event_palette, "events": rows, "window": window_days,
            "fps": fps, "loop": loop}


def timeline_data(intervals: Mapping[str, Mapping[str, Sequence[Interval]]],
                  steps: Mapping[str, Sequence[date]], titles: Mapping[str, str],
                  last: date) -> dict[str, object]:
    """What a page's map needs to recolour itself the moment the reader moves the date or the
    metric, before the rerun that follows (coupbelt.paint's `follow`, static/js/coupbelt.js).

    - `metrics`: per metric, a palette and per ISO3 the runs of its colour, flat as
      [first day, palette index, first day, palette index, ...] (day numbers since 2020-01-01;
      a run lasts until the next one starts), from the model's class intervals (`intervals`:
      metric -> geo.site.class_intervals);
    - `steps`: the days the change buttons step to, per key of `steps` ("*": any status);
    - `titles`: each metric's title as the page's menu writes it -> the metric;
    - `last`: the day number of the last day (the curation date).
    """
    metrics: dict[str, object] = {}
    for metric, by_country in intervals.items():
        colours = {c.key: c.colour for c in METRICS[metric].classes}
        palette = list(dict.fromkeys(colours.values()))
        runs: dict[str, list[int]] = {}
        for iso3, found in by_country.items():
            flat: list[int] = []
            for interval in found:
                k = palette.index(colours[interval.cls])
                if not flat or flat[-1] != k:  # the same colour runs on
                    flat += [day_number(interval.start), k]
            runs[iso3] = flat
        metrics[metric] = {"palette": palette, "runs": runs}
    return {"metrics": metrics, "last": day_number(last),
            "steps": {key: [day_number(d) for d in days if d <= last] for key, days in steps.items()},
            "titles": {title: metric for metric, title in titles.items()}}


def timeline_colour(data: Mapping[str, object], metric: str, iso3: str, day: date) -> str | None:
    """The colour `timeline_data` gives a country on a day, as the browser looks it up (the last
    run starting on or before the day); None outside the data."""
    found = data["metrics"][metric]  # type: ignore[index]
    runs, n = found["runs"].get(iso3, []), day_number(day)
    starts = runs[0::2]
    k = bisect.bisect_right(starts, n) - 1
    if k < 0 or n > data["last"]:  # type: ignore[operator]
        return None
    return str(found["palette"][runs[2 * k + 1]])
