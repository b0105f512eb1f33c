"""Playback in the browser: the frames' dates and events, computed here once.

The dashboard's map plays a sequence of as-of dates without a rerun per frame: Python sends one
payload (static/js/coupbelt.js `coupbelt.play` draws it) holding the metric's runs as the time
model's wire carries them (geo.timemodel, coupbelt.timemap/1); the browser looks up each frame's
colours in them, so every frame shows what the model gives for its date. No colour is sent per
frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from geo.facts import Facts
from geo.i18n import long_date
from geo.imported import kind_colours
from geo.timeline import DateWindow, events_in_view
from geo.timemodel import check_wire, day_number
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES, UPLOAD_CATEGORY

UPLOAD_COLOUR = "#FFFFFF"  # the user's events: white dots with a dark ring, as on the map


def frame_events(facts: Facts, uploaded: pd.DataFrame | None, frames: Sequence[date],
                 window_days: int, categories: tuple[str, ...], countries: tuple[str, ...],
                 whole_upload: pd.DataFrame | None = None) -> tuple[list[str], list[list[float]]]:
    """The events any frame shows (its window: the `window_days` up to its date): a palette,
    and one [day number, lat, lon, palette index] row each, oldest first. The user's events
    (`uploaded`, already filtered) take their types' colours from `whole_upload`, the whole
    file, as on the map."""
    palette = [colour for _, colour in EVENT_CATEGORIES.values()]
    span = DateWindow(max(COVERAGE_START, frames[0] - timedelta(days=window_days - 1)), frames[-1])
    parts = []
    if categories:
        curated = events_in_view(facts.events, span, categories, countries)
        parts.append((curated, curated["category"].map(
            {key: k for k, key in enumerate(EVENT_CATEGORIES)})))
    if uploaded is not None and len(uploaded):  # the user's events in their types' colours
        whole = uploaded if whole_upload is None else whole_upload
        colours = kind_colours(whole) if "kind" in whole.columns else {}
        mine = events_in_view(uploaded, span, (UPLOAD_CATEGORY,), countries)
        kinds = mine["kind"] if "kind" in mine.columns else pd.Series("", index=mine.index)
        slot = {}
        for kind, colour in colours.items():
            slot[kind] = len(palette)
            palette.append(colour)
        palette.append(UPLOAD_COLOUR)  # a type the file's colours leave out
        parts.append((mine, kinds.map(slot).fillna(len(palette) - 1)))
    rows: list[list[float]] = []
    for part, slots in parts:
        days = ((part["date"] - pd.Timestamp(COVERAGE_START)).dt.days).tolist()
        rows += [[d, round(float(y), 3), round(float(x), 3), int(k)]
                 for d, y, x, k in zip(days, part["lat"], part["lon"], slots, strict=True)]
    return palette, sorted(rows)


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
