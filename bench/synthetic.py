"""Synthetic ACLED-like event files for the benchmark: seeded, marked synthetic, on land.

    python bench/synthetic.py 10000 /tmp/events-10000.csv

Points are drawn uniformly over the 16 West African countries' land (rejection sampling in
their polygons), dates uniformly from 2020-01-01 to the curation date, categories from the
vocabulary. Every row says it is synthetic; none is a fact.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.facts import curation_date, load_borders  # noqa: E402
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES  # noqa: E402

SOURCE = "https://example.org/synthetic-benchmark-data"


def synthetic_events(n: int, data_dir: Path = ROOT / "data", seed: int = 2023) -> pd.DataFrame:
    """`n` synthetic events in the events.csv columns."""
    rng = np.random.default_rng(seed)
    borders = load_borders(data_dir / "borders.geojson")
    land = borders[borders["region"] == "west_africa"]
    minx, miny, maxx, maxy = land.total_bounds
    tree = shapely.STRtree(land.geometry.values)
    lats, lons, iso3s = [], [], []
    while len(lats) < n:
        xs = rng.uniform(minx, maxx, 4 * n)
        ys = rng.uniform(miny, maxy, 4 * n)
        points = shapely.points(xs, ys)
        hit_points, hit_polys = tree.query(points, predicate="within")
        keep = np.unique(hit_points, return_index=True)[1]
        for p, g in zip(hit_points[keep], hit_polys[keep], strict=True):
            lats.append(round(float(ys[p]), 4))
            lons.append(round(float(xs[p]), 4))
            iso3s.append(land["iso3"].iloc[g])
    lats, lons, iso3s = lats[:n], lons[:n], iso3s[:n]
    start = pd.Timestamp(COVERAGE_START)
    days = (curation_date(data_dir / "SOURCES.md") - start).days
    dates = start + pd.to_timedelta(rng.integers(0, days + 1, n), unit="D")
    categories = rng.choice(list(EVENT_CATEGORIES), n)
    ids = [f"synthetic-{i:06d}" for i in range(n)]
    return pd.DataFrame({
        "id": ids, "date": dates.strftime("%Y-%m-%d"), "lat": lats, "lon": lons, "iso3": iso3s,
        "place": "Synthetic place", "category": categories,
        "title": [f"Synthetic event {i}" for i in range(n)],
        "summary": "Synthetic benchmark row; not a real event.", "sources": SOURCE,
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    synthetic_events(args.rows).to_csv(args.output, index=False, quoting=csv.QUOTE_MINIMAL)
    print(f"wrote {args.rows} synthetic events to {args.output}")


if __name__ == "__main__":
    main()
