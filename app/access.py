"""Who is using the page (geo.access.Viewer), from Streamlit's own sign-in.

Team mode: `[auth]` in `.streamlit/secrets.toml` configures an OpenID Connect provider; people
sign in with st.login and are known by their e-mail address (st.user); the admins are listed
under `[coupbelt] admins = ["..."]`. Personal mode (no `[auth]`): the one user is this machine;
a visitor reaching the server from another machine (the server was started on a public address
without sign-in) is a visitor, who may open what is shared by link and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from geo.access import PERSONAL, VISITOR, Viewer
from geo.escape import inert
from geo.i18n import Translate


def _secrets() -> Mapping[str, Any]:
    try:
        return {k: st.secrets[k] for k in ("auth", "coupbelt") if k in st.secrets}
    except Exception:  # no secrets file, or one that does not parse: a personal dashboard
        return {}


def team_mode() -> bool:
    """True when sign-in is configured (`[auth]` in secrets.toml)."""
    return "auth" in _secrets()


def _provider(auth: Mapping[str, Any]) -> str | None:
    """The provider st.login is called with: None for one unnamed provider, else the first
    named one (`[auth.NAME]`)."""
    if "client_id" in auth:
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return named[0] if named else None


def _remote() -> bool:
    """True when the session comes from another machine (Streamlit gives no address for
    localhost; anything but an address, as in AppTest, counts as this machine)."""
    address = st.context.ip_address
    return isinstance(address, str) and bool(address)


def viewer() -> Viewer:
    """The person using this session's page."""
    secrets = _secrets()
    if "auth" not in secrets:
        return VISITOR if _remote() else PERSONAL
    if not st.user.is_logged_in:
        return VISITOR
    who = str(st.user.get("email") or st.user.get("sub") or "").strip().lower()
    if not who:
        return VISITOR
    admins = {str(a).strip().lower() for a in secrets.get("coupbelt", {}).get("admins", [])}
    return Viewer(who, admin=who in admins)


def account_panel(tr: Translate) -> None:
    """The sidebar's line on who is signed in (team mode), with Sign in / Sign out; in personal
    mode, that what is kept stays on this machine."""
    secrets = _secrets()
    if "auth" not in secrets:
        if not _remote():
            st.sidebar.caption(tr("Personal dashboard: what you keep stays in this machine's "
                                  "store, and the server answers this machine only."))
        else:
            st.sidebar.warning(tr("This dashboard has no sign-in and is reached from another "
                                  "machine: you can open what is shared by link, not keep or "
                                  "list sets. Its administrator can configure sign-in "
                                  "(README, Team mode)."))
        return
    if st.user.is_logged_in:
        me = viewer()
        st.sidebar.caption(tr("Signed in as {user}{admin}").format(
            user=inert(me.user or "", 80), admin=tr(" (admin)") if me.admin else ""))
        if st.sidebar.button(tr("Sign out"), key="sign_out"):
            st.logout()
    elif st.sidebar.button(tr("Sign in"), key="sign_in",
                           help=tr("Sign in to keep sets and views, and to see your team's.")):
        provider = _provider(secrets["auth"])
        st.login(provider) if provider else st.login()
