"""The store on SQLite and on PostgreSQL + PostGIS: migrations from an empty database, kept
sets round-tripped with columns the store has never heard of, rename, delete, saved views,
limits, bound values, and the conditions a visitor must get a clear message for."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from geo import store as store_module
from geo.ingest import LOADED_COLUMNS, IngestReport
from geo.store import BIN_DAYS, ID_PATTERN, Store, StoreError, database_url, is_id


def events_frame(n: int = 3) -> pd.DataFrame:
    """A loaded events frame as geo.ingest makes it, plus columns another import may add."""
    frame = pd.DataFrame({
        "id": [f"ev-{i}" for i in range(n)],
        "date": pd.to_datetime([date(2023, 7, 26 + i % 3) for i in range(n)]),
        "lat": [13.5 + i / 1000 for i in range(n)], "lon": [2.1 - i / 1000 for i in range(n)],
        "iso3": ["NER"] * n, "place": ["Niamey", "Agadez 'north'", "Zinder"][:n] * (n // 3 or 1),
        "category": ["upload"] * n, "title": ["Battles"] * n,
        "summary": ["Robert'); DROP TABLE event_sets;--"] * n,
        "sources": ["https://example.org/a"] * n, "row": list(range(2, n + 2)),
    })
    frame["place"] = [["Niamey", "Agadez 'north'", "Zinder"][i % 3] for i in range(n)]
    # what an ACLED or UCDP file says of each event (geo.ingest's schema)
    frame = frame.assign(
        kind=["Battles"] * n, sub_kind=["Armed clash"] * n, actor1=["Army"] * n,
        actor2=[""] * n, deaths=pd.array([5] * n, dtype="Int64"),
        deaths_low=pd.array([None] * n, dtype="Int64"),
        deaths_high=pd.array([None] * n, dtype="Int64"), admin1=["Niamey"] * n,
        place_precise=[True] * n, date_precision=["day"] * n)
    assert list(frame.columns) == LOADED_COLUMNS
    # columns the store was not written for: they come back with their values and dtypes
    frame["fatalities"] = np.arange(n, dtype="int64") * 3
    frame["actor3"] = [f"Actor {i} «é»" for i in range(n)]
    frame["precision"] = [1.0, float("nan"), 3.0][:n] * (n // 3 or 1)
    frame["precision"] = [[1.0, float("nan"), 3.0][i % 3] for i in range(n)]
    frame["reported"] = pd.to_datetime(["2023-08-01 10:30"] * n)
    return frame


def report_for(frame: pd.DataFrame, name: str = "acled.csv") -> IngestReport:
    rejected = pd.DataFrame({"row": [5, 9], "reasons": ["unparseable date 'x'", "missing latitude"],
                             "id": ["a", ""], "date": ["x", "2023-01-01"], "lat": ["1", ""]})
    return IngestReport(name, "acled", frame, rejected, ("Encoding: UTF-8.", "Separator: comma."),
                        True)


@pytest.fixture
def store(store_url):
    opened = Store.open(store_url)
    yield opened
    opened.close()


def test_an_empty_database_is_migrated_to_the_head_on_open(empty_store_url):
    store_url = empty_store_url
    engine = sa.create_engine(database_url(store_url))
    if engine.dialect.name == "sqlite":
        assert not os.path.exists(store_url)  # created on first use, folder included
    else:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    opened = Store.open(store_url)
    assert opened.revision() == "0005"
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert {"event_sets", "set_events", "set_rejected", "saved_views", "store_log",
                "alembic_version"} <= tables
        if engine.dialect.name == "postgresql":
            srid, kind = conn.execute(sa.text(
                "SELECT srid, type FROM geometry_columns WHERE f_table_name = 'set_events' "
                "AND f_geometry_column = 'geom'")).one()
            assert (srid, kind) == (4326, "POINT")
    opened.close()
    Store.open(store_url).close()  # opening again: nothing to do, still at the head
    assert Store.open(store_url).revision() == "0005"
    engine.dispose()


def test_a_kept_set_comes_back_whole_with_columns_the_store_does_not_know(store):
    frame = events_frame(6)
    report = report_for(frame)
    set_id = store.keep_set("Niger, July 2023", frame, report, "acled.csv", 12_345)
    assert ID_PATTERN.match(set_id) and len(set_id) >= 22
    listed = store.list_sets()
    assert [(s.id, s.name, s.file_name, s.size_bytes, s.format, s.loaded, s.rejected)
            for s in listed] == [(set_id, "Niger, July 2023", "acled.csv", 12_345, "acled", 6, 2)]
    loaded, back = store.load_set(set_id)
    pd.testing.assert_frame_equal(loaded, frame)
    pd.testing.assert_frame_equal(back.rejected, report.rejected)
    assert (back.name, back.format, back.notes, back.ambiguous_dates) == (
        "Niger, July 2023", "acled", report.notes, True)
    assert back.loaded is loaded


def test_postgresql_keeps_a_set_as_parquet_in_the_database(pg_database):
    """Two servers share sets through the database: the rows are Parquet parts in it (no file
    beside one server), and no longer one database row (and PostGIS point) per event."""
    store = Store.open(pg_database)
    frame = events_frame(3)
    set_id = store.keep_set("points", frame, report_for(frame), "f.csv", 10)
    with store.engine.connect() as conn:
        counts = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM set_events WHERE set_id = :s), "
            "(SELECT count(*) FROM set_parts WHERE set_id = :s)"), {"s": set_id}).one()
    assert tuple(counts) == (0, 2)  # the events and the rejected rows, one part each
    other = Store.open(pg_database)  # another server's connection
    pd.testing.assert_frame_equal(other.load_set(set_id)[0], frame)


def test_rename_and_delete(store):
    frame = events_frame(3)
    first = store.keep_set("first", frame, report_for(frame), "a.csv", 1)
    second = store.keep_set("second", frame, report_for(frame), "b.csv", 2)
    assert first != second
    assert store.rename_set(first, "  renamed\nset  ") is True
    assert store.set_info(first).name == "renamed set"
    assert store.delete_set(second) is True  # to the bin
    assert [s.id for s in store.list_sets()] == [first]
    assert store.load_set(second) is None
    assert store.delete_set(second) is False
    assert store.rename_set(second, "gone") is False
    assert [s.id for s in store.binned_sets()] == [second]
    assert store.purge_bin(datetime.now(UTC) + timedelta(days=BIN_DAYS + 1)) == 1
    assert store.binned_sets() == [] and store.set_info(second) is None
    with store.engine.connect() as conn:  # no orphan rows once purged
        for table in ("set_events", "set_rejected"):
            count = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE set_id = :s"),
                                 {"s": second}).scalar()
            assert count == 0


@pytest.mark.parametrize("unknown", ["", "x", "../etc/passwd", "' OR 1=1 --",
                                     "A" * 22, "Q2hpbmEgaXMgbm90IGEgc2V0IGlk"])
def test_unknown_or_malformed_ids_find_nothing(store, unknown):
    frame = events_frame(3)
    store.keep_set("one", frame, report_for(frame), "a.csv", 1)
    assert store.load_set(unknown) is None
    assert store.set_info(unknown) is None
    assert store.view_query(unknown) is None
    assert store.delete_set(unknown) is False
    assert len(store.list_sets()) == 1


def test_names_and_text_are_bound_not_spliced(store):
    frame = events_frame(3)
    name = "x'); DELETE FROM event_sets; --"
    set_id = store.keep_set(name, frame, report_for(frame), "'; DROP TABLE set_events; --.csv", 1)
    assert store.set_info(set_id).name == name
    assert store.load_set(set_id)[0]["summary"].tolist() == frame["summary"].tolist()


def test_saved_views(store):
    query = "date=2023-07-26&iso3=NER,MLI&lang=fr&view=13.5,2.1,6"
    view_id = store.keep_view("Niger coup", "?" + query)
    assert is_id(view_id)
    assert store.view_query(view_id) == query
    other = store.keep_view("Default", "date=2026-12-02")
    assert {(v.id, v.name, v.query) for v in store.list_views()} == {
        (view_id, "Niger coup", query), (other, "Default", "date=2026-12-02")}
    assert store.delete_view(other) is True
    assert [v.id for v in store.list_views()] == [view_id]


@pytest.mark.parametrize(("call", "kind"), [
    (lambda s, f, r: s.keep_set("   ", f, r, "a.csv", 1), "bad_name"),
    (lambda s, f, r: s.keep_view("", "date=2023-01-01"), "bad_name"),
    (lambda s, f, r: s.keep_view("long", "date=" + "x" * 5000), "bad_query"),
    (lambda s, f, r: s.keep_view("control", "date=2023-01-01\n"), "bad_query"),
])
def test_limits_and_bad_input_are_refused_with_a_reason(store, call, kind):
    frame = events_frame(3)
    with pytest.raises(StoreError) as raised:
        call(store, frame, report_for(frame))
    assert raised.value.kind == kind
    assert store.list_sets() == []


def test_the_row_limit(store, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_ROWS", 4)
    frame = events_frame(3)  # 3 loaded + 2 rejected
    with pytest.raises(StoreError, match="5 rows; the limit is 4") as raised:
        store.keep_set("many", frame, report_for(frame), "a.csv", 1)
    assert raised.value.kind == "too_large"


def test_many_rows_round_trip_in_several_parts(store, monkeypatch):
    monkeypatch.setattr(store_module, "PART_BYTES", 64 * 1024)  # the Parquet in several parts
    frame = events_frame(12_003)
    set_id = store.keep_set("many", frame, report_for(frame), "a.csv", 300 * 1024 * 1024)
    with store.engine.connect() as conn:
        parts = conn.execute(sa.text("SELECT count(*) FROM set_parts WHERE set_id = :s AND "
                                     "kind = 'events'"), {"s": set_id}).scalar()
    assert parts > 1
    pd.testing.assert_frame_equal(store.load_set(set_id)[0], frame)
    assert store.set_info(set_id).size_bytes == 300 * 1024 * 1024  # no cap on the file's size


def test_names_lose_bidi_controls_and_zero_width_characters(store):
    frame = events_frame(3)
    set_id = store.keep_set("\u202eevil.csv\u202c Ni\u200bger\u2066x\u2069\ufeff", frame,
                            report_for(frame), "a.csv", 1)
    assert store.set_info(set_id).name == "evil.csv Nigerx"


def test_a_set_kept_as_rows_before_parquet_is_still_read(store):
    """Sets kept before revision 0003 hold one database row per event: they still open."""
    with store.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO event_sets (id, name, file_name, size_bytes, format, created_at, loaded, "
            "rejected, notes, ambiguous_dates, columns, rejected_columns) VALUES ("
            "'legacy-set-0123456789abc', 'Legacy', 'a.csv', 1, 'acled', :now, 2, 0, '[]', false, "
            ":columns, :rejected)"),
            {"now": datetime.now(UTC), "columns": json.dumps([
                ["id", "object", "typed"], ["date", "datetime64[ns]", "typed"],
                ["lat", "float64", "typed"], ["lon", "float64", "typed"],
                ["fatalities", "int64", "extra"]]),
             "rejected": json.dumps([["row", "int64", "typed"], ["reasons", "object", "typed"]])})
        for seq, (event, day, deaths) in enumerate([("a", "2023-07-26", 3), ("b", "2023-07-27", 0)]):
            conn.execute(sa.text(
                "INSERT INTO set_events (set_id, seq, id, date, lat, lon, extra) VALUES "
                "('legacy-set-0123456789abc', :seq, :id, :day, 13.5, 2.1, :extra)"),
                {"seq": seq, "id": event, "day": day, "extra": json.dumps({"fatalities": deaths})})
    frame, report = store.load_set("legacy-set-0123456789abc")
    assert list(frame["id"]) == ["a", "b"] and list(frame["fatalities"]) == [3, 0]
    assert str(frame["date"].dtype) == "datetime64[ns]" and report.rejected.empty


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_database_is_a_store_error():
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/coupbelt"
    with pytest.raises(StoreError) as raised:
        Store.open(url)
    assert raised.value.kind == "unreachable"
    assert "127.0.0.1" in str(raised.value) and "Traceback" not in str(raised.value)


def test_a_read_only_file_is_a_store_error(tmp_path):
    path = tmp_path / "ro.sqlite"
    Store.open(str(path)).close()
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    with pytest.raises(StoreError) as raised:
        Store.open(str(path))
    assert raised.value.kind == "read_only" and "ro.sqlite" in str(raised.value)


def test_a_database_that_refuses_writes_says_read_only(tmp_path):
    path = tmp_path / "ro.sqlite"
    Store.open(str(path)).close()
    readonly = Store.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert readonly.list_sets() == []  # reading still works
    frame = events_frame(3)
    with pytest.raises(StoreError) as raised:
        readonly.keep_set("x", frame, report_for(frame), "a.csv", 1)
    assert raised.value.kind == "read_only"


def test_a_folder_that_cannot_be_made_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError) as raised:
        Store.open(str(tmp_path / "file" / "sub" / "db.sqlite"))
    assert raised.value.kind == "read_only"


def test_a_failed_migration_is_named(store_url):
    os.makedirs(os.path.dirname(store_url) or ".", exist_ok=True) if "://" not in store_url else None
    engine = sa.create_engine(database_url(store_url))
    with engine.begin() as conn:  # a database from a newer version of the dashboard
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    with pytest.raises(StoreError) as raised:
        Store.open(store_url)
    assert raised.value.kind == "migration" and "0005" in str(raised.value)


@pytest.mark.parametrize(("setting", "backend", "database"), [
    ("", "sqlite", str(store_module.DEFAULT_PATH)),
    ("/tmp/x.sqlite", "sqlite", "/tmp/x.sqlite"),
    ("postgresql://u:secret@db:5433/coupbelt", "postgresql+psycopg", "coupbelt"),
    ("sqlite:///rel.sqlite", "sqlite", "rel.sqlite"),
])
def test_the_database_setting(setting, backend, database):
    url = database_url(setting)
    assert (url.drivername, url.database) == (backend, database)
    assert "secret" not in store_module.where(url)


def test_the_default_file_is_outside_the_tracked_files():
    root = store_module.ROOT
    ignored = (root / ".gitignore").read_text().split()
    assert store_module.DEFAULT_PATH.parent == root / "var" and "var/" in ignored


def test_env_setting_is_read(monkeypatch, tmp_path):
    monkeypatch.setenv("COUPBELT_DB", str(tmp_path / "env.sqlite"))
    opened = Store.open()
    assert os.path.exists(tmp_path / "env.sqlite")
    opened.close()


def test_columns_of_another_kind_than_the_typed_ones_still_come_back(store):
    frame = events_frame(3)
    frame["date"] = ["2023-07-26", "26/07/2023", ""]  # text, not times: kept as written
    frame["lat"] = ["13.5", "north", "13.7"]
    frame["row"] = [2.5, 3.5, 4.5]
    set_id = store.keep_set("odd kinds", frame, report_for(frame), "odd.csv", 1)
    pd.testing.assert_frame_equal(store.load_set(set_id)[0], frame)


def test_the_command_line(tmp_path, capsys):
    import json

    path = str(tmp_path / "cli.sqlite")
    assert store_module.main(["--db", path, "upgrade"]) == 0
    assert "revision 0005" in capsys.readouterr().out
    frame = events_frame(3)
    set_id = Store.open(path).keep_set("for the CLI", frame, report_for(frame), "a.csv", 1)
    assert store_module.main(["--db", path, "sets"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["id"] == set_id and json.loads(line)["loaded"] == 3
    closed = f"postgresql://nobody@127.0.0.1:{free_port()}/x"
    assert store_module.main(["--db", closed, "views"]) == 2
    assert "cannot be reached" in capsys.readouterr().err
