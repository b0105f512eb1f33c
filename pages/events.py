"""Events: on a map and in a table, filtered by the shared filters and a brush on the histogram."""

import streamlit as st

from app.kept import kept_sets_panel
from app.page import show_map, start_page, table
from app.state import uploaded_events
from app.upload import import_panel
from geo.charts import brushed_window, events_histogram, in_weeks
from geo.i18n import number, short_date
from geo.situation import events_map, uploaded_in_view
from geo.tables import TABLE_LIMIT, event_rows
from geo.timeline import events_in_view

facts, view, tr = start_page()

st.title(tr("Events {start} – {end}").format(start=short_date(view.window.start, view.lang),
                                             end=short_date(view.window.end, view.lang)))
import_panel(facts, tr, view.lang)
kept_sets_panel(tr, view.lang)
in_view = events_in_view(facts.events, view.window, view.categories, view.countries)
map_slot = st.container()

chart = st.altair_chart(events_histogram(in_view, tr, view.lang), on_select="rerun",
                        key="events_hist", width="stretch")
brushed = brushed_window(chart.selection) if chart else None
shown = in_weeks(in_view, brushed)
if brushed is not None:
    start, end = brushed
    st.caption(tr("Brushed: {shown} of {total} events, weeks from {start} to {end}. "
                  "Double-click the chart to clear.").format(
        shown=number(len(shown), view.lang), total=number(len(in_view), view.lang),
        start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))
else:
    st.caption(tr("{total} events. Drag across the chart to narrow the map and the table to a "
                  "period.").format(total=number(len(in_view), view.lang)))

mine = uploaded_in_view(uploaded_events(), view)
mine = in_weeks(mine, brushed) if mine is not None else None
with map_slot:
    show_map(events_map(facts, shown, "basemap" in view.layers, mine, view.lang))

if len(shown) > TABLE_LIMIT:
    st.caption(tr("The table shows the first {limit} of {total} events; the Sources & data page "
                  "downloads them all.").format(limit=number(TABLE_LIMIT, view.lang),
                                                total=number(len(shown), view.lang)))
table(event_rows(facts, shown, tr, view.lang), tr)
if mine is not None:
    st.subheader(tr("Your events in view"))
    table(event_rows(facts, mine, tr, view.lang), tr)
