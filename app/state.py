"""The shared sidebar: as-of date, event window, layers and metric, kept in sync with the URL.

On a session's first run the URL's parameters fill the widgets (bad values fall back with a
warning); after that the widgets are the truth and the URL follows them, so a copied link
reopens the same view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from geo.metrics import METRICS
from geo.timeline import DateWindow
from geo.viewstate import LAYERS, ViewState, parse_view, view_query
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

# Session-state keys, defined once.
AS_OF = "as_of"
WINDOW = "window"
WINDOW_CUSTOM = "window_custom"
METRIC = "metric"
CATEGORIES = "categories"
LAYER_KEYS = {name: f"layer_{name}" for name in LAYERS}
INITIALISED = "view_initialised"
URL_WARNINGS = "url_warnings"

LAYER_LABELS = {
    "choropleth": "Country colours (choropleth)",
    "events": "Events",
    "forces": "Foreign forces (badges)",
    "basemap": "Basemap tiles (needs internet)",
}


def _seed_from_url(curated: date) -> None:
    """Fill the widgets' state from the link, once per session."""
    params = {k: st.query_params[k] for k in st.query_params}
    view, warnings = parse_view(params, curated)
    st.session_state[AS_OF] = view.as_of
    st.session_state[WINDOW] = (view.window.start, view.window.end)
    st.session_state[WINDOW_CUSTOM] = view.window != DateWindow.ending(view.as_of)
    st.session_state[METRIC] = view.metric
    st.session_state[CATEGORIES] = list(view.categories)
    for name, key in LAYER_KEYS.items():
        st.session_state[key] = name in view.layers
    st.session_state[URL_WARNINGS] = warnings
    st.session_state[INITIALISED] = True


def _date_moved() -> None:
    # An untouched event window follows the as-of date; one the user set stays put.
    if not st.session_state[WINDOW_CUSTOM]:
        window = DateWindow.ending(st.session_state[AS_OF])
        st.session_state[WINDOW] = (window.start, window.end)


def _window_set() -> None:
    st.session_state[WINDOW_CUSTOM] = True


def sidebar_view(curated: date) -> ViewState:
    """Draw the shared sidebar and return the view it describes; the URL is updated to match."""
    if not st.session_state.get(INITIALISED):
        _seed_from_url(curated)
    with st.sidebar:
        st.date_input("As of", key=AS_OF, min_value=COVERAGE_START, max_value=curated,
                      on_change=_date_moved, format="YYYY-MM-DD",
                      help="The map shows each country's status on this day.")
        st.date_input("Events between", key=WINDOW, min_value=COVERAGE_START,
                      max_value=curated, on_change=_window_set, format="YYYY-MM-DD",
                      help="Events dated in this range (both days included) are drawn. "
                           "By default, the 90 days up to the as-of date.")
        st.selectbox("Colour countries by", list(METRICS), key=METRIC,
                     format_func=lambda k: METRICS[k].title)
        st.multiselect("Event categories", list(EVENT_CATEGORIES), key=CATEGORIES,
                       format_func=lambda k: EVENT_CATEGORIES[k][0])
        st.caption("Layers")
        for name, key in LAYER_KEYS.items():
            st.checkbox(LAYER_LABELS[name], key=key)
    view = _current_view(curated)
    st.query_params.from_dict(view_query(view))
    return view



def _current_view(curated: date) -> ViewState:
    as_of = st.session_state[AS_OF] or curated
    picked = st.session_state[WINDOW]
    # While a range is being picked the widget holds one day: keep the window until both are set.
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        window = DateWindow(picked[0], picked[1])
    else:
        window = DateWindow.ending(as_of)
    return ViewState(
        as_of=as_of,
        window=window,
        metric=st.session_state[METRIC],
        layers=frozenset(n for n, k in LAYER_KEYS.items() if st.session_state[k]),
        categories=tuple(c for c in EVENT_CATEGORIES if c in st.session_state[CATEGORIES]),
    )


def url_warnings() -> list[str]:
    """Warnings about the link this session was opened with."""
    return list(st.session_state.get(URL_WARNINGS, []))

