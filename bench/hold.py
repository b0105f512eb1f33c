"""Holding a set (geo.engine.Events): what it costs to make the engine's table of an import or a
reopened kept set, today's code against the old way (sort every time, digest of the buffers),
in the same run, runs alternating.

    python bench/hold.py [--rows 1000000] [--runs 3]

The rows are bench/engine.py's loaded ACLED columns, as an Arrow table in two orders: the
file's (an upload: its lines in order, dates in any order) and date order (the import's
Parquet, a kept set reopened). Prints wall and CPU seconds (medians) and checks that both
ways hold the same set.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pa_compute  # noqa: E402

from bench.engine import bench_events  # noqa: E402
from geo.engine import Events  # noqa: E402
from geo.ingest import events_table, sorted_events  # noqa: E402


def old_hold(table: pa.Table) -> tuple[pa.Table, str]:
    """geo.engine.Events before: always sorted by the two keys, then a digest of the columns'
    buffers."""
    held = table.take(pa_compute.sort_indices(table, [("date", "ascending"),
                                                      ("row", "ascending")]))
    digest = hashlib.sha1(str(held.num_rows).encode())
    for name in ("date", "lat", "lon"):
        for chunk in held[name].chunks:
            for buffer in chunk.buffers():
                if buffer is not None:
                    digest.update(memoryview(buffer))
    return held, digest.hexdigest()[:20]


def new_hold(table: pa.Table) -> tuple[pa.Table, str]:
    events = Events(table)
    return events.table, events.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    in_file_order = events_table(bench_events(args.rows))
    in_date_order = sorted_events(in_file_order)
    print(f"{args.rows:,} events; {args.runs} runs each, alternating; medians\n")
    print("| set | old: sort + digest | now | old / now |\n|---|---|---|---|")
    for label, table in (("in the file's order (an upload)", in_file_order),
                         ("in date order (the import's Parquet, a kept set)", in_date_order)):
        times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
        held = {}
        for _ in range(args.runs):
            for name, hold in (("old", old_hold), ("new", new_hold)):
                wall, cpu = time.perf_counter(), time.process_time()
                held[name] = hold(table)
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        assert held["old"][0].equals(held["new"][0]), "the two ways hold different tables"
        med = {k: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
               for k, v in times.items()}
        print(f"| {label} | {med['old'][0]:.2f} s wall, {med['old'][1]:.2f} s CPU | "
              f"{med['new'][0]:.2f} s wall, {med['new'][1]:.2f} s CPU | "
              f"{med['old'][1] / med['new'][1]:.1f}x CPU |", flush=True)


if __name__ == "__main__":
    main()
