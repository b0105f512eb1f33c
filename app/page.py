"""What every page starts with: page config, loaded facts, data problems, and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from app.data import facts
from app.state import sidebar_view, url_warnings
from geo.facts import Facts
from geo.viewstate import ViewState


def start_page(title: str) -> tuple[Facts, ViewState]:
    """Set up a page and return the facts and the view; stops the page if nothing can be shown."""
    st.set_page_config(page_title=f"{title} · Sahel coup belt",
                       layout="wide")
    loaded = facts()
    for error in loaded.errors:
        st.error(f"Data problem: {error}")
    if loaded.curated is None:
        st.error("The curation date is unknown (data/SOURCES.md), so the dashboard cannot pick "
                 "its default date.")
        st.stop()
    curated = loaded.curated.date()
    view = sidebar_view(curated)
    for warning in url_warnings():
        st.warning(warning)
    st.sidebar.caption(f"Facts curated up to {curated:%Y-%m-%d}. Every row in data/ cites its "
                       "sources; see the tables under the map.")
    return loaded, view
