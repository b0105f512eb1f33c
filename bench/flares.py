"""Flare benchmark: geo.flares on synthetic events, pandas against DuckDB, in the same run.

    .venv/bin/python bench/flares.py                       # 1,000,000 rows, 5 runs
    .venv/bin/python bench/flares.py --rows 100000 --runs 3

The events are bench/synthetic.py's (seeded, on land) with ten admin1 names per country and
Poisson(1.5) fatalities. Each run computes the admin1 flare table for twelve monthly as-of dates
(a year of playback) with: pandas on the in-memory frame; DuckDB on the same frame; DuckDB on
an Arrow table; DuckDB on a Parquet file sorted by date. The medians are compared, and every
engine's tables are checked equal to pandas' first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_events  # noqa: E402
from geo.flares import flares  # noqa: E402


def flare_events(rows: int, seed: int = 2023) -> pd.DataFrame:
    base = synthetic_events(rows, seed=seed)
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "date": pd.to_datetime(base["date"]), "iso3": base["iso3"],
        "admin1": base["iso3"] + " region " + rng.integers(0, 10, rows).astype(str),
        "deaths": rng.poisson(1.5, rows)})


def as_of_dates(frame: pd.DataFrame, count: int = 12) -> list[date]:
    last = frame["date"].max()
    return [(last - pd.DateOffset(months=k)).date() for k in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    frame = flare_events(args.rows)
    print(f"{args.rows:,} synthetic events in {time.perf_counter() - started:.1f} s")
    days = as_of_dates(frame)
    first = frame["date"].min().date()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "events.parquet"
        frame.sort_values("date", kind="stable").to_parquet(parquet, row_group_size=100_000)
        cases: dict[str, Callable[[date], pd.DataFrame]] = {
            "pandas, frame": lambda d: flares(frame, d, first_day=first, engine="pandas"),
            "duckdb, frame": lambda d: flares(frame, d, first_day=first, engine="duckdb"),
            "duckdb, arrow": lambda d: flares(table, d, first_day=first, engine="duckdb"),
            "duckdb, parquet (date-sorted)": lambda d: flares(parquet, d, first_day=first,
                                                              engine="duckdb"),
        }
        reference = [cases["pandas, frame"](d) for d in days]
        for run in cases.values():
            for d, expected in zip(days, reference, strict=True):
                pd.testing.assert_frame_equal(run(d), expected, check_dtype=False)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, run in cases.items():
                start = time.perf_counter()
                for d in days:
                    run(d)
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["pandas, frame"]
    print(f"12 as-of dates, admin1 level, median of {args.runs} runs:")
    for name, value in medians.items():
        print(f"  {name:32s} {value * 1000:8.0f} ms  ({value / 12 * 1000:6.1f} ms a date)  "
              f"pandas / this = {base / value:5.2f}")


if __name__ == "__main__":
    main()
