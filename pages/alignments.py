"""Alignments: ECOWAS, sanctions, the AES, foreign forces and UN votes on Ukraine, by country."""

import streamlit as st

from app.page import show_map, start_page, table
from app.state import dimension_control
from geo.alignments import UN_PREFIX, alignment_choices, alignment_classes, status_intervals
from geo.charts import status_gantt
from geo.situation import alignment_map
from geo.tables import country_names, un_vote_table

facts, view = start_page()
choices = alignment_choices(facts.un_votes)

st.title(f"Alignments on {view.as_of:%d %B %Y}")
dimension_control(choices)
show_map(alignment_map(facts, view), "alignment_map")

metric, classes = alignment_classes(view.dimension, facts, view.as_of)
if view.dimension.startswith(UN_PREFIX):
    resolution = view.dimension.removeprefix(UN_PREFIX)
    st.subheader(f"How each country voted on {resolution}")
    table(un_vote_table(facts, resolution, view.countries))
else:
    st.subheader(f"{metric.title}: each country's periods")
    curated = facts.curated.date() if facts.curated is not None else view.as_of
    intervals = status_intervals(facts, view.dimension, curated, view.countries)
    if intervals.empty:
        st.info("No country has this status in the data.")
    else:
        colours = {c.label: c.colour for c in metric.classes if c.label in set(intervals["status"])}
        st.altair_chart(status_gantt(intervals, colours, view.as_of), width="stretch")
    st.caption("Each bar runs from the first day a status held to the first day it no longer "
               "did; bars reaching the right edge still held on the curation date.")
    names = country_names(facts)
    by_country = classes.assign(country=classes["iso3"].map(names))
    table(by_country[["country", "label", "detail"]].rename(
        columns={"label": metric.title, "detail": "since"}))
