"""The import's sort by date: the gather through dictionary codes and the Parquet written one
row group at a time give exactly what a plain sort and one write give."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.parquet as pq
import pytest

from geo import ingest
from geo.ingest import EVENTS_SCHEMA, IngestReport, sorted_events, write_events


def events(rows: int, chunks: int, seed: int = 7, in_line_order: bool = True) -> pa.Table:
    """`rows` events in `chunks` Arrow chunks, dates in any order, a few repeating text columns
    (with nulls, and values that first appear in later chunks) and free text."""
    rng = np.random.default_rng(seed)
    start = date(2020, 1, 1)
    lines = np.arange(rows) + 2 if in_line_order else rng.permutation(rows) + 2
    kinds = np.array(["Battles", "Riots", "Protests", "Explosions/Remote violence"])
    columns: dict[str, pa.Array] = {}
    for field in EVENTS_SCHEMA:
        if field.name == "date":
            columns["date"] = pa.array([start + timedelta(days=int(d))
                                        for d in rng.integers(0, 40, rows)], pa.date32())
        elif field.name == "row":
            columns["row"] = pa.array(lines, pa.int64())
        elif pa.types.is_string(field.type):
            repeated = field.name not in ("id", "summary")
            values = ([str(kinds[i % 4]) + ("" if i < rows // 2 else " late") for i in
                       rng.integers(0, 4, rows)] if repeated else [f"{field.name} {i} é"
                                                                  for i in range(rows)])
            columns[field.name] = pa.array([None if repeated and i % 13 == 0 else v
                                            for i, v in enumerate(values)], pa.string())
        elif pa.types.is_boolean(field.type):
            columns[field.name] = pa.array(rng.integers(0, 2, rows).astype(bool))
        elif pa.types.is_floating(field.type):
            columns[field.name] = pa.array(rng.uniform(-10, 10, rows))
        else:
            columns[field.name] = pa.array([None if i % 5 == 0 else int(v) for i, v in
                                            enumerate(rng.integers(0, 9, rows))], pa.int64())
    table = pa.table([columns[n] for n in EVENTS_SCHEMA.names], schema=EVENTS_SCHEMA)
    table = table.append_column("notes_of_file", pa.array([f"note {i % 3}" for i in range(rows)]))
    step = -(-rows // chunks)
    return pa.concat_tables([table.slice(i, step) for i in range(0, rows, step)])


def plainly_sorted(table: pa.Table) -> pa.Table:
    return table.take(pa_compute.sort_indices(table, [("date", "ascending"),
                                                      ("row", "ascending")]))


@pytest.mark.parametrize("in_line_order", [True, False])
def test_the_sort_gives_what_a_plain_sort_gives(in_line_order):
    table = events(3000, 7, in_line_order=in_line_order)
    got = sorted_events(table)
    assert got.schema.equals(table.schema)
    assert got.equals(plainly_sorted(table))
    assert got["actor1"].null_count == table["actor1"].null_count > 0


def test_the_parquet_holds_every_event_in_date_order_in_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "ROW_GROUP", 1000)  # several row groups from a small table
    table = events(4500, 4)
    path = tmp_path / "events.parquet"
    write_events(IngestReport("e.csv", "acled", table, None), path)
    written = pq.ParquetFile(path)
    assert [written.metadata.row_group(i).num_rows
            for i in range(written.metadata.num_row_groups)] == [1000, 1000, 1000, 1000, 500]
    back = written.read()
    assert back.schema.equals(table.schema)
    assert back.equals(plainly_sorted(table))
    # the date's statistics let a window query skip the row groups of other days
    first = written.metadata.row_group(0).column(EVENTS_SCHEMA.names.index("date")).statistics
    assert first.min == back["date"][0].as_py() and first.max == back["date"][999].as_py()


def test_an_import_with_no_event_writes_an_empty_file(tmp_path):
    table = events(10, 1).slice(0, 0)
    path = tmp_path / "none.parquet"
    write_events(IngestReport("e.csv", "acled", table, None), path)
    back = pq.read_table(path)
    assert back.num_rows == 0 and back.schema.equals(table.schema)
