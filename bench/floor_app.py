"""Streamlit's floor for the browser figure: a page holding one small st_folium map.

Same Leaflet (served by the app from bench/static, a link to static/), same st_folium call as
the dashboard, nothing else. The bench loads it like the dashboard, so the difference between
the two is the dashboard's own cost on the machine as it is during that run.
"""

import sys
from pathlib import Path

import folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.page import show_map
from geo.layers import base_map
from geo.situation import LayeredMap

m = base_map("floor_map")
folium.CircleMarker([14.0, 0.0], radius=8).add_to(m)
show_map(LayeredMap("floor_map", m, ()), height=620)
