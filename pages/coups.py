"""Coups: counts up to the as-of date on a map, a timeline of every attempt, and each history."""

import streamlit as st

from app.page import country_from_click, show_map, start_page, table
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
show_map(coups_map(facts, view), "coups_map", returned=("last_active_drawing",),
         on_change=country_from_click("coups_map"))

st.subheader("Timeline")
shown = facts.coups[facts.coups["iso3"].isin(view.countries)] if view.countries else facts.coups
st.altair_chart(coup_timeline(shown, names, view.as_of), width="stretch")

st.subheader("Coups and attempts up to the as-of date")
table(coup_table(facts, view.as_of, view.countries))

st.subheader("Country history")
if not view.countries:
    st.info("Pick a country in the sidebar (Countries) or click one on the map.")
for iso3 in view.countries:
    st.markdown(f"#### {names.get(iso3, iso3)}")
    table(coup_table(facts, None, (iso3,)))
    table(status_history(facts, iso3))
