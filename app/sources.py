"""The Events page's sources panel: which credentials this server holds for ACLED and UCDP
(never their values) and a pull into a kept set with a progress bar (geo.sources.pull, the same
as `python -m geo.sources`)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from app.access import viewer
from app.store import forget, problem, store
from geo.escape import inert
from geo.facts import Facts
from geo.i18n import N_, Translate, number
from geo.sources import SourceError, credentials, pull
from geo.store import StoreError

SOURCE_LABELS = {"acled": "ACLED", "ucdp": "UCDP GED"}
ORIGINS = {"environment": N_("configured (environment variables)"),
           "secrets.toml": N_("configured (secrets.toml)")}
PROBLEMS = {
    "credentials": N_("The source refused the account or no credentials are configured."),
    "revoked": N_("The source no longer accepts these credentials (revoked or changed)."),
    "forbidden": N_("This account may not read that from the source."),
    "network": N_("The source could not be reached."),
    "server": N_("The source failed while answering."),
    "rate": N_("The source keeps asking to wait; try again later."),
    "json": N_("The source sent an answer that could not be read."),
    "empty": N_("The source has no events for these dates and countries; nothing was kept."),
}


ASKED = "pull_asked"  # set by the Pull button's callback, read once by the panel


def _ask() -> None:
    st.session_state[ASKED] = True


def sources_panel(facts: Facts, tr: Translate, lang: str = "en") -> None:
    """Credentials configured, and a form that pulls into a kept set."""
    with st.expander(tr("Pull events from ACLED or UCDP")):
        configured = credentials().configured()
        for source, origin in configured.items():
            state = tr(ORIGINS[origin]) if origin else tr(
                "not configured: set {names} on the server").format(
                names="ACLED_USERNAME, ACLED_PASSWORD" if source == "acled" else "UCDP_TOKEN")
            st.markdown(f"**{SOURCE_LABELS[source]}**: {state}")
        me = viewer()
        if not me.signed_in:
            st.caption(tr("Sign in to pull events into a kept set."))
            return
        choices = [s for s, origin in configured.items() if origin]
        if not choices:
            return
        source = st.radio(tr("Source"), choices, format_func=lambda s: SOURCE_LABELS[s],
                          horizontal=True, key="pull_source")
        name = st.text_input(tr("Kept set's name (pulling again into the same name asks "
                                "only for what changed)"), key="pull_name")
        today = date.today()
        start = st.date_input(tr("From"), today - timedelta(days=90), key="pull_start")
        end = st.date_input(tr("To"), today, key="pull_end")
        codes = list(facts.borders["iso3"])
        names = dict(zip(facts.borders["iso3"], facts.borders["name" if lang == "en"
                                                                else "name_fr"], strict=True))
        countries = st.multiselect(tr("Countries (none: all)"), codes, key="pull_countries",
                                   format_func=lambda c: names.get(c, c))
        version = st.text_input(tr("UCDP GED version (such as 25.1)"), key="pull_version")
        st.button(tr("Pull"), key="pull_go", on_click=_ask)
        if st.session_state.pop(ASKED, False):
            _pull(facts, source, name, start, end, countries, version, tr, lang)


def _pull(facts: Facts, source: str, name: str, start: object, end: object,
          countries: list[str], version: str, tr: Translate, lang: str) -> None:
    if not name.strip():
        st.error(tr("Give it a name first."))
        return
    bar = st.progress(0.0, text=tr("Asking {source}…").format(source=SOURCE_LABELS[source]))

    def progress(rows: int, pages: int, total: int | None) -> None:
        share = pages / total if total else 1 - 0.8 ** pages
        bar.progress(min(share, 1.0), text=tr("{rows} rows read ({pages} pages)").format(
            rows=number(rows, lang), pages=number(pages, lang)))

    try:
        done, report = pull(store(), source, name, facts.borders,
                            start=start if isinstance(start, date) else None,
                            end=end if isinstance(end, date) else None,
                            countries=countries, version=version.strip() or None,
                            viewer=viewer(), progress=progress)
    except SourceError as exc:
        bar.empty()
        st.error(tr(PROBLEMS[exc.kind]) if exc.kind in PROBLEMS else tr(
            "The pull failed; nothing was kept."))
        st.caption(inert(str(exc), 300))  # names the endpoint and page; never a secret
        return
    except StoreError as exc:
        bar.empty()
        st.error(problem(exc, tr))
        return
    forget(done.set_id)  # a set pulled into again: its rows in memory are stale
    bar.progress(1.0, text=tr("Done"))
    st.success(tr("{name}: pull {seq}, {rows} rows received ({rejected} rejected); {added} "
                  "added, {changed} changed, {deleted} deleted. The set now holds {loaded} "
                  "events; open it under Kept sets.").format(
        name=inert(name, 120), seq=done.seq, rows=number(len(report.loaded)
                                                         + len(report.rejected), lang),
        rejected=number(len(report.rejected), lang), added=number(done.added, lang),
        changed=number(done.changed, lang), deleted=number(done.deleted, lang),
        loaded=number(done.loaded, lang)))
