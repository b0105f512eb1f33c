"""Playback: the as-of date runs from a start to an end date, frame by frame, on the same map.

Play sends the browser one payload with every frame (geo.playback: colours from the model's
class intervals, the date written large, the events of each frame's window), which
static/js/coupbelt.js plays on the page's map with no rerun per frame; the reader's zoom stays.
The map is drawn inside a fragment that reruns once, when the last frame is due, to move the
whole page to it; Pause moves the page to the frame the reader sees (the browser writes it into
the link as frame=YYYY-MM-DD).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import streamlit as st

from app.data import wire
from app.page import country_from_click, show_map
from app.state import frame_in_link, set_as_of
from geo.changes import STEPS, frame_dates
from geo.engine import Events
from geo.facts import Facts
from geo.i18n import N_, Translate, long_date
from geo.playback import frame_events, player_payload
from geo.situation import LayeredMap
from geo.timeline import DateWindow
from geo.viewstate import ViewState
from geo.vocabulary import COVERAGE_START

PLAYING = "playback_playing"
FRAMES = "playback_frames"
STARTED = "playback_started"  # when the payload went to the browser (time.time())
SPEEDS = (1, 2, 4, 8)  # frames per second
STEP_LABELS = {"week": N_("a week"), "month": N_("a month")}


def _start(curated: date) -> None:
    ss = st.session_state
    first, last = ss["playback_from"], ss["playback_to"]
    if first > last:
        first, last = last, first
    ss[FRAMES] = frame_dates(first, last, ss["playback_step"])
    ss[STARTED] = time.time()
    ss[PLAYING] = True


def _stop(frame: int) -> None:
    ss = st.session_state
    ss[PLAYING] = False
    set_as_of(ss[FRAMES][frame])


def shown_frame(frames: list[date], frame_param: str, elapsed: float, fps: int,
                loop: bool) -> int:
    """The frame the reader sees: the one the browser wrote into the link, else the one the
    clock says (the browser starts a moment after the payload leaves)."""
    iso = [f"{d:%Y-%m-%d}" for d in frames]
    if frame_param in iso:
        return iso.index(frame_param)
    k = int(elapsed * fps)
    return k % len(frames) if loop else min(k, len(frames) - 1)


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


def _duration(frames: list[date], fps: int) -> float:
    return len(frames) / fps


def map_section(build: Callable[[ViewState, dict[str, object] | None], LayeredMap],
                view: ViewState, tr: Translate, facts: Facts,
                uploaded: Events | None = None, height: int = 620) -> None:
    """The page's map, in a fragment. While playing, `build(view, player)` makes the map of
    the first frame with the player's payload (geo.playback); the fragment reruns when the last
    frame is due (unless looping) and moves the page there."""
    ss = st.session_state
    playing = bool(ss.get(PLAYING))
    fps = int(ss.get("playback_speed", 2))
    loop = bool(ss.get("playback_loop"))
    every = None
    if playing and not loop:
        every = max(0.5, ss[STARTED] + _duration(ss[FRAMES], fps) + 0.5 - time.time())

    @st.fragment(run_every=every)
    def section() -> None:
        if not ss.get(PLAYING):
            the_map = build(view, None)
            show_map(the_map, height=height, returned=("last_active_drawing",),
                     on_change=country_from_click(the_map.key, open_page=True))
            return
        frames: list[date] = ss[FRAMES]
        elapsed = time.time() - ss[STARTED]
        if st.button(tr("⏸ Pause"), key="playback_pause"):
            _stop(shown_frame(frames, frame_in_link(), elapsed, fps, loop))
            st.rerun(scope="app")
        if not loop and elapsed >= _duration(frames, fps):
            _stop(len(frames) - 1)
            st.rerun(scope="app")
        days = (view.window.end - view.window.start).days + 1
        events = frame_events(facts, uploaded if "upload" in view.layers else None, frames, days,
                              view.categories if "events" in view.layers else (), view.countries,
                              view.upload)
        payload = player_payload(wire(facts, view.lang), view.metric,
                                 frames, events, days, fps, loop, view.lang)
        show_map(build(replace(view, as_of=frames[0], window=DateWindow.ending(frames[0], days)),
                       payload), height=height)
        st.caption(tr("Playing {total} frames, {start} to {end}. ⏸ Pause stops on the frame "
                      "on the map.").format(total=len(frames), start=long_date(frames[0], view.lang),
                                            end=long_date(frames[-1], view.lang)))

    section()
