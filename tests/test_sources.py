"""Pulls from ACLED and UCDP end to end against recorded answers served over HTTP (no network):
sign-in, paging, token renewal, 429, failures that leave the set as it was, deletions,
incremental pulls, NextPageUrl, revoked credentials, and no secret anywhere it could leak."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sourceserver
import sqlalchemy as sa
from sourceserver import PASSWORD, UCDP_TOKEN, USER

from geo import sources
from geo import store as store_module
from geo.facts import load_borders
from geo.ingest import LOADED_COLUMNS, IngestReport
from geo.pulls import history, merge
from geo.sources import (
    Credentials,
    SourceError,
    base_url,
    credentials,
    pull,
    redact,
    retry_after,
    rows_frame,
)
from geo.store import Store

ROOT = Path(__file__).resolve().parent.parent
SECRETS = (PASSWORD, UCDP_TOKEN)
CREDS = Credentials(USER, PASSWORD, UCDP_TOKEN, (("acled", "environment"),
                                                   ("ucdp", "environment")))


@pytest.fixture(scope="module")
def borders():
    return load_borders(ROOT / "data" / "borders.geojson")


@pytest.fixture
def api(monkeypatch, tmp_path):
    yield from sourceserver.serving(monkeypatch, tmp_path)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(str(tmp_path / "store.sqlite"))
    yield opened
    opened.close()


def acled(store, borders, **kwargs):
    return pull(store, "acled", kwargs.pop("name", "sahel"), borders, start=date(2024, 3, 1),
                end=date(2024, 3, 31), creds=CREDS, sleep=kwargs.pop("sleep", None), **kwargs)


def ucdp(store, borders, version, **kwargs):
    return pull(store, "ucdp", kwargs.pop("name", "ged"), borders, version=version, creds=CREDS,
                **kwargs)


def snapshot(store, set_id):
    events, report = store.load_set(set_id)
    return events, report.rejected, [p.seq for p in history(store, set_id)]


def assert_same(before, after):
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    assert before[2] == after[2]


def test_a_first_acled_pull_signs_in_reads_pages_until_a_short_one_and_keeps_the_set(
        api, store, borders):
    done, report = acled(store, borders, countries=["Mali", "NER", "Ghana"])
    assert (len(report.loaded), len(report.rejected)) == (4, 1)
    assert report.rejected.loc[0, "reasons"] == "missing latitude"
    assert report.rejected.loc[0, "id"] == "SYN-MLI3" and report.rejected.loc[0, "row"] == 5
    events, _ = store.load_set(done.set_id)
    assert list(events["id"]) == ["SYN-MLI1", "SYN-MLI2", "SYN-NER1", "SYN-GHA1"]
    assert list(events.columns[:len(LOADED_COLUMNS)]) == LOADED_COLUMNS
    first = events.iloc[0]
    assert (first["iso3"], first["kind"], first["deaths"], first["admin1"], first["sources"]) == (
        "MLI", "Battles", 4, "Koulikoro", "Synthetic Wire")
    assert first["date"] == pd.Timestamp("2024-03-01") and first["timestamp"] == "1710000000"
    assert (done.seq, done.source, done.cursor, done.added, done.changed, done.deleted) == (
        1, "acled", "1710000000", 5, 0, 0)
    listed = store.set_info(done.set_id, sources.OPERATOR)
    assert (listed.name, listed.loaded, listed.rejected, listed.format) == ("sahel", 4, 1, "acled")
    gets = [s for s in api.script.seen if s.method == "GET"]
    assert [dict(p.split("=", 1) for p in s.query.split("&"))["page"] for s in gets] == [
        "1", "2", "3"]
    query = gets[0].query
    assert "event_date=2024-03-01|2024-03-31" in query and "event_date_where=BETWEEN" in query
    assert "limit=2" in query and "iso=466:OR:iso=562:OR:iso=288" in query
    assert "fields=event_id_cnty|event_date|" in query and "timestamp=" not in query
    assert gets[0].headers["authorization"] == "Bearer acc-1-Zq81"
    login = api.script.seen[0]
    assert (login.method, login.path) == ("POST", "/oauth/token")
    assert "grant_type=password" in login.body and "client_id=acled" in login.body


def test_the_command_line_keeps_a_pull_listed_by_the_store_with_its_loaded_count(
        api, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    assert sources.main(["acled", "--start", "2024-03-01", "--end", "2024-03-31",
                         "--country", "Mali", "--keep", "Sahel weekly"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sahel weekly: ACLED pull 1: 5 rows received, 4 loaded and 1 "
                          "rejected; 5 added, 0 changed, 0 deleted.")
    assert "row 5: missing latitude" in out
    assert store_module.main(["sets"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["name"], s["loaded"], s["rejected"], s["file"]) for s in listed] == [
        ("Sahel weekly", 4, 1, "ACLED API")]
    assert sources.main(["history", "Sahel weekly"]) == 0
    pulls = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p["pull"], p["source"], p["added"], p["loaded"]) for p in pulls] == [
        (1, "acled", 5, 4)]
    assert "ACLED events page 3: 1 rows" in caplog.text


def test_a_wrong_password_is_one_clear_line_and_nothing_is_kept(api, monkeypatch, capsys,
                                                                   caplog):
    monkeypatch.setenv("ACLED_PASSWORD", "not-the-Pa55word")
    assert sources.main(["acled", "--start", "2024-03-01", "--keep", "sahel"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: ACLED sign-in: the username or password was refused "
                                "(check ACLED_USERNAME and ACLED_PASSWORD) (nothing was kept)"]
    assert "not-the-Pa55word" not in err + caplog.text
    assert store_module.main(["sets"]) == 0 and capsys.readouterr().out == ""


def test_an_expired_token_mid_pull_is_renewed_with_the_refresh_token_and_the_page_retried(
        api, store, borders):
    api.script.expire_on_page = 2
    done, report = acled(store, borders)
    assert len(report.loaded) == 4 and done.added == 5
    grants = [s.body for s in api.script.seen if s.method == "POST"]
    assert len(grants) == 2 and "grant_type=refresh_token" in grants[1]
    assert "refresh_token=ref-1-Wy73" in grants[1] and "password" not in grants[1]
    pages = [(s.query.split("page=")[1], s.headers["authorization"])
             for s in api.script.seen if s.method == "GET"]
    assert pages == [("1", "Bearer acc-1-Zq81"), ("2", "Bearer acc-1-Zq81"),
                     ("2", "Bearer acc-2-Zq81"), ("3", "Bearer acc-2-Zq81")]


def test_429_waits_for_retry_after_then_asks_again(api, store, borders):
    waits = []
    api.script.throttle_page = 2
    done, _ = acled(store, borders, sleep=waits.append)
    assert waits == [7.0] and done.added == 5
    assert [s.query.split("page=")[1] for s in api.script.seen if s.method == "GET"] == [
        "1", "2", "2", "3"]


@pytest.mark.parametrize(("header", "seconds"), [
    ("7", 7.0), ("0", 0.0), ("-3", 0.0), ("1e9", sources.MAX_WAIT_S), (None, sources.DEFAULT_WAIT_S),
    ("soon", sources.DEFAULT_WAIT_S), ("Wed, 09 Dec 2026 10:00:30 GMT", 30.0),
    ("Wed, 09 Dec 2026 09:59:00 GMT", 0.0)])
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    now = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    assert retry_after(header, now) == seconds


def test_endless_429_gives_up_with_one_line(api, store, borders):
    waits = []
    api.script.throttle_page, api.script.throttle_always, api.script.retry_after = 1, True, "2"
    with pytest.raises(SourceError) as err:
        acled(store, borders, sleep=waits.append)
    assert err.value.kind == "rate" and waits == [2.0] * sources.MAX_WAITS
    assert str(err.value) == f"ACLED events page 1: still rate limited after {sources.MAX_WAITS} waits"


def test_a_500_on_page_3_leaves_a_kept_set_exactly_as_it_was(api, store, borders):
    first, _ = acled(store, borders)
    before = snapshot(store, first.set_id)
    api.script.fail_page = 3
    with pytest.raises(SourceError) as err:
        acled(store, borders)
    assert err.value.kind == "server"
    assert str(err.value) == "ACLED events page 3: the server answered 500"
    assert_same(before, snapshot(store, first.set_id))
    assert [s.name for s in store.list_sets(sources.OPERATOR)] == ["sahel"]


def test_a_500_on_a_first_pull_keeps_nothing(api, store, borders):
    api.script.fail_page = 3
    with pytest.raises(SourceError):
        acled(store, borders)
    assert store.list_sets(sources.OPERATOR) == []


def test_malformed_json_is_named_with_its_page(api, store, borders):
    api.script.malformed_page = 2
    with pytest.raises(SourceError) as err:
        acled(store, borders)
    assert (err.value.kind, str(err.value)) == (
        "json", "ACLED events page 2: the answer is not valid JSON")
    assert store.list_sets(sources.OPERATOR) == []


def test_an_empty_first_result_keeps_nothing_and_says_so(api, store, borders):
    api.script.empty = True
    with pytest.raises(SourceError) as err:
        acled(store, borders)
    assert err.value.kind == "empty" and "returned no events" in str(err.value)
    assert store.list_sets(sources.OPERATOR) == []


def test_an_empty_incremental_pull_is_recorded_and_changes_nothing(api, store, borders):
    first, _ = acled(store, borders)
    before = snapshot(store, first.set_id)
    api.script.empty = True
    again, report = acled(store, borders)
    assert (again.seq, again.added, again.changed, again.deleted, len(report.loaded)) == (
        2, 0, 0, 1, 0)  # the recorded deletion of SYN-NER1 still applies
    events, rejected, _ = snapshot(store, first.set_id)
    assert list(events["id"]) == ["SYN-MLI1", "SYN-MLI2", "SYN-GHA1"]
    pd.testing.assert_frame_equal(rejected, before[1])
    assert again.cursor == "1710000000"


def test_a_second_pull_asks_what_changed_and_applies_additions_changes_and_deletions(
        api, store, borders):
    first, _ = acled(store, borders)
    before = snapshot(store, first.set_id)[0].set_index("id")
    api.script.seen.clear()
    second, _ = acled(store, borders)
    assert (second.seq, second.added, second.changed, second.deleted) == (2, 1, 2, 1)
    assert second.cursor == "1712000000" and second.loaded == 5 and second.rejected == 0
    gets = [s for s in api.script.seen if s.method == "GET"]
    assert [(s.path, s.query.split("page=")[1]) for s in gets] == [
        ("/api/acled/read", "1"), ("/api/acled/read", "2"), ("/api/acled/read", "3"),
        ("/api/deleted/read", "1")]
    assert "timestamp=1710000000" in gets[0].query
    since = int(gets[3].query.split("deleted_timestamp=")[1].split("&")[0])
    assert abs(since - (first.at.timestamp() - sources.DELETED_MARGIN_S)) < 2
    events, rejected, seqs = snapshot(store, first.set_id)
    assert seqs == [1, 2] and rejected.empty
    assert sorted(events["id"]) == ["SYN-GHA1", "SYN-GHA2", "SYN-MLI1", "SYN-MLI2", "SYN-MLI3"]
    by_id = events.set_index("id")
    assert by_id.loc["SYN-MLI2", "deaths"] == 5 and by_id.loc["SYN-MLI3", "lat"] == 16.2666
    unchanged = ["SYN-MLI1", "SYN-GHA1"]  # the rows the pull did not touch are as they were
    pd.testing.assert_frame_equal(by_id.loc[unchanged], before.loc[unchanged])
    assert store.set_info(first.set_id, sources.OPERATOR).loaded == 5
    log = [e for e in store.log(sources.OPERATOR) if e.action == "pulled"]
    assert [e.detail for e in log] == ["acled pull 1: 5 added, 0 changed, 0 deleted",
                                       "acled pull 2: 1 added, 2 changed, 1 deleted"]


def test_a_second_pull_with_other_filters_is_refused(api, store, borders):
    acled(store, borders)
    with pytest.raises(SourceError) as err:
        acled(store, borders, countries=["Mali"])
    assert err.value.kind == "config" and "pull into another name" in str(err.value)


def test_ucdp_pages_through_next_page_url_on_the_configured_host_only(api, store, borders):
    progress = []
    done, report = ucdp(store, borders, "25.1", progress=lambda *a: progress.append(a))
    assert sorted(report.loaded["id"]) == ["900001", "900002", "900003", "900004"]
    assert report.rejected.loc[0, "id"] == "900005"
    assert "best '2.5' is not a whole number" in report.rejected.loc[0, "reasons"]
    gets = [s for s in api.script.seen if s.method == "GET"]
    assert [s.query for s in gets] == ["pagesize=1000&page=0", "pagesize=2&page=1",
                                       "pagesize=2&page=2"]
    assert all(s.path == "/api/gedevents/25.1" for s in gets)
    assert all(s.headers["x-ucdp-access-token"] == UCDP_TOKEN for s in gets)
    assert progress == [(2, 1, 3), (4, 2, 3), (5, 3, 3)]
    events, _ = store.load_set(done.set_id)
    row = events.set_index("id").loc["900002"]
    assert (row["iso3"], row["kind"], row["deaths"], row["deaths_low"], row["admin1"]) == (
        "MLI", "One-sided violence", 7, 7, "Gao region")
    assert (done.version, done.added) == ("25.1", 5)


def test_a_new_ucdp_version_applies_what_changed_between_versions(api, store, borders):
    first, _ = ucdp(store, borders, "25.1", countries=["Mali", "Niger", "Burkina Faso",
                                                      "Nigeria"])
    assert "Country=432,436,439,475" in api.script.seen[0].query
    second, _ = ucdp(store, borders, "25.2", countries=["Mali", "Niger", "Burkina Faso",
                                                       "Nigeria"])
    assert (second.seq, second.version, second.added, second.changed, second.deleted) == (
        2, "25.2", 1, 1, 1)
    events, rejected, _ = snapshot(store, first.set_id)
    assert sorted(events["id"]) == ["900001", "900002", "900004", "900006"]
    assert events.set_index("id").loc["900002", "deaths"] == 8
    assert list(rejected["id"]) == ["900005"]


@pytest.mark.parametrize("source", ["acled", "ucdp"])
def test_revoked_credentials_stop_the_pull_with_one_line(api, store, borders, source):
    if source == "acled":
        first, _ = acled(store, borders)
        api.script.revoke_on_page = 2  # revoked during the next pull
        before = snapshot(store, first.set_id)
        with pytest.raises(SourceError) as err:
            acled(store, borders)
        assert str(err.value) == ("ACLED token renewal: the account's credentials are no "
                                  "longer accepted (revoked or changed)")
        grants = [s.body for s in api.script.seen if s.method == "POST"][2:]
        assert ["grant_type=refresh_token" in g for g in grants] == [True, False]
        with pytest.raises(SourceError) as again:  # and a new session cannot sign in
            acled(store, borders)
        assert again.value.kind == "credentials"
        assert_same(before, snapshot(store, first.set_id))
    else:
        api.script.revoked = True
        with pytest.raises(SourceError) as err:
            ucdp(store, borders, "25.1")
        assert str(err.value) == ("UCDP GED 25.1 page 1: UCDP refused the token (revoked or "
                                  "wrong: check UCDP_TOKEN)")
    assert err.value.kind == "revoked"


def test_no_secret_reaches_output_logs_errors_urls_or_the_store(api, capsys, caplog, tmp_path,
                                                                 monkeypatch):
    caplog.set_level(logging.DEBUG)
    outputs = []
    assert sources.main(["acled", "--start", "2024-03-01", "--keep", "s"]) == 0
    api.script.expire_on_page = 2
    assert sources.main(["acled", "--start", "2024-03-01", "--keep", "s"]) == 0
    assert sources.main(["ucdp", "--version", "25.1", "--keep", "u"]) == 0
    assert sources.main(["status"]) == 0
    outputs.append(capsys.readouterr())
    api.script.revoked = True
    assert sources.main(["acled", "--start", "2024-03-01", "--keep", "s"]) == 2
    assert sources.main(["ucdp", "--version", "25.1", "--keep", "u"]) == 2
    monkeypatch.setenv("ACLED_API_URL", f"http://{USER}:{PASSWORD}@127.0.0.1:9/")
    api.script.revoked = False
    assert sources.main(["acled", "--start", "2024-03-01", "--keep", "t"]) == 2
    outputs.append(capsys.readouterr())
    text = "\n".join(o.out + o.err for o in outputs)
    assert "acled: configured (environment)" in text and "ucdp: configured (environment)" in text
    assert "ACLED_API_URL must be a plain address" in text
    tokens = {s.headers.get("authorization", "").removeprefix("Bearer ")
              for s in api.script.seen} - {""}
    assert len(tokens) >= 2
    for secret in (PASSWORD, UCDP_TOKEN, *tokens, "ref-1-Wy73"):
        assert secret not in text
        assert secret not in caplog.text
        assert all(secret not in r.getMessage() for r in caplog.records)
        assert all(secret not in s.path + s.query for s in api.script.seen)
        for f in tmp_path.glob("store.sqlite*"):
            assert secret.encode() not in f.read_bytes()


def test_credentials_come_from_the_environment_else_secrets_toml(tmp_path):
    toml = tmp_path / "secrets.toml"
    toml.write_text('[acled]\nemail = "a@example.org"\npassword = "p-toml"\n'
                    '[ucdp]\ntoken = "t-toml"\n', encoding="utf-8")
    found = credentials({}, [tmp_path / "missing.toml", toml])
    assert (found.acled_username, found.acled_password, found.ucdp_token) == (
        "a@example.org", "p-toml", "t-toml")
    assert found.configured() == {"acled": "secrets.toml", "ucdp": "secrets.toml"}
    assert "p-toml" not in repr(found) and "t-toml" not in repr(found)
    env = credentials({"ACLED_EMAIL": "b@example.org", "ACLED_PASSWORD": "p-env"}, [toml])
    assert (env.acled_username, env.acled_password) == ("b@example.org", "p-env")
    assert env.configured() == {"acled": "environment", "ucdp": "secrets.toml"}
    assert credentials({"ACLED_USERNAME": "c@example.org"}, []).configured() == {
        "acled": None, "ucdp": None}  # a username without a password is not an account
    toml.write_text("ACLED_PASSWORD = ", encoding="utf-8")
    assert credentials({}, [toml]).configured() == {"acled": None, "ucdp": None}


def test_redact_and_base_url():
    assert redact("bad pw-S3cret!&=x and pw-S3cret%21%26%3Dx", [PASSWORD]) == "bad *** and ***"
    assert base_url("X", "https://acleddata.com/", {}) == "https://acleddata.com"
    for bad in ("ftp://h", "https://u:p@h", "https://h/?key=1", "nothing"):
        with pytest.raises(SourceError) as err:
            base_url("X", "", {"X": bad})
        assert "u:p" not in str(err.value) and "key=1" not in str(err.value)


def test_missing_credentials_and_bad_arguments_are_named(api, store, borders, monkeypatch):
    with pytest.raises(SourceError, match="no ACLED account"):
        pull(store, "acled", "x", borders, start=date(2024, 1, 1), creds=Credentials())
    with pytest.raises(SourceError, match="no UCDP token"):
        pull(store, "ucdp", "x", borders, version="25.1", creds=Credentials())
    with pytest.raises(SourceError, match="'Atlantis' is not one of the map's countries"):
        acled(store, borders, countries=["Atlantis"])
    with pytest.raises(SourceError, match=r"written like 25\.1"):
        ucdp(store, borders, "../../admin")
    with pytest.raises(SourceError, match=r"UCDP has no version 99\.9"):
        ucdp(store, borders, "99.9")


# The merge, pure ---------------------------------------------------------------------------


def report_of(rows, rejected=()):
    loaded = pd.DataFrame({"id": [r[0] for r in rows], "deaths": [r[1] for r in rows],
                           "row": range(1, len(rows) + 1)})
    rej = pd.DataFrame({"row": range(len(rejected)), "reasons": ["bad"] * len(rejected),
                        "id": list(rejected)})
    return IngestReport("x", "acled", loaded, rej)


@pytest.mark.parametrize(("old", "pulled", "deleted", "replace", "ids", "counts"), [
    ([("a", 1), ("b", 2)], [("a", 1), ("b", 2)], [], False, ["a", "b"], (0, 0, 0)),
    ([("a", 1), ("b", 2)], [("b", 3), ("c", 1)], [], False, ["a", "b", "c"], (1, 1, 0)),
    ([("a", 1), ("b", 2)], [], ["a", "zz"], False, ["b"], (0, 0, 1)),
    ([("a", 1), ("b", 2)], [("a", 1)], [], True, ["a"], (0, 0, 1)),
    ([("a", 1)], [("a", 1)], ["a"], False, ["a"], (0, 0, 0)),  # deleted, then pulled again
    ([], [("a", 1)], [], False, ["a"], (1, 0, 0)),
])
def test_merge_by_event_id(old, pulled, deleted, replace, ids, counts):
    before = report_of(old).loaded
    merged = merge(before, report_of([]).rejected, report_of(pulled), deleted, replace)
    assert list(merged.events["id"]) == ids
    assert (merged.added, merged.changed, merged.deleted) == counts
    assert len(merged.written) == counts[0] + counts[1]


def test_merge_moves_a_row_between_rejected_and_loaded():
    old = report_of([("a", 1)], rejected=["b"])
    merged = merge(old.loaded, old.rejected, report_of([("b", 4)]))
    assert list(merged.events["id"]) == ["a", "b"] and merged.rejected.empty
    assert (merged.added, merged.changed, merged.deleted) == (0, 1, 0)


def test_rows_frame_writes_values_as_text_cells():
    frame = rows_frame([{"a": 1, "b": 2.5, "c": None, "d": True}, {"a": "x", "e": [1]}])
    assert frame.to_dict("records") == [{"a": "1", "b": "2.5", "c": "", "d": "1", "e": ""},
                                        {"a": "x", "b": "", "c": "", "d": "", "e": "[1]"}]
    assert list(frame.index) == [1, 2] and frame.index.name == "line"


def test_ucdp_query_dates_and_first_page(api, store, borders):
    ucdp(store, borders, "25.1", start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert api.script.seen[0].query == ("pagesize=1000&page=0&StartDate=2024-01-01&"
                                        "EndDate=2024-12-31")
    assert datetime.now(UTC) - history(store, store.list_sets(sources.OPERATOR)[0].id)[0].at < (
        timedelta(minutes=5))


def test_pulls_on_sqlite_and_postgresql(api, store_url, borders):
    """The incremental write on both databases, PostGIS points for the rows it adds."""
    opened = Store.open(store_url)
    first, _ = acled(opened, borders)
    second, _ = acled(opened, borders)
    assert (second.added, second.changed, second.deleted, second.loaded) == (1, 2, 1, 5)
    events, _ = opened.load_set(first.set_id)
    assert sorted(events["id"]) == ["SYN-GHA1", "SYN-GHA2", "SYN-MLI1", "SYN-MLI2", "SYN-MLI3"]
    if opened.postgis:
        with opened.engine.connect() as conn:
            missing = conn.execute(sa.text("SELECT count(*) FROM set_events WHERE set_id = :s "
                                           "AND geom IS NULL"), {"s": first.set_id}).scalar()
        assert missing == 0
    assert opened.delete_set(first.set_id, sources.OPERATOR)
    opened.purge_bin(datetime.now(UTC) + timedelta(days=31))
    assert history(opened, first.set_id) == []  # the pulls go with the set
    opened.close()


def test_a_write_that_fails_part_way_leaves_the_set_as_it_was(api, store, borders,
                                                               monkeypatch):
    from geo import pulls

    first, _ = acled(store, borders)
    before = snapshot(store, first.set_id)

    def broken(*args, **kwargs):  # after the rows were replaced, before the pull is logged
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(pulls, "_log", broken)
    with pytest.raises(store_module.StoreError) as err:
        acled(store, borders)
    assert err.value.kind == "unreachable"
    assert_same(before, snapshot(store, first.set_id))
    assert store.set_info(first.set_id, sources.OPERATOR).loaded == 4


def test_two_pulls_of_one_set_at_once_keep_only_the_first(api, store, borders, monkeypatch):
    first, _ = acled(store, borders)
    stale = history(store, first.set_id)[-1]
    acled(store, borders)  # another pull gets there first
    monkeypatch.setattr(sources, "pulled_set", lambda *a: (first.set_id, stale))
    with pytest.raises(store_module.StoreError) as err:
        acled(store, borders)
    assert err.value.kind == "conflict"
    assert [p.seq for p in history(store, first.set_id)] == [1, 2]
