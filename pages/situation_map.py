"""The situation map: every country's status on the as-of date, events in the window, forces."""

import streamlit as st

from app.page import show_map, start_page, table
from app.state import map_controls, uploaded_events
from geo.assets import standalone_html
from geo.situation import situation_map
from geo.tables import event_table, headline_figures, sources_table

facts, view = start_page()
map_controls()

st.title(f"West Africa on {view.as_of:%d %B %Y}")
figures = headline_figures(facts, view.as_of)
for column, (label, count, names) in zip(st.columns(4) + st.columns(4), figures, strict=True):
    column.metric(label, count, help=names or "none")
    column.caption(names or "—")

the_map = situation_map(facts, view, uploaded_events())
show_map(the_map, "situation_map", height=620)

with st.expander(f"Events {view.window.start:%Y-%m-%d} to {view.window.end:%Y-%m-%d}"):
    table(event_table(facts, view))
with st.expander(f"Status of each country on {view.as_of:%Y-%m-%d}, with sources"):
    table(sources_table(facts, view.as_of))

if st.toggle("Prepare this map as a file that opens with no internet"):
    st.download_button("Download the map (HTML)", standalone_html(situation_map(facts, view,
                       uploaded_events())), f"sahel-map-{view.as_of:%Y-%m-%d}.html", "text/html")
