"""The shared view: sidebar filters and page choices, kept in session state and in the URL.

On a session's first run the URL's parameters give the view (bad values fall back with a
warning). The widgets' values are kept in one dict in session state, updated by each widget's
on_change callback, and written back to the widget keys before widgets are drawn: Streamlit
resets or drops the state of widgets when the page changes, and this keeps the view across
pages. After each run the URL is rewritten from the view, so a copied link reopens the same
page with the same view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd
import streamlit as st

from geo.i18n import LANG_NAMES, LANGS, N_, Translate, translator
from geo.metrics import METRICS
from geo.timeline import DateWindow
from geo.viewstate import LAYERS, ViewState, parse_view, view_query
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

# Session-state keys, defined once.
VALUES = "view_values"
URL_WARNINGS = "url_warnings"
WINDOW_CUSTOM = "window_custom"
AS_OF = "as_of"
WINDOW = "window"
METRIC = "metric"
CATEGORIES = "categories"
COUNTRIES = "countries"
DIMENSION = "dimension"
LANG = "lang"
LAYER_KEYS = {name: f"layer_{name}" for name in LAYERS}

LAYER_LABELS = {
    "choropleth": N_("Country colours (choropleth)"),
    "events": N_("Events"),
    "forces": N_("Foreign forces (badges)"),
    "upload": N_("Your events (imported on the Events page)"),
    "basemap": N_("Basemap tiles (needs internet)"),
}


def _widget_values(view: ViewState) -> dict[str, object]:
    values: dict[str, object] = {
        AS_OF: view.as_of,
        WINDOW: (view.window.start, view.window.end),
        METRIC: view.metric,
        CATEGORIES: list(view.categories),
        COUNTRIES: list(view.countries),
        DIMENSION: view.dimension,
        LANG: view.lang,
    }
    values.update({key: name in view.layers for name, key in LAYER_KEYS.items()})
    return values


def _restore(curated: date, countries: Mapping[str, str], dimensions: list[str]) -> None:
    if VALUES not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        view, warnings = parse_view(params, curated, countries, dimensions)
        st.session_state[VALUES] = _widget_values(view)
        st.session_state[URL_WARNINGS] = warnings
        st.session_state[WINDOW_CUSTOM] = view.window != DateWindow.ending(view.as_of)
    for key, value in st.session_state[VALUES].items():
        st.session_state[key] = value


def _changed(key: str) -> Callable[[], None]:
    def remember() -> None:
        st.session_state[VALUES][key] = st.session_state[key]
        if key == AS_OF and not st.session_state[WINDOW_CUSTOM]:
            # An untouched event window follows the as-of date; one the user set stays put.
            window = DateWindow.ending(st.session_state[AS_OF])
            st.session_state[VALUES][WINDOW] = (window.start, window.end)
        if key == WINDOW:
            st.session_state[WINDOW_CUSTOM] = True
    return remember


def _current_view(curated: date) -> ViewState:
    ss = st.session_state[VALUES]
    as_of = ss[AS_OF] or curated
    picked = ss[WINDOW]
    # While a range is being picked the widget holds one day: use the default window meanwhile.
    window = DateWindow(picked[0], picked[1]) if isinstance(picked, (tuple, list)) and len(
        picked) == 2 else DateWindow.ending(as_of)
    return ViewState(
        as_of=as_of,
        window=window,
        metric=ss[METRIC],
        layers=frozenset(n for n, k in LAYER_KEYS.items() if ss[k]),
        categories=tuple(c for c in EVENT_CATEGORIES if c in ss[CATEGORIES]),
        countries=tuple(ss[COUNTRIES]),
        dimension=ss[DIMENSION],
        lang=ss[LANG],
    )


def shared_view(curated: date, countries: Mapping[str, str], dimensions: list[str]) -> ViewState:
    """Draw the shared sidebar filters and return the view; the URL is updated to match.

    `countries` maps ISO3 codes to names; `dimensions` are the alignments page's choices.
    """
    _restore(curated, countries, dimensions)
    tr = translator(st.session_state[LANG])
    with st.sidebar:
        st.radio("Language / Langue", list(LANGS), key=LANG, horizontal=True,
                 format_func=lambda k: LANG_NAMES[k], on_change=_changed(LANG))
        st.date_input(tr("As of"), key=AS_OF, min_value=COVERAGE_START, max_value=curated,
                      on_change=_changed(AS_OF), format="YYYY-MM-DD",
                      help=tr("Maps and figures show each country's status on this day."))
        st.date_input(tr("Events between"), key=WINDOW, min_value=COVERAGE_START,
                      max_value=curated, on_change=_changed(WINDOW), format="YYYY-MM-DD",
                      help=tr("Events dated in this range (both days included) are shown. "
                              "By default, the 90 days up to the as-of date."))
        st.multiselect(tr("Event categories"), list(EVENT_CATEGORIES), key=CATEGORIES,
                       format_func=lambda k: tr(EVENT_CATEGORIES[k][0]),
                       on_change=_changed(CATEGORIES), placeholder=tr("No category"))
        st.multiselect(tr("Countries"), list(countries), key=COUNTRIES,
                       format_func=lambda k: countries.get(k, k), placeholder=tr("All countries"),
                       on_change=_changed(COUNTRIES),
                       help=tr("Limit events, coups and tables to these countries."))
    view = _current_view(curated)
    st.query_params.from_dict(view_query(view))
    return view


def map_controls(tr: Translate) -> None:
    """The situation map's own choices: metric and layers (their values are in the view)."""
    with st.sidebar:
        st.selectbox(tr("Colour countries by"), list(METRICS), key=METRIC,
                     format_func=lambda k: tr(METRICS[k].title), on_change=_changed(METRIC))
        st.caption(tr("Layers"))
        for name, key in LAYER_KEYS.items():
            st.checkbox(tr(LAYER_LABELS[name]), key=key, on_change=_changed(key))


def dimension_control(labels: Mapping[str, str], tr: Translate) -> None:
    """The alignments page's choice of dimension."""
    st.selectbox(tr("Alignment"), list(labels), key=DIMENSION, format_func=lambda k: labels[k],
                 on_change=_changed(DIMENSION))


def page_language() -> str:
    """The language of this session (from the link on a first visit), for the page list."""
    values = st.session_state.get(VALUES)
    if values is not None:
        return str(values[LANG])
    lang = st.query_params.get("lang", "en")
    return lang if lang in LANGS else "en"


def set_countries(codes: list[str]) -> None:
    """Set the shared country filter from a callback (e.g. a click on a map)."""
    st.session_state[VALUES][COUNTRIES] = codes


def url_warnings() -> list[str]:
    """Warnings about the link this session was opened with."""
    return list(st.session_state.get(URL_WARNINGS, []))


UPLOAD = "upload_report"  # the user's imported events, for this browser session
PENDING_UPLOAD = "upload_pending"  # a file read but waiting for a column mapping


def uploaded_events() -> pd.DataFrame | None:
    """The events the user imported in this session (None if none)."""
    report = st.session_state.get(UPLOAD)
    return None if report is None else report.loaded
