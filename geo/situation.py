"""The situation map for one view: the layers that are on, filtered to the view's dates."""

from __future__ import annotations

import folium

from geo.facts import Facts
from geo.layers import (
    Legend,
    base_map,
    choropleth_layer,
    events_layer,
    forces_layer,
    legend_sections,
)
from geo.metrics import METRICS, classify
from geo.timeline import events_between, forces_on
from geo.viewstate import ViewState


def situation_map(facts: Facts, view: ViewState) -> folium.Map:
    """A folium map of `facts` as they stood on the view's date, with its legend."""
    m = base_map(basemap="basemap" in view.layers)
    metric = None
    if "choropleth" in view.layers and len(facts.borders):
        metric = METRICS[view.metric]
        classes = classify(view.metric, facts.borders["iso3"], facts.status, facts.coups,
                           view.as_of)
        choropleth_layer(facts.borders, classes, metric).add_to(m)
    categories: tuple[str, ...] = ()
    if "events" in view.layers and view.categories:
        categories = view.categories
        shown = events_between(facts.events, view.window)
        shown = shown[shown["category"].isin(categories)]
        if len(shown):
            events_layer(shown).add_to(m)
    forces = "forces" in view.layers and len(facts.borders) > 0
    if forces:
        forces_layer(forces_on(facts.status, view.as_of), facts.borders).add_to(m)
    Legend(legend_sections(metric, categories, forces)).add_to(m)
    return m
