"""Events: on a map and in a table, filtered by the shared filters and a brush on the histogram."""

import streamlit as st

from app.brush import CHART_KEY, brush_in_link, brush_moved, brushed
from app.kept import kept_sets_panel
from app.page import show_map, start_page, table
from app.sources import sources_panel
from app.state import uploaded_events
from app.upload import import_panel
from geo.charts import deaths_chart, events_histogram, in_period, selection_in_period
from geo.i18n import long_date, number, short_date
from geo.situation import events_map, uploaded_in_view
from geo.tables import TABLE_LIMIT, event_rows, upload_rows
from geo.timeline import events_in_view

linked_brush = brush_in_link()  # before the shared view rewrites the link
facts, view, tr = start_page()

st.title(tr("Events {start} – {end}").format(start=short_date(view.window.start, view.lang),
                                             end=short_date(view.window.end, view.lang)))
import_panel(facts, tr, view.lang)
kept_sets_panel(tr, view.lang)
sources_panel(facts, tr, view.lang)
in_view = events_in_view(facts.events, view.window, view.categories, view.countries)
uploaded = uploaded_events()
mine = uploaded_in_view(uploaded, view)
map_slot = st.container()

counts, deaths = st.columns(2) if mine is not None else (st.container(), None)
period = brushed(linked_brush, view.window, view.lang)
with counts:
    if len(in_view):
        st.altair_chart(events_histogram(in_view, tr, view.lang,
                                         (view.window.start, view.window.end), period),
                        on_select=brush_moved, key=CHART_KEY, width="stretch")
    else:  # an empty chart has nothing to read: say what to change instead
        st.info(tr("No events in this window with these categories and countries: widen the "
                   "window (Events between) or pick more categories or countries in the "
                   "sidebar."))
shown = in_period(in_view, period)
mine = selection_in_period(mine, period) if mine is not None else None
if deaths is not None and mine is not None and uploaded is not None:
    with deaths:
        st.altair_chart(deaths_chart(uploaded.counts_by("week", mine), tr, view.lang),
                        key="deaths_chart", width="stretch")
if period is not None:
    st.caption(tr("Brushed: {shown} of {total} events, from {start} to {end}. "
                  "Double-click the chart to clear.").format(
        shown=number(len(shown), view.lang), total=number(len(in_view), view.lang),
        start=long_date(period.start, view.lang), end=long_date(period.end, view.lang)))
else:
    st.caption(tr("{total} events. Drag across the chart to narrow the map and the table to a "
                  "period.").format(total=number(len(in_view), view.lang)))

with map_slot:
    show_map(events_map(facts, shown, "basemap" in view.layers,
                        uploaded if mine is not None else None, view.lang, mine))

if len(shown) > TABLE_LIMIT:
    st.caption(tr("The table shows the newest {limit} of {total} events; the Sources & data "
                  "page downloads them all.").format(limit=number(TABLE_LIMIT, view.lang),
                                                total=number(len(shown), view.lang)))
if len(shown):
    table(event_rows(facts, shown, tr, view.lang), tr)
if mine is not None and uploaded is not None:
    st.subheader(tr("Your events in view"))
    st.caption(tr("{shown} of your {total} events: in the window and countries, and of the "
                  "types, actors, fatalities and precision chosen in the sidebar.").format(
        shown=number(uploaded.count(mine), view.lang), total=number(len(uploaded), view.lang)))
    table(upload_rows(facts, uploaded.frame(mine, newest=TABLE_LIMIT), tr, view.lang), tr)
