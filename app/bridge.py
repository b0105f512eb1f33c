"""The declared channel between a page's map and Python: a Streamlit Components v2 element
(static/js/bridge.js), mounted in the page itself, not in an iframe.

The map lives in streamlit-folium's iframe. It posts its settled choices (the map moved, a date
or a metric committed on its time control, a country clicked) to its parent window; the bridge
checks the sender's origin and the channel (the map's key) and sets its state: one rerun, whose
callback puts the choice into the view Python owns. Python's intents (a link opened, a saved
view reopened) go the other way in the element's `data`, with a sequence number the map applies
once; on the map's "hello" the bridge answers with the committed view, so a map re-created by a
rerun or a return to the page opens where the reader left it. The data a map draws from
(shapes, events, the colours' timeline) reach it the same way, by ID, from a carrier element
(dataset_carrier). No project script reads or writes the page, its URL or its globals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from pathlib import Path

import streamlit as st

from geo.layers import PageData

BRIDGE_JS = Path(__file__).resolve().parents[1] / "static" / "js" / "bridge.js"
NAME = "coupbelt.timemap_bridge"
STATE = "view"  # the state the map's commits set
TRIGGER = "open"  # the trigger a click on a country sets
HIDDEN = "coupbelt_bridge_"  # the keyed container that keeps a bridge out of the layout


@cache
def _script() -> str:
    return BRIDGE_JS.read_text(encoding="utf-8")


def _component() -> Callable[..., object]:
    # Registered on each call: the same definition again is a no-op for Streamlit (no
    # warning), and it is then registered with whichever runtime runs the script (AppTest's).
    return st.components.v2.component(NAME, js=_script())


def _hidden(key: str) -> None:
    """A keyed container whose element takes no room on the page (a bridge draws nothing)."""
    hidden = f".st-key-{key}"
    st.html(f'<style>{hidden}, [data-testid="stLayoutWrapper"]:has(> {hidden}), '
            f'[data-testid="stElementContainer"]:has({hidden}) {{display: none;}}</style>')


def committed(state: object) -> dict[str, object]:
    """The settled choice a map posted (the bridge's state), as a plain dict (empty if none)."""
    value = state.get(STATE) if isinstance(state, Mapping) else getattr(state, STATE, None)
    return dict(value) if isinstance(value, Mapping) else {}


def _day(text: object, first: date, last: date) -> date | None:
    """A commit's YYYY-MM-DD within [first, last], else None."""
    if not isinstance(text, str):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if first <= day <= last else None


def parse_compare(value: Mapping[str, object], first: date, last: date
                  ) -> tuple[bool, date | None]:
    """The compare date a map's commit sets: (True, the day) when one within [first, last] is
    set, (True, None) when it is cleared (""), (False, None) when the commit says nothing of
    it or what it says is not a day in range (dropped, like a bad date)."""
    if "compare" not in value:
        return False, None
    text = value["compare"]
    if text == "":
        return True, None
    day = _day(text, first, last)
    return day is not None, day


def parse_commit(value: Mapping[str, object], first: date, last: date
                 ) -> tuple[date | None, str | None, tuple[float, float, float] | None]:
    """The date, metric and viewport (lat, lon, zoom) of a map's commit, each None when absent
    or not valid: a date outside [first, last], a viewport off the globe are dropped."""
    day = _day(value.get("date"), first, last)
    metric = value.get("metric") if isinstance(value.get("metric"), str) else None
    viewport = None
    raw = value.get("viewport")
    if isinstance(raw, (list, tuple)) and len(raw) == 3:
        try:
            lat, lon, zoom = (float(v) for v in raw)
        except (TypeError, ValueError):
            lat = lon = zoom = float("nan")
        if -90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 20:
            viewport = (round(lat, 3), round(lon, 3), round(zoom, 2))
    return day, str(metric) if metric else None, viewport


def map_bridge(key: str, view: Mapping[str, object], intent: Mapping[str, object] | None,
               on_commit: Callable[[dict[str, object]], None],
               on_open: Callable[[str], None] | None = None) -> None:
    """Mount the bridge of the map named `key` (its channel): `view` is the committed view the
    map gets on its hello, `intent` ({"seq": n, ...}) one it applies once; `on_commit` gets a
    settled choice of the map, `on_open` the ISO3 code of a clicked country. Mount it at the
    page's top level (not in a fragment), so a commit reruns the whole page."""
    state_key = f"{HIDDEN}{key}"

    def commit() -> None:
        value = committed(st.session_state.get(state_key))
        if value:
            on_commit(value)

    def open_country() -> None:
        iso3 = getattr(st.session_state.get(state_key), TRIGGER, None)
        if on_open is not None and isinstance(iso3, str) and 2 <= len(iso3) <= 3:
            on_open(iso3)

    with st.container(key=f"{state_key}_box"):
        _hidden(f"{state_key}_box")
        _component()(key=state_key, data={"channel": key, "view": dict(view),
                                          "intent": dict(intent) if intent else None},
                     default={STATE: None}, height=0,
                     on_view_change=commit, on_open_change=open_country)


def dataset_carrier(data: PageData) -> None:
    """Hold one dataset for the page's maps (answered to a map's "need" by ID). Unchanged on a
    rerun, Streamlit sends only the message's hash: the data travel once."""
    box = f"{HIDDEN}data_{data.id}"
    with st.container(key=box):
        _hidden(box)
        _component()(key=f"{box}_set", data={"sets": {data.id: data.text}}, height=0)
