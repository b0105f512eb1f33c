"""Events: on a map and in a table, filtered by the shared filters and a brush on the histogram."""

import streamlit as st

from app.page import show_map, start_page, table
from app.state import uploaded_events
from app.upload import import_panel
from geo.charts import brushed_window, events_histogram, in_weeks
from geo.situation import events_map, uploaded_in_view
from geo.tables import TABLE_LIMIT, event_rows
from geo.timeline import events_in_view

facts, view = start_page()

st.title(f"Events {view.window.start:%d %b %Y} – {view.window.end:%d %b %Y}")
import_panel(facts)
in_view = events_in_view(facts.events, view.window, view.categories, view.countries)
map_slot = st.container()

chart = st.altair_chart(events_histogram(in_view), on_select="rerun", key="events_hist",
                        width="stretch")
brushed = brushed_window(chart.selection) if chart else None
shown = in_weeks(in_view, brushed)
if brushed is not None:
    start, end = brushed
    st.caption(f"Brushed: {len(shown)} of {len(in_view)} events, weeks from {start:%Y-%m-%d} "
               f"to {end:%Y-%m-%d}. Double-click the chart to clear.")
else:
    st.caption(f"{len(in_view)} events. Drag across the chart to narrow the map and the table "
               "to a period.")

mine = uploaded_in_view(uploaded_events(), view)
mine = in_weeks(mine, brushed) if mine is not None else None
with map_slot:
    show_map(events_map(facts, shown, "basemap" in view.layers, mine), "events_map")

if len(shown) > TABLE_LIMIT:
    st.caption(f"The table shows the first {TABLE_LIMIT:,} of {len(shown):,} events; the Sources "
               "& data page downloads them all.")
table(event_rows(facts, shown))
if mine is not None:
    st.subheader("Your events in view")
    table(event_rows(facts, mine))
