"""The shared view: sidebar filters and page choices, kept in session state and in the URL.

On a session's first run the URL's parameters give the view (bad values fall back with a
warning). The widgets' values are kept in one dict in session state, updated by each widget's
on_change callback, and written back to the widget keys before widgets are drawn: Streamlit
resets or drops the state of widgets when the page changes, and this keeps the view across
pages. At the end of each run Python, and nothing else, writes the view into the URL (the keys
that differ only), so a copied link reopens the same page with the same view. Each map's
zoom and centre are part of that view: the map posts them, once settled, through its bridge
(app/bridge.py), and gets them back when it is drawn again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from app.data import change_days
from app.store import checked_dataset, kept_events, link_params
from geo.changes import around, dimensions_of
from geo.engine import Events
from geo.i18n import LANG_NAMES, LANGS, N_, Translate, long_date, month_label, translator
from geo.imported import UploadFilter
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
MONTH = "as_of_month"
COMPARE = "compare"
LINK_VIEWPORT = "link_viewport"  # the map view a link or a saved view opened, for the next map
VIEWPORTS = "map_viewports"  # map key -> (lat, lon, zoom): where the reader left each map
INTENT = "map_intent"  # {"seq", "map", "viewport"}: a view Python asks a map to show, once
SHOWN = "shown_view"  # this run's view and its map's key, written into the URL at the end
CURATED = "curated_day"
UPLOAD_KINDS = "upload_kinds"
UPLOAD_ACTORS = "upload_actors"
UPLOAD_MIN_DEATHS = "upload_min_deaths"
UPLOAD_PRECISE = "upload_precise"
DATASET = "dataset"  # the ID of the kept event set this session shows (its rows are shared)
DATASET_VERSION = "dataset_version"  # the pulled set's version shown; None: its latest
LAYER_KEYS = {name: f"layer_{name}" for name in LAYERS}

LAYER_LABELS = {
    "choropleth": N_("Country colours (choropleth)"),
    "events": N_("Events"),
    "forces": N_("Foreign forces (badges)"),
    "upload": N_("Your events (imported on the Events page)"),
    "basemap": N_("Basemap tiles (needs internet)"),
    "flares": N_("What is flaring (rings)"),
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
        COMPARE: view.compare,
        UPLOAD_KINDS: list(view.upload.kinds),
        UPLOAD_ACTORS: list(view.upload.actors),
        UPLOAD_MIN_DEATHS: view.upload.min_deaths,
        UPLOAD_PRECISE: view.upload.precise_only,
        DATASET: view.dataset,
        DATASET_VERSION: view.version,
    }
    values.update({key: name in view.layers for name, key in LAYER_KEYS.items()})
    return values


def _restore(curated: date, countries: Mapping[str, str], dimensions: list[str]) -> None:
    if VALUES not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        tr = translator(params.get("lang", "en"))
        params, saved = link_params(params, tr, params.get("lang", "en"))  # a view's link: v=ID
        view, warnings = parse_view(params, curated, countries, dimensions)
        view, missing = checked_dataset(view, translator(view.lang))
        warnings = [*saved, *warnings, *missing]
        st.session_state[VALUES] = _widget_values(view)
        # the link's (or the saved view's) zoom and centre: the next map drawn opens on them,
        # also a map already open (reopening a saved view from the list)
        st.session_state[LINK_VIEWPORT] = view.viewport
        seq = int(st.session_state.get(INTENT, {}).get("seq", 0)) + 1
        st.session_state[INTENT] = {"seq": seq, "map": None, "viewport": None}
        st.session_state[URL_WARNINGS] = warnings
        st.session_state[WINDOW_CUSTOM] = view.window != DateWindow.ending(view.as_of)
    for key, value in st.session_state[VALUES].items():
        st.session_state[key] = value


def set_as_of(day: date) -> None:
    """Move the as-of date (from a widget's callback); an untouched event window follows it,
    one the user set stays put."""
    st.session_state[VALUES][AS_OF] = day
    if not st.session_state[WINDOW_CUSTOM]:
        window = DateWindow.ending(day)
        st.session_state[VALUES][WINDOW] = (window.start, window.end)


PREVIOUS_DATES = "previous_dates"  # (as-of, window, custom) before "Show my data's period"


def show_period(first: date, last: date, curated: date) -> None:
    """Move the event window to [first, last] and the as-of date to its end (both within the
    calendar's days), remembering the dates before so the move can be undone."""
    values = st.session_state[VALUES]
    st.session_state[PREVIOUS_DATES] = (values[AS_OF], values[WINDOW],
                                        st.session_state[WINDOW_CUSTOM])
    start = min(max(first, COVERAGE_START), curated)
    end = min(max(last, start), curated)
    values[AS_OF], values[WINDOW] = end, (start, end)
    st.session_state[WINDOW_CUSTOM] = True


def undo_period() -> None:
    """Back to the dates before show_period."""
    previous = st.session_state.pop(PREVIOUS_DATES, None)
    if previous is not None:
        values = st.session_state[VALUES]
        values[AS_OF], values[WINDOW], st.session_state[WINDOW_CUSTOM] = previous


def _changed(key: str) -> Callable[[], None]:
    def remember() -> None:
        if key == AS_OF:
            set_as_of(st.session_state[AS_OF] or st.session_state[VALUES][AS_OF])
            return
        st.session_state[VALUES][key] = st.session_state[key]
        if key == WINDOW:
            st.session_state[WINDOW_CUSTOM] = True
    return remember


def _month_moved() -> None:
    picked: date = st.session_state[MONTH]
    if picked != st.session_state[VALUES][AS_OF].replace(day=1):
        set_as_of(picked)


def _step_to(day: date | None) -> Callable[[], None]:
    return lambda: set_as_of(day) if day is not None else None


def _time_controls(status: pd.DataFrame, curated: date, tr: Translate, by_metric: bool) -> None:
    """Beside the exact calendar: a month slider (labels in the page's language, arrow keys
    step) and buttons to the previous / next day on which the metric shown (or, off the
    situation page, any status) changes."""
    values = st.session_state[VALUES]
    as_of: date = values[AS_OF]
    months = [d.date() for d in pd.date_range(COVERAGE_START, curated, freq="MS")]
    st.session_state[MONTH] = as_of.replace(day=1)
    lang = values[LANG]
    dims = dimensions_of(values[METRIC]) if by_metric else None
    before, after = around(change_days(status, dims), as_of, curated)
    with st.sidebar:
        st.select_slider(tr("Month"), months, key=MONTH, on_change=_month_moved,
                         format_func=lambda d: month_label(d, lang),
                         help=tr("Slide, or use the arrow keys, to move the as-of date month by "
                                 "month; the calendar above sets the exact day."))
        # One button a row: side by side, the labels are cut in French in the sidebar.
        st.button(tr("◀ Previous change"), key="previous_change", on_click=_step_to(before),
                  disabled=before is None, width="stretch",
                  help=tr("The last day before this one on which a status changed") +
                  (f" ({long_date(before, lang)})" if before else ""))
        st.button(tr("Next change ▶"), key="next_change", on_click=_step_to(after),
                  disabled=after is None, width="stretch",
                  help=tr("The next day on which a status changed") +
                  (f" ({long_date(after, lang)})" if after else ""))


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
        compare=ss[COMPARE],
        upload=UploadFilter(tuple(ss[UPLOAD_KINDS]), tuple(ss[UPLOAD_ACTORS]),
                            int(ss[UPLOAD_MIN_DEATHS] or 0), bool(ss[UPLOAD_PRECISE])),
        dataset=ss.get(DATASET),
        version=ss.get(DATASET_VERSION) if ss.get(DATASET) else None,
    )


def shared_view(curated: date, countries: Mapping[str, str], dimensions: list[str]) -> ViewState:
    """The view this run shows, from the link on a session's first run and from the sidebar's
    values after; the URL is updated to match. `countries` maps ISO3 codes to names;
    `dimensions` are the alignments page's choices. The widgets are drawn by
    sidebar_controls, which may come later in the run: the view is in session state, which
    the widgets' callbacks update before the run starts."""
    _restore(curated, countries, dimensions)
    st.session_state[CURATED] = curated
    view = _current_view(curated)
    st.session_state[SHOWN] = (view, None)
    return view


def map_view(key: str) -> tuple[dict[str, object], dict[str, object] | None]:
    """What the bridge of the map `key` sends (app/bridge.py): the committed view (date, metric,
    the zoom and centre the reader left this map at) and Python's intent, if one is for this
    map. A link's or a saved view's zoom and centre go to the first map drawn after it opened.
    This map's view is then the one the URL carries."""
    ss = st.session_state
    viewports: dict[str, tuple[float, float, float]] = ss.setdefault(VIEWPORTS, {})
    intent = ss.get(INTENT)
    if LINK_VIEWPORT in ss and intent is not None:
        opened = ss.pop(LINK_VIEWPORT)
        if opened is not None:
            viewports[key] = opened
        intent = ss[INTENT] = {**intent, "map": key, "viewport": opened}
    values = ss[VALUES]
    viewport = viewports.get(key)
    view, _ = ss.get(SHOWN, (None, None))
    if view is not None:
        ss[SHOWN] = (view, key)
    committed = {"date": f"{values[AS_OF]:%Y-%m-%d}", "metric": values[METRIC],
                 "viewport": list(viewport) if viewport else None}
    mine = intent if intent is not None and intent.get("map") == key else None
    return committed, mine


def map_committed(key: str, value: Mapping[str, object]) -> None:
    """A map's settled choice, from its bridge's callback: its zoom and centre are kept for
    it; a date, a metric or a compare date (or its clearing) committed on its time control
    becomes the page's."""
    from app.bridge import parse_commit, parse_compare  # the bridge imports Streamlit's API

    ss = st.session_state
    curated = ss.get(CURATED) or date.today()
    day, metric, viewport = parse_commit(value, COVERAGE_START, curated)
    comparing, compare = parse_compare(value, COVERAGE_START, curated)
    if comparing:  # the compare field of the map's time control: set, or cleared
        ss[VALUES][COMPARE] = compare
    if viewport is not None:
        ss.setdefault(VIEWPORTS, {})[key] = viewport
    if day is not None and day != ss[VALUES][AS_OF]:
        set_as_of(day)
    if metric in METRICS and metric != ss[VALUES][METRIC]:
        ss[VALUES][METRIC] = metric


def url_view() -> ViewState | None:
    """This run's view as its link carries it: with the zoom and centre of the page's map."""
    shown, key = st.session_state.get(SHOWN, (None, None))
    if not isinstance(shown, ViewState) or VALUES not in st.session_state:
        return None
    # the view as it stands now: a panel of the page may have changed it during the run
    view = _current_view(st.session_state.get(CURATED) or shown.as_of)
    viewport = st.session_state.get(VIEWPORTS, {}).get(key) if key else None
    return replace(view, viewport=viewport)


URL_EXTRA = "url_extra"  # a page's own link keys for this run (the Events page's brush)


def page_link_keys(keys: Mapping[str, str]) -> None:
    """Add this page's own keys to the link this run writes (sync_url); they last one run."""
    st.session_state[URL_EXTRA] = {**st.session_state.get(URL_EXTRA, {}), **keys}


def sync_url() -> None:
    """Write this run's view into the URL: the keys that differ, once, at the end of the run.
    Nothing else in the app writes the link (the map's scripts never touch the page)."""
    view = url_view()
    if view is None:
        return
    want = {**view_query(view), **st.session_state.pop(URL_EXTRA, {})}
    have = {k: st.query_params[k] for k in st.query_params}
    for gone in [k for k in have if k not in want]:
        del st.query_params[gone]
    changed = {k: v for k, v in want.items() if have.get(k) != v}
    if changed:
        st.query_params.update(changed)


def sidebar_controls(curated: date, countries: Mapping[str, str], status: pd.DataFrame,
                     by_metric: bool = False) -> None:
    """Draw the shared sidebar filters (`status` gives the days the change buttons step to: the
    map metric's only, `by_metric`)."""
    tr = translator(st.session_state[LANG])
    with st.sidebar:
        st.radio("Language / Langue", list(LANGS), key=LANG, horizontal=True,
                 format_func=lambda k: LANG_NAMES[k], on_change=_changed(LANG))
        st.date_input(tr("As of"), key=AS_OF, min_value=COVERAGE_START, max_value=curated,
                      on_change=_changed(AS_OF), format="YYYY-MM-DD",
                      help=tr("Maps and figures show each country's status on this day."))
        if not by_metric:  # the situation map has these on the map itself
            _time_controls(status, curated, tr, by_metric)
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
        _upload_filters(tr)


def _upload_filters(tr: Translate) -> None:
    """Filters of the user's imported events, over what their file holds (shown once a file is
    imported; a link's filters wait in the view until then)."""
    if st.session_state.get(UPLOAD) is None:
        return
    events = uploaded_events()
    if events is None:
        return
    values = st.session_state[VALUES]
    st.caption(tr("Your events"))
    kinds = [k for k in events.kind_counts().index if k]
    st.multiselect(tr("Event types"), list(dict.fromkeys([*kinds, *values[UPLOAD_KINDS]])),
                   key=UPLOAD_KINDS, on_change=_changed(UPLOAD_KINDS),
                   placeholder=tr("All types"))
    # Search as you type: the multiselect filters its options on the letters typed.
    st.multiselect(tr("Actors"), list(dict.fromkeys([*events.actors(), *values[UPLOAD_ACTORS]])),
                   key=UPLOAD_ACTORS, on_change=_changed(UPLOAD_ACTORS),
                   placeholder=tr("All actors (type to search)"),
                   help=tr("Events where one of these is actor 1 or actor 2."))
    st.number_input(tr("At least this many fatalities"), min_value=0, max_value=1_000_000, step=1,
                    key=UPLOAD_MIN_DEATHS, on_change=_changed(UPLOAD_MIN_DEATHS),
                    help=tr("Events with no fatalities recorded count as 0."))
    st.toggle(tr("Only precisely placed and dated events"), key=UPLOAD_PRECISE,
              on_change=_changed(UPLOAD_PRECISE),
              help=tr("Leave out events located only to a region or the country, or dated only "
                      "to the week or month (drawn hollow on the map)."))


def map_controls(tr: Translate) -> None:
    """The situation map's own choices: metric and layers (their values are in the view)."""
    with st.sidebar:
        st.selectbox(tr("Colour countries by"), list(METRICS), key=METRIC,
                     format_func=lambda k: tr(METRICS[k].title), on_change=_changed(METRIC))
        st.caption(tr("Layers"))
        for name, key in LAYER_KEYS.items():
            st.checkbox(tr(LAYER_LABELS[name]), key=key, on_change=_changed(key))


def pick_date(chart_key: str, picked: Callable[[Mapping[str, object]], date | None]
              ) -> Callable[[], None]:
    """A chart's on_select callback: the date the reader clicked becomes the as-of date."""
    def pick() -> None:
        state = st.session_state.get(chart_key)
        day = picked(getattr(state, "selection", None) or {})
        if day is not None:
            set_as_of(day)
    return pick


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
UPLOAD_EVENTS = "upload_events"  # (the report, its events held by the engine)
PENDING_UPLOAD = "upload_pending"  # a file read but waiting for a column mapping


def uploaded_events() -> Events | None:
    """The events the user imported in this session, else those of the kept set the view shows
    (one set per server process, shared by the sessions showing it), held by the engine
    (geo.engine); None if none."""
    report = st.session_state.get(UPLOAD)
    if report is not None:
        held = st.session_state.get(UPLOAD_EVENTS)
        if held is None or held[0] is not report:  # a new import: its events, date-sorted,
            events = Events(report.table)  # held once (the report's now are the same table)
            report = st.session_state[UPLOAD] = replace(report, events=events.table)
            held = st.session_state[UPLOAD_EVENTS] = (report, events)
        return held[1]
    values = st.session_state.get(VALUES, {})
    dataset = values.get(DATASET)
    return kept_events(dataset, values.get(DATASET_VERSION)) if dataset else None


COUNTRY_PICK = "country_page_pick"


def _country_picked() -> None:
    picked = st.session_state[COUNTRY_PICK]
    set_countries([picked] if picked else [])


def country_picker(names: Mapping[str, str], tr: Translate) -> str | None:
    """The country page's choice of country (the first of the shared country filter), by name;
    None until one is picked."""
    chosen = st.session_state[VALUES][COUNTRIES]
    current = chosen[0] if chosen and chosen[0] in names else None
    st.session_state[COUNTRY_PICK] = current
    st.selectbox(tr("Country"), sorted(names, key=lambda k: names[k]), key=COUNTRY_PICK,
                 format_func=lambda k: names.get(k, k), on_change=_country_picked,
                 placeholder=tr("Pick a country"))
    if len(chosen) > 1:
        st.caption(tr("This page shows one country: the first of those picked in the sidebar."))
    return current

