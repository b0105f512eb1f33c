"""One country: its status on the date in every dimension, its periods over time, its coups,
events and UN votes, and a map framed on it; every statement with its sources."""

import streamlit as st

from app.data import timeline
from app.page import show_map, start_page, table
from app.publish import image_downloads
from app.state import country_picker
from geo.charts import country_lanes
from geo.facts import country_names
from geo.i18n import long_date, number, plural
from geo.situation import country_map
from geo.tables import (
    country_status,
    country_votes,
    coup_table,
    event_rows,
    status_history,
    status_lanes,
)
from geo.timeline import DateWindow, events_in_view
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

facts, view, tr = start_page()
names = country_names(facts, view.lang)
iso3 = country_picker(names, tr)
if iso3 is None:
    st.title(tr("Country"))
    st.info(tr("Pick a country above, or click one on the situation map."))
    st.stop()

curated = facts.curated.date() if facts.curated is not None else view.as_of
st.title(tr("{country} on {day}").format(country=names[iso3], day=long_date(view.as_of, view.lang)))

st.subheader(tr("Status on this date"))
table(country_status(facts, iso3, view.as_of, tr, view.lang), tr,
      tr("The data holds no status for this country on this date."))

events = events_in_view(facts.events, DateWindow(COVERAGE_START, view.as_of),
                        tuple(EVENT_CATEGORIES), (iso3,))
coups = facts.coups[facts.coups["iso3"] == iso3]
st.subheader(tr("Since 2020"))
st.caption(tr("Each lane is one dimension of the country's status, coloured as on the maps; "
              "coups and events are marked below them. Hover for dates."))
st.altair_chart(country_lanes(status_lanes(facts, iso3, tr), coups, events, view.as_of, curated,
                              tr, view.lang), width="stretch")

show_map(country_map(facts, view, iso3, timeline(facts, view.lang)), height=460)
image_downloads(facts, view, tr, "country", view.metric, iso3=iso3)
ngettext = plural(view.lang)
st.caption(ngettext("{count} event in {country} from 2020 up to the as-of date.",
                    "{count} events in {country} from 2020 up to the as-of date.", len(events)).format(
    count=number(len(events), view.lang), country=names[iso3]))

st.subheader(tr("Events, newest first"))
table(event_rows(facts, events, tr, view.lang), tr,
      tr("No events recorded in this country up to this date: move the as-of date later."))
st.subheader(tr("Coups and attempts"))
table(coup_table(facts, None, (iso3,), tr, view.lang), tr,
      tr("No coup or attempt in this country since 2020."))
st.subheader(tr("Every status period"))
table(status_history(facts, iso3, tr, view.lang), tr, tr("No status periods in the data."))
st.subheader(tr("Votes at the UN General Assembly on Ukraine"))
table(country_votes(facts, iso3, tr, view.lang), tr, tr("No recorded votes."))
