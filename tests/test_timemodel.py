"""The time model's wire (geo.timemodel): the class it gives every country on every day is the
model's (geo.metrics.classify), checked on every day a class can change, the days around them,
and days Hypothesis picks; its runs cover every day once; it is built once per data version."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from functools import cache

import pandas as pd
import pytest
from conftest import ROOT, write_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_site import KNOWN_DAYS

from geo import timemodel
from geo.facts import Facts, load_facts
from geo.i18n import translator
from geo.metrics import METRICS, classify, status_summaries
from geo.timemodel import (
    FORMAT,
    class_at,
    day_number,
    last_day,
    run_at,
    sample_days,
    summary_at,
)
from geo.vocabulary import COVERAGE_START


@cache
def real() -> Facts:
    facts = load_facts(ROOT / "data")
    assert facts.errors == ()
    return facts


@cache
def wire_of(lang: str) -> dict:
    return timemodel.build_wire(real(), lang)


@cache
def model(metric: str, day: date, lang: str) -> dict[str, tuple[str, str, str]]:
    facts = real()
    rows = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day,
                    translator(lang), facts.checked)
    return {r["iso3"]: (r["class"], r["colour"], r["detail"]) for r in rows.to_dict("records")}


def around_changes(facts: Facts, metric: str) -> list[date]:
    """Every day the metric's class may change, the day before and after it, and both ends."""
    last = last_day(facts)
    days = {COVERAGE_START, last}
    for d in sample_days(facts, metric):
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    return sorted(d for d in days if COVERAGE_START <= d <= last)


@pytest.mark.parametrize("metric", list(METRICS))
def test_class_at_is_the_model_s_on_every_change_day_and_the_days_around(metric):
    wire = wire_of("fr")
    for day in around_changes(real(), metric):
        expected = model(metric, day, "fr")
        assert set(expected) == set(wire["countries"])
        for iso3, (cls, colour, detail) in expected.items():
            assert class_at(wire, metric, iso3, day) == cls, (metric, iso3, day)
            assert run_at(wire, metric, iso3, day) == (cls, colour, detail), (metric, iso3, day)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metric=st.sampled_from(list(METRICS)),
       offset=st.integers(min_value=0, max_value=day_number(last_day(real()))))
def test_class_at_is_the_model_s_on_any_day(metric, offset):
    wire = wire_of("en")
    day = COVERAGE_START + timedelta(days=offset)
    expected = model(metric, day, "en")
    assert {iso3: run_at(wire, metric, iso3, day) for iso3 in expected} == expected


def test_outside_the_covered_days_and_countries_there_is_no_class():
    wire = wire_of("en")
    end = last_day(real())
    assert class_at(wire, "regime", "NER", end + timedelta(days=1)) is None
    assert class_at(wire, "regime", "NER", COVERAGE_START - timedelta(days=1)) is None
    assert class_at(wire, "regime", "XXX", end) is None
    with pytest.raises(KeyError, match="'nope'"):
        class_at(wire, "nope", "NER", end)
    with pytest.raises(ValueError, match=r"coupbelt\.timemap/1"):
        class_at({"format": "other/2"}, "regime", "NER", end)


@pytest.mark.parametrize(("metric", "iso3", "day", "expected"), KNOWN_DAYS)  # test_site's
def test_known_days(metric, iso3, day, expected):
    assert class_at(wire_of("en"), metric, iso3, day) == expected


def test_runs_cover_every_day_once_and_are_merged():
    wire = wire_of("en")
    assert wire["format"] == FORMAT and wire["start"] == "2020-01-01"
    for m in wire["metrics"]:
        assert len(m["runs"]) == len(wire["countries"])
        for flat in m["runs"]:
            assert len(flat) % 3 == 0 and flat[0] == 0, m["key"]
            starts = flat[0::3]
            assert starts == sorted(set(starts)) and starts[-1] <= wire["last"], m["key"]
            pairs = list(zip(flat[1::3], flat[2::3], strict=True))
            assert all(a != b for a, b in itertools.pairwise(pairs)), "not merged"


@pytest.mark.parametrize("metric", ["regime", "ecowas_sanctions", "forces", "coups"])
def test_changes_are_the_days_some_class_changes(metric):
    """A change day: some country's class differs from the day before; around every other day
    the model may change on, none does."""
    wire = wire_of("en")
    changes = set(timemodel.change_days(wire, metric))
    for day in sample_days(real(), metric)[1:]:
        before, now = model(metric, day - timedelta(days=1), "en"), model(metric, day, "en")
        moved = any(before[c][0] != now[c][0] for c in now)
        assert (day in changes) == moved, (metric, day)
    assert set(timemodel.change_days(wire)) >= changes


def test_summaries_are_the_model_s():
    wire, facts, tr = wire_of("fr"), real(), translator("fr")
    days = around_changes(facts, "regime")[::3] + around_changes(facts, "forces")[::3]
    for day in sorted(set(days)):
        expected = status_summaries(facts.status, day, tr, facts.checked)
        for iso3 in wire["countries"]:
            assert summary_at(wire, iso3, day) == "\n".join(expected.get(iso3, [])), (iso3, day)


def test_a_small_data_folder_gives_the_model_s_classes_too(tmp_path):
    facts = load_facts(write_data(tmp_path / "data"))
    wire = timemodel.build_wire(facts, "en", events=False)
    assert "events" not in wire
    for metric in ("regime", "coups", "ecowas_sanctions"):
        for day in sample_days(facts, metric):
            rows = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day,
                            translator("en"), facts.checked)
            for r in rows.to_dict("records"):
                assert class_at(wire, metric, r["iso3"], day) == r["class"], (metric, day)


def test_built_once_per_data_version_and_language(tmp_path):
    folder = write_data(tmp_path / "data")
    facts = load_facts(folder)
    first = timemodel.wire_for(facts, "en", events=False)
    assert timemodel.wire_for(load_facts(folder), "en", events=False) is first  # same content
    assert timemodel.wire_for(facts, "fr", events=False) is not first
    path = timemodel.write_wire(facts, "en", tmp_path / "gen", events=False)
    assert json.loads(path.read_text(encoding="utf-8")) == first
    stamp = path.stat().st_mtime_ns
    assert timemodel.write_wire(facts, "en", tmp_path / "gen", events=False) == path
    assert path.stat().st_mtime_ns == stamp  # not written twice
    (folder / "status.csv").write_text((folder / "status.csv").read_text(encoding="utf-8")
                                       .replace("2023-07-26", "2023-07-27"), encoding="utf-8")
    changed = load_facts(folder)
    assert timemodel.data_hash(changed) != timemodel.data_hash(facts)
    assert timemodel.wire_for(changed, "en", events=False) is not first


def test_the_counts_over_time_are_the_model_s():
    from geo.timeline import headline_on

    wire, facts = wire_of("en"), real()
    counts = timemodel.headline_counts(wire, COVERAGE_START, last_day(facts), "month")
    for day, rows in counts.groupby("date"):
        head = headline_on(facts.status, day.date())
        expected = {group: len([c for c in members if c in wire["countries"]])
                    for group, members in vars(head).items()}
        assert dict(zip(rows["group"], rows["count"], strict=True)) == expected, day
    military = counts[counts["group"] == "military"].set_index("date")["count"]
    assert military[pd.Timestamp("2023-07-01")] + 1 == military[pd.Timestamp("2023-08-01")]  # Niger



@cache
def compared(first: date, second: date) -> set[str]:
    from geo.changes import changes_between

    return set(changes_between(real().status, first, second)["iso3"])


@cache
def every_change() -> tuple[tuple[str, date], ...]:
    """changes_between over the whole calendar: (country, day) of every change."""
    from geo.changes import changes_between

    rows = changes_between(real().status, COVERAGE_START, last_day(real()))
    return tuple((str(r.iso3), r.changed_on.date()) for r in rows.itertuples())


def test_the_compare_outline_from_the_wire_is_changes_between_s_on_and_around_each_change():
    """Every pair of days among the days a status changes, the day before and the day after
    (and both ends), in either order: the countries the wire says changed between them are
    those changes_between lists a change for after the earlier day, up to the later one
    (read off its rows over the whole calendar; some pairs asked of it directly)."""
    wire, facts = wire_of("en"), real()
    assert timemodel.changed_between(wire, date(2023, 7, 25), date(2023, 7, 26)) >= {"NER"}
    assert "NER" not in timemodel.changed_between(wire, date(2023, 7, 26), date(2023, 7, 27))
    assert timemodel.changed_between(wire, date(2023, 8, 1), date(2023, 8, 10)) == set()
    changes = every_change()
    days = {COVERAGE_START, last_day(facts)}
    for _, d in changes:
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    days = sorted(d for d in days if COVERAGE_START <= d <= last_day(facts))
    assert len(days) > 40
    for first, second in itertools.combinations(days, 2):
        expected = {iso3 for iso3, d in changes if first < d <= second}
        assert timemodel.changed_between(wire, first, second) == expected, (first, second)
        assert timemodel.changed_between(wire, second, first) == expected, (second, first)
    for first, second in [(date(2023, 1, 1), date(2025, 1, 1)), (date(2021, 5, 23), date(2021, 5, 24)),
                          (date(2025, 1, 1), date(2023, 1, 1)), (COVERAGE_START, last_day(facts))]:
        assert timemodel.changed_between(wire, first, second) == compared(first, second)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.integers(min_value=0, max_value=day_number(last_day(real()))),
       b=st.integers(min_value=0, max_value=day_number(last_day(real()))))
def test_the_compare_outline_from_the_wire_is_changes_between_s_for_any_two_days(a, b):
    first, second = COVERAGE_START + timedelta(days=a), COVERAGE_START + timedelta(days=b)
    assert timemodel.changed_between(wire_of("fr"), first, second) == compared(first, second)
