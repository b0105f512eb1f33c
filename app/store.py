"""The store for the app: one connection per server process, and each kept set's events loaded
once per process and shared by every session that shows it (a session holds only the set's ID).

Nothing here stops a page: when the database cannot be reached or written, callers get a
StoreError, turned into a message for people by `problem`, and the curated data and the
session's own imports keep working.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import streamlit as st

from app.access import viewer
from geo.engine import Events
from geo.escape import inert
from geo.i18n import Translate, long_date
from geo.ingest import IngestReport
from geo.pulls import VersionError, available, rebuild_version, versions
from geo.store import BIN_DAYS, KeptSet, Store, StoreError
from geo.viewstate import ViewState, query_params, saved_view_id

RETRY_S = 30.0  # after a failure, the database is tried again at most this often
KEPT_SETS_IN_MEMORY = 8  # distinct kept sets a server process holds at once
LOG = logging.getLogger(__name__)


class _Connection:
    """The process's store, opened on first use; after a failure, the same error for RETRY_S
    (an unreachable host would otherwise cost its connect timeout on every rerun)."""

    def __init__(self, setting: str) -> None:
        self.setting = setting
        self.lock = threading.Lock()
        self.store: Store | None = None
        self.error: StoreError | None = None
        self.failed_at = 0.0

    def get(self) -> Store:
        with self.lock:
            if self.store is not None:
                return self.store
            if self.error is not None and time.monotonic() - self.failed_at < RETRY_S:
                raise self.error
            try:
                self.store = Store.open(self.setting or None)
            except StoreError as exc:
                LOG.warning("store unavailable: %s", exc)
                self.error, self.failed_at = exc, time.monotonic()
                raise
            self.error = None
            return self.store


@st.cache_resource(show_spinner=False)
def _connection(setting: str) -> _Connection:
    return _Connection(setting)


def _setting() -> str:
    return os.environ.get("COUPBELT_DB", "")


def store() -> Store:
    """This server process's store (COUPBELT_DB); raises StoreError when it cannot be used."""
    return _connection(_setting()).get()


@st.cache_resource(show_spinner=False, max_entries=KEPT_SETS_IN_MEMORY)
def _kept(setting: str, set_id: str, version: int | None) -> tuple[Events, IngestReport] | None:
    # cache_resource, not cache_data: every session gets these same events, not a copy.
    # They are held once, as the engine's Arrow table (the report's events are that table).
    # An earlier version never changes.
    connection = _connection(setting).get()
    found = (connection.load_set(set_id) if version is None
             else rebuild_version(connection, set_id, version))
    if found is None:
        return None
    events = Events(found[0])
    return events, replace(found[1], events=events.table)


def kept_set(set_id: str, version: int | None = None
             ) -> tuple[KeptSet, Events, IngestReport] | None:
    """A kept set's description, events and import report (as they were after its pull
    `version`, else the latest), or None when the store has no such set for this session's
    viewer (or it is in the bin). The rows are read once per server process; the description
    and the viewer's right are read each time, so a set renamed, unshared or deleted through
    another server shows as such here. VersionError when that version cannot be had."""
    info = store().set_info(set_id, viewer())
    if info is None or info.deleted_at is not None:
        if info is None:
            _kept.clear(_setting(), set_id, None)
        return None
    kept = _kept(_setting(), set_id, version)
    if kept is None:
        return None
    return info, kept[0], kept[1]


def forget(set_id: str) -> None:
    """Drop a kept set's latest rows from this process's memory (after it was deleted or
    pulled into again; its earlier versions do not change)."""
    _kept.clear(_setting(), set_id, None)


def problem(exc: StoreError, tr: Translate) -> str:
    """What a reader is told when the store cannot do something."""
    unavailable = tr("The curated data and the events you import in this session still work.")
    messages = {
        "unreachable": tr("Kept sets and saved views are unavailable: the database cannot be "
                          "reached."),
        "read_only": tr("Kept sets and saved views are unavailable: the store's database file is "
                        "read-only."),
        "migration": tr("Kept sets and saved views are unavailable: the store's database needs a "
                        "schema upgrade that failed (the server's log has the detail; "
                        "`python -m geo.store upgrade` retries it)."),
        "too_large": tr("This set is too large to keep: {detail}.").format(detail=inert(exc, 120)),
        "bad_name": tr("Give it a name first."),
        "forbidden": tr("Only its owner can do that."),
        "bad_query": tr("This view's link is too long to keep."),
    }
    text = messages.get(exc.kind, tr("The store could not do that: {detail}.").format(
        detail=inert(exc, 120)))
    return f"{text} {unavailable}" if exc.kind in ("unreachable", "read_only", "migration") else text


def link_params(params: dict[str, str], tr: Translate,
                lang: str = "en") -> tuple[dict[str, str], list[str]]:
    """A link's parameters, with a saved view (`v=ID`) replaced by the parameters it keeps, and
    a warning when the view is unknown or the store cannot be read."""
    view_id, warnings = saved_view_id(params)
    rest = {k: v for k, v in params.items() if k != "v"}
    if view_id is None:
        return rest, warnings
    try:
        found = store().view_info(view_id, viewer())
    except StoreError as exc:
        return rest, [problem(exc, tr)]
    if found is None:
        return rest, [tr("No saved view {id} in the store that you may open (deleted, private "
                         "to its owner, or saved on a server with another store); showing the "
                         "link's other settings.").format(id=inert(view_id))]
    if found.deleted_at is not None:
        return rest, [binned(tr("The saved view {name}").format(name=inert(found.name)),
                             found.deleted_at, tr, lang)]
    return query_params(found.query), []


def binned(what: str, deleted_at: datetime, tr: Translate, lang: str) -> str:
    """What a link to something in the bin says."""
    return tr("{what} was deleted on {day}; its owner can restore it from the bin until "
              "{until}.").format(what=what, day=long_date(deleted_at.date(), lang),
                                 until=long_date((deleted_at + timedelta(days=BIN_DAYS)).date(),
                                                 lang))


def checked_dataset(view: ViewState, tr: Translate) -> tuple[ViewState, list[str]]:
    """The view, without its kept set (and a warning) when the store does not have it. When
    the store cannot be read, the link keeps the ID (a reload opens the set once it can)."""
    if view.dataset is None:
        return view, []
    try:
        info = store().set_info(view.dataset, viewer())
    except StoreError as exc:
        return view, [problem(exc, tr)]
    if info is None:
        return replace(view, dataset=None, version=None), [tr(
            "No kept set {id} in the store that you may open (deleted, private to its owner, "
            "or kept on a server with another store); showing the curated events only.").format(
            id=inert(view.dataset))]
    if info.deleted_at is not None:
        return replace(view, dataset=None, version=None), [binned(tr("The kept set {name}").format(
            name=inert(info.name)), info.deleted_at, tr, view.lang)]
    return checked_version(view, info, tr)


def checked_version(view: ViewState, info: KeptSet, tr: Translate) -> tuple[ViewState,
                                                                               list[str]]:
    """The view, on the kept set's latest version (and a warning) when the version the link
    pins is not one the set has or can rebuild."""
    if view.version is None:
        return view, []
    try:
        done = versions(store(), info.id, viewer())
    except StoreError as exc:
        return view, [problem(exc, tr)]
    latest = replace(view, version=None)
    if not done:
        return latest, [tr("The kept set {name} was imported from a file: it has no versions; "
                           "showing it as kept.").format(name=inert(info.name))]
    if not any(p.seq == view.version for p in done):
        return latest, [tr("The kept set {name} has no version {version} (its versions are 1 "
                           "to {last}); showing its latest.").format(
            name=inert(info.name), version=view.version, last=done[-1].seq)]
    if not available(done, view.version):
        return latest, [tr("Version {version} of {name} was kept before versions were and "
                           "cannot be rebuilt; showing its latest.").format(
            version=view.version, name=inert(info.name))]
    return view, []


def kept_events(set_id: str, version: int | None = None) -> Events | None:
    """The events of a kept set, or of one of its versions (shared, read-only), or None when
    they cannot be had."""
    try:
        kept = kept_set(set_id, version)
    except (StoreError, VersionError):
        return None
    return None if kept is None else kept[1]
