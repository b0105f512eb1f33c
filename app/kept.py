"""Keep and share: the Events page's kept sets (keep the session's import, open, rename,
share, delete to the bin, restore) and the sidebar's saved views (keep the current link under a
name, a short `?v=ID` link).

Every set and view has an owner and a visibility (geo.access); the panels list only what the
viewer may see, marked with both, and offer only what the viewer may do. The session holds only
a kept set's ID (in the view, so the link carries `dataset=ID`); its rows are read once per
server process by app.store and shared by every session showing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import streamlit as st

from app.access import account_panel, team_mode, viewer
from app.state import DATASET, DATASET_VERSION, PENDING_UPLOAD, UPLOAD, URL_WARNINGS, VALUES
from app.store import forget, kept_set, problem, store
from geo.access import DEFAULT_VISIBILITY, LOCAL, VISIBILITIES, Viewer, allowed
from geo.escape import csv_safe, inert
from geo.i18n import N_, Translate, long_date, number
from geo.pulls import Pull, VersionError, available, versions
from geo.store import BIN_DAYS, MAX_NAME, KeptSet, SavedView, StoreError
from geo.viewstate import ViewState, query_params, view_query

NOTE = "store_note"  # (kind, text) of the last keep/rename/delete, shown once
KEEP_NAME = "keep_set_name"
VIEW_NAME = "keep_view_name"
VIEWS_PANEL = "saved_views_panel"
SHORT_LINK = "saved_view_link"
KEEP_VISIBILITY = "keep_set_visibility"
VIEW_VISIBILITY = "keep_view_visibility"
LISTED = 50  # kept sets and saved views listed, newest first
VISIBILITY_LABELS = {"private": N_("Private: only you"),
                     "team": N_("Team: everyone signed in to this server"),
                     "link": N_("Link: anyone you send the link to, read-only")}
VISIBILITY_SHORT = {"private": N_("private"), "team": N_("team"), "link": N_("shared by link")}


def visibility_choices() -> tuple[str, ...]:
    """Team sharing means something only where people sign in."""
    return VISIBILITIES if team_mode() else ("private", "link")


def owner_text(owner: str, me: Viewer, tr: Translate) -> str:
    if owner == me.user:
        return tr("yours")
    return tr("this machine") if owner == LOCAL else inert(owner, 60)


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
    visibility = st.session_state.get(KEEP_VISIBILITY) or DEFAULT_VISIBILITY
    try:
        set_id = store().keep_set(name, report.loaded, report, report.name, size, viewer(),
                                  visibility)
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return
    # The session now holds only the ID: the rows are the store's, loaded once per process.
    st.session_state[VALUES][DATASET] = set_id
    st.session_state[VALUES][DATASET_VERSION] = None
    for key in (UPLOAD, PENDING_UPLOAD, KEEP_NAME, KEEP_VISIBILITY):
        st.session_state.pop(key, None)
    _note("success", tr("Kept as {name} ({visibility}). The link of this page now opens it "
                        "(dataset=…) for whoever may see it, on any server that shares the "
                        "store.").format(name=inert(name), visibility=tr(VISIBILITY_SHORT[visibility])))


def _open(set_id: str) -> None:
    st.session_state[VALUES][DATASET] = set_id
    st.session_state[VALUES][DATASET_VERSION] = None
    st.session_state.pop(UPLOAD, None)


def _close() -> None:
    st.session_state[VALUES][DATASET] = None
    st.session_state[VALUES][DATASET_VERSION] = None


VERSION_PICK = "kept_version_pick"


def _pick_version() -> None:
    """The version picker's choice: None (the latest) or a pull number, into the view."""
    st.session_state[VALUES][DATASET_VERSION] = st.session_state.get(VERSION_PICK)


def _act(call: Callable[[], bool], tr: Translate, done: str = "", gone: str = "") -> bool:
    """Run a store call for a button; say what went wrong (`gone`: the item is no longer in
    the store; a set by default), or `done`."""
    try:
        ok = call()
    except StoreError as exc:
        _note("error", problem(exc, tr))
        return False
    if not ok:
        _note("warning", gone or tr("That set is no longer in the store."))
    elif done:
        _note("success", done)
    return ok


def _rename(set_id: str, tr: Translate) -> None:
    _act(lambda: store().rename_set(set_id, st.session_state.get(f"rename_{set_id}", ""),
                                    viewer()), tr)


def _share(set_id: str, tr: Translate) -> None:
    visibility = st.session_state.get(f"share_{set_id}", DEFAULT_VISIBILITY)
    _act(lambda: store().share_set(set_id, visibility, viewer()), tr,
         tr("Now {visibility}.").format(visibility=tr(VISIBILITY_SHORT[visibility])))


def _delete(kept: KeptSet, tr: Translate) -> None:
    if not _act(lambda: store().delete_set(kept.id, viewer()), tr, tr(
            "{name} is in the bin: you can restore it there for {days} days.").format(
            name=inert(kept.name), days=BIN_DAYS)):
        return
    forget(kept.id)
    if st.session_state[VALUES].get(DATASET) == kept.id:
        st.session_state[VALUES][DATASET] = None
        st.session_state[VALUES][DATASET_VERSION] = None


def _restore(kept: KeptSet, tr: Translate) -> None:
    _act(lambda: store().restore_set(kept.id, viewer()), tr,
         tr("{name} is back.").format(name=inert(kept.name)))


def kept_sets_panel(tr: Translate, lang: str = "en") -> None:
    """Under the import: keep the session's import under a name and a visibility; the kept set
    shown; the kept sets this viewer may see (open, rename, share, delete to the bin); the
    viewer's bin (restore). A store that cannot be used is said once, and the rest of the page
    works without it."""
    _show_note()
    me = viewer()
    try:
        the_store = store()
        sets = the_store.list_sets(me)
        bin_ = the_store.binned_sets(me)
    except StoreError as exc:
        st.warning(problem(exc, tr))
        return
    report = st.session_state.get(UPLOAD)
    if report is not None:
        with st.container(border=True):
            if not me.signed_in:
                st.info(tr("Sign in to keep this set (the sidebar's Sign in)."))
            else:
                st.text_input(tr("Name for this set"), value=report.name, key=KEEP_NAME,
                              max_chars=MAX_NAME)
                st.radio(tr("Who may see it"), visibility_choices(), key=KEEP_VISIBILITY,
                         format_func=lambda v: tr(VISIBILITY_LABELS[v]), horizontal=True)
                st.button(tr("Keep this set"), on_click=_keep, args=(tr,), type="primary",
                          help=tr("Keep the imported events and their report in the store, so "
                                  "that a link opens them again, for whoever may see the set."))
    current = st.session_state[VALUES].get(DATASET)
    if report is not None and current:  # a new import replaces the kept set in view
        st.session_state[VALUES][DATASET] = current = None  # the link follows (app.state)
        st.session_state[VALUES][DATASET_VERSION] = None
    if current:
        _current(current, st.session_state[VALUES].get(DATASET_VERSION), tr, lang)
    if not me.signed_in and not sets:
        return
    with st.expander(tr("Kept sets ({count})").format(count=number(len(sets), lang)),
                     expanded=bool(sets) and report is None and not current):
        if not sets:
            st.caption(tr("No set kept yet: import a file above, then keep it."))
        if report is not None and sets:
            st.caption(tr("Opening a kept set replaces the events you imported in this session."))
        for kept in sets[:LISTED]:
            _kept_row(kept, current, me, tr, lang)
        if len(sets) > LISTED:
            st.caption(tr("The {count} newest are listed.").format(count=LISTED))
    if bin_:
        with st.expander(tr("Bin ({count})").format(count=number(len(bin_), lang))):
            for kept in bin_[:LISTED]:
                _binned_row(kept, tr, lang)


def _current(set_id: str, version: int | None, tr: Translate, lang: str) -> None:
    try:
        found = kept_set(set_id, version)
        done = versions(store(), set_id, viewer())
    except VersionError as exc:  # gone since the link was read (a pull kept before 0005)
        st.warning(tr("This version of the kept set cannot be rebuilt; showing its latest."))
        st.caption(inert(str(exc), 200))
        st.session_state[VALUES][DATASET_VERSION] = None
        return
    except StoreError as exc:
        st.warning(problem(exc, tr))
        return
    if found is None:
        st.warning(tr("The kept set shown was deleted."))
        _close()
        return
    info, events, report = found
    with st.container(border=True):
        if version is None:
            st.markdown(tr("Showing the kept set {name}: {loaded} events ({rejected} rejected) "
                           "from {file}, kept on {day}.").format(
                name=inert(info.name), loaded=number(info.loaded, lang),
                rejected=number(info.rejected, lang), file=inert(info.file_name),
                day=long_date(info.created_at.date(), lang)))
        else:
            st.markdown(tr("Showing the kept set {name} as it was at pull {seq} of {last}: "
                           "{loaded} events ({rejected} rejected).").format(
                name=inert(info.name), seq=number(version, lang),
                last=number(done[-1].seq if done else version, lang),
                loaded=number(len(events), lang), rejected=number(len(report.rejected), lang)))
        if done:
            _version_picker(done, version, tr, lang)
        link = f"dataset={info.id}" + (f"&version={version}" if version is not None else "")
        st.caption(tr("This page's link carries {link}: send it to share the set.").format(
            link=link))
        if len(report.rejected):
            st.download_button(tr("Rejected rows (CSV)"), csv_safe(report.rejected).to_csv(
                index=False), f"rejected-{info.id}.csv", "text/csv", key="kept_rejected")
        st.button(tr("Close this set"), on_click=_close, key="close_kept")


def version_label(pull: Pull, latest: int, tr: Translate, lang: str) -> str:
    """One version in the picker: its pull, when, and what that pull did."""
    text = tr("Pull {seq}, {day}: {loaded} events ({added} added, {changed} changed, "
              "{deleted} deleted)").format(
        seq=number(pull.seq, lang), day=f"{long_date(pull.at.date(), lang)}, {pull.at:%H:%M} UTC",
        loaded=number(pull.loaded, lang), added=number(pull.added, lang),
        changed=number(pull.changed, lang), deleted=number(pull.deleted, lang))
    return tr("{version}, the latest").format(version=text) if pull.seq == latest else text


def _version_picker(done: list[Pull], version: int | None, tr: Translate, lang: str) -> None:
    """Pick which version of a pulled set the page shows: the latest (which follows new
    pulls) or one pull's (which the link then pins)."""
    latest = done[-1].seq
    kept = [p for p in reversed(done) if p.seq != latest and available(done, p.seq)]
    choices: list[int | None] = [None, *(p.seq for p in kept)]
    by_seq = {p.seq: p for p in done}
    if version is not None and version not in choices:
        choices.append(version)
    st.session_state[VERSION_PICK] = version
    st.selectbox(tr("Version"), choices, key=VERSION_PICK, on_change=_pick_version,
                 format_func=lambda s: version_label(by_seq[latest if s is None else s],
                                                     latest, tr, lang),
                 help=tr("Each pull is a version. The latest follows new pulls; an earlier one "
                         "is pinned in the page's link (version=N)."))
    lost = [p.seq for p in done if p.seq < latest and not available(done, p.seq)]
    if lost:
        st.caption(tr("Versions up to pull {seq} were kept before versions were and cannot be "
                      "shown.").format(seq=number(max(lost), lang)))


def _kept_row(kept: KeptSet, current: str | None, me: Viewer, tr: Translate, lang: str) -> None:
    name_col, open_col, rename_col, share_col, delete_col = st.columns(
        [5, 2, 2, 2, 2], vertical_alignment="center")
    name_col.text(kept.name)
    name_col.caption(tr("{file}, {loaded} events, kept on {day} · {visibility} · {owner}").format(
        file=inert(kept.file_name, 40), loaded=number(kept.loaded, lang),
        day=long_date(kept.created_at.date(), lang), visibility=tr(VISIBILITY_SHORT.get(kept.visibility, "")),
        owner=owner_text(kept.owner, me, tr)))
    open_col.button(tr("Open"), key=f"open_{kept.id}", on_click=_open, args=(kept.id,),
                    disabled=kept.id == current, width="stretch")
    may = {a: allowed(me, kept.owner, kept.visibility, a) for a in ("rename", "share", "delete")}
    if may["rename"]:
        with rename_col.popover(tr("Rename"), width="stretch"):
            st.text_input(tr("New name"), value=kept.name, key=f"rename_{kept.id}",
                          max_chars=MAX_NAME)
            st.button(tr("Save the name"), key=f"save_{kept.id}", on_click=_rename,
                      args=(kept.id, tr))
    if may["share"]:
        with share_col.popover(tr("Share"), width="stretch"):
            choices = visibility_choices()
            st.radio(tr("Who may see it"), choices, key=f"share_{kept.id}",
                     index=choices.index(kept.visibility) if kept.visibility in choices else 0,
                     format_func=lambda v: tr(VISIBILITY_LABELS[v]))
            st.button(tr("Save who may see it"), key=f"save_share_{kept.id}", on_click=_share,
                      args=(kept.id, tr))
    if may["delete"]:
        with delete_col.popover(tr("Delete"), width="stretch"):
            st.markdown(tr("Delete {name} ({loaded} events)? It goes to the bin, where its owner "
                           "can restore it for {days} days.").format(
                name=inert(kept.name), loaded=number(kept.loaded, lang), days=BIN_DAYS))
            st.button(tr("Delete {name}").format(name=inert(kept.name, 40)),
                      key=f"delete_{kept.id}", on_click=_delete, args=(kept, tr), type="primary")


def _binned_row(kept: KeptSet, tr: Translate, lang: str) -> None:
    name_col, restore_col = st.columns([9, 2], vertical_alignment="center")
    name_col.text(kept.name)
    deleted = kept.deleted_at
    if deleted is not None:
        name_col.caption(tr("{loaded} events; deleted on {day}, purged on {until}").format(
            loaded=number(kept.loaded, lang), day=long_date(deleted.date(), lang),
            until=long_date((deleted + timedelta(days=BIN_DAYS)).date(), lang)))
    restore_col.button(tr("Restore"), key=f"restore_{kept.id}", on_click=_restore,
                       args=(kept, tr), width="stretch")


def _keep_view(query: str, tr: Translate) -> None:
    try:
        view_id = store().keep_view(st.session_state.get(VIEW_NAME, ""), query, viewer(),
                                    st.session_state.get(VIEW_VISIBILITY) or DEFAULT_VISIBILITY)
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
    """The sidebar's account line, then a folded panel: keep the current view under a name and
    a visibility (a short `?v=ID` link) and reopen the saved views this viewer may see. The
    store is read only while the panel is open."""
    account_panel(tr)
    with st.sidebar.expander(tr("Saved views"), key=VIEWS_PANEL, on_change="rerun") as panel:
        if not panel.open:
            return
        _show_note()
        me = viewer()
        try:
            views = store().list_views(me)
        except StoreError as exc:
            st.caption(problem(exc, tr))
            return
        if me.signed_in:
            query = urlencode(view_query(view))
            st.text_input(tr("Name of this view"), key=VIEW_NAME, max_chars=MAX_NAME)
            st.radio(tr("Who may see it"), visibility_choices(), key=VIEW_VISIBILITY,
                     format_func=lambda v: tr(VISIBILITY_LABELS[v]))
            st.button(tr("Keep this view"), on_click=_keep_view, args=(query, tr), width="stretch")
        else:
            st.caption(tr("Sign in to keep views."))
        short = st.session_state.get(SHORT_LINK)
        if short:
            st.caption(tr("Short link to this view:"))
            st.code(_short_link(short), language=None)
        for saved in views[:LISTED]:
            st.button(inert(saved.name, 60), key=f"view_{saved.id}", on_click=_open_view,
                      args=(saved.query,), width="stretch",
                      help=tr("Open the view kept on {day} · {visibility} · {owner}").format(
                          day=long_date(saved.created_at.date(), view.lang),
                          visibility=tr(VISIBILITY_SHORT.get(saved.visibility, "")),
                          owner=owner_text(saved.owner, me, tr)))
        _manage_views(views, me, tr)


def _manage_views(views: list[SavedView], me: Viewer, tr: Translate) -> None:
    """Rename, share or delete (to the bin) one of the viewer's own views; restore from the bin."""
    mine = [v for v in views if allowed(me, v.owner, v.visibility, "share")]
    try:
        binned = store().binned_views(me) if me.signed_in else []
    except StoreError:
        binned = []
    if not mine and not binned:
        return
    with st.popover(tr("Manage my views"), width="stretch"):
        if mine:
            picked = st.selectbox(tr("View"), mine, key="manage_view",
                                  format_func=lambda v: v.name)
            st.text_input(tr("New name"), value=picked.name, key=f"rename_view_{picked.id}",
                          max_chars=MAX_NAME)
            st.button(tr("Save the name"), key=f"save_view_{picked.id}", on_click=_view_act,
                      args=("rename", picked, tr))
            choices = visibility_choices()
            st.radio(tr("Who may see it"), choices, key=f"share_view_{picked.id}",
                     index=choices.index(picked.visibility) if picked.visibility in choices else 0,
                     format_func=lambda v: tr(VISIBILITY_LABELS[v]))
            st.button(tr("Save who may see it"), key=f"save_share_view_{picked.id}",
                      on_click=_view_act, args=("share", picked, tr))
            st.button(tr("Delete {name}").format(name=inert(picked.name, 40)),
                      key=f"delete_view_{picked.id}", on_click=_view_act,
                      args=("delete", picked, tr),
                      help=tr("It goes to the bin, where you can restore it for {days} days."
                              ).format(days=BIN_DAYS))
        for gone in binned[:LISTED]:
            st.button(tr("Restore {name}").format(name=inert(gone.name, 40)),
                      key=f"restore_view_{gone.id}", on_click=_view_act,
                      args=("restore", gone, tr))


def _view_act(action: str, saved: SavedView, tr: Translate) -> None:
    the_store, me = store(), viewer()
    calls = {
        "rename": lambda: the_store.rename_view(
            saved.id, st.session_state.get(f"rename_view_{saved.id}", ""), me),
        "share": lambda: the_store.share_view(
            saved.id, st.session_state.get(f"share_view_{saved.id}", DEFAULT_VISIBILITY), me),
        "delete": lambda: the_store.delete_view(saved.id, me),
        "restore": lambda: the_store.restore_view(saved.id, me),
    }
    done = {"delete": tr("{name} is in the bin: you can restore it there for {days} days."),
            "restore": tr("{name} is back.")}.get(action, "")
    _act(calls[action], tr, done.format(name=inert(saved.name), days=BIN_DAYS),
         tr("That view is no longer in the store."))
