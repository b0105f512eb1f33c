"""Playback: the as-of date runs from a start to an end date, frame by frame, on the same map.

The map is always drawn inside one fragment, so playing only reruns the fragment: each frame
swaps the map's layers (the reader's zoom stays) with colours computed by the same Python model
as any other date. When playback stops, the whole page moves to the frame's date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import streamlit as st

from app.page import country_from_click, show_map
from app.state import set_as_of
from geo.changes import STEPS, frame_dates
from geo.i18n import N_, Translate, long_date
from geo.situation import LayeredMap
from geo.timeline import DateWindow
from geo.viewstate import ViewState
from geo.vocabulary import COVERAGE_START

PLAYING = "playback_playing"
FRAMES = "playback_frames"
FRAME = "playback_frame"  # the frame on the map
SHOWN = "playback_shown"  # set once a frame has been drawn: the next run moves on
SPEEDS = (1, 2, 4, 8)  # frames per second
STEP_LABELS = {"week": N_("a week"), "month": N_("a month")}


def _start(curated: date) -> None:
    ss = st.session_state
    first, last = ss["playback_from"], ss["playback_to"]
    if first > last:
        first, last = last, first
    ss[FRAMES] = frame_dates(first, last, ss["playback_step"])
    ss[FRAME] = 0
    ss.pop(SHOWN, None)
    ss[PLAYING] = True


def _stop() -> None:
    ss = st.session_state
    ss[PLAYING] = False
    set_as_of(ss[FRAMES][ss[FRAME]])


def playback_controls(curated: date, tr: Translate) -> None:
    """The settings and the Play button, folded under the map (drawn only once opened, so the
    page's first draw does not pay for them)."""
    with st.expander(tr("Play through time"), key="playback_panel", on_change="rerun") as panel:
        if not panel.open:
            return
        left, right = st.columns(2)
        left.date_input(tr("From"), value=COVERAGE_START, min_value=COVERAGE_START,
                        max_value=curated, key="playback_from", format="YYYY-MM-DD")
        right.date_input(tr("To"), value=curated, min_value=COVERAGE_START, max_value=curated,
                         key="playback_to", format="YYYY-MM-DD")
        st.radio(tr("Each frame moves"), STEPS, key="playback_step", horizontal=True, index=1,
                 format_func=lambda k: tr(STEP_LABELS[k]))
        st.select_slider(tr("Frames per second"), SPEEDS, value=2, key="playback_speed")
        st.checkbox(tr("Loop"), key="playback_loop")
        st.button(tr("▶ Play"), key="playback_play", type="primary", on_click=_start,
                  args=(curated,), disabled=bool(st.session_state.get(PLAYING)))


def map_section(build: Callable[[ViewState, bool], LayeredMap], view: ViewState,
                tr: Translate, height: int = 620) -> None:
    """The page's map, as a fragment that reruns on its own, frame after frame, while playing.
    `build(view, playing)` makes the map of a view (with the date stamped on it when playing)."""
    playing = bool(st.session_state.get(PLAYING))
    every = 1 / st.session_state.get("playback_speed", 2) if playing else None

    @st.fragment(run_every=every)
    def section() -> None:
        ss = st.session_state
        if not ss.get(PLAYING):
            the_map = build(view, False)
            show_map(the_map, height=height, returned=("last_active_drawing",),
                     on_change=country_from_click(the_map.key, open_page=True))
            return
        frames: list[date] = ss[FRAMES]
        if st.button(tr("⏸ Pause"), key="playback_pause"):
            _stop()  # on the frame the reader sees
            st.rerun(scope="app")
        if ss.pop(SHOWN, None) is not None:  # a tick of the timer: the next frame
            if ss[FRAME] + 1 < len(frames):
                ss[FRAME] += 1
            elif ss.get("playback_loop"):
                ss[FRAME] = 0
            else:
                _stop()
                st.rerun(scope="app")
        day = frames[ss[FRAME]]
        days = (view.window.end - view.window.start).days + 1
        show_map(build(replace(view, as_of=day, window=DateWindow.ending(day, days)), True),
                 height=height)
        st.caption(tr("Frame {n} of {total}: {day}").format(
            n=ss[FRAME] + 1, total=len(frames), day=long_date(day, view.lang)))
        ss[SHOWN] = ss[FRAME]

    section()
