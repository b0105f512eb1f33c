"""AppTest of kept sets and saved views with sign-in (team mode), on SQLite (the same rules on
PostgreSQL: tests/test_access.py, and two servers in a browser: tests/test_access_browser.py):
two signed-in users and a visitor who has not signed in, each in their own session. What B
may list, open, rename, share and delete of A's sets, by visibility; the admin; and what a
personal dashboard says."""

from __future__ import annotations

import pytest
from conftest import ROOT, map_args
from test_store_app import button, report

from geo.access import Viewer
from geo.store import Store

OPERATOR = Viewer("local", admin=True)  # who `python -m geo.store` reads the store as
pytestmark = pytest.mark.filterwarnings("ignore")

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "coupbelt", "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"


@pytest.fixture
def store_url(tmp_path):
    return str(tmp_path / "store" / "coupbelt.sqlite")


@pytest.fixture
def team(data_dir, monkeypatch, store_url):
    """Opens the Events page in a new session as `who` (None: not signed in)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COUPBELT_DB", store_url)
    st.cache_resource.clear()

    def open_as(who: str | None, **params: str):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.secrets["coupbelt"] = {"admins": [CAROL]}
        at.user = {"is_logged_in": True, "email": who} if who else {"is_logged_in": False}
        for key, value in {"date": "2023-09-01", **params}.items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/events.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    yield open_as
    st.cache_resource.clear()


def keep_as(at, data_dir, name: str, visibility: str) -> str:
    at.session_state["upload_report"] = report(data_dir)
    at.run()
    at.text_input(key="keep_set_name").input(name)
    at.radio(key="keep_set_visibility").set_value(visibility)
    button(at, "Keep this set").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at.query_params["dataset"]


def listed(at) -> list[str]:
    return [b.key.removeprefix("open_") for b in at.button if (b.key or "").startswith("open_")]


def actions(at, set_id: str) -> set[str]:
    """The buttons a viewer gets on one listed set."""
    keys = {b.key for b in at.button}
    return {a for a in ("save", "save_share", "delete") if f"{a}_{set_id}" in keys}


def shows_kept(at) -> bool:
    (component,) = at.get("component_instance")
    return '"Mine one"' in str(map_args(component)["layers"])


def test_a_private_set_is_neither_listed_nor_opened_for_another_user(team, data_dir, store_url):
    alice = team(ALICE)
    set_id = keep_as(alice, data_dir, "Alice's", "private")
    assert listed(alice) == [set_id] and actions(alice, set_id) == {"save", "save_share", "delete"}
    bob = team(BOB)
    assert set_id not in listed(bob)
    by_link = team(BOB, dataset=set_id)  # B holds the link: still nothing
    assert by_link.warning[0].value.startswith("No kept set")
    assert "dataset" not in by_link.query_params and not shows_kept(by_link)
    assert [s.name for s in Store.open(store_url).list_sets(OPERATOR)] == ["Alice's"]  # untouched


def test_a_link_set_opens_read_only_for_another_user_and_a_visitor(team, data_dir):
    set_id = keep_as(team(ALICE), data_dir, "By link", "link")
    for who in (BOB, None):
        at = team(who, dataset=set_id)
        assert not at.warning, [w.value for w in at.warning]
        assert shows_kept(at)
        assert set_id not in listed(at) and actions(at, set_id) == set()


def test_a_team_set_shows_for_both_and_only_its_owner_deletes_it(team, data_dir, store_url):
    set_id = keep_as(team(ALICE), data_dir, "Ours", "team")
    bob = team(BOB)
    assert listed(bob) == [set_id] and actions(bob, set_id) == set()
    button(bob, "Open", f"open_{set_id}").click().run()
    assert shows_kept(bob)
    assert set_id not in listed(team(None))  # not signed in: team sets are not for visitors
    alice = team(ALICE)
    button(alice, "Delete `Ours`", f"delete_{set_id}").click().run()
    assert Store.open(store_url).list_sets(OPERATOR) == []
    log = [(e.actor, e.action) for e in Store.open(store_url).log(OPERATOR)]
    assert log == [(ALICE, "kept"), (ALICE, "deleted")]


def test_an_admin_sees_and_manages_every_set(team, data_dir):
    set_id = keep_as(team(ALICE), data_dir, "Alice's", "private")
    carol = team(CAROL)
    assert listed(carol) == [set_id] and actions(carol, set_id) == {"save", "save_share", "delete"}
    assert any("Signed in as `carol@example.org` (admin)" in c.value for c in carol.sidebar.caption)


def test_a_visitor_is_asked_to_sign_in_and_cannot_keep(team, data_dir):
    at = team(None)
    assert any(b.label == "Sign in" for b in at.sidebar.button)
    at.session_state["upload_report"] = report(data_dir)
    at.run()
    assert any("Sign in to keep this set" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Keep this set"]


def keep_view_as(at, name: str, visibility: str | None = None) -> str:
    at.session_state["saved_views_panel"] = True
    at.run()
    at.text_input(key="keep_view_name").input(name)
    if visibility:
        at.radio(key="keep_view_visibility").set_value(visibility)
    button(at, "Keep this view").click().run()
    (code,) = [c for c in at.code if "?v=" in c.value]
    return code.value.rsplit("?v=", 1)[1]


def views_listed(at) -> list[str]:
    at.session_state["saved_views_panel"] = True
    at.run()
    return [b.key.removeprefix("view_") for b in at.button if (b.key or "").startswith("view_")]


def test_saved_views_are_private_by_default_and_shared_by_choice(team):
    private = keep_view_as(team(ALICE), "Alice's view")
    shared = keep_view_as(team(ALICE), "For the team", "team")
    assert views_listed(team(BOB)) == [shared]
    assert team(BOB, v=private).warning[0].value.startswith("No saved view")
    assert not team(BOB, v=shared).warning
    assert views_listed(team(ALICE)) == [shared, private]


def test_a_personal_dashboard_says_the_store_is_this_machine_s(data_dir, monkeypatch, store_url):
    from conftest import open_page

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COUPBELT_DB", store_url)
    at = open_page("pages/events.py", {"date": "2023-09-01"})
    assert any("Personal dashboard" in c.value for c in at.sidebar.caption)
    assert not any(b.label == "Sign in" for b in at.sidebar.button)



def test_the_owner_of_a_view_renames_shares_deletes_and_restores_it_and_nobody_else_can(team, store_url):
    view_id = keep_view_as(team(ALICE), "Mine", "team")
    bob = team(BOB)
    assert views_listed(bob) == [view_id]
    assert not [b for b in bob.button if (b.key or "").startswith("delete_view_")]  # not B's to manage
    alice = team(ALICE)
    views_listed(alice)
    alice.text_input(key=f"rename_view_{view_id}").input("Renamed")
    button(alice, "Save the name", f"save_view_{view_id}").click().run()
    button(alice, "Delete `Renamed`", f"delete_view_{view_id}").click().run()
    assert views_listed(team(BOB)) == [] and team(BOB, v=view_id).warning[0].value.startswith(
        "The saved view `Renamed` was deleted on")
    alice = team(ALICE)
    views_listed(alice)
    button(alice, "Restore `Renamed`", f"restore_view_{view_id}").click().run()
    assert views_listed(team(BOB)) == [view_id]
    log = [(e.actor, e.action) for e in Store.open(store_url).log(OPERATOR)]
    assert log == [(ALICE, "kept"), (ALICE, "renamed"), (ALICE, "deleted"), (ALICE, "restored")]
