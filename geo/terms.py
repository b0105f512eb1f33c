"""What may be republished of a user's events: the source's terms, and aggregates. Pure.

A row's source is known from where it came, never guessed from its content:

    a pulled set     the source it was pulled from (geo.sources: acled or ucdp), dated by its
                     last pull
    an imported file the format geo.ingest recognised from its columns: a file with ACLED's
                     columns (event_date, latitude, longitude, event_type) is ACLED's, one with
                     UCDP GED's is UCDP's, dated by the day it was imported; any other file is
                     the user's own (their file, their licence)

ACLED's terms of use forbid republishing its raw rows or building a substitute for its data;
derived aggregates and one's own analysis may be published. So the static site, the offline
map, the images and the downloads carry, for ACLED rows, only counts and fatalities per country
and admin1 per month (`aggregates`), unless the user states that their licence allows more
(`licence_allows`, off by default: a visible choice in the app, a flag on the command line).
UCDP GED is CC BY 4.0: its rows may be republished with credit. Every output names its sources,
their licences and the date of the data (`attribution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.i18n import N_, Translate, english


@dataclass(frozen=True)
class SourceTerms:
    """A source of events and what its licence lets anyone republish."""

    key: str
    name: str
    licence: str  # N_() text
    url: str
    raw_rows: bool  # may its rows be republished as they are?


TERMS = {
    "acled": SourceTerms("acled", "ACLED (Armed Conflict Location & Event Data)",
                         N_("ACLED terms of use: raw rows may not be republished; aggregates "
                            "may"), "https://acleddata.com/terms-of-use/", False),
    "ucdp": SourceTerms("ucdp", "UCDP Georeferenced Event Dataset (GED)",
                        N_("CC BY 4.0 (credit: UCDP, Uppsala University)"),
                        "https://ucdp.uu.se/downloads/", True),
    "project": SourceTerms("project", "", N_("the licence of the imported file"), "", True),
}
AGGREGATE_COLUMNS = ["period", "iso3", "admin1", "events", "fatalities"]


@dataclass(frozen=True)
class Provenance:
    """Where a user's events came from: the source's key in TERMS, the set or file's name,
    the date of the data (the last pull, or the import), and whether they were pulled."""

    source: str
    label: str
    dated: date | None = None
    pulled: bool = False

    @property
    def terms(self) -> SourceTerms:
        return TERMS.get(self.source, TERMS["project"])

    def restricted(self, licence_allows: bool = False) -> bool:
        """True when only aggregates of these rows may be published."""
        return not self.terms.raw_rows and not licence_allows


def provenance_of(fmt: str, label: str, dated: date | None = None,
                  pulled: bool = False) -> Provenance:
    """The provenance of a set or file from its format (geo.ingest's acled, ucdp or
    project; a pulled set's format is its source)."""
    return Provenance(fmt if fmt in TERMS else "project", label, dated, pulled)


def aggregates(events: pd.DataFrame) -> pd.DataFrame:
    """Events and fatalities per month, country and admin1 (empty admin1: none given): what
    may be published of rows whose raw form may not. No id, text or coordinates survive."""
    if events.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("events", "fatalities")
                                          else "object") for c in AGGREGATE_COLUMNS})
    admin1 = (events["admin1"].fillna("").astype(str) if "admin1" in events
              else pd.Series("", index=events.index))
    deaths = (pd.to_numeric(events["deaths"], errors="coerce").fillna(0) if "deaths" in events
              else pd.Series(0, index=events.index))
    frame = pd.DataFrame({"period": pd.to_datetime(events["date"]).dt.strftime("%Y-%m"),
                          "iso3": events["iso3"].astype(str), "admin1": admin1, "events": 1,
                          "fatalities": deaths.astype("int64")})
    return (frame.groupby(["period", "iso3", "admin1"], as_index=False, sort=True).sum()
            [AGGREGATE_COLUMNS])


def attribution(prov: Provenance, tr: Translate = english, restricted: bool | None = None) -> str:
    """One line naming the events' source, its licence and the date of the data, and, when
    `restricted`, that only aggregates are published."""
    terms = prov.terms
    name = terms.name or prov.label
    parts = [tr("Events: {source}").format(source=name)]
    if terms.name and prov.label:
        parts[0] += f" ({prov.label})"
    parts.append(tr("licence: {licence}").format(licence=tr(terms.licence))
                 + (f" <{terms.url}>" if terms.url else ""))
    if prov.dated is not None:
        parts.append((tr("pulled on {date}") if prov.pulled else tr("imported on {date}"))
                     .format(date=f"{prov.dated:%Y-%m-%d}"))
    if prov.restricted() if restricted is None else restricted:
        parts.append(tr("published here as counts and fatalities per country, admin1 and "
                        "month only"))
    return "; ".join(parts) + "."


def attribution_record(prov: Provenance, restricted: bool) -> dict[str, object]:
    """The attribution as data (an export's JSON member)."""
    return {"source": prov.terms.name or prov.label, "set": prov.label,
            "licence": english(prov.terms.licence), "terms": prov.terms.url or None,
            "date": f"{prov.dated:%Y-%m-%d}" if prov.dated else None,
            "pulled": prov.pulled, "raw_rows_included": not restricted}
