"""Keep and share: the Events page's kept sets (keep the session's import, open, rename, delete)
and the sidebar's saved views (keep the current link under a name, a short `?v=ID` link).

The session holds only a kept set's ID (in the view, so the link carries `dataset=ID`); its
rows are read once per server process by app.store and shared by every session showing it.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from app.state import DATASET, PENDING_UPLOAD, UPLOAD, URL_WARNINGS, VALUES
from app.store import forget, kept_set, problem, store
from geo.escape import csv_safe, inert
from geo.i18n import Translate, number
from geo.store import MAX_NAME, KeptSet, StoreError
from geo.viewstate import ViewState, query_params, view_query

NOTE = "store_note"  # (kind, text) of the last keep/rename/delete, shown once
KEEP_NAME = "keep_set_name"
VIEW_NAME = "keep_view_name"
VIEWS_PANEL = "saved_views_panel"
SHORT_LINK = "saved_view_link"
LISTED = 50  # kept sets and saved views listed, newest first


def _note(kind: str, text: str) -> None:
    st.session_state[NOTE] = (kind, text)


def _show_note() -> None:
    note = st.session_state.pop(NOTE, None)
    if note is not None:
        kind, text = note
        {"success": st.success, "warning": st.warning}.get(kind, st.error)(text)


def _keep(tr: Translate) -> None:
    report = st.session_state.get(UPLOAD)
    if report is None:
        return
    upload = st.session_state.get("upload_file")
    size = int(getattr(upload, "size", 0) or 0)
    name = st.session_state.get(KEEP_NAME) or report.name
    try:
        set_id = store().keep_set(name, report.loaded, report, report.name, size)
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return
    # The session now holds only the ID: the rows are the store's, loaded once per process.
    st.session_state[VALUES][DATASET] = set_id
    for key in (UPLOAD, PENDING_UPLOAD, KEEP_NAME):
        st.session_state.pop(key, None)
    _note("success", tr("Kept as {name}. The link of this page now opens it (dataset=…), on any "
                        "server that shares the store.").format(name=inert(name)))


def _open(set_id: str) -> None:
    st.session_state[VALUES][DATASET] = set_id
    st.session_state.pop(UPLOAD, None)


def _close() -> None:
    st.session_state[VALUES][DATASET] = None


def _rename(set_id: str, tr: Translate) -> None:
    try:
        done = store().rename_set(set_id, st.session_state.get(f"rename_{set_id}", ""))
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return
    if not done:
        _note("warning", tr("That set is no longer in the store."))


def _delete(set_id: str, tr: Translate) -> None:
    try:
        store().delete_set(set_id)
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return
    forget(set_id)
    if st.session_state[VALUES].get(DATASET) == set_id:
        st.session_state[VALUES][DATASET] = None
    _note("success", tr("Deleted."))


def kept_sets_panel(tr: Translate, lang: str = "en") -> None:
    """Under the import: keep the session's import under a name; the kept set shown; the list
    of kept sets (open, rename, delete). A store that cannot be used is said once, and the rest
    of the page works without it."""
    _show_note()
    try:
        the_store = store()
        sets = the_store.list_sets()
    except StoreError as exc:
        st.warning(problem(exc, tr))
        return
    report = st.session_state.get(UPLOAD)
    if report is not None:
        with st.container(border=True):
            st.text_input(tr("Name for this set"), value=report.name, key=KEEP_NAME,
                          max_chars=MAX_NAME)
            st.button(tr("Keep this set"), on_click=_keep, args=(tr,), type="primary",
                      help=tr("Keep the imported events and their report in the store, so that "
                              "a link opens them again, for you and for anyone you send it to."))
    current = st.session_state[VALUES].get(DATASET)
    if report is not None and current:  # a new import replaces the kept set in view
        st.session_state[VALUES][DATASET] = current = None
        st.query_params.pop("dataset", None)
    if current:
        _current(current, tr, lang)
    with st.expander(tr("Kept sets ({count})").format(count=number(len(sets), lang)),
                     expanded=bool(sets) and report is None and not current):
        if not sets:
            st.caption(tr("No set kept yet: import a file above, then keep it."))
        if report is not None and sets:
            st.caption(tr("Opening a kept set replaces the events you imported in this session."))
        for kept in sets[:LISTED]:
            _kept_row(kept, current, tr, lang)
        if len(sets) > LISTED:
            st.caption(tr("The {count} newest are listed.").format(count=LISTED))


def _current(set_id: str, tr: Translate, lang: str) -> None:
    try:
        found = kept_set(set_id)
    except StoreError as exc:
        st.warning(problem(exc, tr))
        return
    if found is None:
        st.warning(tr("The kept set shown was deleted."))
        _close()
        return
    info, _, report = found
    with st.container(border=True):
        st.markdown(tr("Showing the kept set {name}: {loaded} events ({rejected} rejected) from "
                       "{file}, kept on {day}.").format(
            name=inert(info.name), loaded=number(info.loaded, lang),
            rejected=number(info.rejected, lang), file=inert(info.file_name),
            day=f"{info.created_at:%Y-%m-%d}"))
        st.caption(tr("This page's link carries dataset={id}: send it to share the set.").format(
            id=info.id))
        if len(report.rejected):
            st.download_button(tr("Rejected rows (CSV)"), csv_safe(report.rejected).to_csv(
                index=False), f"rejected-{info.id}.csv", "text/csv", key="kept_rejected")
        st.button(tr("Close this set"), on_click=_close, key="close_kept")


def _kept_row(kept: KeptSet, current: str | None, tr: Translate, lang: str) -> None:
    name_col, open_col, rename_col, delete_col = st.columns([5, 2, 2, 2],
                                                            vertical_alignment="center")
    name_col.text(kept.name)
    name_col.caption(tr("{file}, {loaded} events, kept on {day}").format(
        file=inert(kept.file_name, 40), loaded=number(kept.loaded, lang),
        day=f"{kept.created_at:%Y-%m-%d}"))
    open_col.button(tr("Open"), key=f"open_{kept.id}", on_click=_open, args=(kept.id,),
                    disabled=kept.id == current, width="stretch")
    with rename_col.popover(tr("Rename"), width="stretch"):
        st.text_input(tr("New name"), value=kept.name, key=f"rename_{kept.id}",
                      max_chars=MAX_NAME)
        st.button(tr("Save the name"), key=f"save_{kept.id}", on_click=_rename,
                  args=(kept.id, tr))
    delete_col.button(tr("Delete"), key=f"delete_{kept.id}", on_click=_delete,
                      args=(kept.id, tr), width="stretch")


def _keep_view(query: str, tr: Translate) -> None:
    try:
        view_id = store().keep_view(st.session_state.get(VIEW_NAME, ""), query)
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return
    st.session_state[SHORT_LINK] = view_id
    st.session_state.pop(VIEW_NAME, None)


def _open_view(query: str) -> None:
    """Reopen a saved view in this session: its link becomes the page's, read afresh."""
    st.query_params.from_dict(query_params(query))
    st.session_state.pop(VALUES, None)
    st.session_state.pop(URL_WARNINGS, None)


def _short_link(view_id: str) -> str:
    try:
        url = urlsplit(st.context.url or "")
        base = f"{url.scheme}://{url.netloc}{url.path}" if url.netloc else ""
    except Exception:  # no browser context (a script run without a server)
        base = ""
    return f"{base}?v={view_id}"


def saved_views_sidebar(view: ViewState, tr: Translate) -> None:
    """A folded sidebar panel: keep the current view under a name (a short `?v=ID` link) and
    reopen saved views. The store is read only while the panel is open."""
    with st.sidebar.expander(tr("Saved views"), key=VIEWS_PANEL, on_change="rerun") as panel:
        if not panel.open:
            return
        _show_note()
        try:
            views = store().list_views()
        except StoreError as exc:
            st.caption(problem(exc, tr))
            return
        query = urlencode(view_query(view))
        st.text_input(tr("Name of this view"), key=VIEW_NAME, max_chars=MAX_NAME)
        st.button(tr("Keep this view"), on_click=_keep_view, args=(query, tr), width="stretch")
        short = st.session_state.get(SHORT_LINK)
        if short:
            st.caption(tr("Short link to this view:"))
            st.code(_short_link(short), language=None)
        for saved in views[:LISTED]:
            st.button(inert(saved.name, 60), key=f"view_{saved.id}", on_click=_open_view,
                      args=(saved.query,), width="stretch",
                      help=tr("Open the view kept on {day}").format(
                          day=f"{saved.created_at:%Y-%m-%d}"))
