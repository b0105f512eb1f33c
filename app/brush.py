"""The period brushed on the Events page's histogram, carried in the link (brush=FIRST,LAST).

The shared view (app.state) writes the link once, at the end of each run, from what it knows;
the brush is this page's own: the page reads the link's brush before the view is worked out
(brush_in_link) and hands the period to app.state (page_link_keys), which writes it with the
view.
"""

from __future__ import annotations

import streamlit as st

from app.state import page_link_keys
from geo.charts import brushed_period
from geo.timeline import DateWindow
from geo.viewstate import BRUSH_PARAM, brush_query, parse_brush

CHART_KEY = "events_hist"
PICKED = "events_brush_picked"  # the selection the reader just brushed (the chart's callback)


def brush_in_link() -> str:
    """The brush parameter of the link this run was started with ('' if none)."""
    return st.query_params.get(BRUSH_PARAM, "")


def brush_moved() -> None:
    """The histogram's on_select callback: keep the selection the reader just made."""
    state = st.session_state.get(CHART_KEY)
    st.session_state[PICKED] = dict(getattr(state, "selection", None) or {})


def brushed(linked: str, window: DateWindow, lang: str) -> DateWindow | None:
    """The brushed days this run shows: the reader's new brush, snapped to whole days inside
    the event window, else the link's (a bad one is reported and dropped). The link is
    rewritten to carry it, so a copied link reopens the same period."""
    picked = st.session_state.pop(PICKED, None)
    period: DateWindow | None = None
    if picked is not None:
        period = brushed_period(picked, window)
    elif linked:
        period, problems = parse_brush(linked, window, lang)
        for problem in problems:
            st.warning(problem)
    page_link_keys(brush_query(period))  # app.state writes the link, once, at the run's end
    return period
