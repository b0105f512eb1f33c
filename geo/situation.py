"""The maps of each page, built for one view from the facts."""

from __future__ import annotations

import folium
import pandas as pd

from geo.alignments import alignment_classes
from geo.facts import Facts, name_column
from geo.i18n import N_, translator
from geo.layers import (
    UPLOAD_PALETTE,
    Legend,
    base_map,
    choropleth_layer,
    events_on_map,
    forces_layer,
    legend_sections,
)
from geo.metrics import METRICS, classify
from geo.timeline import events_in_view, forces_on, headline_on
from geo.viewstate import ViewState
from geo.vocabulary import UPLOAD_CATEGORY

MILITARY_OUTLINE = N_("Under military rule on the as-of date")



def uploaded_in_view(uploaded: pd.DataFrame | None, view: ViewState) -> pd.DataFrame | None:
    """The user's events that the view shows (None when there are none or the layer is off)."""
    if uploaded is None or "upload" not in view.layers:
        return None
    return events_in_view(uploaded, view.window, (UPLOAD_CATEGORY,), view.countries)


def situation_map(facts: Facts, view: ViewState,
                  uploaded: pd.DataFrame | None = None) -> folium.Map:
    """The situation map: layers that are on, as things stood on the view's date.

    `uploaded` are the user's own events (shown when the upload layer is on).
    """
    tr = translator(view.lang)
    m = base_map(basemap="basemap" in view.layers)
    metric = None
    if "choropleth" in view.layers and len(facts.borders):
        metric = METRICS[view.metric]
        classes = classify(view.metric, facts.borders["iso3"], facts.status, facts.coups,
                           view.as_of, tr)
        choropleth_layer(facts.borders, classes, metric, tr=tr,
                         name_column=name_column(view.lang)).add_to(m)
    categories: tuple[str, ...] = ()
    if "events" in view.layers and view.categories:
        categories = view.categories
        shown = events_in_view(facts.events, view.window, categories, view.countries)
        if len(shown):
            events_on_map(shown, tr=tr, lang=view.lang).add_to(m)
    mine = uploaded_in_view(uploaded, view)
    if mine is not None and len(mine):
        events_on_map(mine, UPLOAD_PALETTE, tr, view.lang).add_to(m)
    forces = "forces" in view.layers and len(facts.borders) > 0
    if forces:
        forces_layer(forces_on(facts.status, view.as_of), facts.borders, tr).add_to(m)
    Legend(legend_sections(metric, categories, forces, uploaded=0 if mine is None else len(mine),
                           tr=tr, lang=view.lang), tr("Legend")).add_to(m)
    return m


def coups_map(facts: Facts, view: ViewState) -> folium.Map:
    """Successful coups up to the date by country; countries under military rule outlined."""
    tr = translator(view.lang)
    m = base_map(basemap="basemap" in view.layers)
    metric = METRICS["coups"]
    classes = classify("coups", facts.borders["iso3"], facts.status, facts.coups, view.as_of, tr)
    military = frozenset(headline_on(facts.status, view.as_of).military)
    choropleth_layer(facts.borders, classes, metric, military, tr(MILITARY_OUTLINE), tr,
                     name_column(view.lang)).add_to(m)
    Legend(legend_sections(metric, (), False, MILITARY_OUTLINE, tr=tr), tr("Legend")).add_to(m)
    return m


def alignment_map(facts: Facts, view: ViewState) -> folium.Map:
    """One alignment (a status dimension or a UN vote) on the view's date."""
    tr = translator(view.lang)
    m = base_map(basemap="basemap" in view.layers)
    metric, classes = alignment_classes(view.dimension, facts, view.as_of, tr)
    choropleth_layer(facts.borders, classes, metric, tr=tr, name_column=name_column(view.lang)).add_to(m)
    Legend(legend_sections(metric, (), False, tr=tr), tr("Legend")).add_to(m)
    return m


def events_map(facts: Facts, events: pd.DataFrame, basemap: bool,
               uploaded: pd.DataFrame | None = None, lang: str = "en") -> folium.Map:
    """The given events (and the user's, already filtered) over plain borders."""
    tr = translator(lang)
    m = base_map(basemap=basemap)
    folium.GeoJson(facts.borders[["iso3", "geometry"]].to_json(drop_id=True), name="Borders",
                   style_function=lambda f: {"fillColor": "#f4f4f4", "fillOpacity": 0.6,
                                             "color": "#666666", "weight": 0.8},
                   interactive=False).add_to(m)
    categories = tuple(c for c in dict.fromkeys(events["category"]))
    if len(events):
        events_on_map(events, tr=tr, lang=lang).add_to(m)
    if uploaded is not None and len(uploaded):
        events_on_map(uploaded, UPLOAD_PALETTE, tr, lang).add_to(m)
    Legend(legend_sections(None, categories, False,
                           uploaded=0 if uploaded is None else len(uploaded), tr=tr, lang=lang),
           tr("Legend")).add_to(m)
    return m
