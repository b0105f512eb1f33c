"""The events engine (geo.engine) at 1,000,000 imported rows, against plain DuckDB in the same run.

    python bench/engine.py [--rows 1000000] [--runs 5]

The events are bench/store_keep.py's loaded ACLED columns (synthetic rows, 2020 to the curation
date; 50,000 drawn on land, repeated with new dates). Timed, on 90-day windows ending on dates
spread over the data:

- the server's work of a date change for the user's events: the map's layer (geo.layers.
  upload_layer: the count, the whole set's type colours, the window's events as the map's arrays,
  encoded), its legend (upload_legend), the Events page's weekly series and the per-country and
  per-month counts, each a fresh question (nothing remembered from the date before);
- the same queries in plain DuckDB (one connection, the same SQL, over a date-sorted Parquet
  file of the same rows), answers fetched as Arrow;
- playback's events: what the page sends once for the browser to draw every frame from
  (geo.layers.play_set: one engine query of every event the view's filters keep, sorted by day,
  encoded as base64 typed arrays in JSON), built afresh each run; against the same query in
  plain DuckDB over the Parquet file with the same encoding; and the bytes the browser gets
  for a date change.

Prints a Markdown table; every engine answer is first checked equal to plain DuckDB's.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench.store_keep import loaded_frame  # noqa: E402

WINDOW = 90


def bench_events(rows: int, seed: int = 11) -> pd.DataFrame:
    """`rows` loaded ACLED events: bench/store_keep.py's rows (at most 50,000 drawn on land,
    which is slow), repeated with dates spread anew over 2020 to the curation date."""
    base = loaded_frame(min(rows, 50_000)).drop(columns="file_notes")
    rng = np.random.default_rng(seed)
    picked = base.iloc[rng.integers(0, len(base), rows)].reset_index(drop=True)
    first, last = base["date"].min(), base["date"].max()
    days = rng.integers(0, (last - first).days + 1, rows)
    return picked.assign(id=[f"B{i}" for i in range(rows)], row=np.arange(2, rows + 2),
                         date=first + pd.to_timedelta(days, unit="D"))


def plain(con: duckdb.DuckDBPyConnection, path: str, start: date, end: date,
          classes: list[str]) -> dict[str, object]:
    """The date change's queries in plain DuckDB over the Parquet file."""
    where = f"FROM read_parquet('{path}') WHERE date BETWEEN $s AND $e"
    p = {"s": start, "e": end}
    out: dict[str, object] = {}
    out["count"] = con.sql(f"SELECT count(*) {where}", params=p).fetchall()[0][0]
    out["kinds"] = con.sql(f"SELECT coalesce(kind, '') AS kind, count(*) AS n {where} GROUP BY ALL",
                           params=p).to_arrow_table()
    out["all_kinds"] = con.sql(f"SELECT coalesce(kind, '') AS kind, count(*) AS n "
                               f"FROM read_parquet('{path}') GROUP BY ALL").to_arrow_table()
    out["cells"] = con.sql(
        f"SELECT CAST(round_even(lat * 500, 0) AS SMALLINT) AS lat, "
        f"CAST(round_even(lon * 500, 0) AS SMALLINT) AS lon, "
        f"CAST(coalesce(list_position($c, coalesce(kind, '')) - 1, {len(classes)}) AS UTINYINT) AS cat, "
        f"CAST(least(greatest(coalesce(deaths, 0), 0), 4294967295) AS UINTEGER) AS deaths "
        f"{where} ORDER BY date, row", params={**p, "c": classes}).to_arrow_table()
    out["imprecise"] = con.sql(f"SELECT count(*) {where} AND (NOT coalesce(place_precise, FALSE) "
                               f"OR date_precision IN ('week', 'month', 'year'))",
                               params=p).fetchall()[0][0]
    for unit, key in (("iso3", "iso3"), ("month", "date_trunc('month', date)"),
                      ("week", "date_trunc('week', date)")):
        out[unit] = con.sql(f"SELECT {key} AS k, count(*) AS events, "
                            f"CAST(coalesce(sum(deaths), 0) AS BIGINT) AS deaths {where} "
                            f"GROUP BY ALL ORDER BY 1", params=p).to_arrow_table()
    return out


def plain_playback(con: duckdb.DuckDBPyConnection, path: str, classes: list[str]) -> str:
    """Playback's arrays in plain DuckDB over the Parquet file, encoded as the page sends them."""
    found = con.sql(
        f"SELECT CAST(date_diff('day', DATE '2020-01-01', date) AS SMALLINT) AS day, "
        f"CAST(round_even(lat * 500, 0) AS SMALLINT) AS lat, "
        f"CAST(round_even(lon * 500, 0) AS SMALLINT) AS lon, "
        f"CAST(coalesce(list_position($c, coalesce(kind, '')) - 1, {len(classes)}) AS UTINYINT) AS cat "
        f"FROM read_parquet('{path}') ORDER BY date, row", params={"c": classes}).to_arrow_table()
    return json.dumps({name: base64.b64encode(found[name].to_numpy().tobytes()).decode("ascii")
                       for name in ("day", "lat", "lon", "cat")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from geo import layers
    from geo.engine import Events, Selection
    from geo.imported import UploadFilter
    from geo.ingest import events_table
    from geo.layers import play_set, upload_layer, upload_legend

    t = time.perf_counter()
    table = events_table(bench_events(args.rows))
    t = time.perf_counter()
    events = Events(table)
    held = time.perf_counter() - t
    first, last = events.days()  # type: ignore[misc]
    ends = [first + timedelta(days=WINDOW + ((last - first).days - WINDOW) * k // (args.runs * 2))
            for k in range(args.runs * 2)]
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "events.parquet")
        pq.write_table(events.table, path, row_group_size=64 * 1024)  # date-sorted, as kept
        con = duckdb.connect()
        engine_s, plain_s, sizes, counts = [], [], [], []
        for k, end in enumerate(ends):
            start = end - timedelta(days=WINDOW - 1)
            chosen = Selection(start, end)
            fresh = Events.__new__(Events)  # the same table, nothing remembered
            fresh.__dict__.update(events.__dict__, _memo={})
            order = ("engine", "plain") if k % 2 == 0 else ("plain", "engine")
            for which in order:
                t = time.perf_counter()
                if which == "engine":
                    layer = upload_layer(fresh, chosen)
                    upload_legend(fresh, chosen)
                    series = [fresh.counts_by(u, chosen) for u in ("iso3", "month", "week")]
                    engine_s.append(time.perf_counter() - t)
                    sizes.append(len(json.dumps(layer.data)))
                    counts.append(layer.count)
                else:
                    classes = [c for c in fresh.kind_counts().index if c][:7]
                    found = plain(con, path, start, end, classes)
                    plain_s.append(time.perf_counter() - t)
            assert found["count"] == layer.count  # the same answers
            assert [int(v) for v in series[0]["events"]] == found["iso3"]["events"].to_pylist()
        # playback: every event the view keeps, once, as the browser's day-sorted arrays
        play, play_plain, play_bytes = [], [], 0
        for k in range(max(2, args.runs // 2) * 2):
            order = ("engine", "plain") if k % 2 == 0 else ("plain", "engine")
            for which in order:
                t = time.perf_counter()
                if which == "engine":
                    with layers._SETS_LOCK:
                        layers._SETS.clear()  # nothing remembered from the run before
                    played = play_set(events, Selection(first, last, (), UploadFilter()))
                    play.append(time.perf_counter() - t)
                    play_bytes = len(played.text)
                else:
                    text = plain_playback(con, path, [c for c in events.kind_counts().index
                                                      if c][:7])
                    play_plain.append(time.perf_counter() - t)
        assert played.data["count"] == len(events)  # every event, as plain DuckDB's
        assert abs(len(text) - play_bytes) < 4096, (len(text), play_bytes)
    e, p = statistics.median(engine_s), statistics.median(plain_s)
    print(f"load average while it ran: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"{args.rows:,} events held by the engine (sorted, Arrow) in {held:.1f} s; "
          f"90-day windows: median {statistics.median(counts):,.0f} events each\n")
    print("| work | engine (median) | plain DuckDB (median) | engine / DuckDB | target |\n"
          "|---|---|---|---|---|")
    print(f"| date change: map layer + legend + country, month, week counts | {e * 1000:.0f} ms "
          f"| {p * 1000:.0f} ms | {e / p:.2f} | ≤ 2 |")
    q, r = statistics.median(play), statistics.median(play_plain)
    print(f"| playback's events: one query of {len(events):,} rows, sorted by day, encoded "
          f"({play_bytes / 1e6:.1f} MB of JSON, sent once) | {q:.2f} s | {r:.2f} s | {q / r:.2f} "
          f"| ≤ 2 s |")
    print(f"\nbytes the browser gets for the user's events on a date change: median "
          f"{statistics.median(sizes) / 1e3:.0f} KB (the window's events only; the set: "
          f"{len(events):,} rows)")


if __name__ == "__main__":
    main()
