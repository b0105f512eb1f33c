"""The situation page's flare list (geo.flares): the places whose last 30 days are well above
their own recent normal on the as-of date, from the imported or kept events when the view has
them, else the curated ones. Built only once its panel is opened."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from app.page import table
from geo.engine import Events
from geo.facts import Facts, country_names
from geo.flares import LEVELS, MIN_EVENTS, RATIO, flares
from geo.i18n import N_, Translate, long_date
from geo.viewstate import ViewState

LEVEL_LABELS = {"country": N_("country"), "admin1": N_("region (admin1)")}
WHY = {"events": N_("events"), "deaths": N_("deaths"), "events+deaths": N_("events and deaths")}
SHOWN = 30  # rows of the list


def flare_rows(found: pd.DataFrame, names: dict[str, str], tr: Translate) -> pd.DataFrame:
    """The flaring places as the list shows them (English headers, translated by `table`)."""
    rows = found[found["flaring"]].head(SHOWN)
    return pd.DataFrame({
        N_("country"): rows["iso3"].map(lambda c: names.get(c, c)),
        N_("region (admin1)"): rows["admin1"],
        N_("events, last 30 days"): rows["events"],
        N_("events, average of the 12 windows before"): rows["baseline_events"].round(1),
        N_("deaths, last 30 days"): rows["deaths"],
        N_("deaths, average before"): rows["baseline_deaths"].round(1),
        N_("flaring by"): rows["why"].map({k: tr(v) for k, v in WHY.items()}).fillna(""),
    })


def flares_panel(facts: Facts, view: ViewState, mine: Events | None, tr: Translate) -> None:
    with st.expander(tr("What is flaring"), key="flares_panel", on_change="rerun") as panel:
        if not panel.open:
            return
        level = st.radio(tr("By"), LEVELS, index=1, format_func=lambda v: tr(LEVEL_LABELS[v]),
                         horizontal=True, key="flares_level")
        if mine is not None:  # the engine's table: the flare table is one DuckDB query on it
            events: Any = mine.table.select(["date", "iso3", "admin1", "deaths"])
            if view.countries:
                events = events.filter(pc.is_in(events["iso3"], pa.array(view.countries)))
            st.caption(tr("From your imported or kept events."))
        else:
            events = facts.events[["date", "iso3"]].assign(admin1="", deaths=0)
            if view.countries:
                events = events[events["iso3"].isin(view.countries)]
            st.caption(tr("From the curated events (import or pull conflict events for a "
                          "fuller picture)."))
        found = flares(events, view.as_of, level)
        st.caption(tr("A place is flaring when its last 30 days to {date} have at least {ratio} "
                      "times the average of the twelve 30-day windows before and at least {min} "
                      "events (or deaths); it needs three windows of data before.").format(
            date=long_date(view.as_of, view.lang), ratio=f"{RATIO:g}", min=MIN_EVENTS))
        table(flare_rows(found, country_names(facts, view.lang), tr), tr,
              tr("Nothing is flaring on {date} by this rule.").format(
                  date=long_date(view.as_of, view.lang)))
