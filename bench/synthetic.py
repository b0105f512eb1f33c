"""Synthetic ACLED-like event files for the benchmark: seeded, marked synthetic, on land.

    python bench/synthetic.py 10000 /tmp/events-10000.csv
    python bench/synthetic.py --acled 150000 /tmp/acled-150000.csv   # ACLED's columns

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


# ACLED's export columns: today's layout, and the older one (data_id, event_id_no_cnty, iso3).
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
                 "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
                 "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
                 "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
                 "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
                 "timestamp"]
ACLED_TYPES = {"Battles": "Armed clash", "Violence against civilians": "Attack",
               "Explosions/Remote violence": "Remote explosive/landmine/IED",
               "Protests": "Peaceful protest", "Riots": "Mob violence",
               "Strategic developments": "Looting/property destruction"}
ACLED_ACTORS = ["Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims",
                "Islamic State (Sahel)", "Military Forces of Burkina Faso (2022-)",
                "Civilians (Niger)", "Protesters (Nigeria)", "Unidentified Armed Group (Mali)",
                "Dozo Communal Militia (Mali)", ""]
ISO_NUMERIC = {"BEN": 204, "BFA": 854, "CPV": 132, "CIV": 384, "GMB": 270, "GHA": 288,
               "GIN": 324, "GNB": 624, "LBR": 430, "MLI": 466, "MRT": 478, "NER": 562,
               "NGA": 566, "SEN": 686, "SLE": 694, "TGO": 768}


def synthetic_acled(n: int, data_dir: Path = ROOT / "data", seed: int = 2023) -> pd.DataFrame:
    """`n` synthetic rows in ACLED's current export columns: '15 March 2024' dates, notes with
    commas and quotes, types, actors, fatalities and precision codes."""
    rng = np.random.default_rng(seed)
    base = synthetic_events(n, data_dir, seed)
    days = pd.to_datetime(base["date"])
    types = rng.choice(list(ACLED_TYPES), n)
    names = load_borders(data_dir / "borders.geojson").set_index("iso3")["name"]
    return pd.DataFrame({
        "event_id_cnty": [f"SYN{i}" for i in range(n)],
        "event_date": days.dt.day.astype(str) + " " + days.dt.strftime("%B %Y"),
        "year": days.dt.year, "time_precision": rng.choice([1, 1, 1, 2, 3], n),
        "disorder_type": "Political violence", "event_type": types,
        "sub_event_type": [ACLED_TYPES[t] for t in types],
        "actor1": rng.choice(ACLED_ACTORS[:-1], n), "assoc_actor_1": "",
        "inter1": rng.integers(1, 9, n), "actor2": rng.choice(ACLED_ACTORS, n),
        "assoc_actor_2": "", "inter2": rng.integers(0, 9, n), "interaction": rng.integers(10, 90, n),
        "civilian_targeting": "", "iso": base["iso3"].map(ISO_NUMERIC),
        "region": "Western Africa", "country": base["iso3"].map(names),
        "admin1": "Synthetic region", "admin2": "", "admin3": "", "location": base["place"],
        "latitude": base["lat"], "longitude": base["lon"],
        "geo_precision": rng.choice([1, 1, 2, 3], n), "source": "Synthetic wire",
        "source_scale": "National",
        "notes": [f'Synthetic event {i}, "not real".' for i in range(n)],
        "fatalities": rng.poisson(1.5, n), "tags": "", "timestamp": 1700000000,
    }, columns=ACLED_COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--acled", action="store_true", help="ACLED's export columns")
    args = parser.parse_args()
    make = synthetic_acled if args.acled else synthetic_events
    make(args.rows).to_csv(args.output, index=False, quoting=csv.QUOTE_MINIMAL)
    print(f"wrote {args.rows} synthetic events to {args.output}")


if __name__ == "__main__":
    main()
