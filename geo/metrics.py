"""The choropleth metrics: each country's class on a date, with a label, a colour and a since-date."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from geo.i18n import N_, Translate, date_text, english, long_date
from geo.timeline import coup_counts, status_on
from geo.vocabulary import (
    COVERAGE_START,
    FORCE_COLOURS,
    FORCE_DIMENSIONS,
    FORCE_LABELS,
    NO_DATA_COLOUR,
    OKABE_ITO,
    TOL_MUTED,
    VALUE_LABELS,
)


@dataclass(frozen=True)
class MetricClass:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    classes: tuple[MetricClass, ...]

    def cls(self, key: str) -> MetricClass:
        return next(c for c in self.classes if c.key == key)


def _c(key: str, label: str, colour: str) -> MetricClass:
    return MetricClass(key, label, colour)


NOT_MEMBER = _c("not_member", N_("Not an ECOWAS member"), "#f4f4f4")
NONE_COLOUR = "#f4f4f4"
METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("regime", N_("Regime"), (
            _c("military", VALUE_LABELS[("regime", "military")], OKABE_ITO["vermillion"]),
            _c("civilian", VALUE_LABELS[("regime", "civilian")], OKABE_ITO["sky_blue"]),
            _c("no_data", N_("No data"), NO_DATA_COLOUR),
        )),
        Metric("ecowas", N_("ECOWAS status"), (
            _c("member", VALUE_LABELS[("ecowas", "member")], OKABE_ITO["blue"]),
            _c("suspended", VALUE_LABELS[("ecowas", "suspended")], OKABE_ITO["orange"]),
            _c("withdrawn", VALUE_LABELS[("ecowas", "withdrawn")], OKABE_ITO["vermillion"]),
            NOT_MEMBER,
        )),
        Metric("ecowas_sanctions", N_("ECOWAS sanctions"), (
            _c("economic", VALUE_LABELS[("ecowas_sanctions", "economic")], OKABE_ITO["vermillion"]),
            _c("targeted", VALUE_LABELS[("ecowas_sanctions", "targeted")], OKABE_ITO["orange"]),
            _c("none", N_("No ECOWAS sanctions"), OKABE_ITO["sky_blue"]),
            NOT_MEMBER,
        )),
        Metric("aes", N_("Alliance of Sahel States"), (
            _c("member", VALUE_LABELS[("aes", "member")], OKABE_ITO["purple"]),
            _c("none", N_("Not an AES member"), NONE_COLOUR),
        )),
        Metric("forces", N_("Foreign forces"), (
            _c("forces_russia", N_("Russian forces"), FORCE_COLOURS["forces_russia"]),
            _c("forces_france", N_("French forces"), FORCE_COLOURS["forces_france"]),
            _c("forces_usa", N_("US forces"), FORCE_COLOURS["forces_usa"]),
            _c("several", N_("Forces of several powers"), OKABE_ITO["yellow"]),
            _c("none", N_("No French, Russian or US forces"), NONE_COLOUR),
        )),
        Metric("forces_france", N_("French forces"), (
            _c("present", VALUE_LABELS[("forces_france", "present")], FORCE_COLOURS["forces_france"]),
            _c("none", N_("No French forces"), NONE_COLOUR),
        )),
        Metric("forces_russia", N_("Russian forces"), (
            _c("wagner", VALUE_LABELS[("forces_russia", "wagner")], OKABE_ITO["orange"]),
            _c("africa_corps", VALUE_LABELS[("forces_russia", "africa_corps")],
               FORCE_COLOURS["forces_russia"]),
            _c("none", N_("No Russian forces"), NONE_COLOUR),
        )),
        Metric("forces_usa", N_("US forces"), (
            _c("present", VALUE_LABELS[("forces_usa", "present")], FORCE_COLOURS["forces_usa"]),
            _c("none", N_("No US forces"), NONE_COLOUR),
        )),
        Metric("au", N_("African Union"), (
            _c("suspended", VALUE_LABELS[("au", "suspended")], OKABE_ITO["vermillion"]),
            _c("none", N_("Not suspended from the AU"), NONE_COLOUR),
        )),
        Metric("oif", N_("Francophonie (OIF)"), (
            _c("suspended", VALUE_LABELS[("oif", "suspended")], OKABE_ITO["orange"]),
            _c("withdrawn", VALUE_LABELS[("oif", "withdrawn")], OKABE_ITO["vermillion"]),
            _c("none", N_("Not suspended or withdrawn (or not an OIF member)"), NONE_COLOUR),
        )),
        Metric("icc", N_("International Criminal Court"), (
            _c("member", VALUE_LABELS[("icc", "member")], OKABE_ITO["blue"]),
            _c("withdrawing", VALUE_LABELS[("icc", "withdrawing")], OKABE_ITO["orange"]),
            _c("withdrawn", VALUE_LABELS[("icc", "withdrawn")], OKABE_ITO["vermillion"]),
            _c("none", N_("Not a state party"), NONE_COLOUR),
        )),
        Metric("mission_un", N_("UN missions"), (
            _c("present", VALUE_LABELS[("mission_un", "present")], OKABE_ITO["sky_blue"]),
            _c("none", N_("No UN mission"), NONE_COLOUR),
        )),
        Metric("mission_eu", N_("EU missions"), (
            _c("present", VALUE_LABELS[("mission_eu", "present")], TOL_MUTED["indigo"]),
            _c("none", N_("No EU mission"), NONE_COLOUR),
        )),
        Metric("coups", N_("Successful coups since 2020"), (
            _c("0", N_("None"), "#fef0d9"),
            _c("1", N_("1 coup"), "#fdcc8a"),
            _c("2", N_("2 coups"), "#fc8d59"),
            _c("3+", N_("3 or more coups"), "#d7301f"),
        )),
    )
}



def since_text(start: pd.Timestamp, tr: Translate = english) -> str:
    """Readable start of a status; the first day of coverage means 'at least since'."""
    if start.date() <= COVERAGE_START:
        return tr("since before {year}").format(year=COVERAGE_START.year)
    return tr("since {date}").format(date=date_text(start.date(), tr))


def unchecked_text(day: date, edge: date | pd.Timestamp | None,
                   tr: Translate = english) -> str:
    """'not checked since 13 March 2026' when `day` is past the edge of the checked facts (what
    holds then is what held at the edge, carried forward); '' otherwise."""
    if edge is None or day <= pd.Timestamp(edge).date():
        return ""
    return tr("not checked since {date}").format(date=date_text(pd.Timestamp(edge).date(), tr))


def checked_credit(edge: date | pd.Timestamp | None, lang: str, tr: Translate = english) -> str:
    """' · facts checked up to 13 March 2026' for a credit line ('' when the edge is unknown)."""
    if edge is None:
        return ""
    return " · " + tr("facts checked up to {date}").format(
        date=long_date(pd.Timestamp(edge).date(), lang))


def classify(metric_key: str, countries: pd.Series, status: pd.DataFrame,
             coups: pd.DataFrame, day: date, tr: Translate = english,
             edge: date | pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per country (iso3): class key, label, colour and details for `day`.

    The details say since when the status holds, or which forces and how many coups, and, past
    the `edge` of the checked facts, that it was not checked since.
    """
    metric = METRICS[metric_key]
    held = status_on(status, day)
    now = {(r["iso3"], r["dimension"]): r for r in held.to_dict("records")}
    counts = coup_counts(coups, day)
    rows = []
    unchecked = unchecked_text(day, edge, tr)
    for iso3 in countries:
        key, detail = _class_of(metric_key, iso3, now, counts, tr)
        if unchecked:
            detail = f"{detail}; {unchecked}" if detail else unchecked
        cls = metric.cls(key)
        rows.append({"iso3": iso3, "class": key, "label": tr(cls.label), "colour": cls.colour,
                     "detail": detail})
    return pd.DataFrame(rows, columns=["iso3", "class", "label", "colour", "detail"])


def _class_of(metric: str, iso3: str, now: dict[tuple[str, str], dict[Hashable, Any]],
              counts: pd.DataFrame, tr: Translate) -> tuple[str, str]:
    def row(dimension: str) -> dict[Hashable, Any] | None:
        return now.get((iso3, dimension))

    if metric == "coups":
        ok, failed = 0, 0
        if iso3 in counts.index:
            ok, failed = (int(n) for n in counts.loc[iso3, ["successful", "failed"]].to_numpy())
        key = "3+" if ok >= 3 else str(ok)
        return key, tr("{ok} successful, {failed} failed since {date}").format(
            ok=ok, failed=failed, date=date_text(COVERAGE_START, tr))
    if metric == "forces":
        present = [(d, r) for d in FORCE_DIMENSIONS if (r := row(d)) is not None]
        if not present:
            return "none", ""
        key = present[0][0] if len(present) == 1 else "several"
        detail = "; ".join(f"{tr(VALUE_LABELS[(d, r['value'])])} ({tr(FORCE_LABELS[d])}) "
                           f"{since_text(r['since'], tr)}" for d, r in present)
        return key, detail
    if metric != "ecowas_sanctions":  # one status dimension, shown as it is
        r = row(metric)
        if r is None:
            key = {"regime": "no_data", "ecowas": "not_member"}.get(metric, "none")
            return key, ""
        return r["value"], since_text(r["since"], tr)
    # ecowas_sanctions: only meaningful for (former) ECOWAS members
    r = row("ecowas_sanctions")
    if r is not None:
        detail = since_text(r["since"], tr)
        if r["run_since"] < r["since"]:
            detail += "; " + tr("under ECOWAS sanctions without a break {since}").format(
                since=since_text(r["run_since"], tr))
        return r["value"], detail
    if row("ecowas") is None:
        return "not_member", ""
    return "none", ""


SUMMARY_DIMENSIONS = ("regime", "ecowas", "ecowas_sanctions", "aes", "au", "forces_france",
                      "forces_russia", "forces_usa")


def status_summaries(status: pd.DataFrame, day: date, tr: Translate = english,
                     edge: date | pd.Timestamp | None = None) -> dict[str, list[str]]:
    """iso3 -> the country's whole status on `day`, one line a dimension: regime, ECOWAS,
    sanctions, AES, AU and foreign forces, each with its since-date (what a tooltip shows
    beside the metric); past the `edge` of the checked facts, a last line says so."""
    held = status_on(status, day)
    held = held[held["dimension"].isin(SUMMARY_DIMENSIONS)]
    order = {d: i for i, d in enumerate(SUMMARY_DIMENSIONS)}
    held = held.assign(order=held["dimension"].map(order)).sort_values(["iso3", "order"])
    out: dict[str, list[str]] = {}
    for iso3, d, v, s in zip(held["iso3"], held["dimension"], held["value"], held["since"],
                             strict=True):
        out.setdefault(str(iso3), []).append(
            f"{tr(VALUE_LABELS[(d, v)])} {since_text(pd.Timestamp(s), tr)}")
    unchecked = unchecked_text(day, edge, tr)
    if unchecked:
        for lines in out.values():
            lines.append(unchecked[:1].upper() + unchecked[1:])
    return out
