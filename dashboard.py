"""West Africa's coup belt on any date since 2020: the situation map (the app's entry page).

    streamlit run dashboard.py
"""

import streamlit as st
from streamlit_folium import st_folium

from app.page import start_page
from geo.situation import situation_map
from geo.tables import event_table, headline_figures, sources_table

facts, view = start_page("Situation map")

st.title(f"West Africa on {view.as_of:%d %B %Y}")
figures = headline_figures(facts, view.as_of)
columns = st.columns(4) + st.columns(4)
for column, (label, count, names) in zip(columns, figures, strict=True):
    column.metric(label, count, help=names or "none")
    column.caption(names or "—")

st_folium(situation_map(facts, view), key="situation_map", returned_objects=[], render=False,
          height=620, use_container_width=True)

links = {"source": st.column_config.LinkColumn("source")}
with st.expander(f"Events {view.window.start:%Y-%m-%d} to {view.window.end:%Y-%m-%d}"):
    st.dataframe(event_table(facts, view), hide_index=True, width="stretch", column_config=links)
with st.expander(f"Status of each country on {view.as_of:%Y-%m-%d}, with sources"):
    st.dataframe(sources_table(facts, view.as_of), hide_index=True, width="stretch",
                 column_config=links)
