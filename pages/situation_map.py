"""The situation map: every country's status on the as-of date, events in the window, forces."""

import streamlit as st

from app.page import show_map, start_page, table_panel
from app.state import map_controls, uploaded_events
from geo.assets import standalone_html
from geo.i18n import long_date
from geo.situation import situation_map
from geo.tables import event_table, headline_figures, sources_table

facts, view, tr = start_page()
map_controls(tr)

st.title(tr("West Africa on {day}").format(day=long_date(view.as_of, view.lang)))
figures = headline_figures(facts, view.as_of, tr, view.lang)
for column, (label, count, names) in zip(st.columns(4) + st.columns(4), figures, strict=True):
    column.metric(label, count, help=names or tr("none"))
    column.caption(names or "—")

the_map = situation_map(facts, view, uploaded_events())
show_map(the_map, "situation_map", height=620)

table_panel(tr("Table of the events in the window"), "situation_events",
            tr("Events {start} to {end}").format(start=f"{view.window.start:%Y-%m-%d}",
                                                 end=f"{view.window.end:%Y-%m-%d}"),
            lambda: event_table(facts, view, tr), tr)
table_panel(tr("Table of each country's status, with sources"), "situation_status",
            tr("Status of each country on {date}, with sources").format(date=f"{view.as_of:%Y-%m-%d}"),
            lambda: sources_table(facts, view.as_of, tr, view.lang), tr)

if st.toggle(tr("Prepare this map as a file that opens with no internet")):
    st.download_button(tr("Download the map (HTML)"), standalone_html(situation_map(
        facts, view, uploaded_events())), f"sahel-map-{view.as_of:%Y-%m-%d}.html", "text/html")
