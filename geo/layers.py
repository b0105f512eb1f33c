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
from urllib.parse import urlparse

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import use_local_assets
from geo.facts import localised
from geo.i18n import N_, Translate, english, number, plural, plural_forms
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
                             f"{r['date']:%Y-%m-%d}", text.title, text.place, text.summary,
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


def http_urls(sources: str) -> list[str]:
    """The space-separated sources that are http(s) URLs (anything else is dropped)."""
    return [u for u in sources.split() if urlparse(u).scheme in ("http", "https")]


UPLOAD_PALETTE = {UPLOAD_CATEGORY: (N_("Your events"), "#FFFFFF")}  # white dot, dark ring
DETAIL_LIMIT = 1000  # above this many events, the map shows counts per cell instead of markers
COORD_SCALE = 500  # int16 coordinates: 1/500 degree (~220 m), enough for a dot at any zoom


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _dataset(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]], tr: Translate,
             lang: str, by: str, outlets: Register | None = None) -> dict[str, object]:
    """What the browser needs of an events table (coupbelt.events): up to DETAIL_LIMIT events,
    their marker rows; more, their positions, classes and fatalities as base64 typed arrays
    (9 bytes an event), drawn as counts per cell. No text in it is ever parsed as HTML."""
    imported = by != "category"
    label = (lambda t: t) if imported else tr  # the user's type names as written
    with_deaths = imported and "deaths" in events.columns
    data: dict[str, object] = {
        "count": len(events), "limit": DETAIL_LIMIT, "lang": lang,
        "cats": [[label(palette[c][0]), palette[c][1]] for c in palette],
        "sources": tr("Sources:") + " ",
        "eventsText": plural_forms("{count} event", "{count} events", lang),
        "deathsText": plural_forms("{count} death", "{count} deaths", lang), "withDeaths": with_deaths}
    if len(events) <= DETAIL_LIMIT:
        data["rows"] = marker_rows(events, palette, tr, lang, by, outlets)
        return data
    deaths = (pd.to_numeric(events["deaths"], errors="coerce").fillna(0).clip(0, 2**32 - 1)
              if with_deaths else pd.Series(0, index=events.index))
    data.update(
        scale=COORD_SCALE,
        lat=_b64(np.round(events["lat"].to_numpy() * COORD_SCALE).astype("<i2")),
        lon=_b64(np.round(events["lon"].to_numpy() * COORD_SCALE).astype("<i2")),
        cat=_b64(pd.Categorical(events[by], categories=list(palette)).codes.astype("u1")),
        deaths=_b64(deaths.to_numpy().astype("<u4")))
    return data


class EventLayer(BrowserCall):
    """Events on a map (coupbelt.events): a dataset, inline or by the ID of one the page sends
    beside the map (PageData), and which of its events are shown (`shown`: a bit mask, and
    the marker rows when the dataset has none; None: all)."""

    def __init__(self, data: dict[str, object] | str, shown: dict[str, object] | None,
                 count: int) -> None:
        super().__init__("events", data, shown)
        self.data, self.shown = data, shown
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
    once beside the map, in a hidden script, and named by the layers that use it; a rerun that
    moves the date sends which events are shown and the countries' colours, not the data.
    `id` follows the content (and the language)."""

    id: str
    data: dict[str, object]
    text: str  # the data as JSON

    def carrier(self) -> str:
        """The script that hands the set to the page's maps (read by coupbelt.events): the JSON
        with <, > and & escaped, so no text in it can close the script or start a tag."""
        data = (self.text.replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026"))
        return (f"<script>(window.coupbeltData = window.coupbeltData || {{}})"
                f'["{self.id}"] = {data};</script>')


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


def events_in_set(whole: pd.DataFrame, shown: pd.Index, events: PageData,
                  palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                  tr: Translate = english, lang: str = "en", by: str = "category",
                  outlets: Register | None = None) -> EventLayer:
    """The rows of `whole` (the table `events` was built from, its index unique) whose labels
    are `shown`: a bit an event, and the marker rows when the set has none and few are shown."""
    positions = whole.index.get_indexer(shown)
    if (positions < 0).any():
        raise ValueError("events shown that are not in the set")
    picked = np.zeros(len(whole), dtype=bool)
    picked[positions] = True
    view: dict[str, object] = {"mask": _b64(np.packbits(picked, bitorder="little"))}
    if "rows" not in events.data and len(positions) <= DETAIL_LIMIT:
        view["rows"] = marker_rows(whole.iloc[np.flatnonzero(picked)], palette, tr, lang, by,
                                   outlets)
    return EventLayer(events.id, view, len(positions))


def upload_palette(uploaded: pd.DataFrame, tr: Translate = english) -> dict[str, tuple[str, str]]:
    """The colours of the user's event types (geo.imported.kind_colours), keyed by type; an
    event with no type is labelled so."""
    return {k: (k or tr(NO_KIND), colour) for k, colour in kind_colours(uploaded).items()}


def _upload_classes(shown: pd.DataFrame, uploaded: pd.DataFrame, tr: Translate = english
                    ) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """The shown events with their colour class (`type_key`), and the palette: the whole file's
    colours; the types beyond the seven coloured ones share one grey class (so a file of a
    thousand types still fits the map's one-byte class codes)."""
    palette = {k: v for k, v in upload_palette(_with_kind(uploaded), tr).items()
               if v[1] != OTHER_KIND_COLOUR}
    shown = _with_kind(shown)
    key = shown["kind"].where(shown["kind"].isin(list(palette)), OTHER_KEY)
    if (key == OTHER_KEY).any():
        palette[OTHER_KEY] = (tr("Other types"), OTHER_KIND_COLOUR)
    return shown.assign(type_key=key), palette


def upload_markers(shown: pd.DataFrame, uploaded: pd.DataFrame, tr: Translate = english,
                   lang: str = "en") -> EventLayer:
    """The user's events that are shown, sent with the layer, coloured by type with the whole
    file's colours."""
    frame, palette = _upload_classes(shown, uploaded, tr)
    return events_on_map(frame, palette, tr, lang, by="type_key")


def upload_in_set(shown: pd.DataFrame, uploaded: pd.DataFrame, tr: Translate = english,
                  lang: str = "en") -> tuple[EventLayer, PageData]:
    """The user's events that are shown, as a part of the whole file's PageData (which the page
    sends once beside the map)."""
    whole, palette = _upload_classes(uploaded, uploaded, tr)
    events = event_set(whole, palette, tr, lang, by="type_key")
    return events_in_set(whole, shown.index, events, palette, tr, lang, by="type_key"), events


OTHER_KEY = "\x00other"  # the class of every type without a colour of its own


def _with_kind(events: pd.DataFrame) -> pd.DataFrame:
    kinds = events["kind"].fillna("") if "kind" in events.columns else ""
    return events.assign(kind=kinds)


def upload_legend(shown: pd.DataFrame, uploaded: pd.DataFrame, tr: Translate = english,
                  lang: str = "en") -> list[tuple[str, list[tuple[str, ...]]]]:
    """The legend of the user's events: a dot per type with its count in view, reference
    circles for fatalities, and the hollow mark of imprecise events."""
    shown = _with_kind(shown)
    palette = upload_palette(_with_kind(uploaded), tr)
    counts = shown["kind"].value_counts()
    entries: list[tuple[str, ...]] = []
    other = 0
    for kind, (label, colour) in palette.items():
        if colour == OTHER_KIND_COLOUR:
            other += int(counts.get(kind, 0))
            continue
        entries.append(("dot", colour, f"{label} ({number(int(counts.get(kind, 0)), lang)})"))
    if other or any(c == OTHER_KIND_COLOUR for _, c in palette.values()):
        others = tr("Other types")
        entries.append(("dot", OTHER_KIND_COLOUR, f"{others} ({number(other, lang)})"))
    yours = tr("Your events")
    sections: list[tuple[str, list[tuple[str, ...]]]] = [
        (f"{yours} ({number(len(shown), lang)})", entries)]
    if len(shown) <= DETAIL_LIMIT:
        sizes: list[tuple[str, ...]] = [
            ("dot size", "#bbbbbb", deaths_text(n, lang), f"{2 * death_radius(n):g}")
            for n in DEATH_REFERENCES]
        sizes.append(("dot hollow", "#ffffff", tr("Place or date imprecise ({count})").format(
            count=number(int(imprecise(shown).sum()), lang))))
        sections.append((tr("Fatalities (marker area)"), sizes))
    return sections


class Badges(InertMacro):
    """Lettered badges (FR, RU, US) drawn from one JSON array: one template, one loop in JS.

    Cheaper to build and send than one folium.Marker per badge, and needs no icon images.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
      var group = L.featureGroup().addTo({{ this._parent.get_name() }});
      {{ this.badges | tojson }}.forEach(function (b) {
        var html = b.forces.map(function (f) {
          return '<div class="force-badge" style="background:' + f.colour + ';color:' + f.text_colour +
                 '">' + f.code + '</div>';
        }).join(''), width = 28 * b.forces.length;
        L.marker([b.lat, b.lon], {icon: L.divIcon({className: 'force-icon', html: html,
                                                   iconSize: [width, 18], iconAnchor: [width / 2, 9]})})
          .bindTooltip(b.forces.map(function (f) { return f.text; }).join('<br>')).addTo(group);
      });
    })();
    {% endmacro %}
    """)

    def __init__(self, badges: list[dict[str, object]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
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


# The capitals' and cities' square markers and labels (coupbelt.places; the static site's
# timemap.js draws them alike).
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


class LegendStyle(MacroElement):
    """The legend's and the force badges' CSS, in the base map's header (it never changes)."""

    _template = Template("""
    {% macro header(this, kwargs) %}
    <style>
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
      .map-stamp {position: absolute; z-index: 1000; top: 10px; right: 10px; padding: 2px 10px;
        background: rgba(255,255,255,0.9); border-radius: 4px; color: #111;
        font: bold 26px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);}
""" + PLACES_CSS + """
      .force-icon {display: flex; gap: 2px;}
      .force-badge {color: #fff; font: bold 11px/18px sans-serif; text-align: center;
        border-radius: 3px; border: 1px solid #fff; box-shadow: 0 0 2px #000; width: 26px;}
    </style>
    {% endmacro %}
    """)

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
