"""The maps of each page, built for one view from the facts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import folium
import pandas as pd
from branca.element import MacroElement

from geo.alignments import alignment_classes
from geo.changes import changes_between
from geo.engine import Events, Selection
from geo.facts import Facts, country_names, name_column, places_in
from geo.flares import MIN_DEATHS, MIN_EVENTS, RATIO, flare_events, flares, has_admin1, recent
from geo.i18n import N_, Translate, english, long_date, month_label, translator
from geo.layers import (
    FLARE_RULE,
    PLAY_FROM,
    PLAY_UNTIL,
    BrowserCall,
    PageData,
    RingLayer,
    base_map,
    borders_layer,
    cast_legend,
    cast_rings,
    choropleth_layer,
    event_set,
    events_in_set,
    events_on_map,
    flare_legend,
    flare_rings,
    forces_layer,
    layer_group,
    legend_layer,
    legend_sections,
    play_set,
    shapes_set,
    tiles_layer,
    upload_layer,
    upload_legend,
)
from geo.metrics import METRICS, classify, status_summaries
from geo.timeline import DateWindow, events_in_view, forces_on, headline_on
from geo.timemodel import day_number
from geo.viewstate import ViewState
from geo.vocabulary import COVERAGE_START

MILITARY_OUTLINE = N_("Under military rule on the as-of date")
CHANGED_OUTLINE = N_("Status changed since {date}")


@dataclass(frozen=True)
class LayeredMap:
    """A page's map: a base that is the same on every rerun, and the layers that depend on the
    view (date, window, filters, metric, language), which st_folium swaps on the same Leaflet
    map (feature_group_to_add) so the reader's zoom and centre stay."""

    key: str  # the page's map: the st_folium key, and the name its view is remembered by
    base: folium.Map
    layers: tuple[folium.FeatureGroup, ...]
    sets: tuple[PageData, ...] = ()  # shapes and events the map names, sent once beside it

    def whole(self) -> folium.Map:
        """Everything on one map: the offline export, which has no reruns."""
        for data in self.sets:
            BrowserCall("register", data.id, data.data).add_to(self.base)
        for layer in self.layers:
            layer.add_to(self.base)
        return self.base


def _layered(key: str, facts: Facts, basemap: bool, bounds: list[list[float]] | None = None,
             tr: Translate = english, sets: tuple[PageData, ...] = (), lang: str = "en",
             **groups: MacroElement | None) -> LayeredMap:
    """A page's map: the country shapes and places on its base, the basemap tiles (if on)
    under the named layers, in order (None: off)."""
    shapes = shapes_set(facts.borders) if len(facts.borders) else None
    out = [tiles_layer(tr)] if basemap else []
    out += [layer_group(name, layer) for name, layer in groups.items() if layer is not None]
    return LayeredMap(key, base_map(key, places_in(facts.places, lang), bounds,
                                    shapes.id if shapes else None),
                      tuple(out), ((shapes,) if shapes is not None else ()) + sets)


def uploaded_in_view(uploaded: Events | None, view: ViewState) -> Selection | None:
    """Which of the user's events the view shows (None when there are none or the layer is
    off): in the window and countries, and of the types, actors, fatalities and precision
    kept. A question for the engine (geo.engine), not the events themselves."""
    if uploaded is None or "upload" not in view.layers:
        return None
    return Selection(view.window.start, view.window.end, view.countries, view.upload)


def situation_map(facts: Facts, view: ViewState, uploaded: Events | None = None,
                  key: str = "situation_map",
                  bounds: list[list[float]] | None = None, timeline: PageData | None = None,
                  by_metric: bool = True, forecasts: pd.DataFrame | None = None) -> LayeredMap:
    """The situation map: layers that are on, as things stood on the view's date.

    `uploaded` are the user's own events (shown when the upload layer is on); `key` names the
    map and `bounds` frame it (default: the region). With `timeline` (geo.layers.timeline_set)
    the map recolours itself as soon as the reader moves the date or the metric; with
    `by_metric` (the situation page) it draws its time control (coupbelt.js timeControl:
    scrubber, changes of the metric shown, metric menu, playback), else it follows the page's
    date controls, which step by any status's changes. `forecasts` (geo.sources.cast_forecasts)
    are drawn as rings at their admin1's events in `uploaded`.
    """
    tr = translator(view.lang)
    metric = None
    countries: MacroElement | None = None
    sets: list[PageData] = []
    note = ""  # the outline's meaning, in the tooltips and the legend, when comparing
    if "choropleth" in view.layers and len(facts.borders):
        metric = METRICS[view.metric]
        classes = classify(view.metric, facts.borders["iso3"], facts.status, facts.coups,
                           view.as_of, tr, facts.checked)
        changed: frozenset[str] = frozenset()
        if view.compare is not None:
            changed = frozenset(changes_between(facts.status, view.compare, view.as_of)["iso3"])
            note = tr(CHANGED_OUTLINE).format(date=long_date(view.compare, view.lang))
        follow = None
        if timeline is not None:
            sets.append(timeline)
            follow = {"set": timeline.id, "day": day_number(view.as_of), "metric": view.metric,
                      "byMetric": by_metric}
            if by_metric:  # the situation map: its time control is on the map
                follow["ui"] = time_control_labels(tr, view.lang)
                # its compare field: the second date (day number), or None
                follow["compare"] = None if view.compare is None else day_number(view.compare)
        countries = choropleth_layer(facts.borders, classes, metric, changed, note, tr=tr,
                                     name_column=name_column(view.lang),
                                     summaries=status_summaries(facts.status, view.as_of, tr, facts.checked),
                                     follow=follow)
    elif len(facts.borders):
        countries = borders_layer()  # colours off: the borders still orient
    categories: tuple[str, ...] = ()
    events = None
    # With the time control on the map, playback shows each frame's events (the window's
    # length, ending on the frame's day), picked in the browser from what the page holds.
    playing = timeline is not None and by_metric and countries is not None and metric is not None
    window_days = (view.window.end - view.window.start).days + 1
    if "events" in view.layers and view.categories:
        categories = view.categories
        shown = events_in_view(facts.events, view.window, categories, view.countries)
        playable = (events_in_view(facts.events, DateWindow(PLAY_FROM, PLAY_UNTIL), categories,
                                   view.countries).index if playing else None)
        if len(shown) or (playable is not None and len(playable)):
            if facts.events.index.is_unique:  # the page holds the events; the layer picks
                sets.append(event_set(facts.events, tr=tr, lang=view.lang, outlets=facts.outlets))
                events = events_in_set(facts.events, shown.index, sets[-1], tr=tr, lang=view.lang,
                                       outlets=facts.outlets, playable=playable,
                                       window_days=window_days)
            elif len(shown):
                events = events_on_map(shown, tr=tr, lang=view.lang, outlets=facts.outlets)
    mine = uploaded_in_view(uploaded, view)
    upload = None
    if mine is not None and uploaded is not None and (uploaded.count(mine) or playing):
        play = play_set(uploaded, mine, tr, view.lang) if playing else None
        if play is not None:
            sets.append(play)
        upload = upload_layer(uploaded, mine, tr, view.lang, play, window_days)
    forces = "forces" in view.layers and len(facts.borders) > 0
    badges = (forces_layer(forces_on(facts.status, view.as_of), facts.borders, tr, facts.places)
              if forces else None)
    flaring = (flares_layer(facts, view, uploaded, tr)
               if "flares" in view.layers else None)
    expected, month = None, ""
    if forecasts is not None and len(forecasts) and uploaded is not None:
        first = forecasts.iloc[0]
        month = month_label(date(int(first["year"]), int(first["month"]), 1), view.lang)
        places = (uploaded.query("SELECT iso3, coalesce(CAST(admin1 AS VARCHAR), '') AS admin1, "
                                 "avg(lat) AS lat, avg(lon) AS lon FROM events GROUP BY 1, 2")
                  .to_pandas() if "admin1" in uploaded.columns else pd.DataFrame())
        expected = cast_rings(forecasts, places, country_names(facts, view.lang), month, tr,
                              view.lang)
    legend = legend_layer(legend_sections(
        metric, categories, forces, note, tr=tr, lang=view.lang,
        upload=upload_legend(uploaded, mine, tr, view.lang) if (
            mine is not None and uploaded is not None) else None) + flare_legend(flaring, tr)
        + cast_legend(expected, month, tr), tr("Legend"))
    return _layered(key, facts, "basemap" in view.layers, bounds,
                    tr=tr, sets=tuple(sets), lang=view.lang, countries=countries,
                    events=events, upload=upload, forces=badges, flares=flaring, cast=expected,
                    legend=legend)


def flares_layer(facts: Facts, view: ViewState, uploaded: Events | None,
                 tr: Translate) -> RingLayer | None:
    """What is flaring on the view's date (geo.flares), as rings: per country, and per admin1
    where the events name one; from the user's events when there are, else the curated ones."""
    events = flare_events(facts.events, uploaded, view.countries)
    if not len(events):
        return None
    tables = {"country": flares(events, view.as_of, "country")}
    if has_admin1(events):
        tables["admin1"] = flares(events, view.as_of, "admin1")
    window = recent(events, view.as_of)
    rule = tr(FLARE_RULE).format(ratio=f"{RATIO:g}", min=MIN_EVENTS, min_deaths=MIN_DEATHS)
    return flare_rings(tables, window, facts.borders, country_names(facts, view.lang),
                       long_date(view.as_of, view.lang), rule, tr, view.lang)


def time_control_labels(tr: Translate, lang: str) -> dict[str, str]:
    """The texts of the map's time control (coupbelt.js timeControl), in the page's language."""
    return {
        "locale": "fr-FR" if lang == "fr" else "en-GB",
        "date": tr("Date shown on the map"),
        "previous": tr("◀ Previous change"), "next": tr("Next change ▶"),
        "play": tr("▶ Play"), "pause": tr("⏸ Pause"), "playPause": tr("Play or pause"),
        "metric": tr("Colour countries by"), "speed": tr("Frames per second"),
        "step": tr("Each frame moves"), "fps": tr("{n} per second"),
        "byChange": tr("to the next change"), "byWeek": tr("a week"), "byMonth": tr("a month"),
        "settled": tr("Playing: the figures below the map are for {date}. Pause to stop here."),
        "compare": tr("Compare"),
        "compareDate": tr("Compare with this date: countries whose status changed in between "
                          "are outlined"),
        "compareOpen": tr("Compare the date shown with a second date"),
        "compareClear": tr("Stop comparing"),
    }


def country_bounds(borders: pd.DataFrame, iso3: str) -> list[list[float]]:
    """[[south, west], [north, east]] of one country, with a margin that shows its neighbours."""
    west, south, east, north = (float(v) for v in borders[borders["iso3"] == iso3].total_bounds)
    pad = max(0.5, 0.1 * max(east - west, north - south))
    return [[south - pad, west - pad], [north + pad, east + pad]]


def country_map(facts: Facts, view: ViewState, iso3: str,
                timeline: PageData | None = None) -> LayeredMap:
    """One country's map: framed on it, its neighbours coloured by the view's metric for
    context, and its events from 2020 up to the as-of date (recoloured at once from `timeline`
    as the reader moves the date)."""
    shown = replace(view, window=DateWindow(COVERAGE_START, view.as_of), countries=(iso3,),
                    compare=None)
    return situation_map(facts, shown, key=f"country_map_{iso3.lower()}",
                         bounds=country_bounds(facts.borders, iso3), timeline=timeline,
                         by_metric=False)


def coups_map(facts: Facts, view: ViewState) -> LayeredMap:
    """Successful coups up to the date by country; countries under military rule outlined."""
    tr = translator(view.lang)
    metric = METRICS["coups"]
    classes = classify("coups", facts.borders["iso3"], facts.status, facts.coups, view.as_of, tr,
                       facts.checked)
    military = frozenset(headline_on(facts.status, view.as_of).military)
    countries = choropleth_layer(facts.borders, classes, metric, military, tr(MILITARY_OUTLINE),
                                 tr, name_column(view.lang),
                                 status_summaries(facts.status, view.as_of, tr, facts.checked))
    legend = legend_layer(legend_sections(metric, (), False, MILITARY_OUTLINE, tr=tr),
                          tr("Legend"))
    return _layered("coups_map", facts, "basemap" in view.layers, tr=tr, lang=view.lang,
                    countries=countries, legend=legend)


def alignment_map(facts: Facts, view: ViewState) -> LayeredMap:
    """One alignment (a status dimension or a UN vote) on the view's date."""
    tr = translator(view.lang)
    metric, classes = alignment_classes(view.dimension, facts, view.as_of, tr)
    countries = choropleth_layer(facts.borders, classes, metric, tr=tr,
                                 name_column=name_column(view.lang),
                                 summaries=status_summaries(facts.status, view.as_of, tr, facts.checked))
    legend = legend_layer(legend_sections(metric, (), False, tr=tr), tr("Legend"))
    return _layered("alignment_map", facts, "basemap" in view.layers, tr=tr, lang=view.lang,
                    countries=countries,
                    legend=legend)


def events_map(facts: Facts, events: pd.DataFrame, basemap: bool,
               uploaded: Events | None = None, lang: str = "en",
               chosen: Selection | None = None) -> LayeredMap:
    """The given events and the user's that `chosen` selects (None: all of them), coloured by
    type with the whole set's colours, over plain borders."""
    tr = translator(lang)
    categories = tuple(c for c in dict.fromkeys(events["category"]))
    shown = events_on_map(events, tr=tr, lang=lang, outlets=facts.outlets) if len(events) else None
    upload = upload_layer(uploaded, chosen, tr, lang) if (
        uploaded is not None and uploaded.count(chosen)) else None
    legend = legend_layer(legend_sections(
        None, categories, False, tr=tr, lang=lang,
        upload=upload_legend(uploaded, chosen, tr, lang) if uploaded is not None else None),
        tr("Legend"))
    return _layered("events_map", facts, basemap, tr=tr, lang=lang, countries=borders_layer(),
                    events=shown,
                    upload=upload, legend=legend)
