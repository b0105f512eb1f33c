"""The import panel of the Events page: read a file, map its columns if needed, report every row."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import date
from typing import IO

import pyarrow.compute as pa_compute
import streamlit as st

from app.state import PENDING_UPLOAD, PREVIOUS_DATES, UPLOAD, show_period, undo_period
from geo.escape import csv_safe, inert
from geo.facts import Facts
from geo.i18n import N_, Translate, number, plural, short_date
from geo.ingest import (
    FIELDS,
    REQUIRED,
    Columns,
    IngestError,
    IngestReport,
    UnknownColumnsError,
    ingest_file,
)

FIELD_LABELS = {"id": N_("Event id"), "date": N_("Date"), "lat": N_("Latitude"),
                "lon": N_("Longitude"), "country": N_("Country (name, ISO3 or ISO numeric)"),
                "place": N_("Place"), "admin1": N_("Region (first-level division)"),
                "kind": N_("Event type"), "sub_kind": N_("Sub-event type"),
                "title": N_("Title"), "actor1": N_("Actor 1"), "actor2": N_("Actor 2"),
                "deaths": N_("Fatalities (best estimate)"),
                "deaths_low": N_("Fatalities (low estimate)"),
                "deaths_high": N_("Fatalities (high estimate)"),
                "summary": N_("Notes / summary"), "sources": N_("Sources")}
NONE = "—"
REJECTED_HEADERS = {"row": N_("row"), "reasons": N_("reasons"), **FIELD_LABELS}
DATE_ORDER = "upload_date_order"
DATE_ORDER_LABELS = {"dmy": N_("day/month/year (31/01/2023)"),
                     "mdy": N_("month/day/year (01/31/2023)")}
LOG = logging.getLogger(__name__)
# What the uploader takes: CSV (also gzip-compressed, or the one CSV in a zip), Excel, Parquet,
# GeoJSON. Streamlit checks only the name's last suffix (.gz, .zip).
UPLOAD_TYPES = ["csv", "tsv", "txt", "gz", "zip", "xlsx", "parquet", "geojson", "json"]
# Several sessions may import at once: a smaller chunk than the command line's keeps each
# import's passing memory low (a 150,000-row file: about 110 MB at its peak, against 210 MB
# with 8 MB chunks), at no measurable cost in time; the progress bar moves more often too.
UPLOAD_CHUNK_BYTES = 2 << 20
# Imports read at once in one server process; another waits its turn under its progress bar. An
# import is mostly one thread's work and the machine has two cores: five sessions importing
# 150,000 rows at once took about as long and peaked lower (BENCHMARKS.md).
IMPORTS_AT_ONCE = 2
_IMPORTING = threading.BoundedSemaphore(IMPORTS_AT_ONCE)


def _remove() -> None:
    for key in (UPLOAD, PENDING_UPLOAD, "upload_file_id", DATE_ORDER):
        st.session_state.pop(key, None)


def _read(upload: IO[bytes], name: str, facts: Facts, taken: frozenset[str], tr: Translate,
          date_order: str = "auto", mapping: Mapping[str, Columns] | None = None) -> None:
    """Read an upload into the session, chunk by chunk under a progress bar that counts the
    rows read and rejected: a report, or the file's columns waiting for a mapping. Any failure
    becomes a message naming the file; the detail goes to the server's log."""
    bar = st.progress(0.0, text=tr("Reading {name}…").format(name=inert(name)))

    def reading(rows: int, rejected: int, done: float) -> None:
        bar.progress(min(max(done, 0.0), 1.0), text=tr(
            "{name}: {rows} rows read, {rejected} rejected…").format(
            name=inert(name), rows=f"{rows:,}", rejected=f"{rejected:,}"))

    if not _IMPORTING.acquire(blocking=False):
        bar.progress(0.0, text=tr("{name}: waiting for other imports to finish…").format(
            name=inert(name)))
        _IMPORTING.acquire()
    try:
        st.session_state[UPLOAD] = ingest_file(
            upload, name, facts.borders, mapping, taken, tr=tr, last=_last(facts),
            date_order=date_order, progress=reading, chunk_bytes=UPLOAD_CHUNK_BYTES)
        st.session_state.pop(PENDING_UPLOAD, None)
    except UnknownColumnsError as exc:
        st.session_state[PENDING_UPLOAD] = (name, exc.columns)
    except IngestError as exc:
        st.error(str(exc))
    except Exception:  # never a traceback for a visitor's file: say which file, log the rest
        LOG.exception("import of %r failed", name)
        st.error(tr("{name} could not be read: the file is damaged or in a form this import does "
                    "not know. Save it as CSV (UTF-8) and try again.").format(name=inert(name)))
    finally:
        _IMPORTING.release()
        bar.empty()


def _last(facts: Facts) -> date | None:
    """The last day the dashboard shows: imported events after it could never be seen."""
    return facts.curated.date() if facts.curated is not None else None


def _reread(facts: Facts, taken: frozenset[str], tr: Translate) -> None:
    upload = st.session_state.get("upload_file")
    if upload is not None:
        _read(upload, upload.name, facts, taken, tr, st.session_state[DATE_ORDER])


def import_panel(facts: Facts, tr: Translate, lang: str = "en") -> None:
    """File upload, column mapping for unknown formats, and the per-row report."""
    taken = frozenset(facts.events["id"])
    with st.expander(tr("Import your own events (ACLED, UCDP GED or events.csv columns; CSV, "
                        "Excel, Parquet or GeoJSON)"), expanded=PENDING_UPLOAD in st.session_state):
        upload = st.file_uploader(tr("Events file"), type=UPLOAD_TYPES, key="upload_file")
        if upload is not None and st.session_state.get("upload_file_id") != upload.file_id:
            st.session_state["upload_file_id"] = upload.file_id
            st.session_state.pop(DATE_ORDER, None)
            _read(upload, upload.name, facts, taken, tr)
            if UPLOAD in st.session_state:
                st.rerun()  # the sidebar's filters of the new file are drawn before this panel
        pending = st.session_state.get(PENDING_UPLOAD)
        if pending is not None:
            _mapping_form(pending, facts, taken, tr)
        report = st.session_state.get(UPLOAD)
        if report is None:
            return
        st.success(tr("{name}: {total} rows read as {format}; {loaded} loaded, {rejected} "
                      "rejected.").format(name=inert(report.name),
                                          total=number(report.loaded_count + len(report.rejected), lang),
                                          format=report.format, loaded=number(report.loaded_count, lang),
                                          rejected=number(len(report.rejected), lang)))
        blank = getattr(report, "blank_lines", 0)  # a report kept before blank lines were counted
        notes = [*report.notes, *([tr("{count} blank lines (spaces, separators or quotes only) "
                                      "were skipped.").format(count=number(blank, lang))]
                                  if blank else [])]
        st.caption(" ".join(notes))
        _period_buttons(report, facts, tr, lang)
        if upload is not None and (report.ambiguous_dates or DATE_ORDER in st.session_state):
            st.radio(tr("Slash dates in this file are"), list(DATE_ORDER_LABELS), key=DATE_ORDER,
                     format_func=lambda k: tr(DATE_ORDER_LABELS[k]), horizontal=True,
                     on_change=_reread, args=(facts, taken, tr))
        if len(report.rejected):
            ngettext = plural(lang)
            st.warning(ngettext("{count} row was not loaded; it is listed with its reasons.",
                                "{count} rows were not loaded; each is listed with its reasons.",
                                len(report.rejected)).format(count=number(len(report.rejected), lang)))
            st.dataframe(report.rejected, hide_index=True, width="stretch", column_config={
                c: st.column_config.Column(tr(REJECTED_HEADERS.get(c, c))) for c in report.rejected})
            st.download_button(tr("Rejected rows (CSV)"),
                               csv_safe(report.rejected).to_csv(index=False),
                               f"rejected-{report.name}.csv", "text/csv")
        st.button(tr("Remove my events"), on_click=_remove)


def _period_buttons(report: IngestReport, facts: Facts, tr: Translate, lang: str) -> None:
    """One action puts the imported events' period on the map (window and as-of date), and one
    takes it back."""
    if not report.loaded_count:
        return
    days = report.table["date"]
    first, last = pa_compute.min(days).as_py(), pa_compute.max(days).as_py()
    curated = _last(facts) or last
    left, right = st.columns(2)
    left.button(tr("Show my data's period ({start} to {end})").format(
        start=short_date(first, lang), end=short_date(last, lang)), key="show_my_period",
        on_click=show_period, args=(first, last, curated), type="primary")
    if PREVIOUS_DATES in st.session_state:
        right.button(tr("Back to the dates before"), key="undo_my_period", on_click=undo_period)


def _mapping_form(pending: tuple[str, list[str]], facts: Facts, taken: frozenset[str],
                  tr: Translate) -> None:
    name, file_columns = pending
    st.info(tr("{name}: the columns are not ACLED, UCDP GED or events.csv columns. Say "
               "which column holds what (date, latitude, longitude and country are "
               "needed).").format(name=inert(name)))
    columns = [NONE, *file_columns]
    mapping = {}
    for fld in FIELDS:
        choice = st.selectbox(tr(FIELD_LABELS[fld]) + (" *" if fld in REQUIRED else ""),
                              columns, key=f"map_{fld}")
        if choice != NONE:
            mapping[fld] = choice
    if st.button(tr("Load with this mapping"), type="primary"):
        upload = st.session_state.get("upload_file")
        if upload is None:
            st.session_state.pop(PENDING_UPLOAD, None)
            st.rerun()
        _read(upload, name, facts, taken, tr, mapping=mapping)
        if UPLOAD in st.session_state:
            st.rerun()
