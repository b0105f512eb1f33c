"""The straightforward reference dashboard the benchmark compares against (not part of the app).

What a first version typically looks like: it reads the files on every rerun, adds one
folium.Marker per event, colours countries with folium.Choropleth, and calls st_folium with its
defaults. Same data and same view as the dashboard (status on a date, events in a window).
Its map loads Leaflet and friends from CDNs, so it draws only with internet access.

    BENCH_EVENTS=events.csv streamlit run bench/reference_app.py
"""

import os
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

DATA = Path(__file__).resolve().parent.parent / "data"
events = pd.read_csv(os.environ.get("BENCH_EVENTS") or DATA / "events.csv", parse_dates=["date"])
status = pd.read_csv(DATA / "status.csv", parse_dates=["start", "end"])
borders = gpd.read_file(DATA / "borders.geojson")

day = pd.Timestamp(st.date_input("As of", value=pd.Timestamp("2026-11-29"), key="as_of"))
start = pd.Timestamp(st.query_params.get("from", "2020-01-01"))
end = pd.Timestamp(st.query_params.get("to", "2026-11-29"))

regime = status[(status["dimension"] == "regime") & (status["start"] <= day)
                & (status["end"].isna() | (status["end"] > day))]
regime = regime.assign(military=(regime["value"] == "military").astype(int))
m = folium.Map(location=[14, -2], zoom_start=4)
folium.Choropleth(geo_data=borders.to_json(), data=regime, columns=["iso3", "military"],
                  key_on="feature.properties.iso3", fill_color="OrRd",
                  legend_name="Military rule").add_to(m)
shown = events[(events["date"] >= start) & (events["date"] <= end)]
for row in shown.itertuples():
    folium.Marker([row.lat, row.lon], popup=f"{row.date:%Y-%m-%d} {row.title}",
                  tooltip=row.title).add_to(m)
st_folium(m, width=900, height=600)
