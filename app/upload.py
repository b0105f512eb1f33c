"""The import panel of the Events page: read a file, map its columns if needed, report every row."""

from __future__ import annotations

import streamlit as st

from app.state import PENDING_UPLOAD, UPLOAD
from geo.facts import Facts
from geo.i18n import N_, Translate, number
from geo.ingest import FIELDS, REQUIRED, IngestError, detect_format, ingest, mapping_for, read_table

FIELD_LABELS = {"id": N_("Event id"), "date": N_("Date"), "lat": N_("Latitude"),
                "lon": N_("Longitude"), "country": N_("Country (name, ISO3 or ISO numeric)"),
                "place": N_("Place"), "kind": N_("Event type"), "summary": N_("Notes / summary"),
                "sources": N_("Sources")}
NONE = "—"
REJECTED_HEADERS = {"row": N_("row"), "reasons": N_("reasons"), **FIELD_LABELS}


def _remove() -> None:
    for key in (UPLOAD, PENDING_UPLOAD, "upload_file_id"):
        st.session_state.pop(key, None)


def import_panel(facts: Facts, tr: Translate, lang: str = "en") -> None:
    """File upload, column mapping for unknown formats, and the per-row report."""
    taken = frozenset(facts.events["id"])
    with st.expander(tr("Import your own events (ACLED, UCDP GED or events.csv columns; CSV or "
                        "GeoJSON)"), expanded=PENDING_UPLOAD in st.session_state):
        upload = st.file_uploader(tr("Events file"), type=["csv", "tsv", "txt", "geojson", "json",
                                                        "xlsx"], key="upload_file")
        if upload is not None and st.session_state.get("upload_file_id") != upload.file_id:
            st.session_state["upload_file_id"] = upload.file_id
            try:
                frame, notes = read_table(upload.getvalue(), upload.name, tr)
            except IngestError as exc:
                st.error(str(exc))
                frame = None
            if frame is not None:
                fmt = detect_format(list(frame.columns))
                if fmt is None:
                    st.session_state[PENDING_UPLOAD] = (upload.name, frame, tuple(notes))
                else:
                    st.session_state[UPLOAD] = ingest(
                        frame, mapping_for(fmt, list(frame.columns)), facts.borders,
                        upload.name, fmt, taken, tuple(notes), tr)
                    st.session_state.pop(PENDING_UPLOAD, None)
        pending = st.session_state.get(PENDING_UPLOAD)
        if pending is not None:
            name, frame, notes = pending
            st.info(tr("{name}: the columns are not ACLED, UCDP GED or events.csv columns. Say "
                       "which column holds what (date, latitude, longitude and country are "
                       "needed).").format(name=name))
            columns = [NONE, *frame.columns]
            mapping = {}
            for fld in FIELDS:
                choice = st.selectbox(tr(FIELD_LABELS[fld]) + (" *" if fld in REQUIRED else ""),
                                      columns, key=f"map_{fld}")
                if choice != NONE:
                    mapping[fld] = choice
            if st.button(tr("Load with this mapping"), type="primary"):
                st.session_state[UPLOAD] = ingest(frame, mapping, facts.borders, name, "mapped",
                                                  taken, notes, tr)
                st.session_state.pop(PENDING_UPLOAD, None)
                st.rerun()
        report = st.session_state.get(UPLOAD)
        if report is None:
            return
        st.success(tr("{name}: {total} rows read as {format}; {loaded} loaded, {rejected} "
                      "rejected.").format(name=report.name,
                                          total=number(len(report.loaded) + len(report.rejected), lang),
                                          format=report.format, loaded=number(len(report.loaded), lang),
                                          rejected=number(len(report.rejected), lang)))
        st.caption(" ".join(report.notes))
        if len(report.rejected):
            st.warning(tr("{count} rows were not loaded; each is listed with its reasons.").format(
                count=number(len(report.rejected), lang)))
            st.dataframe(report.rejected, hide_index=True, width="stretch", column_config={
                c: st.column_config.Column(tr(REJECTED_HEADERS.get(c, c))) for c in report.rejected})
            st.download_button(tr("Rejected rows (CSV)"), report.rejected.to_csv(index=False),
                               f"rejected-{report.name}.csv", "text/csv")
        st.button(tr("Remove my events"), on_click=_remove)
