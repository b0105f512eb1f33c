"""Coups: counts up to the as-of date on a map, a timeline of every attempt, and each history."""

import streamlit as st
from streamlit_folium import st_folium

from app.page import country_from_click, start_page
from geo.charts import coup_timeline
from geo.situation import coups_map
from geo.tables import country_names, coup_table, status_history
from geo.timeline import coups_until

facts, view = start_page()
names = country_names(facts)

st.title(f"Coups and attempts since 2020, as of {view.as_of:%d %B %Y}")
upto = coups_until(facts.coups, view.as_of)
if view.countries:
    upto = upto[upto["iso3"].isin(view.countries)]
ok, failed = (upto["outcome"] == "successful").sum(), (upto["outcome"] == "failed").sum()
left, right = st.columns(2)
left.metric("Successful coups", int(ok))
right.metric("Failed or foiled attempts", int(failed))

st.caption("Colour: successful coups since 2020-01-01 up to the as-of date. Dashed outline: "
           "under military rule on that date. Click a country to see its history below.")
st_folium(coups_map(facts, view), key="coups_map", returned_objects=["last_active_drawing"], render=False,
          on_change=country_from_click("coups_map"), height=520, use_container_width=True)

st.subheader("Timeline")
shown = facts.coups[facts.coups["iso3"].isin(view.countries)] if view.countries else facts.coups
st.altair_chart(coup_timeline(shown, names, view.as_of), width="stretch")

links = {"source": st.column_config.LinkColumn("source")}
st.subheader("Coups and attempts up to the as-of date")
st.dataframe(coup_table(facts, view.as_of, view.countries), hide_index=True, width="stretch",
             column_config=links)

st.subheader("Country history")
if not view.countries:
    st.info("Pick a country in the sidebar (Countries) or click one on the map.")
for iso3 in view.countries:
    st.markdown(f"#### {names.get(iso3, iso3)}")
    st.dataframe(coup_table(facts, None, (iso3,)), hide_index=True, width="stretch",
                 column_config=links)
    st.dataframe(status_history(facts, iso3), hide_index=True, width="stretch",
                 column_config=links)
