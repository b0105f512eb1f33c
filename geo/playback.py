"""Playback in the browser: the frames' dates and events, computed here once.

The dashboard's map plays a sequence of as-of dates without a rerun per frame: Python sends one
payload (static/js/coupbelt.js `coupbelt.play` draws it) holding the metric's runs as the time
model's wire carries them (geo.timemodel, coupbelt.timemap/1); the browser looks up each frame's
colours in them, so every frame shows what the model gives for its date. No colour is sent per
frame.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from geo.engine import Events, Selection
from geo.facts import Facts
from geo.i18n import long_date
from geo.imported import UploadFilter, kind_colours
from geo.timeline import DateWindow, events_in_view
from geo.timemodel import check_wire, day_number
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

UPLOAD_COLOUR = "#FFFFFF"  # the user's events: white dots with a dark ring, as on the map


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


def player_payload(wire: Mapping[str, Any], metric: str, frames: Sequence[date],
                   events: tuple[list[str], list[list[float]]], window_days: int, fps: int,
                   loop: bool, lang: str) -> dict[str, object]:
    """What coupbelt.play needs: frames (ISO dates, day numbers, the date as written large),
    the metric's runs from the time model's wire (the browser looks each frame's colours up in
    them), the events and their window, the speed and looping."""
    check_wire(wire)
    found = next(m for m in wire["metrics"] if m["key"] == metric)
    event_palette, rows = events
    return {"frames": [f"{d:%Y-%m-%d}" for d in frames],
            "days": [day_number(d) for d in frames],
            "stamps": [long_date(d, lang) for d in frames],
            "format": wire["format"], "last": wire["last"], "countries": wire["countries"],
            "classes": [c[2] for c in found["classes"]], "runs": found["runs"],
            "eventPalette": event_palette, "events": rows, "window": window_days,
            "fps": fps, "loop": loop}
