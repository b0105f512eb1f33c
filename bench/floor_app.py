"""Streamlit's floor for the browser figures: a page holding one small st_folium map.

Same Leaflet (served by the app from bench/static, a link to static/), same st_folium call as
the dashboard, nothing else but a "Next change" button that recolours the map's one country
through a rerun, swapping its layer as the dashboard does. The bench loads it and clicks it
like the dashboard, so the difference between the two is the dashboard's own cost on the
machine as it is during that run.
"""

import sys
from pathlib import Path

import folium
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.page import show_map
from geo.layers import base_map, layer_group
from geo.situation import LayeredMap

COLOURS = ("#d95f02", "#7570b3")
SQUARE = {"type": "Feature", "properties": {"iso3": "FLR"},
          "geometry": {"type": "Polygon",
                       "coordinates": [[[-2, 12], [2, 12], [2, 16], [-2, 16], [-2, 12]]]}}


def _next() -> None:
    st.session_state["changes"] = st.session_state.get("changes", 0) + 1


st.button("Next change ▶", on_click=_next)
colour = COLOURS[st.session_state.get("changes", 0) % 2]
country = folium.GeoJson(SQUARE, style_function=lambda f: {"fillColor": colour})
show_map(LayeredMap("floor_map", base_map("floor_map"), (layer_group("countries", country),)),
         height=620)
