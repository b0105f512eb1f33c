"""Rewrite the coup rows of data/events.csv from data/coups.csv (every other row is kept as is).

Every coup and attempt is also an event on the map, at the capital, citing the coup's sources.
Run after editing coups.csv:  python scripts/sync_coup_events.py
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ["id", "date", "lat", "lon", "iso3", "place", "category", "title", "summary", "sources",
           "title_fr", "summary_fr", "place_fr"]
CAPITALS = {  # iso3 -> (place, lat, lon)
    "BEN": ("Cotonou", 6.3703, 2.3912), "BFA": ("Ouagadougou", 12.3714, -1.5197),
    "CAF": ("Bangui", 4.3947, 18.5582), "CIV": ("Abidjan", 5.3600, -4.0083),
    "CMR": ("Yaoundé", 3.8480, 11.5021), "CPV": ("Praia", 14.9330, -23.5133),
    "DZA": ("Algiers", 36.7538, 3.0588), "GAB": ("Libreville", 0.4162, 9.4673),
    "GHA": ("Accra", 5.6037, -0.1870), "GIN": ("Conakry", 9.5092, -13.7122),
    "GMB": ("Banjul", 13.4549, -16.5790), "GNB": ("Bissau", 11.8636, -15.5977),
    "GNQ": ("Malabo", 3.7504, 8.7371), "LBR": ("Monrovia", 6.3156, -10.8074),
    "LBY": ("Tripoli", 32.8872, 13.1913), "MAR": ("Rabat", 34.0209, -6.8416),
    "MLI": ("Bamako", 12.6392, -8.0029), "MRT": ("Nouakchott", 18.0735, -15.9582),
    "NER": ("Niamey", 13.5116, 2.1254), "NGA": ("Abuja", 9.0765, 7.3986),
    "SDN": ("Khartoum", 15.5007, 32.5599), "SEN": ("Dakar", 14.7167, -17.4677),
    "SLE": ("Freetown", 8.4657, -13.2317), "TCD": ("N'Djamena", 12.1348, 15.0557),
    "TGO": ("Lomé", 6.1725, 1.2314),
}
CAPITALS_FR = {"DZA": "Alger", "LBY": "Tripoli", "MAR": "Rabat"}  # where French differs (or is checked)
IN_FR = {"BEN": "au Bénin", "BFA": "au Burkina Faso", "GAB": "au Gabon", "GIN": "en Guinée",
         "GMB": "en Gambie", "GNB": "en Guinée-Bissau", "MLI": "au Mali", "NER": "au Niger",
         "NGA": "au Nigeria", "SDN": "au Soudan", "SLE": "en Sierra Leone", "TCD": "au Tchad",
         "CAF": "en Centrafrique"}
NAMES = {"BEN": "Benin", "BFA": "Burkina Faso", "GAB": "Gabon", "GIN": "Guinea",
         "GMB": "The Gambia", "GNB": "Guinea-Bissau", "MLI": "Mali", "NER": "Niger",
         "NGA": "Nigeria", "SDN": "Sudan", "SLE": "Sierra Leone", "TCD": "Chad",
         "CAF": "Central African Republic"}


def coup_event(coup: dict[str, str]) -> dict[str, str]:
    place, lat, lon = CAPITALS[coup["iso3"]]
    country = NAMES.get(coup["iso3"], coup["iso3"])
    where = IN_FR.get(coup["iso3"], coup["iso3"])
    if coup["outcome"] == "successful":
        category, title = "coup", f"Coup in {country}"
        title_fr = f"Coup d'État {where}"
    else:
        category, title = "coup_attempt", f"Failed or foiled coup attempt in {country}"
        title_fr = f"Tentative de coup d'État échouée ou déjouée {where}"
    return {"id": f"{coup['id']}-coup", "date": coup["date"], "lat": f"{lat:.4f}",
            "lon": f"{lon:.4f}", "iso3": coup["iso3"], "place": place, "category": category,
            "title": title, "summary": coup["summary"], "sources": coup["sources"],
            "title_fr": title_fr, "summary_fr": coup.get("summary_fr") or "",
            "place_fr": CAPITALS_FR.get(coup["iso3"], place)}


def main() -> None:
    with (DATA / "coups.csv").open(encoding="utf-8", newline="") as f:
        coups = list(csv.DictReader(f))
    with (DATA / "events.csv").open(encoding="utf-8", newline="") as f:
        events = [{c: e.get(c) or "" for c in COLUMNS} for e in csv.DictReader(f)
                  if e["category"] not in ("coup", "coup_attempt")]
    rows = sorted(events + [coup_event(c) for c in coups], key=lambda e: (e["date"], e["id"]))
    with (DATA / "events.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"events.csv: {len(rows)} rows, {len(coups)} from coups.csv")


if __name__ == "__main__":
    main()
