"""The situation page's flare list (geo.flares): the places whose last 30 days are well above
their own recent normal on the as-of date, from the imported or kept events when the view has
them, else the curated ones. Built only once its panel is opened."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app.page import table
from app.publish import events_provenance
from geo.engine import Events
from geo.facts import Facts, country_names
from geo.flares import LEVELS, MIN_EVENTS, RATIO, flare_events, flares
from geo.i18n import N_, Translate, long_date, month_label
from geo.viewstate import ViewState

LEVEL_LABELS = {"country": N_("country"), "admin1": N_("region (admin1)")}
WHY = {"events": N_("events"), "deaths": N_("deaths"), "events+deaths": N_("events and deaths")}
SHOWN = 30  # rows of the list
CAST = "cast_forecasts"  # the ACLED CAST forecasts read in this session (month, frame)


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
        # the user's events stay the engine's Arrow table: the flare table is one DuckDB query
        events = flare_events(facts.events, mine, view.countries)
        if mine is not None:
            st.caption(tr("From your imported or kept events."))
        else:
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
        cast_control(facts, view, tr)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s: the month CAST forecasts are read for."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cast_shown() -> pd.DataFrame | None:
    """The ACLED CAST forecasts read in this session, for the map (None: none read)."""
    found = st.session_state.get(CAST)
    return found[1] if found is not None else None


def cast_control(facts: Facts, view: ViewState, tr: Translate) -> None:
    """For a pulled ACLED set: read ACLED CAST's forecasts of the month after the as-of date
    (the account's credentials, as the pull) and draw them on the map; an account that may not
    read CAST is told so in one line."""
    prov = events_provenance()
    if prov is None or prov.source != "acled" or not prov.pulled:
        return
    from geo.sources import SourceError, cast_forecasts  # network client: only when shown

    month = next_month(view.as_of)
    label = month_label(month, view.lang)
    if st.button(tr("Read ACLED CAST forecasts for {month}").format(month=label), key="cast_read"):
        try:
            found = cast_forecasts(month, facts.borders, view.countries)
        except SourceError as exc:
            st.warning(tr("ACLED CAST could not be read: {reason}").format(reason=str(exc)))
            return
        st.session_state[CAST] = (month, found)
        st.rerun()
    read = st.session_state.get(CAST)
    if read is not None:
        st.caption(tr("{count} admin1 forecasts of {month} from ACLED CAST are on the map "
                      "(dotted rings, where your events place the admin1).").format(
            count=len(read[1]), month=month_label(read[0], view.lang)))
