"""The import panel of the Events page: read a file, map its columns if needed, report every row."""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from app.state import PENDING_UPLOAD, UPLOAD
from geo.escape import csv_safe, inert
from geo.facts import Facts
from geo.i18n import N_, Translate, number, plural
from geo.ingest import (
    FIELDS,
    REQUIRED,
    IngestError,
    Table,
    detect_format,
    ingest,
    mapping_for,
    read_table,
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


def _remove() -> None:
    for key in (UPLOAD, PENDING_UPLOAD, "upload_file_id", DATE_ORDER):
        st.session_state.pop(key, None)


def _read(data: bytes, name: str, facts: Facts, taken: frozenset[str], tr: Translate,
          date_order: str = "auto") -> None:
    """Read an upload into the session: a report, or a table waiting for its column mapping.
    Any failure becomes a message naming the file; the detail goes to the server's log."""
    bar = st.progress(0.0, text=tr("Reading {name}…").format(name=inert(name)))
    try:
        table = read_table(data, name, tr)
        fmt = detect_format(list(table.frame.columns))
        if fmt is None:
            st.session_state[PENDING_UPLOAD] = (name, table)
            return
        bar.progress(0.5, text=tr("{rows} rows read; checking them…").format(
            rows=len(table.frame)))

        def checking(done: float, step: str) -> None:
            bar.progress(0.5 + done / 2, text=step)

        st.session_state[UPLOAD] = ingest(
            table, mapping_for(fmt, list(table.frame.columns)), facts.borders, name, fmt, taken,
            tr=tr, last=_last(facts), date_order=date_order,
            progress=checking)
        st.session_state.pop(PENDING_UPLOAD, None)
    except IngestError as exc:
        st.error(str(exc))
    except Exception:  # never a traceback for a visitor's file: say which file, log the rest
        LOG.exception("import of %r failed", name)
        st.error(tr("{name} could not be read: the file is damaged or in a form this import does "
                    "not know. Save it as CSV (UTF-8) and try again.").format(name=inert(name)))
    finally:
        bar.empty()


def _last(facts: Facts) -> date | None:
    """The last day the dashboard shows: imported events after it could never be seen."""
    return facts.curated.date() if facts.curated is not None else None


def _reread(facts: Facts, taken: frozenset[str], tr: Translate) -> None:
    upload = st.session_state.get("upload_file")
    if upload is not None:
        _read(upload.getvalue(), upload.name, facts, taken, tr, st.session_state[DATE_ORDER])


def import_panel(facts: Facts, tr: Translate, lang: str = "en") -> None:
    """File upload, column mapping for unknown formats, and the per-row report."""
    taken = frozenset(facts.events["id"])
    with st.expander(tr("Import your own events (ACLED, UCDP GED or events.csv columns; CSV or "
                        "GeoJSON)"), expanded=PENDING_UPLOAD in st.session_state):
        upload = st.file_uploader(tr("Events file"), type=["csv", "tsv", "txt", "geojson", "json",
                                                        "xlsx"], key="upload_file")
        if upload is not None and st.session_state.get("upload_file_id") != upload.file_id:
            st.session_state["upload_file_id"] = upload.file_id
            st.session_state.pop(DATE_ORDER, None)
            _read(upload.getvalue(), upload.name, facts, taken, tr)
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
                                          total=number(len(report.loaded) + len(report.rejected), lang),
                                          format=report.format, loaded=number(len(report.loaded), lang),
                                          rejected=number(len(report.rejected), lang)))
        st.caption(" ".join(report.notes))
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


def _mapping_form(pending: tuple[str, Table], facts: Facts, taken: frozenset[str],
                  tr: Translate) -> None:
    name, table = pending
    st.info(tr("{name}: the columns are not ACLED, UCDP GED or events.csv columns. Say "
               "which column holds what (date, latitude, longitude and country are "
               "needed).").format(name=inert(name)))
    columns = [NONE, *table.frame.columns]
    mapping = {}
    for fld in FIELDS:
        choice = st.selectbox(tr(FIELD_LABELS[fld]) + (" *" if fld in REQUIRED else ""),
                              columns, key=f"map_{fld}")
        if choice != NONE:
            mapping[fld] = choice
    if st.button(tr("Load with this mapping"), type="primary"):
        st.session_state[UPLOAD] = ingest(table, mapping, facts.borders, name, "mapped", taken,
                                          tr=tr, last=_last(facts))
        st.session_state.pop(PENDING_UPLOAD, None)
        st.rerun()
