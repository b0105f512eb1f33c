"""Alignments: ECOWAS, sanctions, the AES, foreign forces and UN votes on Ukraine, by country."""

import streamlit as st

from app.page import country_from_click, show_map, start_page, table
from app.publish import image_downloads
from app.state import dimension_control
from geo.alignments import (
    UN_PREFIX,
    alignment_choices,
    alignment_classes,
    alignment_members,
    status_intervals,
)
from geo.charts import status_gantt
from geo.facts import country_names, in_language
from geo.i18n import long_date
from geo.situation import alignment_map
from geo.tables import un_vote_table

facts, view, tr = start_page()
choices = alignment_choices(facts.un_votes, tr)

st.title(tr("Alignments on {day}").format(day=long_date(view.as_of, view.lang)))
dimension_control(choices, tr)
show_map(alignment_map(facts, view), on_click=country_from_click(open_page=True))
st.caption(tr("Click a country to open its page."))
image_downloads(facts, view, tr, "alignments", view.dimension)

metric, classes = alignment_classes(view.dimension, facts, view.as_of, tr)
if view.dimension.startswith(UN_PREFIX):
    resolution = view.dimension.removeprefix(UN_PREFIX)
    st.subheader(tr("How each country voted on {resolution}").format(resolution=resolution))
    votes = facts.un_votes[facts.un_votes["resolution"] == resolution]
    if len(votes):
        st.caption(tr("Resolution {resolution} of the UN General Assembly: {title}").format(
            resolution=resolution, title=in_language(votes.head(1), "title", view.lang, tr).iloc[0]))
    table(un_vote_table(facts, resolution, view.countries, tr, view.lang), tr)
else:
    st.subheader(tr("{alignment}: each country's periods").format(alignment=tr(metric.title)))
    curated = facts.curated.date() if facts.curated is not None else view.as_of
    intervals = status_intervals(facts, view.dimension, curated, view.countries, tr, view.lang)
    if intervals.empty:
        st.info(tr("No country has this status in the data."))
    else:
        colours = {tr(c.label): c.colour for c in metric.classes
                   if tr(c.label) in set(intervals["status"])}
        st.altair_chart(status_gantt(intervals, colours, view.as_of, tr, view.lang), width="stretch")
    st.caption(tr("Each bar runs from the first day a status held to the first day it no longer "
                  "did; bars reaching the right edge still held on the curation date."))
    if facts.checked is not None:
        st.caption(tr("Lighter bars: what was still open on {date}, the last day checked, carried "
                      "forward; not checked since.").format(
            date=long_date(facts.checked.date(), view.lang)))
    table(alignment_members(classes, country_names(facts, view.lang), view.countries).rename(
        columns={"label": metric.title, "detail": "since"}), tr,
        tr("No country has this status on {date}.").format(date=long_date(view.as_of, view.lang)))
