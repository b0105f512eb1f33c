"""Cached loading of data/ (keyed by path and modification times, so edited files reload)."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.changes import change_dates
from geo.charts import headline_spec
from geo.facts import Facts, load_facts
from geo.i18n import translator
from geo.layers import PageData, timeline_set
from geo.tables import HEADLINE_LABELS
from geo.timemodel import Wire, headline_counts, wire_for
from geo.vocabulary import COVERAGE_START

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "COUPBELT_DATA_DIR"
EVENTS_ENV = "COUPBELT_EVENTS"  # an events file (events.csv columns) to use instead of data/'s


def data_dir() -> Path:
    """data/ beside the app, or the folder named by $COUPBELT_DATA_DIR."""
    return Path(os.environ.get(DATA_DIR_ENV) or ROOT / "data")


def _mtimes(folder: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.glob("*") if p.is_file()))


def events_file() -> Path | None:
    """The events file named by $COUPBELT_EVENTS, if any."""
    named = os.environ.get(EVENTS_ENV)
    return Path(named) if named else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(folder: str, events: str | None, mtimes: tuple[tuple[str, float], ...]) -> Facts:
    """Load once per folder, events file and file versions (`mtimes` is only the cache key).

    One Facts object shared by every session and rerun, read-only (pandas' copy-on-write keeps
    a page's derived frames from touching it): a copy per rerun, as st.cache_data gives, cost
    30 ms and as many megabytes a rerun with 100,000 events."""
    return load_facts(Path(folder), Path(events) if events else None)


def _key() -> tuple[str, str | None, tuple[tuple[str, float], ...]]:
    folder, events = data_dir(), events_file()
    key = _mtimes(folder) if folder.is_dir() else ()
    if events is not None and events.is_file():
        key += ((str(events), events.stat().st_mtime),)
    return str(folder), str(events) if events else None, key


def facts() -> Facts:
    """The validated facts; errors are in `.errors`, never raised."""
    return _load(*_key())


def change_days(status: pd.DataFrame, dimensions: tuple[str, ...] | None) -> list[date]:
    """Every day on which some status (of `dimensions`; None: any) changes, computed once per
    version of the data (geo.changes.change_dates)."""
    return _change_days(*_key(), dimensions, status)


@st.cache_data(show_spinner=False, max_entries=64)
def _change_days(folder: str, events: str | None, mtimes: tuple[tuple[str, float], ...],
                 dimensions: tuple[str, ...] | None, _status: pd.DataFrame) -> list[date]:
    return change_dates(_status, dimensions)


@st.cache_data(show_spinner=False, max_entries=4)
def _history(folder: str, events: str | None, mtimes: tuple[tuple[str, float], ...],
             _facts: Facts) -> pd.DataFrame:
    last = _facts.curated.date() if _facts.curated is not None else COVERAGE_START
    return headline_counts(wire(_facts, "en"), COVERAGE_START, last, "month")





@st.cache_data(show_spinner=False)
def _read_text(path: str, mtime: float) -> str:
    return Path(path).read_text(encoding="utf-8")


def sources_file(lang: str) -> Path:
    """data/SOURCES.md, or its French translation SOURCES.fr.md when there is one."""
    french = data_dir() / "SOURCES.fr.md"
    return french if lang == "fr" and french.is_file() else data_dir() / "SOURCES.md"


def sources_text(lang: str = "en") -> str:
    """The provenance notes for the Sources & data page (a message if the file is missing)."""
    path = sources_file(lang)
    if not path.is_file():
        return f"{path.name} is missing."
    return _read_text(str(path), path.stat().st_mtime)


@st.cache_data(show_spinner=False, max_entries=8)
def _headline_spec(folder: str, events: str | None, mtimes: tuple[tuple[str, float], ...],
                   lang: str, _facts: Facts) -> dict[str, object]:
    tr = translator(lang)
    labels = {k: tr(v) for k, v in HEADLINE_LABELS.items()}
    return headline_spec(_history(folder, events, mtimes, _facts), labels, tr, lang)


def headline_chart_spec(loaded: Facts, lang: str) -> dict[str, object]:
    """The headline counts chart without its as-of rule, built once per language and data
    version (building it costs about 70 ms, too much for every rerun)."""
    return _headline_spec(*_key(), lang, loaded)


# The time model's wire (geo.timemodel) of every metric, for the maps that recolour themselves at
# once and for playback: built once per data version and language in a background thread, then
# held as one set the page's map loads.
_TIMELINE_LOCK = threading.Lock()
_WIRES: dict[tuple[object, ...], Wire | None] = {}  # None: being built; {}: failed
_TIMELINES: dict[tuple[object, ...], PageData | None] = {}
BUILD_DELAY = 2.0  # seconds


def _build_wire(key: tuple[object, ...], loaded: Facts, lang: str) -> None:
    try:
        built: Wire = wire_for(loaded, lang, events=False)  # the map has its own events layer
    except Exception:  # the maps then recolour on the rerun only; the page says what is wrong
        logging.getLogger(__name__).exception("the time model's wire failed")
        built = {}
    with _TIMELINE_LOCK:
        _WIRES[key] = built


def wire(loaded: Facts, lang: str) -> Wire:
    """The time model's wire of the facts in `lang` (no events), built now if the background
    build has not finished (playback needs it at once)."""
    with _TIMELINE_LOCK:
        found = _WIRES.get((_key(), lang))
    return found or wire_for(loaded, lang, events=False)


def timeline(loaded: Facts, lang: str) -> PageData | None:
    """Every metric's classes through time in the page's language (the time model's wire, geo.
    timemodel, as a set: geo.layers.timeline_set), for a map to recolour itself as soon as the
    reader moves the date or the metric; None while it is computed. That takes about a second
    (the model on every day a class can change, for 14 metrics), once per data version and
    language, in a background thread that starts BUILD_DELAY seconds after the first call: the
    first page a fresh server draws does not wait for it, and its map follows the reruns
    meanwhile."""
    key = (_key(), lang)
    with _TIMELINE_LOCK:
        if key in _TIMELINES:
            return _TIMELINES[key]
        if key not in _WIRES:
            for old in [k for k in _WIRES if k[0] != key[0]]:  # an older version of the data
                _WIRES.pop(old)
            _WIRES[key] = None
            # After a moment: the first page of a fresh server is served first (the build
            # holds the interpreter, which also serves the page's files)
            build = threading.Timer(BUILD_DELAY, _build_wire, args=(key, loaded, lang))
            build.daemon, build.name = True, "coupbelt-timeline"
            build.start()
        built = _WIRES[key]
    if built is None:
        return None
    made = timeline_set(built) if built and loaded.curated is not None else None
    with _TIMELINE_LOCK:
        for old in [k for k in _TIMELINES if k[0] != key[0]]:
            _TIMELINES.pop(old)
        _TIMELINES[key] = made
    return made


def wait_for_timeline(loaded: Facts, lang: str, timeout: float = 60) -> PageData | None:
    """The timeline (timeline()), waiting up to `timeout` seconds for its build."""
    deadline = time.monotonic() + timeout
    while (found := timeline(loaded, lang)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return found
