"""Keep and reopen a large kept set (geo.store), against writing and reading the same frame as a
plain Parquet file in the same run.

    python bench/store_keep.py [--rows 1000000] [--db URL]

The frame has the loaded-events columns an ACLED import gives (geo.ingest's schema) plus a
notes column, built from bench/synthetic.py's rows without the import (bench/ingest.py times
the import). Prints a Markdown table: seconds to keep and to reopen, the store's bytes for the
set, and each as a ratio to plain Parquet (pyarrow, zstd) of the same frame.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench.synthetic import synthetic_events  # noqa: E402


def loaded_frame(rows: int) -> pd.DataFrame:
    """Synthetic events in the columns a loaded ACLED import has."""
    base = synthetic_events(rows)
    rng = np.random.default_rng(7)
    return base.assign(
        date=pd.to_datetime(base["date"]), category="upload", row=np.arange(2, rows + 2),
        kind=rng.choice(["Battles", "Protests", "Riots"], rows), sub_kind="Armed clash",
        actor1="Military Forces of Mali (2021-)", actor2="", deaths=pd.array(
            rng.poisson(1.5, rows), dtype="Int64"),
        deaths_low=pd.array([None] * rows, dtype="Int64"),
        deaths_high=pd.array([None] * rows, dtype="Int64"), admin1="Synthetic region",
        place_precise=True, date_precision="day",
        file_notes=[f'Synthetic event {i}, "not real".' for i in range(rows)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (default: a throwaway SQLite file)")
    args = parser.parse_args()
    from geo.access import PERSONAL
    from geo.ingest import IngestReport
    from geo.store import Store

    frame = loaded_frame(args.rows)
    rejected = pd.DataFrame({"row": [1], "reasons": ["synthetic"]})
    report = IngestReport("bench.csv", "acled", frame, rejected, (), False)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        sink = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink,
                       compression="zstd")
        parquet_write = time.perf_counter() - t
        t = time.perf_counter()
        pq.read_table(io.BytesIO(sink.getvalue())).to_pandas()
        parquet_read = time.perf_counter() - t
        parquet_bytes = len(sink.getvalue())

        path = Path(tmp) / "store.sqlite"
        store = Store.open(args.db or str(path))
        t = time.perf_counter()
        set_id = store.keep_set("bench", frame, report, "bench.csv", 1, PERSONAL)
        keep = time.perf_counter() - t
        store.close()
        store = Store.open(args.db or str(path))  # a fresh connection, as another server's
        t = time.perf_counter()
        back, _ = store.load_set(set_id)
        reopen = time.perf_counter() - t
        assert len(back) == args.rows
        if args.db:
            import sqlalchemy as sa
            with store.engine.connect() as conn:
                stored = int(conn.execute(sa.text(
                    "SELECT sum(length(data)) FROM set_parts WHERE set_id = :s"),
                    {"s": set_id}).scalar())
        else:
            store.engine.dispose()
            stored = path.stat().st_size + sum(
                p.stat().st_size for p in Path(tmp).glob("store.sqlite-*"))
        print(f"| rows | keep s | reopen s | stored MB | plain Parquet write s | read s | MB "
              f"| keep × | reopen × | size × |\n|---|---|---|---|---|---|---|---|---|---|\n"
              f"| {args.rows:,} | {keep:.2f} | {reopen:.2f} | {stored / 1e6:.1f} | "
              f"{parquet_write:.2f} | {parquet_read:.2f} | {parquet_bytes / 1e6:.1f} | "
              f"{keep / parquet_write:.2f} | {reopen / parquet_read:.2f} | "
              f"{stored / parquet_bytes:.2f} |")


if __name__ == "__main__":
    main()
