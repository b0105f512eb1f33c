"""Downloads of a page's map as an image (PNG, SVG, PDF) or an animation (GIF, MP4).

The panel is folded and built only once opened, so the page's first draw costs nothing; the
files are rendered by geo.publish only when the reader clicks a download button (Streamlit's
deferred download: the render runs on its own thread, the page does not rerun). matplotlib is
imported only once a panel is opened: it costs a server process about a second.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app.state import DATASET, UPLOAD, VALUES
from app.store import kept_set, store
from geo.changes import STEPS, frame_dates
from geo.facts import Facts
from geo.i18n import N_, Translate, long_date
from geo.pulls import history
from geo.store import StoreError
from geo.terms import Provenance, provenance_of
from geo.viewstate import ViewState
from geo.vocabulary import COVERAGE_START

SHAPE_LABELS = {"wide": N_("Wide (16:10, for articles)"),
                "square": N_("Square (1:1, for social posts)")}
STEP_LABELS = {"week": N_("Every week"), "month": N_("Every month")}
MAX_FRAMES = 400  # about 25 s of rendering; weekly frames over the whole period are 360
LICENCE = "licence_allows_raw"  # the user's statement that their licence allows republishing


def events_provenance() -> Provenance | None:
    """Where the user's events shown come from (geo.terms): the file imported in this session
    (its format, dated today), else the kept set (a pulled set's source and last pull's date;
    an imported one's format and the day it was kept); None without user events."""
    report = st.session_state.get(UPLOAD)
    if report is not None:
        return provenance_of(report.format, report.name, date.today())
    dataset = st.session_state.get(VALUES, {}).get(DATASET)
    if not dataset:
        return None
    try:
        kept = kept_set(dataset)
        pulls = history(store(), dataset) if kept is not None else []
    except StoreError:
        return None
    if kept is None:
        return None
    info = kept[0]
    if pulls:
        return provenance_of(pulls[-1].source, info.name, pulls[-1].at.date(), pulled=True)
    return provenance_of(info.format, info.name, info.created_at.date())


def licence_choice(prov: Provenance | None, tr: Translate, key: str) -> bool:
    """The user's explicit statement that their licence lets them republish their events' rows,
    off by default, shown only when the source's terms forbid it; True when no terms stand in
    the way."""
    if prov is None or prov.terms.raw_rows:
        return True
    allowed = st.toggle(tr("My licence allows republishing {source}'s rows").format(
        source=prov.terms.name), value=False, key=f"{LICENCE}_{key}",
        help=tr("Off: files and pages made here carry only counts and fatalities per country, "
                "admin1 and month of these events, as the source's terms require."))
    if not allowed:
        st.caption(tr("Your events from {source} go into files only as counts and fatalities "
                      "per country, admin1 and month.").format(source=prov.terms.name))
    return allowed


def panel_key(page: str) -> str:
    """The session-state key of a page's folded download panel."""
    return f"publish_{page}"


def image_downloads(facts: Facts, view: ViewState, tr: Translate, page: str, metric: str,
                    events: bool = False, iso3: str | None = None,
                    animation: bool = False) -> None:
    """A folded panel under a page's map: download it as an image of the view (shape and
    format to choose; the events of the window when `events`), framed on `iso3` if given, and,
    with `animation`, the map's change between two dates as a GIF or an MP4."""
    key = panel_key(page)
    with st.expander(tr("Download this map as an image or an animation"), key=key,
                     on_change="rerun") as panel:
        if not panel.open:
            return
        from geo import publish  # heavy (matplotlib): imported once a panel is open

        left, right = st.columns(2)
        shape = left.radio(tr("Shape"), publish.SHAPES, key=f"{key}_shape",
                           format_func=lambda s: tr(SHAPE_LABELS[s]))
        fmt = right.radio(tr("Format"), publish.IMAGE_FORMATS, format_func=str.upper,
                          horizontal=True, key=f"{key}_format")
        window = view.window if events and view.categories else None
        image = publish.MapImage(view.as_of, metric, view.lang, shape, fmt, events=window,
                                 categories=view.categories, countries=view.countries, iso3=iso3)
        name = publish.image_file_name(image)
        st.download_button(tr("Download the image ({format})").format(format=fmt.upper()),
                           lambda: publish.render_image(facts, image), name, publish.MIME[fmt],
                           key=f"{key}_image", on_click="ignore", icon=":material/download:")
        st.caption(tr("{file}: the map on {date}, with its title, legend, capitals and credit.")
                   .format(file=name, date=long_date(view.as_of, view.lang)))
        if animation:
            _animation(facts, view, tr, key, metric, iso3)


def _animation(facts: Facts, view: ViewState, tr: Translate, key: str, metric: str,
               iso3: str | None) -> None:
    from geo import publish

    st.markdown(f"**{tr('Animation')}**")
    last = facts.curated.date() if facts.curated is not None else view.as_of
    left, middle, right = st.columns(3)
    start = left.date_input(tr("From"), value=COVERAGE_START, min_value=COVERAGE_START,
                            max_value=last, key=f"{key}_from", format="YYYY-MM-DD")
    end = middle.date_input(tr("To"), value=view.as_of, min_value=COVERAGE_START,
                            max_value=last, key=f"{key}_to", format="YYYY-MM-DD")
    step = right.radio(tr("Frames"), STEPS, format_func=lambda s: tr(STEP_LABELS[s]),
                       index=1, key=f"{key}_step")
    fmt = st.radio(tr("Format"), publish.ANIMATION_FORMATS, format_func=str.upper,
                   horizontal=True, key=f"{key}_animation_format")
    shape = st.session_state.get(f"{key}_shape", publish.SHAPES[0])
    if not isinstance(start, date) or not isinstance(end, date) or end <= start:
        st.warning(tr("Pick a start date before the end date."))
        return
    frames = len(frame_dates(start, end, step))
    if frames > MAX_FRAMES:
        st.warning(tr("{count} frames is too many for one file; the limit is {limit}: pick "
                      "monthly frames or a shorter period.").format(count=frames, limit=MAX_FRAMES))
        return
    movie = publish.MapAnimation(start, end, step, metric, view.lang, shape, fmt, iso3)
    name = publish.animation_file_name(movie)
    st.download_button(tr("Download the animation ({format})").format(format=fmt.upper()),
                       lambda: publish.render_animation(facts, movie), name, publish.MIME[fmt],
                       key=f"{key}_animation", on_click="ignore", icon=":material/movie:")
    st.caption(tr("{file}: {count} frames; rendering takes a few seconds after the click.")
               .format(file=name, count=frames))
