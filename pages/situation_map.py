"""The situation map: every country's status on the as-of date, events in the window, forces,
how the headline counts changed over time, and what changed since a second date."""

import streamlit as st

from app.data import headline_chart_spec, timeline
from app.flares import cast_shown, flares_panel
from app.page import country_from_click, show_map, start_page, table, table_panel
from app.publish import events_provenance, image_downloads, licence_choice
from app.state import map_controls, pick_date, uploaded_events
from geo.charts import PICK, picked_date, with_rule
from geo.i18n import long_date, number, plural
from geo.site import interactive_html
from geo.situation import situation_map
from geo.tables import change_table, event_rows, event_table, headline_figures, sources_table
from geo.timeline import DateWindow, events_in_view

facts, view, tr = start_page(by_metric=True, controls=map_controls)

st.title(tr("West Africa on {day}").format(day=long_date(view.as_of, view.lang)))
mine = uploaded_events()
# Its time control (date, changes, metric, playback) is on the map: only settled choices rerun.
show_map(situation_map(facts, view, mine, timeline=timeline(facts, view.lang), forecasts=cast_shown()),
         height=620, on_click=country_from_click(open_page=True))
# Under the map, so that on a phone the map starts within the first screen.
figures = headline_figures(facts, view.as_of, tr, view.lang)
for column, (label, count, names) in zip(st.columns(4) + st.columns(4), figures, strict=True):
    column.metric(label, count, help=names or tr("none"))
    column.caption(names or "—")
image_downloads(facts, view, tr, "situation", view.metric, "events" in view.layers, animation=True)

with st.expander(tr("Change over time"), key="headline_panel", on_change="rerun") as panel:
    if panel.open:  # a chart costs the first draw a front-end module: built once opened
        st.caption(tr("How many countries were in each group, month by month. Click the chart "
                      "to move the as-of date there."))
        st.vega_lite_chart(spec=with_rule(headline_chart_spec(facts, view.lang), view.as_of,
                                          tr("as of {date}").format(date=long_date(view.as_of, view.lang))),
                           key="headline_chart", on_select=pick_date("headline_chart", picked_date),
                           selection_mode=PICK, width="stretch")

flares_panel(facts, view, mine, tr)
if view.compare is not None:  # set on the map's time control (its Compare field), or a link
    first, last = sorted((view.compare, view.as_of))
    if first == last:
        st.info(tr("The comparison date is the as-of date, {date}: pick another date to see "
                   "what changed.").format(date=long_date(first, view.lang)))
    else:
        st.subheader(tr("What changed between {start} and {end}").format(
            start=long_date(first, view.lang), end=long_date(last, view.lang)))
        table(change_table(facts, first, last, tr, view.lang, view.countries), tr,
              tr("No status changed between these dates."))
        between = events_in_view(facts.events, DateWindow(first, last), view.categories,
                                 view.countries)
        ngettext = plural(view.lang)
        st.caption(ngettext("{count} event between the two dates",
                            "{count} events between the two dates", len(between)).format(
            count=number(len(between), view.lang)))
        table(event_rows(facts, between, tr, view.lang), tr)

table_panel(tr("Table of the events in the window"), "situation_events",
            tr("Events {start} to {end}").format(start=long_date(view.window.start, view.lang),
                                                 end=long_date(view.window.end, view.lang)),
            lambda: event_table(facts, view, tr), tr)
table_panel(tr("Table of each country's status, with sources"), "situation_status",
            tr("Status of each country on {date}, with sources").format(
                date=long_date(view.as_of, view.lang)),
            lambda: sources_table(facts, view.as_of, tr, view.lang, view.countries), tr)

if st.toggle(tr("Prepare this map as a file that opens with no internet")):
    prov = events_provenance() if mine is not None else None
    allows = licence_choice(prov, tr, "offline_html")
    st.download_button(tr("Download the map (HTML)"), lambda: interactive_html(  # built on click
        facts, view.lang, view.metric, view.as_of, view.categories,
        uploaded=mine.frame() if mine is not None else None, provenance=prov, licence_allows=allows),
        f"sahel-map-{view.metric}-{view.as_of:%Y-%m-%d}-{view.lang}.html", "text/html")
