"""Who may do what with kept sets and saved views: the rules as a table of (role, visibility,
action) -> allowed, then the same rules through the store on SQLite and PostgreSQL (two users,
a visitor and an admin), the bin, the log and the upgrade of a store kept before owners."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from test_store import events_frame, report_for

from geo import store as store_module
from geo.access import ACTIONS, LOCAL, PERSONAL, VISIBILITIES, VISITOR, Viewer, allowed, role
from geo.store import BIN_DAYS, Store, StoreError, database_url

ALICE, BOB = Viewer("alice@example.org"), Viewer("bob@example.org")
ADMIN = Viewer("carol@example.org", admin=True)
READ = {"list", "open", "open_link"}
EVERYTHING = set(ACTIONS)

# (role, visibility) -> what is allowed; every action not listed is refused
TABLE = {
    ("owner", "private"): EVERYTHING, ("owner", "team"): EVERYTHING, ("owner", "link"): EVERYTHING,
    ("admin", "private"): EVERYTHING, ("admin", "team"): EVERYTHING, ("admin", "link"): EVERYTHING,
    ("member", "private"): set(), ("member", "team"): READ, ("member", "link"): {"open_link"},
    ("visitor", "private"): set(), ("visitor", "team"): set(), ("visitor", "link"): {"open_link"},
}
WHO = {"owner": ALICE, "admin": ADMIN, "member": BOB, "visitor": VISITOR}


@pytest.mark.parametrize(("who", "visibility", "action"),
                         [(w, v, a) for w in WHO for v in VISIBILITIES for a in ACTIONS])
def test_the_rules(who, visibility, action):
    viewer = WHO[who]
    assert role(viewer, ALICE.user) == who
    assert allowed(viewer, ALICE.user, visibility, action) is (action in TABLE[(who, visibility)])


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_visibility_allows_nothing_but_to_its_owner_nothing_either(action):
    assert not allowed(BOB, ALICE.user, "public", action)
    assert not allowed(ALICE, ALICE.user, "public", action)


def test_this_machine_owns_what_is_kept_on_a_personal_dashboard():
    assert role(PERSONAL, LOCAL) == "owner"
    assert role(PERSONAL, ALICE.user) == "member"  # a set kept by a signed-in user, seen locally
    assert role(VISITOR, LOCAL) == "visitor"  # a visitor is never "local"


@pytest.fixture
def store(store_url):
    opened = Store.open(store_url)
    yield opened
    opened.close()


def keep(store, viewer=ALICE, visibility="private", name="Alice's set"):
    frame = events_frame(3)
    return store.keep_set(name, frame, report_for(frame), "a.csv", 1, viewer, visibility)


def test_a_private_set_is_its_owner_s_only(store):
    set_id = keep(store)
    assert [s.id for s in store.list_sets(ALICE)] == [set_id]
    assert store.list_sets(BOB) == [] and store.list_sets(VISITOR) == []
    # B cannot open it by its link, rename, share or delete it: for B it does not exist
    assert store.set_info(set_id, BOB) is None and store.set_info(set_id, VISITOR) is None
    assert store.rename_set(set_id, "mine now", BOB) is False
    assert store.share_set(set_id, "team", BOB) is False
    assert store.delete_set(set_id, BOB) is False
    info = store.set_info(set_id, ALICE)
    assert (info.name, info.owner, info.visibility) == ("Alice's set", ALICE.user, "private")
    # an admin named in the configuration sees it and may act on it
    assert [s.id for s in store.list_sets(ADMIN)] == [set_id]


def test_a_link_set_opens_read_only_for_anyone_with_the_link_and_is_listed_to_nobody_else(store):
    set_id = keep(store, visibility="link")
    assert store.list_sets(BOB) == []
    assert store.set_info(set_id, BOB).id == set_id
    assert store.set_info(set_id, VISITOR).id == set_id
    for call in (lambda: store.rename_set(set_id, "x", BOB), lambda: store.delete_set(set_id, BOB),
                 lambda: store.share_set(set_id, "team", BOB)):
        with pytest.raises(StoreError) as refused:
            call()
        assert refused.value.kind == "forbidden"
    assert store.set_info(set_id, ALICE).name == "Alice's set"


def test_a_team_set_shows_for_every_signed_in_user_and_only_its_owner_deletes_it(store):
    set_id = keep(store, visibility="team")
    assert [s.id for s in store.list_sets(BOB)] == [set_id]
    assert store.list_sets(VISITOR) == [] and store.set_info(set_id, VISITOR) is None
    with pytest.raises(StoreError):
        store.delete_set(set_id, BOB)
    assert store.delete_set(set_id, ALICE) is True
    assert store.list_sets(BOB) == [] and store.list_sets(ALICE) == []


def test_a_deleted_set_goes_to_the_bin_its_link_says_so_and_its_owner_restores_it(store):
    set_id = keep(store, visibility="link")
    assert store.delete_set(set_id, ALICE) is True
    binned = store.set_info(set_id, BOB)
    assert binned is not None and binned.deleted_at is not None  # the link says: in the bin
    assert store.load_set(set_id) is None
    assert [s.id for s in store.binned_sets(ALICE)] == [set_id]
    assert store.binned_sets(BOB) == []
    with pytest.raises(StoreError) as refused:  # B holds the link: told why, not "no such set"
        store.restore_set(set_id, BOB)
    assert refused.value.kind == "forbidden"
    assert store.restore_set(set_id, ALICE) is True
    assert store.set_info(set_id, BOB).deleted_at is None
    assert len(store.load_set(set_id)[0]) == 3


def test_the_bin_is_purged_after_thirty_days_and_not_before(store):
    set_id = keep(store)
    store.delete_set(set_id, ALICE)
    assert store.purge_bin(datetime.now(UTC) + timedelta(days=BIN_DAYS - 1)) == 0
    assert store.purge_bin(datetime.now(UTC) + timedelta(days=BIN_DAYS + 1)) == 1
    assert store.set_info(set_id, ALICE) is None and store.binned_sets(ALICE) == []


def test_saved_views_follow_the_same_rules(store):
    private = store.keep_view("mine", "date=2023-07-26", ALICE)
    team = store.keep_view("ours", "date=2024-01-28", ALICE, "team")
    assert {v.id for v in store.list_views(ALICE)} == {private, team}
    assert [v.id for v in store.list_views(BOB)] == [team]
    assert store.view_query(private, BOB) is None and store.view_query(team, BOB) == "date=2024-01-28"
    assert store.view_query(team, VISITOR) is None
    with pytest.raises(StoreError):
        store.delete_view(team, BOB)
    assert store.delete_view(private, ALICE) and store.view_query(private, ALICE) is None
    assert store.restore_view(private, ALICE) and store.view_query(private, ALICE) == "date=2023-07-26"


def test_a_visitor_who_has_not_signed_in_cannot_keep_anything(store):
    frame = events_frame(3)
    with pytest.raises(StoreError) as refused:
        store.keep_set("x", frame, report_for(frame), "a.csv", 1, VISITOR)
    assert refused.value.kind == "forbidden"
    with pytest.raises(StoreError):
        store.keep_view("x", "date=2023-01-01", VISITOR)
    with pytest.raises(StoreError) as refused:
        keep(store, visibility="public")
    assert refused.value.kind == "bad_visibility"


def test_the_log_names_who_did_what_and_each_owner_reads_only_their_own(store):
    set_id = keep(store, visibility="team")
    store.rename_set(set_id, "Renamed", ALICE)
    store.share_set(set_id, "link", ALICE)
    store.delete_set(set_id, ALICE)
    store.restore_set(set_id, ALICE)
    keep(store, BOB, name="Bob's")
    mine = [(e.actor, e.action, e.item_id, e.detail) for e in store.log(ALICE)]
    assert [(a, b) for a, b, *_ in mine] == [(ALICE.user, action) for action in
                                             ("kept", "renamed", "shared", "deleted", "restored")]
    assert all(item == set_id for _, _, item, _ in mine)
    assert mine[1][3] == "was Alice's set" and mine[2][3] == "team -> link"
    assert [e.name for e in store.log(BOB)] == ["Bob's"]
    assert len(store.log(ADMIN)) == 6 and store.log(VISITOR) == []


def test_a_store_kept_before_owners_is_upgraded_and_its_sets_become_this_machine_s(empty_store_url):
    from alembic import command
    from alembic.config import Config

    if "://" not in empty_store_url:
        os.makedirs(os.path.dirname(empty_store_url), exist_ok=True)
    engine = sa.create_engine(database_url(empty_store_url))
    config = Config()
    config.set_main_option("script_location", str(store_module.MIGRATIONS))
    with engine.begin() as conn:  # the schema of the last release, and a set kept with it
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(sa.text(
            "INSERT INTO event_sets (id, name, file_name, size_bytes, format, created_at, loaded, "
            "rejected, notes, ambiguous_dates, columns, rejected_columns) VALUES ('old-set-id-0123456789ab', "
            "'Old set', 'a.csv', 1, 'acled', :now, 0, 0, '[]', false, '[]', '[]')"),
            {"now": datetime.now(UTC)})
        conn.execute(sa.text("INSERT INTO saved_views (id, name, query, created_at) VALUES "
                             "('old-view-id-0123456789ab', 'Old view', 'date=2023-01-01', :now)"),
                     {"now": datetime.now(UTC)})
    engine.dispose()
    store = Store.open(empty_store_url)
    assert store.revision() == "0005"
    (old,) = store.list_sets(PERSONAL)
    assert (old.name, old.owner, old.visibility) == ("Old set", LOCAL, "private")
    assert store.list_sets(ALICE) == [] and store.set_info(old.id, ALICE) is None
    (view,) = store.list_views(PERSONAL)
    assert (view.owner, view.visibility) == (LOCAL, "private")
    store.close()


def test_the_command_line_reads_the_log_as_an_admin_or_as_one_user(tmp_path, capsys):
    path = str(tmp_path / "cli.sqlite")
    store = Store.open(path)
    alice_set = keep(store)
    keep(store, BOB, name="Bob's")
    store.delete_set(alice_set, ALICE)
    store.close()
    assert store_module.main(["--db", path, "log"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["user"], x["action"], x["name"]) for x in lines] == [
        (ALICE.user, "kept", "Alice's set"), (BOB.user, "kept", "Bob's"),
        (ALICE.user, "deleted", "Alice's set")]
    assert store_module.main(["--db", path, "--user", BOB.user, "log"]) == 0
    assert [json.loads(x)["name"] for x in capsys.readouterr().out.splitlines()] == ["Bob's"]
    assert store_module.main(["--db", path, "--user", BOB.user, "sets"]) == 0
    assert [json.loads(x)["name"] for x in capsys.readouterr().out.splitlines()] == ["Bob's"]
