"""What every page starts with: loaded facts, data problems, and the shared view."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app.bridge import dataset_carrier, map_bridge
from app.data import facts
from app.kept import saved_views_sidebar
from app.memory import release_memory_in_background
from app.private import leave_legacy_pages_mode
from app.state import (
    map_committed,
    map_view,
    page_language,
    set_countries,
    shared_view,
    sidebar_controls,
    sync_url,
    url_view,
    url_warnings,
)
from geo.alignments import alignment_choices
from geo.escape import links_only_for_web_urls
from geo.facts import Facts, country_names
from geo.i18n import Translate, long_date, translator
from geo.situation import LayeredMap
from geo.tables import html_table
from geo.timemodel import last_day
from geo.viewstate import ViewState


def _through_the_entry_point() -> None:
    """Run this page through dashboard.py's navigation, even on a server's very first visit.

    Streamlit treats an app with a pages/ folder as an old-style multipage app until the entry
    point has called st.navigation once: a first visit to /coups on a fresh server would run the
    page on its own, listed under its file name, in English. Say the app uses st.navigation and
    rerun, so the entry point runs and resolves the same page (app/private.py: no public call
    does this).
    """
    if leave_legacy_pages_mode():
        st.rerun()


_LATER = threading.local()  # the sidebar this run draws after its page (finish_page)


def start_page(by_metric: bool = False, controls: Callable[[Translate], None] | None = None
               ) -> tuple[Facts, ViewState, Translate]:
    """Load the facts, report data problems and work out the view; stop if nothing can show.

    Returns the facts, the view and the view's translate function. The shared sidebar (with
    the page's own `controls` under it) is drawn after the page, by finish_page: the page's
    map then reaches the browser first, ahead of the widgets' code (the browser fetches the
    code of each kind of element when one first arrives, a few at a time). With `by_metric`,
    the change buttons step between changes of the map's metric only.
    """
    _LATER.sidebar = None
    _through_the_entry_point()
    release_memory_in_background()
    _follow_to_country()
    loaded = facts()
    lang = page_language()
    tr = translator(lang)
    for error in loaded.errors:
        st.error(tr("Data problem: {error}").format(error=error))
    curated = last_day(loaded)  # the curation date, or the latest date in the facts
    if loaded.curated is None:
        st.warning(tr("The curation date is unknown (data/SOURCES.md): the dashboard shows the "
                      "facts up to their latest date, {date}.").format(date=long_date(curated, lang)))
    names = country_names(loaded, lang)
    view = shared_view(curated, names, list(alignment_choices(loaded.un_votes)))
    tr = translator(view.lang)
    for warning in url_warnings():
        st.warning(warning)
    edge = loaded.checked.date() if loaded.checked is not None else None
    if edge is not None and view.as_of > edge:
        st.info(tr("Facts checked up to {edge}. What is shown for {date} is what held on {edge}, "
                   "carried forward: not checked since.").format(
            edge=long_date(edge, view.lang), date=long_date(view.as_of, view.lang)))

    def sidebar() -> None:
        sidebar_controls(curated, names, loaded.status, by_metric)
        saved_views_sidebar(url_view() or view, tr)  # with the zoom the page's map is at
        checked = (tr("Facts checked up to {date}.").format(date=long_date(edge, view.lang)) + " "
                   if edge is not None else "")
        st.sidebar.caption(checked + tr("Facts curated up to {date}. Every row in data/ cites its "
                                        "sources; the tables list them.").format(
            date=long_date(curated, view.lang)))
        if controls is not None:
            controls(tr)

    _LATER.sidebar = sidebar
    return loaded, view, tr


def finish_page() -> None:
    """Draw the sidebar that start_page left for after the page (dashboard.py calls this once
    the page has run, also when it stopped early)."""
    sidebar, _LATER.sidebar = getattr(_LATER, "sidebar", None), None
    if sidebar is not None:
        sidebar()
        sync_url()  # the one writer of the link, once the page's map has said where it is


COUNTRY_PAGE = "pages/country.py"
GO_TO_COUNTRY = "go_to_country"  # set by a click on a country: the page moves to its page


def country_from_click(open_page: bool = False) -> Callable[[str], None]:
    """What a click on a country does (the map's bridge hands over its ISO3 code): it sets the
    shared country filter, and with `open_page` opens that country's page."""
    def pick(iso3: str) -> None:
        set_countries([iso3])
        st.session_state[GO_TO_COUNTRY] = open_page
    return pick


def _open_country(iso3: str) -> None:
    set_countries([iso3])
    st.session_state[GO_TO_COUNTRY] = True


def country_button(iso3: str, label: str) -> None:
    """A button that opens one country's page."""
    st.button(label, key=f"open_country_{iso3}", on_click=_open_country, args=(iso3,),
              icon=":material/flag:")


def _follow_to_country() -> None:
    if st.session_state.pop(GO_TO_COUNTRY, False):  # set by a click (callbacks run first)
        st.switch_page(COUNTRY_PAGE)


def show_map(the_map: LayeredMap, height: int = 520,
             on_click: Callable[[str], None] | None = None) -> None:
    """Draw a page's map: a fixed key, nothing returned by streamlit-folium (its pans, zooms
    and clicks never rerun the script: they come through the map's bridge, settled), and one
    render instead of streamlit-folium's default two. The view-dependent layers travel as
    feature groups: a rerun swaps them on the same Leaflet map, so the reader's zoom and centre
    stay. The country shapes, the events and the colours' timeline travel apart, held by the
    page's bridge elements, which hand them to the map by ID; they stay the same while the
    reader moves through time, so a rerun sends the countries' colours and which events are
    shown, not the shapes or the events. `on_click` gets the ISO3 code of a clicked country."""
    # The map first: the browser fetches the map component's code as soon as the map arrives
    # (ahead of the code of the page's other elements); the map waits for its data.
    st_folium(the_map.base, key=the_map.key, returned_objects=[], render=False,
              height=height, use_container_width=True,
              feature_group_to_add=list(the_map.layers))
    for data in the_map.sets:
        dataset_carrier(data)
    committed, intent = map_view(the_map.key)
    map_bridge(the_map.key, committed, intent,
               on_commit=lambda value: map_committed(the_map.key, value), on_open=on_click)


def country_page_links() -> Callable[[str], str]:
    """The link to a country's page, keeping the view of the current link (date, language...):
    the link is read once for a whole table."""
    query = {k: st.query_params[k] for k in st.query_params if k not in ("iso3", "view")}
    return lambda iso3: "country?" + urlencode({**query, "iso3": iso3})


def table(frame: pd.DataFrame, tr: Translate, empty: str = "") -> None:
    """A full-width table with translated headers.

    A table of facts (a `sources` column of lists) reads as one row per fact with all its
    sources as links in one cell, and countries linking to their pages; other tables (files,
    the index of sources) are data frames whose `source` column holds links (http(s) URLs
    only; other text in it is shown as plain text beside it). `empty` says what to change
    when there is nothing to show."""
    if frame.empty and empty:
        st.info(empty)
        return
    if "sources" in frame.columns and frame["sources"].map(lambda v: isinstance(v, list)).all():
        st.html(html_table(frame, {c: tr(str(c)) for c in frame.columns}, country_page_links(),
                           facts().outlets, tr))
        return
    frame = links_only_for_web_urls(frame)
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={c: st.column_config.LinkColumn(tr(c)) if c == "source"
                                else st.column_config.Column(tr(str(c))) for c in frame.columns})


def table_panel(label: str, key: str, caption: str, build: Callable[[], pd.DataFrame],
                tr: Translate) -> None:
    """A folded table, built and sent only once opened: it costs the page's first draw nothing.

    The label stays the same across dates (the caption inside carries them), so an open panel
    stays open while the reader moves the date.
    """
    with st.expander(label, key=key, on_change="rerun") as panel:
        if panel.open:
            st.caption(caption)
            table(build(), tr)
