"""Versions benchmark: what keeping a pulled set's versions costs in the store and how long an
earlier version takes to open, against the latest (geo.pulls, migration 0005).

    .venv/bin/python bench/versions.py                 # 100,000 rows
    .venv/bin/python bench/versions.py --rows 20000

A first pull of N synthetic ACLED rows (bench/synthetic.py, imported as geo.ingest does), then
a second, incremental one that changes 1% of the rows, adds 0.5% and deletes 0.1% (as ACLED's
`timestamp` and deleted events would give). Measured: the set's Parquet (the latest version)
and what the versions add (pull_parts), and the time to open the latest and version 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_acled  # noqa: E402
from geo.access import LOCAL, Viewer  # noqa: E402
from geo.facts import load_borders  # noqa: E402
from geo.ingest import IngestReport, ingest_bytes  # noqa: E402
from geo.pulls import PullRecord, first_pull, load_version, merge, pull_parts, write_pull  # noqa: E402
from geo.store import Store, set_parts  # noqa: E402

OPERATOR = Viewer(LOCAL, admin=True)


def stored_bytes(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(
            sa.func.length(table.c.data)), 0))).scalar() or 0)


def timed(work):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = work()
    return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    borders = load_borders(ROOT / "data" / "borders.geojson")
    report = ingest_bytes(synthetic_acled(args.rows).to_csv(index=False).encode(), "acled.csv",
                          borders)
    events = report.loaded
    record = PullRecord("acled", "acled", "ACLED API", None, "1", {}, 0)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(Path(folder) / "store.sqlite"))
        first = write_pull(store, "bench", None, None, first_pull(report), record, OPERATOR)
        size_1 = stored_bytes(store, set_parts)
        n = len(events)
        changed = events.iloc[: n // 100].copy()
        changed["deaths"] = changed["deaths"].fillna(0) + 1
        added = events.iloc[: n // 200].copy()
        added["id"] = "NEW-" + added["id"].astype(str)
        deleted = list(events["id"].iloc[n // 100: n // 100 + n // 1000])
        pulled = IngestReport("bench", "acled", pd.concat([changed, added], ignore_index=True),
                              report.rejected.iloc[0:0])
        old, old_report = store.load_set(first.set_id)
        merged = merge(old, old_report.rejected, pulled, deleted)
        second = write_pull(store, "bench", first.set_id, first, merged, record, OPERATOR)
        latest_s, _ = timed(lambda: store.load_set(first.set_id))
        version_s, (v1, _) = timed(lambda: load_version(store, first.set_id, 1, OPERATOR))
        pd.testing.assert_frame_equal(v1, old)
        size_2, undo = stored_bytes(store, set_parts), stored_bytes(store, pull_parts)
        store.close()
    print(f"{n:,} events; pull 2: {second.added:,} added, {second.changed:,} changed, "
          f"{second.deleted:,} deleted")
    print(f"  the set's Parquet (latest)   {size_2 / 1e6:7.2f} MB (after pull 1: "
          f"{size_1 / 1e6:.2f} MB)")
    print(f"  what version 1 adds          {undo / 1e6:7.2f} MB ({undo / size_2:.1%} of the set)")
    print(f"  open the latest              {latest_s:7.2f} s")
    print(f"  open version 1               {version_s:7.2f} s ({version_s / latest_s:.2f} x)")


if __name__ == "__main__":
    main()
