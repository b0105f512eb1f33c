"""Rebuild data/borders.geojson from Natural Earth admin-0 (npm package world-atlas@2.0.2).

    python scripts/build_borders.py            # fetches the package with `npm pack`
    python scripts/build_borders.py --from countries-50m.json

The TopoJSON is subset to the 26 countries of the dashboard and simplified on its topology
(shared arcs are simplified once, so neighbours keep exactly one common border line), then
rounded to 0.001 degrees. Never hand-edit the output: rerun this script.
"""

from __future__ import annotations

import argparse
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
import topojson

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "borders.geojson"
PACKAGE = "world-atlas@2.0.2"
TOLERANCE_DEG = 0.02  # Douglas-Peucker on shared arcs; ~2 km, keeps Cabo Verde and Bioko
GRID_DEG = 0.001

# ISO 3166-1 numeric (world-atlas `id`) -> (iso3, English name, French name, region)
COUNTRIES: dict[str, tuple[str, str, str, str]] = {
    "204": ("BEN", "Benin", "Bénin", "west_africa"),
    "854": ("BFA", "Burkina Faso", "Burkina Faso", "west_africa"),
    "132": ("CPV", "Cabo Verde", "Cap-Vert", "west_africa"),
    "384": ("CIV", "Côte d'Ivoire", "Côte d'Ivoire", "west_africa"),
    "270": ("GMB", "The Gambia", "Gambie", "west_africa"),
    "288": ("GHA", "Ghana", "Ghana", "west_africa"),
    "324": ("GIN", "Guinea", "Guinée", "west_africa"),
    "624": ("GNB", "Guinea-Bissau", "Guinée-Bissau", "west_africa"),
    "430": ("LBR", "Liberia", "Liberia", "west_africa"),
    "466": ("MLI", "Mali", "Mali", "west_africa"),
    "478": ("MRT", "Mauritania", "Mauritanie", "west_africa"),
    "562": ("NER", "Niger", "Niger", "west_africa"),
    "566": ("NGA", "Nigeria", "Nigeria", "west_africa"),
    "686": ("SEN", "Senegal", "Sénégal", "west_africa"),
    "694": ("SLE", "Sierra Leone", "Sierra Leone", "west_africa"),
    "768": ("TGO", "Togo", "Togo", "west_africa"),
    "012": ("DZA", "Algeria", "Algérie", "context"),
    "504": ("MAR", "Morocco", "Maroc", "context"),
    "732": ("ESH", "Western Sahara", "Sahara occidental", "context"),
    "434": ("LBY", "Libya", "Libye", "context"),
    "148": ("TCD", "Chad", "Tchad", "context"),
    "729": ("SDN", "Sudan", "Soudan", "context"),
    "120": ("CMR", "Cameroon", "Cameroun", "context"),
    "140": ("CAF", "Central African Republic", "République centrafricaine", "context"),
    "266": ("GAB", "Gabon", "Gabon", "context"),
    "226": ("GNQ", "Equatorial Guinea", "Guinée équatoriale", "context"),
}


def fetch_package(workdir: Path) -> Path:
    """Download the npm tarball (registry only) and return the 50m TopoJSON inside it."""
    subprocess.run(["npm", "pack", PACKAGE], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    (tarball,) = workdir.glob("world-atlas-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extract("package/countries-50m.json", workdir, filter="data")
    return workdir / "package" / "countries-50m.json"


def build(topo_path: Path) -> gpd.GeoDataFrame:
    """Subset, simplify on the topology, and attach the dashboard's properties."""
    world = gpd.read_file(topo_path, layer="countries").set_crs(4326)
    subset = world[world["id"].isin(list(COUNTRIES))].reset_index(drop=True)
    missing = set(COUNTRIES) - set(subset["id"])
    if missing:
        raise SystemExit(f"{topo_path}: countries missing from the source: {sorted(missing)}")
    simplified = topojson.Topology(subset, prequantize=1e5, toposimplify=TOLERANCE_DEG).to_gdf()
    simplified = simplified.set_crs(4326, allow_override=True)
    rows = [COUNTRIES[i] for i in simplified["id"]]
    out = gpd.GeoDataFrame(
        {
            "iso3": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "name_fr": [r[2] for r in rows],
            "region": [r[3] for r in rows],
        },
        geometry=shapely.set_precision(simplified.geometry.values, GRID_DEG),
        crs=4326,
    )
    return out.sort_values("iso3").reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a local countries-50m.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_package(Path(tmp))
        borders = build(source)
    OUTPUT.unlink(missing_ok=True)
    borders.to_file(OUTPUT, driver="GeoJSON", COORDINATE_PRECISION=3)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(borders)} countries, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
