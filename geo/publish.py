"""Images and animations of the maps, rendered on the server: PNG, SVG, PDF, GIF and MP4.

The same classes and colours as the web map (geo.metrics.classify, geo.alignments), drawn with
matplotlib's object API on the Agg canvas: no pyplot, so nothing is shared between two renders.
Each image carries a title with the metric and the date in the page's language, the legend (every
class of the metric, as on the web map, so two images of one metric share one key), the capitals
the web map labels (data/places.csv, from GeoNames) and a credit line.

An animation draws the static parts once (titles, legend, credit, capitals and labels) and per
frame only draws the countries in their colours, their outlines and the date; the classes are
read from the time model's wire (geo.timemodel) and drawn again only on its change days.

Command line (`python -m geo.publish --help`):

    python -m geo.publish image --date 2023-08-10 --metric regime --lang fr -o map.png
    python -m geo.publish animation --start 2020-01-01 --end 2026-12-01 --step month -o map.gif
    python -m geo.publish site -o public/          # the static site (geo/site.py)

Exit status: 0 written, 2 bad arguments or unusable data folder, 3 an internal error.
"""

from __future__ import annotations

import argparse
import bisect
import io
import math
import re
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.alignments import UN_PREFIX, alignment_choices, alignment_classes
from geo.changes import STEPS, frame_dates
from geo.facts import DataError, Facts, load_facts, name_column, places_in
from geo.i18n import LANGS, N_, Translate, long_date, translator
from geo.layers import _spread  # the web map's fan-out of events that share a place
from geo.metrics import METRICS, Metric, checked_credit
from geo.timeline import DateWindow, events_in_view
from geo.timemodel import class_at, classes_on, day_number, metric_entry, wire_for
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES, NO_DATA_COLOUR

PROJECT = "Sahel coup belt"
SHAPES = ("wide", "square")
IMAGE_FORMATS = ("png", "svg", "pdf")
ANIMATION_FORMATS = ("gif", "mp4")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "gif": "image/gif", "mp4": "video/mp4"}
# Figure size in inches per shape; the text is sized in points, so one layout serves every dpi.
FIGSIZE = {"wide": (8.0, 5.0), "square": (6.0, 6.0)}
IMAGE_DPI = {"wide": 200, "square": 180}  # 1600 x 1000 and 1080 x 1080 pixels
FRAME_DPI = {"wide": 120, "square": 120}  # 960 x 600 and 720 x 720 pixels
FRAMES_PER_SECOND = {"month": 4, "week": 8}
HOLD_LAST_SECONDS = 2.0
DEFAULT_EVENT_DAYS = 90
LEGEND_LINE_PT = 9.6  # the height of one legend line of 7.5 pt text
# lat/lon of the web map's frame (geo.layers.REGION_BOUNDS), as (west, south, east, north)
REGION = (-25.5, -4.0, 38.5, 27.5)
SEA = "#e4ecf2"
EDGE = "#555555"
INK = "#1a1a1a"
GREY_INK = "#4d4d4d"
MILITARY_OUTLINE = N_("Under military rule on the as-of date")
CREDIT = N_("{project} · facts curated up to {date} · sources in data/ · capitals: GeoNames "
            "(CC BY 4.0) · borders: Natural Earth")
# Where a capital's label goes, in points from the dot, where the default (right) would collide.
LABEL_PLACES: dict[str, tuple[float, float, str, str]] = {
    "TGO": (0, 4, "center", "bottom"), "GHA": (0, -4, "center", "top"),
    "CIV": (0, -4, "center", "top"), "CPV": (0, -4, "center", "top"),
    "GNQ": (-4, 0, "right", "center"),
    "GMB": (-4, 0, "right", "center"), "GNB": (-4, 0, "right", "center"),
    "GIN": (-4, 0, "right", "center"), "SLE": (-4, 0, "right", "center"),
    "LBR": (-4, 0, "right", "center"), "SEN": (-4, 0, "right", "center"),
    "MRT": (-4, 0, "right", "center"), "GAB": (-4, 0, "right", "center"),
}
_SVG_LOCK = threading.Lock()  # svg.fonttype is read from the global rcParams at save time


class PublishError(ValueError):
    """A request that cannot be rendered (unknown metric or country, date out of range...);
    the message says what was expected."""


@dataclass(frozen=True)
class MapImage:
    """What an image shows: one date, one metric (a key of geo.metrics.METRICS or an alignment
    such as 'un:ES-11/1'), in one language and shape, optionally with the events of a window
    and framed on one country."""

    day: date
    metric: str = "regime"
    lang: str = "en"
    shape: str = "wide"
    fmt: str = "png"
    events: DateWindow | None = None  # draw the events of this window
    categories: tuple[str, ...] = tuple(EVENT_CATEGORIES)
    countries: tuple[str, ...] = ()  # only these countries' events (all when empty)
    iso3: str | None = None  # frame on this country


@dataclass(frozen=True)
class MapAnimation:
    """The change of one metric between two dates, a frame every week or month."""

    start: date
    end: date
    step: str = "month"
    metric: str = "regime"
    lang: str = "en"
    shape: str = "wide"
    fmt: str = "gif"
    iso3: str | None = None

    def days(self) -> list[date]:
        """The date of each frame."""
        return frame_dates(self.start, self.end, self.step)


# --- file names ---------------------------------------------------------------------------

def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in out.split("-") if p)


def image_file_name(view: MapImage) -> str:
    """`sahel-<metric>[-<iso3>]-<date>[-events][-square]-<lang>.<format>`: the wide shape is
    the default and is not named; e.g. sahel-regime-2023-08-10-fr.png,
    sahel-un-es-11-1-mli-2022-03-02-square-en.png."""
    parts = ["sahel", _slug(view.metric)]
    if view.iso3:
        parts.append(view.iso3.lower())
    parts.append(f"{view.day:%Y-%m-%d}")
    if view.events is not None:
        parts.append("events")
    if view.shape != "wide":
        parts.append(view.shape)
    return "-".join([*parts, view.lang]) + f".{view.fmt}"


def animation_file_name(view: MapAnimation) -> str:
    """`sahel-<metric>[-<iso3>]-<start>-to-<end>-<weekly|monthly>[-square]-<lang>.<format>`."""
    parts = ["sahel", _slug(view.metric)]
    if view.iso3:
        parts.append(view.iso3.lower())
    parts += [f"{view.start:%Y-%m-%d}", "to", f"{view.end:%Y-%m-%d}", f"{view.step}ly"]
    if view.shape != "wide":
        parts.append(view.shape)
    return "-".join([*parts, view.lang]) + f".{view.fmt}"


# --- checks -------------------------------------------------------------------------------

def metric_keys(facts: Facts) -> list[str]:
    """Every metric an image can show: the situation map's metrics, then the UN votes."""
    return [*METRICS, *(k for k in alignment_choices(facts.un_votes) if k.startswith(UN_PREFIX))]


def _check(facts: Facts, metric: str, days: Sequence[date], lang: str, shape: str, fmt: str,
           formats: Sequence[str], iso3: str | None) -> None:
    if metric not in metric_keys(facts):
        raise PublishError(f"unknown metric {metric!r}; expected one of "
                           f"{', '.join(metric_keys(facts))}")
    last = facts.curated.date() if facts.curated is not None else None
    for day in days:
        if day < COVERAGE_START or (last is not None and day > last):
            raise PublishError(f"date {day:%Y-%m-%d} is outside {COVERAGE_START:%Y-%m-%d} to "
                               f"{last:%Y-%m-%d} (the curation date)" if last else
                               f"date {day:%Y-%m-%d} is before {COVERAGE_START:%Y-%m-%d}")
    if lang not in LANGS:
        raise PublishError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    if shape not in SHAPES:
        raise PublishError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}")
    if fmt not in formats:
        raise PublishError(f"unknown format {fmt!r}; expected one of {', '.join(formats)}")
    if iso3 is not None and iso3 not in set(facts.borders["iso3"]):
        raise PublishError(f"{iso3!r} is not a country of borders.geojson; expected one of "
                           f"{', '.join(sorted(facts.borders['iso3']))}")
    if not len(facts.borders):
        raise PublishError("no country borders to draw (borders.geojson could not be used)")


# --- capitals -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Capital:
    iso3: str
    name: str
    lon: float
    lat: float


def capitals(facts: Facts, lang: str = "en") -> list[Capital]:
    """The capitals the web map labels (data/places.csv, from GeoNames), one per country
    that has one there, named in `lang` ('Alger' in French)."""
    places = places_in(facts.places, lang)
    rows = places[places["kind"] == "capital"]
    return [Capital(str(i), str(n), float(x), float(y)) for i, n, x, y in
            zip(rows["iso3"], rows["name"], rows["lon"], rows["lat"], strict=True)]


# --- drawing ------------------------------------------------------------------------------

def _rings_path(geometry: BaseGeometry) -> MplPath:
    parts = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    paths = []
    for part in parts:
        if not isinstance(part, Polygon):
            continue
        shaped = orient(part, 1.0)  # outer rings counter-clockwise, holes clockwise
        for ring in (shaped.exterior, *shaped.interiors):
            paths.append(MplPath(np.asarray(ring.coords)[:, :2], closed=True))
    return MplPath.make_compound_path(*paths)


def _plain(text: Text) -> Text:
    """Text from data is shown as written: no mathtext ('$x$' stays '$x$')."""
    text.set_parse_math(False)
    return text


def _halo(alpha: float) -> dict[str, object]:
    """A pale box behind a label, so it reads over any fill. (A stroked outline would turn
    the text into paths in SVG, where an editor could no longer change it.)"""
    return {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none",
            "alpha": alpha}


def _frame_bounds(borders: gpd.GeoDataFrame, iso3: str | None) -> tuple[float, float, float, float]:
    if iso3 is None:
        return REGION
    minx, miny, maxx, maxy = (float(v) for v in
                              borders.loc[borders["iso3"] == iso3].total_bounds)
    pad = max(maxx - minx, maxy - miny) * 0.15 + 0.5
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _fit(bounds: tuple[float, float, float, float], box: tuple[float, float, float, float],
         figsize: tuple[float, float], north_share: float = 0.5) -> tuple[float, float, float, float]:
    """Widen the frame (west, south, east, north) to the map box's proportions, a degree of
    longitude drawn cos(latitude) as long as one of latitude mid-frame, as geopandas draws
    geographic data: the frame is kept whole, and `north_share` of any added height goes to
    the north (the region's frame has open sea to its south and countries to its north)."""
    west, south, east, north = bounds
    stretch = 1 / math.cos(math.radians((south + north) / 2))
    box_ratio = (box[2] * figsize[0]) / (box[3] * figsize[1])  # width / height, in inches
    width, height = east - west, (north - south) * stretch
    if width / height < box_ratio:
        grow = (height * box_ratio - width) / 2
        west, east = west - grow, east + grow
    else:
        grow = width / box_ratio / stretch - (north - south)
        south, north = south - grow * (1 - north_share), north + grow * north_share
    return west, south, east, north


# Drawing order on the map: event dots over the capitals' dots, the capitals' names over both
# (an event in a capital must not hide its name).
EVENT_Z, CAPITAL_LABEL_Z = 7.5, 7.8

# A date as titles write it ('2 December 2026', '1er décembre 2026', '10 sept. 2023').
WRITTEN_DATE = re.compile(r"\b(1er|\d{1,2}) ([^\W\d]+\.?) (\d{4})\b")


def title_lines(text: str, width: int) -> list[str]:
    """`text` in lines of about `width` characters, broken between words and never inside a
    written date: '2 décembre 2026' stays on one line."""
    glued = WRITTEN_DATE.sub(lambda m: "\u00a0".join(m.groups()), text)
    lines = textwrap.wrap(glued, width, break_long_words=False, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines] or [""]


@dataclass
class _Layout:
    title_y: float
    map_box: tuple[float, float, float, float]
    legend_box: tuple[float, float, float, float]
    title_chars: int
    legend_chars: int
    legend_columns: int


LAYOUTS = {
    "wide": _Layout(0.962, (0.012, 0.075, 0.675, 0.77), (0.70, 0.075, 0.29, 0.77), 62, 34, 1),
    "square": _Layout(0.968, (0.012, 0.30, 0.976, 0.59), (0.03, 0.065, 0.94, 0.215), 44, 38, 2),
}


class MapFigure:
    """One map figure, drawn once; `paint` recolours the countries and `stamp` writes a date,
    so an animation reuses it for every frame."""

    def __init__(self, facts: Facts, metric: Metric, title: str, subtitle: str, lang: str,
                 shape: str, dpi: int, iso3: str | None, tr: Translate,
                 events: pd.DataFrame | None = None, event_heading: str = "",
                 outline_note: str = "", legend_title: str = "") -> None:
        self.tr, self.lang, self.shape = tr, lang, shape
        self.figure = Figure(figsize=FIGSIZE[shape], dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        layout = LAYOUTS[shape]
        self.iso3 = [str(i) for i in facts.borders["iso3"]]
        header = self._title(title, subtitle, layout)
        self.ax = self._map_axes(facts, layout, iso3, header)
        self.outline = outline_note
        self._capitals(facts)
        if events is not None and len(events):
            lat, lon = zip(*_spread(zip(events["lat"], events["lon"], strict=True)), strict=True)
            self.ax.scatter(lon, lat, s=20, zorder=EVENT_Z, linewidths=0.5, edgecolors="#222222",
                            c=[EVENT_CATEGORIES[c][1] for c in events["category"]])
        self._legend(metric, legend_title or tr(metric.title), layout, events, event_heading)
        curated = long_date(facts.curated.date(), lang) if facts.curated is not None else "?"
        credit = tr(CREDIT).format(project=PROJECT, date=curated) + checked_credit(
            facts.checked, lang, tr)
        _plain(self.figure.text(0.012, 0.018, textwrap.fill(credit, 150 if shape == "wide" else 110),
                                fontsize=5.6, color=GREY_INK, va="bottom"))
        self.date_text = _plain(self.ax.text(
            0.015, 0.03, "", transform=self.ax.transAxes, fontsize=24, weight="bold", color=INK,
            zorder=8, bbox=_halo(0.85)))

    def _title(self, title: str, subtitle: str, layout: _Layout) -> float:
        """Draw the title (and subtitle); return where the header ends (figure fraction)."""
        size, lines = 14.0, title_lines(title, layout.title_chars)
        if len(lines) > 2:  # a long country name: smaller, never cut
            size, lines = 10.0, title_lines(title, int(layout.title_chars * 1.4))
        _plain(self.figure.text(0.012, layout.title_y, "\n".join(lines), fontsize=size,
                                weight="bold", color=INK, va="top", linespacing=1.1))
        height = FIGSIZE[self.shape][1] * 72  # points
        y = layout.title_y - len(lines) * size * 1.25 / height
        if subtitle:  # in 8.5 pt, about 1.6 times as many characters a line as the title
            below = title_lines(subtitle, int(layout.title_chars * 1.6))
            _plain(self.figure.text(0.012, y - 4 / height, "\n".join(below), fontsize=8.5,
                                    color=GREY_INK, va="top", linespacing=1.1))
            y -= (4 + len(below) * 8.5 * 1.3) / height
        return y

    def _map_axes(self, facts: Facts, layout: _Layout, iso3: str | None, header: float) -> Axes:
        left, bottom, width, height = layout.map_box
        height = min(height, header - 0.012 - bottom)  # below a two-line title
        box = (left, bottom, width, height)
        ax = self.figure.add_axes(box)
        ax.set_facecolor(SEA)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor("#b0b0b0")
            spine.set_linewidth(0.6)
        patches = [PathPatch(_rings_path(g)) for g in facts.borders.geometry]
        self.countries = PatchCollection(patches, facecolors=NO_DATA_COLOUR, edgecolors=EDGE,
                                         linewidths=0.45, zorder=2)
        ax.add_collection(self.countries)
        self.outlines = PatchCollection([PathPatch(_rings_path(g)) for g in facts.borders.geometry],
                                        facecolors="none", edgecolors="none", linewidths=1.5,
                                        linestyles=(0, (4, 2)), zorder=3)
        ax.add_collection(self.outlines)
        west, south, east, north = _fit(_frame_bounds(facts.borders, iso3), box,
                                        FIGSIZE[self.shape], 0.5 if iso3 else 0.8)
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        if iso3 is not None:  # a country page: the framed country's name on it
            shown = facts.borders.loc[facts.borders["iso3"] == iso3].iloc[0]
            point = shown.geometry.representative_point()
            _plain(ax.text(point.x, point.y, str(shown[name_column(self.lang)]), fontsize=9,
                           ha="center", va="center", weight="bold", color=INK, zorder=6,
                           bbox=_halo(0.8)))
        return ax

    def _capitals(self, facts: Facts) -> None:
        shown = capitals(facts, self.lang)
        if not shown:
            return
        self.ax.scatter([c.lon for c in shown], [c.lat for c in shown], s=9, zorder=6,
                        facecolors="white", edgecolors=INK, linewidths=0.8)
        for c in shown:
            dx, dy, ha, va = LABEL_PLACES.get(c.iso3, (4, 0, "left", "center"))
            _plain(self.ax.annotate(c.name, (c.lon, c.lat), xytext=(dx, dy),
                                    textcoords="offset points", ha=ha, va=va, fontsize=5.8,
                                    color=INK, zorder=CAPITAL_LABEL_Z, bbox=_halo(0.7),
                                    annotation_clip=True))

    def _legend(self, metric: Metric, heading: str, layout: _Layout, events: pd.DataFrame | None,
                event_heading: str) -> None:
        ax = self.figure.add_axes(layout.legend_box)
        ax.set_axis_off()
        tr = self.tr
        countries: list[tuple[str, str, str]] = [("box", c.colour, tr(c.label))
                                                 for c in metric.classes]
        if self.outline:
            countries.append(("dashed", "", tr(self.outline)))
        countries.append(("capital", "", tr("Capital")))
        sections = [(heading, countries)]
        if events is not None and len(events):
            sections.append((event_heading, [
                ("dot", EVENT_CATEGORIES[c][1], tr(EVENT_CATEGORIES[c][0]))
                for c in EVENT_CATEGORIES if c in set(events["category"])]))
        height_pt = layout.legend_box[3] * FIGSIZE[self.shape][1] * 72
        columns = self._legend_columns(sections, layout, height_pt / LEGEND_LINE_PT)
        needed = max(sum(len(lines) + gap for _, lines, gap in column) for column in columns)
        scale = min(1.0, height_pt / (needed * LEGEND_LINE_PT))  # shrink rather than overflow
        line = LEGEND_LINE_PT * scale / height_pt  # one line, in axes fraction
        box_w = 9 * scale / (layout.legend_box[2] * FIGSIZE[self.shape][0] * 72)
        for number, column in enumerate(columns):
            x0, y = number / len(columns), 1.0
            for kind, lines, gap in column:
                self._legend_entry(ax, kind, lines, x0, y, line, box_w, scale)
                y -= line * (len(lines) + gap)

    @staticmethod
    def _legend_columns(sections: list[tuple[str, list[tuple[str, str, str]]]],
                        layout: _Layout, room: float) -> list[list[tuple[str, list[str], float]]]:
        """The legend's rows (kind+colour, wrapped lines, space after) in one column, or in two
        where the layout has them and one does not hold `room` lines: a second section (the
        events) then starts the second column, else the countries' classes are split in half."""
        def rows(heading: str, entries: list[tuple[str, str, str]]
                 ) -> list[tuple[str, list[str], float]]:
            out = [("heading", title_lines(heading, layout.legend_chars), 0.5)]
            out += [(f"{kind}|{colour}", title_lines(text, layout.legend_chars), 0.25)
                    for kind, colour, text in entries]
            return out

        single = [row for heading, entries in sections for row in rows(heading, entries)]
        if layout.legend_columns == 1 or sum(len(t) + gap for _, t, gap in single) <= room:
            return [single]
        if len(sections) > 1:
            return [rows(*sections[0]), [r for section in sections[1:] for r in rows(*section)]]
        heading, entries = sections[0]
        half = (len(entries) + 2) // 2
        return [rows(heading, entries[:half]), [r for r in rows("", entries[half:])][1:]]

    @staticmethod
    def _legend_entry(ax: Axes, kind: str, lines: list[str], x0: float, y: float, line: float,
                      box_w: float, scale: float) -> None:
        text = "\n".join(lines)
        if kind == "heading":
            _plain(ax.text(x0, y, text, fontsize=8.2 * scale, weight="bold", color=INK,
                           va="top", transform=ax.transAxes, linespacing=1.15))
            return
        kind, colour = kind.split("|")
        mid, high = y - line * 0.5, line * 0.76
        if kind == "box":
            ax.add_patch(Rectangle((x0, mid - high / 2), box_w, high, transform=ax.transAxes,
                                   facecolor=colour, edgecolor=EDGE, linewidth=0.45))
        elif kind == "dashed":
            ax.add_patch(Rectangle((x0, mid - high / 2), box_w, high, transform=ax.transAxes,
                                   facecolor="none", edgecolor=INK, linewidth=1.2,
                                   linestyle=(0, (3, 1.5))))
        else:
            dot = kind == "dot"
            ax.scatter([x0 + box_w / 2], [mid], s=(14 if dot else 9) * scale,
                       transform=ax.transAxes, linewidths=0.6 if dot else 0.8,
                       facecolors=colour if dot else "white",
                       edgecolors="#222222" if dot else INK)
        _plain(ax.text(x0 + box_w * 1.6, y, text, fontsize=7.5 * scale, color=INK, va="top",
                       transform=ax.transAxes, linespacing=1.15))

    def paint(self, classes: pd.DataFrame, outlined: frozenset[str] = frozenset()) -> None:
        """Fill each country with its class colour; outline the `outlined` ones (dashed)."""
        colours = dict(zip(classes["iso3"], classes["colour"], strict=True))
        self.countries.set_facecolor([colours.get(i, NO_DATA_COLOUR) for i in self.iso3])
        self.outlines.set_edgecolor([INK if i in outlined else "none" for i in self.iso3])

    def stamp(self, text: str) -> None:
        """The date written large on the map (animation frames)."""
        self.date_text.set_text(text)

    def pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """Where a point lands in the saved image: column and row from the top left."""
        self.ax.apply_aspect()
        x, y = self.ax.transData.transform((lon, lat))
        height = self.figure.get_size_inches()[1] * self.figure.dpi
        return round(float(x)), round(float(height - y))

    def prepare_frames(self) -> None:
        """Draw once what no frame changes, for `frame`: everything but the countries, their
        outlines and the date stamp (the background), and, apart, what lies over the countries
        (capitals, labels, events) with its transparency. Text is most of a full draw."""
        dynamic = [self.countries, self.outlines, self.date_text]
        over = sorted((a for a in self.ax.get_children()  # the frame's spines, capitals, labels
                       if (a.get_zorder() >= 5 or a in self.ax.spines.values())
                       and a is not self.date_text and a.get_visible()),
                      key=lambda a: a.get_zorder())  # drawn below in the figure's own order
        for artist in (*dynamic, *over):
            artist.set_visible(False)
        self.canvas.draw()  # type: ignore[no-untyped-call]
        renderer = self.canvas.get_renderer()  # type: ignore[no-untyped-call]
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]
        renderer.clear()  # transparent: Agg keeps straight (not premultiplied) alpha
        for artist in over:
            artist.set_visible(True)
            artist.draw(renderer)
        overlay = np.asarray(self.canvas.buffer_rgba()).copy()  # type: ignore[no-untyped-call]
        flat = overlay.reshape(-1, 4)
        self._where = np.flatnonzero(flat[:, 3])  # the few pixels anything covers
        self._alpha = flat[self._where, 3:].astype(np.float32) / 255
        self._over = flat[self._where, :3].astype(np.float32) * self._alpha
        for artist in dynamic:
            artist.set_visible(True)

    def frame(self) -> np.ndarray:
        """The figure as painted and stamped, as an (height, width, 3) array, drawing only the
        countries, outlines and date over the background prepared by `prepare_frames`."""
        renderer = self.canvas.get_renderer()  # type: ignore[no-untyped-call]
        self.canvas.restore_region(self._background)  # type: ignore[no-untyped-call]
        self.countries.draw(renderer)
        self.outlines.draw(renderer)
        buffer = np.asarray(self.canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        flat = buffer.reshape(-1, 4)  # a view: the capitals and labels go over, in place
        under = flat[self._where, :3].astype(np.float32)
        flat[self._where, :3] = np.rint(self._over + under * (1 - self._alpha)).astype(np.uint8)
        self.date_text.draw(renderer)  # the date over everything, as in a full draw
        return buffer[..., :3].copy()

    def rgb(self) -> np.ndarray:
        """The figure drawn, as an (height, width, 3) array."""
        self.canvas.draw()  # type: ignore[no-untyped-call]
        rgba = np.asarray(self.canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        return rgba[..., :3].copy()

    def save(self, fmt: str) -> bytes:
        """The figure as PNG, SVG (text kept as text) or PDF bytes."""
        out = io.BytesIO()
        if fmt == "svg":
            with _SVG_LOCK, mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": PROJECT}):
                self.figure.savefig(out, format="svg", metadata={"Date": None})
        else:
            meta = {"CreationDate": None} if fmt == "pdf" else {}
            self.figure.savefig(out, format=fmt, dpi=self.figure.dpi, metadata=meta)
        return out.getvalue()


def _metric_and_classes(facts: Facts, key: str, day: date,
                        tr: Translate) -> tuple[Metric, pd.DataFrame, str]:
    """The metric, each country's class on `day` and the metric's title in the language."""
    metric, classes = alignment_classes(key, facts, day, tr)
    title = alignment_choices(facts.un_votes, tr)[key] if key.startswith(UN_PREFIX) else tr(
        metric.title)
    return metric, classes, title


def _headline(facts: Facts, iso3: str | None, lang: str, title: str, tr: Translate) -> str:
    """The image's title, after the framed country's name ('Mali: Regime, ...')."""
    if iso3 is None:
        return title
    names = dict(zip(facts.borders["iso3"], facts.borders[name_column(lang)], strict=True))
    return tr("{country}: {title}").format(country=names.get(iso3, iso3), title=title)


def image_figure(facts: Facts, view: MapImage, dpi: int | None = None) -> MapFigure:
    """The figure of an image, drawn and coloured (tests read its pixel positions)."""
    _check(facts, view.metric, [view.day], view.lang, view.shape, view.fmt, IMAGE_FORMATS,
           view.iso3)
    tr = translator(view.lang)
    metric, _, title = _metric_and_classes(facts, view.metric, view.day, tr)
    events, heading, subtitle = None, "", ""
    if view.events is not None:
        events = events_in_view(facts.events, view.events, view.categories, view.countries)
        heading = tr("Events {start} to {end}").format(start=long_date(view.events.start, view.lang),
                                                       end=long_date(view.events.end, view.lang))
        subtitle = heading
    coups = view.metric == "coups"
    headline = _headline(facts, view.iso3, view.lang, f"{title}, {long_date(view.day, view.lang)}",
                         tr)
    figure = MapFigure(facts, metric, headline, subtitle, view.lang, view.shape,
                       dpi or IMAGE_DPI[view.shape], view.iso3, tr, events, heading,
                       MILITARY_OUTLINE if coups else "", title)
    painted = next(frame_classes(facts, view.metric, [view.day], view.lang))
    assert painted is not None  # the first frame is always painted
    figure.paint(*painted)
    return figure


def render_image(facts: Facts, view: MapImage) -> bytes:
    """The image of one view as PNG, SVG or PDF bytes; raises PublishError on a bad request."""
    return image_figure(facts, view).save(view.fmt)


# --- animations ---------------------------------------------------------------------------

def _check_animation(facts: Facts, view: MapAnimation) -> None:
    _check(facts, view.metric, [view.start, view.end], view.lang, view.shape, view.fmt,
           ANIMATION_FORMATS, view.iso3)
    if view.step not in STEPS:
        raise PublishError(f"unknown step {view.step!r}; expected one of {', '.join(STEPS)}")
    if view.end <= view.start:
        raise PublishError(f"the end {view.end:%Y-%m-%d} is not after the start "
                           f"{view.start:%Y-%m-%d}")


def animation_frames(facts: Facts, view: MapAnimation) -> Iterator[np.ndarray]:
    """Each frame of an animation as an RGB array, drawn on one reused figure; raises
    PublishError on a bad request before the first frame is asked for."""
    _check_animation(facts, view)
    return _frames(facts, view)


def _frames(facts: Facts, view: MapAnimation) -> Iterator[np.ndarray]:
    days = view.days()
    tr = translator(view.lang)
    metric, _, title = _metric_and_classes(facts, view.metric, view.start, tr)
    coups = view.metric == "coups"
    span = f"{long_date(view.start, view.lang)} – {long_date(view.end, view.lang)}"
    figure = MapFigure(facts, metric, _headline(facts, view.iso3, view.lang, title, tr), span,
                       view.lang, view.shape, FRAME_DPI[view.shape], view.iso3, tr,
                       outline_note=MILITARY_OUTLINE if coups else "", legend_title=title)
    figure.prepare_frames()
    for day, painted in zip(days, frame_classes(facts, view.metric, days, view.lang), strict=True):
        if painted is not None:
            figure.paint(*painted)
        figure.stamp(long_date(day, view.lang))
        yield figure.frame()


def frame_classes(facts: Facts, metric: str, days: Sequence[date], lang: str = "en"
                  ) -> Iterator[tuple[pd.DataFrame, frozenset[str]] | None]:
    """For each frame day: the countries' classes and the outlined countries (coups: under
    military rule), or None when no class changed since the frame before, so the frame keeps
    its colours. Read from the time model's wire (geo.timemodel); a UN vote's classes never
    change with the date. Days in order."""
    if metric.startswith(UN_PREFIX):
        tr = translator(lang)
        for k, _day in enumerate(days):
            yield (_metric_and_classes(facts, metric, days[0], tr)[1], frozenset()) if k == 0 \
                else None
        return
    wire = wire_for(facts, lang, events=False)
    found = metric_entry(wire, metric)
    epochs = sorted({*found["changes"], *(metric_entry(wire, "regime")["changes"]
                                          if metric == "coups" else ())})
    labels = {key: label for key, label, _colour in found["classes"]}
    painted: int | None = None
    for day in days:
        epoch = bisect.bisect_right(epochs, day_number(day))
        if epoch == painted:
            yield None
            continue
        now = classes_on(wire, metric, day)
        classes = pd.DataFrame(
            [{"iso3": iso3, "class": cls, "label": labels[cls], "colour": colour, "detail": detail}
             for iso3, (cls, colour, detail) in now.items()],
            columns=["iso3", "class", "label", "colour", "detail"])
        outlined = frozenset(iso3 for iso3 in wire["countries"]
                             if class_at(wire, "regime", iso3, day) == "military") \
            if metric == "coups" else frozenset()
        yield classes, outlined
        painted = epoch


def _frame_seconds(view: MapAnimation) -> float:
    return 1.0 / FRAMES_PER_SECOND[view.step]


def _palette(first: np.ndarray, colours: Sequence[str]) -> np.ndarray:
    """One 256-colour palette for every frame, (256, 3): the metric's colours exactly, the
    rest from the first frame (anti-aliased edges and text)."""
    from PIL import Image

    exact = [[int(c.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)] for c in dict.fromkeys(colours)]
    sample = Image.fromarray(first).quantize(256 - len(exact), method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    rest = np.asarray(sample.getpalette() or [], dtype=np.int32).reshape(-1, 3)
    table = np.zeros((256, 3), dtype=np.int32)
    table[:len(exact)] = exact
    table[len(exact):len(exact) + len(rest[:256 - len(exact)])] = rest[:256 - len(exact)]
    return table


class _Indexer:
    """Maps RGB frames to a fixed palette, each colour to its nearest entry (exactly: Pillow's
    own palette conversion looks colours up at 5 bits a channel, which shifts the class
    colours). Colours met once are remembered in a table of every 24-bit colour."""

    def __init__(self, palette: np.ndarray) -> None:
        self.palette = palette
        self.lut = np.full(1 << 24, -1, dtype=np.int16)

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        packed = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) \
            | rgb[..., 2].astype(np.int32)
        index = self.lut[packed]
        missing = index < 0
        if missing.any():
            new = np.unique(packed[missing])
            seen = np.stack([(new >> 16) & 255, (new >> 8) & 255, new & 255], axis=1)
            for lo in range(0, len(new), 4096):  # bounded memory for the distance table
                part = seen[lo:lo + 4096]
                far = ((part[:, None, :] - self.palette[None, :, :]) ** 2).sum(axis=2)
                self.lut[new[lo:lo + 4096]] = far.argmin(axis=1)
            index = self.lut[packed]
        out: np.ndarray = index.astype(np.uint8)
        return out


def render_animation(facts: Facts, view: MapAnimation) -> bytes:
    """The animation as GIF or MP4 bytes (the last frame held two seconds); raises
    PublishError on a bad request."""
    frames = animation_frames(facts, view)
    tr = translator(view.lang)
    metric, _, _ = _metric_and_classes(facts, view.metric, view.start, tr)
    if view.fmt == "gif":
        return _gif(frames, view, [c.colour for c in metric.classes])
    return _mp4(frames, view)


def _gif(frames: Iterator[np.ndarray], view: MapAnimation, colours: Sequence[str]) -> bytes:
    from PIL import Image

    first = next(frames)
    palette = _palette(first, [*colours, "#ffffff", SEA, INK, EDGE, GREY_INK])
    indexer = _Indexer(palette)
    flat = [int(v) for v in palette.reshape(-1)]
    images = []
    for frame in (first, *frames):
        image = Image.fromarray(indexer(frame), mode="P")
        image.putpalette(flat)
        images.append(image)
    step_ms = round(_frame_seconds(view) * 1000)
    durations = [step_ms] * len(images)
    durations[-1] = round(HOLD_LAST_SECONDS * 1000)
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    return out.getvalue()


def _mp4(frames: Iterator[np.ndarray], view: MapAnimation) -> bytes:
    import imageio.v2 as imageio

    fps = FRAMES_PER_SECOND[view.step]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.mp4"
        writer = imageio.get_writer(path, format="FFMPEG", mode="I", fps=fps, codec="libx264",
                                    pixelformat="yuv420p", macro_block_size=8, quality=7,
                                    ffmpeg_log_level="error")
        last = None
        try:
            for frame in frames:
                writer.append_data(frame)
                last = frame
            for _ in range(round(HOLD_LAST_SECONDS * fps)):
                if last is not None:
                    writer.append_data(last)
        finally:
            writer.close()
        return path.read_bytes()


# --- command line -------------------------------------------------------------------------

EXIT_OK, EXIT_USAGE, EXIT_CRASH = 0, 2, 3
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class UsageError(Exception):
    """Arguments that cannot be used: exit status 2 with a one-line message."""


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: expected YYYY-MM-DD") from None


@dataclass(frozen=True)
class Subcommand:
    """One subcommand of `python -m geo.publish`: its help, its arguments, and what it does
    (returns the line printed on success). A new one is one entry in SUBCOMMANDS."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Facts], str]


def _common(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--metric", default="regime",
                        help="what colours the countries: regime, ecowas, ecowas_sanctions, aes, "
                             "forces, forces_france, forces_russia, forces_usa, au, oif, icc, "
                             "mission_un, mission_eu, coups, or a UN vote such as un:ES-11/1 "
                             "(default: regime)")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language (default: en)")
    parser.add_argument("--shape", choices=SHAPES, default="wide",
                        help="wide: 16:10 for articles; square: 1:1 for social posts "
                             "(default: wide)")
    parser.add_argument("--format", choices=formats, dest="fmt",
                        help=f"file format (default: from the output's extension, else "
                             f"{formats[0]})")
    parser.add_argument("--iso3", type=str.upper, help="frame the map on one country (ISO 3166-1 alpha-3, "
                                       "e.g. MLI)")


def _image_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=_day,
                        help="the as-of date, YYYY-MM-DD (default: the curation date)")
    _common(parser, IMAGE_FORMATS)
    parser.add_argument("--events", nargs="?", type=int, const=DEFAULT_EVENT_DAYS, metavar="DAYS",
                        help=f"draw the events of the DAYS days up to the date "
                             f"(default {DEFAULT_EVENT_DAYS} when given without a number)")


def _animation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=_day, default=COVERAGE_START,
                        help=f"first frame, YYYY-MM-DD (default: {COVERAGE_START:%Y-%m-%d})")
    parser.add_argument("--end", type=_day,
                        help="last frame, YYYY-MM-DD (default: the curation date)")
    parser.add_argument("--step", choices=STEPS, default="month",
                        help="a frame every week or every month (default: month)")
    _common(parser, ANIMATION_FORMATS)


def _format(args: argparse.Namespace, formats: Sequence[str]) -> str:
    if args.fmt:
        return str(args.fmt)
    suffix = args.output.suffix.lower().lstrip(".") if args.output is not None else ""
    if suffix in formats:
        return suffix
    if suffix and not args.output.is_dir():
        raise UsageError(f"cannot tell the format from {args.output.name!r}; give --format "
                         f"({', '.join(formats)})")
    return formats[0]


def _curated(facts: Facts) -> date:
    if facts.curated is None:
        raise UsageError("the data folder has no curation date (SOURCES.md)")
    return facts.curated.date()


def _run_image(args: argparse.Namespace, facts: Facts) -> str:
    day = args.date or _curated(facts)
    window = None
    if args.events is not None:
        if args.events < 1:
            raise UsageError(f"--events takes a number of days of at least 1, got {args.events}")
        window = DateWindow.ending(day, args.events)
    view = MapImage(day, args.metric, args.lang, args.shape, _format(args, IMAGE_FORMATS),
                    events=window, iso3=args.iso3)
    return _write(args.output, image_file_name(view), lambda: render_image(facts, view))


def _run_animation(args: argparse.Namespace, facts: Facts) -> str:
    end = args.end or _curated(facts)
    if end <= args.start:
        raise UsageError(f"--end {end:%Y-%m-%d} is not after --start {args.start:%Y-%m-%d}")
    view = MapAnimation(args.start, end, args.step, args.metric, args.lang, args.shape,
                        _format(args, ANIMATION_FORMATS), args.iso3)
    return _write(args.output, animation_file_name(view), lambda: render_animation(facts, view))


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS, metavar="LANG",
                        dest="langs", help="languages, the first at the top of the site, the "
                                           "others in <lang>/ (default: en fr)")
    from geo.site import add_events_arguments

    add_events_arguments(parser)


def _run_site(args: argparse.Namespace, facts: Facts) -> str:
    from geo.site import own_events, write_site  # the site's own module; only this needs it

    if args.output is None:
        raise UsageError("site needs -o FOLDER, the folder to write")
    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"-o {args.output}: a file, not a folder")
    try:
        uploaded, prov = own_events(args.events, facts, "site")
    except (DataError, ValueError, OSError) as exc:  # ValueError: geo.ingest's IngestError
        raise UsageError(f"--events: {exc}") from exc
    try:
        written = write_site(facts, args.output, tuple(args.langs), args.data_dir, uploaded, prov,
                             args.licence_allows_raw)
    except OSError as exc:
        raise UsageError(f"-o {args.output}: cannot be written ({exc.strerror or exc})") from exc
    return f"wrote {len(written)} files to {args.output}"


SUBCOMMANDS: dict[str, Subcommand] = {
    "image": Subcommand("a PNG, SVG or PDF of the map on one date", _image_arguments, _run_image),
    "animation": Subcommand("a GIF or MP4 of the map between two dates", _animation_arguments,
                            _run_animation),
    "site": Subcommand("a static site: the map with its time slider, a page per country, the "
                       "data files", _site_arguments, _run_site),
}


def _target(output: Path | None, name: str) -> Path:
    path = Path(name) if output is None else output / name if output.is_dir() else output
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: no folder {folder}")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    try:  # check before spending the render time
        with path.open("ab"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _write(output: Path | None, name: str, render: Callable[[], bytes]) -> str:
    path = _target(output, name)
    created = path.stat().st_size == 0
    try:
        data = render()
    except BaseException:
        if created:
            path.unlink(missing_ok=True)
        raise
    path.write_bytes(data)
    return f"wrote {path} ({len(data) / 1024:,.0f} KB)"


def build_parser() -> argparse.ArgumentParser:
    """The parser of `python -m geo.publish`, one subparser per SUBCOMMANDS entry."""
    parser = _Parser(prog="python -m geo.publish",
                     description="Dated, titled and credited images and animations of the map. "
                                 "Exit status: 0 written, 2 bad arguments or unusable data, "
                                 "3 internal error.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=command.help, description=command.help.capitalize())
        command.arguments(sub)
        sub.add_argument("--data-dir", type=Path, default=DATA_DIR,
                         help="the data folder (default: the repository's data/)")
        sub.add_argument("-o", "--output", type=Path,
                         help="the file (or folder) to write (default: a name carrying the view, "
                              "in the current folder)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; print one line on success or failure."""
    try:
        args = build_parser().parse_args(argv)
        if not args.data_dir.is_dir():
            raise UsageError(f"--data-dir {args.data_dir}: no such folder")
        facts = load_facts(args.data_dir)
        if facts.errors:
            raise UsageError(f"data problem: {facts.errors[0]}")
        print(SUBCOMMANDS[args.command].run(args, facts))
        return EXIT_OK
    except (UsageError, PublishError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_OK
    except Exception as exc:  # a bug: one line, not a traceback, and its own status
        print(f"internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_CRASH


if __name__ == "__main__":
    raise SystemExit(main())
