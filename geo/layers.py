"""folium layer builders: GeoDataFrames and tables in, folium objects out.

Every text that comes from data is HTML-escaped here, because folium's tooltips and popups put
strings into the page with innerHTML. Only http(s) URLs become links.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from urllib.parse import urlparse

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.assets import use_local_assets
from geo.metrics import Metric, since_text
from geo.vocabulary import EVENT_CATEGORIES, FORCE_CODES, FORCE_COLOURS, FORCE_LABELS, VALUE_LABELS

# West Africa, from Cabo Verde to Lake Chad and from the Gulf of Guinea to southern Algeria.
WEST_AFRICA_BOUNDS = [[3.5, -25.5], [27.5, 16.0]]
BASEMAP = "OpenStreetMap"  # optional: tiles fail harmlessly (grey) with no internet
SPREAD_DEG = 0.3  # spacing of events that share one place, so each stays clickable


def esc(text: object) -> str:
    """HTML-escape any value for the page or the map (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def source_links(sources: str) -> str:
    """Escaped links for the http(s) URLs in a space-separated list; anything else as plain text."""
    parts = []
    for url in str(sources).split():
        if urlparse(url).scheme in ("http", "https"):
            host = urlparse(url).netloc.removeprefix("www.")
            parts.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
                         f"{esc(host)}</a>")
        else:
            parts.append(esc(url))
    return " · ".join(parts)


def base_map(basemap: bool) -> folium.Map:
    """An empty map framed on West Africa that needs nothing from the internet."""
    # No zoom animation: the component iframe starts hidden, and an animation begun there never
    # ends, leaving vector layers stuck at a scaled-up size.
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, min_zoom=3, zoom_animation=False)
    use_local_assets(m)
    if basemap:
        folium.TileLayer(BASEMAP, name="Basemap", control=False).add_to(m)
    m.fit_bounds(WEST_AFRICA_BOUNDS)
    return m


def choropleth_layer(borders: gpd.GeoDataFrame, classes: pd.DataFrame, metric: Metric,
                     outlined: frozenset[str] = frozenset(), outline_note: str = "") -> folium.GeoJson:
    """Countries filled by their class; tooltip gives name, status and since when.

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
                "name": esc(row.name),
                "status": esc(row.label),
                "detail": esc("; ".join(t for t in (row.detail, outline_note if row.iso3 in outlined
                                                              else "") if t)),
                "fill": row.colour,
                "outlined": row.iso3 in outlined,
            },
        })
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=metric.title,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.75,
                                  "color": "#000000" if f["properties"]["outlined"] else "#444444",
                                  "weight": 3 if f["properties"]["outlined"] else 0.8,
                                  "dashArray": "7 4" if f["properties"]["outlined"] else None},
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "status", "detail"],
                                      aliases=["Country", metric.title, "Details"]),
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


def event_popup(row: pd.Series) -> str:
    """Escaped popup HTML: date, category, title, place, summary and source links."""
    label = EVENT_CATEGORIES[row["category"]][0]
    return (f'<div class="event-popup"><b>{esc(row["title"])}</b><br>'
            f'{row["date"]:%Y-%m-%d} · {esc(label)} · {esc(row["place"])}'
            f"<p>{esc(row['summary'])}</p><small>Sources: {source_links(row['sources'])}</small></div>")


def events_layer(events: pd.DataFrame) -> folium.GeoJson:
    """One circle marker per event, coloured by category, with a popup citing its sources."""
    points = _spread(zip(events["lat"], events["lon"], strict=True))
    features = []
    for (_, row), (lat, lon) in zip(events.iterrows(), points, strict=True):
        label, colour = EVENT_CATEGORIES[row["category"]]
        features.append({
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
            "properties": {
                "category": row["category"],
                "colour": colour,
                "tooltip": esc(f"{row['date']:%Y-%m-%d} · {label}: {row['title']}"),
                "popup": event_popup(row),
            },
        })
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Events",
        marker=folium.CircleMarker(radius=7, weight=1.5, color="#222222", fill=True,
                                   fill_opacity=0.95),
        style_function=lambda f: {"fillColor": f["properties"]["colour"]},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=320),
    )


class Badges(MacroElement):
    """Lettered badges (FR, RU, US) drawn from one JSON array: one template, one loop in JS.

    Cheaper to build and send than one folium.Marker per badge, and needs no icon images.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    (function () {
      var group = L.featureGroup().addTo({{ this._parent.get_name() }});
      {{ this.badges | tojson }}.forEach(function (b) {
        var html = '<div class="force-badge" style="background:' + b.colour + '">' + b.code + '</div>';
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


def forces_layer(forces: pd.DataFrame, borders: gpd.GeoDataFrame) -> Badges:
    """A lettered badge per foreign force present, in a row inside its country."""
    anchors = borders.set_index("iso3").geometry.representative_point()
    badges: list[dict[str, object]] = []
    for iso3, rows in forces.sort_values(["iso3", "dimension"]).groupby("iso3"):
        point = anchors[iso3]
        for k, (dim, value, start) in enumerate(zip(rows["dimension"], rows["value"], rows["start"],
                                                    strict=True)):
            text = (f"{FORCE_LABELS[dim]}: {VALUE_LABELS[(dim, value)]} present "
                    f"{since_text(start)}")
            badges.append({"lat": round(point.y - 0.9, 3),
                           "lon": round(point.x + (k - (len(rows) - 1) / 2) * 1.4, 3),
                           "code": FORCE_CODES[dim], "colour": FORCE_COLOURS[dim],
                           "text": esc(text), "iso3": iso3})
    return Badges(badges)


class Legend(MacroElement):
    """A static legend in the map's corner: plain HTML and CSS, no d3 or branca colormap."""

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
      .force-badge {color: #fff; font: bold 11px/18px sans-serif; text-align: center;
        border-radius: 3px; border: 1px solid #fff; box-shadow: 0 0 2px #000;}
    </style>
    {% endmacro %}
    {% macro html(this, kwargs) %}
    <details class="map-legend" id="map-legend" open><summary>Legend</summary>{{ this.body }}</details>
    {% endmacro %}
    """)

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        parts = []
        for title, entries in sections:
            parts.append(f"<h4>{esc(title)}</h4>")
            for shape, colour, label in entries:
                parts.append(f'<div><i class="{esc(shape)}" style="background:{esc(colour)}"></i>'
                             f"{esc(label)}</div>")
        self.body = "".join(parts)


def legend_sections(metric: Metric | None, categories: Iterable[str], forces: bool,
                    outline_label: str = "") -> list[tuple[str, list[tuple[str, str, str]]]]:
    """What the legend lists for the layers that are on."""
    sections = []
    if metric is not None:
        entries = [("box", c.colour, c.label) for c in metric.classes]
        if outline_label:
            entries.append(("box outline", "transparent", outline_label))
        sections.append((metric.title, entries))
    cats = [("dot", EVENT_CATEGORIES[c][1], EVENT_CATEGORIES[c][0]) for c in categories]
    if cats:
        sections.append(("Events", cats))
    if forces:
        sections.append(("Forces (badges)", [("box", FORCE_COLOURS[d], f"{FORCE_CODES[d]} {FORCE_LABELS[d]}")
                                            for d in FORCE_COLOURS]))
    return sections


def features_of(layer: folium.GeoJson) -> list[dict[str, object]]:
    """The GeoJSON features a layer carries (used by tests and exports)."""
    data = layer.data
    return list(json.loads(data)["features"] if isinstance(data, str) else data["features"])
