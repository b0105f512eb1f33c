"""Sources & data: the files, their provenance, downloads of the current view, every source cited."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from app.data import sources_file, sources_text
from app.page import start_page, table
from app.publish import events_provenance, licence_choice
from app.state import uploaded_events
from geo.catalogue import data_files
from geo.escape import inert
from geo.exports import (
    aggregates_csv,
    events_csv,
    events_geojson,
    sources_index,
    status_csv,
    status_geojson,
    view_export,
)
from geo.i18n import long_date, number
from geo.situation import uploaded_in_view
from geo.terms import attribution, provenance_of
from geo.timeline import events_in_view, status_on

facts, view, tr = start_page()
curated = f"{facts.curated:%Y-%m-%d}" if facts.curated is not None else "unknown"  # a cell

st.title(tr("Sources & data"))
st.markdown(tr("Facts curated up to **{date}**. Every row cites the sources it was checked "
               "against; summaries are the project's own words.").format(
    date=long_date(facts.curated.date(), view.lang) if facts.curated is not None
    else tr("unknown")))
table(pd.DataFrame([{"file": f.name, "holds": tr(f.holds), "license": tr(f.license),
                     "rows": f.rows, "curated": curated} for f in data_files(facts)]), tr)
with st.expander(tr("Provenance of the data ({file})").format(
        file=f"data/{sources_file(view.lang).name}")):
    st.markdown(sources_text(view.lang))

st.subheader(tr("Download the current view"))
shown = events_in_view(facts.events, view.window, view.categories, view.countries)
uploaded = uploaded_events()
mine = uploaded_in_view(uploaded, view)
export = None
if mine is not None and uploaded is not None:
    prov = events_provenance() or provenance_of("project", tr("your events"))
    export = view_export(shown, uploaded.frame(mine), prov, licence_choice(prov, tr, "sources"))
    shown = export.events
    st.caption(attribution(replace(prov, label=inert(prov.label)), tr,
                           export.aggregates is not None))
now = status_on(facts.status, view.as_of)
if view.countries:
    now = now[now["iso3"].isin(view.countries)]
st.caption(tr("{events} events from {start} to {end} (categories and countries as in the "
              "sidebar; your imported events too, marked by `origin`); {statuses} statuses "
              "holding on {date}. Sources are included in every file.").format(
    events=number(len(shown), view.lang), start=long_date(view.window.start, view.lang),
    end=long_date(view.window.end, view.lang), statuses=number(len(now), view.lang),
    date=long_date(view.as_of, view.lang)))
stamp = f"{view.as_of:%Y-%m-%d}"
c1, c2, c3, c4 = st.columns(4)
c1.download_button(tr("Events (CSV)"), events_csv(shown, facts.outlets), f"events-{stamp}.csv", "text/csv")
c2.download_button(tr("Events (GeoJSON)"), events_geojson(shown, facts.outlets, facts.checked,
                                                           export),
                   f"events-{stamp}.geojson", "application/geo+json")
c3.download_button(tr("Status on the date (CSV)"), status_csv(now, facts.outlets),
                   f"status-{stamp}.csv", "text/csv")
c4.download_button(tr("Status on the date (GeoJSON)"), status_geojson(facts, now),
                   f"status-{stamp}.geojson", "application/geo+json")
if export is not None and export.aggregates is not None:
    st.download_button(tr("Your events: counts and fatalities per month, country and admin1 (CSV)"),
                       aggregates_csv(export), f"events-aggregates-{stamp}.csv", "text/csv")

st.subheader(tr("Every source cited"))
index = sources_index(facts)
st.caption(tr("{count} distinct sources, each listed once with the rows that cite it.").format(
    count=len(index)))
table(index, tr)
