"""The time model: every country's class on every day, per metric, and the one wire format that
carries it to every map (the live dashboard, the static site, the one-file export), to the images
and animations, and to the counts-over-time chart.

The classes come from the model itself (geo.metrics.classify, evaluated on every day a class can
change), grouped into runs of equal (class, detail) that cover every day from 2020-01-01 to the
last day. The wire, "coupbelt.timemap/1", is built once per data version and language (cached by
a hash of the data's content):

    {"format": "coupbelt.timemap/1", "lang": "fr", "start": "2020-01-01",
     "last": 2166,                      # day number of the last day (days since `start`)
     "checked": 2163 | null,            # the last day the facts were checked
     "countries": ["BEN", ...],         # the order of every per-country list below
     "strings": ["", "depuis ...", ...],# deduplicated texts (details, summaries)
     "metrics": [{"key": "regime", "title": "Régime",
                  "classes": [["military", "Militaire", "#D55E00"], ...],
                  "runs": [[0, 1, 3, 1296, 0, 7], ...],   # per country, flat
                                        # [first day, class index, string index, ...]; a run
                                        # holds until the next one starts (the last: to `last`)
                  "changes": [232, 501, ...]}],           # days some country's class changes
     "changes": [...],                  # the union of every metric's changes
     "summaries": [[0, 5, 812, 9], ...],# per country, flat [first day, string index, ...]:
                                        # the country's whole status, lines joined by "\\n"
     "changed": [[1301, 1302, ...], ...],# per country, the days some status dimension (any,
                                        # not only the metrics') changed value, ascending: it
                                        # changed between days a and b when one of them is
                                        # > min(a, b) and <= max(a, b) (the compare outline;
                                        # geo.changes.changed_days; added to /1, optional)
     "categories": [["Coup", "#..."], ...],                # events' labels and colours
     "events": [[day, lat, lon, category index, title, place, summary, [sources], id,
                 fallback note, "YYYY-MM-DD"], ...]}       # oldest first (optional)

The browser finds a class with a binary search on a country's run starts (static/js/coupbelt.js,
on the dashboard, the static site and the export); `class_at` is the same lookup in Python, and
is property-tested against geo.metrics.classify.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from geo.changes import changed_days, dimensions_of, frame_dates
from geo.facts import Facts, localised
from geo.i18n import Translate, translator
from geo.layers import UPLOAD_PALETTE, _spread
from geo.metrics import METRICS, SUMMARY_DIMENSIONS, classify, status_summaries
from geo.outlets import popup_sources
from geo.timeline import Headline
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

FORMAT = "coupbelt.timemap/1"
# The status dimensions each metric's class is read from (geo.metrics._class_of) beyond its own:
# 'not a member' of the sanctions metric comes from ECOWAS.
_EXTRA_DIMENSIONS = {"ecowas_sanctions": ("ecowas",)}
EVENT_PALETTE = {**EVENT_CATEGORIES, **UPLOAD_PALETTE}  # the events' categories, in wire order

Wire = dict[str, Any]


@dataclass(frozen=True)
class Interval:
    """One class holding for a country from `start` up to, not including, `end`."""

    start: date
    end: date
    cls: str
    detail: str


def day_number(day: date) -> int:
    """Days since 2020-01-01: how the wire and the browser name a day."""
    return (day - COVERAGE_START).days


def day_of(number: int) -> date:
    """The day a day number names."""
    return COVERAGE_START + timedelta(days=number)


def last_day(facts: Facts) -> date:
    """The map's last day: the curation date (or, without one, the latest date in the data)."""
    if facts.curated is not None:
        return facts.curated.date()
    days = [d for frame, column in ((facts.status, "start"), (facts.status, "end"),
                                    (facts.events, "date"), (facts.coups, "date"))
            for d in frame[column].dropna()]
    return max((d.date() for d in days), default=COVERAGE_START)


def _row_days(status: pd.DataFrame, dimensions: Iterable[str]) -> set[date]:
    rows = status[status["dimension"].isin(list(dimensions))]
    return {d.date() for d in pd.concat([rows["start"], rows["end"].dropna()])}


def _past_edge(facts: Facts) -> set[date]:
    """The first day past the edge of the checked facts, when the dates shown reach it: from
    then on a tooltip says 'not checked since'."""
    if facts.checked is None:
        return set()
    day = facts.checked.date() + timedelta(days=1)
    return {day} if COVERAGE_START < day <= last_day(facts) else set()


def sample_days(facts: Facts, metric: str) -> list[date]:
    """Every day on which `metric`'s class (or its detail) may change, with the first day of
    coverage: a superset of the model's change days, so sampling the model there is exact."""
    if metric == "coups":
        days = {d.date() for d in facts.coups["date"]}
    else:
        days = _row_days(facts.status, (*dimensions_of(metric), *_EXTRA_DIMENSIONS.get(metric, ())))
    end = last_day(facts)
    return sorted({COVERAGE_START} | _past_edge(facts)
                  | {d for d in days if COVERAGE_START < d <= end})


def _runs(samples: Sequence[tuple[date, Mapping[str, tuple[str, str]]]], end: date,
          countries: Iterable[str]) -> dict[str, list[Interval]]:
    """Per country, the runs of equal (class, detail) across the sampled days."""
    stop = end + timedelta(days=1)
    out: dict[str, list[Interval]] = {}
    for iso3 in countries:
        runs: list[Interval] = []
        for k, (day, values) in enumerate(samples):
            until = samples[k + 1][0] if k + 1 < len(samples) else stop
            cls, detail = values[iso3]
            if runs and (runs[-1].cls, runs[-1].detail) == (cls, detail):
                runs[-1] = Interval(runs[-1].start, until, cls, detail)
            else:
                runs.append(Interval(day, until, cls, detail))
        out[iso3] = runs
    return out


def class_intervals(facts: Facts, metric: str, tr: Translate) -> dict[str, list[Interval]]:
    """iso3 -> the intervals of `metric`'s class from 2020-01-01 to the last day (its end is
    the day after it), each as geo.metrics.classify gives it on every day inside."""
    samples = []
    for day in sample_days(facts, metric):
        classes = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day, tr,
                           facts.checked)
        samples.append((day, dict(zip(classes["iso3"], zip(classes["class"], classes["detail"],
                                                            strict=True), strict=True))))
    return _runs(samples, last_day(facts), list(facts.borders["iso3"]))


def summary_intervals(facts: Facts, tr: Translate) -> dict[str, list[Interval]]:
    """iso3 -> the intervals of the country's whole status (geo.metrics.status_summaries, one
    line a dimension, joined by newlines in `detail`). Each country is sampled on its own
    change days only: a summary reads nothing but the country's own rows."""
    end = last_day(facts)
    rows = facts.status[facts.status["dimension"].isin(SUMMARY_DIMENSIONS)]
    out: dict[str, list[Interval]] = {}
    for iso3 in facts.borders["iso3"]:
        own = rows[rows["iso3"] == iso3]
        days = sorted({COVERAGE_START} | _past_edge(facts) | {
            d for d in _row_days(own, SUMMARY_DIMENSIONS) if COVERAGE_START < d <= end})
        samples = [(day, {iso3: ("", "\n".join(status_summaries(own, day, tr, facts.checked)
                                               .get(iso3, [])))}) for day in days]
        out.update(_runs(samples, end, [iso3]))
    return out


def class_on(intervals: Sequence[Interval], day: date) -> Interval | None:
    """The interval holding on `day`, or None outside them."""
    k = bisect.bisect_right([i.start for i in intervals], day) - 1
    return intervals[k] if k >= 0 and day < intervals[k].end else None


# --- the wire --------------------------------------------------------------------------------

def _class_changes(runs: Sequence[Sequence[int]]) -> list[int]:
    """The days (after the first) on which some country's class differs from the day before."""
    days: set[int] = set()
    for flat in runs:
        for k in range(3, len(flat), 3):
            if flat[k + 1] != flat[k - 2]:
                days.add(flat[k])
    return sorted(days)


def event_rows(events: pd.DataFrame, facts: Facts, lang: str, tr: Translate,
               end: date) -> list[list[object]]:
    """Events as the wire carries them (oldest first, between 2020-01-01 and `end`, points
    that share a place fanned out): [day, lat, lon, category index, title, place, summary,
    sources, id, fallback note, 'YYYY-MM-DD']."""
    shown = events[(events["date"] >= pd.Timestamp(COVERAGE_START))
                   & (events["date"] <= pd.Timestamp(end))]
    shown = shown.sort_values("date", kind="stable")
    codes = list(EVENT_PALETTE)
    points = _spread(zip(shown["lat"], shown["lon"], strict=True))
    rows: list[list[object]] = []
    for r, (lat, lon) in zip(shown.to_dict("records"), points, strict=True):
        t = localised(r, lang, tr)
        rows.append([day_number(r["date"].date()), round(lat, 4), round(lon, 4),
                     codes.index(r["category"]), t.title, t.place, t.summary,
                     popup_sources(str(r["sources"]), facts.outlets, tr), str(r["id"]),
                     t.fallback, f"{r['date']:%Y-%m-%d}"])
    return rows


def build_wire(facts: Facts, lang: str, events: bool = True) -> Wire:
    """The wire (this module's docstring) for `facts` in `lang`; without `events` when the
    reader's map carries its events another way (the dashboard's events layer)."""
    tr = translator(lang)
    countries = [str(c) for c in facts.borders["iso3"]]
    strings: dict[str, int] = {}

    def text(s: str) -> int:
        return strings.setdefault(s, len(strings))

    metrics = []
    for key, m in METRICS.items():
        codes = [c.key for c in m.classes]
        intervals = class_intervals(facts, key, tr)
        runs = [[n for i in intervals[iso3]
                 for n in (day_number(i.start), codes.index(i.cls), text(i.detail))]
                for iso3 in countries]
        metrics.append({"key": key, "title": tr(m.title),
                        "classes": [[c.key, tr(c.label), c.colour] for c in m.classes],
                        "runs": runs, "changes": _class_changes(runs)})
    summaries = summary_intervals(facts, tr)
    wire: Wire = {
        "format": FORMAT, "lang": lang, "start": f"{COVERAGE_START:%Y-%m-%d}",
        "last": day_number(last_day(facts)),
        "checked": None if facts.checked is None else day_number(facts.checked.date()),
        "countries": countries,
        "metrics": metrics,
        "changes": sorted({d for m in metrics for d in m["changes"]}),
        "summaries": [[n for i in summaries[iso3] for n in (day_number(i.start), text(i.detail))]
                      for iso3 in countries],
        "categories": [[tr(label), colour] for label, colour in EVENT_PALETTE.values()],
        "changed": changed_numbers(facts, countries),
    }
    if events:
        wire["events"] = event_rows(facts.events, facts, lang, tr, last_day(facts))
    wire["strings"] = list(strings)
    return wire


def changed_numbers(facts: Facts, countries: Sequence[str]) -> list[list[int]]:
    """The wire's "changed": per country (in `countries`' order), the day numbers up to the
    last day on which some status dimension changed value."""
    days = changed_days(facts.status)
    end = last_day(facts)
    return [[day_number(d) for d in days.get(iso3, []) if d <= end] for iso3 in countries]


def changed_between(wire: Mapping[str, Any], first: date, second: date) -> set[str]:
    """The countries whose status (any dimension) changed after the earlier of two days, up to
    and including the later, read from the wire as the browser reads it for the compare
    outline (the same set as geo.changes.changes_between's countries)."""
    check_wire(wire)
    lo, hi = sorted((day_number(first), day_number(second)))
    return {iso3 for iso3, days in zip(wire["countries"], wire.get("changed", []), strict=False)
            if bisect.bisect_left(days, hi + 1) > bisect.bisect_right(days, lo)}


def check_wire(wire: Mapping[str, Any]) -> None:
    """Raise ValueError naming what is wrong when `wire` is not a coupbelt.timemap/1 document."""
    if not isinstance(wire, Mapping) or wire.get("format") != FORMAT:
        found = wire.get("format") if isinstance(wire, Mapping) else type(wire).__name__
        raise ValueError(f"not a {FORMAT} document (format: {found!r})")


def metric_entry(wire: Mapping[str, Any], metric: str) -> Mapping[str, Any]:
    """The wire's entry of `metric` (key, title, classes, runs, changes); KeyError if absent."""
    check_wire(wire)
    for m in wire["metrics"]:
        if m["key"] == metric:
            return m  # type: ignore[no-any-return]
    raise KeyError(f"metric {metric!r} is not in the wire")


def _find(flat: Sequence[int], width: int, n: int) -> int:
    """The index of the run holding on day number `n` in a flat run list (-1: before them)."""
    return bisect.bisect_right(flat[0::width], n) - 1


def run_at(wire: Mapping[str, Any], metric: str, iso3: str, day: date) -> tuple[str, str, str] | None:
    """(class key, colour, detail) of `iso3` on `day` in the wire's `metric`, as the browser looks
    it up; None outside 2020-01-01..last or for a country the wire does not hold."""
    m = metric_entry(wire, metric)
    n = day_number(day)
    if iso3 not in wire["countries"] or not 0 <= n <= wire["last"]:
        return None
    flat = m["runs"][wire["countries"].index(iso3)]
    k = _find(flat, 3, n)
    if k < 0:
        return None
    key, _label, colour = m["classes"][flat[3 * k + 1]]
    return key, colour, wire["strings"][flat[3 * k + 2]]


def class_at(wire: Mapping[str, Any], metric: str, iso3: str, day: date) -> str | None:
    """The class key of `iso3` on `day` for `metric`, read from the wire (None outside it)."""
    found = run_at(wire, metric, iso3, day)
    return None if found is None else found[0]


def classes_on(wire: Mapping[str, Any], metric: str, day: date) -> dict[str, tuple[str, str, str]]:
    """iso3 -> (class key, colour, detail) on `day` for every country of the wire."""
    return {iso3: found for iso3 in wire["countries"]
            if (found := run_at(wire, metric, iso3, day)) is not None}


def summary_at(wire: Mapping[str, Any], iso3: str, day: date) -> str:
    """The country's whole status on `day` (lines joined by newlines; '' when none)."""
    check_wire(wire)
    n = day_number(day)
    if iso3 not in wire["countries"] or not 0 <= n <= wire["last"]:
        return ""
    flat = wire["summaries"][wire["countries"].index(iso3)]
    k = _find(flat, 2, n)
    return "" if k < 0 else str(wire["strings"][flat[2 * k + 1]])


def change_days(wire: Mapping[str, Any], metric: str | None = None) -> list[date]:
    """The days on which some country's class changes for `metric` (None: for any metric)."""
    check_wire(wire)
    days = wire["changes"] if metric is None else metric_entry(wire, metric)["changes"]
    return [day_of(n) for n in days]


def epochs(wire: Mapping[str, Any], metric: str) -> list[int]:
    """Day numbers from which some country's class *or detail* differs from the day before
    (what an image must repaint for); sorted."""
    return sorted({flat[k] for flat in metric_entry(wire, metric)["runs"]
                   for k in range(3, len(flat), 3)})


# The headline groups (geo.timeline.Headline) as classes of the wire's metrics.
HEADLINE_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "military": ("regime", ("military",)),
    "ecowas_suspended": ("ecowas", ("suspended",)),
    "ecowas_withdrawn": ("ecowas", ("withdrawn",)),
    "ecowas_sanctioned": ("ecowas_sanctions", ("economic", "targeted")),
    "aes": ("aes", ("member",)),
    "russian_forces": ("forces_russia", ("wagner", "africa_corps")),
    "french_forces": ("forces_france", ("present",)),
    "us_forces": ("forces_usa", ("present",)),
}


def headline_counts(wire: Mapping[str, Any], start: date, end: date,
                    step: str = "month") -> pd.DataFrame:
    """The headline counts (military rule, suspended, withdrawn, sanctions, AES, forces) on each
    frame date from `start` to `end`, read from the wire: columns date, group, count (the
    counts-over-time chart)."""
    rows = []
    for day in frame_dates(start, end, step):
        for f in fields(Headline):
            metric, classes = HEADLINE_CLASSES[f.name]
            count = sum(class_at(wire, metric, iso3, day) in classes for iso3 in wire["countries"])
            rows.append({"date": pd.Timestamp(day), "group": f.name, "count": count})
    return pd.DataFrame(rows, columns=["date", "group", "count"])


# --- once per data version and language -----------------------------------------------------

_HASHES: dict[int, str] = {}  # id of a live Facts -> its data_hash (dropped with it)


def data_hash(facts: Facts) -> str:
    """A hash of everything the wire is built from (the tables' content, the curation and
    checked dates): equal data, equal hash. Computed once per Facts object (~0.2 s)."""
    found = _HASHES.get(id(facts))
    if found is None:
        found = _HASHES[id(facts)] = _content_hash(facts)
        weakref.finalize(facts, _HASHES.pop, id(facts), None)
    return found


def _content_hash(facts: Facts) -> str:
    h = hashlib.sha256()
    for frame in (facts.status, facts.coups, facts.events):
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    h.update(",".join(map(str, facts.borders["iso3"])).encode())
    h.update(f"{facts.curated}|{facts.checked}|{sorted(facts.outlets.items())!r}".encode())
    return h.hexdigest()[:20]


_LOCK = threading.Lock()
_WIRES: dict[tuple[str, str, bool], Wire] = {}
_KEEP = 8  # wires kept (data versions, languages, with or without events)


def wire_for(facts: Facts, lang: str, events: bool = True) -> Wire:
    """The wire of `facts` in `lang`, built once per data version (content hash) and language;
    later calls return the same object (treat it as read-only)."""
    key = (data_hash(facts), lang, events)
    with _LOCK:
        found = _WIRES.get(key)
    if found is not None:
        return found
    built = build_wire(facts, lang, events)
    with _LOCK:
        found = _WIRES.setdefault(key, built)
        while len(_WIRES) > _KEEP:
            _WIRES.pop(next(iter(_WIRES)))
    return found


def wire_json(wire: Mapping[str, Any]) -> str:
    """The wire as compact JSON text."""
    return json.dumps(wire, ensure_ascii=False, separators=(",", ":"))


def write_wire(facts: Facts, lang: str, folder: Path, events: bool = True) -> Path:
    """The wire written as folder/timemap-<hash>-<lang>.json, once per data version and
    language (an existing file is kept; a new one appears whole, by rename)."""
    path = folder / f"timemap-{data_hash(facts)}-{lang}{'' if events else '-noevents'}.json"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        part.write_text(wire_json(wire_for(facts, lang, events)), encoding="utf-8")
        part.replace(path)
    return path
