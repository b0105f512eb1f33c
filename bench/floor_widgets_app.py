"""Streamlit's floor with the situation page's kinds of elements: the floor page's one small
st_folium map, then one element of each kind the situation page shows on its first screen
(title, headline figures, expander, the sidebar's radio, date fields, multiselect, menu and
check box, a toggle; the month slider and change buttons are on the situation map itself).
The browser fetches the code of each kind of element when one first arrives, a few files at a
time; this page pays that cost and nothing else, so the dashboard's first draw against it is
the dashboard's own cost.
"""

import sys
from datetime import date
from pathlib import Path

import folium
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.page import show_map
from geo.layers import base_map, layer_group
from geo.situation import LayeredMap

SQUARE = {"type": "Feature", "properties": {"iso3": "FLR"},
          "geometry": {"type": "Polygon",
                       "coordinates": [[[-2, 12], [2, 12], [2, 16], [-2, 16], [-2, 12]]]}}

st.title("Floor with the page's elements")
country = folium.GeoJson(SQUARE, style_function=lambda f: {"fillColor": "#d95f02"})
show_map(LayeredMap("floor_map", base_map("floor_map"), (layer_group("countries", country),)),
         height=620)
for column in st.columns(4):
    column.metric("Military rule", 3, help="Mali, Burkina Faso, Niger")
    column.caption("Mali, Burkina Faso, Niger")
with st.expander("Change over time"):
    pass
with st.sidebar:
    st.radio("Language", ["English", "Français"], horizontal=True)
    st.date_input("As of", value=date(2020, 1, 1), format="YYYY-MM-DD", help="The day shown")
    st.date_input("Events between", value=(date(2020, 1, 1), date(2020, 3, 31)),
                  format="YYYY-MM-DD")
    st.multiselect("Event categories", ["Coups", "Attacks"])
    st.selectbox("Colour countries by", ["Regime", "ECOWAS status"])
    st.checkbox("Events", value=True)
st.toggle("Prepare this map as a file")
