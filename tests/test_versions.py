"""Versions of a pulled set: each pull is a version; an earlier one is rebuilt from the latest
and what each later pull replaced (geo.pulls.load_version), exactly as it was, on SQLite and
PostgreSQL, for whoever may open the set and nobody else."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
import test_sources

from geo.access import Viewer
from geo.pulls import VersionError, available, history, load_version, pull_parts, versions
from geo.sources import pull
from geo.store import Store

ALICE, BOB = Viewer("alice@example.org"), Viewer("bob@example.org")
CREDS = test_sources.CREDS
api, borders = test_sources.api, test_sources.borders  # the fixtures: a recorded API, borders


@pytest.fixture
def opened(store_url):
    store = Store.open(store_url)
    yield store
    store.close()


def acled(store, borders, viewer=ALICE, visibility="private"):
    return pull(store, "acled", "sahel", borders, start=date(2024, 3, 1), end=date(2024, 3, 31),
                creds=CREDS, viewer=viewer, visibility=visibility)


def test_version_1_after_an_incremental_pull_is_exactly_the_first_pulls_rows(
        api, opened, borders):
    first, _ = acled(opened, borders)
    events_1, report_1 = opened.load_set(first.set_id)
    second, _ = acled(opened, borders)
    assert (second.added, second.changed, second.deleted) == (1, 2, 1)
    events_2, report_2 = opened.load_set(first.set_id)
    assert "SYN-NER1" not in set(events_2["id"])  # deleted by pull 2

    events, report = load_version(opened, first.set_id, 1, ALICE)
    pd.testing.assert_frame_equal(events, events_1)
    pd.testing.assert_frame_equal(report.rejected, report_1.rejected)
    assert list(events["id"]) == ["SYN-MLI1", "SYN-MLI2", "SYN-NER1", "SYN-GHA1"]
    ner = events.set_index("id").loc["SYN-NER1"]  # the deletion is undone at version 1
    assert ner["iso3"] == "NER"
    assert events.set_index("id").loc["SYN-MLI2", "deaths"] != events_2.set_index(
        "id").loc["SYN-MLI2", "deaths"]
    assert list(report.rejected["id"]) == ["SYN-MLI3"]  # rejected then, loaded since

    latest, report = load_version(opened, first.set_id, 2, ALICE)
    pd.testing.assert_frame_equal(latest, events_2)
    pd.testing.assert_frame_equal(report.rejected, report_2.rejected)
    assert [p.seq for p in versions(opened, first.set_id, ALICE)] == [1, 2]


def test_a_version_holds_only_the_rows_its_next_pull_changed(api, opened, borders):
    first, _ = acled(opened, borders)
    acled(opened, borders)
    with opened.engine.connect() as conn:
        kept = conn.execute(sa.select(pull_parts.c.seq, pull_parts.c.kind,
                                      sa.func.length(pull_parts.c.data))
                            .where(pull_parts.c.set_id == first.set_id)).all()
    # pull 2 replaced SYN-MLI2 and SYN-NER1 (deleted) among the events, SYN-MLI3 among the
    # rejected rows: only those are kept beside the latest version
    assert sorted((seq, kind) for seq, kind, _ in kept) == [(2, "events"), (2, "rejected")]
    from geo import pulls
    with opened.engine.connect() as conn:
        undo = conn.execute(sa.select(pulls.pulls.c.undo).where(
            pulls.pulls.c.set_id == first.set_id, pulls.pulls.c.seq == 2)).scalar()
    assert (undo["events"]["replaced"], undo["events"]["written"]) == (2, 3)
    assert (undo["rejected"]["replaced"], undo["rejected"]["written"]) == (1, 0)


def test_three_pulls_rebuild_every_version(api, opened, borders):
    first, _ = acled(opened, borders)
    frames = [opened.load_set(first.set_id)]
    acled(opened, borders)
    frames.append(opened.load_set(first.set_id))
    third, _ = acled(opened, borders)  # nothing changed since: an empty version
    frames.append(opened.load_set(first.set_id))
    assert third.seq == 3
    for seq, (events, report) in enumerate(frames, start=1):
        got, got_report = load_version(opened, first.set_id, seq, ALICE)
        pd.testing.assert_frame_equal(got, events)
        pd.testing.assert_frame_equal(got_report.rejected, report.rejected)


def test_a_ucdp_version_undoes_what_the_next_version_dropped(api, opened, borders):
    first, _ = pull(opened, "ucdp", "ged", borders, version="25.1", creds=CREDS, viewer=ALICE)
    before, report_before = opened.load_set(first.set_id)
    pull(opened, "ucdp", "ged", borders, version="25.2", creds=CREDS, viewer=ALICE)
    events, report = load_version(opened, first.set_id, 1, ALICE)
    pd.testing.assert_frame_equal(events, before)
    pd.testing.assert_frame_equal(report.rejected, report_before.rejected)
    assert "900003" in set(events["id"]) and "900006" not in set(events["id"])


def test_versions_follow_the_access_rules(api, opened, borders):
    first, _ = acled(opened, borders)
    acled(opened, borders)
    assert load_version(opened, first.set_id, 1, BOB) is None  # private to Alice
    assert versions(opened, first.set_id, BOB) == []
    assert opened.share_set(first.set_id, "link", ALICE)
    assert list(load_version(opened, first.set_id, 1, BOB)[0]["id"]) == [
        "SYN-MLI1", "SYN-MLI2", "SYN-NER1", "SYN-GHA1"]
    assert opened.delete_set(first.set_id, ALICE)
    assert load_version(opened, first.set_id, 1, ALICE) is None  # in the bin


def test_a_version_that_is_not_there_is_named(api, opened, borders):
    first, _ = acled(opened, borders)
    acled(opened, borders)
    with pytest.raises(VersionError) as err:
        load_version(opened, first.set_id, 3, ALICE)
    assert err.value.kind == "no_version" and "versions are 1 to 2" in str(err.value)
    from geo import pulls
    with opened.engine.begin() as conn:  # as if pull 2 had been kept before migration 0005
        conn.execute(pulls.pulls.update().where(pulls.pulls.c.set_id == first.set_id,
                                                pulls.pulls.c.seq == 2).values(undo=None))
    done = history(opened, first.set_id)
    assert [p.undoable for p in done] == [True, False]
    assert not available(done, 1) and available(done, 2)
    with pytest.raises(VersionError) as err:
        load_version(opened, first.set_id, 1, ALICE)
    assert err.value.kind == "lost" and "cannot be rebuilt" in str(err.value)
    assert len(load_version(opened, first.set_id, 2, ALICE)[0]) == 5


def test_the_command_lines_list_a_sets_versions(api, capsys):
    import json

    from geo import sources
    from geo import store as store_module

    for _ in range(2):
        assert sources.main(["acled", "--start", "2024-03-01", "--end", "2024-03-31",
                             "--keep", "Sahel weekly"]) == 0
    capsys.readouterr()
    assert store_module.main(["sets"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["name"], s["loaded"], s["versions"]) for s in listed] == [
        ("Sahel weekly", 5, [1, 2])]
    assert sources.main(["history", "Sahel weekly"]) == 0
    done = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p["pull"], p["loaded"], p["deleted"], p["can_open"]) for p in done] == [
        (1, 4, 0, True), (2, 5, 1, True)]


def test_a_ucdp_candidate_release_adds_without_deleting_and_a_yearly_one_keeps_later_events(
        api, opened, borders):
    def ged(version):
        return pull(opened, "ucdp", "ged", borders, version=version, creds=CREDS,
                    viewer=ALICE)[0]

    first = ged("25.1")
    candidate = ged("25.0.1")  # March 2024: two new events; it does not list the older ones
    assert (candidate.added, candidate.changed, candidate.deleted, candidate.loaded) == (
        2, 0, 0, 6)
    yearly = ged("25.2")  # complete up to 2024-02-20: 900003 goes, March's events stay
    assert (yearly.added, yearly.changed, yearly.deleted, yearly.loaded) == (1, 1, 1, 6)
    events, _ = opened.load_set(first.set_id)
    assert sorted(events["id"]) == ["900001", "900002", "900004", "900006", "900007",
                                    "900008"]
    at_candidate, _ = load_version(opened, first.set_id, 2, ALICE)
    assert sorted(at_candidate["id"]) == ["900001", "900002", "900003", "900004", "900007",
                                          "900008"]
    assert [p.version for p in versions(opened, first.set_id, ALICE)] == ["25.1", "25.0.1",
                                                                         "25.2"]


def test_a_purged_set_takes_its_versions_with_it(api, opened, borders):
    from datetime import UTC, datetime, timedelta

    first, _ = acled(opened, borders)
    acled(opened, borders)
    assert opened.delete_set(first.set_id, ALICE)
    opened.purge_bin(datetime.now(UTC) + timedelta(days=31))
    with opened.engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(pull_parts)).scalar()
    assert left == 0 and history(opened, first.set_id) == []
