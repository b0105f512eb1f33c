"""folium layer builders: GeoDataFrames and tables in, folium objects out.

Text from data reaches the map in two ways, both inert: folium's country tooltips put strings
into the page with innerHTML, so those strings are HTML-escaped here; event markers carry raw
text in JSON and the browser sets it with textContent. Only http(s) URLs become links.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Hashable, Iterable, Mapping
from urllib.parse import urlparse

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import use_local_assets
from geo.facts import localised
from geo.i18n import N_, Translate, english, number
from geo.imported import (
    DEATH_REFERENCES,
    NO_KIND,
    OTHER_KIND_COLOUR,
    death_radius,
    imprecise,
    kind_colours,
)
from geo.metrics import Metric, since_text
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
             bounds: list[list[float]] | None = None) -> folium.Map:
    """An empty map framed on West Africa (or `bounds`) that needs nothing from the internet.

    It is the same on every rerun of a page (nothing in it depends on the view), so
    streamlit-folium keeps one Leaflet map and swaps only the layers; `name` is the page's map,
    whose view the browser remembers (static/js/coupbelt.js). `places` (capitals and cities)
    are labelled on it, above the swapped layers.
    """
    # No zoom animation: the component iframe starts hidden, and an animation begun there never
    # ends, leaving vector layers stuck at a scaled-up size.
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, min_zoom=3, zoom_animation=False)
    use_local_assets(m)
    m.fit_bounds(bounds or REGION_BOUNDS)
    LegendStyle().add_to(m)
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


def borders_layer(borders: gpd.GeoDataFrame) -> folium.GeoJson:
    """Plain country borders, so the map orients the reader with country colours off."""
    return folium.GeoJson(borders[["iso3", "geometry"]].to_json(drop_id=True), name="Borders",
                          style_function=lambda f: {"fillColor": "#f4f4f4", "fillOpacity": 0.6,
                                                    "color": "#666666", "weight": 0.8},
                          interactive=False)


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


class CountryLayer(folium.GeoJson, InertMacro):
    """folium.GeoJson with its bounds given, not recomputed by walking every vertex in Python.

    streamlit-folium asks the map for its bounds on every rerun.
    """

    def __init__(self, data: dict[str, object], bounds: list[list[float | None]],
                 **kwargs: object) -> None:
        super().__init__(data, **kwargs)  # type: ignore[arg-type]
        self._bounds = bounds

    def _get_self_bounds(self) -> list[list[float | None]]:
        return self._bounds



def choropleth_layer(borders: gpd.GeoDataFrame, classes: pd.DataFrame, metric: Metric,
                     outlined: frozenset[str] = frozenset(), outline_note: str = "",
                     tr: Translate = english, name_column: str = "name",
                     summaries: Mapping[str, list[str]] | None = None) -> CountryLayer:
    """Countries filled by their class; tooltip gives name, status and since when, and the
    country's whole status on the date (`summaries`, iso3 -> text) when given.

    Countries in `outlined` get a thick dashed border and `outline_note` in their tooltip.
    """
    joined = borders[["iso3", "name", "name_fr", "geometry"]].merge(classes, on="iso3", how="left")
    features = []
    for row in joined.itertuples():
        features.append({
            "type": "Feature",
            "id": row.iso3,
            "geometry": row.geometry.__geo_interface__,
            "properties": {
                "iso3": row.iso3,
                "name": esc(getattr(row, name_column)),
                "status": esc(row.label),
                "detail": esc("; ".join(t for t in (row.detail, outline_note if row.iso3 in outlined
                                                              else "") if t)),
                # one escaped line a dimension (the tooltip shows its fields as HTML)
                "all": "<br>".join(esc(line) for line in (summaries or {}).get(row.iso3, [])),
                "fill": row.colour,
                "outlined": row.iso3 in outlined,
            },
        })
    # With no borders (a broken data file, already reported) the layer is empty, not an error.
    minx, miny, maxx, maxy = (float(v) for v in borders.total_bounds) if features else (
        REGION_BOUNDS[0][1], REGION_BOUNDS[0][0], REGION_BOUNDS[1][1], REGION_BOUNDS[1][0])
    return CountryLayer(
        {"type": "FeatureCollection", "features": features}, [[miny, minx], [maxy, maxx]],
        name=metric.title,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.75,
                                  "color": "#000000" if f["properties"]["outlined"] else "#444444",
                                  "weight": 3 if f["properties"]["outlined"] else 0.8,
                                  "dashArray": "7 4" if f["properties"]["outlined"] else None},
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "status", "detail", *(["all"] if summaries is not None else [])],
            aliases=[esc(tr("Country")), esc(tr(metric.title)), esc(tr("Details")),
                     *([esc(tr("On this date"))] if summaries is not None else [])],
            style="max-width: 340px; white-space: normal;") if features else None,
    )


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


class EventMarkers(InertMacro):
    """One circle marker per event, coloured by category, with a tooltip and a popup.

    The events travel as one compact JSON array; the browser builds tooltips and popups as DOM
    nodes with textContent, so no text from the data is ever parsed as HTML, and only http(s)
    URLs become links (checked here and again in the browser).
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
      var map = {{ this._parent.get_name() }};
      var cats = {{ this.categories | tojson }}, rows = {{ this.rows | tojson }};
      var layer = L.featureGroup().addTo(map);
      function el(tag, text, cls) {
        var e = document.createElement(tag);
        if (text !== undefined) e.textContent = text;
        if (cls) e.className = cls;
        return e;
      }
      function host(url) {
        try { return new URL(url).hostname.replace(/^www[.]/, ""); } catch (e) { return url; }
      }
      function popup(r, cat) {
        var d = el("div", undefined, "event-popup"), s = el("small", {{ this.sources_label | tojson }});
        d.appendChild(el("b", r[4]));
        if (r[9]) d.appendChild(el("small", " " + r[9], "fallback"));
        d.appendChild(el("div", r[3] + " · " + cat[0] + " · " + r[5]));
        (r[12] || []).forEach(function (line) { d.appendChild(el("div", line, "event-detail")); });
        d.appendChild(el("p", r[6]));
        r[7].forEach(function (url, i) {
          if (i) s.appendChild(document.createTextNode(" · "));
          if (/^https?:[/][/]/i.test(url)) {
            var a = el("a", host(url));
            a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
            s.appendChild(a);
          } else {
            s.appendChild(document.createTextNode(url));
          }
        });
        d.appendChild(s);
        return d;
      }
      rows.forEach(function (r) {
        var cat = cats[r[2]], hollow = !!r[11];
        // hollow: placed or dated only roughly; a ring in the type's colour, dashed
        var m = L.circleMarker([r[0], r[1]], {radius: r[10] || 7, weight: hollow ? 2.5 : 1.5,
                                              color: hollow ? cat[1] : "#222222",
                                              dashArray: hollow ? "4 3" : null,
                                              fillColor: hollow ? "#ffffff" : cat[1],
                                              fillOpacity: hollow ? 0.5 : 0.85});
        m.feature = {type: "Feature", geometry: {type: "Point"},
                     properties: {id: r[8], category: cat[0], deaths: r[13], hollow: hollow}};
        m.bindTooltip(function () {
          return el("span", r[3] + " · " + cat[0] + ": " + r[4] + (r[14] ? " · " + r[14] : ""));
        });
        m.bindPopup(function () { return popup(r, cat); }, {maxWidth: 320});
        layer.addLayer(m);
      });
      (window.eventMarkers = window.eventMarkers || []).push(layer);
    })();
    {% endmacro %}
    """)

    def __init__(self, events: pd.DataFrame,
                 palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                 tr: Translate = english, lang: str = "en", by: str = "category") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "EventMarkers"
        codes = list(palette)
        imported = by != "category"  # the user's events: coloured by their own types, sized
        label = (lambda t: t) if imported else tr  # by fatalities, their type names as written
        self.categories = [[label(palette[c][0]), palette[c][1]] for c in codes]
        self.sources_label = tr("Sources:") + " "
        points = _spread(zip(events["lat"], events["lon"], strict=True))
        rough = imprecise(events) if imported else pd.Series(False, index=events.index)
        self.rows = []
        for r, (lat, lon), hollow in zip(events.to_dict("records"), points, rough, strict=True):
            text = localised(r, lang, tr)
            row: list[object] = [round(lat, 4), round(lon, 4), codes.index(r[by]),
                                 f"{r['date']:%Y-%m-%d}", text.title, text.place, text.summary,
                                 http_urls(str(r["sources"])), str(r["id"]), text.fallback]
            if imported:
                deaths = _count(r.get("deaths"))
                row += [death_radius(deaths), bool(hollow),
                        details(r, tr, lang), deaths,
                        deaths_text(deaths, tr, lang) if deaths is not None else ""]
            self.rows.append(row)


def deaths_text(deaths: int, tr: Translate = english, lang: str = "en") -> str:
    """'1 death' / '12 deaths' in the page's language."""
    return (tr("{count} death") if deaths == 1 else tr("{count} deaths")).format(
        count=number(deaths, lang))


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
        text = deaths_text(deaths, tr, lang)
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


class AggregatedEvents(InertMacro):
    """Many events as counts per screen cell, re-binned in the browser on every zoom and pan.

    Coordinates and categories travel as base64 typed arrays (5 bytes an event), and the cells
    are drawn on a canvas, so 100,000 events stay light to send and quick to draw. Tooltips
    give each cell's count by category; no text from the data is sent.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
      var parent = {{ this._parent.get_name() }}, map = null;
      function decode(b64, Type) {
        var bin = atob(b64), bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return new Type(bytes.buffer);
      }
      var lat = decode("{{ this.lat }}", Int16Array), lon = decode("{{ this.lon }}", Int16Array);
      var cat = decode("{{ this.cat }}", Uint8Array), deaths = decode("{{ this.deaths }}", Uint32Array);
      var killed = {{ this.killed | tojson }}, withDeaths = {{ this.with_deaths | tojson }};
      var scale = {{ this.scale }}, colours = {{ this.colours | tojson }},
          labels = {{ this.labels | tojson }}, cell = 44,
          one = {{ this.one | tojson }}, many = {{ this.many | tojson }}, lang = {{ this.lang | tojson }};
      var renderer = L.canvas({padding: 0.3}), layer = L.layerGroup();
      (window.aggregatedEvents = window.aggregatedEvents || []).push({count: lat.length, layer: layer,
                                                                      deaths: deaths});
      function redraw() {
        layer.clearLayers();
        var zoom = map.getZoom(), bounds = map.getBounds().pad(0.3), cells = new Map();
        for (var i = 0; i < lat.length; i++) {
          var ll = L.latLng(lat[i] / scale, lon[i] / scale);
          if (!bounds.contains(ll)) continue;
          var p = map.project(ll, zoom), key = Math.floor(p.x / cell) + ":" + Math.floor(p.y / cell);
          var c = cells.get(key);
          if (!c) { c = {n: 0, d: 0, lat: 0, lon: 0, cats: labels.map(function () { return 0; })};
                    cells.set(key, c); }
          c.n++; c.d += deaths[i]; c.lat += ll.lat; c.lon += ll.lng; c.cats[cat[i]]++;
        }
        cells.forEach(function (c) {
          var top = c.cats.indexOf(Math.max.apply(null, c.cats));
          var lines = [];
          c.cats.forEach(function (n, k) { if (n) lines.push(labels[k] + ": " + n.toLocaleString(lang)); });
          L.circleMarker([c.lat / c.n, c.lon / c.n], {
            renderer: renderer, radius: c.n === 1 ? 5 : Math.min(26, 6 + 3 * Math.log2(c.n)),
            color: "#222", weight: 1, fillColor: colours[top], fillOpacity: 0.85
          }).bindTooltip("<b>" + c.n.toLocaleString(lang) + " " + (c.n === 1 ? one : many) + "</b>" +
                         (withDeaths ? " · " + killed.replace("{count}", c.d.toLocaleString(lang)) : "") +
                         "<br>" + lines.join("<br>")).addTo(layer);
        });
      }
      // The cells follow the map the layer is on: the parent may be a layer group that is
      // swapped in and out of the page's map on every rerun.
      layer.on("add", function () { map = layer._map; map.on("zoomend moveend", redraw); redraw(); });
      layer.on("remove", function () { if (map) { map.off("zoomend moveend", redraw); } map = null; });
      layer.addTo(parent);
    })();
    {% endmacro %}
    """)

    def __init__(self, events: pd.DataFrame,
                 palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                 tr: Translate = english, lang: str = "en", by: str = "category") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AggregatedEvents"
        self.lang = lang  # counts are grouped the language's way ('1,234' / '1 234')
        codes = list(palette)
        self.scale = COORD_SCALE
        self.lat = _b64(np.round(events["lat"].to_numpy() * COORD_SCALE).astype("<i2"))
        self.lon = _b64(np.round(events["lon"].to_numpy() * COORD_SCALE).astype("<i2"))
        self.cat = _b64(pd.Categorical(events[by], categories=codes).codes.astype("u1"))
        # fatalities per event (none recorded: 0), 4 bytes an event, summed per cell
        self.with_deaths = by != "category" and "deaths" in events.columns
        deaths = (pd.to_numeric(events["deaths"], errors="coerce").fillna(0).clip(0, 2**32 - 1)
                  if self.with_deaths else pd.Series(0, index=events.index))
        self.deaths = _b64(deaths.to_numpy().astype("<u4"))
        self.killed = esc(tr("{count} deaths"))
        self.colours = [palette[c][1] for c in codes]
        # Tooltips are HTML: the labels are escaped (the user's type names as written).
        label = tr if by == "category" else (lambda t: t)
        self.labels = [esc(label(palette[c][0])) for c in codes]
        self.one, self.many = esc(tr("event")), esc(tr("events"))


def events_on_map(events: pd.DataFrame, palette: Mapping[str, tuple[str, str]] = EVENT_CATEGORIES,
                  tr: Translate = english, lang: str = "en",
                  by: str = "category") -> EventMarkers | AggregatedEvents:
    """Markers with popups for up to DETAIL_LIMIT events; counts per cell beyond that. `by`
    names the column the palette's keys are values of: the user's events go by their `kind`,
    sized by fatalities."""
    if len(events) <= DETAIL_LIMIT:
        return EventMarkers(events, palette, tr, lang, by)
    return AggregatedEvents(events, palette, tr, lang, by)


def upload_palette(uploaded: pd.DataFrame, tr: Translate = english) -> dict[str, tuple[str, str]]:
    """The colours of the user's event types (geo.imported.kind_colours), keyed by type; an
    event with no type is labelled so."""
    return {k: (k or tr(NO_KIND), colour) for k, colour in kind_colours(uploaded).items()}


def upload_markers(shown: pd.DataFrame, uploaded: pd.DataFrame, tr: Translate = english,
                   lang: str = "en") -> EventMarkers | AggregatedEvents:
    """The user's events that are shown, coloured by type with the whole file's colours; the
    types beyond the seven coloured ones share one grey class (so a file of a thousand types
    still fits the map's one-byte class codes)."""
    palette = {k: v for k, v in upload_palette(_with_kind(uploaded), tr).items()
               if v[1] != OTHER_KIND_COLOUR}
    shown = _with_kind(shown)
    key = shown["kind"].where(shown["kind"].isin(list(palette)), OTHER_KEY)
    if (key == OTHER_KEY).any():
        palette[OTHER_KEY] = (tr("Other types"), OTHER_KIND_COLOUR)
    return events_on_map(shown.assign(type_key=key), palette, tr, lang, by="type_key")


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
            ("dot size", "#bbbbbb", deaths_text(n, tr, lang), f"{2 * death_radius(n):g}")
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
        var html = '<div class="force-badge" style="background:' + b.colour + ';color:' + b.text_colour +
                   '">' + b.code + '</div>';
        L.marker([b.lat, b.lon], {icon: L.divIcon({className: 'force-icon', html: html,
                                                   iconSize: [26, 18], iconAnchor: [13, 9]})})
          .bindTooltip(b.text).addTo(group);
      });
    })();
    {% endmacro %}
    """)

    def __init__(self, badges: list[dict[str, object]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Badges"
        self.badges = badges


def forces_layer(forces: pd.DataFrame, borders: gpd.GeoDataFrame, tr: Translate = english) -> Badges:
    """A lettered badge per foreign force present, in a row inside its country."""
    anchors = borders.set_index("iso3").geometry.representative_point()
    badges: list[dict[str, object]] = []
    for iso3, rows in forces.sort_values(["iso3", "dimension"]).groupby("iso3"):
        point = anchors[iso3]
        for k, (dim, value, start) in enumerate(zip(rows["dimension"], rows["value"], rows["since"],
                                                    strict=True)):
            text = tr("{power}: {forces} present {since}").format(
                power=tr(FORCE_LABELS[dim]), forces=tr(VALUE_LABELS[(dim, value)]),
                since=since_text(start, tr))
            badges.append({"lat": round(point.y - 0.9, 3),
                           "lon": round(point.x + (k - (len(rows) - 1) / 2) * 1.4, 3),
                           "code": FORCE_CODES[dim], "colour": FORCE_COLOURS[dim],
                           "text_colour": text_colour(FORCE_COLOURS[dim]),
                           "text": esc(text), "iso3": iso3})
    return Badges(badges)


class LegendStyle(MacroElement):
    """The legend's and the force badges' CSS, in the base map's header (it never changes)."""

    _template = Template("""
    {% macro header(this, kwargs) %}
    <style>
      .map-legend {position: absolute; z-index: 1000; left: 10px; bottom: 28px;
        background: rgba(255,255,255,0.95); padding: 4px 8px; border-radius: 4px;
        font: 11px/1.3 sans-serif; color: #111; box-shadow: 0 1px 4px rgba(0,0,0,.3);
        max-width: 40%; max-height: 55%; overflow-y: auto;}
      .map-legend summary {cursor: pointer; font-weight: bold;}
      .map-legend h4 {margin: 3px 0 2px; font-size: 11px;}
      .map-legend i {display: inline-block; width: 11px; height: 11px; margin-right: 4px;
        vertical-align: -2px; border: 1px solid #444;}
      .map-legend i.dot {border-radius: 50%;}
      .map-legend i.outline {border: 2px dashed #000;}
      .map-legend i.size {vertical-align: middle; margin: 1px 6px 1px 0;}
      .map-legend i.hollow {border: 2px dashed #444;}
      .event-popup .event-detail {margin-top: 2px;}
      .map-note {position: absolute; z-index: 1000; top: 10px; left: 50px; padding: 3px 8px;
        background: rgba(255,255,255,0.95); border-radius: 4px; color: #111;
        font: 12px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 60%;}
      .map-stamp {position: absolute; z-index: 1000; top: 10px; right: 10px; padding: 2px 10px;
        background: rgba(255,255,255,0.9); border-radius: 4px; color: #111;
        font: bold 26px/1.3 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);}
      .place-label {background: transparent; border: 0; box-shadow: none; padding: 0 2px;
        font: 11px/1.2 sans-serif; color: #111; white-space: nowrap;
        text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;}
      .place-label.capital {font-weight: bold;}
      .place-label::before {display: none;}
      .hide-city-labels .place-label.city {display: none;}
      .hide-capital-labels .place-label.capital {display: none;}
      .force-badge {color: #fff; font: bold 11px/18px sans-serif; text-align: center;
        border-radius: 3px; border: 1px solid #fff; box-shadow: 0 0 2px #000;}
    </style>
    {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LegendStyle"


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
