"""folium layer builders: GeoDataFrames and tables in, folium objects out.

Text from data reaches the map as JSON, and the browser sets it with textContent (country
tooltips, event markers, legends: static/js/coupbelt.js); the strings that the force
badges put into the page as HTML are escaped here. Only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import use_local_assets
from geo.engine import Events, Selection
from geo.facts import localised
from geo.i18n import N_, Translate, english, long_date, number, plural, plural_forms
from geo.imported import (
    DEATH_REFERENCES,
    NO_KIND,
    OTHER_KIND_COLOUR,
    death_radius,
    imprecise,
    kind_colours,
)
from geo.metrics import Metric, since_text
from geo.outlets import Register, popup_sources
from geo.vocabulary import (
    COVERAGE_START,
    EVENT_CATEGORIES,
    FORCE_CODES,
    FORCE_COLOURS,
    FORCE_LABELS,
    UPLOAD_CATEGORY,
    VALUE_LABELS,
    text_colour,
)

# Every country the figures count, Gabon, Sudan and the Central African Republic included.
REGION_BOUNDS = [[-4.0, -25.5], [27.5, 38.5]]
BASEMAP = "OpenStreetMap"  # optional: tiles fail harmlessly (grey) with no internet
SPREAD_DEG = 0.3  # spacing of events that share one place, so each stays clickable


def esc(text: object) -> str:
    """HTML-escape any value for the page or the map (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def base_map(name: str, places: pd.DataFrame | None = None,
             bounds: list[list[float]] | None = None,
             shapes: str | None = None) -> folium.Map:
    """An empty map framed on West Africa (or `bounds`) that needs nothing from the internet.

    It is the same on every rerun of a page (nothing in it depends on the view), so
    streamlit-folium keeps one Leaflet map and swaps only the layers; `name` is the page's map,
    whose view the browser remembers (static/js/coupbelt.js). `places` (capitals and cities)
    are labelled on it, above the swapped layers; `shapes` names the country shapes the page
    holds (shapes_set), which the swapped layers colour.
    """
    # No zoom animation: the component iframe starts hidden, and an animation begun there never
    # ends, leaving vector layers stuck at a scaled-up size.
    # The scale is coupbelt.reading's (metric only; folium's shows miles too).
    m = folium.Map(tiles=None, control_scale=False, zoom_snap=0.25, min_zoom=3, zoom_animation=False)
    use_local_assets(m)
    m.fit_bounds(bounds or REGION_BOUNDS)
    LegendStyle().add_to(m)
    BrowserCall("reading").add_to(m)
    if shapes is not None:
        BrowserCall("countries", shapes).add_to(m)
    if places is not None and len(places):
        places_layer(places).add_to(m)
    keep_view(name).add_to(m)
    return m


def places_layer(places: pd.DataFrame) -> BrowserCall:
    """Capitals and major cities, a dot and a label each (coupbelt.places): they orient the
    reader offline, where there are no basemap tiles. City labels show from zoom 6."""
    rows = zip(places["name"], places["lat"].round(4), places["lon"].round(4), places["kind"],
               strict=True)
    return BrowserCall("places", [[str(n), float(y), float(x), str(k)] for n, y, x, k in rows])


def layer_group(name: str, *children: MacroElement) -> folium.FeatureGroup:
    """A named group of layers, swapped as one on the page's map."""
    group = folium.FeatureGroup(name=name, control=False)
    for child in children:
        child.add_to(group)
    return group


TILES_FAILED = N_("Basemap tiles could not load (no internet?); every layer still works "
                  "without them.")


def tiles_layer(tr: Translate = english) -> folium.FeatureGroup:
    """OpenStreetMap tiles under the other layers. With no internet they fail harmlessly, and a
    note says so on the map."""
    return layer_group("basemap", folium.TileLayer(BASEMAP, name="Basemap", control=False),
                       tile_note(tr(TILES_FAILED)))


def borders_layer() -> BrowserCall:
    """Plain country borders, so the map orients the reader with country colours off
    (coupbelt.paint with no colours)."""
    return BrowserCall("paint", None, None)


class Verbatim(Element):
    """Text put into the page exactly as given."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class InertMacro(MacroElement):
    """A MacroElement whose output is never read as a template.

    branca's MacroElement.render wraps each macro's output in Element(output), which compiles
    the output as a Jinja template: '{{ ... }}' inside event text would then run on the server
    when the page is rendered (an exported map, for one), a stray '{%' would stop the map, and
    a large layer pays a template compile of its whole payload. Here the output is kept as text.
    """

    def render(self, **kwargs: object) -> str:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(Verbatim(macros[part](self, kwargs)),
                                                name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""  # what a macro puts on the page went into the figure's parts above


class BrowserCall(InertMacro):
    """A call to one of static/js/coupbelt.js's helpers, `coupbelt.<function>(parent, *args)`,
    with the element's parent (the map or a swapped group) and the arguments as JSON. The
    helpers build their elements with textContent, so no text is parsed as HTML."""

    _template = Template("""
    {% macro script(this, kwargs) %}
    coupbelt.{{ this.function }}({{ this._parent.get_name() }}
    {%- for arg in this.args %}, {{ arg | tojson }}{% endfor %});
    {% endmacro %}
    """)

    def __init__(self, function: str, *args: object) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "BrowserCall"
        self.function = function
        self.args = args


def choropleth_layer(borders: gpd.GeoDataFrame, classes: pd.DataFrame, metric: Metric,
                     outlined: frozenset[str] = frozenset(), outline_note: str = "",
                     tr: Translate = english, name_column: str = "name",
                     summaries: Mapping[str, list[str]] | None = None,
                     follow: Mapping[str, object] | None = None) -> BrowserCall:
    """Countries filled by their class (coupbelt.paint, on the base map's shapes); the tooltip
    gives name, status and since when, and the country's whole status on the date
    (`summaries`, iso3 -> lines) when given. The browser sets the text with textContent.

    Countries in `outlined` get a thick dashed border and `outline_note` in their tooltip.
    With `follow` ({"set": a timeline_set's ID, "day": the day shown, "metric", "byMetric":
    whether the change buttons step by the metric's changes}), the map recolours itself from
    that set as soon as the reader moves the page's date or metric, and this paint's rerun
    then confirms it.
    """
    by_iso3 = classes.set_index("iso3")[["label", "detail", "colour"]].to_dict("index")
    countries = []
    for iso3, name in zip(borders["iso3"], borders[name_column], strict=True):
        c = by_iso3.get(iso3, {})
        countries.append({
            "iso3": iso3, "name": str(name), "status": str(c.get("label") or ""),
            "detail": "; ".join(t for t in (c.get("detail"), outline_note if iso3 in outlined
                                            else "") if t),
            "all": list((summaries or {}).get(iso3, [])),
            "fill": c.get("colour"), "outlined": iso3 in outlined})
    labels = [tr("Country"), tr(metric.title), tr("Details"),
              *([tr("On this date")] if summaries is not None else [])]
    if follow is None:
        return BrowserCall("paint", countries, labels)
    return BrowserCall("paint", countries, labels, dict(follow))


def _spread(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Fan out points that share a location on a small spiral; others stay where they are."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for lat, lon in points:
        k = seen.get((lat, lon), 0)
        seen[(lat, lon)] = k + 1
        if k == 0:
            out.append((lat, lon))
            continue
        angle, radius = k * 2.4, SPREAD_DEG * math.sqrt(k)  # golden-angle spiral
        out.append((lat + radius * math.sin(angle), lon + radius * math.cos(angle)))
    return out


def marker_rows(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                tr: Translate = english, lang: str = "en", by: str = "category",
                outlets: Register | None = None) -> list[list[object]]:
    """One row a marker (coupbelt.events): position (events at one place fanned out), class,
    date, title, place, summary, http(s) sources (with their outlets' names and kinds when
    `outlets` is given), ID, fallback note; the user's events add their size by fatalities,
    whether they are imprecise, their detail lines and deaths."""
    codes = list(palette)
    imported = by != "category"  # the user's events: coloured by their own types, sized
    points = _spread(zip(events["lat"], events["lon"], strict=True))
    rough = imprecise(events) if imported else pd.Series(False, index=events.index)
    rows = []
    for r, (lat, lon), hollow in zip(events.to_dict("records"), points, rough, strict=True):
        text = localised(r, lang, tr)
        row: list[object] = [round(lat, 4), round(lon, 4), codes.index(r[by]),
                             long_date(r["date"].date(), lang), text.title, text.place, text.summary,
                             source_items(r["sources"], outlets, tr) if imported else
                             popup_sources(str(r["sources"]), outlets or {}, tr), str(r["id"]),
                             text.fallback]
        if imported:
            deaths = _count(r.get("deaths"))
            row += [death_radius(deaths), bool(hollow), details(r, tr, lang), deaths,
                    deaths_text(deaths, lang) if deaths is not None else ""]
        rows.append(row)
    return rows


def deaths_text(deaths: int, lang: str = "en") -> str:
    """'1 death' / '12 deaths', '0 mort' / '12 morts' in the page's language."""
    ngettext = plural(lang)
    return ngettext("{count} death", "{count} deaths", deaths).format(count=number(deaths, lang))


PRECISION_NOTES = {"place": N_("Located only to a region or the country: the point is not the "
                               "place."),
                   "week": N_("Date known only to the week."),
                   "month": N_("Date known only to the month."),
                   "year": N_("Date known only to the year.")}


def _count(value: object) -> int | None:
    """A count from a nullable integer cell (None when unknown)."""
    return None if value is None or value is pd.NA or value != value else int(str(value))


def details(r: Mapping[Hashable, object], tr: Translate = english, lang: str = "en") -> list[str]:
    """The popup's lines about an imported event: type, actors, fatalities, precision."""
    lines = []
    kind = " — ".join(str(r.get(k) or "") for k in ("kind", "sub_kind") if r.get(k))
    if kind:
        lines.append(tr("Type: {type}").format(type=kind))
    actors = [str(r.get(k)) for k in ("actor1", "actor2") if r.get(k)]
    if actors:
        lines.append(tr("Actors: {actors}").format(actors=" · ".join(actors)))
    deaths, low, high = (_count(r.get(k)) for k in ("deaths", "deaths_low", "deaths_high"))
    if deaths is not None:
        text = deaths_text(deaths, lang)
        if low is not None and high is not None:
            text += " " + tr("(low {low}, high {high})").format(low=number(low, lang),
                                                                high=number(high, lang))
        lines.append(tr("Fatalities: {deaths}").format(deaths=text))
    if r.get("admin1"):
        lines.append(tr("Region: {region}").format(region=r["admin1"]))
    if r.get("place_precise") is False:
        lines.append(tr(PRECISION_NOTES["place"]))
    if r.get("date_precision") in PRECISION_NOTES:
        lines.append(tr(PRECISION_NOTES[str(r["date_precision"])]))
    return lines


def source_items(sources: object, outlets: Register | None = None,
                 tr: Translate = english) -> list[object]:
    """An imported event's sources as its popup lists them, in the file's order: each http(s)
    URL a link (geo.outlets.popup_sources), and the text between them (ACLED's outlet names,
    "Studio Kalangou; RFI") as one plain text item each, never parsed as HTML nor linked."""
    items: list[object] = []
    words: list[str] = []
    text = "" if sources is None or sources is pd.NA or sources != sources else str(sources)
    for token in text.split():
        if urlparse(token).scheme in ("http", "https"):
            if words:
                items.append(" ".join(words).strip(" ;,"))
                words = []
            items += popup_sources(token, outlets or {}, tr)
        else:
            words.append(token)
    if words:
        items.append(" ".join(words).strip(" ;,"))
    return [i for i in items if i != ""]


def http_urls(sources: str) -> list[str]:
    """The space-separated sources that are http(s) URLs (anything else is dropped)."""
    return [u for u in sources.split() if urlparse(u).scheme in ("http", "https")]


UPLOAD_PALETTE = {UPLOAD_CATEGORY: (N_("Your events"), "#FFFFFF")}  # white dot, dark ring
DETAIL_LIMIT = 1000  # above this many events, the map shows counts per cell instead of markers
COORD_SCALE = 500  # int16 coordinates: 1/500 degree (~220 m), enough for a dot at any zoom


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _header(count: int, palette: Mapping[str, tuple[str, str]], tr: Translate, lang: str,
            imported: bool, with_deaths: bool) -> dict[str, object]:
    """What every events dataset carries beside its events: the classes' names and colours,
    the texts of the popups and cells; the user's events are `ringed` (a white ring and a dark
    halo), so they never read as curated events of the same colour."""
    label = (lambda t: t) if imported else tr  # the user's type names as written
    data: dict[str, object] = {
        "count": count, "limit": DETAIL_LIMIT, "lang": lang,
        "cats": [[label(palette[c][0]), palette[c][1]] for c in palette],
        "sources": tr("Sources:") + " ",
        "eventsText": plural_forms("{count} event", "{count} events", lang),
        "deathsText": plural_forms("{count} death", "{count} deaths", lang), "withDeaths": with_deaths}
    if imported:
        data["ringed"] = True
    return data


def _arrays(data: dict[str, object], lat: np.ndarray, lon: np.ndarray, cat: np.ndarray,
            deaths: np.ndarray) -> dict[str, object]:
    """The events as base64 typed arrays (9 bytes an event), drawn as counts per cell."""
    data.update(scale=COORD_SCALE, lat=_b64(lat.astype("<i2")), lon=_b64(lon.astype("<i2")),
                cat=_b64(cat.astype("u1")), deaths=_b64(deaths.astype("<u4")))
    return data


def _days(dates: pd.Series) -> np.ndarray:
    """Days since COVERAGE_START (the wire's day numbers), int16."""
    days = (pd.to_datetime(dates) - pd.Timestamp(COVERAGE_START)).dt.days
    return days.to_numpy(dtype="int64").clip(-32768, 32767).astype("<i2")


def _dataset(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]], tr: Translate,
             lang: str, by: str, outlets: Register | None = None) -> dict[str, object]:
    """What the browser needs of an events table (coupbelt.events): up to DETAIL_LIMIT events,
    their marker rows; more, their positions, classes and fatalities as base64 typed arrays
    (9 bytes an event), drawn as counts per cell. No text in it is ever parsed as HTML."""
    imported = by != "category"
    with_deaths = imported and "deaths" in events.columns
    data = _header(len(events), palette, tr, lang, imported, with_deaths)
    data["days"] = _b64(_days(events["date"]))  # playback picks each frame's events by day
    if len(events) <= DETAIL_LIMIT:
        data["rows"] = marker_rows(events, palette, tr, lang, by, outlets)
        return data
    deaths = (pd.to_numeric(events["deaths"], errors="coerce").fillna(0).clip(0, 2**32 - 1)
              if with_deaths else pd.Series(0, index=events.index))
    return _arrays(data, np.round(events["lat"].to_numpy() * COORD_SCALE),
                   np.round(events["lon"].to_numpy() * COORD_SCALE),
                   pd.Categorical(events[by], categories=list(palette)).codes,
                   deaths.to_numpy())


class EventLayer(BrowserCall):
    """Events on a map (coupbelt.events): a dataset, inline or by the ID of one the page sends
    beside the map (PageData), and which of its events are shown (`shown`: a bit mask, and
    the marker rows when the dataset has none; None: all). With `play` (the ID of the set
    playback draws from, the settled window's length in days and, for a set of every event,
    the mask of those the view's filters keep), a coupbelt.playable call beside it."""

    _template = Template("""
    {% macro script(this, kwargs) %}
    coupbelt.events({{ this._parent.get_name() }}, {{ this.data | tojson }}, {{ this.shown | tojson }});
    {%- if this.play %}
    coupbelt.playable({{ this._parent.get_name() }}, {{ this.play | tojson }});
    {%- endif %}
    {% endmacro %}
    """)

    def __init__(self, data: dict[str, object] | str, shown: dict[str, object] | None,
                 count: int, play: dict[str, object] | None = None) -> None:
        super().__init__("events", data, shown)
        self.data, self.shown, self.play = data, shown, play
        self.count = count  # events shown
        rows = (shown or {}).get("rows") or (data.get("rows") if isinstance(data, dict) else None)
        self.rows: list[list[object]] | None = rows if count <= DETAIL_LIMIT else None  # type: ignore[assignment]

    @property
    def cells(self) -> bool:
        """Whether the browser draws counts per cell (more events than markers would bear)."""
        return self.count > DETAIL_LIMIT


def events_on_map(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                  tr: Translate = english, lang: str = "en", by: str = "category",
                  outlets: Register | None = None) -> EventLayer:
    """These events, sent with the layer: markers with popups up to DETAIL_LIMIT, counts per
    cell beyond. `by` names the column the palette's keys are values of: the user's events go
    by their `kind`, sized by fatalities."""
    return EventLayer(_dataset(events, palette, tr, lang, by, outlets), None, len(events))


@dataclass(frozen=True)
class PageData:
    """Data the browser holds for the page's maps (an events table, the country shapes): sent
    once beside the map, as JSON text held by a bridge element (app/bridge.py) that hands it
    to the map by its ID, and named by the layers that use it; a rerun that
    moves the date sends which events are shown and the countries' colours, not the data.
    `id` follows the content (and the language)."""

    id: str
    data: dict[str, object]
    text: str  # the data as JSON


_SETS: OrderedDict[str, PageData] = OrderedDict()  # by digest: the sets used last, oldest first
_SETS_LOCK = threading.Lock()  # every Streamlit session runs in its own thread and shares _SETS
SETS_KEPT = 8


def _kept(key: str, build: Callable[[], dict[str, object]], ascii_only: bool = True) -> PageData:
    """The set named `key`, built once and kept among the SETS_KEPT used last. Safe across
    threads: the cache is only read and changed under its lock; the build runs outside it (a
    large set takes a while and must not hold up other sessions), so two sessions asking for the
    same new set at once may both build it, and the first one stored is the one both get."""
    with _SETS_LOCK:
        held = _SETS.get(key)
        if held is not None:
            _SETS.move_to_end(key)
            return held
    data = build()
    built = PageData(key, data, json.dumps(data, ensure_ascii=ascii_only))
    with _SETS_LOCK:
        held = _SETS.get(key)
        if held is None:
            while len(_SETS) >= SETS_KEPT:  # make room first: the cache never holds more
                _SETS.popitem(last=False)
            _SETS[key] = held = built
        else:
            _SETS.move_to_end(key)
    return held


def _digest(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]], lang: str,
            by: str, outlets: Register | None = None) -> str:
    if len(events) <= DETAIL_LIMIT:  # the markers' text: every column
        columns = [c for c in events.columns if c != "geometry"]
        digest = hashlib.sha1(pd.util.hash_pandas_object(events[columns], index=False)
                              .to_numpy().tobytes())
    else:  # what the cells are drawn from, as numbers (hashing 100,000 strings takes 20 ms)
        digest = hashlib.sha1(events["lat"].to_numpy(dtype="f8").tobytes())
        digest.update(events["lon"].to_numpy(dtype="f8").tobytes())
        digest.update(pd.Categorical(events[by], categories=list(palette)).codes.tobytes())
        if "deaths" in events.columns:
            digest.update(pd.to_numeric(events["deaths"], errors="coerce").to_numpy(
                dtype="f8", na_value=-1).tobytes())
    digest.update(json.dumps([list(palette.items()), lang, by, len(events)]).encode())
    if outlets:  # the popups name the sources' outlets: a changed register is a new set
        digest.update(json.dumps(sorted((o.domain, o.name, o.kind) for o in outlets.values()),
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def event_set(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
              tr: Translate = english, lang: str = "en", by: str = "category",
              outlets: Register | None = None) -> PageData:
    """The browser's copy of an events table (built once, then reused by its digest)."""
    return _kept(_digest(events, palette, lang, by, outlets),
                 lambda: _dataset(events, palette, tr, lang, by, outlets), ascii_only=False)


def shapes_set(borders: gpd.GeoDataFrame) -> PageData:
    """The countries' shapes as the browser holds them (coupbelt.countries): sent once, and
    coloured on every rerun by a small coupbelt.paint call."""
    regions = (borders["region"].astype(str) if "region" in borders.columns
               else pd.Series("", index=borders.index))  # the legend keeps off the region's
    digest = hashlib.sha1(borders["iso3"].str.cat().encode())
    digest.update(regions.str.cat(sep=",").encode())
    digest.update(b"".join(borders.geometry.to_wkb()))
    return _kept("shapes-" + digest.hexdigest()[:20], lambda: {
        "type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"iso3": iso3, "region": region},
             "geometry": shape.__geo_interface__}
            for iso3, region, shape in zip(borders["iso3"], regions, borders.geometry, strict=True)]})


def timeline_set(data: dict[str, object]) -> PageData:
    """Every metric's classes through time (the time model's wire, geo.timemodel), as the page's
    map holds them to recolour itself the moment the reader moves the date or the metric."""
    text = json.dumps(data, ensure_ascii=False)
    return PageData("timeline-" + hashlib.sha1(text.encode()).hexdigest()[:20], data, text)


def _mask(whole: pd.DataFrame, labels: pd.Index) -> np.ndarray:
    positions = whole.index.get_indexer(labels)
    if (positions < 0).any():
        raise ValueError("events shown that are not in the set")
    picked = np.zeros(len(whole), dtype=bool)
    picked[positions] = True
    return picked


def events_in_set(whole: pd.DataFrame, shown: pd.Index, events: PageData,
                  palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                  tr: Translate = english, lang: str = "en", by: str = "category",
                  outlets: Register | None = None, playable: pd.Index | None = None,
                  window_days: int = 0) -> EventLayer:
    """The rows of `whole` (the table `events` was built from, its index unique) whose labels
    are `shown`: a bit an event, and the marker rows when the set has none and few are shown.
    With `playable` (the events the view's filters keep on any day), playback draws each
    frame's `window_days` from them, in the browser (coupbelt.js eventFrames)."""
    picked = _mask(whole, shown)
    positions = np.flatnonzero(picked)
    view: dict[str, object] = {"mask": _b64(np.packbits(picked, bitorder="little"))}
    play: dict[str, object] | None = None
    if playable is not None:
        play = {"set": events.id, "window": int(window_days),
                "mask": _b64(np.packbits(_mask(whole, playable), bitorder="little"))}
    if "rows" not in events.data and len(positions) <= DETAIL_LIMIT:
        view["rows"] = marker_rows(whole.iloc[positions], palette, tr, lang, by, outlets)
    return EventLayer(events.id, view, len(positions), play)


def upload_palette(uploaded: Events, tr: Translate = english) -> dict[str, tuple[str, str]]:
    """The colours of the user's event types (geo.imported.kind_colours of the whole set),
    keyed by type; an event with no type is labelled so."""
    return {k: (k or tr(NO_KIND), colour) for k, colour in kind_colours(uploaded.kind_counts()).items()}


def _upload_classes(uploaded: Events, chosen: Selection | None, tr: Translate = english
                    ) -> dict[str, tuple[str, str]]:
    """The palette of the shown events: the whole set's colours; the types beyond the seven
    coloured ones share one grey class (OTHER_KEY, so a file of a thousand types still fits
    the map's one-byte class codes), listed when some shown event is of one."""
    palette = {k: v for k, v in upload_palette(uploaded, tr).items() if v[1] != OTHER_KIND_COLOUR}
    if any(k not in palette for k in uploaded.kind_counts(chosen).index):
        palette[OTHER_KEY] = (tr("Other types"), OTHER_KIND_COLOUR)
    return palette


def upload_layer(uploaded: Events, chosen: Selection | None, tr: Translate = english,
                 lang: str = "en", play: PageData | None = None,
                 window_days: int = 0) -> EventLayer:
    """The user's events that `chosen` selects (None: all), coloured by type with the whole
    set's colours, sent with the layer: only these events travel (never the whole set), as
    markers up to DETAIL_LIMIT, else their positions, classes and fatalities, computed by the
    engine, drawn as counts per cell. `play` (play_set) names the arrays playback draws its
    frames' `window_days` from."""
    palette = _upload_classes(uploaded, chosen, tr)
    count = uploaded.count(chosen)
    played: dict[str, object] | None = (
        {"set": play.id, "window": int(window_days)} if play is not None else None)
    if count <= DETAIL_LIMIT:
        shown = _with_kind(uploaded.frame(chosen))
        shown = shown.assign(type_key=shown["kind"].where(shown["kind"].isin(list(palette)),
                                                          OTHER_KEY))
        layer = events_on_map(shown, palette, tr, lang, by="type_key")
        return EventLayer(layer.data, None, count, played)
    data = _header(count, palette, tr, lang, True, "deaths" in uploaded.columns)
    classes = [k for k in palette if k != OTHER_KEY]
    if count > GROUP_ABOVE:  # counted per type in small squares by the engine, not one by one
        cells = uploaded.grid_cells(chosen, classes, COORD_SCALE, GROUP_GRID)
        data = _arrays(data, cells["lat"], cells["lon"], cells["cat"], cells["deaths"])
        data.update(weights=_b64(cells["n"].astype("<u4")), grouped=len(cells["n"]))
        return EventLayer(data, None, count)
    cells = uploaded.cells(chosen, classes, COORD_SCALE)
    return EventLayer(_arrays(data, cells["lat"], cells["lon"], cells["cat"], cells["deaths"]),
                      None, count, played)


PLAY_FROM = COVERAGE_START - timedelta(days=32_000)  # the earliest day an int16 day number holds
PLAY_UNTIL = date(2200, 1, 1)  # and a day after any event's


def play_set(uploaded: Events, chosen: Selection, tr: Translate = english,
             lang: str = "en") -> PageData:
    """The user's events playback draws, every day of them (`chosen` gives the countries and
    filters; its dates are ignored): one engine query (Events.playback), sent as typed arrays
    sorted by day (7 bytes an event) beside the map, once: a date change does not send it
    again. Coloured with the whole set's type colours (the other types grey)."""
    def build() -> dict[str, object]:
        palette = {k: v for k, v in upload_palette(uploaded, tr).items()
                   if v[1] != OTHER_KIND_COLOUR}
        palette[OTHER_KEY] = (tr("Other types"), OTHER_KIND_COLOUR)
        whole = Selection(PLAY_FROM, PLAY_UNTIL, chosen.countries, chosen.keep)
        found = uploaded.playback(whole, [k for k in palette if k != OTHER_KEY], COORD_SCALE,
                                  COVERAGE_START)
        data = _header(len(found["day"]), palette, tr, lang, True, False)
        data.update(scale=COORD_SCALE, sorted=True, days=_b64(found["day"].astype("<i2")),
                    lat=_b64(found["lat"].astype("<i2")), lon=_b64(found["lon"].astype("<i2")),
                    cat=_b64(found["cat"].astype("u1")))
        return data
    key = hashlib.sha1(repr((uploaded.id, chosen.countries, chosen.keep, lang)).encode())
    return _kept("play-" + key.hexdigest()[:20], build)


# Above this many events in view the engine counts them per type in squares of 1/GROUP_GRID
# degree (about 11 km) and the map bins those counts on screen: a window of 1,000,000 events
# travels as at most a few hundred thousand rows (far fewer where events gather in towns), not
# 12 MB of positions. The map's cells are 44 px, wider than a square up to zoom 9.
GROUP_ABOVE = 100_000
GROUP_GRID = 10


OTHER_KEY = "\x00other"  # the class of every type without a colour of its own


def _with_kind(events: pd.DataFrame) -> pd.DataFrame:
    kinds = events["kind"].fillna("") if "kind" in events.columns else ""
    return events.assign(kind=kinds)


def upload_legend(uploaded: Events, chosen: Selection | None, tr: Translate = english,
                  lang: str = "en") -> list[tuple[str, list[tuple[str, ...]]]]:
    """The legend of the user's events: a ringed dot per type with its count in view,
    reference circles for fatalities, and the hollow mark of imprecise events."""
    palette = upload_palette(uploaded, tr)
    counts = uploaded.kind_counts(chosen)
    shown = uploaded.count(chosen)
    entries: list[tuple[str, ...]] = []
    other = 0
    for kind, (label, colour) in palette.items():
        if colour == OTHER_KIND_COLOUR:
            other += int(counts.get(kind, 0))
            continue
        entries.append(("dot ringed", colour, f"{label} ({number(int(counts.get(kind, 0)), lang)})"))
    if other or any(c == OTHER_KIND_COLOUR for _, c in palette.values()):
        others = tr("Other types")
        entries.append(("dot ringed", OTHER_KIND_COLOUR, f"{others} ({number(other, lang)})"))
    yours = tr("Your events")
    sections: list[tuple[str, list[tuple[str, ...]]]] = [
        (f"{yours} ({number(shown, lang)})", entries)]
    if shown <= DETAIL_LIMIT:
        sizes: list[tuple[str, ...]] = [
            ("dot size ringed", "#bbbbbb", deaths_text(n, lang), f"{2 * death_radius(n):g}")
            for n in DEATH_REFERENCES]
        sizes.append(("dot hollow", "#ffffff", tr("Place or date imprecise ({count})").format(
            count=number(uploaded.imprecise_count(chosen), lang))))
        sections.append((tr("Fatalities (marker area)"), sizes))
    return sections


class Badges(BrowserCall):
    """Lettered badges (FR, RU, US) drawn from one JSON array by coupbelt.badges (the static
    site and the export draw the same arrays with it). Their tooltips are HTML: each text is
    escaped here (esc)."""

    def __init__(self, badges: list[dict[str, object]]) -> None:
        super().__init__("badges", badges)
        self._name = "Badges"
        self.badges = badges


def forces_layer(forces: pd.DataFrame, borders: gpd.GeoDataFrame, tr: Translate = english,
                 places: pd.DataFrame | None = None) -> Badges:
    """The lettered badges of the foreign forces present in a country, side by side in one
    marker (so they never overlap each other at any zoom), inside the country and away from its
    places' labels (`places`): of a few points around the country's inner point that lie in
    the country, the one whose badges keep furthest from any place's dot and label (written to
    its right), measured in degrees as the region is first shown (a badge about 1 degree wide
    per force and 0.7 high, a label about 4 by 0.8)."""
    shapes = borders.set_index("iso3").geometry
    anchors = shapes.representative_point()
    labels = ([] if places is None else
              [(float(x), float(x) + 4.0, float(y) - 0.4, float(y) + 0.4)
               for x, y in zip(places["lon"], places["lat"], strict=True)])
    badges: list[dict[str, object]] = []
    for iso3, rows in forces.sort_values(["iso3", "dimension"]).groupby("iso3"):
        point, half = anchors[iso3], 0.5 * len(rows)
        spots = [(point.x + dx, point.y + dy) for dy in (-0.9, 0.9, 0.0, -1.6, 1.6)
                 for dx in (0.0, -1.0, 1.0)]
        inside = [s for s in spots if shapes[iso3].contains(shapely.Point(s))] or [(point.x, point.y)]
        lon, lat = max(inside, key=lambda s: (round(min(
            [_apart((s[0] - half, s[0] + half, s[1] - 0.35, s[1] + 0.35), box) for box in labels],
            default=9.0), 1), -abs(s[0] - point.x) - abs(s[1] - point.y)))
        items = [{"code": FORCE_CODES[dim], "colour": FORCE_COLOURS[dim],
                  "text_colour": text_colour(FORCE_COLOURS[dim]),
                  "text": esc(tr("{power}: {forces} present {since}").format(
                      power=tr(FORCE_LABELS[dim]), forces=tr(VALUE_LABELS[(dim, value)]),
                      since=since_text(start, tr)))}
                 for dim, value, start in zip(rows["dimension"], rows["value"], rows["since"],
                                              strict=True)]
        badges.append({"lat": round(lat, 3), "lon": round(lon, 3), "iso3": iso3, "forces": items})
    return Badges(badges)


def _apart(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """How far apart two boxes (west, east, south, north) are, 0 when they overlap."""
    return math.hypot(max(0.0, b[0] - a[1], a[0] - b[1]), max(0.0, b[2] - a[3], a[2] - b[3]))


# The capitals' and cities' square markers and labels (coupbelt.places).
PLACES_CSS = """
.place-label {background: transparent; border: 0; box-shadow: none; padding: 0 2px;
  font: 11px/1.2 sans-serif; color: #111; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;}
.place-label.capital {font-weight: bold;}
.place-label::before {display: none;}
.place-dot {box-sizing: border-box; border: 2px solid #111; background: #fff;}
.place-dot.city {border: 1px solid #fff; background: #555;}
.hide-city-labels .place-label.city {display: none;}
.hide-capital-labels .place-label.capital {display: none;}
"""


# How coupbelt.js's maps look: the legend, tooltips, the time control, places and force badges
# (the dashboard's map header and the static site's pages).
MAP_CSS = """
      .map-legend {position: absolute; z-index: 1000; left: 10px; bottom: 30px;
        background: rgba(255,255,255,0.95); padding: 4px 8px; border-radius: 4px;
        font: 11px/1.3 sans-serif; color: #111; box-shadow: 0 1px 4px rgba(0,0,0,.3);
        max-width: 40%; max-height: 55%; overflow-y: auto;}
      .map-legend.at-topright {left: auto; bottom: auto; right: 10px; top: 10px;}
      .map-legend.at-bottomright {left: auto; right: 10px; bottom: 24px;}
      .map-legend.at-topleft {left: 54px; bottom: auto; top: 10px;}
      .map-legend summary {cursor: pointer; font-weight: bold;}
      .leaflet-container path.leaflet-interactive:focus {outline: none;}
      .map-legend h4 {margin: 3px 0 2px; font-size: 11px;}
      .map-legend i {display: inline-block; width: 11px; height: 11px; margin-right: 4px;
        vertical-align: -2px; border: 1px solid #444;}
      .map-legend i.dot {border-radius: 50%;}
      .map-legend i.outline {border: 2px dashed #000;}
      .map-legend i.size {vertical-align: middle; margin: 1px 6px 1px 0;}
      .map-legend i.hollow {border: 2px dashed #444;}
      .map-legend i.flare-country {border: 2px dashed #D55E00;}
      .map-legend i.flare-admin1 {border: 2px solid #D55E00;}
      .map-legend i.cast {border: 2px dotted #882255;}
      .map-legend i.ringed {border: 2px solid #fff; box-shadow: 0 0 0 1px #222;}
      .event-popup .event-detail {margin-top: 2px;}
      .country-tip {width: max-content; max-width: min(420px, 90vw); white-space: normal;
        font: 12px/1.35 sans-serif;}
      .country-tip table {border-collapse: collapse;}
      .country-tip th {text-align: right; padding: 1px 6px 1px 0; vertical-align: top;
        font-weight: normal; color: #444; width: 90px;}
      .country-tip td {padding: 1px 0; min-width: min(260px, 55vw);}
      .map-note {position: absolute; z-index: 1000; top: 10px; left: 50px; padding: 3px 8px;
        background: rgba(255,255,255,0.95); border-radius: 4px; color: #111;
        font: 12px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 60%;}
      .time-control {position: absolute; z-index: 1000; bottom: 26px; left: 50%;
        transform: translateX(-50%); width: min(460px, calc(100% - 110px)); padding: 4px 8px;
        background: rgba(255,255,255,0.95); border-radius: 4px; color: #111;
        font: 12px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);}
      .time-control .time-row {display: flex; gap: 4px; align-items: center;}
      .time-control button {font: 14px/1 sans-serif; min-width: 28px; height: 26px;
        border: 1px solid #888; border-radius: 3px; background: #fff; color: #111; cursor: pointer;}
      .time-control .time-stamp {flex: 1; font: bold 18px/1.2 sans-serif; white-space: nowrap;
        overflow: hidden; text-overflow: ellipsis;}
      .time-control select {max-width: 40%; font: 12px sans-serif; color: #111; background: #fff;}
      .time-control .time-slider {flex: 1; min-width: 80px;}
      .time-control .time-note {font-size: 11px; color: #333;}
      .time-control .time-note:empty {display: none;}
      .time-control .time-compare-row {margin-top: 3px;}
      .time-control .time-compare-row[hidden] {display: none;}
      .time-control .time-compare-date {flex: 1; min-width: 0; font: 12px sans-serif;}
      .time-control .time-compare-date:invalid {outline: 2px solid #D55E00;}  /* out of range */
      .time-control .time-compare-toggle[aria-pressed="true"] {background: #222; color: #fff;}
      .time-playing path.event-marker, .time-playing path.event-halo,
      .time-playing .event-cluster {display: none;}
      .frame-hover .leaflet-tooltip:has(.country-tip) {display: none;}  /* a frame's dot's tip */
      .event-cluster {display: flex; align-items: center; justify-content: center;
        box-sizing: border-box; border-radius: 50%; background: rgba(34,34,34,0.85);
        border: 2px solid #fff; box-shadow: 0 0 0 1px #222; color: #fff;
        font: bold 12px/1 sans-serif; cursor: pointer;}
      .event-cluster.ringed {background: #fff; color: #111; border: 3px solid #222;}
      @media (max-width: 600px) {  /* a phone: the control in the first screen, the note below */
        .time-control {top: 10px; bottom: auto; left: 50px; right: 10px; width: auto;
          transform: none;}
        .time-control .time-row {flex-wrap: wrap;}
        .time-control .time-stamp {order: -1; flex-basis: 100%;}
        .time-control .time-slider {flex-basis: 100%;}
        .time-control select {max-width: none; flex: 1; min-width: 0;}
        .map-note {top: auto; bottom: 26px; left: 10px; max-width: calc(100% - 40px);}
      }
      .map-stamp {position: absolute; z-index: 1000; top: 10px; right: 10px; padding: 2px 10px;
        background: rgba(255,255,255,0.9); border-radius: 4px; color: #111;
        font: bold 26px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);}
""" + PLACES_CSS + """
      .force-icon {display: flex; gap: 2px;}
      .force-badge {color: #fff; font: bold 11px/18px sans-serif; text-align: center;
        border-radius: 3px; border: 1px solid #fff; box-shadow: 0 0 2px #000; width: 26px;}
"""


class LegendStyle(MacroElement):
    """The legend's and the force badges' CSS, in the base map's header (it never changes)."""

    _template = Template("{% macro header(this, kwargs) %}<style>" + MAP_CSS
                         + "</style>{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LegendStyle"


def keep_view(key: str) -> BrowserCall:
    """Restore and remember the reader's view of one page's map (coupbelt.keepView)."""
    return BrowserCall("keepView", key)


def tile_note(text: str) -> BrowserCall:
    """A note on the map when the basemap's tiles fail to load (coupbelt.tileNote)."""
    return BrowserCall("tileNote", text)


def legend_layer(sections: list[tuple[str, list[tuple[str, ...]]]],
                 title: str = "Legend") -> BrowserCall:
    """The legend of the layers that are on, as a layer (coupbelt.legend): it is swapped with
    them."""
    return BrowserCall("legend", title, [[heading, [list(entry) for entry in entries]]
                                         for heading, entries in sections], "legend")




def legend_sections(metric: Metric | None, categories: Iterable[str], forces: bool,
                    outline_label: str = "", uploaded: int = 0, tr: Translate = english,
                    lang: str = "en",
                    upload: list[tuple[str, list[tuple[str, ...]]]] | None = None,
                    ) -> list[tuple[str, list[tuple[str, ...]]]]:
    """What the legend lists for the layers that are on (labels translated by `tr`);
    `upload` is the user's events' part (upload_legend), else `uploaded` counts them."""
    sections: list[tuple[str, list[tuple[str, ...]]]] = []
    if metric is not None:
        entries: list[tuple[str, ...]] = [("box", c.colour, tr(c.label)) for c in metric.classes]
        if outline_label:
            entries.append(("box outline", "transparent", tr(outline_label)))
        sections.append((tr(metric.title), entries))
    cats: list[tuple[str, ...]] = [("dot", EVENT_CATEGORIES[c][1], tr(EVENT_CATEGORIES[c][0]))
                                   for c in categories]
    if uploaded and upload is None:
        label, colour = UPLOAD_PALETTE[UPLOAD_CATEGORY]
        cats.append(("dot", colour, f"{tr(label)} ({number(uploaded, lang)})"))
    if cats:
        sections.append((tr("Events"), cats))
    sections += upload or []
    if forces:
        sections.append((tr("Forces (badges)"), [
            ("box", FORCE_COLOURS[d], f"{FORCE_CODES[d]} {tr(FORCE_LABELS[d])}")
            for d in FORCE_COLOURS]))
    return sections


# --- what is flaring (geo.flares) as a map layer ---------------------------------------------

FLARE_COLOUR = "#D55E00"  # Okabe-Ito vermillion: apart from every status colour and event dot
FLARE_RADIUS = {"country": 20, "admin1": 11}  # pixels: a country's ring holds its regions'
FLARE_TITLE = N_("Flaring (last 30 days)")
FLARE_LEVEL_LABELS = {"country": N_("Country flaring (dashed ring)"),
                      "admin1": N_("Region (admin1) flaring (ring at its events' centre)")}
FLARE_RULE = N_("Rule: at least {ratio} times the average of the twelve 30-day windows before, "
                "and at least {min} events (or {min_deaths} deaths); three windows of data "
                "needed.")


class RingLayer(InertMacro):
    """Rings around places (flares, forecasts), one JSON array drawn in one loop; each ring's
    tooltip is built with textContent, so no name from the data is ever read as HTML."""

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
      var group = L.featureGroup().addTo({{ this._parent.get_name() }});
      {{ this.rings | tojson }}.forEach(function (r) {
        var tip = document.createElement("div");
        tip.className = "ring-tip";
        r.lines.forEach(function (text, i) {
          var line = document.createElement(i ? "div" : "b");
          line.textContent = text;
          tip.appendChild(line);
        });
        L.circleMarker([r.lat, r.lon], {radius: r.radius, color: {{ this.colour | tojson }},
          weight: 3, dashArray: r.dash || null, fill: true, fillOpacity: 0.06,
          className: {{ this.kind | tojson }} + " " + {{ this.kind | tojson }} + "-" + r.level})
          .bindTooltip(tip, {className: "country-tip"}).addTo(group);
      });
    })();
    {% endmacro %}
    """)

    def __init__(self, rings: list[dict[str, object]], colour: str, kind: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RingLayer"
        self.rings = rings
        self.colour = colour
        self.kind = kind


def _one_decimal(value: float, lang: str) -> str:
    return "-" if value != value else number(round(float(value), 1), lang)  # NaN: no baseline


def flare_rings(tables: Mapping[str, pd.DataFrame], events: pd.DataFrame,
                borders: gpd.GeoDataFrame, names: Mapping[str, str], as_of_text: str,
                rule: str, tr: Translate = english, lang: str = "en") -> RingLayer | None:
    """The flaring places of geo.flares' tables by level ("country", "admin1") as rings: a
    dashed ring at a flaring country's inner point, a smaller solid one at the centre of a
    flaring admin1's events of the window (`events`: date, iso3, admin1, lat, lon, already
    the window's); the tooltip gives the place, the counts against their baseline and `rule`.
    None when nothing flares."""
    inner = borders.set_index("iso3").geometry.representative_point() if len(borders) else None
    rings: list[dict[str, object]] = []
    for level in ("country", "admin1"):
        found = tables.get(level)
        if found is None:
            continue
        flaring = found[found["flaring"] & ((found["admin1"] != "") | (level == "country"))]
        if not len(flaring):
            continue
        keys = ["iso3"] if level == "country" else ["iso3", "admin1"]
        means = (events.assign(admin1=events["admin1"].fillna("").astype(str))
                 .groupby(keys)[["lat", "lon"]].mean()) if len(events) else pd.DataFrame()
        centres = {(k if isinstance(k, tuple) else (k,)): (float(la), float(lo))
                   for k, la, lo in zip(means.index, means.get("lat", []), means.get("lon", []),
                                        strict=True)}
        for row in flaring.to_dict("records"):
            iso3, admin1 = str(row["iso3"]), str(row["admin1"])
            key = (iso3,) if level == "country" else (iso3, admin1)
            if level == "country" and inner is not None and iso3 in inner.index:
                lat, lon = float(inner[iso3].y), float(inner[iso3].x)
            elif key in centres:
                lat, lon = centres[key]
            else:
                continue
            country = names.get(iso3, iso3)
            place = country if level == "country" else f"{admin1}, {country}"
            rings.append({"lat": round(lat, 3), "lon": round(lon, 3), "level": level,
                          "radius": FLARE_RADIUS[level],
                          "dash": "7 5" if level == "country" else None, "lines": [
                tr("Flaring: {place}").format(place=place),
                tr("{events} events in the 30 days to {date} (average of the windows before: "
                   "{baseline})").format(events=number(int(row["events"]), lang),
                                         date=as_of_text,
                                         baseline=_one_decimal(row["baseline_events"], lang)),
                tr("{deaths} deaths (average before: {baseline})").format(
                    deaths=number(int(row["deaths"]), lang),
                    baseline=_one_decimal(row["baseline_deaths"], lang)),
                rule]})
    return RingLayer(rings, FLARE_COLOUR, "flare") if rings else None


def flare_legend(rings: RingLayer | None, tr: Translate = english
                 ) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The legend's section for the flare rings that are drawn (the levels shown)."""
    if rings is None:
        return []
    levels = [lvl for lvl in ("country", "admin1") if any(r["level"] == lvl for r in rings.rings)]
    return [(tr(FLARE_TITLE), [("dot flare-" + lvl, "transparent", tr(FLARE_LEVEL_LABELS[lvl]))
                               for lvl in levels])]


# --- ACLED CAST forecasts (geo.sources.cast_forecasts) as a map layer ---------------------------

CAST_COLOUR = "#882255"  # Paul Tol's wine, dotted: apart from the flare rings and status colours
CAST_MAX_RADIUS = 24.0  # pixels: 100 expected events
CAST_TITLE = N_("ACLED CAST forecast")
CAST_LEGEND = N_("Events expected in {month} per admin1 (ring area)")


def cast_rings(forecasts: pd.DataFrame, events: pd.DataFrame, names: Mapping[str, str],
               month_text: str, tr: Translate = english, lang: str = "en") -> RingLayer | None:
    """ACLED CAST's expected events per admin1 (geo.sources.cast_forecasts' frame) as dotted
    rings whose area grows with the forecast, each at the centre of that admin1's events in
    `events` (date, iso3, admin1, lat, lon: the pulled set's); an admin1 with no event to place
    it is left out. The tooltip gives the total and its three parts. None when none is placed."""
    if not len(forecasts) or not len(events):
        return None
    means = (events.assign(admin1=events["admin1"].fillna("").astype(str))
             .groupby(["iso3", "admin1"])[["lat", "lon"]].mean())
    centres = {key: (float(la), float(lo))
               for key, la, lo in zip(means.index, means["lat"], means["lon"], strict=True)}
    rings: list[dict[str, object]] = []
    for row in forecasts.to_dict("records"):
        iso3, admin1 = str(row["iso3"]), str(row["admin1"])
        total = float(row["total"])
        if (iso3, admin1) not in centres or total != total:
            continue
        lat, lon = centres[(iso3, admin1)]
        parts = [float(row[k]) for k in ("battles", "erv", "vac")]
        rings.append({"lat": round(lat, 3), "lon": round(lon, 3), "level": "admin1",
                      "radius": round(min(CAST_MAX_RADIUS, 4.0 + 2.0 * math.sqrt(total)), 1),
                      "dash": "2 5", "lines": [
            f"{admin1}, {names.get(iso3, iso3)}",
            tr("{total} events expected in {month} (ACLED CAST forecast)").format(
                total=_one_decimal(total, lang), month=month_text),
            tr("battles {battles}; explosions/remote violence {erv}; violence against "
               "civilians {vac}").format(
                battles=_one_decimal(parts[0], lang), erv=_one_decimal(parts[1], lang),
                vac=_one_decimal(parts[2], lang))]})
    return RingLayer(rings, CAST_COLOUR, "cast") if rings else None


def cast_legend(rings: RingLayer | None, month_text: str, tr: Translate = english
                ) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The legend's section for the CAST rings, when drawn."""
    if rings is None:
        return []
    return [(tr(CAST_TITLE), [("dot cast", "transparent",
                               tr(CAST_LEGEND).format(month=month_text))])]
