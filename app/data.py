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

from geo.changes import change_dates, dimensions_of, headline_series
from geo.charts import headline_spec
from geo.facts import Facts, load_facts
from geo.i18n import english, translator
from geo.layers import PageData, timeline_set
from geo.metrics import METRICS
from geo.playback import timeline_data
from geo.site import Interval, class_intervals, last_day
from geo.tables import HEADLINE_LABELS
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
    return headline_series(_facts.status, COVERAGE_START, last, "month")





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


@st.cache_data(show_spinner=False, max_entries=16)
def _intervals(folder: str, events: str | None, mtimes: tuple[tuple[str, float], ...],
               metric: str, lang: str, _facts: Facts) -> dict[str, list[Interval]]:
    return class_intervals(_facts, metric, translator(lang))


def metric_intervals(loaded: Facts, metric: str, lang: str) -> dict[str, list[Interval]]:
    """Each country's class intervals on one metric (what playback colours frames by), computed
    once per metric, language and data version."""
    return _intervals(*_key(), metric, lang, loaded)


# Every metric's colours through time, for the maps that recolour themselves at once (geo.
# playback.timeline_data): built once per data version in a background thread, then one set
# per language.
_TIMELINE_LOCK = threading.Lock()
_COLOURS: dict[tuple[object, ...], dict[str, object] | None] = {}  # None: being built
_TIMELINES: dict[tuple[object, ...], PageData | None] = {}
BUILD_DELAY = 2.0  # seconds


def _build_colours(key: tuple[object, ...], loaded: Facts) -> None:
    try:
        built: dict[str, object] = {
            "intervals": {m: class_intervals(loaded, m, english) for m in METRICS},
            "steps": {"*": change_dates(loaded.status),
                      **{m: change_dates(loaded.status, dimensions_of(m)) for m in METRICS}}}
    except Exception:  # the maps then recolour on the rerun only; the page says what is wrong
        logging.getLogger(__name__).exception("the timeline of the map's colours failed")
        built = {}
    with _TIMELINE_LOCK:
        _COLOURS[key] = built


def timeline(loaded: Facts, lang: str) -> PageData | None:
    """Every metric's colours through time in the page's language (geo.layers.timeline_set),
    for a map to recolour itself as soon as the reader moves the date or the metric; None
    while they are computed. That takes about 0.6 s (the model on every day a class can change,
    for 14 metrics), once per data version, in a background thread that starts BUILD_DELAY
    seconds after the first call: the first page a fresh server draws does not wait for it,
    and its map follows the reruns meanwhile."""
    key = _key()
    with _TIMELINE_LOCK:
        if (key, lang) in _TIMELINES:
            return _TIMELINES[(key, lang)]
        if key not in _COLOURS:
            for old in [k for k in _COLOURS if k != key]:  # an older version of the data
                _COLOURS.pop(old)
            _COLOURS[key] = None
            # After a moment: the first page of a fresh server is served first (the build
            # holds the interpreter, which also serves the page's files)
            build = threading.Timer(BUILD_DELAY, _build_colours, args=(key, loaded))
            build.daemon, build.name = True, "coupbelt-timeline"
            build.start()
        colours = _COLOURS[key]
    if colours is None:
        return None
    made = None
    if colours and loaded.curated is not None:
        tr = translator(lang)
        made = timeline_set(timeline_data(
            colours["intervals"], colours["steps"],  # type: ignore[arg-type]
            {m: tr(METRICS[m].title) for m in METRICS}, last_day(loaded)))
    with _TIMELINE_LOCK:
        for old in [k for k in _TIMELINES if k[0] != key]:
            _TIMELINES.pop(old)
        _TIMELINES[(key, lang)] = made
    return made


def wait_for_timeline(loaded: Facts, lang: str, timeout: float = 60) -> PageData | None:
    """The timeline (timeline()), waiting up to `timeout` seconds for its build."""
    deadline = time.monotonic() + timeout
    while (found := timeline(loaded, lang)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return found
