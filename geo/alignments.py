"""The alignments page's choices: status dimensions and UN General Assembly votes, as map metrics."""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.facts import Facts, country_names
from geo.i18n import Translate, date_text, english, long_date, name_key
from geo.metrics import METRICS, Metric, MetricClass, classify
from geo.vocabulary import NO_DATA_COLOUR, UN_VOTES, VALUE_LABELS

STATUS_DIMENSIONS = ("ecowas", "ecowas_sanctions", "aes", "au", "oif", "icc", "mission_un",
                     "mission_eu", "forces_france", "forces_russia", "forces_usa")
UN_PREFIX = "un:"


def alignment_choices(un_votes: pd.DataFrame, tr: Translate = english) -> dict[str, str]:
    """Key -> label of every alignment the page can show, status dimensions first."""
    choices = {d: tr(METRICS[d].title) for d in STATUS_DIMENSIONS}
    resolutions = un_votes.drop_duplicates("resolution").sort_values("date")
    for resolution, day in zip(resolutions["resolution"], resolutions["date"], strict=True):
        choices[f"{UN_PREFIX}{resolution}"] = tr(
            "UN General Assembly vote {resolution} ({date})").format(
            resolution=resolution, date=date_text(day.date(), tr))
    return choices


def vote_metric(resolution: str) -> Metric:
    classes = tuple(MetricClass(k, label, colour) for k, (label, colour) in UN_VOTES.items())
    return Metric(f"{UN_PREFIX}{resolution}", resolution,
                  (*classes, MetricClass("no_data", "No data", NO_DATA_COLOUR)))


def alignment_classes(key: str, facts: Facts, day: date,
                      tr: Translate = english) -> tuple[Metric, pd.DataFrame]:
    """The metric and each country's class for one alignment on `day`."""
    if not key.startswith(UN_PREFIX):
        return METRICS[key], classify(key, facts.borders["iso3"], facts.status, facts.coups,
                                      day, tr, facts.checked)
    resolution = key.removeprefix(UN_PREFIX)
    metric = vote_metric(resolution)
    chosen = facts.un_votes[facts.un_votes["resolution"] == resolution]
    votes = {r["iso3"]: r for r in chosen.to_dict("records")}
    rows = []
    for iso3 in facts.borders["iso3"]:
        record = votes.get(iso3)
        vote = str(record["vote"]) if record else "no_data"
        cls = metric.cls(vote)
        detail = ""
        if record:
            voted: pd.Timestamp = record["date"]
            detail = tr("on {date}").format(date=f"{voted:%Y-%m-%d}")
            if voted > pd.Timestamp(day):
                detail += " " + tr("(after {date})").format(date=f"{day:%Y-%m-%d}")
        rows.append({"iso3": iso3, "class": vote, "label": tr(cls.label), "colour": cls.colour,
                     "detail": detail})
    return metric, pd.DataFrame(rows, columns=["iso3", "class", "label", "colour", "detail"])


NOT_MEMBER_CLASSES = ("none", "not_member", "no_data")


def alignment_members(classes: pd.DataFrame, names: dict[str, str],
                      countries: tuple[str, ...] = ()) -> pd.DataFrame:
    """The countries that hold a status of the alignment (alignment_classes' rows, members,
    suspended or withdrawn, not the rest of the map), by name: country, label, detail."""
    held = classes[~classes["class"].isin(NOT_MEMBER_CLASSES)]
    if countries:
        held = held[held["iso3"].isin(countries)]
    held = held.assign(country=held["iso3"].map(names))
    return held.sort_values("country", key=lambda c: c.map(name_key))[["country", "label", "detail"]]


def status_intervals(facts: Facts, dimension: str, curated: date,
                     countries: tuple[str, ...] = (), tr: Translate = english,
                     lang: str = "en") -> pd.DataFrame:
    """One row per status interval of `dimension`: country, status, start, end (open -> curated),
    and `checked`. A period still open on the edge of the checked facts (`facts.checked`) is cut
    there: the part past it is a row of its own with `checked` False and a note saying so."""
    names = country_names(facts, lang)
    rows = facts.status[facts.status["dimension"] == dimension]
    if countries:
        rows = rows[rows["iso3"].isin(countries)]
    end = rows["end"].fillna(pd.Timestamp(curated))
    out = pd.DataFrame({
        "iso3": rows["iso3"],
        "country": rows["iso3"].map(names),
        "status": [tr(VALUE_LABELS[(dimension, v)]) for v in rows["value"]],
        "start": rows["start"],
        "end": end,
        "open": rows["end"].isna(),
        "checked": True,
        "note": "",
        "sources": rows["sources"],
    })
    if facts.checked is not None:
        past = facts.checked + pd.Timedelta(days=1)  # the first day nobody checked
        cut = out[(out["end"] > past) & (out["start"] < past)]
        out.loc[cut.index, "end"] = past
        out.loc[cut.index, "open"] = False
        unchecked = cut.assign(start=past, checked=False, note=tr("not checked since {date}").format(
            date=long_date(facts.checked.date(), lang)))
        out = pd.concat([out, unchecked], ignore_index=True)
    return out.assign(_key=out["country"].map(name_key)).sort_values(["_key", "start"]).drop(
        columns="_key")
