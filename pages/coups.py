"""Coups: counts up to the as-of date on a map, a timeline of every attempt, and each history."""

import streamlit as st

from app.page import country_button, country_from_click, show_map, start_page, table
from app.publish import image_downloads
from geo.charts import coup_timeline
from geo.facts import country_names
from geo.i18n import long_date
from geo.situation import coups_map
from geo.tables import coup_table, status_history
from geo.timeline import coups_until
from geo.vocabulary import COVERAGE_START

facts, view, tr = start_page()
names = country_names(facts, view.lang)

st.title(tr("Coups and attempts since 2020, as of {day}").format(
    day=long_date(view.as_of, view.lang)))
upto = coups_until(facts.coups, view.as_of)
if view.countries:
    upto = upto[upto["iso3"].isin(view.countries)]
ok, failed = (upto["outcome"] == "successful").sum(), (upto["outcome"] == "failed").sum()
left, right = st.columns(2)
left.metric(tr("Successful coups"), int(ok))
right.metric(tr("Failed or foiled attempts"), int(failed))

st.caption(tr("Colour: successful coups since {start} up to the as-of date. Dashed outline: "
              "under military rule on that date. Click a country to see its history below.").format(
    start=long_date(COVERAGE_START, view.lang)))
show_map(coups_map(facts, view), on_click=country_from_click())
image_downloads(facts, view, tr, "coups", "coups")

st.subheader(tr("Timeline"))
shown = facts.coups[facts.coups["iso3"].isin(view.countries)] if view.countries else facts.coups
st.altair_chart(coup_timeline(shown, names, view.as_of, tr, view.lang), width="stretch")

st.subheader(tr("Coups and attempts up to the as-of date"))
table(coup_table(facts, view.as_of, view.countries, tr, view.lang), tr)

st.subheader(tr("Country history"))
if not view.countries:
    st.info(tr("Pick a country in the sidebar (Countries) or click one on the map."))
for iso3 in view.countries:
    st.markdown(f"#### {names.get(iso3, iso3)}")
    country_button(iso3, tr("Everything about {country} on its page").format(
        country=names.get(iso3, iso3)))
    table(coup_table(facts, None, (iso3,), tr, view.lang), tr)
    table(status_history(facts, iso3, tr, view.lang), tr)
